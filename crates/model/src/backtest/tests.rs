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
    never_peeks(&config(), games());
}

/// The same for the market ratings: neither the results nor the prices of the match day or
/// later reach a prediction.
#[test]
fn the_market_model_never_reads_a_price_on_or_after_the_predicted_date() {
    let mut games = games();
    for g in &mut games {
        g.market = Some(crate::market::MatchMarket::from_goals(
            crate::market::ImpliedGoals {
                home: 1.2 + 0.1 * f64::from(g.home),
                away: 1.0 + 0.05 * f64::from(g.away),
            },
        ));
    }
    let config = BacktestConfig {
        kind: ModelKind::Market,
        ..config()
    };
    never_peeks(&config, games);
}

fn never_peeks(config: &BacktestConfig, games: Vec<Game>) {
    let from = games[90].date;
    let to = games[140].date;
    let base = walk_forward(&games, from, to, config, &mut |_, _| {});
    for probe in [from, games[115].date, to] {
        let mut poisoned = games.clone();
        for g in poisoned.iter_mut().filter(|g| g.date >= probe) {
            g.home_goals = 7;
            g.away_goals = 0;
            g.home_sot = Some(15);
            g.market = g.market.map(|_| {
                crate::market::MatchMarket::from_goals(crate::market::ImpliedGoals {
                    home: 4.5,
                    away: 0.2,
                })
            });
        }
        let other = walk_forward(&poisoned, from, to, config, &mut |_, _| {});
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

/// Seasons whose files carry no odds are predicted by the goal models, the others by the
/// market ratings, switching as the prices come into the window.
#[test]
fn the_market_model_serves_where_prices_exist_and_the_blend_elsewhere() {
    let mut games = games();
    let priced_from = games[0].date + chrono::Duration::days(365 * 2);
    for g in games.iter_mut().filter(|g| g.date >= priced_from) {
        let (h, a) = (g.home_goals as f64, g.away_goals as f64);
        g.market = Some(crate::market::MatchMarket::from_goals(
            crate::market::ImpliedGoals {
                home: 0.5 + h,
                away: 0.5 + a,
            },
        ));
    }
    let config = BacktestConfig {
        kind: ModelKind::Market,
        ..config()
    };
    let from = games[0].date + chrono::Duration::days(400);
    let to = games.last().unwrap().date;
    let preds = walk_forward(&games, from, to, &config, &mut |_, _| {});
    let before: Vec<_> = preds.iter().filter(|p| p.date < priced_from).collect();
    let late: Vec<_> = preds
        .iter()
        .filter(|p| p.date > priced_from + chrono::Duration::days(60))
        .collect();
    assert!(!before.is_empty() && !late.is_empty());
    assert!(before.iter().all(|p| p.used == ModelKind::Blend));
    assert!(late.iter().all(|p| p.used == ModelKind::Market));
}
