//! `/history.csv`: the visitor's predictions as a CSV file (the `csv` crate quotes the cells).

use super::history::{HistoryQuery, history_filter};
use crate::error::{Error, PageError};
use crate::extract::{PageQuery, Visitor};
use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// Rows read at a time.
const CHUNK: i64 = 1000;

const HEADER: [&str; 16] = [
    "id",
    "created_at",
    "league",
    "home_team",
    "away_team",
    "p_home",
    "p_draw",
    "p_away",
    "predicted_score",
    "expected_goals_home",
    "expected_goals_away",
    "outcome",
    "confidence",
    "final_score",
    "favourite_won",
    "rps",
];

pub use fp_engine::reports::text_cell;

/// The visitor's predictions (with the history's filters) as CSV.
#[utoipa::path(get, path = "/history.csv", tag = "pages",
    params(HistoryQuery),
    responses(
        (status = 200, description = "The file", body = String, content_type = "text/csv"),
        (status = 400, description = "A malformed parameter", body = String, content_type = "text/html"),
    ))]
pub async fn history_csv(
    State(state): State<AppState>,
    visitor: Visitor,
    PageQuery(q): PageQuery<HistoryQuery>,
) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let filter = history_filter(
        &catalog,
        q.league.as_deref(),
        q.outcome.as_deref(),
        q.graded.as_deref(),
    );
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(HEADER).map_err(Error::internal)?;
    let mut p = 1;
    loop {
        let h = state
            .store()
            .history(&visitor.owner(), &filter, p, CHUNK)
            .await?;
        for r in &h.items {
            let g = crate::dto::GradedResult::of_row(r);
            out.write_record([
                r.id.to_string(),
                r.created_at.to_rfc3339(),
                text_cell(&r.league_code),
                text_cell(&r.home_team),
                text_cell(&r.away_team),
                format!("{:.4}", r.p_home),
                format!("{:.4}", r.p_draw),
                format!("{:.4}", r.p_away),
                format!("{}-{}", r.predicted_home_goals, r.predicted_away_goals),
                format!("{:.3}", r.xg_home),
                format!("{:.3}", r.xg_away),
                r.outcome.code().to_string(),
                format!("{:.4}", r.confidence),
                g.map_or_else(String::new, |g| {
                    format!("{}-{}", g.home_goals, g.away_goals)
                }),
                g.map_or_else(String::new, |g| g.favourite_won.to_string()),
                g.map_or_else(String::new, |g| format!("{:.4}", g.rps)),
            ])
            .map_err(Error::internal)?;
        }
        if (h.items.len() as i64) < CHUNK {
            break;
        }
        p += 1;
    }
    let body = out
        .into_inner()
        .map_err(|e| Error::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"predictions.csv\"",
            ),
        ],
        body,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::text_cell;

    #[test]
    fn formulas_are_defused() {
        for bad in ["=HYPERLINK(\"x\")", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(text_cell(bad), format!("'{bad}"));
        }
        assert_eq!(text_cell("Man City"), "Man City");
        assert_eq!(text_cell("1. FC Köln"), "1. FC Köln");
    }
}
