use crate::assets::Assets;
use askama::Template;

/// What every page's header needs.
pub struct Nav {
    pub css: String,
    pub js: String,
    pub username: Option<String>,
    /// How recent the data on the page is (pages that show data).
    pub data: Option<crate::format::Freshness>,
}

impl Nav {
    /// The header for a visitor, signed in as `username` or not.
    pub fn new(username: Option<&str>) -> Self {
        let assets = Assets::shared();
        Nav {
            css: assets.url("app.css"),
            js: assets.url("app.js"),
            username: username.map(str::to_string),
            data: None,
        }
    }

    /// The header saying how recent the page's data is: results up to `newest`.
    pub fn with_data(mut self, newest: Option<chrono::NaiveDate>) -> Self {
        self.data = Some(crate::format::freshness(
            newest,
            chrono::Utc::now().date_naive(),
        ));
        self
    }
}

/// Renders a template; a rendering failure is logged and shown as a short message.
pub fn render(t: &impl Template) -> String {
    t.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "template rendering failed");
        "<!doctype html><title>Error</title><p>This page could not be shown.</p>".to_string()
    })
}
