//! `GET /api/leagues/{code}/fixtures` and `GET /api/leagues/{code}/simulation`: a league's
//! upcoming matches and its season odds.

use crate::dto::{ErrorBody, Fixtures, Simulation};
use crate::error::{ApiError, Error};
use crate::extract::{ApiPath, Visitor};
use crate::services::matchday;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// A league's upcoming fixtures, soonest first, with the model's forecast and, where the
/// fixture has odds, the market's.
#[utoipa::path(get, path = "/api/leagues/{code}/fixtures", tag = "leagues",
    params(("code" = String, Path, description = "League code, e.g. E0")),
    responses(
        (status = 200, description = "Fixtures (empty when none are imported)", body = Fixtures),
        (status = 404, description = "Unknown league, or no model yet", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn fixtures(
    State(state): State<AppState>,
    _: Visitor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Fixtures>, ApiError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&code)
        .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?;
    let version = entry
        .model_version()
        .ok_or_else(|| Error::NotFound(format!("league {code} has no fitted model yet")))?;
    Ok(Json(Fixtures {
        league: entry.league.code.clone(),
        model_version: version.id,
        fixtures: matchday::fixture_items(state.forecasts(), entry).await,
    }))
}

/// The current season played to its end (10,000 times by default) from the served model:
/// per team current and expected points, and the probability of the title, the top 4 and
/// relegation.
#[utoipa::path(get, path = "/api/leagues/{code}/simulation", tag = "leagues",
    params(("code" = String, Path, description = "League code, e.g. E0")),
    responses(
        (status = 200, description = "Season odds", body = Simulation),
        (status = 404, description = "Unknown league, or no model yet", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn simulation(
    State(state): State<AppState>,
    _: Visitor,
    ApiPath(code): ApiPath<String>,
) -> Result<Json<Simulation>, ApiError> {
    let catalog = state.catalog();
    if catalog.league(&code).is_none() {
        return Err(Error::NotFound(format!("unknown league \"{code}\"")).into());
    }
    matchday::simulation(catalog, &code, &state.config().season)
        .await?
        .map(Json)
        .ok_or_else(|| Error::NotFound(format!("league {code} has no fitted model yet")).into())
}
