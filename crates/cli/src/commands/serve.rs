use crate::commands::import::{finish, import_paths, refit_if_changed};
use crate::config::DbArgs;
use anyhow::Context;
use clap::Args;
use fp_web::{AppState, NO_DATA_HINT, router};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8000")]
    pub bind: String,
    /// Import these CSV files or folders before serving
    #[arg(long = "import", value_name = "PATH")]
    pub import: Vec<PathBuf>,
}

pub async fn run(db: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    let store = db.open().await?;
    if !args.import.is_empty() {
        let report = import_paths(&store, &args.import).await?;
        println!("{report}");
        refit_if_changed(&store, &report, false).await?;
        finish(&report)?;
    }
    if store.count_matches().await? == 0 {
        eprintln!("note: {NO_DATA_HINT}");
    }
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(listener, router(AppState { store }))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
