//! Storage for Football Predictor.
//!
//! One interface, [`Store`], over two backends chosen by the database URL: SQLite (the
//! embedded default, a file in the working directory) and PostgreSQL (primary plus an optional
//! read replica). The SQL text is shared wherever the dialects agree; the [`on_pool!`] macro
//! runs the same code against whichever pool the store holds, so every query is compiled and
//! type-checked for both backends.

mod accounts;
mod admin;
mod backup;
mod cleanup;
mod config;
mod data_state;
mod digests;
mod email;
mod error;
mod fixtures;
mod grading;
mod import;
mod jobs;
mod leagues;
mod matches;
mod model_versions;
mod prediction_writer;
mod predictions;
mod reports;
mod sessions;
mod stats;
mod store;
mod time_text;
mod tokens;
mod track_record;
mod upkeep;

pub use accounts::User;
pub use admin::{AdminAction, StatsSnapshot};
pub use backup::{BackupReport, RestoreReport, check_sqlite_file, restore};
pub use cleanup::PredictionCounts;
pub use config::{Backend, DbConfig};
pub use digests::{DigestLine, DigestReport};
pub use email::{EmailSettings, NewEmailToken, NewMail, OutboxBacklog, OutboxMail, TokenPurpose};
pub use error::StorageError;
pub use fixtures::{FixtureForecast, StoredFixture};
pub use import::{
    FileCounts, FixturePrices, HalfTime, ImportCounts, MatchOdds, MatchStats, NewFixture, NewMatch,
    Prices1x2, PricesOverUnder,
};
pub use jobs::JobRun;
pub use leagues::{League, Team};
pub use matches::{StoredMatch, StoredPrices};
pub use model_versions::{ModelVersion, NewModelVersion};
pub use prediction_writer::PredictionWriter;
pub use predictions::{
    HistoryFilter, HistoryFingerprint, HistoryPage, INSERT_CHUNK, NewPrediction, Owner,
    PredictionRow,
};
pub use reports::{Freshness, JobFailures, LeagueWeek, WeeklyReport};
pub use sessions::{NewSession, PurgeReport, Revocation, SessionRecord};
pub use sqlx::Error as SqlxError;
pub use stats::{DatabaseSize, DatabaseStats, TABLES, TableRows, human_bytes};
pub use store::{Pool, Store};
pub use time_text::{TimeText, Zone, rfc3339};
pub use tokens::{ApiToken, TokenOwner};
pub use track_record::GradedForecast;
pub use upkeep::{BUSY_TABLES, UpkeepReport};

#[cfg(feature = "testing")]
pub mod testing;
