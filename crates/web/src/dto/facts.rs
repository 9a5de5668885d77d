//! What the teams did lately: each side's recent games and their last meetings, as a
//! prediction shows them.

use super::markets::Probabilities;
use chrono::NaiveDate;
use fp_engine::LeagueEntry;
use fp_model::facts::FormEntry;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
