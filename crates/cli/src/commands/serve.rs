use crate::commands::import::{finish, import_paths, refit_if_changed};
use crate::config::{CacheArgs, DbArgs};
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
    /// Predictions per anonymous client IP (N/second|minute|hour|day)
    #[arg(long, env = "RATE_LIMIT_ANON", default_value = "100/hour")]
    pub rate_limit_anon: fp_web::Rate,
    /// Predictions per account
    #[arg(long, env = "RATE_LIMIT_USER", default_value = "1000/day")]
    pub rate_limit_user: fp_web::Rate,
    /// All API requests per client
    #[arg(long, env = "RATE_LIMIT_API", default_value = "10/second")]
    pub rate_limit_api: fp_web::Rate,
    /// Proxies whose X-Forwarded-For is believed (comma-separated IPs)
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// When to run cleanup-predictions (cron with seconds: sec min hour day month weekday), or "off"
    #[arg(long, env = "CLEANUP_CRON", default_value = "0 0 2 * * *")]
    pub cleanup_cron: String,
    /// When to refit the models (cron with seconds), or "off"
    #[arg(long, env = "REFIT_CRON", default_value = "off")]
    pub refit_cron: String,
    /// When to sync from football-data.co.uk (cron with seconds), or "off"; see the sync settings
    #[arg(long, env = "SYNC_CRON", default_value = "off")]
    pub sync_cron: String,
    #[command(flatten)]
    pub cleanup: crate::commands::cleanup::CleanupSettings,
    #[command(flatten)]
    pub sync: crate::commands::sync::SyncSettings,
}

fn job<F, Fut>(f: F) -> fp_engine::scheduler::JobFn
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<String, String>> + Send + 'static,
{
    std::sync::Arc::new(move || Box::pin(f()))
}

/// Starts the scheduled jobs; each slot runs on one instance only (see `job_runs`).
fn start_jobs(state: &AppState, args: &ServeArgs) -> anyhow::Result<()> {
    let instance = fp_engine::scheduler::instance_name();
    let store = state.store().clone();
    let schedule = |expr: &str| -> anyhow::Result<Option<cron::Schedule>> {
        if expr.eq_ignore_ascii_case("off") || expr.is_empty() {
            Ok(None)
        } else {
            Ok(Some(fp_engine::scheduler::parse_schedule(expr)?))
        }
    };
    if let Some(s) = schedule(&args.cleanup_cron)? {
        let options = args.cleanup.options(false);
        let st = store.clone();
        let work = job(move || {
            let st = st.clone();
            async move {
                fp_engine::cleanup_predictions(&st, &options, |_, _| {})
                    .await
                    .map(|r| format!("archived {}, deleted {}", r.archived, r.deleted))
                    .map_err(|e| e.to_string())
            }
        });
        fp_engine::scheduler::spawn(
            store.clone(),
            "cleanup-predictions",
            s,
            instance.clone(),
            work,
        );
    }
    if let Some(s) = schedule(&args.refit_cron)? {
        let app = state.clone();
        let work = job(move || {
            let app = app.clone();
            async move {
                let fitted = fp_engine::refit_all(app.store(), |_| {})
                    .await
                    .map_err(|e| e.to_string())?;
                app.reload().await.map_err(|e| e.to_string())?;
                Ok(format!("{} leagues refitted", fitted.len()))
            }
        });
        fp_engine::scheduler::spawn(store.clone(), "refit", s, instance.clone(), work);
    }
    if let Some(s) = schedule(&args.sync_cron)? {
        let config = args.sync.config()?;
        let app = state.clone();
        let work = job(move || {
            let (app, config) = (app.clone(), config.clone());
            async move {
                let report = fp_ingest::sync(app.store(), &config, |_| {}).await;
                if report.changed_data() {
                    fp_engine::refit_all(app.store(), |_| {})
                        .await
                        .map_err(|e| e.to_string())?;
                    app.reload().await.map_err(|e| e.to_string())?;
                }
                if report.success() {
                    Ok(report.to_string())
                } else {
                    Err(format!("{report}: {}", report.errors.join("; ")))
                }
            }
        });
        fp_engine::scheduler::spawn(store, "sync", s, instance, work);
    }
    Ok(())
}

pub async fn run(db: &DbArgs, cache: &CacheArgs, args: ServeArgs) -> anyhow::Result<()> {
    fp_web::install_metrics();
    let store = db.open().await?;
    if !args.import.is_empty() {
        let report = import_paths(&store, &args.import).await?;
        println!("{report}");
        refit_if_changed(&store, &report, false).await?;
        if report.changed_data() {
            cache.announce_new_data().await;
        }
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
        rate_limits: fp_web::RateLimitConfig {
            anon: args.rate_limit_anon,
            user: args.rate_limit_user,
            api: args.rate_limit_api,
            trusted_proxies: args.trusted_proxies.clone(),
        },
        cache: cache.config(),
    };
    let state = AppState::new(store, config)
        .await
        .context("cannot load the leagues and models")?;
    start_jobs(&state, &args)?;
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    axum::serve(
        listener,
        router(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
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
