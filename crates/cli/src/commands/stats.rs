use crate::config::DbArgs;
use clap::Args;
use fp_storage::{DatabaseStats, human_bytes as bytes};

#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Print JSON (for scripts) instead of a table
    #[arg(long)]
    pub json: bool,
}

pub async fn run(db: &DbArgs, args: StatsArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let stats = store.stats().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print!("{}", table(&stats));
    }
    Ok(())
}

/// The figures as aligned text.
pub fn table(stats: &DatabaseStats) -> String {
    let mut out = format!(
        "database ({}): {}",
        stats.backend,
        bytes(stats.size.total_bytes)
    );
    if let Some(wal) = stats.size.wal_bytes {
        out.push_str(&format!(" (write-ahead log {})", bytes(wal)));
    }
    out.push('\n');
    out.push_str(&format!(
        "predictions: {} active, {} archived; oldest active {}\n",
        stats.predictions.active,
        stats.predictions.archived,
        stats.oldest_active_prediction.map_or_else(
            || "none".to_string(),
            |t| t.format("%Y-%m-%d %H:%M UTC").to_string()
        )
    ));
    out.push_str("rows per table:\n");
    for t in &stats.tables {
        out.push_str(&format!("  {:<20} {:>12}\n", t.table, t.rows));
    }
    out
}
