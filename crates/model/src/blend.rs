//! Linear opinion pools: `p = Σ w_k p_k` with weights on the simplex, learnt by minimising
//! the log loss of past forecasts (only forecasts whose result was known).

use crate::game::{Outcome, Probabilities};
use crate::linalg::minimise_small;

fn softmax(z: &[f64]) -> Vec<f64> {
    let m = z.iter().fold(f64::NEG_INFINITY, |a, b| a.max(*b));
    let e: Vec<f64> = z.iter().map(|v| (v - m).exp()).collect();
    let s: f64 = e.iter().sum();
    e.into_iter().map(|v| v / s).collect()
}

/// Combines member forecasts with `weights` (which sum to one).
pub fn combine(members: &[Probabilities], weights: &[f64]) -> Probabilities {
    let mut p = [0.0; 3];
    for (m, w) in members.iter().zip(weights) {
        for (acc, v) in p.iter_mut().zip(m.as_array()) {
            *acc += w * v;
        }
    }
    Probabilities::normalised(p[0], p[1], p[2])
}

/// Learns weights from `(member forecasts, outcome)` pairs. Falls back to equal weights
/// when there is nothing to learn from.
pub fn learn_weights(history: &[(Vec<Probabilities>, Outcome)], members: usize) -> Vec<f64> {
    let equal = vec![1.0 / members as f64; members];
    if history.is_empty() || members <= 1 {
        return equal;
    }
    // Weights = softmax(0, z_1, …, z_{k-1}) so the parameters are unconstrained.
    let weights = |z: &[f64]| {
        let mut full = vec![0.0];
        full.extend_from_slice(z);
        softmax(&full)
    };
    let loss = |z: &[f64]| {
        let w = weights(z);
        history
            .iter()
            .map(|(ps, o)| {
                let p: f64 = ps.iter().zip(&w).map(|(p, w)| w * p.get(*o)).sum();
                -p.max(1e-15).ln()
            })
            .sum::<f64>()
            / history.len() as f64
            // A faint pull to equal weights keeps the optimum unique when members agree.
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
    let z = minimise_small(&loss, &grad, &vec![0.0; members - 1], 30);
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
        assert!((w[0] + w[1] - 1.0).abs() < 1e-12);
        assert!(w[0] > 0.95, "{w:?}");
        let c = combine(&[good, bad], &w);
        assert!((c.home + c.draw + c.away - 1.0).abs() < 1e-12);
    }

    #[test]
    fn equal_weights_without_history() {
        assert_eq!(learn_weights(&[], 2), vec![0.5, 0.5]);
    }
}
