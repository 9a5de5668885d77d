use super::Nav;
use askama::Template;

/// Which account form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuthKind {
    Register,
    Login,
}

impl AuthKind {
    pub fn title(&self) -> &'static str {
        match self {
            AuthKind::Register => "Register",
            AuthKind::Login => "Log in",
        }
    }

    pub fn action(&self) -> &'static str {
        match self {
            AuthKind::Register => "/register",
            AuthKind::Login => "/login",
        }
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

/// One of the account's API tokens.
pub struct TokenLine {
    pub id: i64,
    pub name: String,
    pub created: String,
    pub last_used: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub nav: Nav,
    pub error: Option<String>,
    pub message: Option<String>,
    /// A token just made, shown this once.
    pub new_token: Option<String>,
    pub tokens: Vec<TokenLine>,
    pub email: super::EmailView,
}
