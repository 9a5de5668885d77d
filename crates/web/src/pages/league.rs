//! A league's page: the current table and the model's ranking.

use super::shared::{page, record_cells};
use crate::error::{Error, PageError};
use crate::extract::{PagePath, Visitor};
use crate::state::AppState;
use crate::templates::{LeaguePage, Nav, RatingLine, TableLine};
use axum::extract::State;
use axum::response::Response;

/// A league's table and the model's ranking.
#[utoipa::path(get, path = "/leagues/{code}", tag = "pages",
    params(("code" = String, Path, description = "League code, e.g. E0")),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown league", body = String, content_type = "text/html"),
    ))]
pub async fn league(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(code): PagePath<String>,
) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&code)
        .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?;
    let t = state.forecasts().table(entry).await;
    Ok(page(&LeaguePage {
        nav: Nav::new(visitor.username()),
        code: entry.league.code.clone(),
        name: entry.league.name.clone(),
        season: t.season.clone(),
        table: t
            .rows
            .iter()
            .map(|r| {
                let mut cells = record_cells(&r.record);
                cells.push(r.record.points().to_string());
                TableLine {
                    team_id: i64::from(r.team),
                    team: entry.team_name(r.team).to_string(),
                    cells,
                }
            })
            .collect(),
        ratings: entry
            .ratings()
            .into_iter()
            .map(|r| RatingLine {
                team_id: r.team.id,
                team: r.team.name.clone(),
                attack: format!("{:+.2}", r.ratings.attack),
                defence: format!("{:+.2}", r.ratings.defence),
                elo: format!("{:.0}", r.ratings.elo),
            })
            .collect(),
    }))
}
