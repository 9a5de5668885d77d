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
    /// A prediction could not be saved because the database could not be reached.
    #[error("saving failed, the database is unavailable: {0}")]
    Unavailable(String),
}

impl StorageError {
    /// The database could not be reached or is restarting (a pool timeout, a broken
    /// connection, a server or PgBouncer shutting down or refusing connections): the request
    /// may succeed if tried again shortly, so it is answered 503, not 500.
    pub fn is_unavailable(&self) -> bool {
        match self {
            StorageError::Unavailable(_) => true,
            StorageError::Database(e) => match e {
                sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
                | sqlx::Error::Protocol(_)
                | sqlx::Error::WorkerCrashed => true,
                sqlx::Error::Database(db) => db.code().is_some_and(|c| unavailable_code(&c)),
                _ => false,
            },
            _ => false,
        }
    }
}

/// SQLSTATEs of a server that cannot serve now: connection exceptions (class 08, which
/// PgBouncer also uses while it cannot log in to the server), shutdowns and restarts
/// (57P01-57P03), too many connections (53300), read-only during a failover (25006).
fn unavailable_code(code: &str) -> bool {
    code.starts_with("08") || matches!(code, "57P01" | "57P02" | "57P03" | "53300" | "25006")
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_and_shutdown_codes_are_unavailable_others_not() {
        for code in ["08006", "08P01", "57P01", "57P03", "53300", "25006"] {
            assert!(unavailable_code(code), "{code}");
        }
        for code in ["23505", "42P01", "22P02", "40001"] {
            assert!(!unavailable_code(code), "{code}");
        }
        assert!(StorageError::Database(sqlx::Error::PoolTimedOut).is_unavailable());
        assert!(StorageError::Unavailable("down".into()).is_unavailable());
        assert!(!StorageError::Write("bad row".into()).is_unavailable());
        assert!(!StorageError::Invalid("bad".into()).is_unavailable());
    }
}
