//! `GET /api/h2h`: every meeting of two teams.

use crate::dto::{ErrorBody, H2hParams, HeadToHead, HeadToHeadReport};
use crate::error::{ApiError, Error};
use crate::extract::{ApiQuery, Visitor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;

/// Meetings in the data of all time.
const ALL_MEETINGS: usize = 1000;

/// Head-to-head of two teams of a league, both venues.
#[utoipa::path(get, path = "/api/h2h", tag = "leagues",
    params(H2hParams),
    responses(
        (status = 200, description = "Meetings and summary", body = HeadToHeadReport),
        (status = 400, description = "A parameter is missing", body = ErrorBody),
        (status = 404, description = "Unknown league or team", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
    ))]
pub async fn h2h(
    State(state): State<AppState>,
    _: Visitor,
    ApiQuery(p): ApiQuery<H2hParams>,
) -> Result<Json<HeadToHeadReport>, ApiError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&p.league)
        .ok_or_else(|| Error::NotFound(format!("unknown league \"{}\"", p.league)))?;
    let find = |n: &str| {
        entry
            .team(n)
            .ok_or_else(|| Error::NotFound(format!("unknown team \"{n}\" in {}", p.league)))
    };
    let (a, b) = (find(&p.home)?, find(&p.away)?);
    let h = state
        .forecasts()
        .head_to_head(entry, a.id, b.id, ALL_MEETINGS)
        .await;
    Ok(Json(HeadToHeadReport {
        home_team: a.name.clone(),
        away_team: b.name.clone(),
        head_to_head: HeadToHead::of(entry, &h),
    }))
}
