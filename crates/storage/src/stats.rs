//! Figures an operator watches: the database's size, each table's rows, active and archived
//! predictions and the oldest active one. Exact counts (a full scan of each table), so read
//! by the `stats` command and by a scheduled job, never per request or per scrape.

use crate::cleanup::PredictionCounts;
use crate::error::Result;
use crate::store::{Pool, Store, on_pool};
use chrono::{DateTime, Utc};

/// The tables counted, in the order they are shown.
pub const TABLES: &[&str] = &[
    "leagues",
    "teams",
    "matches",
    "fixtures",
    "model_versions",
    "predictions",
    "users",
    "sessions",
    "api_tokens",
    "session_revocations",
    "job_runs",
];

/// One table's row count.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TableRows {
    pub table: String,
    pub rows: i64,
}

/// How much room the database takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct DatabaseSize {
    /// `pg_database_size`, or the SQLite file plus its write-ahead log.
    pub total_bytes: i64,
    /// The SQLite write-ahead log (`None` on PostgreSQL).
    pub wal_bytes: Option<i64>,
}

/// Everything `stats` prints.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DatabaseStats {
    pub backend: &'static str,
    pub size: DatabaseSize,
    pub tables: Vec<TableRows>,
    pub predictions: PredictionCounts,
    pub oldest_active_prediction: Option<DateTime<Utc>>,
    pub measured_at: DateTime<Utc>,
}

impl DatabaseStats {
    /// The row count of `table` (0 when not counted).
    pub fn rows(&self, table: &str) -> i64 {
        self.tables
            .iter()
            .find(|t| t.table == table)
            .map_or(0, |t| t.rows)
    }
}

impl Store {
    /// Measures the database (a few seconds on tens of millions of rows).
    pub async fn stats(&self) -> Result<DatabaseStats> {
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            // The names come from the constant list above, never from input.
            let sql = format!("SELECT COUNT(*) FROM {table}");
            let rows: i64 = on_pool!(&self.write, |p| sqlx::query_scalar(&sql)
                .fetch_one(p)
                .await?);
            tables.push(TableRows {
                table: (*table).to_string(),
                rows,
            });
        }
        let oldest: Option<DateTime<Utc>> = on_pool!(&self.write, |p| sqlx::query_scalar(
            "SELECT MIN(created_at) FROM predictions WHERE is_archived = FALSE"
        )
        .fetch_one(p)
        .await?);
        Ok(DatabaseStats {
            backend: self.backend().name(),
            size: self.database_size().await?,
            tables,
            predictions: self.prediction_counts().await?,
            oldest_active_prediction: oldest,
            measured_at: Utc::now(),
        })
    }

    /// The database's size on disk.
    pub async fn database_size(&self) -> Result<DatabaseSize> {
        match &self.write {
            Pool::Postgres(p) => {
                let total: i64 = sqlx::query_scalar("SELECT pg_database_size(current_database())")
                    .fetch_one(p)
                    .await?;
                Ok(DatabaseSize {
                    total_bytes: total,
                    wal_bytes: None,
                })
            }
            Pool::Sqlite(p) => {
                if let Some(file) = &self.sqlite_file {
                    let len = |path: &std::path::Path| {
                        std::fs::metadata(path).map_or(0, |m| i64::try_from(m.len()).unwrap_or(0))
                    };
                    let mut wal = file.clone().into_os_string();
                    wal.push("-wal");
                    let wal = len(std::path::Path::new(&wal));
                    Ok(DatabaseSize {
                        total_bytes: len(file) + wal,
                        wal_bytes: Some(wal),
                    })
                } else {
                    let pages: i64 = sqlx::query_scalar("PRAGMA page_count").fetch_one(p).await?;
                    let size: i64 = sqlx::query_scalar("PRAGMA page_size").fetch_one(p).await?;
                    Ok(DatabaseSize {
                        total_bytes: pages * size,
                        wal_bytes: Some(0),
                    })
                }
            }
        }
    }
}

/// 1536 → "1.5 KiB".
pub fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{value:.1} {}", UNITS[unit])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 * 1024), "5.0 GiB");
    }
}
