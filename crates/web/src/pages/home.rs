//! The home page: leagues, totals and the visitor's recent predictions.

use super::shared::{evaluation_cells, page, summary};
use crate::config::NO_DATA_HINT;
use crate::error::PageError;
use crate::extract::Visitor;
use crate::state::AppState;
use crate::templates::{HomePage, LeagueRow, Nav, RecentItem};
use axum::extract::State;
use axum::response::Response;
use fp_storage::HistoryFilter;

/// The home page.
#[utoipa::path(get, path = "/", tag = "pages",
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 503, description = "The database is unavailable", body = String, content_type = "text/html"),
    ))]
pub async fn home(State(state): State<AppState>, visitor: Visitor) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let predictions = state.prediction_count().get(state.store()).await?;
    let recent = state
        .histories()
        .page(
            state.store(),
            &visitor.owner(),
            &HistoryFilter::default(),
            1,
            5,
        )
        .await?
        .items
        .iter()
        .map(|p| RecentItem {
            id: p.id,
            summary: summary(p),
            home_team: p.home_team.clone(),
            away_team: p.away_team.clone(),
            league_code: p.league_code.clone(),
        })
        .collect();
    let leagues = catalog
        .leagues
        .iter()
        .map(|e| {
            let cells = evaluation_cells(e);
            LeagueRow {
                code: e.league.code.clone(),
                name: e.league.name.clone(),
                matches: e.league.matches,
                last_date: e
                    .league
                    .last_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                model_rps: cells.model_rps,
                odds_rps: cells.odds_rps,
            }
        })
        .collect();
    Ok(page(&HomePage {
        nav: Nav::new(visitor.username()).with_data(
            catalog
                .leagues
                .iter()
                .filter_map(|e| e.league.last_date)
                .max(),
        ),
        hint: NO_DATA_HINT,
        leagues,
        teams: catalog.total_teams,
        matches: catalog.total_matches,
        predictions,
        recent,
    }))
}
