//! From a match's margin-free market prices to the expected goals they imply.
//!
//! The score model is [`ScoreMatrix::dixon_coles`] at ρ = [`MARKET_RHO`]: independent Poisson
//! goals (0..=10 each) with the low-score adjustment, renormalised. The implied
//! `(ln λh, ln λa)` are the ones whose P(home win), P(away win) and, when the market has one,
//! P(over 2.5 goals) come closest to the market's in least squares, found by Gauss-Newton
//! with clipped steps inside `ln 0.05 ..= ln 6`.

use crate::game::Probabilities;
pub use crate::game::{ImpliedGoals, MarketPrices, MatchMarket};
use crate::markets::{MAX_GOALS, ScoreMatrix};

/// The low-score adjustment of the score model the market is read through.
pub const MARKET_RHO: f64 = -0.1;
/// Bounds of an implied expected-goals figure.
pub const MIN_GOALS_RATE: f64 = 0.05;
pub const MAX_GOALS_RATE: f64 = 6.0;
/// The largest Gauss-Newton step in either log rate.
const MAX_STEP: f64 = 0.5;

/// Decimal odds → probabilities proportional to their inverses (the margin spread evenly).
/// `None` unless every price is a finite number above 1.
pub fn margin_free<const N: usize>(odds: [f64; N]) -> Option<[f64; N]> {
    if odds.iter().any(|o| !o.is_finite() || *o <= 1.0) {
        return None;
    }
    let inv = odds.map(|o| 1.0 / o);
    let s: f64 = inv.iter().sum();
    Some(inv.map(|v| v / s))
}

impl MarketPrices {
    /// The first complete 1X2 triple of `result` (in the caller's order of preference) and
    /// the first complete over/under pair of `over_under`; `None` without a valid 1X2 triple.
    pub fn from_odds(result: &[Option<[f64; 3]>], over_under: &[Option<[f64; 2]>]) -> Option<Self> {
        let p = result.iter().flatten().find_map(|o| margin_free(*o))?;
        let over = over_under
            .iter()
            .flatten()
            .find_map(|o| margin_free(*o))
            .map(|p| p[0]);
        Some(MarketPrices {
            result: Probabilities::from_array(p),
            over_2_5: over,
        })
    }
}

/// A match's prices as the data has them, in the order of preference: 1X2 from Pinnacle's
/// closing, the market-average closing, Pinnacle's pre-match, the market-average pre-match
/// and Bet365's prices; over/under 2.5 from Pinnacle's closing, the average closing,
/// Pinnacle's pre-match and the average pre-match prices.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PriceSources {
    pub result: [Option<[f64; 3]>; 5],
    pub over_under: [Option<[f64; 2]>; 4],
}

impl PriceSources {
    /// The first complete price of each kind, margin removed.
    pub fn prices(&self) -> Option<MarketPrices> {
        MarketPrices::from_odds(&self.result, &self.over_under)
    }

    /// The match's market and the expected goals it implies.
    pub fn market(&self) -> Option<MatchMarket> {
        MatchMarket::of(self.prices()?)
    }
}

impl MatchMarket {
    /// Inverts the prices (once per match).
    pub fn of(prices: MarketPrices) -> Option<Self> {
        Some(MatchMarket {
            goals: implied_goals(&prices)?,
            prices,
        })
    }

    /// The market the score model would quote at these expected goals.
    pub fn from_goals(goals: ImpliedGoals) -> Self {
        MatchMarket {
            prices: prices_of(goals),
            goals,
        }
    }
}

impl ImpliedGoals {
    pub fn ln(&self) -> (f64, f64) {
        (self.home.ln(), self.away.ln())
    }
}

/// P(home), P(away), P(over 2.5) of the score model at `(x, y) = (ln λh, ln λa)`.
fn model_prices(x: f64, y: f64) -> [f64; 3] {
    let m = ScoreMatrix::dixon_coles(x.exp(), y.exp(), MARKET_RHO);
    let side = MAX_GOALS + 1;
    let (mut home, mut away, mut under) = (0.0, 0.0, 0.0);
    for i in 0..side {
        for j in 0..side {
            let p = m.p[i * side + j];
            if i > j {
                home += p;
            } else if i < j {
                away += p;
            }
            if i + j <= 2 {
                under += p;
            }
        }
    }
    [home, away, 1.0 - under]
}

