//! Serves the static assets under their content-hashed names, cached for a year.

use crate::assets::Assets;
use crate::error::{Error, PageError};
use crate::extract::PagePath;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A static asset (CSS, JavaScript) by its content-hashed name.
#[utoipa::path(get, path = "/static/{file}", tag = "pages",
    params(("file" = String, Path, description = "Hashed asset name, as the pages link it")),
    responses(
        (status = 200, description = "The file, immutable", body = String, content_type = "text/css"),
        (status = 404, description = "No such asset", body = String, content_type = "text/html"),
    ))]
pub async fn serve(PagePath(file): PagePath<String>) -> Result<Response, PageError> {
    let f = Assets::shared()
        .get(&file)
        .ok_or_else(|| Error::NotFound("no such asset".into()))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(f.content_type),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        f.body,
    )
        .into_response())
}
