//! Getting results in: `import` of local files and folders, `sync` from football-data.co.uk.
//!
//! Every file is parsed whole before anything is written, then stored in one transaction:
//! a file with a bad row is rejected with an error naming the file and the line, and other
//! files still import.

mod files;
mod import;
mod sync;

pub use files::collect_csv_files;
pub use import::{
    FileOutcome, ImportReport, import_bytes, import_files, new_fixture, new_match, parse_matches,
};
pub use sync::{SyncConfig, SyncTarget, season_code, sync};

use thiserror::Error;

#[derive(Debug, Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Parse(#[from] fp_csv::ParseError),
    #[error("{file}: {source}")]
    Storage {
        file: String,
        #[source]
        source: fp_storage::StorageError,
    },
    #[error("{url}: download failed: {message}")]
    Download { url: String, message: String },
    #[error("{0}")]
    Invalid(String),
}
