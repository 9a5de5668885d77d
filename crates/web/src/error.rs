//! Errors as responses. One kind, [`Error`], says what went wrong; [`ApiError`] renders it as
//! JSON (`{"error": "…"}`, for every route under `/api/`) and [`PageError`] as the styled
//! error page (every HTML route). The response is where an error is logged, once, with its
//! whole source chain; clients see only the message (no SQL, no stack).

use crate::dto::ErrorBody;
use crate::templates::{ErrorPage, Nav, render};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::{BoxError, Json};
use std::time::Duration;

/// No piece of a request body arrived within `BODY_TIMEOUT` (the body's error, from
/// `middleware::body_timeout`; the extractors answer it with 408).
#[derive(Debug, thiserror::Error)]
#[error("the request body did not arrive in time")]
pub struct BodyTimedOut;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    UnsupportedMediaType(String),
    #[error("{0}")]
    Unprocessable(String),
    #[error("{message}")]
    RateLimited {
        message: String,
        limit: u32,
        window: Duration,
        retry_after: Duration,
    },
    /// The service cannot answer now (no model yet, a dependency down); try again later.
    #[error("{message}")]
    Unavailable {
        message: String,
        #[source]
        source: Option<BoxError>,
    },
    #[error("{0}")]
    Timeout(String),
    /// The client did not send its request body in time.
    #[error("{0}")]
    RequestTimeout(String),
    /// Too much work queued (password hashing): try again after `retry_after`.
    #[error("{message}")]
    Busy {
        message: String,
        retry_after: Duration,
    },
    #[error("internal error; it has been logged")]
    Internal(#[source] BoxError),
}

