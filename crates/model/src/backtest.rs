//! Walk-forward evaluation: for every match date of the test period, fit on the matches of
//! the previous `window_days` only (strictly before that date) and predict that date's
//! matches. Nothing from the match day or later is ever used.

use crate::blend;
use crate::dixon_coles::{self, DixonColes};
use crate::elo::EloRatings;
use crate::game::{Game, Outcome, Probabilities, TeamId};
use crate::market;
use crate::ordered_logit::OrderedLogit;
use crate::predictor::{LeagueModel, Members, ModelConfig, ModelKind, elo_x};
use chrono::{Duration, NaiveDate};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BacktestConfig {
    pub model: ModelConfig,
    pub kind: ModelKind,
    /// Days before the test period during which predictions are made only to learn the blend
    /// weights from.
    pub warmup_days: i64,
    /// Blend weights are learnt on the predictions of this many days before each date.
    pub weights_lookback_days: i64,
}

impl Default for BacktestConfig {
    fn default() -> Self {
        BacktestConfig {
            model: ModelConfig::default(),
            kind: ModelKind::Blend,
            warmup_days: 365,
            weights_lookback_days: 730,
        }
    }
}

/// One out-of-sample prediction.
#[derive(Debug, Clone, PartialEq)]
pub struct Prediction {
    /// Index of the match in the input slice.
    pub game: usize,
    pub date: NaiveDate,
    pub home: TeamId,
    pub away: TeamId,
    pub outcome: Outcome,
    pub probabilities: Probabilities,
    /// The model that gave `probabilities` (the blend where [`ModelKind::Market`] had too
    /// few prices).
    pub used: ModelKind,
    /// Expected goals (home, away) of that model.
    pub rates: (f64, f64),
    pub members: Members,
    pub weights: Vec<f64>,
    /// Matches each team played in the fitting window.
    pub home_window_matches: usize,
    pub away_window_matches: usize,
}

/// Runs the walk-forward over `games` (any order) and returns the predictions of matches
/// dated `test_from..=test_to`. `progress(done, total)` is called after each match date.
pub fn walk_forward(
    games: &[Game],
    test_from: NaiveDate,
    test_to: NaiveDate,
    config: &BacktestConfig,
    progress: &mut dyn FnMut(usize, usize),
) -> Vec<Prediction> {
    let mut order: Vec<usize> = (0..games.len()).collect();
    order.sort_by_key(|&i| games[i].date);
    let sorted: Vec<Game> = order.iter().map(|&i| games[i]).collect();

    let start = test_from - Duration::days(config.warmup_days);
    let mut dates: Vec<NaiveDate> = sorted
        .iter()
        .map(|g| g.date)
        .filter(|d| *d >= start && *d <= test_to)
        .collect();
    dates.dedup();

    let m = &config.model;
    let mut elo = EloRatings::new(m.elo);
    let mut pre_match_x = vec![0.0; sorted.len()];
    let mut elo_next = 0; // first match not yet fed to Elo
    let mut window_start = 0;
    let mut dc: Option<DixonColes> = None;
    let mut dc_shots: Option<DixonColes> = None;
    let mut logit = OrderedLogit::default();
    let mut history: Vec<(NaiveDate, Vec<Probabilities>, Outcome)> = Vec::new();
    let mut out = Vec::new();

    for (done, &day) in dates.iter().enumerate() {
        while elo_next < sorted.len() && sorted[elo_next].date < day {
            let g = &sorted[elo_next];
            pre_match_x[elo_next] = elo_x(elo.difference(g.home, g.away, g.date));
            elo.update(g);
            elo_next += 1;
        }
        let from = day - Duration::days(m.window_days);
        while window_start < elo_next && sorted[window_start].date < from {
            window_start += 1;
        }
        let window = &sorted[window_start..elo_next];
        let (Some(fit_dc), Some(fit_shots)) = (
            dixon_coles::fit(window, day, &m.dc, dc.as_ref()),
            dixon_coles::fit(window, day, &m.dc_shots, dc_shots.as_ref()),
        ) else {
            progress(done + 1, dates.len());
            continue;
        };
        let logit_data: Vec<(f64, Outcome, f64)> = (window_start..elo_next)
            .map(|i| {
                let w = (-m.logit_xi * (day - sorted[i].date).num_days() as f64).exp();
                (pre_match_x[i], sorted[i].outcome(), w)
            })
            .collect();
        logit = OrderedLogit::fit(&logit_data, logit);
        let lookback = day - Duration::days(config.weights_lookback_days);
        let past: Vec<(Vec<Probabilities>, Outcome)> = history
            .iter()
            .filter(|(d, _, _)| *d >= lookback && *d < day)
            .map(|(_, p, o)| (p.clone(), *o))
            .collect();
        let weights = blend::learn_weights(&past, 3);
        let mut played: HashMap<TeamId, usize> = HashMap::new();
        for g in window {
            *played.entry(g.home).or_default() += 1;
            *played.entry(g.away).or_default() += 1;
        }
        let market = (config.kind == ModelKind::Market)
            .then(|| market::fit(window, day, &m.market))
            .flatten();
        let kind = match (config.kind, &market) {
            (ModelKind::Market, None) => ModelKind::Blend,
            (kind, _) => kind,
        };
        let model = LeagueModel {
            kind,
            fitted_for: day,
            dc: fit_dc,
            dc_shots: fit_shots,
            elo: elo.clone(),
            logit,
            weights,
            market,
        };
        let mut i = elo_next;
        while i < sorted.len() && sorted[i].date == day {
            let g = &sorted[i];
            let (members, _) = model.members(g.home, g.away);
            history.push((day, members.as_vec(), g.outcome()));
            if day >= test_from {
                out.push(Prediction {
                    game: order[i],
                    date: day,
                    home: g.home,
                    away: g.away,
                    outcome: g.outcome(),
                    probabilities: members.pick(model.kind, &model.weights),
                    used: model.kind,
                    rates: model.rates(g.home, g.away),
                    members,
                    weights: model.weights.clone(),
                    home_window_matches: played.get(&g.home).copied().unwrap_or(0),
                    away_window_matches: played.get(&g.away).copied().unwrap_or(0),
                });
            }
            i += 1;
        }
        dc = Some(model.dc);
        dc_shots = Some(model.dc_shots);
        progress(done + 1, dates.len());
    }
    out
}

#[cfg(test)]
mod tests;
