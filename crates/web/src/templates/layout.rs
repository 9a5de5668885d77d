use crate::assets::Assets;
use askama::Template;

/// What every page's header needs.
pub struct Nav {
    pub css: String,
    pub js: String,
    pub username: Option<String>,
}

impl Nav {
    /// The header for a visitor, signed in as `username` or not.
    pub fn new(username: Option<&str>) -> Self {
        let assets = Assets::shared();
        Nav {
            css: assets.url("app.css"),
            js: assets.url("app.js"),
            username: username.map(str::to_string),
        }
    }
}

/// Renders a template; a rendering failure is logged and shown as a short message.
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        "<!doctype html><title>Error</title><p>This page could not be shown.</p>".to_string()
    })
}
