//! Predictions as the API shows them, and the prepared answers of `POST /api/predict`.
//!
//! Every prediction of a fixture under one catalog (one dataset and its models) stores the
//! same figures and shows the same markets, form and head-to-head; only its owner, id and
//! time differ. The figures and the serialised body are therefore made once per fixture and
//! catalog and kept in memory, keyed by the catalog's serial: a reload (import, refit, or
//! another instance's new data) starts new answers, and an answer of an older catalog is never
//! served for a newer one.

pub use super::figures::{Figures, prediction_body};
use super::forecasts::Forecasts;
use crate::dto::{Prediction, PredictionBody};
use axum::body::Bytes;
use chrono::{DateTime, Utc};
use fp_engine::{Catalog, Fixture, FixturePrediction};
use fp_storage::{NewPrediction, Owner};
use std::sync::Arc;

/// Bytes of prepared bodies kept in memory (about 3 KB each).
pub const ANSWER_BYTES: u64 = 8 << 20;

/// Now, to the microsecond: what both databases keep, so that the time in the answer to a
/// prediction is the time its stored copy shows.
pub fn now() -> DateTime<Utc> {
    use chrono::Timelike;
    // On the naive time: `DateTime::with_nanosecond` goes through the (zero) offset twice.
    let t = Utc::now().naive_utc();
    let micros = t
        .with_nanosecond(t.nanosecond() / 1_000 * 1_000)
        .unwrap_or(t);
    micros.and_utc()
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
        outcome: probs.most_likely(),
        confidence: p.forecast.confidence(),
        model_version_id: Some(p.version.id),
        fixture_id: p
            .league
            .upcoming_fixture(p.home.id, p.away.id)
            .map(|f| f.id),
    }
}

/// A [`Prediction`] serialised once but for its own id and time: `{"id":…,"url":…,
/// "created_at":…,` followed by the body's fields. The bytes are what `serde_json` writes
/// for the whole [`Prediction`] (a test holds it to that).
#[derive(Debug, Clone)]
pub struct PreparedPrediction {
    /// The body serialised without its opening brace: `"league":…}`.
    tail: Bytes,
}

impl PreparedPrediction {
    pub fn new(body: &PredictionBody) -> Result<Self, serde_json::Error> {
        let mut json = serde_json::to_vec(body)?;
        json.remove(0);
        Ok(PreparedPrediction { tail: json.into() })
    }

