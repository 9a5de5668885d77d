//! Idempotent import of parsed matches: one transaction per call, keyed by
//! (league, date, home team, away team).

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{NaiveDate, Utc};
use fp_model::Outcome;
use std::collections::HashMap;

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

impl std::ops::AddAssign for ImportCounts {
    fn add_assign(&mut self, o: Self) {
        self.inserted += o.inserted;
        self.updated += o.updated;
        self.unchanged += o.unchanged;
    }
}

/// The stored columns of a match, in [`COLUMNS`] order.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
struct MatchValues {
    league_id: i64,
    season: String,
    match_date: NaiveDate,
    kickoff_time: Option<String>,
    home_team_id: i64,
    away_team_id: i64,
    home_goals: i64,
    away_goals: i64,
    result: String,
    ht_home_goals: Option<i64>,
    ht_away_goals: Option<i64>,
    ht_result: Option<String>,
    home_shots: Option<i64>,
    away_shots: Option<i64>,
    home_shots_on_target: Option<i64>,
    away_shots_on_target: Option<i64>,
    home_corners: Option<i64>,
    away_corners: Option<i64>,
    home_yellow: Option<i64>,
    away_yellow: Option<i64>,
    home_red: Option<i64>,
    away_red: Option<i64>,
    ps_open_home: Option<f64>,
    ps_open_draw: Option<f64>,
    ps_open_away: Option<f64>,
    ps_close_home: Option<f64>,
    ps_close_draw: Option<f64>,
    ps_close_away: Option<f64>,
    avg_open_home: Option<f64>,
    avg_open_draw: Option<f64>,
    avg_open_away: Option<f64>,
    avg_close_home: Option<f64>,
    avg_close_draw: Option<f64>,
    avg_close_away: Option<f64>,
    ou25_open_over: Option<f64>,
    ou25_open_under: Option<f64>,
    ou25_close_over: Option<f64>,
    ou25_close_under: Option<f64>,
    b365_home: Option<f64>,
    b365_draw: Option<f64>,
    b365_away: Option<f64>,
    pou25_open_over: Option<f64>,
    pou25_open_under: Option<f64>,
    pou25_close_over: Option<f64>,
    pou25_close_under: Option<f64>,
}

const COLUMNS: &str = "league_id, season, match_date, kickoff_time, home_team_id, away_team_id, \
    home_goals, away_goals, result, ht_home_goals, ht_away_goals, ht_result, \
    home_shots, away_shots, home_shots_on_target, away_shots_on_target, home_corners, away_corners, \
    home_yellow, away_yellow, home_red, away_red, \
    ps_open_home, ps_open_draw, ps_open_away, ps_close_home, ps_close_draw, ps_close_away, \
    avg_open_home, avg_open_draw, avg_open_away, avg_close_home, avg_close_draw, avg_close_away, \
    ou25_open_over, ou25_open_under, ou25_close_over, ou25_close_under, \
    b365_home, b365_draw, b365_away, \
    pou25_open_over, pou25_open_under, pou25_close_over, pou25_close_under";

/// Rows per multi-row INSERT (46 parameters each: well under both backends' limits).
const BATCH: usize = 200;

type Key = (NaiveDate, i64, i64);

fn split(o: Option<Prices1x2>) -> [Option<f64>; 3] {
    o.map_or([None; 3], |o| [Some(o.home), Some(o.draw), Some(o.away)])
}

fn split_ou(o: Option<PricesOverUnder>) -> [Option<f64>; 2] {
    o.map_or([None; 2], |o| [Some(o.over), Some(o.under)])
}

