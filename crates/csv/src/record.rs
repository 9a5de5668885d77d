//! One match as read from a row.

use crate::columns::Columns;
use crate::value;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use fp_model::Outcome;
use fp_model::market::{MarketPrices, PriceSources};

/// Decimal 1X2 odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Odds1x2 {
    pub home: f64,
    pub draw: f64,
    pub away: f64,
}

/// Decimal over/under 2.5 goals odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OverUnder {
    pub over: f64,
    pub under: f64,
}

/// The bookmaker prices the service keeps. "Open" is what football-data calls the pre-match
/// odds (collected a day or two before); "close" is the last price before kick-off.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct OddsSet {
    pub pinnacle_open: Option<Odds1x2>,
    pub pinnacle_close: Option<Odds1x2>,
    pub average_open: Option<Odds1x2>,
    pub average_close: Option<Odds1x2>,
    pub max_open: Option<Odds1x2>,
    /// Bet365's pre-match 1X2 (the oldest seasons' only single-bookmaker price).
    pub bet365: Option<Odds1x2>,
    /// Market-average over/under 2.5 (`Avg>2.5`, older `BbAv>2.5`), pre-match and closing.
    pub over_under_open: Option<OverUnder>,
    pub over_under_close: Option<OverUnder>,
    /// Pinnacle's over/under 2.5 (`P>2.5`, `PC>2.5`).
    pub pinnacle_over_under_open: Option<OverUnder>,
    pub pinnacle_over_under_close: Option<OverUnder>,
}

impl OddsSet {
    /// The prices the market model reads, in the order it prefers them.
    pub fn sources(&self) -> PriceSources {
        let x = |o: Option<Odds1x2>| o.map(|o| [o.home, o.draw, o.away]);
        let ou = |o: Option<OverUnder>| o.map(|o| [o.over, o.under]);
        PriceSources {
            result: [
                x(self.pinnacle_close),
                x(self.average_close),
                x(self.pinnacle_open),
                x(self.average_open),
                x(self.bet365),
            ],
            over_under: [
                ou(self.pinnacle_over_under_close),
                ou(self.over_under_close),
                ou(self.pinnacle_over_under_open),
                ou(self.over_under_open),
            ],
        }
    }

    /// The match's market with the margin removed, if it has a valid 1X2 price.
    pub fn market(&self) -> Option<MarketPrices> {
        self.sources().prices()
    }
}

/// Match statistics; any of them may be missing from a season's file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
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

/// One played match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MatchRecord {
    /// Line in the source file (header = 1).
    pub line: u64,
    /// League code from `Div`, e.g. `E0`.
    pub league: String,
    pub date: NaiveDate,
    /// Kick-off time `HH:MM` when the file has it.
    pub time: Option<String>,
    pub home_team: String,
    pub away_team: String,
    pub home_goals: u16,
    pub away_goals: u16,
    pub result: Outcome,
    pub half_time_home_goals: Option<u16>,
    pub half_time_away_goals: Option<u16>,
    pub half_time_result: Option<Outcome>,
    pub stats: MatchStats,
    pub odds: OddsSet,
}

/// One match not yet played: a row of `fixtures.csv`, or a season file's row without a result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FixtureRecord {
    /// Line in the source file (header = 1).
    pub line: u64,
    pub league: String,
    pub date: NaiveDate,
    pub time: Option<String>,
    pub home_team: String,
    pub away_team: String,
    /// The prices quoted so far (pre-match; closing prices come with the result).
    pub odds: OddsSet,
}

impl FixtureRecord {
    /// The season the match belongs to, e.g. `2025-26`.
    pub fn season(&self) -> String {
        crate::season_of(self.date)
    }
}

/// A data row: a played match, or a fixture when both score cells are empty.
#[derive(Debug, Clone, PartialEq)]
pub enum Row {
    Played(MatchRecord),
    Fixture(FixtureRecord),
}

impl Row {
    /// League, date and teams: what no two rows of a file may share.
    pub(crate) fn key(&self) -> (&str, NaiveDate, &str, &str) {
        match self {
            Row::Played(m) => (&m.league, m.date, &m.home_team, &m.away_team),
            Row::Fixture(f) => (&f.league, f.date, &f.home_team, &f.away_team),
        }
    }
}

impl MatchRecord {
    /// The season the match belongs to, e.g. `2024-25`.
    pub fn season(&self) -> String {
        crate::season_of(self.date)
    }
}

fn cell(record: &csv::ByteRecord, i: Option<usize>) -> Option<&[u8]> {
    i.and_then(|i| record.get(i))
}

