use super::markets::{GoalsPair, Probabilities, ScorePair};
use super::prediction::{GradedResult, outcome_code};
use chrono::{DateTime, Utc};
use fp_model::Outcome;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Filters and page of `GET /api/history`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryParams {
    /// Page, from 1.
    #[param(minimum = 1)]
    pub page: Option<i64>,
    /// Only this league (code); empty for all.
    pub league: Option<String>,
    /// Only this predicted outcome; empty for all.
    #[param(pattern = "^[HDA]?$")]
    pub outcome: Option<String>,
    /// `true`: only graded predictions (their match is played); `false`: only those waiting.
    pub graded: Option<bool>,
}

/// A saved prediction as a history lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryItem {
    pub id: i64,
    pub url: String,
    pub created_at: DateTime<Utc>,
    pub league: String,
    pub home_team: String,
    pub away_team: String,
    pub probabilities: Probabilities,
    pub expected_goals: GoalsPair,
    pub most_likely_score: ScorePair,
    #[schema(value_type = String, pattern = "^[HDA]$")]
    #[serde(with = "outcome_code")]
    pub outcome: Outcome,
    pub confidence: f64,
    pub model_version: Option<i64>,
    /// The fixture it was made from, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixture_id: Option<i64>,
    /// What happened, once graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<GradedResult>,
}

impl From<&fp_storage::PredictionRow> for HistoryItem {
    fn from(r: &fp_storage::PredictionRow) -> Self {
        HistoryItem {
            id: r.id,
            url: format!("/predictions/{}", r.id),
            created_at: r.created_at,
            league: r.league_code.clone(),
            home_team: r.home_team.clone(),
            away_team: r.away_team.clone(),
            probabilities: Probabilities {
                home: r.p_home,
                draw: r.p_draw,
                away: r.p_away,
            },
            expected_goals: GoalsPair {
                home: r.xg_home,
                away: r.xg_away,
            },
            most_likely_score: ScorePair {
                home: r.predicted_home_goals,
                away: r.predicted_away_goals,
            },
            outcome: r.outcome,
            confidence: r.confidence,
            model_version: r.model_version_id,
            fixture_id: r.fixture_id,
            result: GradedResult::of_row(r),
        }
    }
}

/// One page of the caller's active predictions, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HistoryPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub pages: i64,
    pub items: Vec<HistoryItem>,
}

/// Which predictions to delete: some by id, or all.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(example = json!({"ids": [1, 2]}))]
pub struct DeleteRequest {
    #[serde(default)]
    pub ids: Vec<i64>,
    #[serde(default)]
    pub all: bool,
}

/// How many predictions were deleted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Deleted {
    pub deleted: u64,
}
