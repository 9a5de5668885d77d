//! Logarithmic opinion pools: `p ∝ Π p_k^{w_k}` with non-negative weights, learnt by
//! minimising the log loss of past forecasts (only forecasts whose result was known).
//! Unlike a linear mixture, the weights need not sum to one, so the pool can also sharpen
//! (or soften) forecasts that are systematically too cautious (or too bold).

use crate::game::{Outcome, Probabilities};
use crate::linalg::minimise_small;

fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
    let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// Combines member forecasts with non-negative `weights`.
pub fn combine(members: &[Probabilities], weights: &[f64]) -> Probabilities {
    let mut logp = [0.0; 3];
    for (m, w) in members.iter().zip(weights) {
        for (acc, v) in logp.iter_mut().zip(m.as_array()) {
            *acc += w * v.max(1e-12).ln();
        }
    }
    let top = logp.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
    Probabilities::normalised(
        (logp[0] - top).exp(),
        (logp[1] - top).exp(),
        (logp[2] - top).exp(),
    )
}

/// Learns weights from `(member forecasts, outcome)` pairs. Falls back to equal weights
/// when there is nothing to learn from.
pub fn learn_weights(history: &[(Vec<Probabilities>, Outcome)], members: usize) -> Vec<f64> {
    let equal = vec![1.0 / members as f64; members];
    if history.is_empty() || members <= 1 {
        return equal;
    }
    // Weights = total * softmax(0, z_1, …, z_{k-1}), total = exp(z_k): all unconstrained.
    let weights = |z: &[f64]| {
        let mut full = vec![0.0];
        full.extend_from_slice(&z[..members - 1]);
        let total = z[members - 1].exp();
        softmax(&full)
            .into_iter()
            .map(|w| w * total)
            .collect::<Vec<f64>>()
    };
    // Log-probabilities once, outcome first: the loss is evaluated many times.
    let logs: Vec<(Vec<[f64; 3]>, usize)> = history
        .iter()
        .map(|(ps, o)| {
            (
                ps.iter()
                    .map(|p| p.as_array().map(|v| v.max(1e-12).ln()))
                    .collect(),
                o.index(),
            )
        })
        .collect();
    let loss = |z: &[f64]| {
        let w = weights(z);
        logs.iter()
            .map(|(ls, o)| {
                let mut s = [0.0; 3];
                for (l, wk) in ls.iter().zip(&w) {
                    for j in 0..3 {
                        s[j] += wk * l[j];
                    }
                }
                let top = s[0].max(s[1]).max(s[2]);
                let norm = s.iter().map(|v| (v - top).exp()).sum::<f64>().ln() + top;
                norm - s[*o]
            })
            .sum::<f64>()
            / logs.len() as f64
            // A faint pull to equal shares and a total of one keeps the optimum unique.
            + 1e-4 * z.iter().map(|v| v * v).sum::<f64>()
    };
    let grad = |z: &[f64]| {
        let h = 1e-6;
        (0..z.len())
            .map(|i| {
                let mut a = z.to_vec();
                let mut b = z.to_vec();
                a[i] += h;
                b[i] -= h;
                (loss(&a) - loss(&b)) / (2.0 * h)
            })
            .collect()
    };
    let z = minimise_small(&loss, &grad, &vec![0.0; members], 30);
    weights(&z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_to_trust_the_better_member() {
        let good = Probabilities {
            home: 0.7,
            draw: 0.2,
            away: 0.1,
        };
        let bad = Probabilities {
            home: 0.1,
            draw: 0.2,
            away: 0.7,
        };
        // Home wins 70% of the time: the "good" member is right, the other is not.
        let mut h = Vec::new();
        for i in 0..100 {
            let o = if i % 10 < 7 {
                Outcome::Home
            } else if i % 10 < 9 {
                Outcome::Draw
            } else {
                Outcome::Away
            };
            h.push((vec![good, bad], o));
        }
        let w = learn_weights(&h, 2);
        assert!(w[0] > 0.8 && w[1] < 0.2, "{w:?}");
        let c = combine(&[good, bad], &w);
        assert!((c.home + c.draw + c.away - 1.0).abs() < 1e-12);
    }

    #[test]
    fn equal_weights_without_history() {
        assert_eq!(learn_weights(&[], 2), vec![0.5, 0.5]);
    }
}
