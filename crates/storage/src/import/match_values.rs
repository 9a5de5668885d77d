//! A match as stored: the column list and the values of one row.

use super::{NewMatch, Prices1x2, PricesOverUnder};
use chrono::NaiveDate;

/// The stored columns of a match, in [`COLUMNS`] order.
#[derive(Debug, Clone, PartialEq, sqlx::FromRow)]
pub(super) struct MatchValues {
    pub(super) league_id: i64,
    pub(super) season: String,
    pub(super) match_date: NaiveDate,
    pub(super) kickoff_time: Option<String>,
    pub(super) home_team_id: i64,
    pub(super) away_team_id: i64,
    pub(super) home_goals: i64,
    pub(super) away_goals: i64,
    pub(super) result: String,
    pub(super) ht_home_goals: Option<i64>,
    pub(super) ht_away_goals: Option<i64>,
    pub(super) ht_result: Option<String>,
    pub(super) home_shots: Option<i64>,
    pub(super) away_shots: Option<i64>,
    pub(super) home_shots_on_target: Option<i64>,
    pub(super) away_shots_on_target: Option<i64>,
    pub(super) home_corners: Option<i64>,
    pub(super) away_corners: Option<i64>,
    pub(super) home_yellow: Option<i64>,
    pub(super) away_yellow: Option<i64>,
    pub(super) home_red: Option<i64>,
    pub(super) away_red: Option<i64>,
    pub(super) ps_open_home: Option<f64>,
    pub(super) ps_open_draw: Option<f64>,
    pub(super) ps_open_away: Option<f64>,
    pub(super) ps_close_home: Option<f64>,
    pub(super) ps_close_draw: Option<f64>,
    pub(super) ps_close_away: Option<f64>,
    pub(super) avg_open_home: Option<f64>,
    pub(super) avg_open_draw: Option<f64>,
    pub(super) avg_open_away: Option<f64>,
    pub(super) avg_close_home: Option<f64>,
    pub(super) avg_close_draw: Option<f64>,
    pub(super) avg_close_away: Option<f64>,
    pub(super) ou25_open_over: Option<f64>,
    pub(super) ou25_open_under: Option<f64>,
    pub(super) ou25_close_over: Option<f64>,
    pub(super) ou25_close_under: Option<f64>,
    pub(super) b365_home: Option<f64>,
    pub(super) b365_draw: Option<f64>,
    pub(super) b365_away: Option<f64>,
    pub(super) pou25_open_over: Option<f64>,
    pub(super) pou25_open_under: Option<f64>,
    pub(super) pou25_close_over: Option<f64>,
    pub(super) pou25_close_under: Option<f64>,
}

pub(super) const COLUMNS: &str = "league_id, season, match_date, kickoff_time, home_team_id, away_team_id, \
    home_goals, away_goals, result, ht_home_goals, ht_away_goals, ht_result, \
    home_shots, away_shots, home_shots_on_target, away_shots_on_target, home_corners, away_corners, \
    home_yellow, away_yellow, home_red, away_red, \
    ps_open_home, ps_open_draw, ps_open_away, ps_close_home, ps_close_draw, ps_close_away, \
    avg_open_home, avg_open_draw, avg_open_away, avg_close_home, avg_close_draw, avg_close_away, \
    ou25_open_over, ou25_open_under, ou25_close_over, ou25_close_under, \
    b365_home, b365_draw, b365_away, \
    pou25_open_over, pou25_open_under, pou25_close_over, pou25_close_under";

/// Rows per multi-row INSERT (46 parameters each: well under both backends' limits).
pub(super) const BATCH: usize = 200;

pub(super) type Key = (NaiveDate, i64, i64);

pub(crate) fn split(o: Option<Prices1x2>) -> [Option<f64>; 3] {
    o.map_or([None; 3], |o| [Some(o.home), Some(o.draw), Some(o.away)])
}

pub(crate) fn split_ou(o: Option<PricesOverUnder>) -> [Option<f64>; 2] {
    o.map_or([None; 2], |o| [Some(o.over), Some(o.under)])
}

pub(super) fn values(league_id: i64, home: i64, away: i64, m: &NewMatch) -> MatchValues {
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
