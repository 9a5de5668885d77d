//! The JSON the API speaks: request and response bodies as typed structs, each with its
//! OpenAPI schema derived from the type. Built from the engine's and storage's types here, so
//! the handlers only choose what to show.

mod error;
mod facts;
mod health;
mod history;
mod league;
mod markets;
mod matchday;
mod prediction;
mod token;

pub use error::ErrorBody;
pub use facts::{FormGame, FormPair, HeadToHead};
#[cfg(test)]
pub use facts::{H2hSummary, Meeting};
pub use health::{Health, HealthStatus, Unhealthy};
pub use history::{DeleteRequest, Deleted, HistoryItem, HistoryPage, HistoryParams};
pub use league::{H2hParams, HeadToHeadReport, League, Ratings, Team, TeamRef};
#[cfg(test)]
pub use markets::{DoubleChance, OverUnderLine, Scoreline, YesNo};
pub use markets::{GoalsPair, Probabilities, ScorePair};
pub use matchday::{
    CalibrationPoint, FixtureItem, Fixtures, MarketScore, SimulatedTeam, Simulation, TrackRecord,
    TrackRecordFigures,
};
pub use prediction::{GradedResult, ModelInfo, PredictRequest, Prediction, PredictionBody};
pub use token::{ApiToken, NewToken, NewTokenRequest};
