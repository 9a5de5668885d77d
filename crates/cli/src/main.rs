//! `football-predictor`: the one binary of the service.

mod commands;
mod config;
mod dataset;
mod progress;

use clap::{Parser, Subcommand};

/// The server allocates many small, short-lived objects from two threads at once; mimalloc's
/// per-thread heaps serve them with less locking than glibc's malloc (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use config::{CacheArgs, DbArgs, LogArgs};

#[derive(Debug, Parser)]
#[command(
    name = "football-predictor",
    version,
    about = "Football match predictions from real results (Dixon-Coles + Elo), served as web pages and a JSON API",
    long_about = "Football match predictions from real results (Dixon-Coles + Elo), served as web pages and a JSON API.\n\n\
Every setting is a flag and an environment variable; a .env file in the working directory is read too.\n\
Match data: football-data.co.uk (credit to them for every figure derived from it)."
)]
struct Cli {
    #[command(flatten)]
    db: DbArgs,
    #[command(flatten)]
    cache: CacheArgs,
    #[command(flatten)]
    log: LogArgs,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (pages and JSON API)
    Serve(Box<commands::serve::ServeArgs>),
    /// Import football-data.co.uk CSV files or folders (recursively, *.csv)
    Import(commands::import::ImportArgs),
    /// Download configured league-seasons from football-data.co.uk and import them
    Sync(commands::sync::SyncArgs),
    /// Apply database migrations (also done automatically at start)
    Migrate,
    /// Fit every league's model and store a new model version for the server
    Refit(commands::refit::RefitArgs),
    /// Archive old predictions and delete long-archived ones, in batches
    CleanupPredictions(commands::cleanup::CleanupArgs),
    /// Fill the database with synthetic predictions for load tests (prints a visitor's cookie)
    GenerateLoad(commands::generate_load::GenerateLoadArgs),
    /// Print the database's size, rows per table and predictions active/archived
    Stats(commands::stats::StatsArgs),
    /// Back up the database to a file while it serves (SQLite file or pg_dump archive)
    Backup(commands::backup::BackupArgs),
    /// Restore a backup into an empty database (or replace one with --force)
    Restore(commands::backup::RestoreArgs),
    /// Measure, store and mail the weekly report (model record per league, usage, data
    /// freshness, job failures)
    Report(commands::report::ReportArgs),
    /// Make an account staff: it may use the admin page
    CreateAdmin(commands::admin::CreateAdminArgs),
    /// Run database upkeep now (VACUUM ANALYZE, or PRAGMA optimize and a checkpoint)
    Upkeep,
    /// Walk-forward backtest on CSV files against the bookmakers' closing odds (no database)
    Backtest(Box<commands::backtest::BacktestArgs>),
}

fn main() -> std::process::ExitCode {
    // A missing .env is normal; a broken one is reported.
    if let Err(e) = dotenvy::dotenv()
        && !e.not_found()
    {
        eprintln!("error: .env: {e}");
        return std::process::ExitCode::from(2);
    }
    let cli = Cli::parse();
    let _log = match cli.log.init(match cli.command {
        Command::Serve(_) => "info",
        _ => "warn",
    }) {
        Ok(guard) => guard,
        Err(e) => {
            eprintln!("error: {e:#}");
            return std::process::ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => commands::serve::run(&cli.db, &cli.cache, *args).await,
        Command::Import(args) => commands::import::run(&cli.db, &cli.cache, args).await,
        Command::Sync(args) => commands::sync::run(&cli.db, &cli.cache, args).await,
        Command::Migrate => commands::migrate::run(&cli.db).await,
        Command::CleanupPredictions(args) => commands::cleanup::run(&cli.db, args).await,
        Command::GenerateLoad(args) => commands::generate_load::run(&cli.db, args).await,
        Command::Refit(args) => commands::refit::run(&cli.db, &cli.cache, args).await,
        Command::Stats(args) => commands::stats::run(&cli.db, args).await,
        Command::Backup(args) => commands::backup::backup(&cli.db, args).await,
        Command::Restore(args) => commands::backup::restore(&cli.db, args).await,
        Command::Report(args) => commands::report::run(&cli.db, args).await,
        Command::CreateAdmin(args) => commands::admin::create_admin(&cli.db, args).await,
        Command::Upkeep => {
            let store = cli.db.open().await?;
            println!("{}", store.upkeep().await?);
            Ok(())
        }
        Command::Backtest(args) => {
            tokio::task::spawn_blocking(move || commands::backtest::run(*args)).await?
        }
    }
}
