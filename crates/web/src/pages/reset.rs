//! Password reset by email. A request answers the same whether or not an account has the
//! address, and as fast (the lookup and the mail happen after the answer), so it tells nobody
//! which addresses are registered; the link works once, for an hour, and the new password
//! ends every session of the account.

use super::email::{AddressForm, mail_enabled, reset_page};
use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, PagePath, Visitor};
use crate::services::accounts::check_password;
use crate::services::mail::{self, check_address, well_formed};
use crate::services::tokens::digest;
use crate::state::AppState;
use crate::templates::ResetPage;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fp_storage::TokenPurpose;
use serde::Deserialize;

/// The form asking for a reset link.
#[utoipa::path(get, path = "/password-reset", tag = "pages",
    responses((status = 200, description = "The form", body = String, content_type = "text/html")))]
pub async fn reset_form(State(state): State<AppState>, visitor: Visitor) -> Response {
    page(&ResetPage {
        show_request: true,
        ..reset_page(&state, &visitor)
    })
}

/// Mails a reset link to the address if an account has confirmed it; answers the same either
/// way. Limited like logins (per client address and per address asked for).
#[utoipa::path(post, path = "/password-reset", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "email"),
    responses(
        (status = 200, description = "Asked (whether or not the address is known)", body = String, content_type = "text/html"),
        (status = 409, description = "This server sends no email", body = String, content_type = "text/html"),
        (status = 422, description = "Not an email address", body = String, content_type = "text/html"),
        (status = 429, description = "Too many requests: try again after Retry-After", body = String, content_type = "text/html"),
    ))]
pub async fn request_reset(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(f): PageForm<AddressForm>,
) -> Result<Response, PageError> {
    mail_enabled(&state)?;
    let address = check_address(&f.email)?;
    state
        .limits()
        .login(visitor.ip, &format!("reset {address}"))
        .await?;
    let (store, public_url) = (
        state.store().clone(),
        state.config().mail.public_url.clone(),
    );
    let to = address.clone();
    tokio::spawn(async move {
        let sent = async {
            if let Some((user_id, username)) = store.user_by_confirmed_email(&to).await? {
                let (token, mail) = mail::reset(&public_url, user_id, &username, &to)?;
                store.store_token_with_mail(&token, &mail).await?;
            }
            Ok::<(), Error>(())
        };
        if let Err(e) = sent.await {
            tracing::error!(error = %e, "a password-reset mail was not queued");
        }
    });
    let p = ResetPage {
        message: Some(format!(
            "If an account has confirmed {address}, a link to choose a new password is on its way; it works once, for {} minutes.",
            mail::RESET_MINUTES
        )),
        ..reset_page(&state, &visitor)
    };
    Ok(page(&p))
}

async fn valid_reset(state: &AppState, token: &str) -> Result<(i64, String), Error> {
    let gone =
        || Error::NotFound("this reset link is not valid (any more): ask for a new one".into());
    if !well_formed(token) {
        return Err(gone());
    }
    let (user_id, _) = state
        .store()
        .peek_email_token(&digest(token), TokenPurpose::ResetPassword)
        .await?
        .ok_or_else(gone)?;
    let user = state.store().user(user_id).await?.ok_or_else(gone)?;
    Ok((user_id, user.username))
}

/// The form for the new password, from the mailed link.
#[utoipa::path(get, path = "/password-reset/{token}", tag = "pages",
    params(("token" = String, Path, description = "The token of the mailed link")),
    responses(
        (status = 200, description = "The form", body = String, content_type = "text/html"),
        (status = 404, description = "The link is unknown, used or expired", body = String, content_type = "text/html"),
    ))]
pub async fn new_password_form(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(token): PagePath<String>,
) -> Result<Response, PageError> {
    valid_reset(&state, &token).await?;
    Ok(page(&ResetPage {
        token: Some(token),
        ..reset_page(&state, &visitor)
    }))
}

/// A new password.
#[derive(Deserialize)]
pub struct NewPassword {
    #[serde(default)]
    password: String,
}

/// Sets the new password (the link then stops working) and ends every session of the
/// account.
#[utoipa::path(post, path = "/password-reset/{token}", tag = "pages",
    params(("token" = String, Path, description = "The token of the mailed link")),
    request_body(content = String, content_type = "application/x-www-form-urlencoded", description = "password"),
    responses(
        (status = 200, description = "Changed", body = String, content_type = "text/html"),
        (status = 404, description = "The link is unknown, used or expired", body = String, content_type = "text/html"),
        (status = 422, description = "The new password is against the rules", body = String, content_type = "text/html"),
        (status = 503, description = "Too many requests hashing passwords at once: try again after Retry-After", body = String, content_type = "text/html"),
    ))]
pub async fn set_new_password(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(token): PagePath<String>,
    PageForm(f): PageForm<NewPassword>,
) -> Result<Response, PageError> {
    let (user_id, username) = valid_reset(&state, &token).await?;
    if let Err(e) = check_password(&f.password, &username) {
        let p = ResetPage {
            token: Some(token),
            error: Some(e),
            ..reset_page(&state, &visitor)
        };
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&p)).into_response());
    }
    let hash = state.passwords().hash(f.password).await?;
    // Used once: a second submission of the same link finds it gone.
    state
        .store()
        .use_email_token(&digest(&token), TokenPurpose::ResetPassword)
        .await?
        .ok_or_else(|| Error::NotFound("this reset link was used meanwhile".into()))?;
    state.store().set_password(user_id, &hash).await?;
    state.sessions().end_all(user_id, None).await?;
    let p = ResetPage {
        message: Some("Your password is changed. Log in with it.".into()),
        ..reset_page(&state, &visitor)
    };
    Ok(page(&p))
}
