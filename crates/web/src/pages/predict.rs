//! The prediction form: one or up to 20 matches of a league.

use super::shared::{league_options, page};
use crate::config::{MAX_ROWS, NO_DATA_HINT};
use crate::dto::TeamRef;
use crate::error::{Error, PageError};
use crate::extract::{PageForm, PageQuery, Visitor};
use crate::services::answers::{new_row, now};
use crate::state::AppState;
use crate::templates::{FormRow, Nav, PastTeam, PredictPage};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use utoipa::IntoParams;

/// The league and how many rows the form shows.
#[derive(Deserialize, Default, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PredictQuery {
    /// League code; empty to choose one first.
    league: Option<String>,
    /// Matches at once, 1 to 20.
    #[param(minimum = 0)]
    rows: Option<usize>,
}

fn predict_page(
    state: &AppState,
    visitor: &Visitor,
    league: Option<&str>,
    rows: Vec<FormRow>,
    error: Option<String>,
) -> Result<PredictPage, Error> {
    let catalog = state.catalog();
    let entry = match league.filter(|l| !l.is_empty()) {
        Some(code) => Some(
            catalog
                .league(code)
                .ok_or_else(|| Error::NotFound(format!("unknown league \"{code}\"")))?,
        ),
        None => None,
    };
    let teams = entry.map(TeamRef::list).unwrap_or_default();
    Ok(PredictPage {
        nav: match entry {
            Some(e) => Nav::new(visitor.username()).with_data(e.league.last_date),
            None => Nav::new(visitor.username()),
        },
        leagues: league_options(&catalog, entry.map(|e| e.league.code.as_str())),
        league: entry.map(|e| e.league.code.clone()),
        teams: teams
            .iter()
            .filter(|t| t.current)
            .map(|t| t.name.clone())
            .collect(),
        past_teams: teams
            .iter()
            .filter(|t| !t.current)
            .map(|t| PastTeam {
                name: t.name.clone(),
                last_played: t
                    .last_played
                    .map_or_else(|| "no results".into(), |d| d.format("%b %Y").to_string()),
            })
            .collect(),
        rows,
        error: error.or_else(|| catalog.leagues.is_empty().then(|| NO_DATA_HINT.to_string())),
    })
}

/// The prediction form.
#[utoipa::path(get, path = "/predict", tag = "pages",
    params(PredictQuery),
    responses(
        (status = 200, description = "The form", body = String, content_type = "text/html"),
        (status = 400, description = "A malformed parameter", body = String, content_type = "text/html"),
        (status = 404, description = "Unknown league", body = String, content_type = "text/html"),
    ))]
pub async fn form(
    State(state): State<AppState>,
    visitor: Visitor,
    PageQuery(q): PageQuery<PredictQuery>,
) -> Result<Response, PageError> {
    let n = q.rows.unwrap_or(1).clamp(1, MAX_ROWS);
    let p = predict_page(
        &state,
        &visitor,
        q.league.as_deref(),
        vec![FormRow::default(); n],
        None,
    )?;
    Ok(page(&p))
}

/// What the form sends: a league and lists of home and away teams.
#[derive(Deserialize)]
pub struct PredictForm {
    #[serde(default)]
    league: String,
    #[serde(default)]
    home: Vec<String>,
    #[serde(default)]
    away: Vec<String>,
}

/// Predicts and saves the form's matches.
#[utoipa::path(post, path = "/predict", tag = "pages",
    request_body(content = String, content_type = "application/x-www-form-urlencoded",
        description = "league, and home/away repeated once per match"),
    responses(
        (status = 303, description = "To the prediction, or to the history for several"),
        (status = 422, description = "The form with what is wrong", body = String, content_type = "text/html"),
        (status = 429, description = "Over the prediction limit", body = String, content_type = "text/html"),
    ))]
pub async fn submit(
    State(state): State<AppState>,
    visitor: Visitor,
    PageForm(form): PageForm<PredictForm>,
) -> Result<Response, PageError> {
    let catalog = state.catalog();
    let Some(entry) = catalog.league(&form.league) else {
        let p = predict_page(
            &state,
            &visitor,
            None,
            vec![FormRow::default()],
            Some(format!("Choose a league (\"{}\" is not one).", form.league)),
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&p)).into_response());
    };
    if form.home.len() > MAX_ROWS || form.away.len() > MAX_ROWS {
        return Err(Error::Unprocessable(format!("at most {MAX_ROWS} matches at a time")).into());
    }
    let mut rows = Vec::new();
    let mut fixtures = Vec::new();
    let n = form.home.len().max(form.away.len());
    for i in 0..n {
        let home = form.home.get(i).cloned().unwrap_or_default();
        let away = form.away.get(i).cloned().unwrap_or_default();
        if home.is_empty() && away.is_empty() {
            continue;
        }
        let error = if home.is_empty() || away.is_empty() {
            Some("Choose both teams.".to_string())
        } else if home == away {
            Some("The two teams must differ.".to_string())
        } else {
            match (entry.team(&home), entry.team(&away)) {
                (Some(h), Some(a)) => match entry.fixture(h, a) {
                    Ok(f) => {
                        fixtures.push(f);
                        None
                    }
                    Err(e) => Some(e.to_string()),
                },
                _ => Some(format!("Both teams must play in {}.", entry.league.code)),
            }
        };
        rows.push(FormRow { home, away, error });
    }
    if rows.is_empty() || rows.iter().any(|r| r.error.is_some()) {
        let message = rows
            .is_empty()
            .then(|| "Choose a home and an away team.".to_string());
        if rows.is_empty() {
            rows.push(FormRow::default());
        }
        let p = predict_page(&state, &visitor, Some(&entry.league.code), rows, message)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&p)).into_response());
    }
    state
        .limits()
        .predictions(visitor.session.user_id, visitor.ip, fixtures.len() as u32)
        .await?;
    let mut ids = Vec::new();
    for f in fixtures {
        let p = state.forecasts().predict(f).await;
        ids.push(
            visitor
                .save(&state, new_row(visitor.owner(), now(), &p))
                .await?,
        );
    }
    Ok(match ids.as_slice() {
        [id] => Redirect::to(&format!("/predictions/{id}")).into_response(),
        _ => Redirect::to(&format!("/history?saved={}", ids.len())).into_response(),
    })
}
