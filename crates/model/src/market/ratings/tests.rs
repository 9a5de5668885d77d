use super::*;
use crate::market::{ImpliedGoals, MatchMarket};
use crate::testutil::{Rng, simulate};
use chrono::Duration;

const ATTACK: [f64; 6] = [0.35, 0.2, 0.05, -0.05, -0.2, -0.35];
const DEFENCE: [f64; 6] = [-0.3, -0.15, 0.0, 0.05, 0.15, 0.25];

fn start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 8, 1).unwrap()
}

/// Two seasons whose markets price every match at its true expected goals.
fn synthetic_markets() -> Vec<Game> {
    let mut rng = Rng::new(7);
    let mut games = simulate(&ATTACK, &DEFENCE, 0.15, 0.25, 2, start(), &mut rng);
    for g in &mut games {
        let (h, a) = (g.home as usize, g.away as usize);
        g.market = Some(MatchMarket::from_goals(ImpliedGoals {
            home: (0.15 + 0.25 + ATTACK[h] + DEFENCE[a]).exp(),
            away: (0.15 + ATTACK[a] + DEFENCE[h]).exp(),
        }));
    }
    games
}

fn last_day(games: &[Game]) -> NaiveDate {
    games.iter().map(|g| g.date).max().unwrap()
}

#[test]
fn the_fit_recovers_the_ratings_behind_synthetic_markets() {
    let games = synthetic_markets();
    let at = last_day(&games) + Duration::days(1);
    // The markets alone (the goals term, tested below, pulls towards noisy results), and a
    // lighter ridge: this small league's teams play only every four weeks, so at the default
    // decay the default ridge shrinks them by a few per cent.
    let config = MarketConfig {
        goals_weight: 0.0,
        ridge: 0.003,
        ..MarketConfig::default()
    };
    let r = fit(&games, at, &config).unwrap();
    assert_eq!(r.teams.len(), 6);
    assert_eq!(r.market_matches, r.matches);
    for h in 0..6u32 {
        for a in 0..6u32 {
            if h == a {
                continue;
            }
            let (l, m) = r.rates(h, a);
            let (hi, ai) = (h as usize, a as usize);
            let tl = (0.15 + 0.25 + ATTACK[hi] + DEFENCE[ai]).exp();
            let tm = (0.15 + ATTACK[ai] + DEFENCE[hi]).exp();
            assert!((l / tl - 1.0).abs() < 0.03, "{h}-{a}: {l} vs {tl}");
            assert!((m / tm - 1.0).abs() < 0.03, "{h}-{a}: {m} vs {tm}");
        }
    }
    assert!(
        (r.home_advantage - 0.25).abs() < 0.02,
        "{}",
        r.home_advantage
    );
}

#[test]
fn without_the_goals_term_exact_markets_are_fitted_exactly() {
    let games = synthetic_markets();
    let at = last_day(&games) + Duration::days(1);
    let config = MarketConfig {
        goals_weight: 0.0,
        ridge: 1e-6,
        ..MarketConfig::default()
    };
    let r = fit(&games, at, &config).unwrap();
    let (l, m) = r.rates(0, 5);
    assert!((l - (0.4 + 0.35 + 0.25f64).exp()).abs() < 1e-4, "{l}");
    assert!((m - (0.15 - 0.35 - 0.3f64).exp()).abs() < 1e-4, "{m}");
}

#[test]
fn goals_pull_the_ratings_towards_what_happened() {
    let mut games = synthetic_markets();
    let at = last_day(&games) + Duration::days(1);
    let before = fit(&games, at, &MarketConfig::default()).unwrap();
    // Team 5 scores ten in each of its recent matches: with γ > 0 its attack rises.
    for g in games
        .iter_mut()
        .filter(|g| g.date > at - Duration::days(60))
    {
        if g.home == 5 {
            g.home_goals = 10;
        }
        if g.away == 5 {
            g.away_goals = 10;
        }
    }
    let after = fit(&games, at, &MarketConfig::default()).unwrap();
    let i = before.teams.iter().position(|t| *t == 5).unwrap();
    assert!(after.attack[i] > before.attack[i] + 0.01);
}

#[test]
fn matches_on_or_after_the_date_are_never_read() {
    let games = synthetic_markets();
    let at = games[games.len() / 2].date;
    let base = fit(&games, at, &MarketConfig::default()).unwrap();
    let mut poisoned = games.clone();
    for g in poisoned.iter_mut().filter(|g| g.date >= at) {
        g.market = Some(MatchMarket::from_goals(ImpliedGoals {
            home: 5.0,
            away: 0.1,
        }));
        g.home_goals = 9;
    }
    assert_eq!(fit(&poisoned, at, &MarketConfig::default()).unwrap(), base);
    // And moving the date one day later does read that day's matches.
    let next = games.iter().map(|g| g.date).find(|d| *d > at).unwrap();
    let later = fit(
        &poisoned,
        next + Duration::days(1),
        &MarketConfig::default(),
    )
    .unwrap();
    assert_ne!(later.attack, base.attack);
}

#[test]
fn too_little_market_gives_no_model_and_unknown_teams_get_the_newcomer_prior() {
    let mut games = synthetic_markets();
    let at = last_day(&games) + Duration::days(1);
    for g in &mut games {
        g.market = None;
    }
    assert_eq!(fit(&games, at, &MarketConfig::default()), None);
    // Half of the recent weight without a market is still enough at the default share.
    let mut games = synthetic_markets();
    for (i, g) in games.iter_mut().enumerate() {
        if i % 3 == 0 {
            g.market = None;
        }
    }
    let r = fit(&games, at, &MarketConfig::default()).unwrap();
    assert!(!r.knows(42));
    let (l, m) = r.rates(42, 0);
    let i = r.teams.iter().position(|t| *t == 0).unwrap();
    let expected = (r.intercept + r.home_advantage - 0.25 - r.defence[i]).exp();
    assert!((l - expected).abs() < 1e-12);
    assert!(m > 0.0);
}
