//! The JSON the API speaks: request and response bodies as typed structs, each with its
//! OpenAPI schema derived from the type. Built from the engine's and storage's types here, so
//! the handlers only choose what to show.

mod error;
mod health;
mod history;
mod league;
mod matchday;
mod prediction;
mod token;

pub use error::ErrorBody;
pub use health::{Health, HealthStatus, Unhealthy};
pub use history::{DeleteRequest, Deleted, HistoryItem, HistoryPage, HistoryParams};
pub use league::{H2hParams, HeadToHeadReport, League, Ratings, Team, TeamRef};
pub use matchday::{
    CalibrationPoint, FixtureItem, Fixtures, MarketScore, SimulatedTeam, Simulation, TrackRecord,
    TrackRecordFigures,
};
#[cfg(test)]
pub use prediction::{DoubleChance, H2hSummary, Meeting, OverUnderLine, Scoreline, YesNo};
pub use prediction::{
    FormGame, FormPair, GoalsPair, GradedResult, HeadToHead, ModelInfo, PredictRequest, Prediction,
    PredictionBody, Probabilities, ScorePair,
};
pub use token::{ApiToken, NewToken, NewTokenRequest};
