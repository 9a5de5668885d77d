//! Server-rendered pages. They work without JavaScript; `app.js` only adds conveniences.

use crate::cached::{Fingerprint, FixtureFacts, HistoryKey, history_key};
use crate::error::AppError;
use crate::session::Session;
use crate::state::AppState;
use crate::svg;
use crate::views::{self, *};
use askama::Template;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum_extra::extract::Form;
use fp_engine::{Catalog, FixturePrediction, LeagueEntry};
use fp_storage::{HistoryFilter, NewPrediction, PredictionRow};
use serde::Deserialize;

pub const PER_PAGE: i64 = 50;
pub const MAX_ROWS: usize = 20;

fn page(t: &impl askama::Template) -> Response {
    Html(views::render(t)).into_response()
}

fn evaluation_cells(entry: &LeagueEntry) -> (String, String, String) {
    match entry.model.as_ref().and_then(|(_, m)| m.evaluation) {
        Some(e) => (
            format!("{:.4}", e.rps),
            format!("{:.4}", e.closing_odds_rps),
            e.matches.to_string(),
        ),
        None => ("not measured".into(), "–".into(), "0".into()),
    }
}

pub async fn home(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let predictions = state.predictions_made().await?;
    let recent = state
        .history(&session.owner(), &HistoryFilter::default(), 1, 5)
        .await?
        .items
        .iter()
        .map(|p| RecentItem {
            id: p.id,
            summary: summary(p),
            home_team: p.home_team.clone(),
            away_team: p.away_team.clone(),
            league_code: p.league_code.clone(),
        })
        .collect();
    let leagues = catalog
        .leagues
        .iter()
        .map(|e| {
            let (model_rps, odds_rps, _) = evaluation_cells(e);
            LeagueRow {
                code: e.league.code.clone(),
                name: e.league.name.clone(),
                matches: e.league.matches,
                last_date: e
                    .league
                    .last_date
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                model_rps,
                odds_rps,
            }
        })
        .collect();
    Ok(page(&HomePage {
        nav: Nav::new(&state, &session),
        hint: crate::NO_DATA_HINT,
        leagues,
        teams: catalog.total_teams,
        matches: catalog.total_matches,
        predictions,
        recent,
    }))
}

/// "Arsenal win (52.1%), 2-1" for a stored prediction.
pub fn summary(p: &PredictionRow) -> String {
    format!(
        "{} ({}), {}-{}",
        outcome_text(&p.outcome, &p.home_team, &p.away_team),
        pct(p.confidence),
        p.predicted_home_goals,
        p.predicted_away_goals
    )
}

fn league_options(catalog: &Catalog, selected: Option<&str>) -> Vec<LeagueOption> {
    catalog
        .leagues
        .iter()
        .map(|e| LeagueOption {
            code: e.league.code.clone(),
            name: e.league.name.clone(),
            selected: Some(e.league.code.as_str()) == selected,
        })
        .collect()
}

#[derive(Deserialize, Default)]
pub struct PredictQuery {
    league: Option<String>,
    rows: Option<usize>,
}

fn predict_page(
    state: &AppState,
    session: &Session,
    league: Option<&str>,
    rows: Vec<FormRow>,
    error: Option<String>,
) -> Result<PredictPage, AppError> {
    let catalog = state.catalog();
    let entry = match league.filter(|l| !l.is_empty()) {
        Some(code) => Some(
            catalog
                .league(code)
                .ok_or_else(|| AppError::not_found(format!("unknown league \"{code}\"")))?,
        ),
        None => None,
    };
    Ok(PredictPage {
        nav: Nav::new(state, session),
        leagues: league_options(&catalog, entry.map(|e| e.league.code.as_str())),
        league: entry.map(|e| e.league.code.clone()),
        teams: entry
            .map(|e| e.teams.iter().map(|t| t.name.clone()).collect())
            .unwrap_or_default(),
        rows,
        error: error.or_else(|| {
            catalog
                .leagues
                .is_empty()
                .then(|| crate::NO_DATA_HINT.to_string())
        }),
    })
}

