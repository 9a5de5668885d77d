use super::Nav;
use askama::Template;

/// The email part of the account page.
#[derive(Debug, Clone, Default)]
pub struct EmailView {
    pub mail_enabled: bool,
    pub address: Option<String>,
    pub confirmed: bool,
    pub notify_results: bool,
    pub notify_weekly: bool,
}

/// Asking for a reset link (`token` none, `show_request`), choosing the new password
/// (`token`), or a notice only.
#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub nav: Nav,
    pub mail_enabled: bool,
    pub token: Option<String>,
    pub show_request: bool,
    /// An unsubscribe link's token: the page asks to confirm.
    pub unsubscribe: Option<String>,
    pub error: Option<String>,
    pub message: Option<String>,
}
