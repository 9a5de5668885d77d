//! `/track-record`: how the visitor's graded predictions did, and how the model did on every
//! graded fixture.

use super::shared::page;
use crate::config::GRADED_LIMIT;
use crate::error::PageError;
use crate::extract::Visitor;
use crate::services::matchday;
use crate::state::AppState;
use crate::templates::{Nav, RecordView, TrackRecordPage};
use axum::extract::State;
use axum::response::Response;

/// Your track record and the model's.
#[utoipa::path(get, path = "/track-record", tag = "pages",
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
    ))]
pub async fn track_record(
    State(state): State<AppState>,
    visitor: Visitor,
) -> Result<Response, PageError> {
    let rows = state
        .store()
        .graded_predictions(&visitor.owner(), GRADED_LIMIT)
        .await?;
    let model = state
        .model_record()
        .get(state.store(), &state.catalog())
        .await?;
    Ok(page(&TrackRecordPage {
        nav: Nav::new(visitor.username()),
        yours: RecordView::of(
            &matchday::track_record(&rows),
            "Calibration of your predictions",
        ),
        model: RecordView::of(&model, "Calibration of the model's fixture forecasts"),
    }))
}
