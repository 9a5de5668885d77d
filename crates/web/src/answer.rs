//! Prepared answers for `POST /api/predict`. Every prediction of a fixture under one catalog
//! (one dataset and its models) stores the same figures and shows the same markets, form and
//! head-to-head; only its owner, id and time differ. The figures and the serialised response
//! body are therefore made once per fixture and catalog and kept in memory, keyed by the
//! catalog's serial: a reload (import, refit, or another instance's new data) starts new
//! answers, and an answer of an older catalog is never served for a newer one.

use crate::api::{PredictionBody, body_tail, prediction_body};
use crate::error::AppError;
use crate::state::AppState;
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use fp_engine::{Catalog, Fixture, FixturePrediction};
use fp_storage::{NewPrediction, Owner, PredictionRow};
use std::sync::Arc;

/// Catalog serial, league, home team, away team.
pub type AnswerKey = (u64, i64, i64, i64);

/// Bytes of prepared bodies kept in memory (about 3 KB each).
pub const ANSWER_BYTES: u64 = 8 << 20;

/// What every prediction of one fixture shares.
pub struct Answer {
    /// The stored row, but for its owner and time (see [`Answer::row`]).
    template: NewPrediction,
    /// The response after the prediction's own fields (see [`crate::api::body_tail`]).
    pub tail: Bytes,
}

impl Answer {
    /// The row to store for this owner, made now.
    pub fn row(&self, owner: Owner, created_at: DateTime<Utc>) -> NewPrediction {
        NewPrediction {
            owner,
            created_at,
            outcome: self.template.outcome.clone(),
            ..self.template
        }
    }

    /// Bytes this answer holds in the cache.
    pub fn weight(&self) -> u32 {
        u32::try_from(self.tail.len()).unwrap_or(u32::MAX) + 256
    }
}

/// Now, to the microsecond: what both databases keep, so that the time in the answer to a
/// prediction is the time its stored copy shows.
pub fn now() -> DateTime<Utc> {
    chrono::SubsecRound::trunc_subsecs(Utc::now(), 6)
}

/// The row a prediction stores: its figures come from the forecast alone.
pub fn new_row(owner: Owner, created_at: DateTime<Utc>, p: &FixturePrediction) -> NewPrediction {
    let top = p.forecast.markets.top_scores.first().copied();
    let probs = p.forecast.probabilities;
    NewPrediction {
        owner,
        created_at,
        league_id: p.league.league.id,
        home_team_id: p.home.id,
        away_team_id: p.away.id,
        p_home: probs.home,
        p_draw: probs.draw,
        p_away: probs.away,
        predicted_home_goals: top.map_or(0, |s| i64::from(s.home)),
        predicted_away_goals: top.map_or(0, |s| i64::from(s.away)),
        xg_home: p.forecast.markets.expected_goals_home,
        xg_away: p.forecast.markets.expected_goals_away,
        outcome: probs.most_likely().code().to_string(),
        confidence: p.forecast.confidence(),
        model_version_id: Some(p.version.id),
    }
}

/// The row as it reads back, for showing it (id and owner are not part of the answer).
fn as_stored(row: &NewPrediction, p: &FixturePrediction) -> PredictionRow {
    PredictionRow {
        id: 0,
        created_at: row.created_at,
        league_id: row.league_id,
        league_code: p.league.league.code.clone(),
        home_team_id: row.home_team_id,
        away_team_id: row.away_team_id,
        home_team: p.home.name.clone(),
        away_team: p.away.name.clone(),
        p_home: row.p_home,
        p_draw: row.p_draw,
        p_away: row.p_away,
        predicted_home_goals: row.predicted_home_goals,
        predicted_away_goals: row.predicted_away_goals,
        xg_home: row.xg_home,
        xg_away: row.xg_away,
        outcome: row.outcome.clone(),
        confidence: row.confidence,
        model_version_id: row.model_version_id,
        is_archived: false,
        actual_home_goals: None,
        actual_away_goals: None,
        actual_result: None,
    }
}

impl AppState {
    /// The prepared answer for a fixture of `catalog`: from memory, or made once (concurrent
    /// requests for the same fixture wait for the first) from the cached forecast and facts.
    pub(crate) async fn answer(
        &self,
        catalog: &Catalog,
        fixture: Fixture<'_>,
    ) -> Result<Arc<Answer>, AppError> {
        let key: AnswerKey = (
            catalog.serial(),
            fixture.league.league.id,
            fixture.home.id,
            fixture.away.id,
        );
        if let Some(a) = self.answers().get(&key).await {
            return Ok(a);
        }
        // Boxed: the request's future stays small for the common case, a prepared answer.
        Box::pin(self.answers().try_get_with(key, async {
            let p = self.predict(fixture).await;
            let template = new_row(Owner::User(0), now(), &p);
            let shown = as_stored(&template, &p);
            let facts = self.fixture_facts(p.league, p.home.id, p.away.id).await;
            let body: PredictionBody =
                prediction_body(p.league, &shown, &p.forecast.markets, &facts);
            let tail = body_tail(&body)?;
            Ok::<_, serde_json::Error>(Arc::new(Answer { template, tail }))
        }))
        .await
        .map_err(AppError::internal)
    }
}
