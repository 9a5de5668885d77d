//! Forecasts of a fixture under the current model, team statistics, head-to-head and league
//! tables, through the two-tier cache (`fp_cache`: in process, and Redis when configured).
//! Keys carry the league's match count, so an instance that has not reloaded after an import
//! never stores its old figures under the new data's keys.

use fp_cache::{Cache, Kind};
use fp_engine::{Fixture, FixturePrediction, LeagueEntry};
use fp_model::facts::{FormEntry, HeadToHead, TableRow, TeamRecord};
use fp_model::predictor::Forecast;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Games shown as a team's form.
pub const FORM_GAMES: usize = 5;

/// Meetings shown with a prediction.
pub const PREDICTION_MEETINGS: usize = 6;

/// A team's record and recent form.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TeamStats {
    pub record: TeamRecord,
    pub form: Vec<FormEntry>,
}

/// The current season and its table.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Table {
    pub season: String,
    pub rows: Vec<TableRow>,
}

/// The form of both teams and their last meetings, shown with every prediction.
pub struct FixtureFacts {
    pub home: Arc<TeamStats>,
    pub away: Arc<TeamStats>,
    pub h2h: Arc<HeadToHead>,
}

/// Forecasts and facts, cached.
pub struct Forecasts {
    cache: Cache,
}

fn data_key(entry: &LeagueEntry) -> String {
    format!("{}:{}", entry.league.id, entry.league.matches)
}

impl Forecasts {
    pub fn new(cache: Cache) -> Self {
        Forecasts { cache }
    }

    /// The cache underneath (its Redis link and data generation).
    pub fn cache(&self) -> &Cache {
        &self.cache
    }

    /// The fixture's forecast (the model runs once per fixture and model version).
    pub async fn predict<'a>(&self, fixture: Fixture<'a>) -> FixturePrediction<'a> {
        let forecast: Arc<Forecast> = self
            .cache
            .get_or_load(Kind::Forecast, &fixture.cache_key(), || fixture.forecast())
            .await;
        fixture.with_forecast(forecast)
    }

    pub async fn team_stats(&self, entry: &LeagueEntry, team: i64) -> Arc<TeamStats> {
        let key = format!("{}:{team}", data_key(entry));
        self.cache
            .get_or_load(Kind::Team, &key, || TeamStats {
                record: entry.record(team),
                form: entry.form(team, FORM_GAMES),
            })
            .await
    }

    /// The last `n` meetings of `a` and `b` (both venues) and their summary.
    pub async fn head_to_head(
        &self,
        entry: &LeagueEntry,
        a: i64,
        b: i64,
        n: usize,
    ) -> Arc<HeadToHead> {
        let key = format!("{}:{a}:{b}:{n}", data_key(entry));
        self.cache
            .get_or_load(Kind::HeadToHead, &key, || entry.head_to_head(a, b, n))
            .await
    }

    pub async fn fixture_facts(&self, entry: &LeagueEntry, home: i64, away: i64) -> FixtureFacts {
        FixtureFacts {
            home: self.team_stats(entry, home).await,
            away: self.team_stats(entry, away).await,
            h2h: self
                .head_to_head(entry, home, away, PREDICTION_MEETINGS)
                .await,
        }
    }

    pub async fn table(&self, entry: &LeagueEntry) -> Arc<Table> {
        self.cache
            .get_or_load(Kind::League, &format!("table:{}", data_key(entry)), || {
                entry
                    .current_table()
                    .map(|(season, rows)| Table { season, rows })
                    .unwrap_or_default()
            })
            .await
    }

    /// Anything else kept per league data (e.g. the league list), under `key`.
    pub async fn league_value<T, F>(&self, key: &str, load: F) -> Arc<T>
    where
        T: Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
        F: Fn() -> T,
    {
        self.cache.get_or_load(Kind::League, key, load).await
    }
}
