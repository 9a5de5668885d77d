use crate::config::{DbArgs, redact};
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct BackupArgs {
    /// File to write (must not exist). SQLite: a database file, checked with
    /// integrity_check; PostgreSQL: a pg_dump archive in custom format
    #[arg(long, short)]
    pub output: PathBuf,
}

#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A file written by `backup` for the same kind of database
    pub file: PathBuf,
    /// Replace a target database that already holds tables
    #[arg(long)]
    pub force: bool,
}

/// Scheduled backups, for `serve`.
#[derive(Debug, Clone, Args)]
pub struct BackupSettings {
    /// When to back up the database into BACKUP_DIR (cron with seconds), or "off"
    #[arg(long, env = "BACKUP_CRON", default_value = "off")]
    pub backup_cron: String,
    /// Folder of the scheduled backups (created when missing)
    #[arg(long, env = "BACKUP_DIR", default_value = "backups")]
    pub backup_dir: PathBuf,
    /// Scheduled backups kept; older ones are removed after each new one
    #[arg(long, env = "BACKUP_KEEP", default_value_t = 7)]
    pub backup_keep: usize,
}

fn spinner(message: String) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new_spinner();
    bar.set_message(message);
    bar.enable_steady_tick(std::time::Duration::from_millis(120));
    bar
}

pub async fn backup(db: &DbArgs, args: BackupArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let bar = spinner(format!("backing up to {}", args.output.display()));
    let started = std::time::Instant::now();
    let report = store.backup_to(&args.output, &db.database_url).await;
    bar.finish_and_clear();
    let report = report.with_context(|| format!("backup to {} failed", args.output.display()))?;
    println!(
        "backed up {} to {} ({}, {:.1} s)",
        redact(&db.database_url),
        report.path.display(),
        fp_storage::human_bytes(i64::try_from(report.bytes).unwrap_or(i64::MAX)),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn restore(db: &DbArgs, args: RestoreArgs) -> anyhow::Result<()> {
    let config = db.config();
    let bar = spinner(format!("restoring {}", args.file.display()));
    let report = fp_storage::restore(&config, &args.file, args.force).await;
    bar.finish_and_clear();
    let report = report.with_context(|| {
        format!(
            "cannot restore {} into {}",
            args.file.display(),
            redact(&db.database_url)
        )
    })?;
    // A backup of an older release is brought up to this one's schema.
    let store = db.open().await?;
    let counts = store.prediction_counts().await?;
    println!(
        "restored {} into {}{}: {} matches, {} predictions ({} active, {} archived)",
        args.file.display(),
        redact(&db.database_url),
        if report.replaced {
            " (replacing what it held)"
        } else {
            ""
        },
        store.count_matches().await?,
        counts.active + counts.archived,
        counts.active,
        counts.archived
    );
    Ok(())
}
