use super::facts::{FormGame, HeadToHead};
use chrono::{DateTime, NaiveDate, Utc};
use fp_engine::LeagueEntry;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// How the current model did out of sample over its last year of data, next to the closing
/// odds on the same matches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Evaluation {
    pub matches: usize,
    /// Ranked probability score of the model (lower is better).
    pub rps: f64,
    pub log_loss: f64,
    pub brier: f64,
    /// The same scores of the closing odds (Pinnacle, margin removed) on the same matches.
    pub closing_odds_rps: f64,
    pub closing_odds_log_loss: f64,
    pub closing_odds_brier: f64,
}

/// A league's current model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct LeagueModel {
    pub version: i64,
    /// `market` (ratings learnt from past prices) or, where the league's data has too few
    /// prices, `blend` (the goal models and Elo).
    pub kind: String,
    pub data_to: NaiveDate,
    pub fitted_at: DateTime<Utc>,
    pub evaluation: Option<Evaluation>,
}

/// A league with its data range and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct League {
    pub code: String,
    pub name: String,
    pub matches: i64,
    pub teams: i64,
    pub first_date: Option<NaiveDate>,
    pub last_date: Option<NaiveDate>,
    pub model: Option<LeagueModel>,
}

impl From<&LeagueEntry> for League {
    fn from(e: &LeagueEntry) -> Self {
        League {
            code: e.league.code.clone(),
            name: e.league.name.clone(),
            matches: e.league.matches,
            teams: e.league.teams,
            first_date: e.league.first_date,
            last_date: e.league.last_date,
            model: e.model_version().map(|v| LeagueModel {
                version: v.id,
                kind: v.kind.clone(),
                data_to: v.data_to,
                fitted_at: v.fitted_at,
                evaluation: e.evaluation().map(|x| Evaluation {
                    matches: x.matches,
                    rps: x.rps,
                    log_loss: x.log_loss,
                    brier: x.brier,
                    closing_odds_rps: x.closing_odds_rps,
                    closing_odds_log_loss: x.closing_odds_log_loss,
                    closing_odds_brier: x.closing_odds_brier,
                }),
            }),
        }
    }
}

/// A team of a league.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TeamRef {
    pub id: i64,
    pub name: String,
    /// Whether the team plays in the league's current season (results or fixtures).
    #[serde(default)]
    pub current: bool,
    /// The team's newest result in this league.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_played: Option<NaiveDate>,
}

impl TeamRef {
    /// A league's teams: the current season's first, then past teams, each by name.
    pub fn list(entry: &LeagueEntry) -> Vec<TeamRef> {
        let current = entry.current_team_ids();
        let mut teams: Vec<TeamRef> = entry
            .teams
            .iter()
            .map(|t| TeamRef {
                id: t.id,
                name: t.name.clone(),
                current: current.contains(&t.id),
                last_played: entry.last_played(t.id),
            })
            .collect();
        teams.sort_by(|a, b| b.current.cmp(&a.current).then(a.name.cmp(&b.name)));
        teams
    }
}

/// Played, won, drawn, lost, goals, clean sheets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Record {
    pub played: u32,
    pub won: u32,
    pub drawn: u32,
    pub lost: u32,
    pub goals_for: u32,
    pub goals_against: u32,
    pub clean_sheets: u32,
}

impl From<&fp_model::facts::Record> for Record {
    fn from(r: &fp_model::facts::Record) -> Self {
        Record {
            played: r.played,
            won: r.won,
            drawn: r.drawn,
            lost: r.lost,
            goals_for: r.goals_for,
            goals_against: r.goals_against,
            clean_sheets: r.clean_sheets,
        }
    }
}

/// A team's record at home, away and in total, over all its matches in the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TeamRecord {
    pub home: Record,
    pub away: Record,
    pub total: Record,
}

impl From<&fp_model::facts::TeamRecord> for TeamRecord {
    fn from(r: &fp_model::facts::TeamRecord) -> Self {
        TeamRecord {
            home: (&r.home).into(),
            away: (&r.away).into(),
            total: (&r.total).into(),
        }
    }
}

/// A team's ratings under the league's current model.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Ratings {
    /// Attack under the league's model (log scale, higher scores more).
    pub attack: f64,
    /// Defence under the league's model (log scale, lower is better: it adds to the
    /// opponent's goals).
    pub defence: f64,
    pub elo: f64,
    pub model_version: i64,
}

/// A team's record, recent form and ratings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Team {
    pub id: i64,
    pub name: String,
    pub league: String,
    pub record: TeamRecord,
    pub form: Vec<FormGame>,
    pub ratings: Option<Ratings>,
}

/// The two teams of `GET /api/h2h`.
#[derive(Debug, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct H2hParams {
    /// League code.
    pub league: String,
    /// A team of the league.
    pub home: String,
    /// Its opponent.
    pub away: String,
}

/// Every meeting of two teams in the data, both venues.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct HeadToHeadReport {
    pub home_team: String,
    pub away_team: String,
    #[serde(flatten)]
    pub head_to_head: HeadToHead,
}
