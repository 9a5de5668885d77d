use super::*;
use crate::testutil::{Rng, simulate};
use proptest::prelude::*;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn league(seed: u64, seasons: usize) -> (Vec<Game>, Vec<f64>, Vec<f64>) {
    let attack = vec![0.35, 0.2, 0.1, 0.0, -0.05, -0.1, -0.2, -0.3];
    let defence = vec![-0.3, -0.2, -0.05, 0.0, 0.05, 0.1, 0.15, 0.25];
    let games = simulate(
        &attack,
        &defence,
        0.1,
        0.3,
        seasons,
        day("2018-08-01"),
        &mut Rng::new(seed),
    );
    (games, attack, defence)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn gradient_matches_finite_differences(
        seed in 0u64..1000,
        shift in proptest::collection::vec(-0.3f64..0.3, 21),
        rho in -0.15f64..0.1,
        sot_weight in 0.0f64..0.8,
    ) {
        let (games, _, _) = league(seed, 6);
        let config = DcConfig { sot_weight, ..DcConfig::default() };
        let problem = Problem::new(&games[..200], day("2030-01-01"), &config);
        let mut theta: Vec<f64> = shift.iter().take(problem.n_params()).copied().collect();
        theta[RHO] = rho;
        let (f, g, _) = problem.evaluate(&theta, false);
        prop_assume!(f.is_finite());
        for i in 0..theta.len() {
            let h = 1e-6;
            let mut up = theta.clone();
            let mut down = theta.clone();
            up[i] += h;
            down[i] -= h;
            let numeric = (problem.evaluate(&up, false).0 - problem.evaluate(&down, false).0) / (2.0 * h);
            prop_assert!((numeric - g[i]).abs() < 1e-4 * (1.0 + g[i].abs()), "param {i}: {numeric} vs {}", g[i]);
        }
    }
}

#[test]
fn recovers_the_parameters_of_simulated_seasons() {
    let (games, attack, defence) = league(7, 30);
    let config = DcConfig {
        xi: 0.0,
        prior_strength: 0.01,
        ..DcConfig::default()
    };
    let m = fit(&games, day("2100-01-01"), &config, None).unwrap();
    assert!(
        (m.home_advantage - 0.3).abs() < 0.06,
        "home {}",
        m.home_advantage
    );
    assert!(m.rho.abs() < 0.08, "rho {}", m.rho);
    // Compare differences (the level is shared between the intercept and the means).
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (ma, md) = (mean(&m.attack), mean(&m.defence));
    let (ta, td) = (mean(&attack), mean(&defence));
    for t in 0..attack.len() {
        let i = m.teams.iter().position(|x| *x == t as TeamId).unwrap();
        assert!(
            ((m.attack[i] - ma) - (attack[t] - ta)).abs() < 0.1,
            "attack {t}: {:?} {:?} {:?}",
            m.teams,
            m.attack,
            m.defence
        );
        assert!(
            ((m.defence[i] - md) - (defence[t] - td)).abs() < 0.1,
            "defence {t}"
        );
    }
}

#[test]
fn warm_start_reaches_the_same_optimum_in_fewer_iterations() {
    let (games, _, _) = league(3, 6);
    let config = DcConfig::default();
    let first = fit(&games, day("2023-01-01"), &config, None).unwrap();
    let cold = fit(&games, day("2023-01-08"), &config, None).unwrap();
    let warm = fit(&games, day("2023-01-08"), &config, Some(&first)).unwrap();
    assert!(warm.iterations <= cold.iterations);
    for (a, b) in warm.attack.iter().zip(&cold.attack) {
        assert!((a - b).abs() < 1e-5);
    }
}

#[test]
fn only_matches_before_the_date_are_used() {
    let (games, _, _) = league(11, 6);
    let at = games[300].date;
    let a = fit(&games, at, &DcConfig::default(), None).unwrap();
    let mut changed = games.clone();
    for g in changed.iter_mut().filter(|g| g.date >= at) {
        g.home_goals = 9;
    }
    let b = fit(&changed, at, &DcConfig::default(), None).unwrap();
    assert_eq!(a, b);
}

#[test]
fn a_promoted_team_without_matches_gets_the_newcomer_rating() {
    let (mut games, _, _) = league(5, 6);
    // Team 7 disappears after the third season and team 99 arrives in its place, weak.
    let cut = games[games.len() / 2].date;
    for g in games.iter_mut().filter(|g| g.date >= cut) {
        for t in [&mut g.home, &mut g.away] {
            if *t == 7 {
                *t = 99;
            }
        }
    }
    let m = fit(&games, day("2025-01-01"), &DcConfig::default(), None).unwrap();
    assert!(m.newcomer_attack < 0.0 && m.newcomer_defence > 0.0, "{m:?}");
    let (l, mu) = m.rates(0, 12345);
    let (l_avg, mu_avg) = m.rates(0, 3);
    assert!(l > l_avg && mu < mu_avg);
}
