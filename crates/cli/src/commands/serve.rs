use crate::commands::import::{finish, import_paths, refit_if_changed};
use crate::config::{CacheArgs, DbArgs};
use anyhow::Context;
use clap::Args;
use fp_web::{AppConfig, AppState, NO_DATA_HINT, router};
use std::path::PathBuf;
use std::time::Duration;

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
    /// Hours an anonymous session used only once lives (it then goes, with its predictions,
    /// at the next purge); a visitor who comes back keeps theirs for SESSION_DAYS
    #[arg(long, env = "FIRST_VISIT_HOURS", default_value_t = 24)]
    pub first_visit_hours: u64,
    /// When to purge expired sessions with their anonymous predictions (cron with seconds),
    /// or "off"
    #[arg(long, env = "SESSION_PURGE_CRON", default_value = "0 */15 * * * *")]
    pub session_purge_cron: String,
    /// Predictions per anonymous client IP (N/second|minute|hour|day)
    #[arg(long, env = "RATE_LIMIT_ANON", default_value = "100/hour")]
    pub rate_limit_anon: fp_web::Rate,
    /// Predictions per account
    #[arg(long, env = "RATE_LIMIT_USER", default_value = "1000/day")]
    pub rate_limit_user: fp_web::Rate,
    /// All API requests per client
    #[arg(long, env = "RATE_LIMIT_API", default_value = "10/second")]
    pub rate_limit_api: fp_web::Rate,
    /// Login attempts per client address
    #[arg(long, env = "LOGIN_LIMIT_IP", default_value = "30/minute")]
    pub login_limit_ip: fp_web::Rate,
    /// Login attempts per account name, from all addresses together
    #[arg(long, env = "LOGIN_LIMIT_ACCOUNT", default_value = "20/hour")]
    pub login_limit_account: fp_web::Rate,
    /// New accounts per client address
    #[arg(long, env = "REGISTER_LIMIT_IP", default_value = "10/hour")]
    pub register_limit_ip: fp_web::Rate,
    /// Failed logins in a row after which an account name is locked out (1 min, doubling to
    /// 1 h); 0: never
    #[arg(long, env = "LOGIN_LOCKOUT_AFTER", default_value_t = 5)]
    pub login_lockout_after: u32,
    /// Password hashes computed at once (default: one per core)
    #[arg(long, env = "PASSWORD_WORKERS")]
    pub password_workers: Option<usize>,
    /// Password hashes that may wait; beyond, logins are answered 503 with Retry-After
    #[arg(long, env = "PASSWORD_QUEUE", default_value_t = 16)]
    pub password_queue: usize,
    /// Seasons played per season-odds simulation
    #[arg(long, env = "SEASON_SIMULATIONS", default_value_t = 10_000)]
    pub season_simulations: usize,
    /// Relegation places per league where not 3, e.g. D1=2,SP1=3
    #[arg(long, env = "RELEGATION_PLACES", default_value = "", value_parser = parse_places)]
    pub relegation_places: std::collections::HashMap<String, usize>,
    /// Proxies whose X-Forwarded-For and X-Forwarded-Proto are believed (comma-separated IPs
    /// or CIDR ranges, e.g. 10.0.0.0/8,127.0.0.1)
    #[arg(long, env = "TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_net)]
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// IPv6 clients are counted by this prefix length (64: one budget per /64; 128: per address)
    #[arg(long, env = "IPV6_PREFIX", default_value_t = 64, value_parser = clap::value_parser!(u8).range(1..=128))]
    pub ipv6_prefix: u8,
    /// Seconds a client has to send a request's head, from when the connection opens or falls
    /// idle after a response (so also the keep-alive idle timeout)
    #[arg(long, env = "HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds a request body may pause before the request is answered 408
    #[arg(long, env = "BODY_TIMEOUT", default_value_t = 10)]
    pub body_timeout: u64,
    /// Seconds a request may take in all before it is answered 504
    #[arg(long, env = "REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// Connections served at once; more wait in the listen queue
    #[arg(long, env = "MAX_CONNECTIONS", default_value_t = 10_000)]
    pub max_connections: usize,
    /// After SIGTERM: seconds to keep serving with /readyz at 503 and `Connection: close`
    /// (for a load balancer to move away) before the listener closes
    #[arg(long, env = "DRAIN_SECONDS", default_value_t = 0)]
    pub drain_seconds: u64,
    /// Serve /metrics only on this address (e.g. 127.0.0.1:9100), not on BIND
    #[arg(long, env = "METRICS_BIND")]
    pub metrics_bind: Option<String>,
    /// Answer /metrics only to `Authorization: Bearer <token>`
    #[arg(long, env = "METRICS_TOKEN", hide_env_values = true)]
    pub metrics_token: Option<String>,
    /// When to run cleanup-predictions (cron with seconds: sec min hour day month weekday), or "off"
    #[arg(long, env = "CLEANUP_CRON", default_value = "0 0 2 * * *")]
    pub cleanup_cron: String,
    /// When to refit the models (cron with seconds), or "off"
    #[arg(long, env = "REFIT_CRON", default_value = "off")]
    pub refit_cron: String,
    /// When to sync from football-data.co.uk (cron with seconds), or "off"; see the sync settings
    #[arg(long, env = "SYNC_CRON", default_value = "off")]
    pub sync_cron: String,
    /// When to measure the database (size, rows, predictions) for the admin page and the
    /// Prometheus gauges (cron with seconds), or "off"
    #[arg(long, env = "STATS_CRON", default_value = "0 */5 * * * *")]
    pub stats_cron: String,
    /// When to run database upkeep: PostgreSQL VACUUM (ANALYZE) of the busy tables, SQLite
    /// PRAGMA optimize and a WAL checkpoint (cron with seconds), or "off"
    #[arg(long, env = "UPKEEP_CRON", default_value = "0 30 3 * * Sun")]
    pub upkeep_cron: String,
    /// When to mail the accounts that opted in the results of their graded predictions, one
    /// digest per account (cron with seconds), or "off"
    #[arg(long, env = "DIGEST_CRON", default_value = "0 */10 * * * *")]
    pub digest_cron: String,
    /// When to make the weekly report of the last complete week, store it and mail it to the
    /// accounts that opted in (cron with seconds), or "off"
    #[arg(long, env = "REPORT_CRON", default_value = "0 0 6 * * Mon")]
    pub report_cron: String,
    #[command(flatten)]
    pub backup: crate::commands::backup::BackupSettings,
    #[command(flatten)]
    pub mail: crate::commands::mail::MailArgs,
    #[command(flatten)]
    pub cleanup: crate::commands::cleanup::CleanupSettings,
    #[command(flatten)]
    pub sync: crate::commands::sync::SyncSettings,
}

