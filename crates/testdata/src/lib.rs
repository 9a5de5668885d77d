//! Where the real historical data lives.
//!
//! The files are never copied into the repository: they sit beside the checkout in
//! `../shared/data` (override with `SHARED_DATA_DIR`). Tests that need them call
//! [`football_data_dir`]: on a machine without the folder the test says so and skips, but with
//! `CI=true` a missing folder is a failure.

use std::path::PathBuf;

/// Environment variable that overrides the default `../shared/data`.
pub const ENV_VAR: &str = "SHARED_DATA_DIR";

/// The workspace root (two levels above this crate's manifest).
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../.."))
}

/// The shared data folder: `$SHARED_DATA_DIR`, or `../shared/data` beside the checkout.
pub fn shared_data_dir() -> PathBuf {
    match std::env::var_os(ENV_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => workspace_root().join("../shared/data"),
    }
}

/// `football-data/` inside the shared data folder, if it exists.
///
/// Returns `None` (after printing why) when the folder is missing, so the caller can skip.
/// Panics when it is missing and `CI=true`, because CI must run every test.
pub fn football_data_dir() -> Option<PathBuf> {
    present_or_skip(
        shared_data_dir().join("football-data"),
        "shared data",
        ENV_VAR,
    )
}

/// `Some(dir)` when it exists; otherwise says why the caller skips (or panics with `CI=true`).
fn present_or_skip(dir: PathBuf, what: &str, env_var: &str) -> Option<PathBuf> {
    if dir.is_dir() {
        return Some(dir);
    }
    let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
    assert!(
        !ci,
        "CI=true but the {what} folder {} is missing (set {env_var})",
        dir.display()
    );
    eprintln!(
        "skipping: {what} folder {} not found (set {env_var} to run this test)",
        dir.display()
    );
    None
}

/// Environment variable that overrides the default `../shared/reference`.
pub const REFERENCE_ENV_VAR: &str = "SHARED_REFERENCE_DIR";

/// The reference outputs folder (`$SHARED_REFERENCE_DIR`, or `reference/` beside the shared
/// data folder), if it exists; skips or fails like [`football_data_dir`].
pub fn reference_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(REFERENCE_ENV_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => shared_data_dir().join("../reference"),
    };
    present_or_skip(dir, "reference", REFERENCE_ENV_VAR)
}

/// A season file cut in two, for tests of fixtures and grading: the earlier rows as played,
/// the later rows as fixtures (their results and match statistics blanked, their prices kept)
/// and, separately, the same later rows with their results, to import afterwards.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeasonSplit {
    pub played: String,
    pub fixtures: String,
    pub results: String,
    /// (home team, away team) of each fixture, in file order.
    pub pairs: Vec<(String, String)>,
}

/// Columns a row has only once the match is played.
const RESULT_COLUMNS: &[&str] = &[
    "FTHG", "FTAG", "FTR", "HTHG", "HTAG", "HTR", "HS", "AS", "HST", "AST", "HF", "AF", "HC", "AC",
    "HY", "AY", "HR", "AR", "Referee",
];

/// Splits a football-data.co.uk season file (CSV without quoted fields, as they are
/// published) so that its last `later` rows become fixtures.
pub fn split_season(text: &str, later: usize) -> SeasonSplit {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = lines.next().unwrap_or_default().to_string();
    let names: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(str::trim)
        .collect();
    let col = |n: &str| names.iter().position(|h| *h == n);
    let blank: Vec<usize> = RESULT_COLUMNS.iter().filter_map(|c| col(c)).collect();
    let (home, away) = (col("HomeTeam").unwrap_or(2), col("AwayTeam").unwrap_or(3));
    let rows: Vec<&str> = lines.collect();
    let cut = rows.len().saturating_sub(later);
    let with_header = |rows: &[String]| {
        let mut s = header.clone();
        for r in rows {
            s.push('\n');
            s.push_str(r);
        }
        s.push('\n');
        s
    };
    let earlier: Vec<String> = rows[..cut].iter().map(|r| r.to_string()).collect();
    let results: Vec<String> = rows[cut..].iter().map(|r| r.to_string()).collect();
    let mut pairs = Vec::new();
    let fixtures: Vec<String> = rows[cut..]
        .iter()
        .map(|r| {
            let mut cells: Vec<&str> = r.split(',').collect();
            pairs.push((
                cells.get(home).unwrap_or(&"").to_string(),
                cells.get(away).unwrap_or(&"").to_string(),
            ));
            for &i in &blank {
                if let Some(c) = cells.get_mut(i) {
                    *c = "";
                }
            }
            cells.join(",")
        })
        .collect();
    SeasonSplit {
        played: with_header(&earlier),
        fixtures: with_header(&fixtures),
        results: with_header(&results),
        pairs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_later_rows_lose_their_results() {
        let text = "Div,Date,HomeTeam,AwayTeam,FTHG,FTAG,FTR,HS,B365H\n\
                    E0,01/08/2025,A,B,1,0,H,9,2.1\nE0,02/08/2025,C,D,2,2,D,4,1.9\n";
        let s = split_season(text, 1);
        assert!(s.played.ends_with("A,B,1,0,H,9,2.1\n"));
        assert!(s.fixtures.ends_with("E0,02/08/2025,C,D,,,,,1.9\n"));
        assert!(s.results.ends_with("C,D,2,2,D,4,1.9\n"));
        assert_eq!(s.pairs, [("C".to_string(), "D".to_string())]);
    }
}
