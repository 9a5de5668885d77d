//! How the predictions are made, and how well they do.

use super::shared::{evaluation_cells, page};
use crate::error::PageError;
use crate::extract::Visitor;
use crate::state::AppState;
use crate::templates::{AboutPage, AboutRow, Nav, RecordView};
use axum::extract::State;
use axum::response::Response;

/// How the predictions are made and how well they do.
#[utoipa::path(get, path = "/about", tag = "pages",
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 503, description = "The database is unavailable", body = String, content_type = "text/html"),
    ))]
pub async fn about(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let graded = state.model_record().get(state.store(), &catalog).await?;
    let score = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.4}"));
    let leagues = catalog
        .leagues
        .iter()
        .map(|e| {
            let cells = evaluation_cells(e);
            let ev = e.evaluation();
            AboutRow {
                name: e.league.name.clone(),
                model_rps: cells.model_rps,
                odds_rps: cells.odds_rps,
                matches: cells.matches,
                model: e
                    .model_version()
                    .map_or("–".to_string(), |v| v.kind.clone()),
                model_log_loss: score(ev.map(|x| x.log_loss)),
                odds_log_loss: score(ev.map(|x| x.closing_odds_log_loss)),
                model_brier: score(ev.map(|x| x.brier)),
                odds_brier: score(ev.map(|x| x.closing_odds_brier)),
            }
        })
        .collect();
    let bins: Vec<_> = catalog
        .leagues
        .iter()
        .filter_map(|e| e.evaluation())
        .flat_map(|x| x.calibration.iter().copied())
        .collect();
    Ok(page(&AboutPage {
        nav: Nav::new(visitor.username()).with_data(
            catalog
                .leagues
                .iter()
                .filter_map(|e| e.league.last_date)
                .max(),
        ),
        leagues,
        calibration: AboutPage::calibration_chart(&bins),
        graded: RecordView::of(
            &graded,
            "Calibration of the model's graded fixture forecasts",
        ),
    }))
}
