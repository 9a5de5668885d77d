//! Team ratings learnt from past market prices, with a light goals term.
//!
//! For the matches of the window before date `d` (`d − window ≤ t < d`, weight
//! `w = exp(−decay · (d − t))`), with `η_home = μ + h + att_home − def_away` and
//! `η_away = μ + att_away − def_home`, the ratings minimise
//!
//! ```text
//! ½ Σ w [(ln λ̂h − η_home)² + (ln λ̂a − η_away)²]     over matches with a market (λ̂: implied)
//! + ½ Σ R (β − m)²                                  ridge R on every attack and defence
//! + γ Σ w [e^η − g η]                               both sides of every match (g: goals)
//! ```
//!
//! The first two terms are one linear solve of size 2 + 2T; the goals term (Poisson, so the
//! whole objective stays convex) is then added by a few Newton steps from that solution.
//! A team without a match in the window is rated by the newcomer prior.

use super::implied::MARKET_RHO;
use crate::game::{Game, Probabilities, TeamId};
use crate::linalg::solve_spd;
use crate::markets::ScoreMatrix;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Settings of the fit; the same for every league.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MarketConfig {
    pub window_days: i64,
    /// Time decay per day of every term.
    pub decay: f64,
    /// Ridge on every attack and defence.
    pub ridge: f64,
    /// Ridge on the intercept and the home advantage (keeps the system definite).
    pub fixed_ridge: f64,
    /// Weight γ of the goals term.
    pub goals_weight: f64,
    /// Prior ratings of a team with no match in the window.
    pub newcomer_attack: f64,
    pub newcomer_defence: f64,
    pub newton_steps: usize,
    /// The market model is used when at least this share of the window's weight comes
    /// from matches with a market; otherwise the league falls back to the goal models.
    pub min_market_share: f64,
}

impl Default for MarketConfig {
    fn default() -> Self {
        MarketConfig {
            window_days: 730,
            decay: 0.03,
            ridge: 0.03,
            fixed_ridge: 1e-6,
            goals_weight: 0.03,
            newcomer_attack: -0.25,
            newcomer_defence: -0.20,
            newton_steps: 8,
            min_market_share: 0.5,
        }
    }
}

/// Fitted market ratings of a league at one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarketRatings {
    pub teams: Vec<TeamId>,
    pub attack: Vec<f64>,
    pub defence: Vec<f64>,
    pub intercept: f64,
    pub home_advantage: f64,
    pub newcomer_attack: f64,
    pub newcomer_defence: f64,
    pub fitted_for: NaiveDate,
    /// Matches of the window with a market, and in all.
    pub market_matches: usize,
    pub matches: usize,
}

impl MarketRatings {
    /// (attack, defence) of a team: a higher defence concedes less.
    pub fn rating(&self, team: TeamId) -> (f64, f64) {
        match self.teams.iter().position(|t| *t == team) {
            Some(i) => (self.attack[i], self.defence[i]),
            None => (self.newcomer_attack, self.newcomer_defence),
        }
    }

    /// Expected goals (home, away).
    pub fn rates(&self, home: TeamId, away: TeamId) -> (f64, f64) {
        let (ah, dh) = self.rating(home);
        let (aa, da) = self.rating(away);
        (
            (self.intercept + self.home_advantage + ah - da).exp(),
            (self.intercept + aa - dh).exp(),
        )
    }

    pub fn matrix(&self, home: TeamId, away: TeamId) -> ScoreMatrix {
        let (l, m) = self.rates(home, away);
        ScoreMatrix::dixon_coles(l, m, MARKET_RHO)
    }

    pub fn predict(&self, home: TeamId, away: TeamId) -> Probabilities {
        self.matrix(home, away).outcome()
    }

    /// Whether the team has a match in the window.
    pub fn knows(&self, team: TeamId) -> bool {
        self.teams.contains(&team)
    }
}

/// One side of a match as a sparse row: `(index, coefficient)` over β.
type Row = [(usize, f64); 4];

