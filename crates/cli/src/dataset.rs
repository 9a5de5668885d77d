//! Historical results read straight from football-data.co.uk CSV files (no database), for the
//! backtest.

use anyhow::Context;
use fp_csv::MatchRecord;
use fp_model::{Game, TeamId};
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// One league's matches with team names mapped to ids.
pub struct LeagueData {
    pub code: String,
    pub records: Vec<MatchRecord>,
    pub games: Vec<Game>,
}

fn small(v: Option<u16>) -> Option<u8> {
    v.and_then(|v| u8::try_from(v).ok())
}

pub fn game_of(r: &MatchRecord, home: TeamId, away: TeamId) -> Game {
    Game {
        date: r.date,
        home,
        away,
        home_goals: u8::try_from(r.home_goals).unwrap_or(u8::MAX),
        away_goals: u8::try_from(r.away_goals).unwrap_or(u8::MAX),
        home_sot: small(r.stats.home_shots_on_target),
        away_sot: small(r.stats.away_shots_on_target),
        market: r.odds.sources().market(),
    }
}

/// Reads every CSV under `dir` and keeps the given leagues (all when empty).
pub fn load(dir: &PathBuf, leagues: &[String]) -> anyhow::Result<Vec<LeagueData>> {
    let files = fp_ingest::collect_csv_files(std::slice::from_ref(dir))?;
    if files.is_empty() {
        anyhow::bail!("no .csv files found in {}", dir.display());
    }
    let mut by_league: BTreeMap<String, Vec<MatchRecord>> = BTreeMap::new();
    for path in files {
        let bytes = std::fs::read(&path).with_context(|| path.display().to_string())?;
        let records = fp_csv::parse(&bytes, &path.display().to_string())?;
        for r in records {
            if leagues.is_empty() || leagues.contains(&r.league) {
                by_league.entry(r.league.clone()).or_default().push(r);
            }
        }
    }
    for code in leagues {
        if !by_league.contains_key(code) {
            anyhow::bail!("league {code} has no matches in {}", dir.display());
        }
    }
    Ok(by_league
        .into_iter()
        .map(|(code, mut records)| {
            records.sort_by_key(|r| r.date);
            let mut ids: HashMap<String, TeamId> = HashMap::new();
            let mut id = |name: &str| -> TeamId {
                let next = ids.len() as TeamId;
                *ids.entry(name.to_string()).or_insert(next)
            };
            let games = records
                .iter()
                .map(|r| {
                    let (h, a) = (id(&r.home_team), id(&r.away_team));
                    game_of(r, h, a)
                })
                .collect();
            LeagueData {
                code,
                records,
                games,
            }
        })
        .collect())
}
