//! Parser for the football-data.co.uk CSV format.
//!
//! The crate does no I/O: callers hand it the bytes of one file together with a name used in
//! error messages (`broken.csv:3: FTHG "two" is not a number`).
//!
//! Everything the real files throw at a parser is handled here: an optional UTF-8 byte-order
//! mark, CRLF or LF line endings, `dd/mm/yy` and `dd/mm/yyyy` dates, trailing all-empty rows,
//! counts written as floats (`2.0`), columns that come and go between seasons (looked up by
//! name), empty odds and rows out of date order.

mod columns;
mod record;
mod value;

pub use record::{FixtureRecord, MatchRecord, MatchStats, Odds1x2, OddsSet, Outcome, OverUnder};

use columns::Columns;
use thiserror::Error;

/// Why a file was rejected. The message names the file and the line (1-based, header = 1).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{file}:{line}: {message}")]
pub struct ParseError {
    pub file: String,
    pub line: u64,
    pub message: String,
}

/// What one file holds: played matches, and fixtures (rows without a result).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    pub played: Vec<MatchRecord>,
    pub fixtures: Vec<FixtureRecord>,
}

/// Parses one football-data.co.uk file and keeps its played matches only (see [`parse_file`]).
pub fn parse(bytes: &[u8], file_name: &str) -> Result<Vec<MatchRecord>, ParseError> {
    parse_file(bytes, file_name).map(|f| f.played)
}

/// Parses one football-data.co.uk file: a season file, whose rows without a result are
/// fixtures, or `fixtures.csv` (all leagues, no result columns). The whole file is rejected at
/// its first bad row. Both lists come back sorted by date (and kick-off time when known),
/// stable otherwise.
pub fn parse_file(bytes: &[u8], file_name: &str) -> Result<ParsedFile, ParseError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let err = |line: u64, message: String| ParseError {
        file: file_name.to_string(),
        line,
        message,
    };

    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(bytes);

    let headers = reader
        .byte_headers()
        .map_err(|e| err(1, format!("cannot read the header row: {e}")))?
        .clone();
    if headers.iter().all(|h| h.is_empty()) {
        return Err(err(1, "the file is empty or has no header row".to_string()));
    }
    let columns = Columns::from_headers(&headers).map_err(|m| err(1, m))?;

    let mut parsed = ParsedFile::default();
    let mut lines = LineCounter::new(bytes);
    let mut record = csv::ByteRecord::new();
    let mut seen = std::collections::HashSet::new();
    loop {
        let line_hint = lines.at(reader.position().byte());
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| lines.at(p.byte()))
                    .unwrap_or(line_hint.max(2));
                return Err(err(line, format!("malformed CSV: {}", csv_error_kind(&e))));
            }
        }
        let line = record
            .position()
            .map(|p| lines.at(p.byte()))
            .unwrap_or(line_hint);
        if record.iter().all(|f| f.is_empty()) {
            continue; // trailing `,,,,,` rows written by spreadsheet tools
        }
        let row = record::from_row(&columns, &record).map_err(|m| err(line, m))?;
        let (league, date, home, away) = row.key();
        if !seen.insert((league.to_string(), date, home.to_string(), away.to_string())) {
            return Err(err(
                line,
                format!("duplicate match {home} v {away} on {date}"),
            ));
        }
        match row {
            record::Row::Played(m) => parsed.played.push(MatchRecord { line, ..m }),
            record::Row::Fixture(f) => parsed.fixtures.push(FixtureRecord { line, ..f }),
        }
    }
    parsed
        .played
        .sort_by(|a, b| (a.date, &a.time).cmp(&(b.date, &b.time)));
    parsed
        .fixtures
        .sort_by(|a, b| (a.date, &a.time).cmp(&(b.date, &b.time)));
    Ok(parsed)
}

/// Line numbers from byte offsets (the `csv` crate's own line count is one short on CRLF
/// files): counts the newlines before an offset, going forward only.
struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: u64,
}

impl<'a> LineCounter<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The 1-based line of a record starting at byte `offset` (offsets asked for never
    /// decrease). On CRLF files the `csv` crate starts a record at the `\n` that ends the line
    /// before, so that byte counts too.
    fn at(&mut self, offset: u64) -> u64 {
        let to = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .saturating_add(1)
            .min(self.bytes.len());
        if to > self.offset {
            self.line += self.bytes[self.offset..to]
                .iter()
                .filter(|&&b| b == b'\n')
                .count() as u64;
            self.offset = to;
        }
        self.line
    }
}

fn csv_error_kind(e: &csv::Error) -> String {
    match e.kind() {
        csv::ErrorKind::Utf8 { err, .. } => format!("invalid UTF-8 ({err})"),
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => format!("expected {expected_len} fields, found {len}"),
        other => format!("{other:?}"),
    }
}

/// Football seasons run from July to June: a match on 2024-08-17 belongs to `2024-25`.
pub fn season_of(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    let start = if date.month() >= 7 {
        date.year()
    } else {
        date.year() - 1
    };
    format!("{start}-{:02}", (start + 1).rem_euclid(100))
}

#[cfg(test)]
mod tests;

/// The name of a football-data.co.uk league code, or `None` for a code it does not know.
pub fn league_name(code: &str) -> Option<&'static str> {
    Some(match code {
        "E0" => "England Premier League",
        "E1" => "England Championship",
        "E2" => "England League One",
        "E3" => "England League Two",
        "EC" => "England National League",
        "SC0" => "Scotland Premiership",
        "SC1" => "Scotland Championship",
        "SC2" => "Scotland League One",
        "SC3" => "Scotland League Two",
        "D1" => "Germany Bundesliga",
        "D2" => "Germany 2. Bundesliga",
        "SP1" => "Spain La Liga",
        "SP2" => "Spain Segunda Division",
        "I1" => "Italy Serie A",
        "I2" => "Italy Serie B",
        "F1" => "France Ligue 1",
        "F2" => "France Ligue 2",
        "N1" => "Netherlands Eredivisie",
        "B1" => "Belgium Pro League",
        "P1" => "Portugal Primeira Liga",
        "T1" => "Turkey Super Lig",
        "G1" => "Greece Super League",
        _ => return None,
    })
}
