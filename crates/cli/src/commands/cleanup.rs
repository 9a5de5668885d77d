use crate::config::DbArgs;
use clap::Args;
use fp_engine::{CleanupOptions, cleanup_predictions};

#[derive(Debug, Args)]
pub struct CleanupArgs {
    /// Print what would happen and change nothing
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub settings: CleanupSettings,
}

/// Cleanup settings, shared with the scheduled cleanup in `serve`.
#[derive(Debug, Clone, Args)]
pub struct CleanupSettings {
    /// Archive active predictions older than this many days
    #[arg(long, env = "ARCHIVE_DAYS", default_value_t = 90)]
    pub archive_days: i64,
    /// Delete predictions archived longer than this many days
    #[arg(long, env = "DELETE_ARCHIVED_DAYS", default_value_t = 180)]
    pub delete_archived_days: i64,
    /// Rows per transaction
    #[arg(long, env = "CLEANUP_BATCH_SIZE", default_value_t = 10_000)]
    pub batch_size: i64,
}

pub async fn run(db: &DbArgs, args: CleanupArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let options = args.settings.options(args.dry_run);
    let bar = indicatif::ProgressBar::new_spinner();
    let r = cleanup_predictions(&store, &options, |archived, deleted| {
        bar.set_message(format!("{archived} archived, {deleted} deleted"));
        bar.tick();
    })
    .await?;
    bar.finish_and_clear();
    println!(
        "before: {} active, {} archived",
        r.before.active, r.before.archived
    );
    if r.dry_run {
        println!(
            "dry run: would archive {} (older than {} days) and delete {} (archived more than {} days ago); nothing changed",
            r.archived, args.settings.archive_days, r.deleted, args.settings.delete_archived_days
        );
    } else {
        println!(
            "archived {}, deleted {} in {} batches",
            r.archived, r.deleted, r.batches
        );
        println!(
            "after: {} active, {} archived",
            r.after.active, r.after.archived
        );
    }
    Ok(())
}

impl CleanupSettings {
    pub fn options(&self, dry_run: bool) -> CleanupOptions {
        CleanupOptions {
            archive_days: self.archive_days,
            delete_archived_days: self.delete_archived_days,
            batch_size: self.batch_size,
            dry_run,
        }
    }
}
