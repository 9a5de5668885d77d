//! Settings shared by the subcommands. Each is a flag and an environment variable.

use anyhow::Context;
use clap::Args;
use fp_storage::{DbConfig, Store};
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database: sqlite://FILE (embedded, created on first use) or postgres://…
    #[arg(long, env = "DATABASE_URL", default_value = DbConfig::DEFAULT_URL, global = true)]
    pub database_url: String,
    /// Read replica for queries (PostgreSQL); reads fall back to the primary when it is down
    #[arg(long, env = "DATABASE_READ_URL", global = true)]
    pub database_read_url: Option<String>,
    /// Largest number of connections per pool
    #[arg(long, env = "DB_MAX_CONNECTIONS", default_value_t = 16, global = true)]
    pub db_max_connections: u32,
    /// Seconds to wait for a free connection
    #[arg(long, env = "DB_ACQUIRE_TIMEOUT", default_value_t = 5, global = true)]
    pub db_acquire_timeout: u64,
    /// Seconds a statement may run (PostgreSQL)
    #[arg(
        long,
        env = "DB_STATEMENT_TIMEOUT",
        default_value_t = 30,
        global = true
    )]
    pub db_statement_timeout: u64,
}

impl DbArgs {
    pub fn config(&self) -> DbConfig {
        let mut c = DbConfig::new(self.database_url.clone());
        c.read_url = self.database_read_url.clone().filter(|u| !u.is_empty());
        c.max_connections = self.db_max_connections;
        c.acquire_timeout = Duration::from_secs(self.db_acquire_timeout);
        c.statement_timeout = Duration::from_secs(self.db_statement_timeout);
        c
    }

    /// Connects and applies pending migrations.
    pub async fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.config())
            .await
            .with_context(|| format!("cannot open the database {}", redact(&self.database_url)))
    }
}

/// Hides a password in a database URL for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[derive(Debug, Clone, Args)]
pub struct LogArgs {
    /// Log format: text or json
    #[arg(long, env = "LOG_FORMAT", default_value = "text", global = true)]
    pub log_format: String,
    /// Log filter (tracing EnvFilter syntax); default: info for serve, warn otherwise
    #[arg(long, env = "RUST_LOG", global = true)]
    pub log: Option<String>,
}

impl LogArgs {
    pub fn init(&self, default: &str) {
        let filter = tracing_subscriber::EnvFilter::try_new(self.log.as_deref().unwrap_or(default))
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        let builder = tracing_subscriber::fmt()
            .with_env_filter(filter)
            .with_writer(std::io::stderr);
        if self.log_format == "json" {
            builder.json().init();
        } else {
            builder.init();
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            super::redact("postgres://u:secret@h/db"),
            "postgres://u:***@h/db"
        );
        assert_eq!(super::redact("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact("sqlite://x.db"), "sqlite://x.db");
    }
}
