//! Idempotent import of parsed matches: one transaction per call, keyed by
//! (league, date, home team, away team).

mod fixture_values;
mod match_values;

use crate::error::Result;
use crate::grading;
use crate::store::{Store, on_pool};
use chrono::{NaiveDate, Utc};
use fp_model::Outcome;
use match_values::{BATCH, COLUMNS, Key, MatchValues, values};
use std::collections::{BTreeMap, HashMap, HashSet};

pub use fixture_values::{FixturePrices, NewFixture};
pub(crate) use match_values::{split, split_ou};

/// One played match to store, as the importer hands it over: league and teams by name (the
/// store finds or creates their rows), the result, and the statistics and prices the service
/// keeps. Built from a parsed CSV row by `fp-ingest`; storage knows no file format.
#[derive(Debug, Clone, PartialEq)]
pub struct NewMatch {
    /// League code, e.g. `E0`.
    pub league: String,
    /// League name for a new league (the code when unknown).
    pub league_name: String,
    /// Season, e.g. `2024-25`.
    pub season: String,
    pub date: NaiveDate,
    /// Kick-off time `HH:MM`.
    pub kickoff_time: Option<String>,
    pub home_team: String,
    pub away_team: String,
    pub home_goals: u16,
    pub away_goals: u16,
    pub result: Outcome,
    pub half_time: Option<HalfTime>,
    pub stats: MatchStats,
    pub odds: MatchOdds,
}

/// Half-time score and result, when the file has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HalfTime {
    pub home_goals: Option<u16>,
    pub away_goals: Option<u16>,
    pub result: Option<Outcome>,
}

/// Match statistics; any may be missing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct MatchStats {
    pub home_shots: Option<u16>,
    pub away_shots: Option<u16>,
    pub home_shots_on_target: Option<u16>,
    pub away_shots_on_target: Option<u16>,
    pub home_corners: Option<u16>,
    pub away_corners: Option<u16>,
    pub home_yellow: Option<u16>,
    pub away_yellow: Option<u16>,
    pub home_red: Option<u16>,
    pub away_red: Option<u16>,
}

/// Decimal 1X2 prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prices1x2 {
    pub home: f64,
    pub draw: f64,
    pub away: f64,
}

/// Decimal over/under 2.5 goals prices.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PricesOverUnder {
    pub over: f64,
    pub under: f64,
}

/// The bookmaker prices kept per match ("open": a day or two before, "close": at kick-off).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct MatchOdds {
    pub pinnacle_open: Option<Prices1x2>,
    pub pinnacle_close: Option<Prices1x2>,
    pub average_open: Option<Prices1x2>,
    pub average_close: Option<Prices1x2>,
    pub over_under_open: Option<PricesOverUnder>,
    pub over_under_close: Option<PricesOverUnder>,
    pub bet365: Option<Prices1x2>,
    pub pinnacle_over_under_open: Option<PricesOverUnder>,
    pub pinnacle_over_under_close: Option<PricesOverUnder>,
}

/// What an import did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
}

/// What the import of one file did: its matches, its fixtures, and the stored predictions
/// the new results graded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct FileCounts {
    pub matches: ImportCounts,
    pub fixtures: ImportCounts,
    pub graded: u64,
}

impl FileCounts {
    /// Whether anything stored changed (servers then reload, models need a refit when
    /// results changed).
    pub fn changed(&self) -> bool {
        self.matches.changed() || self.fixtures.changed()
    }
}

impl ImportCounts {
    pub fn changed(&self) -> bool {
        self.inserted + self.updated > 0
    }
}

impl std::ops::AddAssign for FileCounts {
    fn add_assign(&mut self, o: Self) {
        self.matches += o.matches;
        self.fixtures += o.fixtures;
        self.graded += o.graded;
    }
}

impl std::ops::AddAssign for ImportCounts {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// The advisory lock key of imports (PostgreSQL): "fp-import" in ASCII.
const IMPORT_LOCK: i64 = 0x6670_2d69_6d70_6f72;

/// One league's rows of a file.
#[derive(Default)]
struct LeagueRows<'a> {
    name: Option<&'a str>,
    matches: Vec<&'a NewMatch>,
    fixtures: Vec<&'a NewFixture>,
}

impl Store {
    /// Stores the matches of one file in one transaction (see [`Store::import_file`]).
    pub async fn import_matches(&self, records: &[NewMatch]) -> Result<ImportCounts> {
        Ok(self.import_file(records, &[]).await?.matches)
    }

