//! Health endpoints for load balancers and orchestrators.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// 200 while the database answers, 503 when it does not.
pub async fn health(State(state): State<AppState>) -> Response {
    let catalog = state.catalog();
    let models = catalog.leagues.iter().filter(|l| l.model.is_some()).count();
    // "in use", "down (reading from the primary)", or null when no replica is configured.
    let replica = state.store().replica_in_use().map(|up| {
        if up {
            "in use"
        } else {
            "down (reading from the primary)"
        }
    });
    match state.store().ping().await {
        Ok(()) => Json(json!({
            "status": "ok", "database": "ok", "read_replica": replica, "cache": "ok",
            "leagues": catalog.leagues.len(), "models": models,
        }))
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unhealthy", "database": e.to_string(), "cache": "ok"})),
        )
            .into_response(),
    }
}

/// The process is alive.
pub async fn livez() -> &'static str {
    "ok"
}

/// Ready to take traffic: the database answers.
pub async fn readyz(State(state): State<AppState>) -> Response {
    match state.store().ping().await {
        Ok(()) => "ready".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
