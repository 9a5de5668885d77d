use chrono::{DateTime, NaiveDate, Utc};
use fp_engine::LeagueEntry;
use fp_model::Outcome;
use fp_model::facts::FormEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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

/// Home / draw / away probabilities; they sum to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Probabilities {
    pub home: f64,
    pub draw: f64,
    pub away: f64,
}

/// Expected goals of each side.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct GoalsPair {
    pub home: f64,
    pub away: f64,
}

/// A scoreline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ScorePair {
    pub home: i64,
    pub away: i64,
}

/// A scoreline and its probability.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Scoreline {
    pub home: u8,
    pub away: u8,
    pub probability: f64,
}

/// Double-chance probabilities.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct DoubleChance {
    pub home_or_draw: f64,
    pub draw_or_away: f64,
    pub home_or_away: f64,
}

/// Over / under a goal line.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct OverUnderLine {
    pub line: f64,
    pub over: f64,
    pub under: f64,
}

/// Both teams to score.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct YesNo {
    pub yes: f64,
    pub no: f64,
}

/// One recent game of a team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FormGame {
    pub date: NaiveDate,
    pub opponent: String,
    /// Whether the team played at home.
    pub home: bool,
    pub goals_for: u8,
    pub goals_against: u8,
    /// `W`, `D` or `L`.
    #[schema(value_type = String, pattern = "^[WDL]$")]
    pub result: char,
}

impl FormGame {
    pub fn list(entry: &LeagueEntry, form: &[FormEntry]) -> Vec<FormGame> {
        form.iter()
            .map(|f| FormGame {
                date: f.date,
                opponent: entry.team_name(f.opponent).to_string(),
                home: f.at_home,
                goals_for: f.goals_for,
                goals_against: f.goals_against,
                result: f.result,
            })
            .collect()
    }
}

/// The recent games of both teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FormPair {
    pub home: Vec<FormGame>,
    pub away: Vec<FormGame>,
}

/// A past meeting.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Meeting {
    pub date: NaiveDate,
    pub home_team: String,
    pub away_team: String,
    pub home_goals: u8,
    pub away_goals: u8,
    /// The market's view of this match before kick-off: the bookmakers' home/draw/away
    /// probabilities from its own odds (Pinnacle's closing prices where the data has them),
    /// margin removed. Not the model's figure, which never reads a match's own odds; absent
    /// when the data has no odds for the match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<Probabilities>,
}

/// Meetings seen from the first team named.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct H2hSummary {
    pub wins: u32,
    pub draws: u32,
    pub losses: u32,
    pub goals_for: u32,
    pub goals_against: u32,
}

/// Last meetings of two teams, both venues, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeadToHead {
    pub meetings: Vec<Meeting>,
    pub summary: H2hSummary,
}

impl HeadToHead {
    pub fn of(entry: &LeagueEntry, h: &fp_model::facts::HeadToHead) -> HeadToHead {
        HeadToHead {
            meetings: h
                .meetings
                .iter()
                .map(|g| Meeting {
                    date: g.date,
                    home_team: entry.team_name(g.home).to_string(),
                    away_team: entry.team_name(g.away).to_string(),
                    home_goals: g.home_goals,
                    away_goals: g.away_goals,
                    market: g.market.map(|m| Probabilities {
                        home: m.prices.result.home,
                        draw: m.prices.result.draw,
                        away: m.prices.result.away,
                    }),
                })
                .collect(),
            summary: H2hSummary {
                wins: h.a_wins,
                draws: h.draws,
                losses: h.b_wins,
                goals_for: h.a_goals,
                goals_against: h.b_goals,
            },
        }
    }
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