/// The expected goals that reproduce `market` best; `None` if the prices are not finite
/// probabilities.
pub fn implied_goals(market: &MarketPrices) -> Option<ImpliedGoals> {
    let target = [
        market.result.home,
        market.result.away,
        market.over_2_5.unwrap_or(0.0),
    ];
    let terms = if market.over_2_5.is_some() { 3 } else { 2 };
    if target[..terms]
        .iter()
        .any(|p| !p.is_finite() || *p <= 0.0 || *p >= 1.0)
    {
        return None;
    }
    let (lo, hi) = (MIN_GOALS_RATE.ln(), MAX_GOALS_RATE.ln());
    let residuals = |x: f64, y: f64| {
        let m = model_prices(x, y);
        [m[0] - target[0], m[1] - target[1], m[2] - target[2]]
    };
    let sse = |r: &[f64; 3]| r[..terms].iter().map(|v| v * v).sum::<f64>();
    let (mut x, mut y) = (1.4f64.ln(), 1.1f64.ln());
    for _ in 0..60 {
        let r = residuals(x, y);
        let e = 1e-6;
        let (rx1, rx0) = (residuals(x + e, y), residuals(x - e, y));
        let (ry1, ry0) = (residuals(x, y + e), residuals(x, y - e));
        // JᵀJ δ = −Jᵀ r over the terms in use.
        let (mut a, mut b, mut c, mut gx, mut gy) = (0.0, 0.0, 0.0, 0.0, 0.0);
        for k in 0..terms {
            let jx = (rx1[k] - rx0[k]) / (2.0 * e);
            let jy = (ry1[k] - ry0[k]) / (2.0 * e);
            a += jx * jx;
            b += jx * jy;
            c += jy * jy;
            gx += jx * r[k];
            gy += jy * r[k];
        }
        let det = a * c - b * b;
        if !det.is_finite() || det.abs() < 1e-300 {
            break;
        }
        let dx = (-(c * gx) + b * gy) / det;
        let dy = (b * gx - a * gy) / det;
        // Clipped as a whole, so that the step keeps its direction.
        let scale = (MAX_STEP / dx.abs().max(dy.abs())).min(1.0);
        let (dx, dy) = (dx * scale, dy * scale);
        // Halve the step until the fit improves (far from the answer, the model's prices
        // flatten out and a full step could run to the bounds).
        let current = sse(&r);
        let mut t = 1.0;
        let mut next = None;
        while t > 1e-4 {
            let (nx, ny) = ((x + t * dx).clamp(lo, hi), (y + t * dy).clamp(lo, hi));
            if sse(&residuals(nx, ny)) <= current {
                next = Some((nx, ny));
                break;
            }
            t *= 0.5;
        }
        let Some((nx, ny)) = next else {
            break;
        };
        let moved = (nx - x).abs().max((ny - y).abs());
        (x, y) = (nx, ny);
        if moved < 1e-10 {
            break;
        }
    }
    Some(ImpliedGoals {
        home: x.exp(),
        away: y.exp(),
    })
}

/// The market's prices under the score model at the given expected goals (what
/// [`implied_goals`] inverts).
pub fn prices_of(goals: ImpliedGoals) -> MarketPrices {
    let (x, y) = goals.ln();
    let m = model_prices(x, y);
    let draw = (1.0 - m[0] - m[1]).max(0.0);
    MarketPrices {
        result: Probabilities::normalised(m[0], draw, m[1]),
        over_2_5: Some(m[2]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn margin_free_prices_sum_to_one_and_refuse_bad_odds() {
        let p = margin_free([2.0, 3.5, 4.0]).unwrap();
        assert!((p.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(p[0] > p[1] && p[1] > p[2]);
        assert_eq!(margin_free([1.0, 3.0, 3.0]), None);
        assert_eq!(margin_free([f64::NAN, 3.0, 3.0]), None);
        assert_eq!(margin_free([0.0, 3.0]), None);
    }

    #[test]
    fn the_first_complete_triple_wins() {
        let m = MarketPrices::from_odds(
            &[
                None,
                Some([0.5, 3.0, 3.0]),
                Some([2.0, 4.0, 4.0]),
                Some([3.0, 3.0, 3.0]),
            ],
            &[None, Some([2.0, 2.0])],
        )
        .unwrap();
        assert!((m.result.home - 0.5).abs() < 1e-12);
        assert_eq!(m.over_2_5, Some(0.5));
        assert_eq!(MarketPrices::from_odds(&[None], &[Some([2.0, 2.0])]), None);
    }

    #[test]
    fn a_typical_market_gives_typical_goals() {
        let m = MarketPrices {
            result: Probabilities::normalised(0.45, 0.27, 0.28),
            over_2_5: Some(0.52),
        };
        let g = implied_goals(&m).unwrap();
        assert!(g.home > g.away, "{g:?}");
        assert!((2.3..3.2).contains(&(g.home + g.away)), "{g:?}");
    }

    proptest! {
        /// Prices the score model produced are inverted back to its expected goals.
        #[test]
        fn implied_goals_recover_the_rates_behind_their_prices(
            home in 0.2f64..4.0,
            away in 0.2f64..4.0,
            with_over in any::<bool>(),
        ) {
            let mut prices = prices_of(ImpliedGoals { home, away });
            if !with_over {
                prices.over_2_5 = None;
            }
            let g = implied_goals(&prices).unwrap();
            prop_assert!((g.home - home).abs() < 1e-4 * home.max(1.0), "{g:?} vs {home} {away}");
            prop_assert!((g.away - away).abs() < 1e-4 * away.max(1.0), "{g:?} vs {home} {away}");
        }

        /// Whatever the prices, the answer stays inside the bounds.
        #[test]
        fn implied_goals_stay_in_bounds(h in 0.001f64..0.998, a_share in 0.001f64..0.999, o in 0.001f64..0.999) {
            let a = (1.0 - h) * a_share;
            let m = MarketPrices { result: Probabilities::normalised(h, 1.0 - h - a, a), over_2_5: Some(o) };
            if let Some(g) = implied_goals(&m) {
                prop_assert!(g.home >= MIN_GOALS_RATE * 0.999999 && g.home <= MAX_GOALS_RATE * 1.000001);
                prop_assert!(g.away >= MIN_GOALS_RATE * 0.999999 && g.away <= MAX_GOALS_RATE * 1.000001);
            }
        }
    }
}
