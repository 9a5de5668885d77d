//! A team's page: record, form, ratings and the Elo chart.

use super::shared::{form_lines, page, record_cells};
use crate::error::{Error, PageError};
use crate::extract::{PagePath, Visitor};
use crate::state::AppState;
use crate::templates::charts::LineChart;
use crate::templates::{Nav, RecordRow, TeamPage};
use axum::extract::State;
use axum::response::Response;

/// A team's record, form, ratings and Elo history.
#[utoipa::path(get, path = "/teams/{id}", tag = "pages",
    params(("id" = i64, Path, description = "Team id")),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "The id is not a number", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown team", body = String, content_type = "text/html"),
    ))]
pub async fn team(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let (entry, team) = catalog
        .leagues
        .iter()
        .find_map(|e| e.team_by_id(id).map(|t| (e, t)))
        .ok_or_else(|| Error::NotFound("no such team".into()))?;
    let stats = state.forecasts().team_stats(entry, id).await;
    let r = stats.record;
    let row = |venue, x: &fp_model::facts::Record| {
        let mut cells = record_cells(x);
        cells.push(format!("{:.2}", x.goals_for_per_match()));
        cells.push(format!("{:.2}", x.goals_against_per_match()));
        cells.push(x.clean_sheets.to_string());
        RecordRow { venue, cells }
    };
    let ratings = match entry.team_ratings(id) {
        Some(t) => format!(
            "Attack {:+.2}, defence {:+.2} (log scale, 0 = league average; lower defence is better); Elo {:.0}. Model version {}, results up to {}.",
            t.attack, t.defence, t.elo, t.model_version, t.data_to
        ),
        None => "No model fitted yet.".to_string(),
    };
    let history = entry.rating_history.get(&id).cloned().unwrap_or_default();
    Ok(page(&TeamPage {
        nav: Nav::new(visitor.username()).with_data(entry.league.last_date),
        name: team.name.clone(),
        league_code: entry.league.code.clone(),
        league_name: entry.league.name.clone(),
        records: vec![
            row("Home", &r.home),
            row("Away", &r.away),
            row("Total", &r.total),
        ],
        form: form_lines(entry, &stats.form),
        ratings,
        chart: LineChart::new(&history, &format!("Elo rating of {}", team.name)),
    }))
}
