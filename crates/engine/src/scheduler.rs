//! Scheduled jobs inside `serve`: each job has a cron schedule (with seconds); at every slot
//! each instance tries to claim the run in the `job_runs` table and only the winner runs it,
//! so several instances sharing a database run each slot exactly once. Runs are recorded
//! with their outcome.

use crate::EngineError;
use chrono::{DateTime, Utc};
use fp_storage::Store;
use std::future::Future;
use std::pin::Pin;
use std::str::FromStr;
use std::sync::Arc;

/// What a job does; `Ok(message)` or `Err(message)`.
pub type JobFn =
    Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<String, String>> + Send>> + Send + Sync>;

/// Parses a cron expression (`sec min hour day-of-month month day-of-week [year]`).
pub fn parse_schedule(expr: &str) -> Result<cron::Schedule, EngineError> {
    cron::Schedule::from_str(expr)
        .map_err(|e| EngineError::Invalid(format!("cron expression \"{expr}\": {e}")))
}

/// Claims and runs one slot of `job`. Returns `Ok(true)` when this instance ran it.
pub async fn run_slot(
    store: &Store,
    job: &str,
    slot: DateTime<Utc>,
    instance: &str,
    work: &JobFn,
) -> Result<bool, EngineError> {
    let slot = slot.to_rfc3339();
    let Some(id) = store.claim_job_run(job, &slot, instance).await? else {
        return Ok(false);
    };
    let (status, message) = match work().await {
        Ok(m) => ("ok", m),
        Err(m) => ("failed", m),
    };
    metrics::counter!("job_runs_total", "job" => job.to_string(), "status" => status).increment(1);
    tracing::info!(job, slot, instance, status, message, "job run");
    store.finish_job_run(id, status, &message).await?;
    Ok(true)
}

/// Runs `job` at every slot of `schedule` until the task is dropped.
pub fn spawn(
    store: Store,
    job: &'static str,
    schedule: cron::Schedule,
    instance: String,
    work: JobFn,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let Some(next) = schedule.upcoming(Utc).next() else {
                return;
            };
            let wait = (next - Utc::now()).to_std().unwrap_or_default();
            tokio::time::sleep(wait).await;
            if let Err(e) = run_slot(&store, job, next, &instance, &work).await {
                tracing::error!(job, error = %e, "scheduled job could not be recorded");
            }
        }
    })
}

/// A name for this instance in the runs table: host name and process id.
pub fn instance_name() -> String {
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    format!("{}-{}", host.trim(), std::process::id())
}
