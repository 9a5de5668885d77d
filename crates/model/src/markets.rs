//! From expected goals to the markets users ask for, through the score matrix.

use crate::game::Probabilities;
use serde::{Deserialize, Serialize};

/// Goals 0..=MAX_GOALS for each side.
pub const MAX_GOALS: usize = 10;
const SIDE: usize = MAX_GOALS + 1;

/// P(home scores i, away scores j) for i, j in 0..=10, normalised to sum to 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ScoreMatrix {
    pub p: Vec<f64>,
}

fn poisson(rate: f64) -> [f64; SIDE] {
    let mut out = [0.0; SIDE];
    out[0] = (-rate).exp();
    for k in 1..SIDE {
        out[k] = out[k - 1] * rate / k as f64;
    }
    out
}

impl ScoreMatrix {
    /// Independent Poisson goals with the Dixon-Coles low-score correction `rho`.
    pub fn dixon_coles(lambda: f64, mu: f64, rho: f64) -> ScoreMatrix {
        let (ph, pa) = (poisson(lambda), poisson(mu));
        let mut p = vec![0.0; SIDE * SIDE];
        for i in 0..SIDE {
            for j in 0..SIDE {
                let tau = match (i, j) {
                    (0, 0) => 1.0 - lambda * mu * rho,
                    (0, 1) => 1.0 + lambda * rho,
                    (1, 0) => 1.0 + mu * rho,
                    (1, 1) => 1.0 - rho,
                    _ => 1.0,
                };
                p[i * SIDE + j] = (tau * ph[i] * pa[j]).max(0.0);
            }
        }
        let s: f64 = p.iter().sum();
        p.iter_mut().for_each(|v| *v /= s);
        ScoreMatrix { p }
    }

    pub fn get(&self, home: usize, away: usize) -> f64 {
        self.p[home * SIDE + away]
    }

    fn sum_where(&self, keep: impl Fn(usize, usize) -> bool) -> f64 {
        let mut s = 0.0;
        for i in 0..SIDE {
            for j in 0..SIDE {
                if keep(i, j) {
                    s += self.p[i * SIDE + j];
                }
            }
        }
        s
    }

    pub fn outcome(&self) -> Probabilities {
        Probabilities::normalised(
            self.sum_where(|i, j| i > j),
            self.sum_where(|i, j| i == j),
            self.sum_where(|i, j| i < j),
        )
    }

    /// Expected goals (home, away) under the matrix.
    pub fn expected_goals(&self) -> (f64, f64) {
        let mut e = (0.0, 0.0);
        for i in 0..SIDE {
            for j in 0..SIDE {
                e.0 += i as f64 * self.p[i * SIDE + j];
                e.1 += j as f64 * self.p[i * SIDE + j];
            }
        }
        e
    }

    /// The `n` most likely scorelines, most likely first.
    pub fn top_scores(&self, n: usize) -> Vec<Scoreline> {
        let mut all: Vec<Scoreline> = (0..SIDE * SIDE)
            .map(|k| Scoreline {
                home: (k / SIDE) as u8,
                away: (k % SIDE) as u8,
                probability: self.p[k],
            })
            .collect();
        all.sort_by(|a, b| b.probability.total_cmp(&a.probability));
        all.truncate(n);
        all
    }

    /// Every market derived from the matrix.
    pub fn markets(&self) -> Markets {
        let outcome = self.outcome();
        let over_under = [0.5, 1.5, 2.5, 3.5, 4.5]
            .iter()
            .map(|&line| {
                let over = self.sum_where(|i, j| (i + j) as f64 > line);
                OverUnderLine {
                    line,
                    over,
                    under: 1.0 - over,
                }
            })
            .collect();
        let btts = self.sum_where(|i, j| i > 0 && j > 0);
        let (xg_home, xg_away) = self.expected_goals();
        Markets {
            outcome,
            double_chance: DoubleChance {
                home_or_draw: outcome.home + outcome.draw,
                draw_or_away: outcome.draw + outcome.away,
                home_or_away: outcome.home + outcome.away,
            },
            over_under,
            both_teams_to_score: YesNo {
                yes: btts,
                no: 1.0 - btts,
            },
            expected_goals_home: xg_home,
            expected_goals_away: xg_away,
            top_scores: self.top_scores(5),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Scoreline {
    pub home: u8,
    pub away: u8,
    pub probability: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct DoubleChance {
    /// 1X
    pub home_or_draw: f64,
    /// X2
    pub draw_or_away: f64,
    /// 12
    pub home_or_away: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct OverUnderLine {
    pub line: f64,
    pub over: f64,
    pub under: f64,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct YesNo {
    pub yes: f64,
    pub no: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Markets {
    pub outcome: Probabilities,
    pub double_chance: DoubleChance,
    pub over_under: Vec<OverUnderLine>,
    pub both_teams_to_score: YesNo,
    pub expected_goals_home: f64,
    pub expected_goals_away: f64,
    pub top_scores: Vec<Scoreline>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn independent_poisson_matches_hand_values() {
        let m = ScoreMatrix::dixon_coles(1.0, 1.0, 0.0);
        // P(0-0) = e^-2 (up to the tiny truncation at 10 goals).
        assert!((m.get(0, 0) - (-2.0f64).exp()).abs() < 1e-7);
        let o = m.outcome();
        assert!((o.home - o.away).abs() < 1e-12);
        let (xh, xa) = m.expected_goals();
        assert!((xh - 1.0).abs() < 1e-6 && (xa - 1.0).abs() < 1e-6);
    }

    #[test]
    fn negative_rho_raises_draws_of_low_scores() {
        let plain = ScoreMatrix::dixon_coles(1.2, 1.0, 0.0);
        let dc = ScoreMatrix::dixon_coles(1.2, 1.0, -0.1);
        assert!(dc.get(0, 0) > plain.get(0, 0));
        assert!(dc.get(1, 1) > plain.get(1, 1));
        assert!(dc.outcome().draw > plain.outcome().draw);
    }

    #[test]
    fn markets_are_consistent() {
        let m = ScoreMatrix::dixon_coles(1.6, 0.9, -0.05).markets();
        assert!((m.double_chance.home_or_draw - (m.outcome.home + m.outcome.draw)).abs() < 1e-12);
        assert_eq!(m.over_under.len(), 5);
        assert!(m.over_under.windows(2).all(|w| w[0].over >= w[1].over));
        assert_eq!(m.top_scores.len(), 5);
        assert!(
            m.top_scores
                .windows(2)
                .all(|w| w[0].probability >= w[1].probability)
        );
        assert_eq!((m.top_scores[0].home, m.top_scores[0].away), (1, 0));
    }

    proptest! {
        #[test]
        fn probabilities_are_positive_and_sum_to_one(
            lambda in 0.05f64..5.0, mu in 0.05f64..5.0, rho in -0.2f64..0.2,
        ) {
            prop_assume!(1.0 - lambda * mu * rho > 0.0 && 1.0 + lambda * rho > 0.0 && 1.0 + mu * rho > 0.0);
            let m = ScoreMatrix::dixon_coles(lambda, mu, rho);
            prop_assert!(m.p.iter().all(|v| *v >= 0.0));
            prop_assert!((m.p.iter().sum::<f64>() - 1.0).abs() < 1e-9);
            let o = m.outcome();
            prop_assert!(o.home > 0.0 && o.draw > 0.0 && o.away > 0.0);
            prop_assert!((o.home + o.draw + o.away - 1.0).abs() < 1e-9);
            let mk = m.markets();
            for l in &mk.over_under {
                prop_assert!((l.over + l.under - 1.0).abs() < 1e-12);
            }
        }
    }
}
