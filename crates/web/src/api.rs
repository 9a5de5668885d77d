//! The JSON API. Every error answers with `{"error": "…"}`.

use crate::cached::FixtureFacts;
use crate::error::AppError;
use crate::pages::PER_PAGE;
use crate::session::{Session, Visitor};
use crate::state::AppState;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, Path, Query, Request, State};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, NaiveDate, Utc};
use fp_engine::{Catalog, LeagueEntry};
use fp_model::facts::{FormEntry, HeadToHead};
use fp_model::markets::{DoubleChance, Markets, OverUnderLine, Scoreline, YesNo};
use fp_storage::{HistoryFilter, PredictionRow};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

type ApiResult = Result<Json<Value>, AppError>;

fn reject(status: axum::http::StatusCode, message: String) -> AppError {
    AppError::new(status, message).json()
}

fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, AppError> {
    body.map(|Json(v)| v).map_err(|e| {
        let status = match e {
            JsonRejection::JsonDataError(_) => axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            JsonRejection::MissingJsonContentType(_) => {
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE
            }
            _ => axum::http::StatusCode::BAD_REQUEST,
        };
        reject(status, e.body_text())
    })
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, AppError> {
    q.map(|Query(v)| v)
        .map_err(|e| reject(axum::http::StatusCode::BAD_REQUEST, e.body_text()))
}

fn path<T>(p: Result<Path<T>, PathRejection>) -> Result<T, AppError> {
    p.map(|Path(v)| v)
        .map_err(|e| reject(axum::http::StatusCode::BAD_REQUEST, e.body_text()))
}

#[derive(Deserialize)]
pub struct PredictRequest {
    league: String,
    home_team: String,
    away_team: String,
}

/// `{"home": …, "away": …}`.
#[derive(Serialize)]
struct Pair<T> {
    home: T,
    away: T,
}

#[derive(Serialize)]
struct FormJson<'a> {
    date: NaiveDate,
    opponent: &'a str,
    home: bool,
    goals_for: u8,
    goals_against: u8,
    result: char,
}

fn form_json<'a>(entry: &'a LeagueEntry, form: &[FormEntry]) -> Vec<FormJson<'a>> {
    form.iter()
        .map(|f| FormJson {
            date: f.date,
            opponent: entry.team_name(f.opponent),
            home: f.at_home,
            goals_for: f.goals_for,
            goals_against: f.goals_against,
            result: f.result,
        })
        .collect()
}

#[derive(Serialize)]
struct MeetingJson<'a> {
    date: NaiveDate,
    home_team: &'a str,
    away_team: &'a str,
    home_goals: u8,
    away_goals: u8,
}

#[derive(Serialize)]
struct H2hSummaryJson {
    wins: u32,
    draws: u32,
    losses: u32,
    goals_for: u32,
    goals_against: u32,
}

#[derive(Serialize)]
struct H2hJson<'a> {
    meetings: Vec<MeetingJson<'a>>,
    summary: H2hSummaryJson,
}

fn h2h_json<'a>(entry: &'a LeagueEntry, h: &HeadToHead) -> H2hJson<'a> {
    H2hJson {
        meetings: h
            .meetings
            .iter()
            .map(|g| MeetingJson {
                date: g.date,
                home_team: entry.team_name(g.home),
                away_team: entry.team_name(g.away),
                home_goals: g.home_goals,
                away_goals: g.away_goals,
            })
            .collect(),
        summary: H2hSummaryJson {
            wins: h.a_wins,
            draws: h.draws,
            losses: h.b_wins,
            goals_for: h.a_goals,
            goals_against: h.b_goals,
        },
    }
}

#[derive(Serialize)]
struct ProbabilitiesJson {
    home: f64,
    draw: f64,
    away: f64,
}

#[derive(Serialize)]
struct ModelJson {
    version: Option<i64>,
    data_to: Option<NaiveDate>,
    fitted_at: Option<DateTime<Utc>>,
}

