use super::Nav;
use askama::Template;

/// Which account form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    Register,
    Login,
    ChangePassword,
}

impl AuthKind {
    pub fn title(&self) -> &'static str {
        match self {
            AuthKind::Register => "Register",
            AuthKind::Login => "Log in",
            AuthKind::ChangePassword => "Change password",
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            AuthKind::Register => "/register",
            AuthKind::Login => "/login",
            AuthKind::ChangePassword => "/account",
        }
    }

    /// Whether the form asks for a user name.
    pub fn asks_username(&self) -> bool {
        !matches!(self, AuthKind::ChangePassword)
    }

    /// Whether the form asks for the current password.
    pub fn asks_current(&self) -> bool {
        matches!(self, AuthKind::ChangePassword)
    }

    /// Whether the password field takes a new password.
    pub fn sets_password(&self) -> bool {
        !matches!(self, AuthKind::Login)
    }

    pub fn is_login(&self) -> bool {
        matches!(self, AuthKind::Login)
    }
}

#[derive(Template)]
#[template(path = "auth.html")]
pub struct AuthPage {
    pub nav: Nav,
    pub kind: AuthKind,
    pub username: String,
    pub error: Option<String>,
    pub message: Option<String>,
}
