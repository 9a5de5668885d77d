//! The visitor's history: filters, pages, and deleting with a confirmation. The plain page is
//! kept rendered per owner and served again while their predictions are unchanged.

use super::shared::{league_options, page, summary};
use crate::config::PER_PAGE;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, PageQuery, Visitor};
use crate::format::{link, minute, outcome_label, pct};
use crate::services::history::{PageKey, RenderedKey};
use crate::state::AppState;
use crate::templates::{Confirm, HistoryItem, HistoryView, Nav, OutcomeOption};
use askama::Template;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use fp_engine::Catalog;
use fp_model::Outcome;
use fp_storage::{HistoryFilter, HistoryFingerprint};
use serde::Deserialize;
use utoipa::IntoParams;

/// Filters, page, and the notice after saving or deleting.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Page, from 1.
    pub page: Option<i64>,
    /// League code; empty for all.
    pub league: Option<String>,
    /// `H`, `D` or `A`; empty for all.
    pub outcome: Option<String>,
    /// `yes`: graded only; `no`: waiting for their result; empty for all.
    pub graded: Option<String>,
    /// How many predictions were just saved.
    #[param(minimum = 0)]
    pub saved: Option<usize>,
    /// How many predictions were just deleted.
    #[param(minimum = 0)]
    pub deleted: Option<u64>,
}

/// Unknown leagues match nothing; unknown outcomes are no filter.
pub fn history_filter(
    catalog: &Catalog,
    league: Option<&str>,
    outcome: Option<&str>,
    graded: Option<&str>,
) -> HistoryFilter {
    HistoryFilter {
        league_id: league
            .filter(|l| !l.is_empty())
            .map(|code| catalog.league(code).map_or(-1, |e| e.league.id)),
        outcome: outcome.and_then(Outcome::from_code),
        graded: match graded {
            Some("yes") => Some(true),
            Some("no") => Some(false),
            _ => None,
        },
    }
}

/// The history page; with the owner's `fingerprint` just read, also whether the page is known
/// to show the predictions as of that fingerprint.
async fn history_view(
    state: &AppState,
    visitor: &Visitor,
    q: &HistoryQuery,
    confirm: Option<Confirm>,
    fingerprint: Option<HistoryFingerprint>,
) -> Result<(HistoryView, bool), Error> {
    let catalog = state.catalog();
    let filter = history_filter(
        &catalog,
        q.league.as_deref(),
        q.outcome.as_deref(),
        q.graded.as_deref(),
    );
    let page_no = q.page.unwrap_or(1).max(1);
    let owner = visitor.owner();
    let (store, histories) = (state.store(), state.histories());
    let (stable, h) = match fingerprint {
        Some(f) => {
            let read = histories
                .page_as_of(store, &owner, f, &filter, page_no, PER_PAGE)
                .await?;
            (read.stable, read.page)
        }
        None => (
            false,
            histories
                .page(store, &owner, &filter, page_no, PER_PAGE)
                .await?,
        ),
    };
    let pages = ((h.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let league = q.league.clone().unwrap_or_default();
    let outcome = q.outcome.clone().unwrap_or_default();
    let graded = q.graded.clone().unwrap_or_default();
    let page_link = |p: i64| {
        link(
            "/history",
            &[
                ("page", &p.to_string()),
                ("league", &league),
                ("outcome", &outcome),
                ("graded", &graded),
            ],
        )
    };
    let message = match (q.saved, q.deleted) {
        (Some(n), _) => Some(format!("{n} predictions saved.")),
        (_, Some(n)) => Some(format!("{n} predictions deleted.")),
        _ => None,
    };
    let view = HistoryView {
        nav: Nav::new(visitor.username()),
        leagues: league_options(&catalog, Some(&league)),
        outcomes: [Outcome::Home, Outcome::Draw, Outcome::Away]
            .into_iter()
            .map(|o| OutcomeOption {
                code: o.code(),
                label: outcome_label(o),
                selected: outcome == o.code(),
            })
            .collect(),
        query: link(
            "",
            &[
                ("league", &league),
                ("outcome", &outcome),
                ("graded", &graded),
            ],
        ),
        graded: graded.clone(),
        confirm,
        message,
        filtered: filter != HistoryFilter::default(),
        total: h.total,
        first: if h.total == 0 {
            0
        } else {
            (page_no - 1) * PER_PAGE + 1
        },
        last: ((page_no - 1) * PER_PAGE + h.items.len() as i64).min(h.total),
        page: page_no,
        pages,
        prev: (page_no > 1).then(|| page_link(page_no - 1)),
        next: (page_no < pages).then(|| page_link(page_no + 1)),
        items: h
            .items
            .iter()
            .map(|p| HistoryItem {
                id: p.id,
                created: minute(&p.created_at),
                league_code: p.league_code.clone(),
                home_team: p.home_team.clone(),
                away_team: p.away_team.clone(),
                home: pct(p.p_home),
                draw: pct(p.p_draw),
                away: pct(p.p_away),
                summary: summary(p),
                result: crate::dto::GradedResult::of_row(p).map_or_else(
                    || "–".to_string(),
                    |g| {
                        format!(
                            "{}-{} · {} · RPS {:.3}",
                            g.home_goals,
                            g.away_goals,
                            if g.favourite_won {
                                "favourite won"
                            } else {
                                "favourite lost"
                            },
                            g.rps
                        )
                    },
                ),
            })
            .collect(),
    };
    Ok((view, stable))
}

/// The visitor's predictions.
#[utoipa::path(get, path = "/history", tag = "pages",
    params(HistoryQuery),
    responses(
        (status = 200, description = "The page", body = String, content_type = "text/html"),
        (status = 400, description = "A malformed parameter", body = String, content_type = "text/html"),
    ))]
