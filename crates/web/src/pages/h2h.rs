//! Head-to-head of two teams of a league.

use super::shared::{h2h_summary, meetings, page};
use crate::error::{Error, PageError};
use crate::extract::{PageQuery, Visitor};
use crate::state::AppState;
use crate::templates::{H2hPage, Nav};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

/// Meetings shown.
const MEETINGS: usize = 100;

/// The two teams.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct H2hQuery {
    /// League code.
    league: String,
    /// A team of the league.
    home: String,
    /// Its opponent.
    away: String,
}

/// Every meeting of two teams, both venues.
#[utoipa::path(get, path = "/h2h", tag = "pages",
    params(H2hQuery),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "A parameter is missing", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown league or team", body = String, content_type = "text/html"),
    ))]
pub async fn h2h(
    State(state): State<AppState>,
    visitor: Visitor,
    PageQuery(q): PageQuery<H2hQuery>,
) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&q.league)
        .ok_or_else(|| Error::NotFound(format!("unknown league \"{}\"", q.league)))?;
    let (Some(a), Some(b)) = (entry.team(&q.home), entry.team(&q.away)) else {
        return Err(
            Error::NotFound(format!("both teams must play in {}", entry.league.code)).into(),
        );
    };
    let h = state
        .forecasts()
        .head_to_head(entry, a.id, b.id, MEETINGS)
        .await;
    Ok(page(&H2hPage {
        nav: Nav::new(visitor.username()).with_data(entry.league.last_date),
        league_code: entry.league.code.clone(),
        teams: entry.teams.iter().map(|t| t.name.clone()).collect(),
        a: a.name.clone(),
        b: b.name.clone(),
        summary: h2h_summary(&a.name, &b.name, &h),
        meetings: meetings(entry, &h),
    }))
}
