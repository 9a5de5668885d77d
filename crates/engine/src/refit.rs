use crate::EngineError;
use chrono::{Duration, NaiveDate};
use fp_model::backtest::{BacktestConfig, walk_forward};
use fp_model::blend;
use fp_model::metrics::Scores;
use fp_model::predictor::{LeagueModel, ModelConfig, ModelKind, fit_league};
use fp_model::{Game, Probabilities};
use fp_storage::{League, ModelVersion, NewModelVersion, Store, StoredMatch};
use std::collections::HashMap;

/// The kind of model the service fits and serves: the market ratings, which fall back to the
/// blend of the goal models (and say so in the stored version's kind) where a league's data
/// has too few prices.
pub const SERVED_KIND: ModelKind = ModelKind::Market;

/// Days of out-of-sample predictions used to learn the blend weights and score the model.
const EVALUATION_DAYS: i64 = 365;

/// A stored match as a model input (team ids are the database's team ids).
pub fn game_of(m: &StoredMatch) -> Game {
    let small = |v: Option<i64>| v.and_then(|v| u8::try_from(v).ok());
    Game {
        date: m.match_date,
        home: m.home_team_id as u32,
        away: m.away_team_id as u32,
        home_goals: u8::try_from(m.home_goals).unwrap_or(u8::MAX),
        away_goals: u8::try_from(m.away_goals).unwrap_or(u8::MAX),
        home_sot: small(m.home_shots_on_target),
        away_sot: small(m.away_shots_on_target),
        market: m.price_sources().market(),
    }
}

/// What a refit produced.
#[derive(Debug, Clone)]
pub struct RefitOutcome {
    pub league: String,
    pub version_id: i64,
    pub n_matches: usize,
    pub data_to: NaiveDate,
    /// Out-of-sample RPS over the last season of data.
    pub backtest_rps: Option<f64>,
    pub evaluation: Option<Evaluation>,
    pub fit_seconds: f64,
}

/// How a stored model did out of sample over its last year of data, next to the closing
/// odds on the same matches (those that have closing odds).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Evaluation {
    pub matches: usize,
    pub rps: f64,
    pub closing_odds_rps: f64,
    #[serde(default)]
    pub log_loss: f64,
    #[serde(default)]
    pub brier: f64,
    #[serde(default)]
    pub closing_odds_log_loss: f64,
    #[serde(default)]
    pub closing_odds_brier: f64,
    /// Reliability of the model's probabilities on the same matches (ten bins).
    #[serde(default)]
    pub calibration: Vec<fp_model::metrics::CalibrationBin>,
}

/// What `model_versions.params` holds.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StoredModel {
    pub model: LeagueModel,
    pub evaluation: Option<Evaluation>,
}

/// Pinnacle closing odds of a stored match with the margin removed.
pub fn closing_odds(m: &StoredMatch) -> Option<Probabilities> {
    let (home, draw, away) = (m.ps_close_home?, m.ps_close_draw?, m.ps_close_away?);
    fp_model::odds::remove_margin(
        &fp_model::odds::Odds { home, draw, away },
        fp_model::odds::Method::Basic,
    )
}

