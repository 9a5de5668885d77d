//! Elo ratings for club football: home advantage, a goal-difference multiplier and
//! regression to the mean between seasons. Newly seen teams (promoted sides) start below
//! the league average by a fixed offset.

use crate::game::{Game, TeamId};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct EloConfig {
    /// Update size.
    pub k: f64,
    /// Rating points added to the home side when computing the expected result.
    pub home_advantage: f64,
    /// Share of the distance to the mean removed at each new season.
    pub season_regression: f64,
    /// Rating of a team first seen, relative to the average of the current teams.
    pub newcomer_offset: f64,
}

impl Default for EloConfig {
    fn default() -> Self {
        EloConfig {
            k: 15.0,
            home_advantage: 60.0,
            season_regression: 0.1,
            newcomer_offset: -90.0,
        }
    }
}

const MEAN: f64 = 1500.0;

/// Ratings after the matches seen so far.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EloRatings {
    pub config: EloConfig,
    pub ratings: BTreeMap<TeamId, f64>,
    /// Last date each team played, to find the current teams.
    last_played: BTreeMap<TeamId, NaiveDate>,
    season: Option<i32>,
    last_date: Option<NaiveDate>,
}

fn season_start_year(d: NaiveDate) -> i32 {
    if d.month() >= 7 {
        d.year()
    } else {
        d.year() - 1
    }
}

/// The multiplier of World Football Elo: 1 for a one-goal margin or a draw, 1.5 for two,
/// (11 + n) / 8 for n ≥ 3.
pub fn goal_difference_multiplier(margin: u32) -> f64 {
    match margin {
        0 | 1 => 1.0,
        2 => 1.5,
        n => (11.0 + f64::from(n)) / 8.0,
    }
}

impl EloRatings {
    pub fn new(config: EloConfig) -> Self {
        EloRatings {
            config,
            ..Default::default()
        }
    }

    /// Mean rating of the teams that played in the last year before `at`.
    fn current_mean(&self, at: NaiveDate) -> f64 {
        let (s, n) = self
            .last_played
            .iter()
            .filter(|(_, d)| (at - **d).num_days() <= 365)
            .fold((0.0, 0usize), |(s, n), (t, _)| (s + self.ratings[t], n + 1));
        if n == 0 { MEAN } else { s / n as f64 }
    }

    /// A team's rating on `at` (a newcomer's starting rating if it has not played).
    pub fn rating(&self, team: TeamId, at: NaiveDate) -> f64 {
        self.ratings
            .get(&team)
            .copied()
            .unwrap_or_else(|| self.current_mean(at) + self.config.newcomer_offset)
    }

    /// Rating difference home − away plus home advantage, in rating points.
    pub fn difference(&self, home: TeamId, away: TeamId, at: NaiveDate) -> f64 {
        self.rating(home, at) + self.config.home_advantage - self.rating(away, at)
    }

    /// Learns from one played match. Matches must come in date order.
    pub fn update(&mut self, g: &Game) {
        let season = season_start_year(g.date);
        if self.season.is_some_and(|s| s != season) {
            let m = self.current_mean(g.date);
            let r = self.config.season_regression;
            for v in self.ratings.values_mut() {
                *v = m + (1.0 - r) * (*v - m);
            }
        }
        self.season = Some(season);
        let rh = self.rating(g.home, g.date);
        let ra = self.rating(g.away, g.date);
        let expected = 1.0 / (1.0 + 10f64.powf(-(rh + self.config.home_advantage - ra) / 400.0));
        let actual = match g.home_goals.cmp(&g.away_goals) {
            std::cmp::Ordering::Greater => 1.0,
            std::cmp::Ordering::Equal => 0.5,
            std::cmp::Ordering::Less => 0.0,
        };
        let margin = u32::from(g.home_goals.abs_diff(g.away_goals));
        let delta = self.config.k * goal_difference_multiplier(margin) * (actual - expected);
        self.ratings.insert(g.home, rh + delta);
        self.ratings.insert(g.away, ra - delta);
        self.last_played.insert(g.home, g.date);
        self.last_played.insert(g.away, g.date);
        self.last_date = Some(g.date);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn game(d: &str, home: TeamId, away: TeamId, hg: u8, ag: u8) -> Game {
        Game {
            date: NaiveDate::parse_from_str(d, "%Y-%m-%d").unwrap(),
            home,
            away,
            home_goals: hg,
            away_goals: ag,
            home_sot: None,
            away_sot: None,
            market: None,
        }
    }

    #[test]
    fn winners_gain_what_losers_lose_and_big_wins_count_more() {
        let mut e = EloRatings::new(EloConfig::default());
        e.update(&game("2024-08-10", 1, 2, 1, 0));
        let d = NaiveDate::from_ymd_opt(2024, 8, 11).unwrap();
        let gain = e.rating(1, d) - 1500.0 - EloConfig::default().newcomer_offset;
        assert!(gain > 0.0);
        assert!(
            (e.rating(1, d) + e.rating(2, d)
                - 2.0 * (1500.0 + EloConfig::default().newcomer_offset))
                .abs()
                < 1e-9
        );
        let mut big = EloRatings::new(EloConfig::default());
        big.update(&game("2024-08-10", 1, 2, 4, 0));
        assert!(big.rating(1, d) > e.rating(1, d));
        assert_eq!(goal_difference_multiplier(5), 2.0);
    }

    #[test]
    fn ratings_regress_towards_the_mean_at_a_new_season() {
        let mut e = EloRatings::new(EloConfig::default());
        for i in 0..10 {
            e.update(&game(
                &format!("2024-0{}-0{}", 1 + i / 5, 1 + i % 5),
                1,
                2,
                3,
                0,
            ));
        }
        let before = e.ratings[&1] - e.ratings[&2];
        e.update(&game("2024-08-10", 3, 4, 0, 0));
        let after = e.ratings[&1] - e.ratings[&2];
        assert!((after - 0.9 * before).abs() < 1e-9);
    }
}
