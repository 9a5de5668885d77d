use crate::IngestError;
use fp_storage::{
    FileCounts, FixturePrices, HalfTime, ImportCounts, MatchOdds, MatchStats, NewFixture, NewMatch,
    Prices1x2, PricesOverUnder, Store,
};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What happened to one file.
#[derive(Debug)]
pub struct FileOutcome {
    pub file: String,
    pub result: Result<FileCounts, IngestError>,
}

/// The summary of an import run.
#[derive(Debug, Default)]
pub struct ImportReport {
    pub files_ok: usize,
    pub files_failed: usize,
    /// Played matches.
    pub counts: ImportCounts,
    pub fixtures: ImportCounts,
    /// Stored predictions the new results graded.
    pub graded: u64,
    pub errors: Vec<String>,
    pub elapsed: Duration,
}

impl ImportReport {
    pub fn success(&self) -> bool {
        self.files_failed == 0
    }

    /// Whether any result was inserted or changed (models then need a refit).
    pub fn changed_data(&self) -> bool {
        self.counts.changed()
    }

    /// Whether anything stored changed, fixtures included (servers then reload).
    pub fn changed_anything(&self) -> bool {
        self.counts.changed() || self.fixtures.changed()
    }

    pub(crate) fn add(&mut self, outcome: &FileOutcome) {
        match &outcome.result {
            Ok(c) => {
                self.files_ok += 1;
                self.counts += c.matches;
                self.fixtures += c.fixtures;
                self.graded += c.graded;
            }
            Err(e) => {
                self.files_failed += 1;
                self.errors.push(e.to_string());
            }
        }
    }
}

impl std::fmt::Display for ImportReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let c = &self.counts;
        write!(
            f,
            "{} file(s) imported, {} rejected; matches: {} inserted, {} updated, {} unchanged",
            self.files_ok, self.files_failed, c.inserted, c.updated, c.unchanged,
        )?;
        let x = &self.fixtures;
        if x.inserted + x.updated + x.unchanged > 0 {
            write!(
                f,
                "; fixtures: {} inserted, {} updated, {} unchanged",
                x.inserted, x.updated, x.unchanged
            )?;
        }
        if self.graded > 0 {
            write!(f, "; {} prediction(s) graded", self.graded)?;
        }
        write!(f, "; {:.2}s", self.elapsed.as_secs_f64())
    }
}

/// Parses and stores one file's bytes (one transaction). `name` appears in error messages.
pub async fn import_bytes(
    store: &Store,
    bytes: &[u8],
    name: &str,
) -> Result<FileCounts, IngestError> {
    let file = fp_csv::parse_file(bytes, name)?;
    let matches: Vec<NewMatch> = file.played.iter().map(new_match).collect();
    // Fixtures only of leagues with results (stored, or in this file): `fixtures.csv` lists
    // every league football-data.co.uk covers, and a league without results cannot be
    // predicted.
    let mut fixtures: Vec<NewFixture> = Vec::new();
    if !file.fixtures.is_empty() {
        let storage = |source| IngestError::Storage {
            file: name.to_string(),
            source,
        };
        let mut known: std::collections::HashSet<String> = store
            .leagues()
            .await
            .map_err(storage)?
            .into_iter()
            .filter(|l| l.matches > 0)
            .map(|l| l.code)
            .collect();
        known.extend(file.played.iter().map(|m| m.league.clone()));
        fixtures = file
            .fixtures
            .iter()
            .filter(|f| known.contains(&f.league))
            .map(new_fixture)
            .collect();
    }
    store
        .import_file(&matches, &fixtures)
        .await
        .map_err(|source| IngestError::Storage {
            file: name.to_string(),
            source,
        })
}

/// Imports files one by one; a rejected file does not stop the others. `progress` is called
/// after each file.
pub async fn import_files(
    store: &Store,
    files: &[PathBuf],
    mut progress: impl FnMut(&FileOutcome),
) -> ImportReport {
    let started = Instant::now();
    let mut report = ImportReport::default();
    for path in files {
        let file = path.display().to_string();
        let result = match tokio::fs::read(path).await {
            Ok(bytes) => import_bytes(store, &bytes, &file).await,
            Err(source) => Err(IngestError::Io {
                path: file.clone(),
                source,
            }),
        };
        let outcome = FileOutcome { file, result };
        report.add(&outcome);
        progress(&outcome);
    }
    report.elapsed = started.elapsed();
    report
}

