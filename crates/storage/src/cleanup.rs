//! History management: archiving old predictions and deleting long-archived ones, in small
//! batches so that millions of rows never lock the table for long.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

/// Active and archived predictions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct PredictionCounts {
    pub active: i64,
    pub archived: i64,
}

impl Store {
    pub async fn prediction_counts(&self) -> Result<PredictionCounts> {
        let (active, archived): (i64, i64) = on_pool!(&self.write, |p| sqlx::query_as(
            "SELECT COALESCE(SUM(CASE WHEN is_archived THEN 0 ELSE 1 END), 0), \
                    COALESCE(SUM(CASE WHEN is_archived THEN 1 ELSE 0 END), 0) FROM predictions"
        )
        .fetch_one(p)
        .await?);
        Ok(PredictionCounts { active, archived })
    }

    /// Active predictions created before `cutoff`.
    pub async fn count_archivable(&self, cutoff: DateTime<Utc>) -> Result<i64> {
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM predictions WHERE is_archived = FALSE AND created_at < $1"
        )
        .bind(cutoff)
        .fetch_one(p)
        .await?))
    }

    /// Archived predictions archived before `cutoff`.
    pub async fn count_deletable(&self, cutoff: DateTime<Utc>) -> Result<i64> {
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(
            "SELECT COUNT(*) FROM predictions WHERE is_archived = TRUE AND archived_at < $1"
        )
        .bind(cutoff)
        .fetch_one(p)
        .await?))
    }

    /// Archives up to `batch` active predictions created before `cutoff` (one transaction);
    /// returns how many.
    pub async fn archive_batch(
        &self,
        cutoff: DateTime<Utc>,
        now: DateTime<Utc>,
        batch: i64,
    ) -> Result<u64> {
        let sql = "UPDATE predictions SET is_archived = TRUE, archived_at = $1 WHERE id IN \
                   (SELECT id FROM predictions WHERE is_archived = FALSE AND created_at < $2 LIMIT $3)";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(now)
            .bind(cutoff)
            .bind(batch)
            .execute(p)
            .await?
            .rows_affected()))
    }

    /// Deletes up to `batch` predictions archived before `cutoff` (one transaction); returns
    /// how many.
    pub async fn delete_archived_batch(&self, cutoff: DateTime<Utc>, batch: i64) -> Result<u64> {
        let sql = "DELETE FROM predictions WHERE id IN \
                   (SELECT id FROM predictions WHERE is_archived = TRUE AND archived_at < $1 LIMIT $2)";
        Ok(on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(cutoff)
            .bind(batch)
            .execute(p)
            .await?
            .rows_affected()))
    }
}
