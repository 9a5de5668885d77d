//! The service layer between the store and the pure models: fitting and storing model
//! versions (`refit`), loading them for the server, predictions by team.

pub mod backups;
mod catalog;
mod cleanup;
mod fixtures;
mod outlook;
mod refit;
pub mod reports;
pub mod scheduler;
mod season;

pub use catalog::{
    Catalog, Fixture, FixturePrediction, LeagueEntry, LookupError, RankedTeam, TeamRatings,
    stored_markets,
};
pub use cleanup::{CleanupOptions, CleanupReport, cleanup_predictions};
pub use fixtures::forecast_fixtures;
pub use outlook::SeasonOutlook;
pub use season::season_of;

pub use refit::{
    RefitOutcome, fit_from_matches, game_of, load_current_models, refit_all, refit_league,
};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum EngineError {
    #[error(transparent)]
    Storage(#[from] fp_storage::StorageError),
    #[error("league {0} has no matches to fit")]
    NoData(String),
    #[error("stored model version {id} cannot be read: {message}")]
    BadModel { id: i64, message: String },
    #[error("{0}")]
    Invalid(String),
    #[error("model fitting task failed: {0}")]
    Task(String),
}
