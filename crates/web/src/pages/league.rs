//! A league's page: the upcoming fixtures (model against market, one click to save a
//! prediction), the season odds, the current table and the model's ranking.

use super::shared::{page, record_cells};
use crate::error::{Error, PageError};
use crate::extract::{PagePath, Visitor};
use crate::format::{freshness, pct};
use crate::services::matchday;
use crate::state::AppState;
use crate::templates::{
    FixtureDay, FixtureLine, LeaguePage, Nav, RatingLine, SeasonChart, SeasonLine, SeasonView,
    TableLine,
};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// A league's fixtures, season odds, table and the model's ranking.
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
    let mut days: Vec<FixtureDay> = Vec::new();
    for f in matchday::fixture_items(state.forecasts(), entry).await {
        let date = f.date.format("%A %-d %B %Y").to_string();
        let line = FixtureLine {
            id: f.id,
            kickoff: f.kickoff_time.clone().unwrap_or_else(|| "–".into()),
            home_team: f.home_team,
            away_team: f.away_team,
            model: [
                pct(f.probabilities.home),
                pct(f.probabilities.draw),
                pct(f.probabilities.away),
            ],
            expected_goals: format!("{:.2}–{:.2}", f.expected_goals.home, f.expected_goals.away),
            market: f.market.map(|m| [pct(m.home), pct(m.draw), pct(m.away)]),
        };
        match days.last_mut() {
            Some(d) if d.date == date => d.fixtures.push(line),
            _ => days.push(FixtureDay {
                date,
                fixtures: vec![line],
            }),
        }
    }
    let odds = matchday::simulation(catalog.clone(), &code, &state.config().season)
        .await?
        .map(|s| {
            let bars: Vec<_> = s
                .teams
                .iter()
                .map(|t| (t.team.clone(), t.p_title, t.p_top4, t.p_relegation))
                .collect();
            let chart = SeasonChart::new(&bars, &format!("Season odds {}", s.season))
                .render()
                .unwrap_or_default();
            SeasonView {
                season: s.season,
                simulations: format!("{}", s.simulations),
                remaining: s.remaining_matches,
                relegation_places: s.relegation_places,
                lines: s
                    .teams
                    .iter()
                    .map(|t| SeasonLine {
                        team: t.team.clone(),
                        played: t.played,
                        points: t.points,
                        expected_points: format!("{:.1}", t.expected_points),
                        title: pct(t.p_title),
                        top4: pct(t.p_top4),
                        relegation: pct(t.p_relegation),
                    })
                    .collect(),
                chart,
            }
        });
    let fresh = freshness(entry.league.last_date, chrono::Utc::now().date_naive());
    Ok(page(&LeaguePage {
        nav: Nav::new(visitor.username()),
        code: entry.league.code.clone(),
        name: entry.league.name.clone(),
        season: t.season.clone(),
        freshness: fresh.text,
        stale: fresh.stale,
        days,
        odds,
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
