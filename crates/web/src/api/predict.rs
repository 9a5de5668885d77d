//! `POST /api/predict`: predict a match and save it to the caller's history.

use crate::dto::{ErrorBody, PredictRequest, Prediction};
use crate::error::{ApiError, Error};
use crate::extract::{ApiJson, Visitor};
use crate::services::answers::now;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::HeaderValue;
use axum::http::header::CONTENT_TYPE;
use axum::response::Response;

/// Predict a match and save it to your history.
///
/// Without a session cookie the prediction is saved under a new session, whose cookie comes
/// back with the answer (`curl -c jar -b jar`).
#[utoipa::path(post, path = "/api/predict", tag = "predictions",
    request_body = PredictRequest,
    responses(
        (status = 200, description = "The saved prediction", body = Prediction),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 404, description = "Unknown league", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Unknown team, the same team twice, or a missing field", body = ErrorBody),
        (status = 429, description = "Over a rate limit", body = ErrorBody),
        (status = 503, description = "No model for the league yet, or the database is unavailable", body = ErrorBody),
    ))]
pub async fn predict(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiJson(req): ApiJson<PredictRequest>,
) -> Result<Response, ApiError> {
    let catalog = state.catalog();
    let fixture = catalog.fixture(&req.league, &req.home_team, &req.away_team)?;
    state
        .limits()
        .predictions(visitor.session.user_id, visitor.ip, 1)
        .await?;
    let answer = state
        .answers()
        .get(state.forecasts(), &catalog, fixture)
        .await
        .map_err(Error::internal)?;
    let created_at = now();
    let id = visitor
        .save(&state, answer.row(visitor.owner(), created_at))
        .await?;
    // The response made directly: `([(CONTENT_TYPE, …)], body)` would first give it the
    // bytes' own `application/octet-stream`, then replace it.
    let mut response = Response::new(Body::from(answer.body.with(id, created_at)));
    response
        .headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    Ok(response)
}
