//! Forecast scores: ranked probability score, log loss, Brier score, accuracy, calibration.

use crate::game::{Outcome, Probabilities};
use serde::{Deserialize, Serialize};

/// Ranked probability score of one forecast:
/// `1/2 * sum_{k=1,2} (cumulative forecast_k - cumulative outcome_k)^2`.
pub fn rps(p: &Probabilities, outcome: Outcome) -> f64 {
    let o = one_hot(outcome);
    let f = p.as_array();
    let (c1, o1) = (f[0], o[0]);
    let (c2, o2) = (f[0] + f[1], o[0] + o[1]);
    0.5 * ((c1 - o1).powi(2) + (c2 - o2).powi(2))
}

/// Negative natural log of the probability given to what happened.
pub fn log_loss(p: &Probabilities, outcome: Outcome) -> f64 {
    -p.get(outcome).max(1e-15).ln()
}

/// Multi-class Brier score: sum over the three outcomes of (forecast - outcome)^2.
pub fn brier(p: &Probabilities, outcome: Outcome) -> f64 {
    let o = one_hot(outcome);
    p.as_array()
        .iter()
        .zip(o)
        .map(|(f, o)| (f - o).powi(2))
        .sum()
}

fn one_hot(outcome: Outcome) -> [f64; 3] {
    let mut o = [0.0; 3];
    o[outcome.index()] = 1.0;
    o
}

/// Mean scores over a set of forecasts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    pub n: usize,
    pub rps: f64,
    pub log_loss: f64,
    pub brier: f64,
    pub accuracy: f64,
}

impl Scores {
    pub fn of<'a>(forecasts: impl IntoIterator<Item = (&'a Probabilities, Outcome)>) -> Scores {
        let mut s = Scores::default();
        for (p, o) in forecasts {
            s.n += 1;
            s.rps += rps(p, o);
            s.log_loss += log_loss(p, o);
            s.brier += brier(p, o);
            s.accuracy += f64::from(u8::from(p.most_likely() == o));
        }
        if s.n > 0 {
            let n = s.n as f64;
            s.rps /= n;
            s.log_loss /= n;
            s.brier /= n;
            s.accuracy /= n;
        }
        s
    }
}

/// One reliability bin: forecasts whose probability fell in `[lower, upper)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CalibrationBin {
    pub lower: f64,
    pub upper: f64,
    pub n: usize,
    pub mean_forecast: f64,
    pub observed_frequency: f64,
}

/// Reliability diagram data over all three outcomes of every forecast, `bins` equal bins.
pub fn calibration<'a>(
    forecasts: impl IntoIterator<Item = (&'a Probabilities, Outcome)>,
    bins: usize,
) -> Vec<CalibrationBin> {
    let bins = bins.max(1);
    let mut sum_f = vec![0.0; bins];
    let mut hits = vec![0.0; bins];
    let mut n = vec![0usize; bins];
    for (p, o) in forecasts {
        for (k, f) in p.as_array().iter().enumerate() {
            let b = ((f * bins as f64) as usize).min(bins - 1);
            sum_f[b] += f;
            hits[b] += f64::from(u8::from(k == o.index()));
            n[b] += 1;
        }
    }
    (0..bins)
        .map(|b| CalibrationBin {
            lower: b as f64 / bins as f64,
            upper: (b + 1) as f64 / bins as f64,
            n: n[b],
            mean_forecast: if n[b] > 0 {
                sum_f[b] / n[b] as f64
            } else {
                0.0
            },
            observed_frequency: if n[b] > 0 { hits[b] / n[b] as f64 } else { 0.0 },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(h: f64, d: f64, a: f64) -> Probabilities {
        Probabilities {
            home: h,
            draw: d,
            away: a,
        }
    }

    #[test]
    fn rps_matches_hand_computed_values() {
        // Constantinou & Fenton's example forecasts for a home win.
        assert!((rps(&p(1.0, 0.0, 0.0), Outcome::Home) - 0.0).abs() < 1e-12);
        assert!((rps(&p(0.9, 0.1, 0.0), Outcome::Home) - 0.005).abs() < 1e-12);
        assert!((rps(&p(0.8, 0.1, 0.1), Outcome::Home) - 0.025).abs() < 1e-12);
        assert!((rps(&p(0.5, 0.25, 0.25), Outcome::Home) - 0.15625).abs() < 1e-12);
        // (0.4,0.3,0.3) for a draw: c1 = 0.4 vs 0, c2 = 0.7 vs 1 -> (0.16 + 0.09)/2.
        assert!((rps(&p(0.4, 0.3, 0.3), Outcome::Draw) - 0.125).abs() < 1e-12);
        // An away win is punished more for home mass than for draw mass.
        assert!(rps(&p(0.6, 0.2, 0.2), Outcome::Away) > rps(&p(0.2, 0.6, 0.2), Outcome::Away));
    }

    #[test]
    fn log_loss_and_brier_match_hand_values() {
        let f = p(0.5, 0.3, 0.2);
        assert!((log_loss(&f, Outcome::Draw) - (-(0.3f64).ln())).abs() < 1e-12);
        // (0.5)^2 + (0.7)^2 + (0.2)^2 = 0.25 + 0.49 + 0.04
        assert!((brier(&f, Outcome::Draw) - 0.78).abs() < 1e-12);
        let s = Scores::of([(&f, Outcome::Home), (&f, Outcome::Away)]);
        assert_eq!(s.n, 2);
        assert!((s.accuracy - 0.5).abs() < 1e-12);
        assert!((s.brier - (0.25 + 0.09 + 0.04 + 0.25 + 0.09 + 0.64) / 2.0).abs() < 1e-12);
    }

    #[test]
    fn calibration_bins_count_every_outcome() {
        let f = p(0.55, 0.25, 0.2);
        let bins = calibration([(&f, Outcome::Home), (&f, Outcome::Away)], 10);
        assert_eq!(bins.iter().map(|b| b.n).sum::<usize>(), 6);
        let b5 = &bins[5];
        assert_eq!(b5.n, 2);
        assert!((b5.observed_frequency - 0.5).abs() < 1e-12);
    }
}
