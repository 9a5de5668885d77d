//! Staff accounts, the record of admin actions, and stored database figures.

use crate::error::Result;
use crate::stats::DatabaseStats;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

/// One thing a staff member did on the admin page (or `create-admin` on the command line).
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct AdminAction {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub username: String,
    pub action: String,
    pub detail: String,
}

/// Database figures as measured by the stats job.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StatsSnapshot {
    pub measured_at: DateTime<Utc>,
    pub size_bytes: i64,
    pub wal_bytes: Option<i64>,
    pub predictions_active: i64,
    pub predictions_archived: i64,
    pub oldest_active_prediction: Option<DateTime<Utc>>,
    pub tables: Vec<(String, i64)>,
}

impl From<&DatabaseStats> for StatsSnapshot {
    fn from(s: &DatabaseStats) -> Self {
        StatsSnapshot {
            measured_at: s.measured_at,
            size_bytes: s.size.total_bytes,
            wal_bytes: s.size.wal_bytes,
            predictions_active: s.predictions.active,
            predictions_archived: s.predictions.archived,
            oldest_active_prediction: s.oldest_active_prediction,
            tables: s.tables.iter().map(|t| (t.table.clone(), t.rows)).collect(),
        }
    }
}

impl Store {
    /// Makes an account staff (or not); `false` when there is no such account.
    pub async fn set_staff(&self, username: &str, staff: bool) -> Result<bool> {
        let sql = "UPDATE users SET is_staff = $1 WHERE username = $2";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(staff)
            .bind(username)
            .execute(p)
            .await?
            .rows_affected())
            > 0)
    }

    /// Whether the account is staff (read from the primary: a revoked flag holds at once).
    pub async fn is_staff(&self, user_id: i64) -> Result<bool> {
        let sql = "SELECT is_staff FROM users WHERE id = $1";
        let staff: Option<bool> = on_pool!(self.fresh_read_pool(), |p| sqlx::query_scalar(sql)
            .bind(user_id)
            .fetch_optional(p)
            .await?);
        Ok(staff.unwrap_or(false))
    }

    /// Records an admin action.
    pub async fn log_admin_action(
        &self,
        user_id: Option<i64>,
        username: &str,
        action: &str,
        detail: &str,
    ) -> Result<()> {
        let sql = "INSERT INTO admin_actions (at, user_id, username, action, detail) \
                   VALUES ($1, $2, $3, $4, $5)";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(Utc::now())
            .bind(user_id)
            .bind(username)
            .bind(action)
            .bind(detail)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// The latest admin actions, newest first.
    pub async fn admin_actions(&self, limit: i64) -> Result<Vec<AdminAction>> {
        let sql = "SELECT id, at, user_id, username, action, detail FROM admin_actions \
                   ORDER BY id DESC LIMIT $1";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }

    /// Stores a measurement of the database; snapshots older than `keep_from` go.
    pub async fn save_stats_snapshot(
        &self,
        snapshot: &StatsSnapshot,
        keep_from: DateTime<Utc>,
    ) -> Result<()> {
        let body = serde_json::to_string(snapshot)
            .map_err(|e| crate::StorageError::Invalid(format!("stats snapshot: {e}")))?;
        on_pool!(&self.write, |p| {
            sqlx::query("INSERT INTO stats_snapshots (measured_at, body) VALUES ($1, $2)")
                .bind(snapshot.measured_at)
                .bind(body)
                .execute(p)
                .await?;
            sqlx::query("DELETE FROM stats_snapshots WHERE measured_at < $1")
                .bind(keep_from)
                .execute(p)
                .await
                .map(|_| ())?
        });
        Ok(())
    }

    /// Stored measurements since `since`, oldest first.
    pub async fn stats_snapshots(&self, since: DateTime<Utc>) -> Result<Vec<StatsSnapshot>> {
        let sql = "SELECT body FROM stats_snapshots WHERE measured_at >= $1 ORDER BY measured_at";
        let bodies: Vec<String> = on_pool!(self.read_pool(), |p| sqlx::query_scalar(sql)
            .bind(since)
            .fetch_all(p)
            .await?);
        Ok(bodies
            .iter()
            .filter_map(|b| serde_json::from_str(b).ok())
            .collect())
    }

    /// The latest measurement, if any.
    pub async fn latest_stats_snapshot(&self) -> Result<Option<StatsSnapshot>> {
        let sql = "SELECT body FROM stats_snapshots ORDER BY measured_at DESC LIMIT 1";
        let body: Option<String> = on_pool!(self.read_pool(), |p| sqlx::query_scalar(sql)
            .fetch_optional(p)
            .await?);
        Ok(body.and_then(|b| serde_json::from_str(&b).ok()))
    }

    /// The latest runs of every job, newest first.
    pub async fn recent_job_runs(&self, limit: i64) -> Result<Vec<crate::JobRun>> {
        let sql = "SELECT id, job, slot, instance, started_at, finished_at, status, message \
                   FROM job_runs ORDER BY started_at DESC, id DESC LIMIT $1";
        Ok(on_pool!(self.fresh_read_pool(), |p| sqlx::query_as(sql)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }
}
