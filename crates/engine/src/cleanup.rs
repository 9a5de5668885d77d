//! `cleanup-predictions`: archive active predictions older than `archive_days`, delete those
//! archived for longer than `delete_archived_days`, in batches.

use crate::EngineError;
use chrono::{Duration, Utc};
use fp_storage::{PredictionCounts, Store};

#[derive(Debug, Clone, Copy)]
pub struct CleanupOptions {
    pub archive_days: i64,
    pub delete_archived_days: i64,
    pub batch_size: i64,
    pub dry_run: bool,
}

impl Default for CleanupOptions {
    fn default() -> Self {
        CleanupOptions {
            archive_days: 90,
            delete_archived_days: 180,
            batch_size: 10_000,
            dry_run: false,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct CleanupReport {
    pub before: PredictionCounts,
    pub after: PredictionCounts,
    /// Archived (or, in a dry run, that would be).
    pub archived: u64,
    /// Deleted (or, in a dry run, that would be).
    pub deleted: u64,
    pub batches: u64,
    pub dry_run: bool,
}

/// Runs the cleanup. Deletion looks at rows archived before this run, so a prediction is
/// never archived and deleted in the same run. `progress(archived, deleted)` is called after
/// every batch.
pub async fn cleanup_predictions(
    store: &Store,
    options: &CleanupOptions,
    mut progress: impl FnMut(u64, u64),
) -> Result<CleanupReport, EngineError> {
    if options.archive_days < 0 || options.delete_archived_days < 0 || options.batch_size < 1 {
        return Err(EngineError::Invalid(
            "days must be 0 or more and the batch size at least 1".into(),
        ));
    }
    let now = Utc::now();
    let archive_cutoff = now - Duration::days(options.archive_days);
    let delete_cutoff = now - Duration::days(options.delete_archived_days);
    let before = store.prediction_counts().await?;
    let mut report = CleanupReport {
        before,
        after: before,
        archived: 0,
        deleted: 0,
        batches: 0,
        dry_run: options.dry_run,
    };
    if options.dry_run {
        report.deleted = store.count_deletable(delete_cutoff).await? as u64;
        report.archived = store.count_archivable(archive_cutoff).await? as u64;
        return Ok(report);
    }
    loop {
        let n = store
            .delete_archived_batch(delete_cutoff, options.batch_size)
            .await?;
        if n == 0 {
            break;
        }
        report.deleted += n;
        report.batches += 1;
        progress(report.archived, report.deleted);
    }
    loop {
        let n = store
            .archive_batch(archive_cutoff, now, options.batch_size)
            .await?;
        if n == 0 {
            break;
        }
        report.archived += n;
        report.batches += 1;
        progress(report.archived, report.deleted);
    }
    report.after = store.prediction_counts().await?;
    Ok(report)
}