/// A prediction as the API shows it, but for the fields that name this one prediction (id,
/// URL, time; see [`prediction_response`]): the same for every prediction of a fixture under
/// one model and one dataset, so `POST /api/predict` serialises it once per fixture (see
/// `crate::answer`). Serialised straight from the data, without an intermediate JSON tree.
#[derive(Serialize)]
pub struct PredictionBody<'a> {
    league: &'a str,
    home_team: &'a str,
    away_team: &'a str,
    probabilities: ProbabilitiesJson,
    outcome: &'a str,
    confidence: f64,
    expected_goals: Pair<f64>,
    most_likely_score: Pair<i64>,
    top_scores: &'a [Scoreline],
    double_chance: &'a DoubleChance,
    over_under: &'a [OverUnderLine],
    both_teams_to_score: &'a YesNo,
    form: Pair<Vec<FormJson<'a>>>,
    head_to_head: H2hJson<'a>,
    model: ModelJson,
}

/// A serialised [`PredictionBody`] without its opening brace: `"league":…}`.
pub fn body_tail(body: &PredictionBody) -> Result<axum::body::Bytes, serde_json::Error> {
    let mut json = serde_json::to_vec(body)?;
    json.remove(0);
    Ok(json.into())
}

/// The whole prediction: `{"id":…,"url":…,"created_at":…,` then `tail` (see [`body_tail`]).
pub fn prediction_response(
    id: i64,
    created_at: DateTime<Utc>,
    tail: &[u8],
) -> Result<Response, AppError> {
    use std::io::Write;
    let mut out = Vec::with_capacity(96 + tail.len());
    write!(
        out,
        r#"{{"id":{id},"url":"/predictions/{id}","created_at":"#
    )
    .map_err(AppError::internal)?;
    serde_json::to_writer(&mut out, &created_at).map_err(AppError::internal)?;
    out.push(b',');
    out.extend_from_slice(tail);
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            axum::http::HeaderValue::from_static("application/json"),
        )],
        out,
    )
        .into_response())
}

/// Markets of a stored prediction, rebuilt from its expected goals and probabilities.
fn stored_markets(entry: &LeagueEntry, row: &PredictionRow) -> Markets {
    let probs = fp_model::Probabilities {
        home: row.p_home,
        draw: row.p_draw,
        away: row.p_away,
    };
    let rho = entry.model.as_ref().map_or(0.0, |(_, m)| m.model.rho());
    fp_engine::stored_markets(row.xg_home, row.xg_away, rho, &probs).0
}

/// A prediction's body (see [`PredictionBody`]), with its markets and the current facts.
pub fn prediction_body<'a>(
    entry: &'a LeagueEntry,
    row: &'a PredictionRow,
    m: &'a Markets,
    facts: &FixtureFacts,
) -> PredictionBody<'a> {
    let version = entry
        .model
        .as_ref()
        .filter(|(v, _)| Some(v.id) == row.model_version_id)
        .map(|(v, _)| v);
    PredictionBody {
        league: &row.league_code,
        home_team: &row.home_team,
        away_team: &row.away_team,
        probabilities: ProbabilitiesJson {
            home: row.p_home,
            draw: row.p_draw,
            away: row.p_away,
        },
        outcome: &row.outcome,
        confidence: row.confidence,
        expected_goals: Pair {
            home: row.xg_home,
            away: row.xg_away,
        },
        most_likely_score: Pair {
            home: row.predicted_home_goals,
            away: row.predicted_away_goals,
        },
        top_scores: &m.top_scores,
        double_chance: &m.double_chance,
        over_under: &m.over_under,
        both_teams_to_score: &m.both_teams_to_score,
        form: Pair {
            home: form_json(entry, &facts.home.form),
            away: form_json(entry, &facts.away.form),
        },
        head_to_head: h2h_json(entry, &facts.h2h),
        model: ModelJson {
            version: row.model_version_id,
            data_to: version.map(|v| v.data_to),
            fitted_at: version.map(|v| v.fitted_at),
        },
    }
}

/// `POST /api/predict`. The busiest endpoint does what the session and rate-limit layers do
/// for the other routes itself (the same functions, in the same order: client IP and API
/// limit, then the visitor's session), without their per-request service clones and request
/// extensions.
pub async fn predict(State(state): State<AppState>, req: Request) -> Response {
    let limiters = state.limiters();
    let ip = limiters.client_ip(crate::ratelimit::peer(&req), req.headers());
    if let Err(limited) = limiters.api_request(ip).await {
        return limited.into_response();
    }
    let visitor = match Visitor::of(&state, req.headers()).await {
        Ok(v) => v,
        Err(e) => return e.json().into_response(),
    };
    let body = Json::<PredictRequest>::from_request(req, &state).await;
    let mut response = match predict_for(&state, &visitor, ip, body).await {
        Ok(r) | Err(r) => r,
    };
    visitor.finish(&state, &mut response);
    response
}

