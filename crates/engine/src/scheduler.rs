//! Scheduled jobs inside `serve`: each job has a cron schedule (with seconds); at every slot
//! each instance tries to claim the run in the `job_runs` table and only the winner runs it,
//! so several instances sharing a database run each slot exactly once. Runs are recorded
//! with their outcome.

use crate::EngineError;
use chrono::Utc;
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

/// How a run ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunOutcome {
    /// `ok` or `failed`.
    pub status: &'static str,
    pub message: String,
}

/// Claims and runs one slot of `job`. Returns `Ok(None)` when another instance has it.
pub async fn run_slot(
    store: &Store,
    job: &str,
    slot: &str,
    instance: &str,
    work: &JobFn,
) -> Result<Option<RunOutcome>, EngineError> {
    let Some(id) = store.claim_job_run(job, slot, instance).await? else {
        return Ok(None);
    };
    let started = std::time::Instant::now();
    let (status, message) = match work().await {
        Ok(m) => ("ok", m),
        Err(m) => ("failed", m),
    };
    metrics::counter!("job_runs_total", "job" => job.to_string(), "status" => status).increment(1);
    metrics::histogram!("job_run_seconds", "job" => job.to_string())
        .record(started.elapsed().as_secs_f64());
    tracing::info!(job, slot, instance, status, message, "job run");
    store.finish_job_run(id, status, &message).await?;
    Ok(Some(RunOutcome { status, message }))
}

/// A job: its name, its schedule (`None`: only run by hand) and its work.
#[derive(Clone)]
pub struct Job {
    pub name: &'static str,
    pub schedule: Option<String>,
    pub work: JobFn,
}

/// Every job of an instance: started on their schedules, and by hand from the admin page.
#[derive(Clone, Default)]
pub struct Jobs {
    jobs: Arc<Vec<Job>>,
}

impl Jobs {
    pub fn new(jobs: Vec<Job>) -> Self {
        Jobs {
            jobs: Arc::new(jobs),
        }
    }

    pub fn list(&self) -> &[Job] {
        &self.jobs
    }

    pub fn get(&self, name: &str) -> Option<&Job> {
        self.jobs.iter().find(|j| j.name == name)
    }

    /// Runs a job now on this instance, recorded like a scheduled run (its slot says when
    /// and that it was started by hand). `Ok(None)` when there is no such job.
    pub async fn run_now(
        &self,
        store: &Store,
        name: &str,
        instance: &str,
    ) -> Result<Option<RunOutcome>, EngineError> {
        let Some(job) = self.get(name) else {
            return Ok(None);
        };
        let slot = format!(
            "manual {}",
            Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
        );
        run_slot(store, job.name, &slot, instance, &job.work).await
    }

    /// Starts every scheduled job (each slot runs on one instance only).
    pub fn spawn_all(&self, store: &Store, instance: &str) -> Result<(), EngineError> {
        for job in self.jobs.iter() {
            if let Some(expr) = &job.schedule {
                let schedule = parse_schedule(expr)?;
                spawn(
                    store.clone(),
                    job.name,
                    schedule,
                    instance.to_string(),
                    job.work.clone(),
                );
            }
        }
        Ok(())
    }
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
            if let Err(e) = run_slot(&store, job, &next.to_rfc3339(), &instance, &work).await {
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
