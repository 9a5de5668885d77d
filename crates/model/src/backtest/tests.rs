use super::*;
use crate::testutil::{Rng, simulate};

fn games() -> Vec<Game> {
    let attack = [0.3, 0.15, 0.0, -0.05, -0.15, -0.25];
    let defence = [-0.25, -0.1, 0.0, 0.05, 0.1, 0.2];
    let start = NaiveDate::from_ymd_opt(2019, 8, 1).unwrap();
    simulate(&attack, &defence, 0.1, 0.25, 5, start, &mut Rng::new(42))
}

fn config() -> BacktestConfig {
    BacktestConfig {
        warmup_days: 60,
        ..BacktestConfig::default()
    }
}

#[test]
fn predicts_every_test_match_once_with_valid_probabilities() {
    let games = games();
    let from = games[90].date;
    let to = games[140].date;
    let preds = walk_forward(&games, from, to, &config(), &mut |_, _| {});
    let expected = games
        .iter()
        .filter(|g| g.date >= from && g.date <= to)
        .count();
    assert_eq!(preds.len(), expected);
    for p in &preds {
        let s = p.probabilities.home + p.probabilities.draw + p.probabilities.away;
        assert!((s - 1.0).abs() < 1e-9);
        assert!(p.probabilities.home > 0.0 && p.probabilities.away > 0.0);
        assert_eq!(p.outcome, games[p.game].outcome());
    }
}

/// Rewriting every result on or after a date must not change any prediction for that date:
/// the backtest would catch a model that peeks at the match day or later.
#[test]
fn never_uses_a_match_on_or_after_the_predicted_date() {
    let games = games();
    let from = games[90].date;
    let to = games[140].date;
    let base = walk_forward(&games, from, to, &config(), &mut |_, _| {});
    for probe in [from, games[115].date, to] {
        let mut poisoned = games.clone();
        for g in poisoned.iter_mut().filter(|g| g.date >= probe) {
            g.home_goals = 7;
            g.away_goals = 0;
            g.home_sot = Some(15);
        }
        let other = walk_forward(&poisoned, from, to, &config(), &mut |_, _| {});
        let same_day = |preds: &[Prediction]| -> Vec<Probabilities> {
            preds
                .iter()
                .filter(|p| p.date <= probe)
                .map(|p| p.probabilities)
                .collect()
        };
        assert_eq!(same_day(&base), same_day(&other), "leak at {probe}");
        // And the poisoning is visible later on, so the test can fail.
        if probe < to {
            assert_ne!(
                base.last().map(|p| p.probabilities),
                other.last().map(|p| p.probabilities)
            );
        }
    }
}
