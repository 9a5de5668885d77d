//! Errors as responses: a JSON body with an `error` message for the API, a page otherwise.
//! Internal details (SQL, stack traces) are logged, never shown.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};

#[derive(Debug)]
pub struct AppError {
    pub status: StatusCode,
    pub message: String,
    pub json: bool,
}

impl AppError {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Self {
        AppError {
            status,
            message: message.into(),
            json: false,
        }
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, message)
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn unprocessable(message: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, message)
    }

    /// Logs the cause and answers 500 (or 503 when the database is unreachable).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(error = %cause, "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal error; it has been logged",
        )
    }

    pub fn json(mut self) -> Self {
        self.json = true;
        self
    }
}

impl From<fp_storage::StorageError> for AppError {
    fn from(e: fp_storage::StorageError) -> Self {
        match e {
            fp_storage::StorageError::Database(sqlx_error) if is_unavailable(&sqlx_error) => {
                tracing::error!(error = %sqlx_error, "database unavailable");
                AppError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "the database is unavailable; try again shortly",
                )
            }
            other => AppError::internal(other),
        }
    }
}

fn is_unavailable(e: &fp_storage::SqlxError) -> bool {
    matches!(
        e,
        fp_storage::SqlxError::PoolTimedOut
            | fp_storage::SqlxError::Io(_)
            | fp_storage::SqlxError::PoolClosed
    )
}

impl From<fp_engine::LookupError> for AppError {
    fn from(e: fp_engine::LookupError) -> Self {
        use fp_engine::LookupError as L;
        let status = match e {
            L::UnknownLeague(_) => StatusCode::NOT_FOUND,
            L::UnknownTeam { .. } | L::SameTeam => StatusCode::UNPROCESSABLE_ENTITY,
            L::NoModel(_) => StatusCode::SERVICE_UNAVAILABLE,
        };
        AppError::new(status, e.to_string())
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if self.json {
            return (
                self.status,
                Json(serde_json::json!({ "error": self.message })),
            )
                .into_response();
        }
        let page = crate::views::ErrorPage {
            nav: crate::views::Nav::anonymous(),
            status: self.status.as_u16(),
            title: self
                .status
                .canonical_reason()
                .unwrap_or("Error")
                .to_string(),
            message: self.message,
        };
        (self.status, Html(crate::views::render(&page))).into_response()
    }
}

/// 404 for every unknown path: JSON under /api, a page elsewhere.
pub async fn not_found(uri: axum::http::Uri) -> AppError {
    let e = AppError::not_found(format!("no page at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        e.json()
    } else {
        e
    }
}
