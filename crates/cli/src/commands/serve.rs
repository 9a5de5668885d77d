use crate::commands::import::{finish, import_paths, refit_if_changed};
use crate::config::DbArgs;
use anyhow::Context;
use clap::Args;
use fp_web::{AppConfig, AppState, NO_DATA_HINT, router};
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on
    #[arg(long, env = "BIND", default_value = "127.0.0.1:8000")]
    pub bind: String,
    /// Import these CSV files or folders before serving
    #[arg(long = "import", value_name = "PATH")]
    pub import: Vec<PathBuf>,
    /// Mark the session cookie Secure (set when serving over HTTPS)
    #[arg(long, env = "SECURE_COOKIES")]
    pub secure_cookies: bool,
    /// Days a session lasts
    #[arg(long, env = "SESSION_DAYS", default_value_t = 30)]
    pub session_days: i64,
}

pub async fn run(db: &DbArgs, args: ServeArgs) -> anyhow::Result<()> {
    fp_web::install_metrics();
    let store = db.open().await?;
    if !args.import.is_empty() {
        let report = import_paths(&store, &args.import).await?;
        println!("{report}");
        refit_if_changed(&store, &report, false).await?;
        finish(&report)?;
    }
    if store.count_matches().await? == 0 {
        eprintln!("note: {NO_DATA_HINT}");
    } else if fp_engine::load_current_models(&store).await?.len() < store.leagues().await?.len() {
        eprintln!("note: fitting the models of leagues that have none yet");
        crate::commands::refit::refit(&store).await?;
    }
    let config = AppConfig {
        secure_cookies: args.secure_cookies,
        session_days: args.session_days,
    };
    let state = AppState::new(store, config)
        .await
        .context("cannot load the leagues and models")?;
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown_signal())
        .await?;
    Ok(())
}

/// Ctrl-C or SIGTERM: stop accepting, finish the requests in flight, then exit.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: draining requests in flight");
}