async fn predict_for(
    state: &AppState,
    visitor: &Visitor,
    ip: std::net::IpAddr,
    body: Result<Json<PredictRequest>, JsonRejection>,
) -> Result<Response, Response> {
    let req = json_body(body).map_err(IntoResponse::into_response)?;
    let session = &visitor.session;
    let catalog = state.catalog();
    let fixture = catalog
        .fixture(&req.league, &req.home_team, &req.away_team)
        .map_err(|e| AppError::from(e).json().into_response())?;
    state
        .limiters()
        .predictions(session.user_id, ip, 1, true)
        .await
        .map_err(IntoResponse::into_response)?;
    let answer = state
        .answer(&catalog, fixture)
        .await
        .map_err(|e| e.json().into_response())?;
    crate::session::ensure_stored(state, session, visitor.new.as_ref())
        .await
        .map_err(|e| e.json().into_response())?;
    let created_at = crate::answer::now();
    let id = state
        .writer()
        .save(answer.row(session.owner(), created_at))
        .await
        .map_err(|e| AppError::from(e).json().into_response())?;
    prediction_response(id, created_at, &answer.tail).map_err(|e| e.json().into_response())
}

pub async fn prediction(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    id: Result<Path<i64>, PathRejection>,
) -> Result<Response, AppError> {
    let id = path(id)?;
    let row = state
        .store()
        .prediction(id, &session.owner())
        .await
        .map_err(|e| AppError::from(e).json())?
        .ok_or_else(|| AppError::not_found("no such prediction in your history").json())?;
    let catalog = state.catalog();
    let entry = catalog
        .league_by_id(row.league_id)
        .ok_or_else(|| AppError::not_found("league no longer in the data").json())?;
    let facts = state
        .fixture_facts(entry, row.home_team_id, row.away_team_id)
        .await;
    let markets = stored_markets(entry, &row);
    let tail = body_tail(&prediction_body(entry, &row, &markets, &facts))
        .map_err(|e| AppError::internal(e).json())?;
    prediction_response(row.id, row.created_at, &tail).map_err(AppError::json)
}

#[derive(Deserialize)]
pub struct HistoryParams {
    page: Option<i64>,
    league: Option<String>,
    outcome: Option<String>,
}

fn filter(
    catalog: &Catalog,
    league: Option<&str>,
    outcome: Option<&str>,
) -> Result<HistoryFilter, AppError> {
    let league_id = match league.filter(|l| !l.is_empty()) {
        Some(code) => Some(
            catalog
                .league(code)
                .map(|e| e.league.id)
                .ok_or_else(|| AppError::not_found(format!("unknown league \"{code}\"")).json())?,
        ),
        None => None,
    };
    let outcome = match outcome.filter(|o| !o.is_empty()) {
        Some(o) if ["H", "D", "A"].contains(&o) => Some(o.to_string()),
        Some(o) => {
            return Err(
                AppError::unprocessable(format!("outcome \"{o}\" must be H, D or A")).json(),
            );
        }
        None => None,
    };
    Ok(HistoryFilter { league_id, outcome })
}