fn prices_1x2(o: Option<fp_csv::Odds1x2>) -> Option<Prices1x2> {
    o.map(|o| Prices1x2 {
        home: o.home,
        draw: o.draw,
        away: o.away,
    })
}

fn prices_ou(o: Option<fp_csv::OverUnder>) -> Option<PricesOverUnder> {
    o.map(|o| PricesOverUnder {
        over: o.over,
        under: o.under,
    })
}

/// What storage keeps of a fixture row: its pre-match prices (a closing price, where a file
/// has one before kick-off, stands in for a missing pre-match one).
pub fn new_fixture(r: &fp_csv::FixtureRecord) -> NewFixture {
    let o = &r.odds;
    NewFixture {
        league: r.league.clone(),
        league_name: fp_csv::league_name(&r.league)
            .unwrap_or(&r.league)
            .to_string(),
        season: r.season(),
        date: r.date,
        kickoff_time: r.time.clone(),
        home_team: r.home_team.clone(),
        away_team: r.away_team.clone(),
        prices: FixturePrices {
            pinnacle: prices_1x2(o.pinnacle_open.or(o.pinnacle_close)),
            average: prices_1x2(o.average_open.or(o.average_close)),
            bet365: prices_1x2(o.bet365),
            over_under: prices_ou(o.over_under_open.or(o.over_under_close)),
            pinnacle_over_under: prices_ou(
                o.pinnacle_over_under_open.or(o.pinnacle_over_under_close),
            ),
        },
    }
}

/// What storage keeps of a parsed row.
pub fn new_match(r: &fp_csv::MatchRecord) -> NewMatch {
    let (p3, p2) = (prices_1x2, prices_ou);
    let s = &r.stats;
    let half_time = (r.half_time_home_goals.is_some()
        || r.half_time_away_goals.is_some()
        || r.half_time_result.is_some())
    .then_some(HalfTime {
        home_goals: r.half_time_home_goals,
        away_goals: r.half_time_away_goals,
        result: r.half_time_result,
    });
    NewMatch {
        league: r.league.clone(),
        league_name: fp_csv::league_name(&r.league)
            .unwrap_or(&r.league)
            .to_string(),
        season: r.season(),
        date: r.date,
        kickoff_time: r.time.clone(),
        home_team: r.home_team.clone(),
        away_team: r.away_team.clone(),
        home_goals: r.home_goals,
        away_goals: r.away_goals,
        result: r.result,
        half_time,
        stats: MatchStats {
            home_shots: s.home_shots,
            away_shots: s.away_shots,
            home_shots_on_target: s.home_shots_on_target,
            away_shots_on_target: s.away_shots_on_target,
            home_corners: s.home_corners,
            away_corners: s.away_corners,
            home_yellow: s.home_yellow,
            away_yellow: s.away_yellow,
            home_red: s.home_red,
            away_red: s.away_red,
        },
        odds: MatchOdds {
            pinnacle_open: p3(r.odds.pinnacle_open),
            pinnacle_close: p3(r.odds.pinnacle_close),
            average_open: p3(r.odds.average_open),
            average_close: p3(r.odds.average_close),
            over_under_open: p2(r.odds.over_under_open),
            over_under_close: p2(r.odds.over_under_close),
            bet365: p3(r.odds.bet365),
            pinnacle_over_under_open: p2(r.odds.pinnacle_over_under_open),
            pinnacle_over_under_close: p2(r.odds.pinnacle_over_under_close),
        },
    }
}

/// Parses a CSV text and maps its rows for storage (tests and tools that hold a file's bytes).
pub fn parse_matches(bytes: &[u8], name: &str) -> Result<Vec<NewMatch>, fp_csv::ParseError> {
    Ok(fp_csv::parse(bytes, name)?.iter().map(new_match).collect())
}
