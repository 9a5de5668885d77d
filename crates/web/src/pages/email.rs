//! An account's email address (confirmed by a single-use, expiring link), its notification
//! opt-ins and the unsubscribe link of every notification. Password reset is in `reset`.

use super::account::{Notes, show};
use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, PagePath, PageQuery, Visitor};
use crate::services::mail::{self, check_address, well_formed};
use crate::services::tokens::digest;
use crate::state::AppState;
use crate::templates::{Nav, ResetPage};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use fp_storage::TokenPurpose;
use serde::Deserialize;

pub(super) fn mail_enabled(state: &AppState) -> Result<(), Error> {
    if state.config().mail.enabled {
        Ok(())
    } else {
        Err(Error::Conflict(
            "this server sends no email (no SMTP server is set up)".into(),
        ))
    }
}

/// A new address.
#[derive(Deserialize)]
pub struct AddressForm {
    #[serde(default)]
    pub(super) email: String,
}

/// Sets a new address and mails it a confirmation link.
#[utoipa::path(post, path = "/account/email", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "email"),
    responses(
        (status = 200, description = "The link was queued", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 409, description = "This server sends no email", body = String, content_type = "text/html"),
        (status = 422, description = "Not an email address", body = String, content_type = "text/html"),
        (status = 429, description = "Too many changes: try again after Retry-After", body = String, content_type = "text/html"),
    ))]
pub async fn set_address(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(f): PageForm<AddressForm>,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    mail_enabled(&state)?;
    // Each change mails someone: limited like logins (per address and per account), so an
    // account cannot flood an inbox.
    state
        .limits()
        .login(visitor.ip, &format!("email change {user_id}"))
        .await?;
    let address = match check_address(&f.email) {
        Ok(a) => a,
        Err(e) => {
            let notes = Notes {
                error: Some(e.to_string()),
                ..Notes::default()
            };
            return Ok(show(
                &state,
                &visitor,
                user_id,
                StatusCode::UNPROCESSABLE_ENTITY,
                notes,
            )
            .await?);
        }
    };
    let username = visitor.username().unwrap_or("").to_string();
    let (token, mail, _) = mail::confirmation(
        &state.config().mail.public_url,
        user_id,
        &username,
        &address,
    )?;
    state.store().request_email_change(&token, &mail).await?;
    let notes = Notes {
        message: Some(format!(
            "We sent a confirmation link to {address}; it works for {} hours.",
            mail::CONFIRM_HOURS
        )),
        ..Notes::default()
    };
    Ok(show(&state, &visitor, user_id, StatusCode::OK, notes).await?)
}

/// The token of a link.
#[derive(Deserialize, Default)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

pub(super) fn reset_page(state: &AppState, visitor: &Visitor) -> ResetPage {
    ResetPage {
        nav: Nav::new(visitor.username()),
        mail_enabled: state.config().mail.enabled,
        token: None,
        show_request: false,
        unsubscribe: None,
        error: None,
        message: None,
    }
}

/// Confirms an address from the link in its mail (works once, on any device).
#[utoipa::path(get, path = "/account/email/confirm", tag = "pages",
    params(("token" = String, Query, description = "The token of the mailed link")),
    responses(
        (status = 200, description = "Confirmed", body = String, content_type = "text/html"),
        (status = 404, description = "The link is unknown, used or expired", body = String, content_type = "text/html"),
        (status = 409, description = "Another account has confirmed that address", body = String, content_type = "text/html"),
    ))]
pub async fn confirm(
    State(state): State<AppState>,
    visitor: Visitor,
    PageQuery(q): PageQuery<TokenQuery>,
) -> Result<Response, PageError> {
    let gone = || Error::NotFound("this confirmation link is not valid (any more)".into());
    if !well_formed(&q.token) {
        return Err(gone().into());
    }
    let (user_id, email) = state
        .store()
        .use_email_token(&digest(&q.token), TokenPurpose::ConfirmEmail)
        .await?
        .ok_or_else(gone)?;
    let confirmed = match state.store().confirm_email(user_id, &email).await {
        Ok(c) => c,
        Err(fp_storage::StorageError::Invalid(m)) => return Err(Error::Conflict(m).into()),
        Err(e) => return Err(Error::from(e).into()),
    };
    if !confirmed {
        return Err(Error::NotFound(
            "the account has another address now: this link was for an older one".into(),
        )
        .into());
    }
    let p = ResetPage {
        message: Some(format!("{email} is confirmed.")),
        ..reset_page(&state, &visitor)
    };
    Ok(page(&p))
}

/// Notification opt-ins (checkboxes: present = on).
#[derive(Deserialize)]
pub struct NotificationForm {
    #[serde(default)]
    results: Option<String>,
    #[serde(default)]
    weekly: Option<String>,
}

/// Saves which mails the account wants (only with a confirmed address).
#[utoipa::path(post, path = "/account/notifications", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "results=on, weekly=on"),
    responses(
        (status = 200, description = "Saved", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 409, description = "No confirmed address, or no email on this server", body = String, content_type = "text/html"),
    ))]
pub async fn notifications(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(f): PageForm<NotificationForm>,
) -> Result<Response, PageError> {
    let Some(user_id) = visitor.session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    mail_enabled(&state)?;
    if !state.store().email_settings(user_id).await?.email_confirmed {
        return Err(Error::Conflict("confirm an email address first".into()).into());
    }
    let (results, weekly) = (f.results.is_some(), f.weekly.is_some());
    let unsubscribe = mail::link_token()?.token;
    state
        .store()
        .set_notifications_with_token(user_id, results, weekly, &unsubscribe)
        .await?;
    let notes = Notes {
        message: Some("Notifications saved.".into()),
        ..Notes::default()
    };
    Ok(show(&state, &visitor, user_id, StatusCode::OK, notes).await?)
}

/// The page an unsubscribe link opens: one button (a link alone changes nothing, so mail
/// scanners that follow links do not unsubscribe anyone).
#[utoipa::path(get, path = "/unsubscribe/{token}", tag = "pages",
    params(("token" = String, Path, description = "The token of the link in a notification")),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 404, description = "No token in the path", body = String, content_type = "text/html"),
    ))]
pub async fn unsubscribe_form(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(token): PagePath<String>,
) -> Response {
    page(&ResetPage {
        unsubscribe: well_formed(&token).then_some(token),
        ..reset_page(&state, &visitor)
    })
}

/// Turns every notification of the link's account off.
#[utoipa::path(post, path = "/unsubscribe/{token}", tag = "pages",
    params(("token" = String, Path, description = "The token of the link in a notification")),
    responses(
        (status = 200, description = "Unsubscribed", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown link", body = String, content_type = "text/html"),
    ))]
pub async fn unsubscribe(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(token): PagePath<String>,
) -> Result<Response, PageError> {
    let gone = || Error::NotFound("this unsubscribe link is not known".into());
    if !well_formed(&token) {
        return Err(gone().into());
    }
    state.store().unsubscribe(&token).await?.ok_or_else(gone)?;
    Ok(page(&ResetPage {
        message: Some(
            "You will get no more notifications. Turn them on again on your account page.".into(),
        ),
        ..reset_page(&state, &visitor)
    }))
}