impl Error {
    pub fn internal(cause: impl Into<BoxError>) -> Self {
        Error::Internal(cause.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) => StatusCode::FORBIDDEN,
            Error::NotFound(_) => StatusCode::NOT_FOUND,
            Error::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            Error::UnsupportedMediaType(_) => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Error::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Timeout(_) => StatusCode::GATEWAY_TIMEOUT,
            Error::RequestTimeout(_) => StatusCode::REQUEST_TIMEOUT,
            Error::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The error a status means, for responses made by layers that give no reason of their
    /// own (CSRF refusals, 405, 413, timeouts, panics).
    pub fn of_status(status: StatusCode) -> Self {
        let reason = status.canonical_reason().unwrap_or("error").to_string();
        match status.as_u16() {
            400 => Error::BadRequest("malformed request".into()),
            401 => Error::Unauthorized(reason),
            403 => Error::Forbidden(
                "cross-site request refused: send it from this site (Origin or Sec-Fetch-Site)"
                    .into(),
            ),
            404 => Error::NotFound(reason),
            408 => Error::RequestTimeout("the request body did not arrive in time".into()),
            405 => Error::MethodNotAllowed("method not allowed on this path".into()),
            409 => Error::Conflict(reason),
            413 => Error::PayloadTooLarge(format!(
                "request body over the limit of {} bytes",
                crate::config::BODY_LIMIT
            )),
            415 => Error::UnsupportedMediaType(reason),
            422 => Error::Unprocessable(reason),
            503 => Error::Unavailable {
                message: "the service is unavailable; try again shortly".into(),
                source: None,
            },
            504 => Error::Timeout("the request took too long".into()),
            _ if status.is_client_error() => Error::BadRequest(reason),
            _ => Error::Internal(reason.into()),
        }
    }

    /// An extractor's refusal: its status, with its own explanation.
    pub fn rejected(status: StatusCode, message: String) -> Self {
        match Error::of_status(status) {
            Error::BadRequest(_) => Error::BadRequest(message),
            Error::NotFound(_) => Error::NotFound(message),
            Error::PayloadTooLarge(m) => Error::PayloadTooLarge(m),
            Error::UnsupportedMediaType(_) => Error::UnsupportedMediaType(message),
            Error::Unprocessable(_) => Error::Unprocessable(message),
            other => other,
        }
    }

    /// Logs a server-side failure with its causes (client errors are not logged).
    fn log(&self) {
        // Shedding load (Busy) is expected under a flood and counted, not logged.
        if self.status().is_server_error() && !matches!(self, Error::Busy { .. }) {
            let mut chain = self.to_string();
            let mut cause = std::error::Error::source(self);
            while let Some(c) = cause {
                chain.push_str(": ");
                chain.push_str(&c.to_string());
                cause = c.source();
            }
            tracing::error!(status = self.status().as_u16(), error = %chain, "request failed");
        }
    }

    /// Writes `Retry-After` and the `RateLimit-*` headers of a refusal.
    fn headers(&self, response: &mut Response) {
        if let Error::Busy { retry_after, .. } = self {
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if let Error::RateLimited {
            limit,
            window,
            retry_after,
            ..
        } = self
        {
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            let h = response.headers_mut();
            let num = |v: u64| HeaderValue::from(v);
            h.insert(header::RETRY_AFTER, num(secs));
            h.insert("ratelimit-limit", num(u64::from(*limit)));
            h.insert("ratelimit-remaining", num(0));
            h.insert("ratelimit-reset", num(secs));
            if let Ok(v) = HeaderValue::from_str(&format!("{limit};w={}", window.as_secs())) {
                h.insert("ratelimit-policy", v);
            }
        }
    }
}

impl From<fp_storage::StorageError> for Error {
    fn from(e: fp_storage::StorageError) -> Self {
        if e.is_unavailable() {
            Error::Unavailable {
                message: "the database is unavailable; try again shortly".into(),
                source: Some(Box::new(e)),
            }
        } else {
            Error::Internal(Box::new(e))
        }
    }
}

/// A storage error shared by the callers of one load (a coalescing cache).
impl From<std::sync::Arc<fp_storage::StorageError>> for Error {
    fn from(e: std::sync::Arc<fp_storage::StorageError>) -> Self {
        if e.is_unavailable() {
            Error::Unavailable {
                message: "the database is unavailable; try again shortly".into(),
                source: Some(Box::new(e)),
            }
        } else {
            Error::Internal(Box::new(e))
        }
    }
}

impl From<fp_engine::LookupError> for Error {
    fn from(e: fp_engine::LookupError) -> Self {
        use fp_engine::LookupError as L;
        let message = e.to_string();
        match e {
            L::UnknownLeague(_) => Error::NotFound(message),
            L::UnknownTeam { .. } | L::SameTeam => Error::Unprocessable(message),
            L::NoModel(_) => Error::Unavailable {
                message,
                source: None,
            },
        }
    }
}

/// An error answered as JSON.
#[derive(Debug)]
pub struct ApiError(pub Error);

/// An error answered as the HTML error page.
#[derive(Debug)]
pub struct PageError(pub Error);

impl<E: Into<Error>> From<E> for ApiError {
    fn from(e: E) -> Self {
        ApiError(e.into())
    }
}

impl<E: Into<Error>> From<E> for PageError {
    fn from(e: E) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let mut response = (
            e.status(),
            Json(ErrorBody {
                error: e.to_string(),
            }),
        )
            .into_response();
        e.headers(&mut response);
        response
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let e = self.0;
        e.log();
        let status = e.status();
        let page = ErrorPage {
            nav: Nav::new(None),
            status: status.as_u16(),
            title: status.canonical_reason().unwrap_or("Error").to_string(),
            message: e.to_string(),
        };
        let mut response = (status, Html(render(&page))).into_response();
        e.headers(&mut response);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_chain_of_causes_is_kept() {
        let io = std::io::Error::other("disk on fire");
        let e = Error::from(fp_storage::StorageError::Database(
            fp_storage::SqlxError::Io(io),
        ));
        assert_eq!(e.status(), StatusCode::SERVICE_UNAVAILABLE);
        let source = std::error::Error::source(&e).map(ToString::to_string);
        assert!(source.is_some_and(|s| s.contains("disk on fire")));
    }

    #[test]
    fn layer_statuses_map_to_their_kind() {
        for code in [400u16, 403, 404, 405, 408, 413, 415, 422, 503, 504, 500] {
            let status = StatusCode::from_u16(code).unwrap();
            assert_eq!(Error::of_status(status).status(), status);
        }
    }
}
