//! What several pages show the same way.

use crate::format::{outcome_text, pct};
use crate::templates::{FormLine, LeagueOption, Meeting, render};
use axum::response::{Html, IntoResponse, Response};
use fp_engine::{Catalog, LeagueEntry};
use fp_storage::PredictionRow;

pub fn page(t: &impl askama::Template) -> Response {
    Html(render(t)).into_response()
}

/// The model's and the closing odds' RPS, and the matches measured.
pub struct EvaluationCells {
    pub model_rps: String,
    pub odds_rps: String,
    pub matches: String,
}

pub fn evaluation_cells(entry: &LeagueEntry) -> EvaluationCells {
    match entry.evaluation() {
        Some(e) => EvaluationCells {
            model_rps: format!("{:.4}", e.rps),
            odds_rps: format!("{:.4}", e.closing_odds_rps),
            matches: e.matches.to_string(),
        },
        None => EvaluationCells {
            model_rps: "not measured".into(),
            odds_rps: "–".into(),
            matches: "0".into(),
        },
    }
}

/// "Arsenal win (52.1%), 2-1" for a stored prediction.
pub fn summary(p: &PredictionRow) -> String {
    format!(
        "{} ({}), {}-{}",
        outcome_text(p.outcome, &p.home_team, &p.away_team),
        pct(p.confidence),
        p.predicted_home_goals,
        p.predicted_away_goals
    )
}

pub fn league_options(catalog: &Catalog, selected: Option<&str>) -> Vec<LeagueOption> {
    catalog
        .leagues
        .iter()
        .map(|e| LeagueOption {
            code: e.league.code.clone(),
            name: e.league.name.clone(),
            selected: Some(e.league.code.as_str()) == selected,
        })
        .collect()
}

pub fn form_lines(entry: &LeagueEntry, form: &[fp_model::facts::FormEntry]) -> Vec<FormLine> {
    form.iter()
        .map(|f| FormLine {
            date: f.date.to_string(),
            opponent: format!(
                "{} ({})",
                entry.team_name(f.opponent),
                if f.at_home { "home" } else { "away" }
            ),
            score: format!("{}-{}", f.goals_for, f.goals_against),
            result: f.result.to_string(),
        })
        .collect()
}

pub fn meetings(entry: &LeagueEntry, h2h: &fp_model::facts::HeadToHead) -> Vec<Meeting> {
    h2h.meetings
        .iter()
        .map(|g| Meeting {
            date: g.date.to_string(),
            home: entry.team_name(g.home).to_string(),
            score: format!("{}-{}", g.home_goals, g.away_goals),
            away: entry.team_name(g.away).to_string(),
            market: g.market.map_or("–".to_string(), |m| {
                let p = m.prices.result;
                format!(
                    "{:.0}% / {:.0}% / {:.0}%",
                    p.home * 100.0,
                    p.draw * 100.0,
                    p.away * 100.0
                )
            }),
        })
        .collect()
}

pub fn h2h_summary(a: &str, b: &str, h: &fp_model::facts::HeadToHead) -> String {
    let n = h.a_wins + h.draws + h.b_wins;
    if n == 0 {
        return format!("{a} and {b} have not met in the data.");
    }
    format!(
        "{n} meetings: {a} won {}, {} drawn, {b} won {}; goals {}–{}.",
        h.a_wins, h.draws, h.b_wins, h.a_goals, h.b_goals
    )
}

/// Played, won, drawn, lost, goals for, goals against.
pub fn record_cells(x: &fp_model::facts::Record) -> Vec<String> {
    [
        x.played,
        x.won,
        x.drawn,
        x.lost,
        x.goals_for,
        x.goals_against,
    ]
    .iter()
    .map(u32::to_string)
    .collect()
}
