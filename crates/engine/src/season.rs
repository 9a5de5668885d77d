//! A league's current season: who plays in it, what is left to play, and the season odds
//! simulated from the served model (computed once per loaded catalog, never per request).

use crate::catalog::LeagueEntry;
use crate::outlook::SeasonOutlook;
use chrono::{Datelike, NaiveDate};
use fp_model::TeamId;
use fp_model::season::{Remaining, SeasonRules, Standing, simulate};
use std::collections::{BTreeSet, HashSet};

/// The season a date belongs to, e.g. `2025-26` (July to June), and its first day.
pub fn season_of(date: NaiveDate) -> (String, NaiveDate) {
    let start = if date.month() >= 7 {
        date.year()
    } else {
        date.year() - 1
    };
    let first = NaiveDate::from_ymd_opt(start, 7, 1).unwrap_or(date);
    (format!("{start}-{:02}", (start + 1) % 100), first)
}

impl LeagueEntry {
    /// The season of the newest result or fixture, and the day it began.
    pub fn current_season(&self) -> Option<(String, NaiveDate)> {
        let last_game = self.games.last().map(|g| g.date);
        let last_fixture = self.fixtures.iter().map(|f| f.match_date).max();
        last_game.max(last_fixture).map(season_of)
    }

    /// The teams of the current season (results and fixtures), by id: found once per loaded
    /// catalog, as the predict form, the team list and every prediction body ask.
    pub fn current_team_ids(&self) -> &BTreeSet<i64> {
        self.current_teams.get_or_init(|| {
            let Some((season, from)) = self.current_season() else {
                return BTreeSet::new();
            };
            self.games
                .iter()
                .filter(|g| g.date >= from)
                .flat_map(|g| [i64::from(g.home), i64::from(g.away)])
                .chain(
                    self.fixtures
                        .iter()
                        .filter(|f| f.season == season)
                        .flat_map(|f| [f.home_team_id, f.away_team_id]),
                )
                .collect()
        })
    }

    /// The upcoming fixture of this pairing, if one is announced.
    pub fn upcoming_fixture(&self, home: i64, away: i64) -> Option<&fp_storage::StoredFixture> {
        self.fixtures
            .iter()
            .find(|f| f.home_team_id == home && f.away_team_id == away)
    }

    /// The date of a team's latest result in this league.
    pub fn last_played(&self, team: i64) -> Option<NaiveDate> {
        self.team_last_game(team as TeamId)
    }

    /// The current season simulated `rules.simulations` times: computed on first use and kept
    /// with this catalog (a reload after new data or a refit starts afresh).
    pub fn season_outlook(&self, rules: SeasonRules) -> Option<&SeasonOutlook> {
        self.outlook
            .get_or_init(|| self.compute_outlook(rules))
            .as_ref()
    }

    fn compute_outlook(&self, rules: SeasonRules) -> Option<SeasonOutlook> {
        let (version, stored) = self.model.as_ref()?;
        let (season, from) = self.current_season()?;
        let team_ids: Vec<i64> = self.current_team_ids().iter().copied().collect();
        let index = |id: i64| team_ids.binary_search(&id).ok();
        let mut standings = vec![Standing::default(); team_ids.len()];
        let mut played: HashSet<(i64, i64)> = HashSet::new();
        for g in self.games.iter().filter(|g| g.date >= from) {
            let (h, a) = (i64::from(g.home), i64::from(g.away));
            played.insert((h, a));
            let (Some(hi), Some(ai)) = (index(h), index(a)) else {
                continue;
            };
            let (hg, ag) = (u32::from(g.home_goals), u32::from(g.away_goals));
            for (i, gf, ga) in [(hi, hg, ag), (ai, ag, hg)] {
                let s = &mut standings[i];
                s.played += 1;
                s.goals_for += gf;
                s.goals_against += ga;
                s.points += match gf.cmp(&ga) {
                    std::cmp::Ordering::Greater => 3,
                    std::cmp::Ordering::Equal => 1,
                    std::cmp::Ordering::Less => 0,
                };
            }
        }
        // What is left: every pairing of the double round robin not yet played, and any
        // announced fixture of the season beyond those.
        let mut left: Vec<(i64, i64)> = Vec::new();
        for &h in &team_ids {
            for &a in &team_ids {
                if h != a && !played.contains(&(h, a)) {
                    left.push((h, a));
                }
            }
        }
        let pending: HashSet<(i64, i64)> = left.iter().copied().collect();
        left.extend(
            self.fixtures
                .iter()
                .filter(|f| f.season == season)
                .map(|f| (f.home_team_id, f.away_team_id))
                .filter(|p| !pending.contains(p)),
        );
        let remaining: Vec<Remaining> = left
            .into_iter()
            .filter_map(|(h, a)| {
                let (home, away) = (index(h)?, index(a)?);
                let (_, scores) = stored.model.predict_with_matrix(h as TeamId, a as TeamId);
                Some(Remaining { home, away, scores })
            })
            .collect();
        let rules = SeasonRules {
            seed: rules.seed ^ (version.id as u64) ^ ((self.games.len() as u64) << 32),
            ..rules
        };
        let odds = simulate(&standings, &remaining, rules);
        Some(SeasonOutlook {
            season,
            team_ids,
            odds,
            model_version: version.id,
            top: rules.top,
            relegated: rules.relegated,
        })
    }
}
