//! Database upkeep, run weekly by the scheduler: PostgreSQL `VACUUM (ANALYZE)` of the tables
//! that take most writes and deletes; SQLite `PRAGMA optimize` and a checkpoint that folds the
//! write-ahead log back into the database file.

use crate::error::Result;
use crate::store::{Pool, Store};

/// The tables rows are written to and deleted from all day.
pub const BUSY_TABLES: &[&str] = &[
    "predictions",
    "sessions",
    "session_revocations",
    "fixtures",
    "matches",
    "job_runs",
];

/// What upkeep did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpkeepReport {
    /// What was run, for the job's record.
    pub actions: Vec<String>,
}

impl std::fmt::Display for UpkeepReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.actions.join("; "))
    }
}

impl Store {
    /// Runs the backend's upkeep.
    pub async fn upkeep(&self) -> Result<UpkeepReport> {
        let mut actions = Vec::new();
        match &self.write {
            Pool::Postgres(p) => {
                // VACUUM cannot run inside a transaction: one plain statement.
                let sql = format!("VACUUM (ANALYZE) {}", BUSY_TABLES.join(", "));
                sqlx::query(&sql).execute(p).await?;
                actions.push(format!("VACUUM (ANALYZE) of {} tables", BUSY_TABLES.len()));
            }
            Pool::Sqlite(p) => {
                sqlx::query("PRAGMA optimize").execute(p).await?;
                actions.push("PRAGMA optimize".to_string());
                // (busy, log pages, pages checkpointed): busy = 1 when a reader kept part of
                // the log in use; the next checkpoint gets the rest.
                let (busy, log, done): (i64, i64, i64) =
                    sqlx::query_as("PRAGMA wal_checkpoint(TRUNCATE)")
                        .fetch_one(p)
                        .await?;
                actions.push(if busy == 0 {
                    format!("checkpoint: {done} of {log} log pages written back, log truncated")
                } else {
                    format!("checkpoint: {done} of {log} log pages written back (readers busy)")
                });
            }
        }
        Ok(UpkeepReport { actions })
    }
}