/// Fits the served model on `games` for predictions from the day after the last match.
/// Blend weights are learnt (and the model scored) on a walk-forward over the last year;
/// `odds[i]` (closing odds of `games[i]`, if known) is the reference it is scored against.
pub fn fit_from_matches(games: &[Game], odds: &[Option<Probabilities>]) -> Option<StoredModel> {
    let last = games.iter().map(|g| g.date).max()?;
    let at = last + Duration::days(1);
    let config = BacktestConfig {
        kind: SERVED_KIND,
        warmup_days: 0,
        ..BacktestConfig::default()
    };
    let preds = walk_forward(
        games,
        at - Duration::days(EVALUATION_DAYS),
        last,
        &config,
        &mut |_, _| {},
    );
    let history: Vec<(Vec<Probabilities>, fp_model::Outcome)> = preds
        .iter()
        .map(|p| (p.members.as_vec(), p.outcome))
        .collect();
    let weights = blend::learn_weights(&history, 3);
    let with_odds: Vec<(&Probabilities, &Probabilities, fp_model::Outcome)> = preds
        .iter()
        .filter_map(|p| Some((&p.probabilities, odds.get(p.game)?.as_ref()?, p.outcome)))
        .collect();
    let evaluation = (!with_odds.is_empty()).then(|| {
        let model = Scores::of(with_odds.iter().map(|(p, _, o)| (*p, *o)));
        let odds = Scores::of(with_odds.iter().map(|(_, q, o)| (*q, *o)));
        Evaluation {
            matches: with_odds.len(),
            rps: model.rps,
            closing_odds_rps: odds.rps,
            log_loss: model.log_loss,
            brier: model.brier,
            closing_odds_log_loss: odds.log_loss,
            closing_odds_brier: odds.brier,
            calibration: fp_model::metrics::calibration(
                with_odds.iter().map(|(p, _, o)| (*p, *o)),
                10,
            ),
        }
    });
    let model = fit_league(games, at, &ModelConfig::default(), SERVED_KIND, weights)?;
    Some(StoredModel { model, evaluation })
}

/// Fits one league from the store and saves a new model version.
pub async fn refit_league(store: &Store, league: &League) -> Result<RefitOutcome, EngineError> {
    let matches = store.league_matches(league.id).await?;
    let games: Vec<Game> = matches.iter().map(game_of).collect();
    let odds: Vec<Option<Probabilities>> = matches.iter().map(closing_odds).collect();
    let started = std::time::Instant::now();
    let fitted = tokio::task::spawn_blocking(move || {
        let r = fit_from_matches(&games, &odds);
        (r, games.len())
    })
    .await
    .map_err(|e| EngineError::Task(e.to_string()))?;
    let fit_seconds = started.elapsed().as_secs_f64();
    metrics::histogram!("model_fit_seconds", "league" => league.code.clone()).record(fit_seconds);
    let (Some(stored), n) = fitted else {
        return Err(EngineError::NoData(league.code.clone()));
    };
    let backtest_rps = stored.evaluation.as_ref().map(|e| e.rps);
    let model = &stored.model;
    let data_from = matches
        .first()
        .map(|m| m.match_date)
        .unwrap_or(model.fitted_for);
    let data_to = matches
        .last()
        .map(|m| m.match_date)
        .unwrap_or(model.fitted_for);
    let params = serde_json::to_string(&stored).map_err(|e| EngineError::BadModel {
        id: 0,
        message: e.to_string(),
    })?;
    let version_id = store
        .insert_model_version(&NewModelVersion {
            league_id: league.id,
            kind: model.kind.name().to_string(),
            params,
            data_from,
            data_to,
            n_matches: n as i64,
            backtest_rps,
        })
        .await?;
    tracing::info!(league = %league.code, version_id, n, fit_seconds, "model refitted");
    Ok(RefitOutcome {
        league: league.code.clone(),
        version_id,
        n_matches: n,
        data_to,
        backtest_rps,
        evaluation: stored.evaluation.clone(),
        fit_seconds,
    })
}

/// Refits every league that has matches.
pub async fn refit_all(
    store: &Store,
    mut progress: impl FnMut(&RefitOutcome),
) -> Result<Vec<RefitOutcome>, EngineError> {
    let mut out = Vec::new();
    for league in store.leagues().await? {
        if league.matches == 0 {
            continue;
        }
        let r = refit_league(store, &league).await?;
        progress(&r);
        out.push(r);
    }
    Ok(out)
}

/// The newest stored model of every league, by league id.
pub async fn load_current_models(
    store: &Store,
) -> Result<HashMap<i64, (ModelVersion, StoredModel)>, EngineError> {
    let mut out = HashMap::new();
    for v in store.current_model_versions().await? {
        let model: StoredModel =
            serde_json::from_str(&v.params).map_err(|e| EngineError::BadModel {
                id: v.id,
                message: e.to_string(),
            })?;
        out.insert(v.league_id, (v, model));
    }
    Ok(out)
}
