//! `GET /api/history` and `DELETE /api/history`: the caller's saved predictions.

use crate::config::PER_PAGE;
use crate::dto::{DeleteRequest, Deleted, ErrorBody, HistoryItem, HistoryPage, HistoryParams};
use crate::error::{ApiError, Error};
use crate::extract::{ApiJson, ApiQuery, Visitor};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use fp_engine::Catalog;
use fp_model::Outcome;
use fp_storage::HistoryFilter;

fn filter(
    catalog: &Catalog,
    league: Option<&str>,
    outcome: Option<&str>,
    graded: Option<bool>,
) -> Result<HistoryFilter, Error> {
    let league_id = match league.filter(|l| !l.is_empty()) {
        Some(code) => Some(
            catalog
                .league(code)
                .map(|e| e.league.id)
                .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?,
        ),
        None => None,
    };
    let outcome =
        match outcome.filter(|o| !o.is_empty()) {
            Some(o) => Some(Outcome::from_code(o).ok_or_else(|| {
                Error::Unprocessable(format!("outcome \"{o}\" must be H, D or A"))
            })?),
            None => None,
        };
    Ok(HistoryFilter {
        league_id,
        outcome,
        graded,
    })
}

/// Your active predictions, 50 per page, newest first.
#[utoipa::path(get, path = "/api/history", tag = "predictions",
    params(HistoryParams),
    responses(
        (status = 200, description = "One page", body = HistoryPage),
        (status = 400, description = "A parameter is malformed, or page is below 1", body = ErrorBody),
        (status = 404, description = "Unknown league", body = ErrorBody),
        (status = 422, description = "Unknown outcome", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiQuery(p): ApiQuery<HistoryParams>,
) -> Result<Json<HistoryPage>, ApiError> {
    let page = p.page.unwrap_or(1);
    if page < 1 {
        return Err(Error::BadRequest("page must be 1 or more".into()).into());
    }
    let f = filter(
        &state.catalog(),
        p.league.as_deref(),
        p.outcome.as_deref(),
        p.graded,
    )?;
    let h = state
        .histories()
        .page(state.store(), &visitor.owner(), &f, page, PER_PAGE)
        .await?;
    Ok(Json(HistoryPage {
        total: h.total,
        page: h.page,
        per_page: h.per_page,
        pages: ((h.total + PER_PAGE - 1) / PER_PAGE).max(1),
        items: h.items.iter().map(HistoryItem::from).collect(),
    }))
}

/// Delete some or all of your predictions.
#[utoipa::path(delete, path = "/api/history", tag = "predictions",
    request_body = DeleteRequest,
    responses(
        (status = 200, description = "How many were deleted", body = Deleted),
        (status = 400, description = "Malformed JSON", body = ErrorBody),
        (status = 413, description = "Body too large", body = ErrorBody),
        (status = 415, description = "Not JSON", body = ErrorBody),
        (status = 422, description = "Neither ids nor all, or an unknown field", body = ErrorBody),
        (status = 429, description = "Over the API rate limit", body = ErrorBody),
        (status = 503, description = "The database is unavailable", body = ErrorBody),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    visitor: Visitor,
    ApiJson(req): ApiJson<DeleteRequest>,
) -> Result<Json<Deleted>, ApiError> {
    if !req.all && req.ids.is_empty() {
        return Err(Error::Unprocessable("give \"ids\": [...] or \"all\": true".into()).into());
    }
    let owner = visitor.owner();
    let deleted = if req.all {
        state.store().delete_all_predictions(&owner).await
    } else {
        state.store().delete_predictions(&owner, &req.ids).await
    }?;
    Ok(Json(Deleted { deleted }))
}