pub async fn predict_form(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<PredictQuery>,
) -> Result<Response, AppError> {
    let n = q.rows.unwrap_or(1).clamp(1, MAX_ROWS);
    let p = predict_page(
        &state,
        &session,
        q.league.as_deref(),
        vec![FormRow::default(); n],
        None,
    )?;
    Ok(page(&p))
}

#[derive(Deserialize)]
pub struct PredictForm {
    #[serde(default)]
    league: String,
    #[serde(default)]
    home: Vec<String>,
    #[serde(default)]
    away: Vec<String>,
}

/// Builds the stored row of a prediction.
pub fn new_prediction(session: &Session, p: &FixturePrediction) -> NewPrediction {
    crate::answer::new_row(session.owner(), crate::answer::now(), p)
}

pub async fn predict_submit(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    new: Option<Extension<crate::session::NewSession>>,
    Extension(ip): Extension<crate::ratelimit::ClientIp>,
    Form(form): Form<PredictForm>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let Some(entry) = catalog.league(&form.league) else {
        let p = predict_page(
            &state,
            &session,
            None,
            vec![FormRow::default()],
            Some(format!("Choose a league (\"{}\" is not one).", form.league)),
        )?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&p)).into_response());
    };
    if form.home.len() > MAX_ROWS || form.away.len() > MAX_ROWS {
        return Err(AppError::unprocessable(format!(
            "at most {MAX_ROWS} matches at a time"
        )));
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
        let p = predict_page(&state, &session, Some(&entry.league.code), rows, message)?;
        return Ok((StatusCode::UNPROCESSABLE_ENTITY, page(&p)).into_response());
    }
    if let Err(limited) = state
        .limiters()
        .predictions(session.user_id, ip.0, fixtures.len() as u32, false)
        .await
    {
        return Ok(limited.into_response());
    }
    crate::session::ensure_stored(&state, &session, new.as_deref()).await?;
    let mut ids = Vec::new();
    for f in fixtures {
        let p = state.predict(f).await;
        ids.push(state.writer().save(new_prediction(&session, &p)).await?);
    }
    Ok(match ids.as_slice() {
        [id] => Redirect::to(&format!("/predictions/{id}")).into_response(),
        _ => Redirect::to(&format!("/history?saved={}", ids.len())).into_response(),
    })
}

fn form_lines(entry: &LeagueEntry, form: &[fp_model::facts::FormEntry]) -> Vec<FormLine> {
    form.iter()
        .map(|f| FormLine {
            date: f.date.to_string(),
            opponent: format!(
                "{} ({})",
                entry.team_name(f.opponent),
                if f.at_home { "home" } else { "away" }
            ),
            score: format!("{}-{}", f.goals_for, f.goals_against),
            result: f.result.to_string(),
        })
        .collect()
}

fn meetings(entry: &LeagueEntry, h2h: &fp_model::facts::HeadToHead) -> Vec<Meeting> {
    h2h.meetings
        .iter()
        .map(|g| Meeting {
            date: g.date.to_string(),
            home: entry.team_name(g.home).to_string(),
            score: format!("{}-{}", g.home_goals, g.away_goals),
            away: entry.team_name(g.away).to_string(),
        })
        .collect()
}

fn h2h_summary(a: &str, b: &str, h: &fp_model::facts::HeadToHead) -> String {
    let n = h.a_wins + h.draws + h.b_wins;
    if n == 0 {
        return format!("{a} and {b} have not met in the data.");
    }
    format!(
        "{n} meetings: {a} won {}, {} drawn, {b} won {}; goals {}–{}.",
        h.a_wins, h.draws, h.b_wins, h.a_goals, h.b_goals
    )
}

