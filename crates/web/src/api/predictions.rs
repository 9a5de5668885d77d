//! `GET /api/predictions/{id}`: one of the caller's predictions.

use crate::dto::{ErrorBody, Prediction};
use crate::error::{ApiError, Error};
use crate::extract::{ApiPath, Visitor};
use crate::services::answers::{self, Figures, prediction_body};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// One of your predictions, with its markets and the teams' current form.
#[utoipa::path(get, path = "/api/predictions/{id}", tag = "predictions",
    params(("id" = i64, Path, description = "Prediction id")),
    responses(
        (status = 200, description = "The prediction", body = Prediction),
        (status = 400, description = "The id is not a number", body = ErrorBody),
        (status = 404, description = "Not in your history", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn prediction(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Prediction>, ApiError> {
    let row = state
        .store()
        .prediction(id, &visitor.owner())
        .await?
        .ok_or_else(|| Error::NotFound("no such prediction in your history".into()))?;
    let catalog = state.catalog();
    let entry = catalog
        .league_by_id(row.league_id)
        .ok_or_else(|| Error::NotFound("league no longer in the data".into()))?;
    let facts = state
        .forecasts()
        .fixture_facts(entry, row.home_team_id, row.away_team_id)
        .await;
    let figures = Figures::of_row(&row);
    let (markets, _) = entry.stored_markets(row.xg_home, row.xg_away, &figures.probabilities);
    let body = prediction_body(entry, &figures, &markets, &facts);
    Ok(Json(answers::prediction(row.id, row.created_at, body)))
}