pub async fn history(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    params: Result<Query<HistoryParams>, QueryRejection>,
) -> ApiResult {
    let p = query(params)?;
    let page = p.page.unwrap_or(1);
    if page < 1 {
        return Err(AppError::bad_request("page must be 1 or more").json());
    }
    let f = filter(&state.catalog(), p.league.as_deref(), p.outcome.as_deref())?;
    let h = state
        .history(&session.owner(), &f, page, PER_PAGE)
        .await
        .map_err(|e| AppError::from(e).json())?;
    Ok(Json(json!({
        "total": h.total,
        "page": h.page,
        "per_page": h.per_page,
        "pages": ((h.total + PER_PAGE - 1) / PER_PAGE).max(1),
        "items": h.items.iter().map(|r| json!({
            "id": r.id, "url": format!("/predictions/{}", r.id), "created_at": r.created_at,
            "league": r.league_code, "home_team": r.home_team, "away_team": r.away_team,
            "probabilities": {"home": r.p_home, "draw": r.p_draw, "away": r.p_away},
            "expected_goals": {"home": r.xg_home, "away": r.xg_away},
            "most_likely_score": {"home": r.predicted_home_goals, "away": r.predicted_away_goals},
            "outcome": r.outcome, "confidence": r.confidence, "model_version": r.model_version_id,
        })).collect::<Vec<_>>(),
    })))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeleteRequest {
    #[serde(default)]
    ids: Vec<i64>,
    #[serde(default)]
    all: bool,
}

pub async fn delete_history(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    body: Result<Json<DeleteRequest>, JsonRejection>,
) -> ApiResult {
    let req = json_body(body)?;
    if !req.all && req.ids.is_empty() {
        return Err(AppError::unprocessable("give \"ids\": [...] or \"all\": true").json());
    }
    let owner = session.owner();
    let deleted = if req.all {
        state.store().delete_all_predictions(&owner).await
    } else {
        state.store().delete_predictions(&owner, &req.ids).await
    }
    .map_err(|e| AppError::from(e).json())?;
    Ok(Json(json!({ "deleted": deleted })))
}

pub async fn leagues(State(state): State<AppState>) -> ApiResult {
    let catalog = state.catalog();
    let key = format!("list:{}:{}", catalog.leagues.len(), catalog.total_matches);
    let list: std::sync::Arc<Value> = state
        .cache()
        .get_or_load(fp_cache::Kind::League, &key, || league_list(&catalog))
        .await;
    Ok(Json(Value::clone(&list)))
}

fn league_list(catalog: &Catalog) -> Value {
    json!(catalog.leagues.iter().map(|e| json!({
        "code": e.league.code, "name": e.league.name, "matches": e.league.matches, "teams": e.league.teams,
        "first_date": e.league.first_date, "last_date": e.league.last_date,
        "model": e.model.as_ref().map(|(v, m)| json!({
            "version": v.id, "data_to": v.data_to, "fitted_at": v.fitted_at, "evaluation": m.evaluation,
        })),
    })).collect::<Vec<_>>())
}

pub async fn teams(
    State(state): State<AppState>,
    code: Result<Path<String>, PathRejection>,
) -> ApiResult {
    let code = path(code)?;
    let catalog = state.catalog();
    let entry = catalog
        .league(&code)
        .ok_or_else(|| AppError::not_found(format!("unknown league \"{code}\"")).json())?;
    Ok(Json(json!(
        entry
            .teams
            .iter()
            .map(|t| json!({"id": t.id, "name": t.name}))
            .collect::<Vec<_>>()
    )))
}

pub async fn team(
    State(state): State<AppState>,
    id: Result<Path<i64>, PathRejection>,
) -> ApiResult {
    let id = path(id)?;
    let catalog = state.catalog();
    let (entry, t) = catalog
        .leagues
        .iter()
        .find_map(|e| e.team_by_id(id).map(|t| (e, t)))
        .ok_or_else(|| AppError::not_found("no such team").json())?;
    let ratings = entry.model.as_ref().map(|(v, m)| {
        let (attack, defence) = m.model.dc_shots.team_ratings(id as u32);
        json!({"attack": attack, "defence": defence, "elo": m.model.elo.rating(id as u32, m.model.fitted_for), "model_version": v.id})
    });
    let stats = state.team_stats(entry, id).await;
    Ok(Json(json!({
        "id": t.id, "name": t.name, "league": entry.league.code,
        "record": stats.record, "form": form_json(entry, &stats.form), "ratings": ratings,
    })))
}

#[derive(Deserialize)]
pub struct H2hParams {
    league: String,
    home: String,
    away: String,
}

pub async fn h2h(
    State(state): State<AppState>,
    params: Result<Query<H2hParams>, QueryRejection>,
) -> ApiResult {
    let p = query(params)?;
    let catalog = state.catalog();
    let entry = catalog
        .league(&p.league)
        .ok_or_else(|| AppError::not_found(format!("unknown league \"{}\"", p.league)).json())?;
    let find = |n: &str| {
        entry.team(n).ok_or_else(|| {
            AppError::not_found(format!("unknown team \"{n}\" in {}", p.league)).json()
        })
    };
    let (a, b) = (find(&p.home)?, find(&p.away)?);
    let h = state.head_to_head(entry, a.id, b.id, 1000).await;
    let mut v = json!(h2h_json(entry, &h));
    v["home_team"] = json!(a.name);
    v["away_team"] = json!(b.name);
    Ok(Json(v))
}
