//! `GET /api/track-record`: how your graded predictions did, and how the model did.

use crate::config::GRADED_LIMIT;
use crate::dto::{ErrorBody, TrackRecord};
use crate::error::ApiError;
use crate::extract::Visitor;
use crate::services::matchday;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// Your graded predictions (up to the newest 10,000) and the model's graded fixture
/// forecasts: how often the favourite won, mean RPS, the same matches scored by the closing
/// odds, and calibration bins.
#[utoipa::path(get, path = "/api/track-record", tag = "predictions",
    responses(
        (status = 200, description = "Track records", body = TrackRecord),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn track_record(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Json<TrackRecord>, ApiError> {
    let rows = state
        .store()
        .graded_predictions(&visitor.owner(), GRADED_LIMIT)
        .await?;
    let model = state
        .model_record()
        .get(state.store(), &state.catalog())
        .await?;
    Ok(Json(TrackRecord {
        yours: matchday::track_record(&rows),
        model: (*model).clone(),
    }))
}