    /// Stores one file in one transaction: new matches are inserted, changed ones updated,
    /// identical ones left alone; fixtures likewise (keyed by league, season and pairing, so a
    /// re-dated fixture is updated, and one whose result is stored is left alone). A new
    /// result marks its fixture played and grades the stored predictions of that match. On
    /// any error nothing is written.
    pub async fn import_file(
        &self,
        records: &[NewMatch],
        fixtures: &[NewFixture],
    ) -> Result<FileCounts> {
        let mut by_league: BTreeMap<&str, LeagueRows> = BTreeMap::new();
        for r in records {
            let rows = by_league.entry(r.league.as_str()).or_default();
            rows.name.get_or_insert(r.league_name.as_str());
            rows.matches.push(r);
        }
        for f in fixtures {
            let rows = by_league.entry(f.league.as_str()).or_default();
            rows.name.get_or_insert(f.league_name.as_str());
            rows.fixtures.push(f);
        }

        // To the microsecond (what PostgreSQL keeps): grading finds this import's matches by
        // their `updated_at`.
        let now = chrono::SubsecRound::trunc_subsecs(Utc::now(), 6);
        let mut counts = FileCounts::default();
        // Imports run one at a time, each seeing what the one before committed, so that
        // their counts are true and data imported twice is "unchanged" the second time (and
        // refits nothing): on PostgreSQL an advisory lock held to the end of the transaction,
        // on SQLite a transaction that takes the write lock before it reads.
        on_pool!(&self.write, |pool| {
            let mut tx = match self.backend() {
                crate::Backend::Postgres => {
                    let mut tx = pool.begin().await?;
                    sqlx::query("SELECT pg_advisory_xact_lock($1)")
                        .bind(IMPORT_LOCK)
                        .execute(&mut *tx)
                        .await?;
                    tx
                }
                crate::Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
            };
            for (code, rows) in by_league {
                let name = rows.name.unwrap_or(code);
                sqlx::query(
                    "INSERT INTO leagues (code, name, created_at) VALUES ($1, $2, $3) \
                     ON CONFLICT (code) DO NOTHING",
                )
                .bind(code)
                .bind(name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let league_id: i64 = sqlx::query_scalar("SELECT id FROM leagues WHERE code = $1")
                    .bind(code)
                    .fetch_one(&mut *tx)
                    .await?;

                let mut teams: HashMap<String, i64> =
                    sqlx::query_as("SELECT alias, team_id FROM team_aliases WHERE league_id = $1")
                        .bind(league_id)
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                let names = rows
                    .matches
                    .iter()
                    .flat_map(|r| [&r.home_team, &r.away_team])
                    .chain(
                        rows.fixtures
                            .iter()
                            .flat_map(|f| [&f.home_team, &f.away_team]),
                    );
                for team in names {
                    if teams.contains_key(team.as_str()) {
                        continue;
                    }
                    let id: i64 = sqlx::query_scalar(
                        "INSERT INTO teams (league_id, name) VALUES ($1, $2) \
                         ON CONFLICT (league_id, name) DO UPDATE SET name = excluded.name \
                         RETURNING id",
                    )
                    .bind(league_id)
                    .bind(team.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                    sqlx::query(
                        "INSERT INTO team_aliases (league_id, alias, team_id) \
                         VALUES ($1, $2, $3) ON CONFLICT (league_id, alias) DO NOTHING",
                    )
                    .bind(league_id)
                    .bind(team.as_str())
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                    teams.insert(team.clone(), id);
                }
                let id_of = |name: &str| teams.get(name).copied().unwrap_or_default();
                let values_of_rows: Vec<MatchValues> = rows
                    .matches
                    .iter()
                    .map(|r| values(league_id, id_of(&r.home_team), id_of(&r.away_team), r))
                    .collect();

                let mut changed = Vec::new();
                if let (Some(first), Some(last)) = (
                    values_of_rows.iter().map(|v| v.match_date).min(),
                    values_of_rows.iter().map(|v| v.match_date).max(),
                ) {
                    let existing: HashMap<Key, MatchValues> =
                        sqlx::query_as::<_, MatchValues>(&format!(
                            "SELECT {COLUMNS} FROM matches \
                             WHERE league_id = $1 AND match_date >= $2 AND match_date <= $3"
                        ))
                        .bind(league_id)
                        .bind(first)
                        .bind(last)
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|v| ((v.match_date, v.home_team_id, v.away_team_id), v))
                        .collect();
                    for v in values_of_rows {
                        match existing.get(&(v.match_date, v.home_team_id, v.away_team_id)) {
                            None => {
                                counts.matches.inserted += 1;
                                changed.push(v);
                            }
                            Some(old) if *old != v => {
                                counts.matches.updated += 1;
                                changed.push(v);
                            }
                            Some(_) => counts.matches.unchanged += 1,
                        }
                    }
                }

                let set_clause = COLUMNS
                    .split(',')
                    .map(str::trim)
                    .map(|c| format!("{c} = excluded.{c}"))
                    .collect::<Vec<_>>()
                    .join(", ");
                for chunk in changed.chunks(BATCH) {
                    let mut qb = sqlx::QueryBuilder::<DB>::new(format!(
                        "INSERT INTO matches ({COLUMNS}, updated_at) "
                    ));
                    qb.push_values(chunk, |mut b, v| {
                        b.push_bind(v.league_id)
                            .push_bind(v.season.clone())
                            .push_bind(v.match_date)
                            .push_bind(v.kickoff_time.clone())
                            .push_bind(v.home_team_id)
                            .push_bind(v.away_team_id)
                            .push_bind(v.home_goals)
                            .push_bind(v.away_goals)
                            .push_bind(v.result.clone())
                            .push_bind(v.ht_home_goals)
                            .push_bind(v.ht_away_goals)
                            .push_bind(v.ht_result.clone())
                            .push_bind(v.home_shots)
                            .push_bind(v.away_shots)
                            .push_bind(v.home_shots_on_target)
                            .push_bind(v.away_shots_on_target)
                            .push_bind(v.home_corners)
                            .push_bind(v.away_corners)
                            .push_bind(v.home_yellow)
                            .push_bind(v.away_yellow)
                            .push_bind(v.home_red)
                            .push_bind(v.away_red)
                            .push_bind(v.ps_open_home)
                            .push_bind(v.ps_open_draw)
                            .push_bind(v.ps_open_away)
                            .push_bind(v.ps_close_home)
                            .push_bind(v.ps_close_draw)
                            .push_bind(v.ps_close_away)
                            .push_bind(v.avg_open_home)
                            .push_bind(v.avg_open_draw)
                            .push_bind(v.avg_open_away)
                            .push_bind(v.avg_close_home)
                            .push_bind(v.avg_close_draw)
                            .push_bind(v.avg_close_away)
                            .push_bind(v.ou25_open_over)
                            .push_bind(v.ou25_open_under)
                            .push_bind(v.ou25_close_over)
                            .push_bind(v.ou25_close_under)
                            .push_bind(v.b365_home)
                            .push_bind(v.b365_draw)
                            .push_bind(v.b365_away)
                            .push_bind(v.pou25_open_over)
                            .push_bind(v.pou25_open_under)
                            .push_bind(v.pou25_close_over)
                            .push_bind(v.pou25_close_under)
                            .push_bind(now);
                    });
                    qb.push(format!(
                        " ON CONFLICT (league_id, match_date, home_team_id, away_team_id) \
                         DO UPDATE SET {set_clause}, updated_at = excluded.updated_at"
                    ));
                    qb.build().execute(&mut *tx).await?;
                }

                // Fixtures: upserted unless already played.
                let fixture_rows: Vec<_> = rows
                    .fixtures
                    .iter()
                    .map(|f| {
                        fixture_values::values(
                            league_id,
                            id_of(&f.home_team),
                            id_of(&f.away_team),
                            f,
                        )
                    })
                    .collect();
                if !fixture_rows.is_empty() {
                    let existing: HashMap<(String, i64, i64), fixture_values::FixtureValues> =
                        sqlx::query_as::<_, fixture_values::FixtureValues>(&format!(
                            "SELECT {}, match_id FROM fixtures WHERE league_id = $1",
                            fixture_values::COLUMNS
                        ))
                        .bind(league_id)
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .map(|v| ((v.season.clone(), v.home_team_id, v.away_team_id), v))
                        .collect();
                    let played: HashSet<(String, i64, i64)> =
                        sqlx::query_as::<_, (String, i64, i64)>(
                            "SELECT season, home_team_id, away_team_id FROM matches \
                         WHERE league_id = $1 AND season >= $2",
                        )
                        .bind(league_id)
                        .bind(
                            fixture_rows
                                .iter()
                                .map(|f| f.season.clone())
                                .min()
                                .unwrap_or_default(),
                        )
                        .fetch_all(&mut *tx)
                        .await?
                        .into_iter()
                        .collect();
                    let mut changed = Vec::new();
                    for v in fixture_rows {
                        let key = (v.season.clone(), v.home_team_id, v.away_team_id);
                        match existing.get(&key) {
                            _ if played.contains(&key) => counts.fixtures.unchanged += 1,
                            Some(old) if old.match_id.is_some() || old.same_as(&v) => {
                                counts.fixtures.unchanged += 1
                            }
                            Some(_) => {
                                counts.fixtures.updated += 1;
                                changed.push(v);
                            }
                            None => {
                                counts.fixtures.inserted += 1;
                                changed.push(v);
                            }
                        }
                    }
                    for chunk in changed.chunks(BATCH) {
                        fixture_values::upsert::<DB>(chunk, now)
                            .build()
                            .execute(&mut *tx)
                            .await?;
                    }
                }

                // New results: their fixtures are played, their predictions graded.
                let mut pairs: Vec<(i64, i64)> = changed
                    .iter()
                    .map(|v| (v.home_team_id, v.away_team_id))
                    .collect();
                pairs.sort_unstable();
                pairs.dedup();
                for chunk in pairs.chunks(grading::PAIRS_PER_STATEMENT) {
                    grading::link_fixtures::<DB>(league_id, chunk)
                        .build()
                        .execute(&mut *tx)
                        .await?;
                    counts.graded += grading::grade_by_fixture::<DB>(league_id, chunk)
                        .build()
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    counts.graded += grading::grade_ad_hoc::<DB>(self.backend(), league_id, chunk)
                        .build()
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    grading::record_results::<DB>(league_id, chunk, now)
                        .build()
                        .execute(&mut *tx)
                        .await?;
                }
            }
            if counts.changed() {
                sqlx::query(crate::data_state::BUMP)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(counts)
    }
}
