//! Settings shared by the subcommands. Each is a flag and an environment variable.

use anyhow::Context;
use clap::Args;
use fp_storage::{DbConfig, Store};
use std::time::Duration;

#[derive(Debug, Clone, Args)]
pub struct DbArgs {
    /// Database: sqlite://FILE (embedded, created on first use) or postgres://…
    #[arg(long, env = "DATABASE_URL", hide_env_values = true, default_value = DbConfig::DEFAULT_URL, global = true)]
    pub database_url: String,
    /// Read replica for queries (PostgreSQL); reads fall back to the primary when it is down
    #[arg(long, env = "DATABASE_READ_URL", hide_env_values = true, global = true)]
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
    /// DATABASE_URL is PgBouncer in transaction mode (1.21+, max_prepared_statements > 0):
    /// no statement_timeout startup option (set it on the role), and `serve` leaves
    /// migrations to `migrate` run against the primary
    #[arg(long, env = "DATABASE_PGBOUNCER", global = true)]
    pub database_pgbouncer: bool,
}

impl DbArgs {
    pub fn config(&self) -> DbConfig {
        let mut c = DbConfig::new(self.database_url.clone());
        c.read_url = self.database_read_url.clone().filter(|u| !u.is_empty());
        c.max_connections = self.db_max_connections;
        c.acquire_timeout = Duration::from_secs(self.db_acquire_timeout);
        c.statement_timeout = Duration::from_secs(self.db_statement_timeout);
        c.pgbouncer = self.database_pgbouncer;
        c
    }

    /// Connects and applies pending migrations.
    pub async fn open(&self) -> anyhow::Result<Store> {
        Store::open(&self.config())
            .await
            .with_context(|| format!("cannot open the database {}", redact(&self.database_url)))
    }
}

pub use fp_secrets::redact_url as redact;

#[derive(Debug, Clone, Args)]
pub struct CacheArgs {
    /// Redis shared by the instances (cache and rate limits), e.g. redis://127.0.0.1:6379;
    /// unset: in-process cache and limits only
    #[arg(long, env = "REDIS_URL", hide_env_values = true, global = true)]
    pub redis_url: Option<String>,
    /// Redis Sentinels to find the master through (comma-separated host:port), instead of
    /// REDIS_URL; a failover is followed without a restart
    #[arg(long, env = "REDIS_SENTINELS", global = true)]
    pub redis_sentinels: Option<String>,
    /// The master's name at the Sentinels
    #[arg(
        long,
        env = "REDIS_MASTER_NAME",
        default_value = "mymaster",
        global = true
    )]
    pub redis_master_name: String,
    /// Start of every Redis key (one per deployment sharing a Redis)
    #[arg(long, env = "CACHE_PREFIX", default_value = "fp", global = true)]
    pub cache_prefix: String,
    /// Longest wait for a Redis reply, in milliseconds, before doing without it
    #[arg(long, env = "REDIS_TIMEOUT_MS", default_value_t = 250, global = true)]
    pub redis_timeout_ms: u64,
    /// Seconds team statistics stay cached
    #[arg(long, env = "CACHE_TTL_TEAM", default_value_t = 300, global = true)]
    pub cache_ttl_team: u64,
    /// Seconds head-to-head records stay cached
    #[arg(long, env = "CACHE_TTL_H2H", default_value_t = 600, global = true)]
    pub cache_ttl_h2h: u64,
    /// Seconds the forecast of a fixture under the current model stays cached
    #[arg(long, env = "CACHE_TTL_FORECAST", default_value_t = 300, global = true)]
    pub cache_ttl_forecast: u64,
}

impl CacheArgs {
    /// Redis, if configured: the Sentinels' master, else REDIS_URL.
    pub fn redis_target(&self) -> Option<fp_cache::RedisTarget> {
        fp_cache::RedisTarget::of_settings(
            self.redis_url.as_deref(),
            self.redis_sentinels.as_deref(),
            &self.redis_master_name,
        )
    }

    pub fn config(&self) -> fp_web::CacheConfig {
        let defaults = fp_web::CacheConfig::default();
        fp_web::CacheConfig {
            redis_target: self.redis_target(),
            prefix: self.cache_prefix.clone(),
            ttls: fp_web::Ttls {
                team: Duration::from_secs(self.cache_ttl_team),
                head_to_head: Duration::from_secs(self.cache_ttl_h2h),
                forecast: Duration::from_secs(self.cache_ttl_forecast),
                ..defaults.ttls
            },
            redis: fp_web::LinkSettings {
                timeout: Duration::from_millis(self.redis_timeout_ms.max(1)),
                ..defaults.redis
            },
            ..defaults
        }
    }

    /// After an import or a refit: tell the servers sharing Redis to reload (they watch the
    /// cache generation). Without Redis, running servers reload at their next refit.
    pub async fn announce_new_data(&self) {
        let Some(target) = self.redis_target() else {
            return;
        };
        let config = self.config();
        match fp_cache::RedisLink::to(&target, config.redis) {
            Ok(link) => match fp_cache::bump_shared(&link, &config.prefix).await {
                Some(generation) => println!(
                    "told the servers sharing Redis to reload (cache generation {generation})"
                ),
                None => eprintln!(
                    "warning: Redis did not answer: running servers keep the data they loaded until they restart"
                ),
            },
            Err(e) => eprintln!("warning: {e}"),
        }
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
    /// Write the log to this file instead of standard error, in a new file each day
    /// (FILE.YYYY-MM-DD); unset: standard error, for journald or Docker to collect
    #[arg(long, env = "LOG_FILE", global = true)]
    pub log_file: Option<std::path::PathBuf>,
    /// Daily log files kept with LOG_FILE; older ones are removed
    #[arg(long, env = "LOG_KEEP", default_value_t = 14, global = true)]
    pub log_keep: usize,
}

/// Keeps the log file's writer thread alive; dropping it flushes what is buffered.
pub type LogGuard = Option<tracing_appender::non_blocking::WorkerGuard>;

impl LogArgs {
    pub fn init(&self, default: &str) -> anyhow::Result<LogGuard> {
        let filter = tracing_subscriber::EnvFilter::try_new(self.log.as_deref().unwrap_or(default))
            .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
        let builder = tracing_subscriber::fmt().with_env_filter(filter);
        let Some(file) = self.log_file.as_ref().filter(|f| !f.as_os_str().is_empty()) else {
            let builder = builder.with_writer(std::io::stderr);
            if self.log_format == "json" {
                builder.json().init();
            } else {
                builder.init();
            }
            return Ok(None);
        };
        let dir = file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(std::path::Path::new("."));
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .with_context(|| format!("LOG_FILE {} names no file", file.display()))?;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the log folder {}", dir.display()))?;
        let appender = tracing_appender::rolling::Builder::new()
            .rotation(tracing_appender::rolling::Rotation::DAILY)
            .filename_prefix(name)
            .max_log_files(self.log_keep.max(1))
            .build(dir)
            .with_context(|| format!("cannot write the log file {}", file.display()))?;
        let (writer, guard) = tracing_appender::non_blocking(appender);
        let builder = builder.with_writer(writer).with_ansi(false);
        if self.log_format == "json" {
            builder.json().init();
        } else {
            builder.init();
        }
        Ok(Some(guard))
    }
}
