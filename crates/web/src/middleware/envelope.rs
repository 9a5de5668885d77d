//! Errors in the route's format, also for the responses that layers and the router make
//! themselves (a CSRF refusal, 405, 413, a timeout, a panic, an unmatched route): under
//! `/api/` every error is `{"error": "…"}`, elsewhere the styled error page. Responses that
//! already are JSON (API) or HTML (pages) pass untouched.
//!
//! A plain tower service (no boxed `Next`, no boxed future): it runs on every request.

use crate::error::{ApiError, Error, PageError};
use axum::extract::Request;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

fn is(response: &Response, media: &str) -> bool {
    response
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with(media))
}

/// The response in the route's error format, if it is an error in another format.
fn enveloped(api: bool, response: Response) -> Response {
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

/// Puts every error response in its route's format.
#[derive(Clone, Copy, Default)]
pub struct EnvelopeLayer;

impl<S> tower::Layer<S> for EnvelopeLayer {
    type Service = Envelope<S>;

    fn layer(&self, inner: S) -> Envelope<S> {
        Envelope { inner }
    }
}

#[derive(Clone)]
pub struct Envelope<S> {
    inner: S,
}

impl<S, B> tower::Service<Request> for Envelope<S>
where
    S: tower::Service<Request, Response = axum::http::Response<B>>,
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Response = Response;
    type Error = S::Error;
    type Future = EnvelopeFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let api = req.uri().path().starts_with("/api/");
        EnvelopeFuture {
            inner: self.inner.call(req),
            api,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct EnvelopeFuture<F> {
        #[pin]
        inner: F,
        api: bool,
    }
}

impl<F, B, E> Future for EnvelopeFuture<F>
where
    F: Future<Output = Result<axum::http::Response<B>, E>>,
    B: axum::body::HttpBody<Data = axum::body::Bytes> + Send + 'static,
    B::Error: Into<axum::BoxError>,
{
    type Output = Result<Response, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let response = ready!(this.inner.poll(cx))?;
        Poll::Ready(Ok(enveloped(
            *this.api,
            response.map(axum::body::Body::new),
        )))
    }
}