pub async fn prediction(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let row = state
        .store()
        .prediction(id, &session.owner())
        .await?
        .ok_or_else(|| AppError::not_found("no such prediction in your history"))?;
    let catalog = state.catalog();
    let entry = catalog.league_by_id(row.league_id).ok_or_else(|| {
        AppError::not_found("the league of this prediction is no longer in the data")
    })?;
    let facts = state
        .fixture_facts(entry, row.home_team_id, row.away_team_id)
        .await;
    let view = result_view(entry, &row, &facts);
    Ok(page(&ResultPage {
        nav: Nav::new(&state, &session),
        r: view,
    }))
}

pub fn result_view(entry: &LeagueEntry, row: &PredictionRow, facts: &FixtureFacts) -> ResultView {
    let probs = fp_model::Probabilities {
        home: row.p_home,
        draw: row.p_draw,
        away: row.p_away,
    };
    let current = entry.model.as_ref();
    let rho = current.map_or(0.0, |(_, m)| m.model.rho());
    let (markets, matrix) = fp_engine::stored_markets(row.xg_home, row.xg_away, rho, &probs);
    let (version, data_to) = match current {
        Some((v, _)) if Some(v.id) == row.model_version_id => {
            (v.id.to_string(), v.data_to.to_string())
        }
        _ => (
            row.model_version_id.map_or("–".into(), |v| v.to_string()),
            "an earlier model".into(),
        ),
    };
    let (h, a) = (row.home_team.as_str(), row.away_team.as_str());
    let h2h = &facts.h2h;
    let mut m = vec![
        (
            "Double chance 1X".to_string(),
            pct(markets.double_chance.home_or_draw),
        ),
        (
            "Double chance X2".to_string(),
            pct(markets.double_chance.draw_or_away),
        ),
        (
            "Double chance 12".to_string(),
            pct(markets.double_chance.home_or_away),
        ),
    ];
    for l in &markets.over_under {
        m.push((
            format!("Over / under {:.1} goals", l.line),
            format!("{} / {}", pct(l.over), pct(l.under)),
        ));
    }
    m.push((
        "Both teams to score (yes / no)".into(),
        format!(
            "{} / {}",
            pct(markets.both_teams_to_score.yes),
            pct(markets.both_teams_to_score.no)
        ),
    ));
    ResultView {
        home_team: h.to_string(),
        away_team: a.to_string(),
        league_code: row.league_code.clone(),
        league_name: entry.league.name.clone(),
        created: format!("{} UTC", crate::views::minute(&row.created_at)),
        model_version: version,
        data_to,
        bars: svg::probability_bars(
            [&format!("{h} win"), "Draw", &format!("{a} win")],
            probs.as_array(),
        ),
        outcome_text: outcome_text(&row.outcome, h, a),
        confidence: pct(row.confidence),
        xg_home: format!("{:.2}", row.xg_home),
        xg_away: format!("{:.2}", row.xg_away),
        score: format!("{}-{}", row.predicted_home_goals, row.predicted_away_goals),
        top_scores: markets
            .top_scores
            .iter()
            .map(|s| (format!("{}-{}", s.home, s.away), pct(s.probability)))
            .collect(),
        heat_map: svg::heat_map(|i, j| matrix.get(i, j), 5, h, a),
        markets: m,
        form: vec![
            (h.to_string(), form_lines(entry, &facts.home.form)),
            (a.to_string(), form_lines(entry, &facts.away.form)),
        ],
        h2h_summary: h2h_summary(h, a, h2h),
        h2h_link: format!(
            "/h2h?league={}&home={}&away={}",
            row.league_code,
            urlencode(h),
            urlencode(a)
        ),
        meetings: meetings(entry, h2h),
    }
}

pub fn urlencode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Deserialize, Default)]
pub struct HistoryQuery {
    page: Option<i64>,
    league: Option<String>,
    outcome: Option<String>,
    saved: Option<usize>,
    deleted: Option<u64>,
}

