//! `backtest`: walk-forward evaluation on CSV files, against the bookmakers' closing odds.

use crate::dataset::{self, LeagueData};
use anyhow::Context;
use chrono::NaiveDate;
use clap::Args;
use fp_model::backtest::{BacktestConfig, Prediction, walk_forward};
use fp_model::metrics::Scores;
use fp_model::odds::{Method, Odds, remove_margin};
use fp_model::predictor::ModelKind;
use fp_model::{Outcome, Probabilities};
use indicatif::MultiProgress;
use std::io::Write;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Folder of football-data.co.uk CSV files (searched recursively)
    #[arg(
        long,
        env = "BACKTEST_DATA",
        default_value = "../shared/data/football-data"
    )]
    pub data: PathBuf,
    /// League codes, comma-separated
    #[arg(long, value_delimiter = ',', default_value = "E0,SP1,D1")]
    pub leagues: Vec<String>,
    /// Test seasons, comma-separated (a season runs July to June)
    #[arg(long, value_delimiter = ',', default_value = "2022-23,2023-24,2024-25")]
    pub seasons: Vec<String>,
    /// Fit on the matches of this many days before each match date
    #[arg(long, default_value_t = 730)]
    pub window_days: i64,
    /// market (ratings from past prices; the blend where a league has too few), dixon-coles,
    /// dixon-coles-shots, elo or blend
    #[arg(long, default_value = "market")]
    pub model: String,
    /// Override: time decay per day of the market ratings
    #[arg(long)]
    pub market_decay: Option<f64>,
    /// Override: ridge on the market ratings' attack and defence
    #[arg(long)]
    pub market_ridge: Option<f64>,
    /// Override: weight of the goals term of the market ratings
    #[arg(long)]
    pub goals_weight: Option<f64>,
    /// Override: time decay per day of the goal models
    #[arg(long)]
    pub xi: Option<f64>,
    /// Override: precision of the goal models' shrinkage prior
    #[arg(long)]
    pub prior_strength: Option<f64>,
    /// Override: share of shots on target in the shots model's pseudo-goals
    #[arg(long)]
    pub sot_weight: Option<f64>,
    /// Override: Elo update size K
    #[arg(long)]
    pub elo_k: Option<f64>,
    /// Override: Elo home advantage in rating points
    #[arg(long)]
    pub elo_home: Option<f64>,
    /// Override: Elo regression to the mean between seasons (0..1)
    #[arg(long)]
    pub elo_regression: Option<f64>,
    /// Override: Elo starting rating of newcomers relative to the league mean
    #[arg(long, allow_negative_numbers = true)]
    pub elo_newcomer: Option<f64>,
    /// Per-match output file (CSV)
    #[arg(long)]
    pub output: Option<PathBuf>,
    /// Report table also as JSON to this file
    #[arg(long)]
    pub summary_json: Option<PathBuf>,
}

/// Both teams have at least this many matches in the window: the subset the published
/// anchors are measured on.
pub const MIN_WINDOW_MATCHES: usize = 5;

fn season_range(season: &str) -> anyhow::Result<(NaiveDate, NaiveDate)> {
    let code = fp_ingest::season_code(season)?;
    let start: i32 = season[..4].parse().context("season year")?;
    let _ = code;
    let from = NaiveDate::from_ymd_opt(start, 7, 1).context("season start")?;
    let to = NaiveDate::from_ymd_opt(start + 1, 6, 30).context("season end")?;
    Ok((from, to))
}

/// A scored prediction with the closing-odds reference on the same match.
pub struct Scored<'a> {
    pub league: &'a LeagueData,
    pub prediction: Prediction,
    pub pinnacle: Option<Probabilities>,
}

pub struct Row {
    pub league: String,
    pub season: String,
    pub subset: &'static str,
    pub model: Scores,
    pub pinnacle: Scores,
}

