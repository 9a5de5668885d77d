//! Accounts: register, log in, log out, change password. At registration and login the
//! visitor's anonymous predictions move to the account and the session id changes.

use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, Visitor};
use crate::services::accounts::{check_password, check_username, hash, verify};
use crate::services::sessions::Session;
use crate::state::AppState;
use crate::templates::{AuthKind, AuthPage, Nav};
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

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
    old: &Session,
    headers: &HeaderMap,
    user_id: i64,
    username: &str,
) -> Result<Response, Error> {
    state
        .store()
        .move_predictions_to_user(&old.id, user_id)
        .await?;
    let fresh = Session {
        id: crate::services::sessions::new_id()?,
        user_id: Some(user_id),
        username: Some(username.to_string()),
    };
    state.sessions().save(&fresh).await?;
    state.sessions().drop(&old.id).await?;
    let mut response = Redirect::to("/history").into_response();
    let https = crate::extract::over_https(state, headers);
    response
        .headers_mut()
        .insert(SET_COOKIE, state.sessions().cookie(&fresh.id, https));
    Ok(response)
}

/// Creates an account and logs in.
#[utoipa::path(post, path = "/register", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "username and password"),
    responses(
        (status = 303, description = "Registered and logged in: to the history"),
        (status = 409, description = "The name is taken", body = String, content_type = "text/html"),
        (status = 422, description = "Name or password against the rules", body = String, content_type = "text/html"),
    ))]
pub async fn register(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(c): PageForm<Credentials>,
) -> Result<Response, PageError> {
    let name = c.username.trim();
    if let Err(e) = check_username(name).and(check_password(&c.password)) {
        return Ok(show(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            AuthKind::Register,
            name,
            Some(e),
            None,
        ));
    }
    let hashed = hash(c.password).await?;
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
    Ok(sign_in(&state, &visitor.session, &headers, user_id, name).await?)
}

/// Logs in.
#[utoipa::path(post, path = "/login", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "username and password"),
    responses(
        (status = 303, description = "Logged in: to the history"),
        (status = 401, description = "Wrong name or password", body = String, content_type = "text/html"),
    ))]
pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    headers: HeaderMap,
    PageForm(c): PageForm<Credentials>,
) -> Result<Response, PageError> {
    let name = c.username.trim();
    let user = state.store().user_by_name(name).await?;
    let valid = match &user {
        Some(u) => verify(c.password, u.password_hash.clone()).await?,
        None => false,
    };
    match user {
        Some(u) if valid => {
            Ok(sign_in(&state, &visitor.session, &headers, u.id, &u.username).await?)
        }
        _ => Ok(show(
            StatusCode::UNAUTHORIZED,
            &visitor,
            AuthKind::Login,
            name,
            Some("Wrong username or password.".into()),
            None,
        )),
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

/// The account page (change password); to the login form when not logged in.
#[utoipa::path(get, path = "/account", tag = "pages",
    responses(
        (status = 200, description = "The form", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
    ))]
pub async fn account_form(visitor: Visitor) -> Response {
    if visitor.session.user_id.is_none() {
        return Redirect::to("/login").into_response();
    }
    show(
        StatusCode::OK,
        &visitor,
        AuthKind::ChangePassword,
        "",
        None,
        None,
    )
}

/// The current and the new password.
#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// Changes the password.
#[utoipa::path(post, path = "/account", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "current and password"),
    responses(
        (status = 200, description = "Changed", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 401, description = "The current password is wrong", body = String, content_type = "text/html"),
        (status = 422, description = "The new password is against the rules", body = String, content_type = "text/html"),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(f): PageForm<PasswordChange>,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = state
        .store()
        .user(user_id)
        .await?
        .ok_or_else(|| Error::NotFound("no such account".into()))?;
    let kind = AuthKind::ChangePassword;
    if !verify(f.current, user.password_hash).await? {
        let e = Some("The current password is wrong.".to_string());
        return Ok(show(StatusCode::UNAUTHORIZED, &visitor, kind, "", e, None));
    }
    if let Err(e) = check_password(&f.password) {
        return Ok(show(
            StatusCode::UNPROCESSABLE_ENTITY,
            &visitor,
            kind,
            "",
            Some(e),
            None,
        ));
    }
    let hashed = hash(f.password).await?;
    state.store().set_password(user_id, &hashed).await?;
    Ok(show(
        StatusCode::OK,
        &visitor,
        kind,
        "",
        None,
        Some("Password changed.".into()),
    ))
}
