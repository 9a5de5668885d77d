//! The admin page, for staff accounts (`football-predictor create-admin NAME`): the database's
//! figures (measured by the `stats` job), the services this instance uses, the jobs with
//! their latest runs, and the record of admin actions. A job can be started from here; every
//! such action is recorded with who did it. Anyone else is refused (403), a visitor who is
//! not logged in is sent to the login form.

pub mod actions;

use super::shared::page;
use crate::error::PageError;
use crate::extract::{PageQuery, Staff};
use crate::format::count;
use crate::state::AppState;
use crate::templates::charts::LineChart;
use crate::templates::{
    ActionLine, AdminPage, DatabaseFigures, JobLine, MailLine, Nav, RunLine, ServiceLines,
    TableCount,
};
use axum::extract::State;
use axum::response::Response;
use chrono::{DateTime, Utc};
use fp_storage::StatsSnapshot;
use serde::Deserialize;

pub(super) fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

fn figures(s: &StatsSnapshot, backend: &str) -> DatabaseFigures {
    let rows = |name: &str| {
        s.tables
            .iter()
            .find(|(t, _)| t == name)
            .map_or(0, |(_, n)| *n)
    };
    DatabaseFigures {
        backend: backend.to_string(),
        size: fp_storage::human_bytes(s.size_bytes),
        wal: s.wal_bytes.map(fp_storage::human_bytes),
        active: count(s.predictions_active),
        archived: count(s.predictions_archived),
        sessions: count(rows("sessions")),
        accounts: count(rows("users")),
        oldest: s
            .oldest_active_prediction
            .map_or_else(|| "none".into(), time),
        measured: time(s.measured_at),
        tables: s
            .tables
            .iter()
            .map(|(t, n)| TableCount {
                table: t.clone(),
                rows: count(*n),
            })
            .collect(),
    }
}

/// The last measurement of each day, in MiB.
fn size_chart(snapshots: &[StatsSnapshot]) -> Option<String> {
    let mut days: Vec<(chrono::NaiveDate, f64)> = Vec::new();
    for s in snapshots {
        let point = (
            s.measured_at.date_naive(),
            s.size_bytes as f64 / 1_048_576.0,
        );
        match days.last_mut() {
            Some(last) if last.0 == point.0 => *last = point,
            _ => days.push(point),
        }
    }
    (days.len() >= 2)
        .then(|| crate::templates::render(&LineChart::new(&days, "Database size by day, MiB")))
}

/// What the page says after an action.
#[derive(Deserialize, Default)]
pub struct Notice {
    #[serde(default)]
    started: Option<String>,
}

/// The admin page.
#[utoipa::path(get, path = "/admin", tag = "pages",
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 403, description = "Not a staff account", body = String, content_type = "text/html"),
    ))]
pub async fn admin(
    State(state): State<AppState>,
    PageQuery(notice): PageQuery<Notice>,
    staff: Staff,
) -> Result<Response, PageError> {
    let store = state.store();
    let backend = store.backend().name();
    let snapshots = store
        .stats_snapshots(Utc::now() - chrono::Duration::days(90))
        .await?;
    let latest = store.latest_stats_snapshot().await?;
    let runs = store.recent_job_runs(30).await?;
    let jobs = state
        .jobs()
        .map(|jobs| {
            jobs.list()
                .iter()
                .map(|j| JobLine {
                    name: j.name.to_string(),
                    schedule: j.schedule.clone().unwrap_or_else(|| "off".into()),
                    last: runs.iter().find(|r| r.job == j.name).map_or_else(
                        || "not in the latest runs".into(),
                        |r| format!("{} ({})", time(r.started_at), r.status),
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let catalog = state.catalog();
    let cache = match state.cache().redis() {
        None => "in-process".to_string(),
        Some(redis) => match redis.ping().await {
            Ok(()) => "Redis + in-process, Redis answering".to_string(),
            Err(e) => format!("Redis unavailable ({e}): in-process only"),
        },
    };
    let services = ServiceLines {
        database: match store.ping().await {
            Ok(()) => format!("{backend}, answering"),
            Err(e) => format!("{backend}: {e}"),
        },
        replica: store.replica_in_use().map(|up| {
            if up {
                "in use"
            } else {
                "down (reading from the primary)"
            }
            .into()
        }),
        cache,
        generation: state.cache().generation(),
        models: catalog.leagues.iter().filter(|l| l.model.is_some()).count(),
        leagues: catalog.leagues.len(),
        data_version: store.data_version().await?,
        mail: {
            let b = store.outbox_backlog().await?;
            let state_of = if state.config().mail.enabled {
                "sending"
            } else {
                "not set up (SMTP_URL), nothing is sent"
            };
            format!(
                "{state_of}; outbox: {} waiting, {} given up, {} sent",
                b.pending, b.failed, b.sent
            )
        },
    };
    let mails = store
        .recent_mails(20)
        .await?
        .into_iter()
        .map(|m| MailLine {
            id: m.id,
            queued: time(m.created_at),
            failed: m.status == "failed",
            kind: m.kind,
            recipient: m.recipient,
            status: m.status,
            attempts: m.attempts,
            error: m.last_error.unwrap_or_default(),
        })
        .collect();
    let actions = store
        .admin_actions(30)
        .await?
        .into_iter()
        .map(|a| ActionLine {
            at: time(a.at),
            who: a.username,
            action: a.action,
            detail: a.detail,
        })
        .collect();
    let reports = store.report_weeks(12).await?;
    let p = AdminPage {
        nav: Nav::new(staff.visitor.username()),
        message: notice
            .started
            .map(|job| format!("Started {job}: its run shows below when it ends (reload).")),
        figures: latest.as_ref().map(|s| figures(s, backend)),
        size_chart: size_chart(&snapshots),
        services,
        jobs,
        mails,
        reports,
        runs: runs
            .into_iter()
            .map(|r| RunLine {
                took: r.finished_at.map_or_else(
                    || "running".into(),
                    |f| {
                        format!(
                            "{:.1} s",
                            (f - r.started_at).num_milliseconds() as f64 / 1000.0
                        )
                    },
                ),
                job: r.job,
                started: time(r.started_at),
                status: r.status,
                instance: r.instance,
                message: r.message.unwrap_or_default(),
            })
            .collect(),
        actions,
    };
    Ok(page(&p))
}
