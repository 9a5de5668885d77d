use crate::error::{ApiError, Error, PageError};
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

/// Defines a wrapper around an axum extractor whose rejection becomes `$error`.
macro_rules! wrapped {
    ($(#[$doc:meta])* $name:ident, $inner:ty, $error:ident, parts) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<S: Send + Sync, T: DeserializeOwned + Send> FromRequestParts<S> for $name<T> {
            type Rejection = $error;

            async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
                match <$inner>::from_request_parts(parts, state).await {
                    Ok(v) => Ok($name(v.0)),
                    Err(e) => Err($error(Error::rejected(e.status(), e.body_text()))),
                }
            }
        }
    };
    ($(#[$doc:meta])* $name:ident, $inner:ty, $error:ident, body) => {
        $(#[$doc])*
        pub struct $name<T>(pub T);

        impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for $name<T> {
            type Rejection = $error;

            async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
                match <$inner>::from_request(req, state).await {
                    Ok(v) => Ok($name(v.0)),
                    Err(e) => Err($error(Error::rejected(e.status(), e.body_text()))),
                }
            }
        }
    };
}

wrapped!(
    /// A JSON body; refused as JSON (400 malformed, 415 not JSON, 422 wrong shape, 413 too big).
    ApiJson, axum::Json<T>, ApiError, body
);
wrapped!(
    /// Query parameters; refused as JSON (400).
    ApiQuery, axum::extract::Query<T>, ApiError, parts
);
wrapped!(
    /// Path parameters; refused as JSON (400).
    ApiPath, axum::extract::Path<T>, ApiError, parts
);
wrapped!(
    /// Query parameters; refused with the error page (400).
    PageQuery, axum::extract::Query<T>, PageError, parts
);
wrapped!(
    /// Path parameters; refused with the error page (400).
    PagePath, axum::extract::Path<T>, PageError, parts
);
wrapped!(
    /// A form body (repeated names become lists); refused with the error page.
    PageForm, axum_extra::extract::Form<T>, PageError, body
);
