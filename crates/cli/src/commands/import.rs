use crate::config::{CacheArgs, DbArgs};
use crate::progress;
use clap::Args;
use fp_ingest::{ImportReport, collect_csv_files, import_files};
use fp_storage::Store;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV files or folders (searched recursively for *.csv)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Do not refit the models after an import that changed data
    #[arg(long)]
    pub no_refit: bool,
}

pub async fn run(db: &DbArgs, cache: &CacheArgs, args: ImportArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    let run = crate::commands::RecordedRun::start(&store, "import").await;
    let report = match import_paths(&store, &args.paths).await {
        Ok(r) => r,
        Err(e) => {
            run.finish(false, &format!("{e:#}")).await;
            return Err(e);
        }
    };
    println!("{report}");
    run.finish(report.success(), &report.to_string()).await;
    refit_if_changed(&store, &report, args.no_refit).await?;
    if report.changed_anything() {
        cache.announce_new_data().await;
    }
    finish(&report)
}

/// New or corrected results make the stored models stale: fit them again (which also
/// forecasts the fixtures); new fixtures alone are forecast by the current models.
pub async fn refit_if_changed(
    store: &Store,
    report: &ImportReport,
    skip: bool,
) -> anyhow::Result<()> {
    if report.changed_data() && !skip {
        crate::commands::refit::refit(store).await?;
    } else if report.changed_anything() {
        forecast_fixtures(store).await?;
    }
    Ok(())
}

/// Stores the served models' forecasts of the upcoming fixtures (graded when they are played).
pub async fn forecast_fixtures(store: &Store) -> anyhow::Result<()> {
    let n = fp_engine::forecast_fixtures(store).await?;
    if n > 0 {
        println!("{n} fixture forecast(s) stored");
    }
    Ok(())
}

/// Imports with a progress bar; rejected files are reported as they happen.
pub async fn import_paths(store: &Store, paths: &[PathBuf]) -> anyhow::Result<ImportReport> {
    let files = collect_csv_files(paths)?;
    if files.is_empty() {
        anyhow::bail!("no .csv files found in {}", display_paths(paths));
    }
    let bar = progress::bar(files.len() as u64, "importing");
    let report = import_files(store, &files, |outcome| {
        if let Err(e) = &outcome.result {
            bar.suspend(|| eprintln!("rejected: {e}"));
        }
        bar.set_message(short_name(&outcome.file));
        bar.inc(1);
    })
    .await;
    bar.finish_and_clear();
    Ok(report)
}

/// An error (non-zero exit) when any file was rejected.
pub fn finish(report: &ImportReport) -> anyhow::Result<()> {
    if report.success() {
        Ok(())
    } else {
        anyhow::bail!("{} file(s) rejected", report.files_failed)
    }
}

fn short_name(file: &str) -> String {
    file.rsplit(['/', '\\'])
        .take(2)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect::<Vec<_>>()
        .join("/")
}

fn display_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}