pub async fn history(
    State(state): State<AppState>,
    visitor: Visitor,
    PageQuery(q): PageQuery<HistoryQuery>,
) -> Result<Response, PageError> {
    if q.saved.is_some() || q.deleted.is_some() {
        return Ok(page(
            &history_view(&state, &visitor, &q, None, None).await?.0,
        ));
    }
    let owner = visitor.owner();
    let fingerprint = state.store().history_fingerprint(&owner).await?;
    let catalog = state.catalog();
    let filter = history_filter(
        &catalog,
        q.league.as_deref(),
        q.outcome.as_deref(),
        q.graded.as_deref(),
    );
    let key = RenderedKey {
        page: PageKey::new(&owner, &filter, q.page.unwrap_or(1).max(1), PER_PAGE),
        league_text: q.league.clone().unwrap_or_default(),
        outcome_text: q.outcome.clone().unwrap_or_default(),
        graded_text: q.graded.clone().unwrap_or_default(),
        username: visitor.session.username.clone(),
        catalog: catalog.serial(),
    };
    if let Some(html) = state.histories().rendered(&key, fingerprint).await {
        return Ok(Html(html).into_response());
    }
    let (view, stable) = history_view(&state, &visitor, &q, None, Some(fingerprint)).await?;
    let html = Bytes::from(
        view.render()
            .map_err(|e| Error::internal(format!("rendering history: {e}")))?,
    );
    if stable {
        state
            .histories()
            .keep_rendered(key, fingerprint, html.clone())
            .await;
    }
    Ok(Html(html).into_response())
}

/// What the delete forms send.
#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    ids: Vec<i64>,
    all: Option<String>,
    confirm: Option<String>,
}

/// Deleting asks for confirmation first (a second form); only then are rows removed.
#[utoipa::path(post, path = "/history/delete", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "ids (repeated) or all, and confirm=yes to delete"),
    responses(
        (status = 200, description = "The confirmation", body = String, content_type = "text/html"),
        (status = 303, description = "Deleted: to the history"),
        (status = 422, description = "Nothing selected", body = String, content_type = "text/html"),
    ))]
pub async fn delete(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<DeleteForm>,
) -> Result<Response, PageError> {
    let all = form.all.is_some();
    if form.confirm.as_deref() != Some("yes") {
        let plain = HistoryQuery::default();
        if !all && form.ids.is_empty() {
            let (mut v, _) = history_view(&state, &visitor, &plain, None, None).await?;
            v.message = Some("Select the predictions to delete first.".into());
            return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&v)).into_response());
        }
        let count = if all {
            "all your predictions".to_string()
        } else {
            format!("{} predictions", form.ids.len())
        };
        let confirm = Confirm {
            count,
            ids: form.ids,
            all,
        };
        let (v, _) = history_view(&state, &visitor, &plain, Some(confirm), None).await?;
        return Ok(page(&v));
    }
    let owner = visitor.owner();
    let n = if all {
        state.store().delete_all_predictions(&owner).await?
    } else {
        state.store().delete_predictions(&owner, &form.ids).await?
    };
    Ok(Redirect::to(&format!("/history?deleted={n}")).into_response())
}
