//! What the pages and the API take from the cache (see `fp_cache`): forecasts of a fixture
//! under the current model, team statistics, head-to-head and league tables. Keys carry the
//! league's match count, so an instance that has not reloaded after an import never stores
//! its old figures under the new data's keys.

use crate::state::AppState;
use fp_cache::Kind;
use fp_engine::{Fixture, FixturePrediction, LeagueEntry};
use fp_model::facts::{FormEntry, HeadToHead, TableRow, TeamRecord};
use fp_model::predictor::Forecast;
use fp_storage::{HistoryFilter, HistoryPage, Owner, StorageError};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// Games shown as a team's form.
pub const FORM_GAMES: usize = 5;

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

fn data_key(entry: &LeagueEntry) -> String {
    format!("{}:{}", entry.league.id, entry.league.matches)
}

/// What an owner's active predictions add up to (see [`fp_storage::HistoryFingerprint`]).
pub type Fingerprint = fp_storage::HistoryFingerprint;

/// A visitor's history page as it was when their predictions had this fingerprint.
pub type HistoryEntry = (Fingerprint, Arc<HistoryPage>);

/// Which history page: owner, league and outcome filters, page number, page size.
pub type HistoryKey = (String, Option<i64>, Option<String>, i64, i64);

/// Bytes of history pages kept in memory (pages read, and pages rendered, each).
pub const HISTORY_BYTES: u64 = 16 << 20;

/// What a history page holds in the cache, roughly.
pub fn history_weight(page: &HistoryPage) -> u32 {
    let text: usize = page
        .items
        .iter()
        .map(|r| 256 + r.home_team.len() + r.away_team.len() + r.league_code.len())
        .sum();
    u32::try_from(text + 128).unwrap_or(u32::MAX)
}

pub fn history_key(owner: &Owner, filter: &HistoryFilter, page: i64, per_page: i64) -> HistoryKey {
    let who = match owner {
        Owner::User(id) => format!("u{id}"),
        Owner::Session(s) => format!("s{s}"),
    };
    (
        who,
        filter.league_id,
        filter.outcome.clone(),
        page,
        per_page,
    )
}

impl AppState {
    /// A page of the visitor's history. The page is kept in memory and reused while the
    /// owner's fingerprint (read from the owner's index on the primary) is unchanged: exact
    /// on every instance, since any insert, delete, archive or move changes it.
    pub(crate) async fn history(
        &self,
        owner: &Owner,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<Arc<HistoryPage>, StorageError> {
        let fingerprint = self.store().history_fingerprint(owner).await?;
        let (_, page) = self
            .history_as_of(owner, fingerprint, filter, page, per_page)
            .await?;
        Ok(page)
    }

    /// The page of an owner whose predictions have just been read to have `fingerprint`:
    /// from memory if it was read under the same fingerprint, else from the database. A page
    /// read now is kept only if the fingerprint is still the same afterwards (no prediction
    /// of the owner's changed while it was read); the flag says whether the page is known to
    /// match `fingerprint`, i.e. whether what is made from it may be cached under it too.
    pub(crate) async fn history_as_of(
        &self,
        owner: &Owner,
        fingerprint: Fingerprint,
        filter: &HistoryFilter,
        page: i64,
        per_page: i64,
    ) -> Result<(bool, Arc<HistoryPage>), StorageError> {
        let key = history_key(owner, filter, page, per_page);
        if let Some((f, cached)) = self.histories().get(&key).await
            && f == fingerprint
        {
            metrics::counter!("history_cache_total", "result" => "hit").increment(1);
            return Ok((true, cached));
        }
        metrics::counter!("history_cache_total", "result" => "miss").increment(1);
        let fresh = Arc::new(self.store().history(owner, filter, page, per_page).await?);
        let stable = self.store().history_fingerprint(owner).await? == fingerprint;
        if stable {
            self.histories()
                .insert(key, (fingerprint, fresh.clone()))
                .await;
        }
        Ok((stable, fresh))
    }

    /// The fixture's forecast (the model runs once per fixture and model version).
    pub(crate) async fn predict<'a>(&self, fixture: Fixture<'a>) -> FixturePrediction<'a> {
        let forecast: Arc<Forecast> = self
            .cache()
            .get_or_load(Kind::Forecast, &fixture.cache_key(), || fixture.forecast())
            .await;
        fixture.with_forecast(forecast)
    }

    pub(crate) async fn team_stats(&self, entry: &LeagueEntry, team: i64) -> Arc<TeamStats> {
        let key = format!("{}:{team}", data_key(entry));
        self.cache()
            .get_or_load(Kind::Team, &key, || TeamStats {
                record: entry.record(team),
                form: entry.form(team, FORM_GAMES),
            })
            .await
    }

    /// The last `n` meetings of `a` and `b` (both venues) and their summary.
    pub(crate) async fn head_to_head(
        &self,
        entry: &LeagueEntry,
        a: i64,
        b: i64,
        n: usize,
    ) -> Arc<HeadToHead> {
        let key = format!("{}:{a}:{b}:{n}", data_key(entry));
        self.cache()
            .get_or_load(Kind::HeadToHead, &key, || entry.head_to_head(a, b, n))
            .await
    }

    pub(crate) async fn fixture_facts(
        &self,
        entry: &LeagueEntry,
        home: i64,
        away: i64,
    ) -> FixtureFacts {
        FixtureFacts {
            home: self.team_stats(entry, home).await,
            away: self.team_stats(entry, away).await,
            h2h: self.head_to_head(entry, home, away, 6).await,
        }
    }

    /// Predictions made (all visitors), for the dashboard: counting a million rows on every
    /// visit of the home page would cost more than the rest of the page, so the figure is
    /// at most ten seconds old, and concurrent visits count once.
    pub(crate) async fn predictions_made(&self) -> Result<i64, StorageError> {
        self.prediction_count()
            .try_get_with((), self.store().count_predictions())
            .await
            .map_err(|e| StorageError::Invalid(e.to_string()))
    }

    pub(crate) async fn table(&self, entry: &LeagueEntry) -> Arc<Table> {
        self.cache()
            .get_or_load(Kind::League, &format!("table:{}", data_key(entry)), || {
                entry
                    .current_table()
                    .map(|(season, rows)| Table { season, rows })
                    .unwrap_or_default()
            })
            .await
    }
}
