//! Season odds: the rest of a season played many times over (Monte Carlo) from the model's
//! score probabilities, and how often each team ends top, in the top places and in the
//! relegation places. Teams are ranked by points, then goal difference, then goals scored;
//! a tie beyond that is settled at random, so tied teams share the odds evenly.

use crate::markets::{MAX_GOALS, ScoreMatrix};
use rand_core::{RngCore, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

const SIDE: usize = MAX_GOALS + 1;

/// A team's standing so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub played: u32,
    pub points: u32,
    pub goals_for: u32,
    pub goals_against: u32,
}

/// A match still to play: indices into the teams, and its score probabilities.
#[derive(Debug, Clone)]
pub struct Remaining {
    pub home: usize,
    pub away: usize,
    pub scores: ScoreMatrix,
}

/// What to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SeasonRules {
    /// Seasons to play.
    pub simulations: usize,
    /// "Top" places (e.g. 4 for the Champions League places).
    pub top: usize,
    /// Relegation places at the bottom.
    pub relegated: usize,
    /// The random seed: the same inputs and seed give the same odds.
    pub seed: u64,
}

impl Default for SeasonRules {
    fn default() -> Self {
        SeasonRules {
            simulations: 10_000,
            top: 4,
            relegated: 3,
            seed: 0x5EA5_0DD5,
        }
    }
}

/// One team's odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TeamOdds {
    /// Index into the teams given.
    pub team: usize,
    pub standing: Standing,
    pub expected_points: f64,
    pub p_title: f64,
    pub p_top: f64,
    pub p_relegation: f64,
    /// P(finishing 1st), P(2nd), … .
    pub positions: Vec<f64>,
}

/// The odds of every team, best expected points first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeasonOdds {
    pub simulations: usize,
    pub remaining_matches: usize,
    pub teams: Vec<TeamOdds>,
}

/// A score matrix as a cumulative table, for drawing scores by binary search.
struct ScoreSampler {
    cumulative: Vec<f64>,
}

impl ScoreSampler {
    fn new(m: &ScoreMatrix) -> ScoreSampler {
        let mut total = 0.0;
        let cumulative =
            m.p.iter()
                .map(|p| {
                    total += p.max(0.0);
                    total
                })
                .collect::<Vec<_>>();
        let cumulative = cumulative.into_iter().map(|c| c / total).collect();
        ScoreSampler { cumulative }
    }

    /// (home goals, away goals) for a uniform draw `u` in [0, 1).
    fn draw(&self, u: f64) -> (u32, u32) {
        let i = self
            .cumulative
            .partition_point(|&c| c <= u)
            .min(self.cumulative.len() - 1);
        ((i / SIDE) as u32, (i % SIDE) as u32)
    }
}

fn uniform(rng: &mut Xoshiro256PlusPlus) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Plays the remaining matches `rules.simulations` times from the standings so far.
/// `standings` has one entry per team; matches naming a team outside it are ignored.
pub fn simulate(standings: &[Standing], remaining: &[Remaining], rules: SeasonRules) -> SeasonOdds {
    let n = standings.len();
    let games: Vec<(usize, usize, ScoreSampler)> = remaining
        .iter()
        .filter(|m| m.home < n && m.away < n && m.home != m.away)
        .map(|m| (m.home, m.away, ScoreSampler::new(&m.scores)))
        .collect();
    let sims = rules.simulations.max(1);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(rules.seed);
    let mut position_counts = vec![0u64; n * n];
    let mut points_total = vec![0u64; n];
    // Per simulation: points, goal difference, goals for (offset so all stay positive).
    let mut points = vec![0u32; n];
    let mut diff = vec![0i64; n];
    let mut scored = vec![0u32; n];
    let mut order: Vec<usize> = (0..n).collect();
    let mut tie_break = vec![0u64; n];
    for _ in 0..sims {
        for (t, s) in standings.iter().enumerate() {
            points[t] = s.points;
            diff[t] = i64::from(s.goals_for) - i64::from(s.goals_against);
            scored[t] = s.goals_for;
        }
        for (h, a, sampler) in &games {
            let (hg, ag) = sampler.draw(uniform(&mut rng));
            match hg.cmp(&ag) {
                std::cmp::Ordering::Greater => points[*h] += 3,
                std::cmp::Ordering::Equal => {
                    points[*h] += 1;
                    points[*a] += 1;
                }
                std::cmp::Ordering::Less => points[*a] += 3,
            }
            let d = i64::from(hg) - i64::from(ag);
            diff[*h] += d;
            diff[*a] -= d;
            scored[*h] += hg;
            scored[*a] += ag;
        }
        for t in tie_break.iter_mut() {
            *t = rng.next_u64();
        }
        order.sort_unstable_by(|&x, &y| {
            (points[y], diff[y], scored[y], tie_break[y]).cmp(&(
                points[x],
                diff[x],
                scored[x],
                tie_break[x],
            ))
        });
        for (place, &t) in order.iter().enumerate() {
            position_counts[t * n + place] += 1;
            points_total[t] += u64::from(points[t]);
        }
    }
    let f = sims as f64;
    let mut teams: Vec<TeamOdds> = (0..n)
        .map(|t| {
            let positions: Vec<f64> = position_counts[t * n..(t + 1) * n]
                .iter()
                .map(|&c| c as f64 / f)
                .collect();
            let top = rules.top.min(n);
            let relegated = rules.relegated.min(n);
            TeamOdds {
                team: t,
                standing: standings[t],
                expected_points: points_total[t] as f64 / f,
                p_title: positions.first().copied().unwrap_or(0.0),
                p_top: positions[..top].iter().sum(),
                p_relegation: positions[n - relegated..].iter().sum(),
                positions,
            }
        })
        .collect();
    teams.sort_by(|a, b| {
        b.expected_points
            .total_cmp(&a.expected_points)
            .then(b.p_title.total_cmp(&a.p_title))
            .then(a.team.cmp(&b.team))
    });
    SeasonOdds {
        simulations: sims,
        remaining_matches: games.len(),
        teams,
    }
}

#[cfg(test)]
mod tests;
