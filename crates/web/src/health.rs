//! Health endpoints for load balancers and orchestrators.

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// "ok" for the in-process cache, or the state of Redis when one is configured.
async fn cache_status(state: &AppState) -> Result<&'static str, String> {
    match state.cache().redis() {
        None => Ok("ok"),
        Some(redis) => match redis.ping().await {
            Ok(()) => Ok("ok"),
            Err(e) => Err(format!(
                "Redis unavailable ({e}): serving without the shared cache"
            )),
        },
    }
}

/// 200 while the database answers (`degraded` when Redis is configured but down), 503 when
/// the database does not.
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
    let (database, cache) = tokio::join!(state.store().ping(), cache_status(&state));
    let (cache_ok, cache) = match cache {
        Ok(s) => (true, s.to_string()),
        Err(e) => (false, e),
    };
    let tier = if state.cache().redis().is_some() {
        "redis + in-process"
    } else {
        "in-process"
    };
    match database {
        Ok(()) => Json(json!({
            "status": if cache_ok { "ok" } else { "degraded" },
            "database": "ok", "read_replica": replica, "cache": cache, "cache_tiers": tier,
            "cache_generation": state.cache().generation(),
            "leagues": catalog.leagues.len(), "models": models,
        }))
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "unhealthy", "database": e.to_string(), "cache": cache, "cache_tiers": tier})),
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
