//! The Dixon-Coles goal model (Dixon & Coles 1997) with exponential time decay.
//!
//! Home goals ~ Poisson(λ), away goals ~ Poisson(μ), with
//! `log λ = c + home + attack[h] + defence[a]`, `log μ = c + attack[a] + defence[h]`,
//! and the low-score correction τ(x, y; λ, μ, ρ) on 0-0, 1-0, 0-1 and 1-1.
//!
//! Fitted by weighted maximum likelihood, each match weighted `exp(-xi * days_ago)`, with a
//! Gaussian shrinkage prior on every attack and defence parameter. The prior makes the model
//! identifiable and keeps teams with few matches sensible: teams that joined the league
//! during the window (promoted sides) are shrunk towards a shared "newcomer" rating that is
//! itself fitted, the others towards the league average. So a promoted team with no match
//! yet is rated like the typical promoted team, not dropped.
//!
//! Optionally the Poisson part is fitted on "pseudo-goals" that mix goals with shots on
//! target scaled by the league's conversion rate (`sot_weight`): shots on target are less
//! noisy than goals and carry information about a team's strength beyond its goals.
//!
//! The optimiser is Newton's method with the analytic gradient and the Fisher-information
//! Hessian of the Poisson part (exact for ρ), a Cholesky solve (~50 parameters) and a
//! backtracking line search; it warm-starts from the previous fit.

use crate::game::{Game, TeamId};
use crate::linalg::solve_spd;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Settings of the fit. The defaults are the ones the backtest chose; they are the same for
/// every league.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DcConfig {
    /// Time decay per day: a match `d` days old has weight `exp(-xi * d)`.
    pub xi: f64,
    /// Precision of the shrinkage prior on attack and defence parameters.
    pub prior_strength: f64,
    /// Share of shots on target in the pseudo-goals (0 = goals only).
    pub sot_weight: f64,
    /// A team whose first match in the window comes this many days after the window's first
    /// match is a newcomer (promoted during the window).
    pub newcomer_after_days: i64,
    pub max_iterations: usize,
}

