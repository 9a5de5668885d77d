use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::NaiveDate;

/// A played match as the models and the team pages read it.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow, serde::Serialize)]
pub struct StoredMatch {
    pub id: i64,
    pub league_id: i64,
    pub season: String,
    pub match_date: NaiveDate,
    pub kickoff_time: Option<String>,
    pub home_team_id: i64,
    pub away_team_id: i64,
    pub home_team: String,
    pub away_team: String,
    pub home_goals: i64,
    pub away_goals: i64,
    #[sqlx(try_from = "String")]
    pub result: fp_model::Outcome,
    pub home_shots_on_target: Option<i64>,
    pub away_shots_on_target: Option<i64>,
    pub ps_close_home: Option<f64>,
    pub ps_close_draw: Option<f64>,
    pub ps_close_away: Option<f64>,
    /// Every price the market model reads.
    #[sqlx(flatten)]
    #[serde(skip)]
    pub prices: StoredPrices,
}

/// The stored prices of a match (decimal odds, each `None` when the data has none).
#[derive(Debug, Clone, Copy, Default, PartialEq, sqlx::FromRow)]
pub struct StoredPrices {
    pub ps_open_home: Option<f64>,
    pub ps_open_draw: Option<f64>,
    pub ps_open_away: Option<f64>,
    pub avg_open_home: Option<f64>,
    pub avg_open_draw: Option<f64>,
    pub avg_open_away: Option<f64>,
    pub avg_close_home: Option<f64>,
    pub avg_close_draw: Option<f64>,
    pub avg_close_away: Option<f64>,
    pub b365_home: Option<f64>,
    pub b365_draw: Option<f64>,
    pub b365_away: Option<f64>,
    pub ou25_open_over: Option<f64>,
    pub ou25_open_under: Option<f64>,
    pub ou25_close_over: Option<f64>,
    pub ou25_close_under: Option<f64>,
    pub pou25_open_over: Option<f64>,
    pub pou25_open_under: Option<f64>,
    pub pou25_close_over: Option<f64>,
    pub pou25_close_under: Option<f64>,
}

impl StoredMatch {
    /// The match's prices in the market model's order of preference.
    pub fn price_sources(&self) -> fp_model::market::PriceSources {
        let p = &self.prices;
        let three = |h: Option<f64>, d: Option<f64>, a: Option<f64>| Some([h?, d?, a?]);
        let two = |o: Option<f64>, u: Option<f64>| Some([o?, u?]);
        fp_model::market::PriceSources {
            result: [
                three(self.ps_close_home, self.ps_close_draw, self.ps_close_away),
                three(p.avg_close_home, p.avg_close_draw, p.avg_close_away),
                three(p.ps_open_home, p.ps_open_draw, p.ps_open_away),
                three(p.avg_open_home, p.avg_open_draw, p.avg_open_away),
                three(p.b365_home, p.b365_draw, p.b365_away),
            ],
            over_under: [
                two(p.pou25_close_over, p.pou25_close_under),
                two(p.ou25_close_over, p.ou25_close_under),
                two(p.pou25_open_over, p.pou25_open_under),
                two(p.ou25_open_over, p.ou25_open_under),
            ],
        }
    }
}

const SELECT_MATCH: &str = "SELECT m.id, m.league_id, m.season, m.match_date, m.kickoff_time, \
       m.home_team_id, m.away_team_id, h.name AS home_team, a.name AS away_team, \
       m.home_goals, m.away_goals, m.result, m.home_shots_on_target, m.away_shots_on_target, \
       m.ps_close_home, m.ps_close_draw, m.ps_close_away, \
       m.ps_open_home, m.ps_open_draw, m.ps_open_away, m.avg_open_home, m.avg_open_draw, \
       m.avg_open_away, m.avg_close_home, m.avg_close_draw, m.avg_close_away, \
       m.b365_home, m.b365_draw, m.b365_away, m.ou25_open_over, m.ou25_open_under, \
       m.ou25_close_over, m.ou25_close_under, m.pou25_open_over, m.pou25_open_under, \
       m.pou25_close_over, m.pou25_close_under \
     FROM matches m JOIN teams h ON h.id = m.home_team_id JOIN teams a ON a.id = m.away_team_id";

impl Store {
    pub async fn count_matches(&self) -> Result<i64> {
        Ok(on_pool!(self.reader(), |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM matches"
        )
        .fetch_one(p)
        .await?))
    }

    /// All matches of a league in date order (the models' training data).
    pub async fn league_matches(&self, league_id: i64) -> Result<Vec<StoredMatch>> {
        let sql = format!(
            "{SELECT_MATCH} WHERE m.league_id = $1 ORDER BY m.match_date, m.kickoff_time, m.id"
        );
        Ok(on_pool!(self.reader(), |p| sqlx::query_as(sql.as_str())
            .bind(league_id)
            .fetch_all(p)
            .await?))
    }
}
