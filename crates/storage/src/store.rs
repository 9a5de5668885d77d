use crate::config::{Backend, DbConfig};
use crate::error::Result;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// A connection pool of either backend.
#[derive(Debug, Clone)]
pub enum Pool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Runs the same code against whichever pool is held. Inside the body, `DB` names the
/// backend's `sqlx::Database` type and the identifier names the concrete pool.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite($p) => {
                #[allow(dead_code)]
                type DB = sqlx::Sqlite;
                $body
            }
            $crate::store::Pool::Postgres($p) => {
                #[allow(dead_code)]
                type DB = sqlx::Postgres;
                $body
            }
        }
    };
}
pub(crate) use on_pool;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("migrations/postgres");

/// The database: a pool for writes (the primary; for SQLite a single writer connection) and
/// a pool for reads (a replica when configured, otherwise the primary; for SQLite, readers
/// that work alongside the writer thanks to WAL mode).
#[derive(Debug, Clone)]
pub struct Store {
    backend: Backend,
    pub(crate) write: Pool,
    pub(crate) read: Pool,
    /// Set while the PostgreSQL read replica does not answer: reads then go to the primary.
    replica_down: Option<Arc<AtomicBool>>,
    /// The replica's replay lag in seconds as last measured (`f64` bits; NaN: unknown).
    replica_lag: Option<Arc<AtomicU64>>,
    /// The SQLite database file (not for an in-memory database), which the prediction writer
    /// opens on its own thread.
    pub(crate) sqlite_file: Option<std::path::PathBuf>,
    /// PostgreSQL prediction ids taken from the sequence ahead of use (see
    /// `Store::insert_predictions`), shared by the clones of this store.
    pub(crate) prediction_ids: Arc<std::sync::Mutex<std::collections::VecDeque<i64>>>,
}

/// How often a configured read replica is checked.
const REPLICA_CHECK: Duration = Duration::from_secs(2);

impl Store {
    /// Connects (creating the SQLite file on first use) and applies pending migrations.
    /// Behind PgBouncer (`DbConfig::pgbouncer`) migrations are not applied here.
    pub async fn open(config: &DbConfig) -> Result<Store> {
        let store = Store::connect(config).await?;
        if config.pgbouncer {
            tracing::info!(
                "behind PgBouncer: migrations are applied with `migrate` against the primary"
            );
        } else {
            store.migrate().await?;
        }
        Ok(store)
    }

    /// Connects without migrating.
    pub async fn connect(config: &DbConfig) -> Result<Store> {
        let backend = Backend::of_url(&config.url)?;
        match backend {
            Backend::Sqlite => {
                let options = SqliteConnectOptions::from_str(&config.url)?
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .synchronous(SqliteSynchronous::Normal)
                    .busy_timeout(Duration::from_secs(10))
                    .foreign_keys(true)
                    // Read through a memory map (the OS page cache, shared by all connections);
                    // each connection's own page cache stays small (4 MB), which keeps the
                    // server's memory low (BENCHMARKS.md) without slowing reads or writes.
                    .pragma("mmap_size", "268435456")
                    .pragma("cache_size", "-4000");
                let in_memory =
                    config.url.contains(":memory:") || config.url.contains("mode=memory");
                // A SQLite connection is a file handle: it cannot go stale the way a network
                // connection does, so no ping (a round trip to its thread) before each use.
                let write = SqlitePoolOptions::new()
                    .max_connections(1)
                    .test_before_acquire(false)
                    .acquire_timeout(config.acquire_timeout)
                    .connect_with(options.clone())
                    .await?;
                let read = if in_memory {
                    write.clone()
                } else {
                    // Each SQLite connection runs on its own thread: more readers than twice
                    // the cores only adds switching (measured in BENCHMARKS.md).
                    let cores = std::thread::available_parallelism().map_or(2, |n| n.get() as u32);
                    SqlitePoolOptions::new()
                        .max_connections(config.max_connections.clamp(1, 2 * cores))
                        .test_before_acquire(false)
                        .acquire_timeout(config.acquire_timeout)
                        .connect_lazy_with(options.clone())
                };
                Ok(Store {
                    backend,
                    write: Pool::Sqlite(write),
                    read: Pool::Sqlite(read),
                    replica_down: None,
                    replica_lag: None,
                    sqlite_file: (!in_memory).then(|| options.get_filename().to_path_buf()),
                    prediction_ids: Arc::default(),
                })
            }
            Backend::Postgres => {
                let write = postgres_pool(&config.url, config, config.pgbouncer)?;
                // Fail fast when the primary is unreachable.
                sqlx::query("SELECT 1").execute(&write).await?;
                let (read, replica_down, replica_lag) = match &config.read_url {
                    Some(url) => {
                        let replica = postgres_pool(url, config, false)?;
                        let lag = replica_lag(&replica).await;
                        let down = Arc::new(AtomicBool::new(lag.is_none()));
                        if down.load(Ordering::Relaxed) {
                            tracing::warn!("read replica unreachable: reading from the primary");
                        }
                        let lag = Arc::new(AtomicU64::new(lag.unwrap_or(f64::NAN).to_bits()));
                        watch_replica(replica.clone(), down.clone(), lag.clone());
                        (replica, Some(down), Some(lag))
                    }
                    None => (write.clone(), None, None),
                };
                Ok(Store {
                    backend,
                    write: Pool::Postgres(write),
                    read: Pool::Postgres(read),
                    replica_down,
                    replica_lag,
                    sqlite_file: None,
                    prediction_ids: Arc::default(),
                })
            }
        }
    }

