//! Stored weekly reports, for staff: a page with a calibration chart per league, and CSV.

use super::admin::time;
use super::shared::page;
use crate::error::{Error, PageError};
use crate::extract::{PagePath, Staff};
use crate::state::AppState;
use crate::templates::charts::CalibrationChart;
use crate::templates::{Nav, ReportLeague, ReportPage, render};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use fp_storage::WeeklyReport;

async fn stored(state: &AppState, week: &str) -> Result<WeeklyReport, Error> {
    state
        .store()
        .report(week)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no report of week {week}")))
}

/// A stored weekly report.
#[utoipa::path(get, path = "/admin/reports/{week}", tag = "pages",
    params(("week" = String, Path, description = "ISO week, e.g. 2026-W48")),
    responses(
        (status = 200, description = "The report", body = String, content_type = "text/html"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 403, description = "Not a staff account", body = String, content_type = "text/html"),
        (status = 404, description = "No report of that week", body = String, content_type = "text/html"),
    ))]
pub async fn report(
    State(state): State<AppState>,
    PagePath(week): PagePath<String>,
    staff: Staff,
) -> Result<Response, PageError> {
    let r = stored(&state, &week).await?;
    let leagues = r
        .leagues
        .iter()
        .map(|l| {
            let bins: Vec<(f64, f64, usize)> = l
                .calibration
                .iter()
                .map(|(bin, n, hits)| {
                    (
                        (*bin as f64 + 0.5) / 10.0,
                        *hits as f64 / (*n).max(1) as f64,
                        usize::try_from(*n).unwrap_or(0),
                    )
                })
                .collect();
            let share = 100.0 * l.right as f64 / l.graded.max(1) as f64;
            ReportLeague {
                league: l.league.clone(),
                graded: l.graded,
                right: format!("{} ({share:.0}%)", l.right),
                mean_rps: format!("{:.4}", l.mean_rps),
                chart: render(&CalibrationChart::new(
                    &bins,
                    &format!(
                        "{}: predicted outcome's probability against how often it came true",
                        l.league
                    ),
                )),
            }
        })
        .collect();
    let p = ReportPage {
        nav: Nav::new(staff.visitor.username()),
        week: r.week.clone(),
        from: r.from.to_string(),
        to: (r.to - chrono::Duration::days(1)).to_string(),
        generated: time(r.generated_at),
        leagues,
        made: r.predictions_made,
        accounts: r.active_accounts,
        sessions: r.active_sessions,
        freshness: r
            .freshness
            .iter()
            .map(|f| {
                (
                    format!("{} ({})", f.name, f.league),
                    f.newest_result
                        .map_or_else(|| "none".into(), |d| d.to_string()),
                )
            })
            .collect(),
        failures: r
            .job_failures
            .iter()
            .map(|j| {
                format!(
                    "{}: {} failed runs; last: {}",
                    j.job,
                    j.failures,
                    j.last_message.as_deref().unwrap_or("no message")
                )
            })
            .collect(),
    };
    Ok(page(&p))
}

/// A stored weekly report as CSV (`week,section,league,measure,value`).
#[utoipa::path(get, path = "/admin/reports/{week}/csv", tag = "pages",
    params(("week" = String, Path, description = "ISO week, e.g. 2026-W48")),
    responses(
        (status = 200, description = "The file", body = String, content_type = "text/csv"),
        (status = 303, description = "Not logged in: to the login form"),
        (status = 403, description = "Not a staff account", body = String, content_type = "text/html"),
        (status = 404, description = "No report of that week", body = String, content_type = "text/html"),
    ))]
pub async fn report_csv(
    State(state): State<AppState>,
    PagePath(week): PagePath<String>,
    _staff: Staff,
) -> Result<Response, PageError> {
    let r = stored(&state, &week).await?;
    let body = fp_engine::reports::report_csv(&r).map_err(Error::internal)?;
    // The week is one we stored, but only plain characters go into a header.
    let name: String = r
        .week
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"report-{name}.csv\""),
            ),
        ],
        body,
    )
        .into_response())
}
