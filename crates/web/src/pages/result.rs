//! A saved prediction's page: probabilities, scorelines, markets, form and head-to-head.

use super::shared::{form_lines, h2h_summary, meetings, page};
use crate::error::{Error, PageError};
use crate::extract::{PagePath, Visitor};
use crate::format::{link, minute, outcome_text, pct};
use crate::services::forecasts::FixtureFacts;
use crate::state::AppState;
use crate::templates::charts::{HeatMap, ProbabilityBars};
use crate::templates::{FormTable, MarketRow, Nav, ResultPage, ResultView, ScoreRow};
use axum::extract::State;
use axum::response::Response;
use fp_engine::LeagueEntry;
use fp_storage::PredictionRow;

/// One of the visitor's predictions.
#[utoipa::path(get, path = "/predictions/{id}", tag = "pages",
    params(("id" = i64, Path, description = "Prediction id")),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "The id is not a number", body = String, content_type = "text/html"),
        (status = 404, description = "Not in your history", body = String, content_type = "text/html"),
    ))]
pub async fn prediction(
    State(state): State<AppState>,
    visitor: Visitor,
    PagePath(id): PagePath<i64>,
) -> Result<Response, PageError> {
    let row = state
        .store()
        .prediction(id, &visitor.owner())
        .await?
        .ok_or_else(|| Error::NotFound("no such prediction in your history".into()))?;
    let catalog = state.catalog();
    let entry = catalog.league_by_id(row.league_id).ok_or_else(|| {
        Error::NotFound("the league of this prediction is no longer in the data".into())
    })?;
    let facts = state
        .forecasts()
        .fixture_facts(entry, row.home_team_id, row.away_team_id)
        .await;
    Ok(page(&ResultPage {
        nav: Nav::new(visitor.username()),
        r: result_view(entry, &row, &facts),
    }))
}

fn market(name: impl Into<String>, value: String) -> MarketRow {
    MarketRow {
        name: name.into(),
        value,
    }
}

fn result_view(entry: &LeagueEntry, row: &PredictionRow, facts: &FixtureFacts) -> ResultView {
    let probs = fp_model::Probabilities {
        home: row.p_home,
        draw: row.p_draw,
        away: row.p_away,
    };
    let (markets, matrix) = entry.stored_markets(row.xg_home, row.xg_away, &probs);
    let (version, data_to) = match entry.model_version() {
        Some(v) if Some(v.id) == row.model_version_id => (v.id.to_string(), v.data_to.to_string()),
        _ => (
            row.model_version_id.map_or("–".into(), |v| v.to_string()),
            "an earlier model".into(),
        ),
    };
    let (h, a) = (row.home_team.as_str(), row.away_team.as_str());
    let h2h = &facts.h2h;
    let dc = &markets.double_chance;
    let mut m = vec![
        market("Double chance 1X", pct(dc.home_or_draw)),
        market("Double chance X2", pct(dc.draw_or_away)),
        market("Double chance 12", pct(dc.home_or_away)),
    ];
    for l in &markets.over_under {
        m.push(market(
            format!("Over / under {:.1} goals", l.line),
            format!("{} / {}", pct(l.over), pct(l.under)),
        ));
    }
    let btts = &markets.both_teams_to_score;
    m.push(market(
        "Both teams to score (yes / no)",
        format!("{} / {}", pct(btts.yes), pct(btts.no)),
    ));
    let graded = crate::dto::GradedResult::of_row(row).map(|g| {
        format!(
            "Final score {}-{}: {}; RPS {:.3} (0 is perfect).",
            g.home_goals,
            g.away_goals,
            if g.favourite_won {
                "the most likely outcome happened"
            } else {
                "the most likely outcome did not happen"
            },
            g.rps
        )
    });
    let note = crate::services::figures::data_note(entry, &[h, a]);
    let fresh = crate::format::freshness(entry.league.last_date, chrono::Utc::now().date_naive());
    let (freshness, stale) = match note {
        None => (fresh.text, fresh.stale),
        Some(note) => (
            format!("{note}: its figures come from old data. {}", fresh.text),
            true,
        ),
    };
    ResultView {
        graded,
        freshness,
        stale,
        home_team: h.to_string(),
        away_team: a.to_string(),
        league_code: row.league_code.clone(),
        league_name: entry.league.name.clone(),
        created: format!("{} UTC", minute(&row.created_at)),
        model_version: version,
        data_to,
        bars: ProbabilityBars::new(
            [&format!("{h} win"), "Draw", &format!("{a} win")],
            probs.as_array(),
        ),
        outcome_text: outcome_text(row.outcome, h, a),
        confidence: pct(row.confidence),
        xg_home: format!("{:.2}", row.xg_home),
        xg_away: format!("{:.2}", row.xg_away),
        score: format!("{}-{}", row.predicted_home_goals, row.predicted_away_goals),
        top_scores: markets
            .top_scores
            .iter()
            .map(|s| ScoreRow {
                score: format!("{}-{}", s.home, s.away),
                probability: pct(s.probability),
            })
            .collect(),
        heat_map: HeatMap::new(|i, j| matrix.get(i, j), 5, h, a),
        markets: m,
        form: vec![
            FormTable {
                team: h.to_string(),
                games: form_lines(entry, &facts.home.form),
            },
            FormTable {
                team: a.to_string(),
                games: form_lines(entry, &facts.away.form),
            },
        ],
        h2h_summary: h2h_summary(h, a, h2h),
        h2h_link: link(
            "/h2h",
            &[("league", &row.league_code), ("home", h), ("away", a)],
        ),
        meetings: meetings(entry, h2h),
    }
}