/// Fits the ratings for predicting matches on `at` from `games` (any order; only those in
/// the window before `at` are read). `None` when too little of the window has a market.
pub fn fit(games: &[Game], at: NaiveDate, config: &MarketConfig) -> Option<MarketRatings> {
    let from = at - chrono::Duration::days(config.window_days);
    let window: Vec<&Game> = games
        .iter()
        .filter(|g| g.date >= from && g.date < at)
        .collect();
    let mut index: HashMap<TeamId, usize> = HashMap::new();
    let mut teams = Vec::new();
    for g in &window {
        for t in [g.home, g.away] {
            index.entry(t).or_insert_with(|| {
                teams.push(t);
                teams.len() - 1
            });
        }
    }
    let t = teams.len();
    let n = 2 + 2 * t;
    let att = |team: TeamId| 2 + index[&team];
    let def = |team: TeamId| 2 + t + index[&team];
    let sides = |g: &Game| -> (Row, Row) {
        (
            [(0, 1.0), (1, 1.0), (att(g.home), 1.0), (def(g.away), -1.0)],
            [(0, 1.0), (1, 0.0), (att(g.away), 1.0), (def(g.home), -1.0)],
        )
    };
    let weight = |g: &Game| (-config.decay * (at - g.date).num_days() as f64).exp();

    // Step 1: the market term and the ridge, one linear solve.
    let mut a = vec![0.0; n * n];
    let mut b = vec![0.0; n];
    let (mut market_weight, mut all_weight, mut market_matches) = (0.0, 0.0, 0);
    let add = |a: &mut [f64], b: &mut [f64], row: &Row, w: f64, y: f64| {
        for &(i, xi) in row {
            b[i] += w * xi * y;
            for &(j, xj) in row {
                a[i * n + j] += w * xi * xj;
            }
        }
    };
    for g in &window {
        let w = weight(g);
        all_weight += w;
        if let Some(m) = g.market {
            let (yh, ya) = m.goals.ln();
            let (rh, ra) = sides(g);
            add(&mut a, &mut b, &rh, w, yh);
            add(&mut a, &mut b, &ra, w, ya);
            market_weight += w;
            market_matches += 1;
        }
    }
    if all_weight <= 0.0 || market_weight / all_weight < config.min_market_share {
        return None;
    }
    for i in 0..n {
        a[i * n + i] += if i < 2 {
            config.fixed_ridge
        } else {
            config.ridge
        };
    }
    let mut beta = solve_spd(&a, &b, n)?;

    // Step 2: the goals term, by Newton steps from there.
    if config.goals_weight > 0.0 {
        for _ in 0..config.newton_steps {
            let mut h = a.clone();
            // Gradient of the quadratic part: A β − b.
            let mut grad: Vec<f64> = (0..n)
                .map(|i| (0..n).map(|j| a[i * n + j] * beta[j]).sum::<f64>() - b[i])
                .collect();
            for g in &window {
                let w = config.goals_weight * weight(g);
                let (rh, ra) = sides(g);
                for (row, goals) in [(rh, g.home_goals), (ra, g.away_goals)] {
                    let eta: f64 = row.iter().map(|&(i, x)| x * beta[i]).sum();
                    let e = eta.exp();
                    for &(i, xi) in &row {
                        grad[i] += w * (e - f64::from(goals)) * xi;
                        for &(j, xj) in &row {
                            h[i * n + j] += w * e * xi * xj;
                        }
                    }
                }
            }
            let step = solve_spd(&h, &grad, n)?;
            let mut largest: f64 = 0.0;
            for (bi, si) in beta.iter_mut().zip(&step) {
                *bi -= si;
                largest = largest.max(si.abs());
            }
            if largest < 1e-10 {
                break;
            }
        }
    }
    if beta.iter().any(|v| !v.is_finite()) {
        return None;
    }
    Some(MarketRatings {
        attack: beta[2..2 + t].to_vec(),
        defence: beta[2 + t..].to_vec(),
        teams,
        intercept: beta[0],
        home_advantage: beta[1],
        newcomer_attack: config.newcomer_attack,
        newcomer_defence: config.newcomer_defence,
        fitted_for: at,
        market_matches,
        matches: window.len(),
    })
}

#[cfg(test)]
mod tests;
