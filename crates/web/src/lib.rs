//! The HTTP server.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use fp_storage::Store;
use serde_json::json;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
}

pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/", get(home))
        .route("/health", get(health))
        .route("/livez", get(|| async { "ok" }))
        .with_state(state)
}

/// What to tell someone whose database holds no matches yet.
pub const NO_DATA_HINT: &str = "The database holds no matches yet. Get data with \
`football-predictor import PATH` (football-data.co.uk CSV files or folders, e.g. \
../shared/data/football-data) or `football-predictor sync` (downloads the configured \
league-seasons from football-data.co.uk), or start the server with `serve --import PATH`.";

async fn home(State(state): State<AppState>) -> Response {
    match state.store.leagues().await {
        Ok(leagues) if leagues.is_empty() => {
            Html(format!("<h1>Football Predictor</h1><p>{NO_DATA_HINT}</p>")).into_response()
        }
        Ok(leagues) => {
            let items: String = leagues
                .iter()
                .map(|l| {
                    format!(
                        "<li>{} ({}): {} matches</li>",
                        escape(&l.name),
                        escape(&l.code),
                        l.matches
                    )
                })
                .collect();
            Html(format!("<h1>Football Predictor</h1><ul>{items}</ul>")).into_response()
        }
        Err(e) => {
            tracing::error!(error = %e, "listing leagues failed");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response()
        }
    }
}

async fn health(State(state): State<AppState>) -> Response {
    match state.store.ping().await {
        Ok(()) => Json(json!({"status": "ok", "database": "ok", "cache": "ok"})).into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unhealthy", "database": e.to_string(), "cache": "ok"})),
        )
            .into_response(),
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