    /// The whole prediction with this id and time.
    pub fn with(&self, id: i64, created_at: DateTime<Utc>) -> Vec<u8> {
        let mut digits = itoa::Buffer::new();
        let id = digits.format(id).as_bytes();
        let mut out = Vec::with_capacity(96 + self.tail.len());
        out.extend_from_slice(br#"{"id":"#);
        out.extend_from_slice(id);
        out.extend_from_slice(br#","url":"/predictions/"#);
        out.extend_from_slice(id);
        out.extend_from_slice(br#"","created_at":"#);
        // What `serde_json` writes for a `DateTime<Utc>` (chrono's RFC 3339 with `Z`), which
        // holds nothing JSON escapes, without its formatter adapter.
        out.push(b'"');
        out.extend_from_slice(fp_storage::rfc3339(&created_at, fp_storage::Zone::Z).as_bytes());
        out.extend_from_slice(b"\",");
        out.extend_from_slice(&self.tail);
        out
    }

    /// Bytes held.
    fn size(&self) -> usize {
        self.tail.len()
    }
}

/// The whole [`Prediction`] the prepared bytes stand for.
pub fn prediction(id: i64, created_at: DateTime<Utc>, body: PredictionBody) -> Prediction {
    Prediction {
        id,
        url: format!("/predictions/{id}"),
        created_at,
        body,
    }
}

/// Which fixture under which catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AnswerKey {
    pub catalog: u64,
    pub league: i64,
    pub home: i64,
    pub away: i64,
}

/// What every prediction of one fixture shares.
pub struct Answer {
    /// The stored row, but for its owner and time (see [`Answer::row`]).
    template: NewPrediction,
    pub body: PreparedPrediction,
}

impl Answer {
    /// The row to store for this owner, made now.
    pub fn row(&self, owner: Owner, created_at: DateTime<Utc>) -> NewPrediction {
        NewPrediction {
            owner,
            created_at,
            ..self.template
        }
    }

    /// Bytes this answer holds in the cache.
    fn weight(&self) -> u32 {
        u32::try_from(self.body.size()).unwrap_or(u32::MAX) + 256
    }
}

/// The prepared answers.
pub struct Answers {
    cache: moka::future::Cache<AnswerKey, Arc<Answer>, ahash::RandomState>,
}

impl Default for Answers {
    fn default() -> Self {
        Answers {
            cache: moka::future::Cache::builder()
                .weigher(|_, a: &Arc<Answer>| a.weight())
                .max_capacity(ANSWER_BYTES)
                .build_with_hasher(ahash::RandomState::new()),
        }
    }
}

impl Answers {
    /// The prepared answer for a fixture of `catalog`: from memory, or made once (concurrent
    /// requests for the same fixture wait for the first) from the cached forecast and facts.
    pub async fn get(
        &self,
        forecasts: &Forecasts,
        catalog: &Catalog,
        fixture: Fixture<'_>,
    ) -> Result<Arc<Answer>, Arc<serde_json::Error>> {
        let key = AnswerKey {
            catalog: catalog.serial(),
            league: fixture.league.league.id,
            home: fixture.home.id,
            away: fixture.away.id,
        };
        if let Some(a) = self.cache.get(&key).await {
            return Ok(a);
        }
        // Boxed: the request's future stays small for the common case, a prepared answer.
        Box::pin(self.cache.try_get_with(key, async {
            let p = forecasts.predict(fixture).await;
            let template = new_row(Owner::User(0), now(), &p);
            let facts = forecasts
                .fixture_facts(p.league, p.home.id, p.away.id)
                .await;
            let body = prediction_body(
                p.league,
                &Figures::of_new(&template, &p),
                &p.forecast.markets,
                &facts,
            );
            let body = PreparedPrediction::new(&body)?;
            Ok::<_, serde_json::Error>(Arc::new(Answer { template, body }))
        }))
        .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dto::{
        DoubleChance, FormGame, FormPair, GoalsPair, H2hSummary, HeadToHead, Meeting, ModelInfo,
        OverUnderLine, Probabilities, ScorePair, Scoreline, YesNo,
    };
    use proptest::prelude::*;

    fn body(league: String, home: String, p: f64) -> PredictionBody {
        PredictionBody {
            league,
            home_team: home.clone(),
            away_team: "Chelsea \"FC\"".into(),
            probabilities: Probabilities {
                home: p,
                draw: 0.25,
                away: 0.75 - p,
            },
            outcome: fp_model::Outcome::Home,
            confidence: p,
            expected_goals: GoalsPair {
                home: 1.5,
                away: 1.1,
            },
            most_likely_score: ScorePair { home: 1, away: 0 },
            top_scores: vec![Scoreline {
                home: 1,
                away: 0,
                probability: 0.12,
            }],
            double_chance: DoubleChance {
                home_or_draw: 0.7,
                draw_or_away: 0.5,
                home_or_away: 0.8,
            },
            over_under: vec![OverUnderLine {
                line: 2.5,
                over: 0.5,
                under: 0.5,
            }],
            both_teams_to_score: YesNo { yes: 0.5, no: 0.5 },
            form: FormPair {
                home: vec![FormGame {
                    date: chrono::NaiveDate::from_ymd_opt(2024, 5, 1).unwrap(),
                    opponent: home,
                    home: true,
                    goals_for: 2,
                    goals_against: 1,
                    result: 'W',
                }],
                away: vec![],
            },
            head_to_head: HeadToHead {
                meetings: vec![Meeting {
                    date: chrono::NaiveDate::from_ymd_opt(2023, 5, 1).unwrap(),
                    home_team: "A".into(),
                    away_team: "B".into(),
                    home_goals: 0,
                    away_goals: 0,
                    market: None,
                }],
                summary: H2hSummary {
                    wins: 0,
                    draws: 1,
                    losses: 0,
                    goals_for: 0,
                    goals_against: 0,
                },
            },
            model: ModelInfo {
                version: Some(3),
                data_to: None,
                fitted_at: Some(Utc::now()),
            },
            fixture_id: (p > 0.5).then_some(7),
            data_note: None,
            result: None,
        }
    }

    #[test]
    fn now_is_to_the_microsecond() {
        use chrono::Timelike;
        for _ in 0..100 {
            assert_eq!(now().nanosecond() % 1_000, 0);
        }
    }

    proptest! {
        /// The prepared bytes are exactly what serde_json writes for the whole prediction.
        #[test]
        fn prepared_bytes_equal_serde_json(
            id in any::<i64>(),
            secs in 0i64..4_102_444_800,
            micros in 0u32..1_000_000,
            league in "\\PC{0,8}",
            home in "\\PC{0,20}",
            p in 0.0f64..0.75,
        ) {
            let created_at = DateTime::from_timestamp(secs, micros * 1000).unwrap();
            let b = body(league, home, p);
            let prepared = PreparedPrediction::new(&b).unwrap().with(id, created_at);
            let whole = serde_json::to_vec(&prediction(id, created_at, b)).unwrap();
            prop_assert_eq!(String::from_utf8(prepared).unwrap(), String::from_utf8(whole).unwrap());
        }
    }
}