/// An address (a /32 or /128) or a CIDR range.
fn parse_net(s: &str) -> Result<ipnet::IpNet, String> {
    let s = s.trim();
    s.parse::<ipnet::IpNet>()
        .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("\"{s}\" is neither an IP address nor a CIDR range"))
}

fn job<F, Fut>(f: F) -> fp_engine::scheduler::JobFn
where
    F: Fn() -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Result<String, String>> + Send + 'static,
{
    std::sync::Arc::new(move || Box::pin(f()))
}

/// `None` for "off" (or empty), else the cron expression, checked.
fn schedule(expr: &str) -> anyhow::Result<Option<String>> {
    if expr.eq_ignore_ascii_case("off") || expr.trim().is_empty() {
        Ok(None)
    } else {
        fp_engine::scheduler::parse_schedule(expr)?;
        Ok(Some(expr.to_string()))
    }
}

/// Every job of the server: each runs on its schedule (each slot on one instance only, see
/// `job_runs`) and can be started by hand from the admin page.
fn jobs(
    state: &AppState,
    args: &ServeArgs,
    db: &DbArgs,
) -> anyhow::Result<fp_engine::scheduler::Jobs> {
    use fp_engine::scheduler::Job;
    let store = state.store().clone();
    let mut list = Vec::new();
    let options = args.cleanup.options(false);
    let st = store.clone();
    list.push(Job {
        name: "cleanup-predictions",
        schedule: schedule(&args.cleanup_cron)?,
        work: job(move || {
            let st = st.clone();
            async move {
                fp_engine::cleanup_predictions(&st, &options, |_, _| {})
                    .await
                    .map(|r| format!("archived {}, deleted {}", r.archived, r.deleted))
                    .map_err(|e| e.to_string())
            }
        }),
    });
    let st = store.clone();
    list.push(Job {
        name: "purge-sessions",
        schedule: schedule(&args.session_purge_cron)?,
        work: job(move || {
            let st = st.clone();
            async move {
                let now = chrono::Utc::now();
                // Revocations are read within seconds; an hour's are plenty to keep.
                let r = st
                    .purge_sessions(now, now - chrono::Duration::hours(1))
                    .await
                    .map_err(|e| e.to_string())?;
                let tokens = st
                    .purge_email_tokens(now)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "purged {} sessions, {} predictions, {} revocations, {tokens} email tokens",
                    r.sessions, r.predictions, r.revocations
                ))
            }
        }),
    });
    let st = store.clone();
    list.push(Job {
        name: "stats",
        schedule: schedule(&args.stats_cron)?,
        work: job(move || {
            let st = st.clone();
            async move {
                let stats = st.stats().await.map_err(|e| e.to_string())?;
                let keep_from = chrono::Utc::now() - chrono::Duration::days(90);
                st.save_stats_snapshot(&(&stats).into(), keep_from)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "{}; {} active and {} archived predictions",
                    fp_storage::human_bytes(stats.size.total_bytes),
                    stats.predictions.active,
                    stats.predictions.archived
                ))
            }
        }),
    });
    let st = store.clone();
    list.push(Job {
        name: "upkeep",
        schedule: schedule(&args.upkeep_cron)?,
        work: job(move || {
            let st = st.clone();
            async move {
                st.upkeep()
                    .await
                    .map(|r| r.to_string())
                    .map_err(|e| e.to_string())
            }
        }),
    });
    let st = store.clone();
    let (dir, keep, url) = (
        args.backup.backup_dir.clone(),
        args.backup.backup_keep,
        db.database_url.clone(),
    );
    list.push(Job {
        name: "backup",
        schedule: schedule(&args.backup.backup_cron)?,
        work: job(move || {
            let (st, dir, url) = (st.clone(), dir.clone(), url.clone());
            async move {
                let r = fp_engine::backups::backup_and_rotate(&st, &url, &dir, keep)
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(format!(
                    "wrote {} ({}), removed {} old",
                    r.written.path.display(),
                    fp_storage::human_bytes(i64::try_from(r.written.bytes).unwrap_or(i64::MAX)),
                    r.removed.len()
                ))
            }
        }),
    });
    let st = store.clone();
    let public_url = args.mail.settings(&args.bind).public_url;
    list.push(Job {
        name: "result-digests",
        schedule: schedule(&args.digest_cron)?,
        work: job(move || {
            let (st, public_url) = (st.clone(), public_url.clone());
            async move {
                st.queue_result_digests(|lines| fp_mail::compose::result_digest(lines, &public_url))
                    .await
                    .map(|r| {
                        format!(
                            "{} digests of {} graded predictions",
                            r.mails, r.predictions
                        )
                    })
                    .map_err(|e| e.to_string())
            }
        }),
    });
    let st = store.clone();
    let public_url = args.mail.settings(&args.bind).public_url;
    list.push(Job {
        name: "weekly-report",
        schedule: schedule(&args.report_cron)?,
        work: job(move || {
            let (st, public_url) = (st.clone(), public_url.clone());
            async move {
                let week = fp_engine::reports::last_week(chrono::Utc::now().date_naive());
                let mail = crate::commands::report::mail_for(&public_url);
                fp_engine::reports::generate_weekly_report(&st, &week, mail)
                    .await
                    .map(|(r, mails)| format!("report {} stored, {mails} mails queued", r.week))
                    .map_err(|e| e.to_string())
            }
        }),
    });
    let app = state.clone();
    list.push(Job {
        name: "refit",
        schedule: schedule(&args.refit_cron)?,
        work: job(move || {
            let app = app.clone();
            async move {
                let fitted = fp_engine::refit_all(app.store(), |_| {})
                    .await
                    .map_err(|e| e.to_string())?;
                fp_engine::forecast_fixtures(app.store())
                    .await
                    .map_err(|e| e.to_string())?;
                app.reload().await.map_err(|e| e.to_string())?;
                Ok(format!("{} leagues refitted", fitted.len()))
            }
        }),
    });
    let sync_schedule = schedule(&args.sync_cron)?;
    // Without a schedule, sync is offered by hand only when its settings are complete.
    let sync_config = match args.sync.config() {
        Ok(c) => Some(c),
        Err(e) if sync_schedule.is_some() => return Err(e),
        Err(_) => None,
    };
    if let Some(config) = sync_config {
        let app = state.clone();
        list.push(Job {
            name: "sync",
            schedule: sync_schedule,
            work: job(move || {
                let (app, config) = (app.clone(), config.clone());
                async move {
                    let report = fp_ingest::sync(app.store(), &config, |_| {}).await;
                    if report.changed_data() {
                        fp_engine::refit_all(app.store(), |_| {})
                            .await
                            .map_err(|e| e.to_string())?;
                    }
                    if report.changed_anything() {
                        fp_engine::forecast_fixtures(app.store())
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
            }),
        });
    }
    Ok(fp_engine::scheduler::Jobs::new(list))
}

pub async fn run(db: &DbArgs, cache: &CacheArgs, args: ServeArgs) -> anyhow::Result<()> {
    fp_web::install_metrics();
    let store = db.open().await?;
    if !args.import.is_empty() {
        let report = import_paths(&store, &args.import).await?;
        println!("{report}");
        refit_if_changed(&store, &report, false).await?;
        if report.changed_anything() {
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
    let metrics_bind = args.metrics_bind.clone().filter(|b| !b.is_empty());
    let config = AppConfig {
        secure_cookies: args.secure_cookies,
        session_days: args.session_days,
        first_visit: Duration::from_secs(args.first_visit_hours.max(1) * 3600),
        rate_limits: fp_web::RateLimitConfig {
            anon: args.rate_limit_anon,
            user: args.rate_limit_user,
            api: args.rate_limit_api,
            login_ip: args.login_limit_ip,
            login_account: args.login_limit_account,
            register: args.register_limit_ip,
            lockout_after: args.login_lockout_after,
            origin: fp_web::OriginRules {
                trusted_proxies: args.trusted_proxies.clone(),
                ipv6_prefix: args.ipv6_prefix,
            },
        },
        cache: cache.config(),
        metrics: fp_web::MetricsAccess {
            token: args.metrics_token.clone().filter(|t| !t.is_empty()),
            separate: metrics_bind.is_some(),
        },
        timeouts: state_timeouts(&args),
        password_workers: args
            .password_workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, usize::from)),
        password_queue: args.password_queue,
        season: fp_web::SeasonConfig {
            simulations: args.season_simulations.max(1),
            relegation: args.relegation_places.clone(),
        },
        mail: args.mail.settings(&args.bind),
    };
    let state = AppState::new(store, config)
        .await
        .context("cannot load the leagues and models")?;
    let jobs = jobs(&state, &args, db)?;
    jobs.spawn_all(state.store(), &fp_engine::scheduler::instance_name())?;
    state.set_jobs(jobs);
    args.mail.start(state.store())?;
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("cannot listen on {}", args.bind))?;
    let addr = listener.local_addr()?;
    let timeouts = state_timeouts(&args);
    if let Some(bind) = metrics_bind {
        let metrics = tokio::net::TcpListener::bind(&bind)
            .await
            .with_context(|| format!("cannot listen on {bind} for /metrics"))?;
        println!("metrics on http://{}/metrics", metrics.local_addr()?);
        let app = fp_web::metrics_router(state.clone());
        tokio::spawn(async move {
            let no_drain = fp_web::Timeouts {
                drain: Duration::ZERO,
                ..timeouts
            };
            let alone = fp_web::Drain::default();
            if let Err(e) = fp_web::serve(metrics, app, no_drain, alone, shutdown_signal()).await {
                tracing::error!(error = %e, "the metrics listener stopped");
            }
        });
    }
    println!("listening on http://{addr}");
    let drain = state.drain().clone();
    fp_web::serve(listener, router(state), timeouts, drain, shutdown_signal()).await?;
    Ok(())
}

fn state_timeouts(args: &ServeArgs) -> fp_web::Timeouts {
    fp_web::Timeouts {
        header: Duration::from_secs(args.header_timeout.max(1)),
        body: Duration::from_secs(args.body_timeout.max(1)),
        request: Duration::from_secs(args.request_timeout.max(1)),
        max_connections: args.max_connections.max(1),
        drain: Duration::from_secs(args.drain_seconds),
    }
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

/// `D1=2,SP1=3` → relegation places by league.
fn parse_places(text: &str) -> Result<std::collections::HashMap<String, usize>, String> {
    fp_web::SeasonConfig::parse_relegation(text)
}