fn values(league_id: i64, home: i64, away: i64, m: &NewMatch) -> MatchValues {
    let n = |v: Option<u16>| v.map(i64::from);
    let s = &m.stats;
    let [ps_open_home, ps_open_draw, ps_open_away] = split(m.odds.pinnacle_open);
    let [ps_close_home, ps_close_draw, ps_close_away] = split(m.odds.pinnacle_close);
    let [avg_open_home, avg_open_draw, avg_open_away] = split(m.odds.average_open);
    let [avg_close_home, avg_close_draw, avg_close_away] = split(m.odds.average_close);
    let [ou25_open_over, ou25_open_under] = split_ou(m.odds.over_under_open);
    let [ou25_close_over, ou25_close_under] = split_ou(m.odds.over_under_close);
    let [b365_home, b365_draw, b365_away] = split(m.odds.bet365);
    let [pou25_open_over, pou25_open_under] = split_ou(m.odds.pinnacle_over_under_open);
    let [pou25_close_over, pou25_close_under] = split_ou(m.odds.pinnacle_over_under_close);
    MatchValues {
        league_id,
        season: m.season.clone(),
        match_date: m.date,
        kickoff_time: m.kickoff_time.clone(),
        home_team_id: home,
        away_team_id: away,
        home_goals: i64::from(m.home_goals),
        away_goals: i64::from(m.away_goals),
        result: m.result.code().to_string(),
        ht_home_goals: n(m.half_time.and_then(|h| h.home_goals)),
        ht_away_goals: n(m.half_time.and_then(|h| h.away_goals)),
        ht_result: m
            .half_time
            .and_then(|h| h.result)
            .map(|r| r.code().to_string()),
        home_shots: n(s.home_shots),
        away_shots: n(s.away_shots),
        home_shots_on_target: n(s.home_shots_on_target),
        away_shots_on_target: n(s.away_shots_on_target),
        home_corners: n(s.home_corners),
        away_corners: n(s.away_corners),
        home_yellow: n(s.home_yellow),
        away_yellow: n(s.away_yellow),
        home_red: n(s.home_red),
        away_red: n(s.away_red),
        ps_open_home,
        ps_open_draw,
        ps_open_away,
        ps_close_home,
        ps_close_draw,
        ps_close_away,
        avg_open_home,
        avg_open_draw,
        avg_open_away,
        avg_close_home,
        avg_close_draw,
        avg_close_away,
        ou25_open_over,
        ou25_open_under,
        ou25_close_over,
        ou25_close_under,
        b365_home,
        b365_draw,
        b365_away,
        pou25_open_over,
        pou25_open_under,
        pou25_close_over,
        pou25_close_under,
    }
}

/// The advisory lock key of imports (PostgreSQL): "fp-import" in ASCII.
const IMPORT_LOCK: i64 = 0x6670_2d69_6d70_6f72;

impl Store {
    /// Stores the matches of one file in one transaction: new matches are inserted, changed
    /// ones updated, identical ones left alone. On any error nothing is written.
    pub async fn import_matches(&self, records: &[NewMatch]) -> Result<ImportCounts> {
        let mut by_league: HashMap<&str, Vec<&NewMatch>> = HashMap::new();
        for r in records {
            by_league.entry(r.league.as_str()).or_default().push(r);
        }
        let mut leagues: Vec<_> = by_league.into_iter().collect();
        leagues.sort_by_key(|(code, _)| *code);

        let now = Utc::now();
        let mut counts = ImportCounts::default();
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
            for (code, rows) in leagues {
                let name = rows.first().map_or(code, |r| r.league_name.as_str());
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
                let mut values_of_rows = Vec::with_capacity(rows.len());
                for r in &rows {
                    let mut ids = [0i64; 2];
                    for (slot, team) in ids.iter_mut().zip([&r.home_team, &r.away_team]) {
                        *slot = match teams.get(team.as_str()) {
                            Some(id) => *id,
                            None => {
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
                                id
                            }
                        };
                    }
                    values_of_rows.push(values(league_id, ids[0], ids[1], r));
                }

                let (Some(first), Some(last)) = (
                    values_of_rows.iter().map(|v| v.match_date).min(),
                    values_of_rows.iter().map(|v| v.match_date).max(),
                ) else {
                    continue;
                };
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

                let mut changed = Vec::new();
                for v in values_of_rows {
                    match existing.get(&(v.match_date, v.home_team_id, v.away_team_id)) {
                        None => {
                            counts.inserted += 1;
                            changed.push(v);
                        }
                        Some(old) if *old != v => {
                            counts.updated += 1;
                            changed.push(v);
                        }
                        Some(_) => counts.unchanged += 1,
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
            }
            tx.commit().await?;
        });
        Ok(counts)
    }
}
