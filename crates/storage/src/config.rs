use crate::error::{Result, StorageError};
use std::time::Duration;

/// Which database engine a URL points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn name(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
    }

    pub fn of_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            Err(StorageError::UnsupportedUrl(url.to_string()))
        }
    }
}

/// How to connect. `read_url` (PostgreSQL only) points at a read replica.
#[derive(Debug, Clone)]
pub struct DbConfig {
    pub url: String,
    pub read_url: Option<String>,
    pub max_connections: u32,
    pub acquire_timeout: Duration,
    pub statement_timeout: Duration,
    /// `url` is a PgBouncer in transaction mode (1.21 or newer, with
    /// `max_prepared_statements` set, so sqlx's named statements are kept per client): no
    /// `statement_timeout` startup option (PgBouncer refuses it; set it on the role or
    /// database instead), and no migrations on open (they hold a session advisory lock,
    /// which transaction pooling cannot keep; run `migrate` against the primary itself).
    pub pgbouncer: bool,
}

impl DbConfig {
    pub const DEFAULT_URL: &'static str = "sqlite://football-predictor.db";

    pub fn new(url: impl Into<String>) -> Self {
        DbConfig {
            url: url.into(),
            read_url: None,
            max_connections: 16,
            acquire_timeout: Duration::from_secs(5),
            statement_timeout: Duration::from_secs(30),
            pgbouncer: false,
        }
    }
}
