//! Fixtures as read back: the upcoming matches of a league, with their prices and the
//! model's latest forecast of each.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{NaiveDate, Utc};

/// One stored fixture.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub struct StoredFixture {
    pub id: i64,
    pub league_id: i64,
    pub season: String,
    pub match_date: NaiveDate,
    pub kickoff_time: Option<String>,
    pub home_team_id: i64,
    pub away_team_id: i64,
    pub ps_home: Option<f64>,
    pub ps_draw: Option<f64>,
    pub ps_away: Option<f64>,
    pub avg_home: Option<f64>,
    pub avg_draw: Option<f64>,
    pub avg_away: Option<f64>,
    pub b365_home: Option<f64>,
    pub b365_draw: Option<f64>,
    pub b365_away: Option<f64>,
    pub ou25_over: Option<f64>,
    pub ou25_under: Option<f64>,
    pub pou25_over: Option<f64>,
    pub pou25_under: Option<f64>,
    /// The played match, once its result is stored.
    pub match_id: Option<i64>,
    pub forecast_version: Option<i64>,
}

impl StoredFixture {
    /// The fixture's prices in the market model's order of preference.
    pub fn price_sources(&self) -> fp_model::market::PriceSources {
        let three = |h: Option<f64>, d: Option<f64>, a: Option<f64>| Some([h?, d?, a?]);
        let two = |o: Option<f64>, u: Option<f64>| Some([o?, u?]);
        fp_model::market::PriceSources {
            result: [
                three(self.ps_home, self.ps_draw, self.ps_away),
                three(self.avg_home, self.avg_draw, self.avg_away),
                three(self.b365_home, self.b365_draw, self.b365_away),
                None,
                None,
            ],
            over_under: [
                two(self.pou25_over, self.pou25_under),
                two(self.ou25_over, self.ou25_under),
                None,
                None,
            ],
        }
    }
}

/// The model's forecast of a fixture, kept until its result arrives.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FixtureForecast {
    pub fixture_id: i64,
    pub model_version_id: i64,
    pub p_home: f64,
    pub p_draw: f64,
    pub p_away: f64,
    pub xg_home: f64,
    pub xg_away: f64,
}

const SELECT: &str = "SELECT id, league_id, season, match_date, kickoff_time, home_team_id, \
    away_team_id, ps_home, ps_draw, ps_away, avg_home, avg_draw, avg_away, b365_home, b365_draw, \
    b365_away, ou25_over, ou25_under, pou25_over, pou25_under, match_id, forecast_version \
    FROM fixtures";

/// Forecasts written per transaction.
const FORECAST_BATCH: usize = 500;

impl Store {
    /// A league's fixtures without a result, soonest first.
    pub async fn upcoming_fixtures(&self, league_id: i64) -> Result<Vec<StoredFixture>> {
        let sql = format!(
            "{SELECT} WHERE league_id = $1 AND match_id IS NULL \
             ORDER BY match_date, kickoff_time, id"
        );
        Ok(on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(league_id)
            .fetch_all(p)
            .await?))
    }

    /// One fixture, played or not.
    pub async fn fixture(&self, id: i64) -> Result<Option<StoredFixture>> {
        let sql = format!("{SELECT} WHERE id = $1");
        Ok(on_pool!(&self.read, |p| sqlx::query_as(&sql)
            .bind(id)
            .fetch_optional(p)
            .await?))
    }

    /// Stores the model's forecasts of fixtures not yet played (a played fixture keeps the
    /// forecast it had at kick-off); returns how many changed.
    pub async fn record_fixture_forecasts(&self, forecasts: &[FixtureForecast]) -> Result<u64> {
        let mut changed = 0;
        let now = Utc::now();
        for chunk in forecasts.chunks(FORECAST_BATCH) {
            on_pool!(&self.write, |pool| {
                let mut tx = pool.begin().await?;
                for f in chunk {
                    changed += sqlx::query(
                        "UPDATE fixtures SET forecast_version = $1, forecast_home = $2, \
                         forecast_draw = $3, forecast_away = $4, forecast_xg_home = $5, \
                         forecast_xg_away = $6, updated_at = $7 \
                         WHERE id = $8 AND match_id IS NULL",
                    )
                    .bind(f.model_version_id)
                    .bind(f.p_home)
                    .bind(f.p_draw)
                    .bind(f.p_away)
                    .bind(f.xg_home)
                    .bind(f.xg_away)
                    .bind(now)
                    .bind(f.fixture_id)
                    .execute(&mut *tx)
                    .await?
                    .rows_affected();
                }
                tx.commit().await?;
            });
        }
        Ok(changed)
    }
}
