//! `GET /api/teams/{id}`: a team's record, form and ratings.

use crate::dto::{ErrorBody, FormGame, Ratings, Team};
use crate::error::{ApiError, Error};
use crate::extract::{ApiPath, Visitor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// A team's record, recent form and ratings under the current model.
#[utoipa::path(get, path = "/api/teams/{id}", tag = "leagues",
    params(("id" = i64, Path, description = "Team id")),
    responses(
        (status = 200, description = "The team", body = Team),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "Unknown team", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn team(
    State(state): State<AppState>,
    _: Visitor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Team>, ApiError> {
    let catalog = state.catalog();
    let (entry, t) = catalog
        .leagues
        .iter()
        .find_map(|e| e.team_by_id(id).map(|t| (e, t)))
        .ok_or_else(|| Error::NotFound("no such team".into()))?;
    let stats = state.forecasts().team_stats(entry, id).await;
    Ok(Json(Team {
        id: t.id,
        name: t.name.clone(),
        league: entry.league.code.clone(),
        record: (&stats.record).into(),
        form: FormGame::list(entry, &stats.form),
        ratings: entry.team_ratings(id).map(|r| Ratings {
            attack: r.attack,
            defence: r.defence,
            elo: r.elo,
            model_version: r.model_version,
        }),
    }))
}
