//! How the predictions are made, and how well they do.

use super::shared::{evaluation_cells, page};
use crate::extract::Visitor;
use crate::state::AppState;
use crate::templates::{AboutPage, AboutRow, Nav};
use axum::extract::State;
use axum::response::Response;

/// How the predictions are made and how well they do.
#[utoipa::path(get, path = "/about", tag = "pages",
    responses((status = 200, description = "The page", body = String, content_type = "text/html")))]
pub async fn about(State(state): State<AppState>, visitor: Visitor) -> Response {
    let catalog = state.catalog();
    let leagues = catalog
        .leagues
        .iter()
        .map(|e| {
            let cells = evaluation_cells(e);
            AboutRow {
                name: e.league.name.clone(),
                model_rps: cells.model_rps,
                odds_rps: cells.odds_rps,
                matches: cells.matches,
            }
        })
        .collect();
    page(&AboutPage {
        nav: Nav::new(visitor.username()),
        leagues,
    })
}
