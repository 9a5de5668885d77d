//! Accounts: register, log in, log out, change password. Passwords are hashed with Argon2id
//! off the async threads. At registration and login the visitor's anonymous predictions move
//! to the account and the session id changes.

use crate::error::AppError;
use crate::session::{self, Session};
use crate::state::AppState;
use crate::views::{self, AuthPage, Nav};
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};
use axum::Extension;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use serde::Deserialize;

async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal(format!("hashing failed: {e}")))
    })
    .await
    .map_err(AppError::internal)?
}

async fn verify(password: String, stored: String) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let Ok(parsed) = stored.parse::<PasswordHash>() else {
            return false;
        };
        Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok()
    })
    .await
    .map_err(AppError::internal)
}

fn form_page(
    state: &AppState,
    session: &Session,
    kind: &'static str,
    username: &str,
    error: Option<String>,
    message: Option<String>,
) -> AuthPage {
    let (title, action, show_username, show_current) = match kind {
        "register" => ("Register", "/register", true, false),
        "login" => ("Log in", "/login", true, false),
        _ => ("Change password", "/account", false, true),
    };
    AuthPage {
        nav: Nav::new(state, session),
        title,
        action,
        show_username,
        show_current,
        username: username.to_string(),
        error,
        message,
    }
}

fn show(status: StatusCode, page: &AuthPage) -> Response {
    (status, Html(views::render(page))).into_response()
}

pub async fn register_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    show(
        StatusCode::OK,
        &form_page(&state, &session, "register", "", None, None),
    )
}

pub async fn login_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    show(
        StatusCode::OK,
        &form_page(&state, &session, "login", "", None, None),
    )
}

#[derive(Deserialize)]
pub struct Credentials {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

fn check_username(name: &str) -> Result<(), String> {
    let ok_chars = name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
    if !(3..=40).contains(&name.len()) || !ok_chars {
        return Err("Usernames have 3 to 40 letters, digits, '.', '_' or '-'.".into());
    }
    Ok(())
}

fn check_password(pw: &str) -> Result<(), String> {
    if pw.chars().count() < 8 || pw.len() > 200 {
        return Err("Passwords have 8 to 200 characters.".into());
    }
    Ok(())
}

/// Starts an authenticated session under a new id; the anonymous predictions follow.
async fn sign_in(
    state: &AppState,
    old: &Session,
    headers: &HeaderMap,
    user_id: i64,
    username: &str,
) -> Result<Response, AppError> {
    state
        .store()
        .move_predictions_to_user(&old.id, user_id)
        .await?;
    let fresh = Session {
        id: session::new_id()?,
        user_id: Some(user_id),
        username: Some(username.to_string()),
    };
    session::store_session(state, &fresh).await?;
    session::drop_session(state, &old.id).await?;
    let mut response = Redirect::to("/history").into_response();
    response
        .headers_mut()
        .insert(SET_COOKIE, session::set_cookie(state, headers, &fresh.id));
    Ok(response)
}

pub async fn register(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, AppError> {
    let name = c.username.trim();
    if let Err(e) = check_username(name).and(check_password(&c.password)) {
        return Ok(show(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &session, "register", name, Some(e), None),
        ));
    }
    let hashed = hash(c.password).await?;
    let Some(user_id) = state.store().create_user(name, &hashed).await? else {
        let e = format!("The name \"{name}\" is taken.");
        return Ok(show(
            StatusCode::CONFLICT,
            &form_page(&state, &session, "register", name, Some(e), None),
        ));
    };
    sign_in(&state, &session, &headers, user_id, name).await
}

pub async fn login(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Form(c): Form<Credentials>,
) -> Result<Response, AppError> {
    let name = c.username.trim();
    let user = state.store().user_by_name(name).await?;
    let valid = match &user {
        Some(u) => verify(c.password, u.password_hash.clone()).await?,
        None => false,
    };
    match user {
        Some(u) if valid => sign_in(&state, &session, &headers, u.id, &u.username).await,
        _ => Ok(show(
            StatusCode::UNAUTHORIZED,
            &form_page(
                &state,
                &session,
                "login",
                name,
                Some("Wrong username or password.".into()),
                None,
            ),
        )),
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, AppError> {
    session::drop_session(&state, &session.id).await?;
    let mut response = Redirect::to("/").into_response();
    if let Ok(v) = format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0",
        session::COOKIE_NAME
    )
    .parse()
    {
        response.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(response)
}

pub async fn account_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    if session.user_id.is_none() {
        return Redirect::to("/login").into_response();
    }
    show(
        StatusCode::OK,
        &form_page(&state, &session, "account", "", None, None),
    )
}

#[derive(Deserialize)]
pub struct PasswordChange {
    #[serde(default)]
    current: String,
    #[serde(default)]
    password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(f): Form<PasswordChange>,
) -> Result<Response, AppError> {
    let Some(user_id) = session.user_id else {
        return Ok(Redirect::to("/login").into_response());
    };
    let user = state
        .store()
        .user(user_id)
        .await?
        .ok_or_else(|| AppError::not_found("no such account"))?;
    if !verify(f.current, user.password_hash).await? {
        let e = Some("The current password is wrong.".to_string());
        return Ok(show(
            StatusCode::UNAUTHORIZED,
            &form_page(&state, &session, "account", "", e, None),
        ));
    }
    if let Err(e) = check_password(&f.password) {
        return Ok(show(
            StatusCode::UNPROCESSABLE_ENTITY,
            &form_page(&state, &session, "account", "", Some(e), None),
        ));
    }
    let hashed = hash(f.password).await?;
    state.store().set_password(user_id, &hashed).await?;
    Ok(show(
        StatusCode::OK,
        &form_page(
            &state,
            &session,
            "account",
            "",
            None,
            Some("Password changed.".into()),
        ),
    ))
}
