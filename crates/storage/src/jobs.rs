//! Scheduled job runs. Each (job, slot) row is claimed by exactly one instance: the insert
//! that wins runs the job; the others see the conflict and skip.

use crate::error::Result;
use crate::store::{Store, on_pool};
use chrono::{DateTime, Utc};

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow, serde::Serialize)]
pub struct JobRun {
    pub id: i64,
    pub job: String,
    pub slot: String,
    pub instance: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: String,
    pub message: Option<String>,
}

impl Store {
    /// Claims a run of `job` for `slot`; `Some(id)` if this instance won it.
    pub async fn claim_job_run(
        &self,
        job: &str,
        slot: &str,
        instance: &str,
    ) -> Result<Option<i64>> {
        let sql = "INSERT INTO job_runs (job, slot, instance, started_at, status) \
                   VALUES ($1, $2, $3, $4, 'running') ON CONFLICT (job, slot) DO NOTHING RETURNING id";
        Ok(on_pool!(&self.write, |p| sqlx::query_scalar(sql)
            .bind(job)
            .bind(slot)
            .bind(instance)
            .bind(Utc::now())
            .fetch_optional(p)
            .await?))
    }

    /// Records how a claimed run ended (`ok` or `failed`).
    pub async fn finish_job_run(&self, id: i64, status: &str, message: &str) -> Result<()> {
        let sql = "UPDATE job_runs SET finished_at = $1, status = $2, message = $3 WHERE id = $4";
        on_pool!(&self.write, |p| sqlx::query(sql)
            .bind(Utc::now())
            .bind(status)
            .bind(message)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ())?);
        Ok(())
    }

    /// The runs of a job, newest first.
    pub async fn job_runs(&self, job: &str, limit: i64) -> Result<Vec<JobRun>> {
        let sql = "SELECT id, job, slot, instance, started_at, finished_at, status, message \
                   FROM job_runs WHERE job = $1 ORDER BY id DESC LIMIT $2";
        Ok(on_pool!(&self.write, |p| sqlx::query_as(sql)
            .bind(job)
            .bind(limit)
            .fetch_all(p)
            .await?))
    }
}