fn history_filter(catalog: &Catalog, league: Option<&str>, outcome: Option<&str>) -> HistoryFilter {
    HistoryFilter {
        league_id: league
            .filter(|l| !l.is_empty())
            .map(|code| catalog.league(code).map_or(-1, |e| e.league.id)),
        outcome: outcome
            .filter(|o| ["H", "D", "A"].contains(o))
            .map(String::from),
    }
}

/// The history page; with the owner's `fingerprint` just read, also whether the page is known
/// to show the predictions as of that fingerprint (see [`AppState::history_as_of`]).
async fn history_view(
    state: &AppState,
    session: &Session,
    q: &HistoryQuery,
    confirm: Option<Confirm>,
    fingerprint: Option<Fingerprint>,
) -> Result<(HistoryView, bool), AppError> {
    let catalog = state.catalog();
    let filter = history_filter(&catalog, q.league.as_deref(), q.outcome.as_deref());
    let page_no = q.page.unwrap_or(1).max(1);
    let owner = session.owner();
    let (stable, h) = match fingerprint {
        Some(f) => {
            state
                .history_as_of(&owner, f, &filter, page_no, PER_PAGE)
                .await?
        }
        None => (
            false,
            state.history(&owner, &filter, page_no, PER_PAGE).await?,
        ),
    };
    let pages = ((h.total + PER_PAGE - 1) / PER_PAGE).max(1);
    let league = q.league.clone().unwrap_or_default();
    let outcome = q.outcome.clone().unwrap_or_default();
    let base = format!(
        "league={}&outcome={}",
        urlencode(&league),
        urlencode(&outcome)
    );
    let link = |p: i64| format!("/history?page={p}&{base}");
    let message = match (q.saved, q.deleted) {
        (Some(n), _) => Some(format!("{n} predictions saved.")),
        (_, Some(n)) => Some(format!("{n} predictions deleted.")),
        _ => None,
    };
    let view = HistoryView {
        nav: Nav::new(state, session),
        leagues: league_options(&catalog, Some(&league)),
        outcomes: vec![
            ("H", "Home win", outcome == "H"),
            ("D", "Draw", outcome == "D"),
            ("A", "Away win", outcome == "A"),
        ],
        query: format!("?{base}"),
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
        prev: (page_no > 1).then(|| link(page_no - 1)),
        next: (page_no < pages).then(|| link(page_no + 1)),
        items: h
            .items
            .iter()
            .map(|p| HistoryItem {
                id: p.id,
                created: crate::views::minute(&p.created_at),
                league_code: p.league_code.clone(),
                home_team: p.home_team.clone(),
                away_team: p.away_team.clone(),
                home: pct(p.p_home),
                draw: pct(p.p_draw),
                away: pct(p.p_away),
                summary: summary(p),
            })
            .collect(),
    };
    Ok((view, stable))
}

/// A rendered history page: which page of whose (see [`crate::cached::HistoryKey`]), the
/// filters as given, the signed-in name in the header, the catalog (league list).
pub type HistoryHtmlKey = (HistoryKey, String, String, Option<String>, u64);

/// A rendered history page and the owner's fingerprint it shows.
pub type HistoryHtml = (Fingerprint, Bytes);

