use thiserror::Error;

/// Errors at the storage boundary.
#[derive(Debug, Error)]
pub enum StorageError {
    #[error("unsupported database URL \"{0}\" (expected sqlite://… or postgres://…)")]
    UnsupportedUrl(String),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    #[error("{0}")]
    Invalid(String),
    /// A prediction could not be saved (the writer reports the cause to every waiting caller).
    #[error("saving failed: {0}")]
    Write(String),
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;
