//! The little dense linear algebra the fitters need: the systems are ~50 × 50, so a
//! straightforward Cholesky factorisation beats pulling in a matrix library.

/// Solves `A x = b` for a symmetric positive-definite `A` (row-major `n × n`) by Cholesky.
/// Returns `None` when `A` is not positive definite.
pub(crate) fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut l = vec![0.0; n * n];
    for i in 0..n {
        for j in 0..=i {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            if i == j {
                if s <= 0.0 || !s.is_finite() {
                    return None;
                }
                l[i * n + i] = s.sqrt();
            } else {
                l[i * n + j] = s / l[j * n + j];
            }
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let mut s = b[i];
        for k in 0..i {
            s -= l[i * n + k] * y[k];
        }
        y[i] = s / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let mut s = y[i];
        for k in i + 1..n {
            s -= l[k * n + i] * x[k];
        }
        x[i] = s / l[i * n + i];
    }
    Some(x)
}

/// Minimises a smooth function of a few variables by damped Newton steps with a
/// finite-difference Hessian of the analytic gradient. For the small link-function fits.
pub(crate) fn minimise_small(
    f: &dyn Fn(&[f64]) -> f64,
    grad: &dyn Fn(&[f64]) -> Vec<f64>,
    x0: &[f64],
    max_iter: usize,
) -> Vec<f64> {
    let n = x0.len();
    let mut x = x0.to_vec();
    let mut fx = f(&x);
    for _ in 0..max_iter {
        let g = grad(&x);
        if g.iter().map(|v| v * v).sum::<f64>().sqrt() < 1e-9 {
            break;
        }
        let h = 1e-5;
        let mut hess = vec![0.0; n * n];
        for j in 0..n {
            let mut xp = x.clone();
            xp[j] += h;
            let gp = grad(&xp);
            for i in 0..n {
                hess[i * n + j] = (gp[i] - g[i]) / h;
            }
        }
        for i in 0..n {
            for j in 0..i {
                let avg = 0.5 * (hess[i * n + j] + hess[j * n + i]);
                hess[i * n + j] = avg;
                hess[j * n + i] = avg;
            }
        }
        let mut step = None;
        let mut damping = 0.0;
        for _ in 0..20 {
            let mut hd = hess.clone();
            for i in 0..n {
                hd[i * n + i] += damping;
            }
            if let Some(s) = solve_spd(&hd, &g, n) {
                step = Some(s);
                break;
            }
            damping = if damping == 0.0 { 1e-6 } else { damping * 10.0 };
        }
        let step = step.unwrap_or_else(|| g.clone());
        let mut t = 1.0;
        let mut improved = false;
        for _ in 0..30 {
            let cand: Vec<f64> = x.iter().zip(&step).map(|(xi, si)| xi - t * si).collect();
            let fc = f(&cand);
            if fc.is_finite() && fc <= fx {
                x = cand;
                improved = fx - fc > 1e-12;
                fx = fc;
                break;
            }
            t *= 0.5;
        }
        if !improved {
            break;
        }
    }
    x
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn solves_a_small_spd_system() {
        let a = [4.0, 1.0, 1.0, 3.0];
        let x = solve_spd(&a, &[1.0, 2.0], 2).unwrap();
        assert!((4.0 * x[0] + x[1] - 1.0).abs() < 1e-12);
        assert!((x[0] + 3.0 * x[1] - 2.0).abs() < 1e-12);
        assert!(solve_spd(&[1.0, 2.0, 2.0, 1.0], &[1.0, 1.0], 2).is_none());
    }

    #[test]
    fn minimises_a_quadratic() {
        let f = |x: &[f64]| (x[0] - 3.0).powi(2) + 2.0 * (x[1] + 1.0).powi(2);
        let g = |x: &[f64]| vec![2.0 * (x[0] - 3.0), 4.0 * (x[1] + 1.0)];
        let x = minimise_small(&f, &g, &[0.0, 0.0], 50);
        assert!((x[0] - 3.0).abs() < 1e-6 && (x[1] + 1.0).abs() < 1e-6);
    }
}