fn three(record: &csv::ByteRecord, cols: [Option<usize>; 3]) -> Option<Odds1x2> {
    Some(Odds1x2 {
        home: value::odds(cell(record, cols[0]))?,
        draw: value::odds(cell(record, cols[1]))?,
        away: value::odds(cell(record, cols[2]))?,
    })
}

fn two(record: &csv::ByteRecord, cols: [Option<usize>; 2]) -> Option<OverUnder> {
    Some(OverUnder {
        over: value::odds(cell(record, cols[0]))?,
        under: value::odds(cell(record, cols[1]))?,
    })
}

fn result_column(
    record: &csv::ByteRecord,
    col: Option<usize>,
    name: &str,
) -> Result<Option<Outcome>, String> {
    let Some(raw) = cell(record, col) else {
        return Ok(None);
    };
    let s = value::text(raw, name)?;
    if s.is_empty() {
        return Ok(None);
    }
    Outcome::from_code(&s)
        .map(Some)
        .ok_or_else(|| format!("{name} \"{s}\" is not H, D or A"))
}

fn blank(cell: Option<&[u8]>) -> bool {
    cell.is_none_or(|c| c.iter().all(u8::is_ascii_whitespace))
}

fn odds_of(c: &Columns, r: &csv::ByteRecord) -> OddsSet {
    OddsSet {
        pinnacle_open: three(r, c.pinnacle_open),
        pinnacle_close: three(r, c.pinnacle_close),
        average_open: three(r, c.average_open),
        average_close: three(r, c.average_close),
        max_open: three(r, c.max_open),
        bet365: three(r, c.bet365),
        over_under_open: two(r, c.over_under_open),
        over_under_close: two(r, c.over_under_close),
        pinnacle_over_under_open: two(r, c.pinnacle_over_under_open),
        pinnacle_over_under_close: two(r, c.pinnacle_over_under_close),
    }
}

pub(crate) fn from_row(c: &Columns, r: &csv::ByteRecord) -> Result<Row, String> {
    let get = |i: usize| r.get(i).unwrap_or(b"");
    let league = value::required_text(get(c.div), "Div")?;
    let date = value::date(get(c.date))?;
    let time = match c.time {
        Some(i) => value::time(get(i))?,
        None => None,
    };
    let home_team = value::required_text(get(c.home), "HomeTeam")?;
    let away_team = value::required_text(get(c.away), "AwayTeam")?;
    if home_team == away_team {
        return Err(format!("HomeTeam and AwayTeam are both \"{home_team}\""));
    }
    if blank(cell(r, c.fthg)) && blank(cell(r, c.ftag)) && blank(cell(r, c.ftr)) {
        return Ok(Row::Fixture(FixtureRecord {
            line: 0,
            league,
            date,
            time,
            home_team,
            away_team,
            odds: odds_of(c, r),
        }));
    }
    let home_goals = value::count(cell(r, c.fthg).unwrap_or(b""), "FTHG")?;
    let away_goals = value::count(cell(r, c.ftag).unwrap_or(b""), "FTAG")?;
    let result = Outcome::from_goals(home_goals, away_goals);
    if let Some(stated) = result_column(r, c.ftr, "FTR")?
        && stated != result
    {
        return Err(format!(
            "FTR \"{}\" disagrees with the score {home_goals}-{away_goals}",
            stated.code()
        ));
    }
    let half_time_home_goals = value::optional_count(cell(r, c.hthg), "HTHG")?;
    let half_time_away_goals = value::optional_count(cell(r, c.htag), "HTAG")?;
    let half_time_result = result_column(r, c.htr, "HTR")?;
    let stats = MatchStats {
        home_shots: value::optional_count(cell(r, c.hs), "HS")?,
        away_shots: value::optional_count(cell(r, c.as_), "AS")?,
        home_shots_on_target: value::optional_count(cell(r, c.hst), "HST")?,
        away_shots_on_target: value::optional_count(cell(r, c.ast), "AST")?,
        home_corners: value::optional_count(cell(r, c.hc), "HC")?,
        away_corners: value::optional_count(cell(r, c.ac), "AC")?,
        home_yellow: value::optional_count(cell(r, c.hy), "HY")?,
        away_yellow: value::optional_count(cell(r, c.ay), "AY")?,
        home_red: value::optional_count(cell(r, c.hr), "HR")?,
        away_red: value::optional_count(cell(r, c.ar), "AR")?,
    };
    let odds = odds_of(c, r);
    Ok(Row::Played(MatchRecord {
        line: 0,
        league,
        date,
        time,
        home_team,
        away_team,
        home_goals,
        away_goals,
        result,
        half_time_home_goals,
        half_time_away_goals,
        half_time_result,
        stats,
        odds,
    }))
}
