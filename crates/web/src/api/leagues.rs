//! `GET /api/leagues` and `GET /api/leagues/{code}/teams`.

use crate::dto::{ErrorBody, League, TeamRef};
use crate::error::{ApiError, Error};
use crate::extract::{ApiPath, Visitor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// Leagues with their data range and current model.
#[utoipa::path(get, path = "/api/leagues", tag = "leagues",
    responses(
        (status = 200, description = "Leagues", body = Vec<League>),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn leagues(State(state): State<AppState>, _: Visitor) -> Json<Vec<League>> {
    let catalog = state.catalog();
    let key = format!("list:{}:{}", catalog.leagues.len(), catalog.total_matches);
    let list = state
        .forecasts()
        .league_value(&key, || {
            catalog.leagues.iter().map(League::from).collect::<Vec<_>>()
        })
        .await;
    Json(Vec::clone(&list))
}

/// Teams of a league: the current season's first (`current: true`), then past teams.
#[utoipa::path(get, path = "/api/leagues/{code}/teams", tag = "leagues",
    params(("code" = String, Path, description = "League code, e.g. E0")),
    responses(
        (status = 200, description = "Teams", body = Vec<TeamRef>),
        (status = 404, description = "Unknown league", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn teams(
    State(state): State<AppState>,
    _: Visitor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Vec<TeamRef>>, ApiError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&code)
        .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?;
    Ok(Json(TeamRef::list(entry)))
}
