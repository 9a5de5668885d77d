//! Bookmaker odds to probabilities with the margin (overround) removed.

use crate::game::Probabilities;

/// Decimal 1X2 odds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Odds {
    pub home: f64,
    pub draw: f64,
    pub away: f64,
}

impl Odds {
    fn inverse(&self) -> [f64; 3] {
        [1.0 / self.home, 1.0 / self.draw, 1.0 / self.away]
    }

    /// The bookmaker's margin: sum of implied probabilities minus one.
    pub fn margin(&self) -> f64 {
        self.inverse().iter().sum::<f64>() - 1.0
    }

    fn valid(&self) -> bool {
        [self.home, self.draw, self.away]
            .iter()
            .all(|o| o.is_finite() && *o > 1.0)
    }
}

/// Margin-removal methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// Divide each implied probability by their sum.
    Basic,
    /// Raise implied probabilities to the power k that makes them sum to one.
    Power,
    /// Shin's model of insider trading (1991/1993).
    Shin,
}

/// Probabilities from odds; `None` for unusable odds.
pub fn remove_margin(odds: &Odds, method: Method) -> Option<Probabilities> {
    if !odds.valid() {
        return None;
    }
    let pi = odds.inverse();
    let p = match method {
        Method::Basic => {
            let s: f64 = pi.iter().sum();
            pi.map(|v| v / s)
        }
        Method::Power => {
            // sum(pi^k) is decreasing in k; find k with sum = 1 by bisection.
            let sum = |k: f64| pi.iter().map(|v| v.powf(k)).sum::<f64>();
            let (mut lo, mut hi) = (0.01, 10.0);
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if sum(mid) > 1.0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            let k = 0.5 * (lo + hi);
            pi.map(|v| v.powf(k))
        }
        Method::Shin => {
            let total: f64 = pi.iter().sum();
            let probs = |z: f64| {
                pi.map(|v| {
                    ((z * z + 4.0 * (1.0 - z) * v * v / total).sqrt() - z) / (2.0 * (1.0 - z))
                })
            };
            // The probabilities' sum falls as z rises; find z in [0, 0.5) with sum = 1.
            let (mut lo, mut hi) = (0.0, 0.5);
            for _ in 0..100 {
                let mid = 0.5 * (lo + hi);
                if probs(mid).iter().sum::<f64>() > 1.0 {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            probs(0.5 * (lo + hi))
        }
    };
    Some(Probabilities::normalised(p[0], p[1], p[2]))
}

#[cfg(test)]
mod tests {
    use super::*;

    const ODDS: Odds = Odds {
        home: 2.0,
        draw: 3.5,
        away: 4.0,
    };

    #[test]
    fn basic_normalisation_matches_hand_values() {
        let p = remove_margin(&ODDS, Method::Basic).unwrap();
        let s = 0.5 + 1.0 / 3.5 + 0.25;
        assert!((p.home - 0.5 / s).abs() < 1e-12);
        assert!((p.away - 0.25 / s).abs() < 1e-12);
        assert!((ODDS.margin() - (s - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn fair_odds_are_unchanged_by_every_method() {
        let fair = Odds {
            home: 2.0,
            draw: 4.0,
            away: 4.0,
        };
        for m in [Method::Basic, Method::Power, Method::Shin] {
            let p = remove_margin(&fair, m).unwrap();
            assert!((p.home - 0.5).abs() < 1e-9, "{m:?}");
            assert!((p.draw - 0.25).abs() < 1e-9, "{m:?}");
        }
    }

    #[test]
    fn power_and_shin_take_more_margin_from_longshots() {
        let basic = remove_margin(&ODDS, Method::Basic).unwrap();
        for m in [Method::Power, Method::Shin] {
            let p = remove_margin(&ODDS, m).unwrap();
            assert!((p.home + p.draw + p.away - 1.0).abs() < 1e-12);
            assert!(p.home > basic.home, "{m:?}");
            assert!(p.away < basic.away, "{m:?}");
        }
    }

    #[test]
    fn shin_recovers_the_probabilities_behind_shin_prices() {
        // Shin's model prices outcome i at pi_i = s_i * sum(s), s_i = sqrt((1-z) p_i^2 + z p_i).
        let (p, z) = ([0.55, 0.27, 0.18], 0.03);
        let s = p.map(|v: f64| ((1.0 - z) * v * v + z * v).sqrt());
        let total: f64 = s.iter().sum();
        let odds = Odds {
            home: 1.0 / (s[0] * total),
            draw: 1.0 / (s[1] * total),
            away: 1.0 / (s[2] * total),
        };
        let got = remove_margin(&odds, Method::Shin).unwrap();
        assert!((got.home - p[0]).abs() < 1e-9);
        assert!((got.draw - p[1]).abs() < 1e-9);
        assert!((got.away - p[2]).abs() < 1e-9);
    }

    #[test]
    fn unusable_odds_give_none() {
        assert!(
            remove_margin(
                &Odds {
                    home: 1.0,
                    draw: 3.0,
                    away: 3.0
                },
                Method::Basic
            )
            .is_none()
        );
        assert!(
            remove_margin(
                &Odds {
                    home: f64::NAN,
                    draw: 3.0,
                    away: 3.0
                },
                Method::Shin
            )
            .is_none()
        );
    }
}
