//! Accounts: register, log in, log out, change password. At registration and login the
//! visitor's anonymous predictions move to the account and the session id changes.
//!
//! Logins are limited per client address and per account name, and a name is locked out for
//! a while after repeated failures; registrations are limited per address. Password hashing
//! runs on the bounded pool (`services::passwords`): 503 with `Retry-After` when it is full.

use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, Visitor};
use crate::services::accounts::{check_password, check_username};
use crate::services::sessions::Session;
use crate::state::AppState;
use crate::templates::{AuthKind, AuthPage, Nav};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use std::time::Duration;

fn show(
    status: StatusCode,
    visitor: &Visitor,
    kind: AuthKind,
    username: &str,
    error: Option<String>,
    message: Option<String>,
) -> Response {
    let p = AuthPage {
        nav: Nav::new(visitor.username()),
        kind,
        username: username.to_string(),
        error,
        message,
    };
    (status, page(&p)).into_response()
}

/// The registration form.
#[utoipa::path(get, path = "/register", tag = "pages",
    responses((status = 200, description = "The form", body = String, content_type = "text/html")))]
pub async fn register_form(visitor: Visitor) -> Response {
    show(StatusCode::OK, &visitor, AuthKind::Register, "", None, None)
}

/// The login form.
#[utoipa::path(get, path = "/login", tag = "pages",
    responses((status = 200, description = "The form", body = String, content_type = "text/html")))]
pub async fn login_form(visitor: Visitor) -> Response {
    show(StatusCode::OK, &visitor, AuthKind::Login, "", None, None)
}

/// A user name and password.
#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// Starts an authenticated session under a new id; the anonymous predictions follow.
async fn sign_in(
    state: &AppState,
    visitor: &Visitor,
    user_id: i64,
    username: &str,
) -> Result<Response, Error> {
    state
        .store()
        .move_predictions_to_user(&visitor.session.id, user_id)
        .await?;
    let fresh = Session {
        id: crate::services::sessions::new_session_id()?,
        user_id: Some(user_id),
        username: Some(username.to_string()),
    };
    state.sessions().save(&fresh).await?;
    state.sessions().drop(&visitor.session.id).await?;
    let mut response = Redirect::to("/history").into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        state.sessions().cookie(&fresh.id, visitor.https),
    );
    Ok(response)
}

/// Creates an account and logs in.
#[utoipa::path(post, path = "/register", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "username and password"),
    responses(
        (status = 303, description = "Registered and logged in: to the history"),
        (status = 409, description = "The name is taken", body = String, content_type = "text/html"),
        (status = 422, description = "Name or password against the rules", body = String, content_type = "text/html"),
        (status = 429, description = "Too many new accounts from this address", body = String, content_type = "text/html"),
        (status = 503, description = "Too many requests hashing passwords at once: try again after Retry-After", body = String, content_type = "text/html"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(c): PageForm<Credentials>,
) -> Result<Response, PageError> {
    let name = c.username.trim();
    state.limits().register(visitor.ip).await?;
    if let Err(e) = check_username(name).and_then(|()| check_password(&c.password, name)) {
        return Ok(show(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            AuthKind::Register,
            name,
            Some(e),
            None,
        ));
    }
    let hashed = state.passwords().hash(c.password).await?;
    let Some(user_id) = state.store().create_user(name, &hashed).await? else {
        let e = format!("The name \"{name}\" is taken.");
        return Ok(show(
            StatusCode::CONFLICT,
            &visitor,
            AuthKind::Register,
            name,
            Some(e),
            None,
        ));
    };
    Ok(sign_in(&state, &visitor, user_id, name).await?)
}

/// Logs in.
#[utoipa::path(post, path = "/login", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "username and password"),
    responses(
        (status = 303, description = "Logged in: to the history"),
        (status = 401, description = "Wrong name or password", body = String, content_type = "text/html"),
        (status = 429, description = "Too many logins from this address or to this account, or the account is locked out for a while", body = String, content_type = "text/html"),
        (status = 503, description = "Too many logins at once: try again after Retry-After", body = String, content_type = "text/html"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(c): PageForm<Credentials>,
) -> Result<Response, PageError> {
    let name = c.username.trim();
    state.limits().login(visitor.ip, name).await?;
    if let Some(wait) = state.lockouts().locked_now(name).await {
        return Err(locked_out(wait).into());
    }
    let user = state.store().user_by_name(name).await?;
    let stored = user.as_ref().map(|u| u.password_hash.clone());
    let valid = state.passwords().verify(c.password, stored).await?;
    match user {
        Some(u) if valid => {
            state.lockouts().succeeded_now(name).await;
            Ok(sign_in(&state, &visitor, u.id, &u.username).await?)
        }
        _ => {
            if let Some(wait) = state.lockouts().failed_now(name).await {
                return Err(locked_out(wait).into());
            }
            Ok(show(
                StatusCode::UNAUTHORIZED,
                &visitor,
                AuthKind::Login,
                name,
                Some("Wrong username or password.".into()),
                None,
            ))
        }
    }
}

/// The refusal of a locked-out account name.
fn locked_out(wait: Duration) -> Error {
    let secs = wait.as_secs().max(1);
    Error::RateLimited {
        message: format!("Too many failed logins to this account: try again in {secs} s."),
        limit: 0,
        window: wait,
        retry_after: wait,
    }
}

/// Logs out: the session ends.
#[utoipa::path(post, path = "/logout", tag = "pages",
    responses((status = 303, description = "Logged out: to the home page")))]
pub async fn logout(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    state.sessions().drop(&visitor.session.id).await?;
    let mut response = Redirect::to("/").into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, state.sessions().removal_cookie());
    Ok(response)
}