impl Default for DcConfig {
    fn default() -> Self {
        DcConfig {
            xi: 0.0025,
            prior_strength: 2.0,
            sot_weight: 0.0,
            newcomer_after_days: 60,
            max_iterations: 100,
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DixonColes {
    pub teams: Vec<TeamId>,
    pub attack: Vec<f64>,
    pub defence: Vec<f64>,
    pub intercept: f64,
    pub home_advantage: f64,
    pub rho: f64,
    /// The fitted rating of a typical newcomer (used for teams the fit has not seen).
    pub newcomer_attack: f64,
    pub newcomer_defence: f64,
    /// The date the model predicts from (weights are relative to it).
    pub fitted_for: NaiveDate,
    pub n_games: usize,
    pub iterations: usize,
}

const C: usize = 0;
const H: usize = 1;
const RHO: usize = 2;
const PA: usize = 3;
const PD: usize = 4;
const FIXED: usize = 5;

/// One match prepared for the likelihood.
#[derive(Debug, Clone, Copy)]
struct Row {
    home: usize,
    away: usize,
    /// Responses of the Poisson part (goals, or pseudo-goals).
    x: f64,
    y: f64,
    /// Real goals for the low-score correction.
    gx: u8,
    gy: u8,
    w: f64,
}

/// The penalised negative log-likelihood of a set of matches.
#[derive(Debug, Clone)]
pub struct Problem {
    rows: Vec<Row>,
    teams: Vec<TeamId>,
    newcomer: Vec<bool>,
    prior: f64,
}

/// Weak precision on the newcomer means, so they stay defined when there is no newcomer.
const NEWCOMER_MEAN_PRIOR: f64 = 0.5;

impl Problem {
    /// Prepares the matches strictly before `at` (later ones are ignored).
    pub fn new(games: &[Game], at: NaiveDate, config: &DcConfig) -> Problem {
        let games: Vec<&Game> = games.iter().filter(|g| g.date < at).collect();
        let mut index: HashMap<TeamId, usize> = HashMap::new();
        let mut teams = Vec::new();
        let mut first_seen = Vec::new();
        for g in &games {
            for t in [g.home, g.away] {
                index.entry(t).or_insert_with(|| {
                    teams.push(t);
                    first_seen.push(g.date);
                    teams.len() - 1
                });
            }
        }
        let window_start = games.iter().map(|g| g.date).min().unwrap_or(at);
        let newcomer = first_seen
            .iter()
            .map(|d| (*d - window_start).num_days() > config.newcomer_after_days)
            .collect();

        // Goals per shot on target in the window, for the pseudo-goals.
        let (mut goals, mut sot) = (0.0, 0.0);
        for g in &games {
            if let (Some(hs), Some(as_)) = (g.home_sot, g.away_sot) {
                goals += f64::from(g.home_goals) + f64::from(g.away_goals);
                sot += f64::from(hs) + f64::from(as_);
            }
        }
        let conversion = if sot > 0.0 { goals / sot } else { 0.0 };
        let s = if conversion > 0.0 {
            config.sot_weight
        } else {
            0.0
        };

        let rows = games
            .iter()
            .map(|g| {
                let days = (at - g.date).num_days() as f64;
                let (gx, gy) = (f64::from(g.home_goals), f64::from(g.away_goals));
                let (x, y) = match (g.home_sot, g.away_sot) {
                    (Some(hs), Some(as_)) if s > 0.0 => (
                        (1.0 - s) * gx + s * conversion * f64::from(hs),
                        (1.0 - s) * gy + s * conversion * f64::from(as_),
                    ),
                    _ => (gx, gy),
                };
                Row {
                    home: index[&g.home],
                    away: index[&g.away],
                    x,
                    y,
                    gx: g.home_goals,
                    gy: g.away_goals,
                    w: (-config.xi * days).exp(),
                }
            })
            .collect();
        Problem {
            rows,
            teams,
            newcomer,
            prior: config.prior_strength,
        }
    }

    pub fn n_params(&self) -> usize {
        FIXED + 2 * self.teams.len()
    }

    fn n(&self) -> usize {
        self.teams.len()
    }

    /// Objective, gradient and (optionally) the Newton matrix at `theta`.
    /// The objective is `+inf` where the low-score correction would be non-positive.
    pub fn evaluate(&self, theta: &[f64], hessian: bool) -> (f64, Vec<f64>, Option<Vec<f64>>) {
        let n = self.n();
        let p = self.n_params();
        let (a0, d0) = (FIXED, FIXED + n);
        let mut f = 0.0;
        let mut g = vec![0.0; p];
        let mut hm = if hessian {
            vec![0.0; p * p]
        } else {
            Vec::new()
        };
        let rho = theta[RHO];
        for r in &self.rows {
            let eta1 = theta[C] + theta[H] + theta[a0 + r.home] + theta[d0 + r.away];
            let eta2 = theta[C] + theta[a0 + r.away] + theta[d0 + r.home];
            let (lam, mu) = (eta1.exp(), eta2.exp());
            // log τ and its derivatives with respect to η1, η2 and ρ.
            let (tau, dt1, dt2, dtr) = match (r.gx, r.gy) {
                (0, 0) => {
                    let t = 1.0 - lam * mu * rho;
                    (t, -lam * mu * rho / t, -lam * mu * rho / t, -lam * mu / t)
                }
                (0, 1) => {
                    let t = 1.0 + lam * rho;
                    (t, lam * rho / t, 0.0, lam / t)
                }
                (1, 0) => {
                    let t = 1.0 + mu * rho;
                    (t, 0.0, mu * rho / t, mu / t)
                }
                (1, 1) => {
                    let t = 1.0 - rho;
                    (t, 0.0, 0.0, -1.0 / t)
                }
                _ => (1.0, 0.0, 0.0, 0.0),
            };
            if tau <= 0.0 || !lam.is_finite() || !mu.is_finite() {
                return (f64::INFINITY, g, None);
            }
            let ll = r.x * eta1 - lam + r.y * eta2 - mu + tau.ln();
            f -= r.w * ll;
            let g1 = -r.w * (r.x - lam + dt1);
            let g2 = -r.w * (r.y - mu + dt2);
            let idx1 = [C, H, a0 + r.home, d0 + r.away];
            let idx2 = [C, a0 + r.away, d0 + r.home];
            for &i in &idx1 {
                g[i] += g1;
            }
            for &i in &idx2 {
                g[i] += g2;
            }
            g[RHO] -= r.w * dtr;
            if hessian {
                let (h1, h2) = (r.w * lam, r.w * mu);
                for &i in &idx1 {
                    for &j in &idx1 {
                        hm[i * p + j] += h1;
                    }
                }
                for &i in &idx2 {
                    for &j in &idx2 {
                        hm[i * p + j] += h2;
                    }
                }
                hm[RHO * p + RHO] += r.w * dtr * dtr;
            }
        }
        // Shrinkage prior.
        let k = self.prior;
        for t in 0..n {
            let (ma, md) = if self.newcomer[t] {
                (theta[PA], theta[PD])
            } else {
                (0.0, 0.0)
            };
            let (ea, ed) = (theta[a0 + t] - ma, theta[d0 + t] - md);
            f += 0.5 * k * (ea * ea + ed * ed);
            g[a0 + t] += k * ea;
            g[d0 + t] += k * ed;
            if self.newcomer[t] {
                g[PA] -= k * ea;
                g[PD] -= k * ed;
            }
            if hessian {
                hm[(a0 + t) * p + a0 + t] += k;
                hm[(d0 + t) * p + d0 + t] += k;
                if self.newcomer[t] {
                    hm[PA * p + PA] += k;
                    hm[PD * p + PD] += k;
                    for (pi, ti) in [(PA, a0 + t), (PD, d0 + t)] {
                        hm[pi * p + ti] -= k;
                        hm[ti * p + pi] -= k;
                    }
                }
            }
        }
        f += 0.5 * NEWCOMER_MEAN_PRIOR * (theta[PA].powi(2) + theta[PD].powi(2));
        g[PA] += NEWCOMER_MEAN_PRIOR * theta[PA];
        g[PD] += NEWCOMER_MEAN_PRIOR * theta[PD];
        if hessian {
            hm[PA * p + PA] += NEWCOMER_MEAN_PRIOR;
            hm[PD * p + PD] += NEWCOMER_MEAN_PRIOR;
            for i in 0..p {
                hm[i * p + i] += 1e-9;
            }
        }
        (f, g, hessian.then_some(hm))
    }

    /// A starting point: the previous fit's parameters where they exist, else neutral.
    fn start(&self, warm: Option<&DixonColes>) -> Vec<f64> {
        let n = self.n();
        let mut theta = vec![0.0; self.n_params()];
        let mean_goals = {
            let (s, w) = self.rows.iter().fold((0.0, 0.0), |(s, w), r| {
                (s + r.w * (r.x + r.y), w + 2.0 * r.w)
            });
            if w > 0.0 && s > 0.0 { s / w } else { 1.3 }
        };
        theta[C] = mean_goals.ln();
        theta[H] = 0.25;
        if let Some(m) = warm {
            theta[C] = m.intercept;
            theta[H] = m.home_advantage;
            theta[RHO] = m.rho;
            theta[PA] = m.newcomer_attack;
            theta[PD] = m.newcomer_defence;
            let prev: HashMap<TeamId, usize> =
                m.teams.iter().enumerate().map(|(i, t)| (*t, i)).collect();
            for (t, team) in self.teams.iter().enumerate() {
                let (a, d) = match prev.get(team) {
                    Some(&i) => (m.attack[i], m.defence[i]),
                    None => (m.newcomer_attack, m.newcomer_defence),
                };
                theta[FIXED + t] = a;
                theta[FIXED + n + t] = d;
            }
        }
        theta
    }
}

/// Fits the model on the matches strictly before `at`, warm-started from `warm` if given.
/// Returns `None` when there is no match to fit.
pub fn fit(
    games: &[Game],
    at: NaiveDate,
    config: &DcConfig,
    warm: Option<&DixonColes>,
) -> Option<DixonColes> {
    let problem = Problem::new(games, at, config);
    if problem.rows.is_empty() {
        return None;
    }
    let p = problem.n_params();
    let mut theta = problem.start(warm);
    let (mut f, _, _) = problem.evaluate(&theta, false);
    if !f.is_finite() {
        theta[RHO] = 0.0;
        f = problem.evaluate(&theta, false).0;
    }
    let total_weight: f64 = problem.rows.iter().map(|r| r.w).sum();
    let mut iterations = 0;
    for it in 0..config.max_iterations {
        iterations = it + 1;
        let (_, g, hm) = problem.evaluate(&theta, true);
        let Some(hm) = hm else { break };
        let gmax = g.iter().fold(0.0f64, |m, v| m.max(v.abs()));
        if gmax < 1e-7 * total_weight.max(1.0) {
            break;
        }
        let Some(step) = solve_spd(&hm, &g, p) else {
            break;
        };
        let mut t = 1.0;
        let mut accepted = false;
        for _ in 0..40 {
            let cand: Vec<f64> = theta.iter().zip(&step).map(|(a, s)| a - t * s).collect();
            let (fc, _, _) = problem.evaluate(&cand, false);
            if fc.is_finite() && fc <= f {
                let gain = f - fc;
                theta = cand;
                f = fc;
                accepted = gain > 1e-12 * f.abs().max(1.0) || t == 1.0;
                break;
            }
            t *= 0.5;
        }
        if !accepted {
            break;
        }
    }
    let n = problem.n();
    Some(DixonColes {
        teams: problem.teams.clone(),
        attack: theta[FIXED..FIXED + n].to_vec(),
        defence: theta[FIXED + n..FIXED + 2 * n].to_vec(),
        intercept: theta[C],
        home_advantage: theta[H],
        rho: theta[RHO],
        newcomer_attack: theta[PA],
        newcomer_defence: theta[PD],
        fitted_for: at,
        n_games: problem.rows.len(),
        iterations,
    })
}

impl DixonColes {
    fn ratings(&self, team: TeamId) -> (f64, f64) {
        match self.teams.iter().position(|t| *t == team) {
            Some(i) => (self.attack[i], self.defence[i]),
            None => (self.newcomer_attack, self.newcomer_defence),
        }
    }

    /// Expected goals (λ, μ) of `home` against `away` at `home`'s ground.
    pub fn rates(&self, home: TeamId, away: TeamId) -> (f64, f64) {
        let (ah, dh) = self.ratings(home);
        let (aa, da) = self.ratings(away);
        (
            (self.intercept + self.home_advantage + ah + da).exp(),
            (self.intercept + aa + dh).exp(),
        )
    }

    /// Attack and defence of a team (newcomer values for a team the fit has not seen).
    pub fn team_ratings(&self, team: TeamId) -> (f64, f64) {
        self.ratings(team)
    }
}

#[cfg(test)]
mod tests;
