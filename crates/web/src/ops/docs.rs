//! The OpenAPI description of the service (generated from the handlers' annotations and the
//! DTOs' types, see `router`) and a small interactive viewer (our own script, served by the
//! binary: no CDN).

use crate::assets::Assets;
use axum::body::Bytes;
use axum::http::header::CONTENT_TYPE;
use axum::response::{Html, IntoResponse, Response};
use std::sync::OnceLock;

static DOCUMENT: OnceLock<Bytes> = OnceLock::new();

/// Sets the document served (the router makes it from the routes; the same every time).
pub fn publish(json: impl FnOnce() -> Bytes) {
    DOCUMENT.get_or_init(json);
}

/// This document (OpenAPI 3.1).
#[utoipa::path(get, path = "/api/openapi.json", tag = "operations",
    responses((status = 200, description = "The OpenAPI document", body = Object)))]
pub async fn document() -> Response {
    let json = DOCUMENT.get().cloned().unwrap_or_default();
    ([(CONTENT_TYPE, "application/json")], json).into_response()
}

/// An interactive viewer of this document.
#[utoipa::path(get, path = "/api/docs", tag = "operations",
    responses((status = 200, description = "The viewer", body = String, content_type = "text/html")))]
pub async fn viewer() -> Html<String> {
    let assets = Assets::shared();
    Html(format!(
        r#"<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>API · Football Predictor</title><link rel="stylesheet" href="{}"><script src="{}" defer></script></head><body><header><nav aria-label="Main"><a href="/" class="brand">Football Predictor</a></nav></header><main><h1>JSON API</h1><p>The machine-readable description is at <a href="/api/openapi.json">/api/openapi.json</a>. Try the endpoints below; requests run with your own session.</p><div id="endpoints" aria-live="polite"><p>Loading…</p></div></main></body></html>"#,
        assets.url("app.css"),
        assets.url("apidocs.js")
    ))
}
