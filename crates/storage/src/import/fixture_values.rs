//! A fixture as stored: what the importer hands over, and the values of one row.

use super::{Prices1x2, PricesOverUnder, split, split_ou};
use chrono::{DateTime, NaiveDate, Utc};

/// One match announced but not yet played, as the importer hands it over.
#[derive(Debug, Clone, PartialEq)]
pub struct NewFixture {
    pub league: String,
    pub league_name: String,
    pub season: String,
    pub date: NaiveDate,
    pub kickoff_time: Option<String>,
    pub home_team: String,
    pub away_team: String,
    pub prices: FixturePrices,
}

/// The prices quoted before a match: the sources the market model reads, in its order.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FixturePrices {
    pub pinnacle: Option<Prices1x2>,
    pub average: Option<Prices1x2>,
    pub bet365: Option<Prices1x2>,
    pub over_under: Option<PricesOverUnder>,
    pub pinnacle_over_under: Option<PricesOverUnder>,
}

/// The stored columns of a fixture, in [`COLUMNS`] order (and its result, when read back).
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(super) struct FixtureValues {
    pub(super) league_id: i64,
    pub(super) season: String,
    pub(super) match_date: NaiveDate,
    pub(super) kickoff_time: Option<String>,
    pub(super) home_team_id: i64,
    pub(super) away_team_id: i64,
    pub(super) ps_home: Option<f64>,
    pub(super) ps_draw: Option<f64>,
    pub(super) ps_away: Option<f64>,
    pub(super) avg_home: Option<f64>,
    pub(super) avg_draw: Option<f64>,
    pub(super) avg_away: Option<f64>,
    pub(super) b365_home: Option<f64>,
    pub(super) b365_draw: Option<f64>,
    pub(super) b365_away: Option<f64>,
    pub(super) ou25_over: Option<f64>,
    pub(super) ou25_under: Option<f64>,
    pub(super) pou25_over: Option<f64>,
    pub(super) pou25_under: Option<f64>,
    #[sqlx(default)]
    pub(super) match_id: Option<i64>,
}

impl FixtureValues {
    /// The same fixture data (the result link aside).
    pub(super) fn same_as(&self, o: &FixtureValues) -> bool {
        FixtureValues {
            match_id: None,
            ..self.clone()
        } == FixtureValues {
            match_id: None,
            ..o.clone()
        }
    }
}

pub(super) const COLUMNS: &str = "league_id, season, match_date, kickoff_time, home_team_id, \
    away_team_id, ps_home, ps_draw, ps_away, avg_home, avg_draw, avg_away, \
    b365_home, b365_draw, b365_away, ou25_over, ou25_under, pou25_over, pou25_under";

pub(super) fn values(league_id: i64, home: i64, away: i64, f: &NewFixture) -> FixtureValues {
    let p = &f.prices;
    let [ps_home, ps_draw, ps_away] = split(p.pinnacle);
    let [avg_home, avg_draw, avg_away] = split(p.average);
    let [b365_home, b365_draw, b365_away] = split(p.bet365);
    let [ou25_over, ou25_under] = split_ou(p.over_under);
    let [pou25_over, pou25_under] = split_ou(p.pinnacle_over_under);
    FixtureValues {
        league_id,
        season: f.season.clone(),
        match_date: f.date,
        kickoff_time: f.kickoff_time.clone(),
        home_team_id: home,
        away_team_id: away,
        ps_home,
        ps_draw,
        ps_away,
        avg_home,
        avg_draw,
        avg_away,
        b365_home,
        b365_draw,
        b365_away,
        ou25_over,
        ou25_under,
        pou25_over,
        pou25_under,
        match_id: None,
    }
}

/// Inserts or updates `rows`, leaving a fixture that has been played as it is.
pub(super) fn upsert<DB>(
    rows: &[FixtureValues],
    now: DateTime<Utc>,
) -> sqlx::QueryBuilder<'static, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<f64>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    NaiveDate: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
    DateTime<Utc>: sqlx::Encode<'static, DB> + sqlx::Type<DB>,
{
    let mut qb = sqlx::QueryBuilder::new(format!("INSERT INTO fixtures ({COLUMNS}, updated_at) "));
    qb.push_values(rows.iter().cloned(), |mut b, v| {
        b.push_bind(v.league_id)
            .push_bind(v.season)
            .push_bind(v.match_date)
            .push_bind(v.kickoff_time)
            .push_bind(v.home_team_id)
            .push_bind(v.away_team_id)
            .push_bind(v.ps_home)
            .push_bind(v.ps_draw)
            .push_bind(v.ps_away)
            .push_bind(v.avg_home)
            .push_bind(v.avg_draw)
            .push_bind(v.avg_away)
            .push_bind(v.b365_home)
            .push_bind(v.b365_draw)
            .push_bind(v.b365_away)
            .push_bind(v.ou25_over)
            .push_bind(v.ou25_under)
            .push_bind(v.pou25_over)
            .push_bind(v.pou25_under)
            .push_bind(now);
    });
    let set = COLUMNS
        .split(',')
        .map(str::trim)
        .map(|c| format!("{c} = excluded.{c}"))
        .collect::<Vec<_>>()
        .join(", ");
    qb.push(format!(
        " ON CONFLICT (league_id, season, home_team_id, away_team_id) \
         DO UPDATE SET {set}, updated_at = excluded.updated_at WHERE fixtures.match_id IS NULL"
    ));
    qb
}
