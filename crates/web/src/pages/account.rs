//! The account page: change the password (the other sessions end), log out everywhere, and
//! make, list and revoke personal API tokens. To the login form when not logged in.

use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, PagePath, Visitor};
use crate::services::accounts::check_password;
use crate::state::AppState;
use crate::templates::{AccountPage, EmailView, Nav, TokenLine};
use axum::extract::State;
use axum::http::StatusCode;
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

/// What the page says besides its forms.
#[derive(Default)]
pub(super) struct Notes {
    pub error: Option<String>,
    pub message: Option<String>,
    pub new_token: Option<String>,
}

pub(super) async fn show(
    state: &AppState,
    visitor: &Visitor,
    user_id: i64,
    status: StatusCode,
    notes: Notes,
) -> Result<Response, Error> {
    let time = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let tokens = state
        .store()
        .tokens(user_id)
        .await?
        .into_iter()
        .map(|t| TokenLine {
            id: t.id,
            name: t.name,
            created: time(t.created_at),
            last_used: t.last_used_at.map_or_else(|| "never".into(), time),
        })
        .collect();
    let settings = state.store().email_settings(user_id).await?;
    let p = AccountPage {
        nav: Nav::new(visitor.username()),
        error: notes.error,
        message: notes.message,
        new_token: notes.new_token,
        tokens,
        email: EmailView {
            mail_enabled: state.config().mail.enabled,
            address: settings.email,
            confirmed: settings.email_confirmed,
            notify_results: settings.notify_results,
            notify_weekly: settings.notify_weekly,
        },
    };
    Ok((status, page(&p)).into_response())
}

/// The account page.
#[utoipa::path(get, path = "/account", tag = "pages",
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
    ))]
pub async fn account_form(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    Ok(show(&state, &visitor, user_id, StatusCode::OK, Notes::default()).await?)
}

/// The current and the new password.
#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

/// Changes the password; every other session of the account ends.
#[utoipa::path(post, path = "/account", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "current and password"),
    responses(
        (status = 200, description = "Changed", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 401, description = "The current password is wrong", body = String, content_type = "text/html"),
        (status = 422, description = "The new password is against the rules", body = String, content_type = "text/html"),
        (status = 503, description = "Too many requests hashing passwords at once: try again after Retry-After", body = String, content_type = "text/html"),
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
    let refuse = |e: String| Notes {
        error: Some(e),
        ..Notes::default()
    };
    if !state
        .passwords()
        .verify(f.current, Some(user.password_hash))
        .await?
    {
        let notes = refuse("The current password is wrong.".into());
        return Ok(show(&state, &visitor, user_id, StatusCode::UNAUTHORIZED, notes).await?);
    }
    if let Err(e) = check_password(&f.password, &user.username) {
        let notes = refuse(e);
        return Ok(show(
            &state,
            &visitor,
            user_id,
            StatusCode::UNPROCESSABLE_ENTITY,
            notes,
        )
        .await?);
    }
    let hashed = state.passwords().hash(f.password).await?;
    state.store().set_password(user_id, &hashed).await?;
    state
        .sessions()
        .end_all(user_id, Some(&visitor.session.id))
        .await?;
    let notes = Notes {
        message: Some("Password changed; your other sessions have ended.".into()),
        ..Notes::default()
    };
    Ok(show(&state, &visitor, user_id, StatusCode::OK, notes).await?)
}

/// Ends every session of the account, this one included, on every instance.
#[utoipa::path(post, path = "/account/logout-everywhere", tag = "pages",
    responses((status = 303, description = "Logged out everywhere: to the login form")))]
pub async fn logout_everywhere(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    if let Some(user_id) = visitor.session.user_id {
        state.sessions().end_all(user_id, None).await?;
    }
    let mut response = Redirect::to("/login").into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, state.sessions().removal_cookie());
    Ok(response)
}

/// The name of a new token.
#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

/// Makes an API token and shows it, once.
#[utoipa::path(post, path = "/account/tokens", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "name"),
    responses(
        (status = 201, description = "The account page with the new token", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 422, description = "A missing or too long name", body = String, content_type = "text/html"),
    ))]
pub async fn create_token(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(f): PageForm<TokenForm>,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    let name = match crate::services::tokens::name(&f.name) {
        Ok(n) => n,
        Err(e) => {
            let notes = Notes {
                error: Some(e.to_string()),
                ..Notes::default()
            };
            return Ok(show(&state, &visitor, user_id, e.status(), notes).await?);
        }
    };
    let minted = crate::services::tokens::mint()?;
    state
        .store()
        .create_token(user_id, &name, &minted.digest)
        .await?;
    let notes = Notes {
        message: Some(format!("Token \"{name}\" made.")),
        new_token: Some(minted.token),
        ..Notes::default()
    };
    Ok(show(&state, &visitor, user_id, StatusCode::CREATED, notes).await?)
}

/// Revokes an API token: refused everywhere within two seconds.
#[utoipa::path(post, path = "/account/tokens/{id}/revoke", tag = "pages",
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 303, description = "Revoked (or not yours): back to the account page"),
        (status = 400, description = "The id is not a number", body = String, content_type = "text/html"),
    ))]
pub async fn revoke_token(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    state.tokens().revoke(user_id, id).await?;
    Ok(Redirect::to("/account").into_response())
}