    /// Applies pending migrations (idempotent).
    pub async fn migrate(&self) -> Result<()> {
        match &self.write {
            Pool::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Pool::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool for writes and for reads that must see the caller's own writes.
    pub fn write_pool(&self) -> &Pool {
        &self.write
    }

    /// The pool for reads that must see the caller's own, just-committed writes: the primary
    /// on PostgreSQL (a replica may lag), the reader pool on SQLite (WAL readers see every
    /// committed transaction, and the single writer connection stays free for writes).
    pub fn fresh_read_pool(&self) -> &Pool {
        match self.backend {
            Backend::Sqlite => &self.read,
            Backend::Postgres => &self.write,
        }
    }

    /// The pool for plain reads: the replica when configured and answering, else the primary.
    pub fn read_pool(&self) -> &Pool {
        self.reader()
    }

    pub(crate) fn reader(&self) -> &Pool {
        match &self.replica_down {
            Some(down) if down.load(Ordering::Relaxed) => &self.write,
            _ => &self.read,
        }
    }

    /// Whether reads currently go to a configured replica (`None`: no replica configured).
    pub fn replica_in_use(&self) -> Option<bool> {
        self.replica_down
            .as_ref()
            .map(|d| !d.load(Ordering::Relaxed))
    }

    /// How far the read replica's replay is behind the primary, in seconds, as last measured
    /// (every two seconds): `None` without a replica or while it does not answer. Zero when
    /// it has replayed everything it received.
    pub fn replica_lag_seconds(&self) -> Option<f64> {
        let lag = f64::from_bits(self.replica_lag.as_ref()?.load(Ordering::Relaxed));
        (!lag.is_nan() && self.replica_in_use() == Some(true)).then_some(lag)
    }

    /// Checks that the database answers.
    pub async fn ping(&self) -> Result<()> {
        on_pool!(&self.write, |p| sqlx::query("SELECT 1")
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    pub async fn close(&self) {
        on_pool!(&self.read, |p| p.close().await);
        on_pool!(&self.write, |p| p.close().await);
    }
}

/// The replica's replay lag in seconds, `None` when it does not answer. A server that is not
/// in recovery (a read URL naming a primary) has none; a standby that has replayed all it
/// received has none either (an idle primary sends nothing, so the time of the last replayed
/// transaction would otherwise count as lag).
async fn replica_lag(pool: &sqlx::PgPool) -> Option<f64> {
    const LAG: &str = "SELECT CASE WHEN NOT pg_is_in_recovery() THEN 0 \
        WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 \
        ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) \
        END::float8";
    match tokio::time::timeout(
        Duration::from_secs(2),
        sqlx::query_scalar::<_, f64>(LAG).fetch_one(pool),
    )
    .await
    {
        Ok(Ok(lag)) => Some(lag.max(0.0)),
        _ => None,
    }
}

/// Checks the replica every few seconds, measures its lag, and flips reads between it and
/// the primary.
fn watch_replica(replica: sqlx::PgPool, down: Arc<AtomicBool>, lag_bits: Arc<AtomicU64>) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(REPLICA_CHECK).await;
            if replica.is_closed() {
                return;
            }
            let lag = replica_lag(&replica).await;
            lag_bits.store(lag.unwrap_or(f64::NAN).to_bits(), Ordering::Relaxed);
            let ok = lag.is_some();
            let was_down = down.swap(!ok, Ordering::Relaxed);
            if was_down == ok {
                if ok {
                    tracing::info!("read replica is back: reading from it again");
                } else {
                    tracing::warn!("read replica unreachable: reading from the primary");
                }
            }
        }
    });
}

fn postgres_pool(url: &str, config: &DbConfig, pgbouncer: bool) -> Result<sqlx::PgPool> {
    let statement_timeout = config.statement_timeout.as_millis().to_string();
    let mut options = PgConnectOptions::from_str(url)?;
    if !pgbouncer {
        options = options.options([("statement_timeout", statement_timeout.as_str())]);
    }
    Ok(PgPoolOptions::new()
        .max_connections(config.max_connections.max(1))
        .acquire_timeout(config.acquire_timeout)
        .test_before_acquire(true)
        .connect_lazy_with(options))
}
