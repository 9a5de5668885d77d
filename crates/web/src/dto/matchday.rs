//! The JSON of a league's matchday: upcoming fixtures with the model's and the market's
//! figures, the season odds, and track records.

use super::markets::{GoalsPair, Probabilities};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An upcoming match with the served model's forecast.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct FixtureItem {
    /// The fixture's id: a prediction of this pairing is tied to it and graded by its result.
    pub id: i64,
    pub date: NaiveDate,
    /// Kick-off `HH:MM` (UK time, as football-data.co.uk publishes it), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kickoff_time: Option<String>,
    pub home_team: String,
    pub away_team: String,
    pub probabilities: Probabilities,
    pub expected_goals: GoalsPair,
    /// The bookmakers' home/draw/away probabilities from the fixture's odds (Pinnacle where
    /// quoted, else the market average, else Bet365), margin removed; absent without odds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<Probabilities>,
}

/// A league's upcoming fixtures, soonest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Fixtures {
    pub league: String,
    pub model_version: i64,
    pub fixtures: Vec<FixtureItem>,
}

/// One team's season odds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SimulatedTeam {
    pub team: String,
    pub played: u32,
    pub points: u32,
    pub goal_difference: i64,
    pub expected_points: f64,
    pub p_title: f64,
    pub p_top4: f64,
    pub p_relegation: f64,
}

/// The current season played to its end many times from the served model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Simulation {
    pub league: String,
    /// e.g. `2025-26`.
    pub season: String,
    pub simulations: usize,
    pub model_version: i64,
    /// Matches left to play: the unplayed pairings of the double round robin, and any
    /// announced fixture beyond those.
    pub remaining_matches: usize,
    pub relegation_places: usize,
    /// Best expected points first.
    pub teams: Vec<SimulatedTeam>,
}

/// One reliability bin: forecasts whose probability fell in `[lower, upper)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CalibrationPoint {
    pub lower: f64,
    pub upper: f64,
    pub n: usize,
    pub mean_forecast: f64,
    pub observed_frequency: f64,
}

/// The same matches scored by the bookmakers' closing odds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct MarketScore {
    /// Graded matches that have closing odds.
    pub matches: usize,
    /// Mean RPS of the model (or the visitor's predictions) on those matches.
    pub mean_rps: f64,
    /// Mean RPS of the closing odds (margin removed) on those matches.
    pub market_mean_rps: f64,
    pub market_favourite_won: f64,
}

/// How a set of forecasts did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackRecordFigures {
    pub graded: usize,
    /// Share of graded forecasts whose most likely outcome happened.
    pub favourite_won: f64,
    /// Mean ranked probability score (lower is better).
    pub mean_rps: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub market: Option<MarketScore>,
    pub calibration: Vec<CalibrationPoint>,
}

/// Your graded predictions, and the model's graded fixture forecasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct TrackRecord {
    pub yours: TrackRecordFigures,
    /// The served model's forecasts of every fixture played since it was announced (as they
    /// stood before kick-off).
    pub model: TrackRecordFigures,
}