/// The history page. The plain page (no "saved"/"deleted" notice) is kept rendered and served
/// again while the owner's fingerprint is unchanged, so a reload costs one index read.
pub async fn history(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    if q.saved.is_some() || q.deleted.is_some() {
        return Ok(page(
            &history_view(&state, &session, &q, None, None).await?.0,
        ));
    }
    let owner = session.owner();
    let fingerprint = state.store().history_fingerprint(&owner).await?;
    let catalog = state.catalog();
    let filter = history_filter(&catalog, q.league.as_deref(), q.outcome.as_deref());
    let key: HistoryHtmlKey = (
        history_key(&owner, &filter, q.page.unwrap_or(1).max(1), PER_PAGE),
        q.league.clone().unwrap_or_default(),
        q.outcome.clone().unwrap_or_default(),
        session.username.clone(),
        catalog.serial(),
    );
    if let Some((f, html)) = state.history_html().get(&key).await
        && f == fingerprint
    {
        metrics::counter!("history_html_cache_total", "result" => "hit").increment(1);
        return Ok(Html(html).into_response());
    }
    metrics::counter!("history_html_cache_total", "result" => "miss").increment(1);
    let (view, stable) = history_view(&state, &session, &q, None, Some(fingerprint)).await?;
    let html = match view.render() {
        Ok(html) => Bytes::from(html),
        Err(e) => return Err(AppError::internal(format!("rendering history: {e}"))),
    };
    if stable {
        state
            .history_html()
            .insert(key, (fingerprint, html.clone()))
            .await;
    }
    Ok(Html(html).into_response())
}

#[derive(Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    ids: Vec<i64>,
    all: Option<String>,
    confirm: Option<String>,
}

