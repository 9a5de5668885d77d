//! Fit and predict timings on real data: two seasons of the Premier League (760 matches, with
//! their market prices).
//! Run with `cargo bench -p fp-model`.

#![allow(clippy::expect_used, clippy::unwrap_used)]

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use fp_model::dixon_coles::{self, DcConfig};
use fp_model::market::MarketConfig;
use fp_model::predictor::{ModelConfig, ModelKind, fit_league};
use fp_model::{Game, TeamId};
use std::collections::HashMap;
use std::hint::black_box;

fn two_seasons() -> Option<Vec<Game>> {
    let dir = fp_testdata::football_data_dir()?.join("E0");
    let mut ids: HashMap<String, TeamId> = HashMap::new();
    let mut games = Vec::new();
    for season in ["2023-24", "2024-25"] {
        let path = dir.join(format!("{season}.csv"));
        let bytes = std::fs::read(&path).ok()?;
        for r in fp_csv::parse(&bytes, &path.display().to_string()).ok()? {
            let mut id = |n: &str| {
                let next = ids.len() as TeamId;
                *ids.entry(n.to_string()).or_insert(next)
            };
            let (home, away) = (id(&r.home_team), id(&r.away_team));
            games.push(Game {
                date: r.date,
                home,
                away,
                home_goals: r.home_goals as u8,
                away_goals: r.away_goals as u8,
                home_sot: r.stats.home_shots_on_target.map(|v| v as u8),
                away_sot: r.stats.away_shots_on_target.map(|v| v as u8),
                market: r.odds.sources().market(),
            });
        }
    }
    Some(games)
}

fn benches(c: &mut Criterion) {
    let Some(games) = two_seasons() else {
        eprintln!("shared data missing: no benchmark run");
        return;
    };
    let at = NaiveDate::from_ymd_opt(2025, 7, 1).expect("date");
    let config = DcConfig::default();
    let previous = dixon_coles::fit(&games, at - chrono::Duration::days(7), &config, None);

    c.bench_function("dixon_coles_fit_760_matches_cold", |b| {
        b.iter(|| dixon_coles::fit(black_box(&games), at, &config, None))
    });
    c.bench_function("dixon_coles_fit_760_matches_warm", |b| {
        b.iter(|| dixon_coles::fit(black_box(&games), at, &config, previous.as_ref()))
    });
    let shots = DcConfig {
        sot_weight: 0.5,
        ..config
    };
    c.bench_function("dixon_coles_shots_fit_760_matches_cold", |b| {
        b.iter(|| dixon_coles::fit(black_box(&games), at, &shots, None))
    });
    c.bench_function("league_model_fit_all_members", |b| {
        b.iter(|| {
            fit_league(
                black_box(&games),
                at,
                &ModelConfig::default(),
                ModelKind::Blend,
                vec![0.3, 0.4, 0.3],
            )
        })
    });
    let model = fit_league(
        &games,
        at,
        &ModelConfig::default(),
        ModelKind::Blend,
        vec![0.3, 0.4, 0.3],
    )
    .expect("model");
    c.bench_function("predict_fixture_with_markets", |b| {
        b.iter(|| model.predict(black_box(0), black_box(1)))
    });

    // Engine v2: implied goals once per match, the market ratings per match date.
    let prices: Vec<_> = records_prices(&games);
    c.bench_function("implied_goals_one_match", |b| {
        b.iter(|| fp_model::market::implied_goals(black_box(&prices[0])))
    });
    let market = MarketConfig::default();
    c.bench_function("market_ratings_fit_760_matches", |b| {
        b.iter(|| fp_model::market::fit(black_box(&games), at, &market))
    });
    c.bench_function("league_model_fit_market", |b| {
        b.iter(|| {
            fit_league(
                black_box(&games),
                at,
                &ModelConfig::default(),
                ModelKind::Market,
                vec![0.3, 0.4, 0.3],
            )
        })
    });
    let v2 = fit_league(
        &games,
        at,
        &ModelConfig::default(),
        ModelKind::Market,
        vec![0.3, 0.4, 0.3],
    )
    .expect("model");
    assert_eq!(v2.kind, ModelKind::Market);
    c.bench_function("predict_fixture_with_markets_market_model", |b| {
        b.iter(|| v2.predict(black_box(0), black_box(1)))
    });
}

/// A whole 20-team season left to play (380 matches), 10,000 times: the season-odds job.
fn season_simulation(c: &mut Criterion) {
    use fp_model::markets::ScoreMatrix;
    use fp_model::season::{Remaining, SeasonRules, Standing, simulate};
    let n = 20;
    let standings = vec![Standing::default(); n];
    let remaining: Vec<Remaining> = (0..n)
        .flat_map(|h| (0..n).filter(move |&a| a != h).map(move |a| (h, a)))
        .map(|(home, away)| Remaining {
            home,
            away,
            scores: ScoreMatrix::dixon_coles(
                1.0 + 0.05 * (n - home) as f64,
                0.8 + 0.04 * (n - away) as f64,
                -0.05,
            ),
        })
        .collect();
    let rules = SeasonRules::default();
    let mut group = c.benchmark_group("season");
    group.sample_size(10);
    group.bench_function("simulate_10000_seasons_380_matches", |b| {
        b.iter(|| simulate(black_box(&standings), black_box(&remaining), rules))
    });
    group.finish();
}

/// The matches' own margin-free prices (the inversion benchmark's inputs).
fn records_prices(games: &[Game]) -> Vec<fp_model::market::MarketPrices> {
    games
        .iter()
        .filter_map(|g| g.market.map(|m| m.prices))
        .collect()
}

criterion_group!(model, benches, season_simulation);
criterion_main!(model);
