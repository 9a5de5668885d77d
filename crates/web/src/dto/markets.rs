//! The markets a prediction prices: result probabilities, expected goals, scorelines, double
//! chance, goal lines and both teams to score.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

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
