//! Errors in the route's format, also for the responses that layers and the router make
//! themselves (a CSRF refusal, 405, 413, a timeout, a panic, an unmatched route): under
//! `/api/` every error is `{"error": "…"}`, elsewhere the styled error page. Responses that
//! already are JSON (API) or HTML (pages) pass untouched.

use crate::error::{ApiError, Error, PageError};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

fn is(response: &Response, media: &str) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(media))
}

pub async fn layer(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let response = next.run(req).await;
    let status = response.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return response;
    }
    let (formatted, media) = if api {
        (is(&response, "application/json"), "JSON")
    } else {
        (is(&response, "text/html"), "HTML")
    };
    if formatted {
        return response;
    }
    tracing::debug!(status = status.as_u16(), media, "error body replaced");
    let error = Error::of_status(status);
    let mut fresh = if api {
        ApiError(error).into_response()
    } else {
        PageError(error).into_response()
    };
    // Keep what the layer said besides its body (Allow, Retry-After, request id, …).
    let (parts, _) = response.into_parts();
    for (name, value) in &parts.headers {
        if name != CONTENT_TYPE && name != CONTENT_LENGTH && !fresh.headers().contains_key(name) {
            fresh.headers_mut().append(name, value.clone());
        }
    }
    *fresh.status_mut() = status;
    fresh
}
