//! Graded forecasts read back for track records: a visitor's graded predictions, and the
//! model's forecasts of fixtures that have been played, each with the match's closing prices.

use crate::error::Result;
use crate::predictions::Owner;
use crate::store::{Store, on_pool};

/// A forecast and what happened.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct GradedForecast {
    pub league_id: i64,
    pub p_home: f64,
    pub p_draw: f64,
    pub p_away: f64,
    /// `H`, `D` or `A`.
    pub actual_result: String,
    pub ps_close_home: Option<f64>,
    pub ps_close_draw: Option<f64>,
    pub ps_close_away: Option<f64>,
    pub avg_close_home: Option<f64>,
    pub avg_close_draw: Option<f64>,
    pub avg_close_away: Option<f64>,
}

impl GradedForecast {
    /// The closing 1X2 prices (Pinnacle, else the market average), if the match has them.
    pub fn closing_prices(&self) -> Option<[f64; 3]> {
        let three = |h: Option<f64>, d: Option<f64>, a: Option<f64>| Some([h?, d?, a?]);
        three(self.ps_close_home, self.ps_close_draw, self.ps_close_away).or_else(|| {
            three(
                self.avg_close_home,
                self.avg_close_draw,
                self.avg_close_away,
            )
        })
    }
}

const CLOSING: &str = "m.ps_close_home, m.ps_close_draw, m.ps_close_away, \
    m.avg_close_home, m.avg_close_draw, m.avg_close_away";

impl Store {
    /// The owner's graded predictions (archived ones included), newest first, at most `limit`.
    pub async fn graded_predictions(
        &self,
        owner: &Owner,
        limit: i64,
    ) -> Result<Vec<GradedForecast>> {
        let owner_column = match owner {
            Owner::User(_) => "p.user_id = $1",
            Owner::Session(_) => "p.session_id = $1",
        };
        let sql = format!(
            "SELECT p.league_id, p.p_home, p.p_draw, p.p_away, p.actual_result, {CLOSING} \
             FROM predictions p JOIN matches m ON m.id = p.match_id \
             WHERE {owner_column} AND p.actual_result IS NOT NULL \
             ORDER BY p.created_at DESC, p.id DESC LIMIT $2"
        );
        Ok(on_pool!(self.fresh_read_pool(), |p| {
            let q = sqlx::query_as(&sql);
            let q = match owner {
                Owner::User(id) => q.bind(*id),
                Owner::Session(s) => q.bind(s.as_str()),
            };
            q.bind(limit).fetch_all(p).await?
        }))
    }

    /// The model's forecasts of every played fixture (as they stood at kick-off), with the
    /// result.
    pub async fn graded_fixture_forecasts(&self) -> Result<Vec<GradedForecast>> {
        let sql = format!(
            "SELECT f.league_id, f.forecast_home AS p_home, f.forecast_draw AS p_draw, \
                    f.forecast_away AS p_away, m.result AS actual_result, {CLOSING} \
             FROM fixtures f JOIN matches m ON m.id = f.match_id \
             WHERE f.match_id IS NOT NULL AND f.forecast_home IS NOT NULL \
             ORDER BY m.match_date, f.id"
        );
        Ok(on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .fetch_all(p)
            .await?))
    }
}
