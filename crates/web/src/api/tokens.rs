//! `/api/tokens`: the caller's personal API tokens (logged in by session or by a token).

use crate::dto::{ApiToken, ErrorBody, NewToken, NewTokenRequest};
use crate::error::{ApiError, Error};
use crate::extract::{ApiJson, ApiPath, Visitor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

fn account(visitor: &Visitor) -> Result<i64, Error> {
    visitor.session.user_id.ok_or_else(|| {
        Error::Unauthorized("log in (or send an API token) to manage API tokens".into())
    })
}

/// Your API tokens (not revoked), newest first.
#[utoipa::path(get, path = "/api/tokens", tag = "tokens",
    responses(
        (status = 200, description = "The tokens", body = Vec<ApiToken>),
        (status = 401, description = "Not logged in, or an unknown or revoked token", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn list(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    let user = account(&visitor)?;
    let tokens = state.store().tokens(user).await?;
    Ok(Json(tokens.into_iter().map(ApiToken::from).collect()))
}

/// Make a token: the answer holds it, once.
#[utoipa::path(post, path = "/api/tokens", tag = "tokens",
    request_body = NewTokenRequest,
    responses(
        (status = 201, description = "The new token", body = NewToken),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 401, description = "Not logged in, or an unknown or revoked token", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "A missing or bad name", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn create(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiJson(req): ApiJson<NewTokenRequest>,
) -> Result<Response, ApiError> {
    let user = account(&visitor)?;
    let name = crate::services::tokens::name(&req.name)?;
    let minted = crate::services::tokens::mint()?;
    let id = state
        .store()
        .create_token(user, &name, &minted.digest)
        .await?;
    let body = NewToken {
        id,
        name,
        token: minted.token,
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// Revoke one of your tokens: refused everywhere within two seconds.
#[utoipa::path(delete, path = "/api/tokens/{id}", tag = "tokens",
    params(("id" = i64, Path, description = "Token id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 401, description = "Not logged in, or an unknown or revoked token", body = ErrorBody),
        (status = 404, description = "No such token of yours", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn revoke(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiPath(id): ApiPath<i64>,
) -> Result<StatusCode, ApiError> {
    let user = account(&visitor)?;
    if state.tokens().revoke(user, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(Error::NotFound("no such token of yours".into()).into())
    }
}
