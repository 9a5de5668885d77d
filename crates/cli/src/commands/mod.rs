pub mod admin;
pub mod backtest;
pub mod backup;
pub mod cleanup;
pub mod generate_load;
pub mod import;
pub mod mail;
pub mod migrate;
pub mod refit;
pub mod report;
pub mod serve;
pub mod stats;
pub mod sync;

/// A run of `import` or `sync` from the command line, recorded in `job_runs` beside the
/// scheduled ones (the admin page lists them).
pub struct RecordedRun {
    store: fp_storage::Store,
    id: Option<i64>,
}

impl RecordedRun {
    pub async fn start(store: &fp_storage::Store, job: &str) -> RecordedRun {
        let slot = format!(
            "command line {}",
            chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Nanos, true)
        );
        let instance = fp_engine::scheduler::instance_name();
        let id = match store.claim_job_run(job, &slot, &instance).await {
            Ok(id) => id,
            Err(e) => {
                tracing::warn!(job, error = %e, "the run cannot be recorded");
                None
            }
        };
        RecordedRun {
            store: store.clone(),
            id,
        }
    }

    pub async fn finish(self, ok: bool, message: &str) {
        if let Some(id) = self.id {
            let status = if ok { "ok" } else { "failed" };
            if let Err(e) = self.store.finish_job_run(id, status, message).await {
                tracing::warn!(error = %e, "the run's outcome cannot be recorded");
            }
        }
    }
}