/// Deleting asks for confirmation first (a second form); only then are rows removed.
pub async fn history_delete(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Form(form): Form<DeleteForm>,
) -> Result<Response, AppError> {
    let all = form.all.is_some();
    if form.confirm.as_deref() != Some("yes") {
        if !all && form.ids.is_empty() {
            let (mut v, _) =
                history_view(&state, &session, &HistoryQuery::default(), None, None).await?;
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
        return Ok(page(
            &history_view(
                &state,
                &session,
                &HistoryQuery::default(),
                Some(confirm),
                None,
            )
            .await?
            .0,
        ));
    }
    let owner = session.owner();
    let n = if all {
        state.store().delete_all_predictions(&owner).await?
    } else {
        state.store().delete_predictions(&owner, &form.ids).await?
    };
    Ok(Redirect::to(&format!("/history?deleted={n}")).into_response())
}

pub async fn history_csv(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let filter = history_filter(&catalog, q.league.as_deref(), q.outcome.as_deref());
    let mut out = String::from(
        "id,created_at,league,home_team,away_team,p_home,p_draw,p_away,predicted_score,expected_goals_home,expected_goals_away,outcome,confidence\n",
    );
    let field = |s: &str| {
        if s.contains([',', '"', '\n']) {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut p = 1;
    loop {
        let h = state
            .store()
            .history(&session.owner(), &filter, p, 1000)
            .await?;
        for r in &h.items {
            out.push_str(&format!(
                "{},{},{},{},{},{:.4},{:.4},{:.4},{}-{},{:.3},{:.3},{},{:.4}\n",
                r.id,
                r.created_at.to_rfc3339(),
                field(&r.league_code),
                field(&r.home_team),
                field(&r.away_team),
                r.p_home,
                r.p_draw,
                r.p_away,
                r.predicted_home_goals,
                r.predicted_away_goals,
                r.xg_home,
                r.xg_away,
                r.outcome,
                r.confidence
            ));
        }
        if h.items.len() < 1000 {
            break;
        }
        p += 1;
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"predictions.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

/// Played, won, drawn, lost, goals for, goals against.
fn record_cells(x: &fp_model::facts::Record) -> Vec<String> {
    [
        x.played,
        x.won,
        x.drawn,
        x.lost,
        x.goals_for,
        x.goals_against,
    ]
    .iter()
    .map(u32::to_string)
    .collect()
}

pub async fn team(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let (entry, team) = catalog
        .leagues
        .iter()
        .find_map(|e| e.team_by_id(id).map(|t| (e, t)))
        .ok_or_else(|| AppError::not_found("no such team"))?;
    let stats = state.team_stats(entry, id).await;
    let r = stats.record;
    let cells = |x: &fp_model::facts::Record| {
        let mut c = record_cells(x);
        c.push(format!("{:.2}", x.goals_for_per_match()));
        c.push(format!("{:.2}", x.goals_against_per_match()));
        c.push(x.clean_sheets.to_string());
        c
    };
    let ratings = match &entry.model {
        Some((v, m)) => {
            let (att, def) = m.model.dc_shots.team_ratings(id as u32);
            format!(
                "Attack {att:+.2}, defence {def:+.2} (log scale, 0 = league average; lower defence is better); Elo {:.0}. Model version {}, results up to {}.",
                m.model.elo.rating(id as u32, m.model.fitted_for),
                v.id,
                v.data_to
            )
        }
        None => "No model fitted yet.".to_string(),
    };
    let history = entry.rating_history.get(&id).cloned().unwrap_or_default();
    Ok(page(&TeamPage {
        nav: Nav::new(&state, &session),
        name: team.name.clone(),
        league_code: entry.league.code.clone(),
        league_name: entry.league.name.clone(),
        records: vec![
            ("Home", cells(&r.home)),
            ("Away", cells(&r.away)),
            ("Total", cells(&r.total)),
        ],
        form: form_lines(entry, &stats.form),
        ratings,
        chart: svg::line_chart(&history, &format!("Elo rating of {}", team.name)),
    }))
}

#[derive(Deserialize)]
pub struct H2hQuery {
    league: String,
    home: String,
    away: String,
}

pub async fn h2h(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Query(q): Query<H2hQuery>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&q.league)
        .ok_or_else(|| AppError::not_found(format!("unknown league \"{}\"", q.league)))?;
    let (Some(a), Some(b)) = (entry.team(&q.home), entry.team(&q.away)) else {
        return Err(AppError::not_found(format!(
            "both teams must play in {}",
            entry.league.code
        )));
    };
    let h = state.head_to_head(entry, a.id, b.id, 100).await;
    Ok(page(&H2hPage {
        nav: Nav::new(&state, &session),
        league_code: entry.league.code.clone(),
        teams: entry.teams.iter().map(|t| t.name.clone()).collect(),
        a: a.name.clone(),
        b: b.name.clone(),
        summary: h2h_summary(&a.name, &b.name, &h),
        meetings: meetings(entry, &h),
    }))
}

pub async fn league(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
    Path(code): Path<String>,
) -> Result<Response, AppError> {
    let catalog = state.catalog();
    let entry = catalog
        .league(&code)
        .ok_or_else(|| AppError::not_found(format!("unknown league \"{code}\"")))?;
    let t = state.table(entry).await;
    let (season, table) = (t.season.clone(), &t.rows);
    Ok(page(&LeaguePage {
        nav: Nav::new(&state, &session),
        code: entry.league.code.clone(),
        name: entry.league.name.clone(),
        season,
        table: table
            .iter()
            .map(|r| {
                let mut cells = record_cells(&r.record);
                cells.push(r.record.points().to_string());
                (
                    i64::from(r.team),
                    entry.team_name(r.team).to_string(),
                    cells,
                )
            })
            .collect(),
        ratings: entry
            .ratings()
            .into_iter()
            .map(|(t, a, d, e)| {
                (
                    t.id,
                    t.name.clone(),
                    format!("{a:+.2}"),
                    format!("{d:+.2}"),
                    format!("{e:.0}"),
                )
            })
            .collect(),
    }))
}

pub async fn about(
    State(state): State<AppState>,
    Extension(session): Extension<Session>,
) -> Response {
    let catalog = state.catalog();
    let leagues = catalog
        .leagues
        .iter()
        .map(|e| {
            let (model_rps, odds_rps, matches) = evaluation_cells(e);
            AboutRow {
                name: e.league.name.clone(),
                model_rps,
                odds_rps,
                matches,
            }
        })
        .collect();
    page(&AboutPage {
        nav: Nav::new(&state, &session),
        leagues,
    })
}
