use chrono::{DateTime, NaiveDate, Utc};
use fp_model::Outcome;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::facts::{FormPair, HeadToHead};
use super::markets::{
    DoubleChance, GoalsPair, OverUnderLine, Probabilities, ScorePair, Scoreline, YesNo,
};

/// A match to predict, by league code and team names as the data spells them.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
#[schema(example = json!({"league": "E0", "home_team": "Arsenal", "away_team": "Chelsea"}))]
pub struct PredictRequest {
    /// League code, e.g. `E0` (see `GET /api/leagues`).
    #[schema(min_length = 1, max_length = 16)]
    pub league: String,
    /// Home team (see `GET /api/leagues/{code}/teams`).
    #[schema(min_length = 1, max_length = 100)]
    pub home_team: String,
    /// Away team, not the home team.
    #[schema(min_length = 1, max_length = 100)]
    pub away_team: String,
}

/// The model a prediction came from; `data_to` and `fitted_at` while it is the current one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ModelInfo {
    pub version: Option<i64>,
    pub data_to: Option<NaiveDate>,
    pub fitted_at: Option<DateTime<Utc>>,
}

/// A prediction but for the fields that name this one prediction (id, URL, time): the same
/// for every prediction of a fixture under one model and dataset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct PredictionBody {
    pub league: String,
    pub home_team: String,
    pub away_team: String,
    pub probabilities: Probabilities,
    /// The most likely outcome: `H`, `D` or `A`.
    #[schema(value_type = String, pattern = "^[HDA]$")]
    #[serde(with = "outcome_code")]
    pub outcome: Outcome,
    /// The probability of `outcome`.
    pub confidence: f64,
    pub expected_goals: GoalsPair,
    pub most_likely_score: ScorePair,
    pub top_scores: Vec<Scoreline>,
    pub double_chance: DoubleChance,
    pub over_under: Vec<OverUnderLine>,
    pub both_teams_to_score: YesNo,
    pub form: FormPair,
    pub head_to_head: HeadToHead,
    pub model: ModelInfo,
    /// The upcoming fixture this prediction is of (see `GET /api/leagues/{code}/fixtures`);
    /// it is then graded by that fixture's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixture_id: Option<i64>,
    /// Said when a team is not in the league's current season: its figures then come from old
    /// data (e.g. "Leeds is not in the current season; its last match here was 2023-05-28").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_note: Option<String>,
    /// What happened, once the match is played and the prediction graded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<GradedResult>,
}

/// A graded prediction's result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GradedResult {
    pub home_goals: i64,
    pub away_goals: i64,
    /// What happened: `H`, `D` or `A`.
    #[schema(value_type = String, pattern = "^[HDA]$")]
    #[serde(with = "outcome_code")]
    pub outcome: Outcome,
    /// Whether the most likely outcome happened.
    pub favourite_won: bool,
    /// The ranked probability score of the prediction (0 is perfect, lower is better).
    pub rps: f64,
}

impl GradedResult {
    /// The grade of forecast `p` for a final score.
    pub fn of(p: &fp_model::Probabilities, home_goals: i64, away_goals: i64) -> Option<Self> {
        let outcome = Outcome::from_goals(
            u16::try_from(home_goals).ok()?,
            u16::try_from(away_goals).ok()?,
        );
        Some(GradedResult {
            home_goals,
            away_goals,
            outcome,
            favourite_won: p.most_likely() == outcome,
            rps: fp_model::metrics::rps(p, outcome),
        })
    }

    /// The grade of a stored prediction, once it has its result.
    pub fn of_row(r: &fp_storage::PredictionRow) -> Option<Self> {
        let p = fp_model::Probabilities {
            home: r.p_home,
            draw: r.p_draw,
            away: r.p_away,
        };
        GradedResult::of(&p, r.actual_home_goals?, r.actual_away_goals?)
    }
}

/// A saved prediction.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Prediction {
    pub id: i64,
    /// Its page, `/predictions/{id}`.
    pub url: String,
    pub created_at: DateTime<Utc>,
    #[serde(flatten)]
    pub body: PredictionBody,
}

impl From<&fp_model::markets::Scoreline> for Scoreline {
    fn from(s: &fp_model::markets::Scoreline) -> Self {
        Scoreline {
            home: s.home,
            away: s.away,
            probability: s.probability,
        }
    }
}

impl From<&fp_model::markets::DoubleChance> for DoubleChance {
    fn from(d: &fp_model::markets::DoubleChance) -> Self {
        DoubleChance {
            home_or_draw: d.home_or_draw,
            draw_or_away: d.draw_or_away,
            home_or_away: d.home_or_away,
        }
    }
}

impl From<&fp_model::markets::OverUnderLine> for OverUnderLine {
    fn from(l: &fp_model::markets::OverUnderLine) -> Self {
        OverUnderLine {
            line: l.line,
            over: l.over,
            under: l.under,
        }
    }
}

impl From<&fp_model::markets::YesNo> for YesNo {
    fn from(y: &fp_model::markets::YesNo) -> Self {
        YesNo {
            yes: y.yes,
            no: y.no,
        }
    }
}

/// An outcome as its letter, `H`, `D` or `A`.
pub(crate) mod outcome_code {
    use fp_model::Outcome;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(o: &Outcome, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(o.code())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Outcome, D::Error> {
        let code = String::deserialize(d)?;
        Outcome::from_code(&code)
            .ok_or_else(|| serde::de::Error::custom(format!("\"{code}\" is not H, D or A")))
    }
}
