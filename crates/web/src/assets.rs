//! Static assets built into the binary and served under content-hashed names
//! (`/static/app.3f2a….css`) with a year-long immutable cache lifetime.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use std::hash::{Hash, Hasher};

struct Asset {
    name: String,
    body: &'static [u8],
    content_type: &'static str,
}

pub struct Assets {
    files: Vec<Asset>,
}

const SOURCES: [(&str, &str, &[u8], &str); 3] = [
    (
        "app",
        "css",
        include_bytes!("../static/app.css"),
        "text/css; charset=utf-8",
    ),
    (
        "app",
        "js",
        include_bytes!("../static/app.js"),
        "text/javascript; charset=utf-8",
    ),
    (
        "apidocs",
        "js",
        include_bytes!("../static/apidocs.js"),
        "text/javascript; charset=utf-8",
    ),
];

static SHARED: std::sync::OnceLock<Assets> = std::sync::OnceLock::new();

impl Assets {
    /// The assets, hashed once per process.
    pub fn shared() -> &'static Assets {
        SHARED.get_or_init(Assets::new)
    }

    fn new() -> Self {
        let files = SOURCES
            .iter()
            .map(|(stem, ext, body, content_type)| {
                let mut h = std::collections::hash_map::DefaultHasher::new();
                body.hash(&mut h);
                Asset {
                    name: format!("{stem}.{:012x}.{ext}", h.finish() & 0xffff_ffff_ffff),
                    body,
                    content_type,
                }
            })
            .collect();
        Assets { files }
    }

    /// The URL of an asset by its plain name (`app.css`).
    pub fn url(&self, plain: &str) -> String {
        let (stem, ext) = plain.split_once('.').unwrap_or((plain, ""));
        self.files
            .iter()
            .find(|f| {
                f.name.starts_with(&format!("{stem}.")) && f.name.ends_with(&format!(".{ext}"))
            })
            .map(|f| format!("/static/{}", f.name))
            .unwrap_or_default()
    }
}

pub async fn serve(State(state): State<crate::AppState>, Path(file): Path<String>) -> Response {
    match state.assets().files.iter().find(|f| f.name == file) {
        Some(f) => (
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
            .into_response(),
        None => (StatusCode::NOT_FOUND, "no such asset").into_response(),
    }
}
