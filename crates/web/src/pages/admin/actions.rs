//! What staff can do from the admin page: start a job, queue a given-up mail again. Each
//! action is recorded with who did it, then the page is shown again.

use crate::error::{Error, PageError};
use crate::extract::{PagePath, Staff};
use crate::state::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};

/// Starts a job now on this instance (recorded like a scheduled run) and logs who did it.
#[utoipa::path(post, path = "/admin/jobs/{job}/run", tag = "pages",
    params(("job" = String, Path, description = "The job's name, as listed on the admin page")),
    responses(
        (status = 303, description = "Started: back to the admin page"),
        (status = 403, description = "Not a staff account", body = String, content_type = "text/html"),
        (status = 404, description = "No such job", body = String, content_type = "text/html"),
    ))]
pub async fn run_job(
    State(state): State<AppState>,
    PagePath(job): PagePath<String>,
    staff: Staff,
) -> Result<Response, PageError> {
    let jobs = state
        .jobs()
        .filter(|jobs| jobs.get(&job).is_some())
        .ok_or_else(|| Error::NotFound(format!("no job named \"{job}\"")))?
        .clone();
    state
        .store()
        .log_admin_action(Some(staff.id), &staff.name, "run-job", &job)
        .await?;
    let store = state.store().clone();
    let name = job.clone();
    tokio::spawn(async move {
        let instance = fp_engine::scheduler::instance_name();
        if let Err(e) = jobs.run_now(&store, &name, &instance).await {
            tracing::error!(job = name, error = %e, "a job started from the admin page was not recorded");
        }
    });
    let target = crate::format::link("/admin", &[("started", &job)]);
    Ok(Redirect::to(&target).into_response())
}

/// Puts a mail that was given up on back in the queue, and logs who did it.
#[utoipa::path(post, path = "/admin/mails/{id}/resend", tag = "pages",
    params(("id" = i64, Path, description = "The mail's id, as listed on the admin page")),
    responses(
        (status = 303, description = "Queued again: back to the admin page"),
        (status = 403, description = "Not a staff account", body = String, content_type = "text/html"),
        (status = 404, description = "No failed mail with that id", body = String, content_type = "text/html"),
    ))]
pub async fn resend_mail(
    State(state): State<AppState>,
    PagePath(id): PagePath<i64>,
    staff: Staff,
) -> Result<Response, PageError> {
    if !state.store().resend_mail(id).await? {
        return Err(Error::NotFound(format!("no failed mail with id {id}")).into());
    }
    state
        .store()
        .log_admin_action(Some(staff.id), &staff.name, "resend-mail", &id.to_string())
        .await?;
    Ok(Redirect::to("/admin").into_response())
}