pub fn run(args: BacktestArgs) -> anyhow::Result<()> {
    let kind = ModelKind::parse(&args.model).with_context(|| {
        format!(
            "unknown model \"{}\" (one of: market, dixon-coles, dixon-coles-shots, elo, blend)",
            args.model
        )
    })?;
    let mut ranges = Vec::new();
    for s in &args.seasons {
        ranges.push((s.clone(), season_range(s)?));
    }
    let test_from = ranges
        .iter()
        .map(|(_, r)| r.0)
        .min()
        .context("no season given")?;
    let test_to = ranges
        .iter()
        .map(|(_, r)| r.1)
        .max()
        .context("no season given")?;
    let leagues = dataset::load(&args.data, &args.leagues)?;

    let mut config = BacktestConfig {
        kind,
        ..BacktestConfig::default()
    };
    config.model.window_days = args.window_days;
    let m = &mut config.model;
    if let Some(v) = args.xi {
        m.dc.xi = v;
        m.dc_shots.xi = v;
    }
    if let Some(v) = args.prior_strength {
        m.dc.prior_strength = v;
        m.dc_shots.prior_strength = v;
    }
    if let Some(v) = args.sot_weight {
        m.dc_shots.sot_weight = v;
    }
    if let Some(v) = args.elo_k {
        m.elo.k = v;
    }
    if let Some(v) = args.elo_home {
        m.elo.home_advantage = v;
    }
    if let Some(v) = args.elo_regression {
        m.elo.season_regression = v;
    }
    if let Some(v) = args.elo_newcomer {
        m.elo.newcomer_offset = v;
    }
    if let Some(v) = args.market_decay {
        m.market.decay = v;
    }
    if let Some(v) = args.market_ridge {
        m.market.ridge = v;
    }
    if let Some(v) = args.goals_weight {
        m.market.goals_weight = v;
    }
    m.market.window_days = args.window_days;
    let started = std::time::Instant::now();
    let bars = MultiProgress::new();
    let results: Vec<Vec<Prediction>> = std::thread::scope(|s| {
        let handles: Vec<_> = leagues
            .iter()
            .map(|league| {
                let bar = bars.add(crate::progress::bar(0, &format!("{:>4}", league.code)));
                s.spawn(move || {
                    let preds = walk_forward(
                        &league.games,
                        test_from,
                        test_to,
                        &config,
                        &mut |done, total| {
                            bar.set_length(total as u64);
                            bar.set_position(done as u64);
                        },
                    );
                    bar.finish();
                    preds
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_default())
            .collect()
    });
    let elapsed = started.elapsed();

    let mut scored = Vec::new();
    for (league, preds) in leagues.iter().zip(results) {
        for p in preds {
            let r = &league.records[p.game];
            let pinnacle = r.odds.pinnacle_close.and_then(|o| {
                remove_margin(
                    &Odds {
                        home: o.home,
                        draw: o.draw,
                        away: o.away,
                    },
                    Method::Basic,
                )
            });
            scored.push(Scored {
                league,
                prediction: p,
                pinnacle,
            });
        }
    }
    if let Some(path) = &args.output {
        write_matches(path, &scored).with_context(|| path.display().to_string())?;
    }
    let rows = table(&scored, &ranges);
    print_table(&rows, kind, elapsed);
    print_models_used(&scored);
    print_calibration(&scored);
    if let Some(path) = &args.summary_json {
        let json: Vec<_> = rows
            .iter()
            .map(|r| {
                serde_json::json!({
                    "league": r.league, "season": r.season, "subset": r.subset,
                    "model": r.model, "pinnacle_close": r.pinnacle,
                })
            })
            .collect();
        std::fs::write(path, serde_json::to_string_pretty(&json)?)?;
    }
    Ok(())
}

fn write_matches(path: &PathBuf, scored: &[Scored]) -> anyhow::Result<()> {
    let mut w = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(
        w,
        "league,date,home_team,away_team,p_home,p_draw,p_away,result,home_goals,away_goals,\
         dc_home,dc_draw,dc_away,dcs_home,dcs_draw,dcs_away,elo_home,elo_draw,elo_away,\
         pinnacle_home,pinnacle_draw,pinnacle_away,home_window_matches,away_window_matches,\
         model,lh,la"
    )?;
    let q = |s: &str| {
        if s.contains([',', '"']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    for s in scored {
        let p = &s.prediction;
        let r = &s.league.records[p.game];
        let m = &p.members;
        let pin = s.pinnacle.map_or(",,".to_string(), |x| {
            format!("{:.6},{:.6},{:.6}", x.home, x.draw, x.away)
        });
        writeln!(
            w,
            "{},{},{},{},{:.6},{:.6},{:.6},{},{},{},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{:.6},{},{},{},{},{:.6},{:.6}",
            q(&s.league.code),
            p.date.format("%Y-%m-%d"),
            q(&r.home_team),
            q(&r.away_team),
            p.probabilities.home,
            p.probabilities.draw,
            p.probabilities.away,
            p.outcome.code(),
            r.home_goals,
            r.away_goals,
            m.dixon_coles.home,
            m.dixon_coles.draw,
            m.dixon_coles.away,
            m.dixon_coles_shots.home,
            m.dixon_coles_shots.draw,
            m.dixon_coles_shots.away,
            m.elo.home,
            m.elo.draw,
            m.elo.away,
            pin,
            p.home_window_matches,
            p.away_window_matches,
            p.used.name(),
            p.rates.0,
            p.rates.1
        )?;
    }
    w.flush()?;
    Ok(())
}

/// Scores per league and season (and over all seasons), on all matches with closing odds and
/// on the subset where both teams have at least five matches in the window.
pub fn table(scored: &[Scored], ranges: &[(String, (NaiveDate, NaiveDate))]) -> Vec<Row> {
    let mut leagues: Vec<&str> = scored.iter().map(|s| s.league.code.as_str()).collect();
    leagues.sort_unstable();
    leagues.dedup();
    let mut rows = Vec::new();
    let mut seasons: Vec<(String, NaiveDate, NaiveDate)> = ranges
        .iter()
        .map(|(s, (a, b))| (s.clone(), *a, *b))
        .collect();
    if let (Some(first), Some(last)) = (seasons.first().cloned(), seasons.last().cloned()) {
        seasons.push(("all".to_string(), first.1, last.2));
    }
    for league in leagues {
        for (season, from, to) in &seasons {
            for (subset, min) in [("all", 0), ("both>=5", MIN_WINDOW_MATCHES)] {
                let chosen: Vec<(&Probabilities, &Probabilities, Outcome)> = scored
                    .iter()
                    .filter(|s| s.league.code == league)
                    .filter(|s| s.prediction.date >= *from && s.prediction.date <= *to)
                    .filter(|s| {
                        s.prediction.home_window_matches >= min
                            && s.prediction.away_window_matches >= min
                    })
                    .filter_map(|s| {
                        s.pinnacle
                            .as_ref()
                            .map(|pin| (&s.prediction.probabilities, pin, s.prediction.outcome))
                    })
                    .collect();
                rows.push(Row {
                    league: league.to_string(),
                    season: season.clone(),
                    subset,
                    model: Scores::of(chosen.iter().map(|(p, _, o)| (*p, *o))),
                    pinnacle: Scores::of(chosen.iter().map(|(_, q, o)| (*q, *o))),
                });
            }
        }
    }
    rows
}

/// Which model gave the predictions (the market model falls back to the blend where the
/// data has too few prices).
fn print_models_used(scored: &[Scored]) {
    let mut used: std::collections::BTreeMap<(&str, &str), usize> = Default::default();
    for s in scored {
        *used
            .entry((s.league.code.as_str(), s.prediction.used.name()))
            .or_default() += 1;
    }
    let line: Vec<String> = used
        .iter()
        .map(|((league, model), n)| format!("{league} {model} {n}"))
        .collect();
    println!("predictions by model: {}", line.join(", "));
}

/// Reliability of the model's probabilities over all predicted matches and outcomes.
fn print_calibration(scored: &[Scored]) {
    let bins = fp_model::metrics::calibration(
        scored
            .iter()
            .map(|s| (&s.prediction.probabilities, s.prediction.outcome)),
        10,
    );
    println!(
        "calibration (every outcome of every match): forecast bin, forecasts, mean forecast, observed frequency"
    );
    for b in bins.iter().filter(|b| b.n > 0) {
        println!(
            "  {:.1}-{:.1}  {:>5}  {:.3}  {:.3}",
            b.lower, b.upper, b.n, b.mean_forecast, b.observed_frequency
        );
    }
}

fn print_table(rows: &[Row], kind: ModelKind, elapsed: std::time::Duration) {
    println!(
        "walk-forward backtest, model {}, {:.1}s; Pinnacle closing odds with the margin removed (basic normalisation) on the same matches",
        kind.name(),
        elapsed.as_secs_f64()
    );
    println!(
        "{:<6} {:<8} {:<8} {:>5}  {:>7} {:>7} {:>7}  {:>7} {:>7} {:>7}  {:>8}",
        "league",
        "season",
        "subset",
        "n",
        "RPS",
        "logloss",
        "Brier",
        "PS RPS",
        "PS LL",
        "PS Br",
        "RPS gap"
    );
    for r in rows {
        println!(
            "{:<6} {:<8} {:<8} {:>5}  {:>7.4} {:>7.4} {:>7.4}  {:>7.4} {:>7.4} {:>7.4}  {:>+8.4}",
            r.league,
            r.season,
            r.subset,
            r.model.n,
            r.model.rps,
            r.model.log_loss,
            r.model.brier,
            r.pinnacle.rps,
            r.pinnacle.log_loss,
            r.pinnacle.brier,
            r.model.rps - r.pinnacle.rps
        );
    }
}
