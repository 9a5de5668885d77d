//! Health endpoints for load balancers and orchestrators.

use crate::dto::{Health, HealthStatus, Unhealthy};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

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

/// Health: database and cache.
///
/// 200 while the database answers (`degraded` when Redis is configured but down: served from
/// the database with in-process limits), 503 when the database does not.
#[utoipa::path(get, path = "/health", tag = "operations",
    responses(
        (status = 200, description = "Healthy or degraded", body = Health),
        (status = 503, description = "The database does not answer", body = Unhealthy),
    ))]
pub async fn health(State(state): State<AppState>) -> Response {
    let catalog = state.catalog();
    let models = catalog.leagues.iter().filter(|l| l.model.is_some()).count();
    let replica = state.store().replica_in_use().map(|up| {
        if up {
            "in use".to_string()
        } else {
            "down (reading from the primary)".to_string()
        }
    });
    let (database, cache) = tokio::join!(state.store().ping(), cache_status(&state));
    let (cache_ok, cache) = match cache {
        Ok(s) => (true, s.to_string()),
        Err(e) => (false, e),
    };
    let tiers = if state.cache().redis().is_some() {
        "redis + in-process"
    } else {
        "in-process"
    };
    match database {
        Ok(()) => Json(Health {
            status: if cache_ok {
                HealthStatus::Ok
            } else {
                HealthStatus::Degraded
            },
            database: "ok".into(),
            read_replica: replica,
            replica_lag_seconds: state.store().replica_lag_seconds(),
            cache,
            cache_tiers: tiers.into(),
            cache_generation: state.cache().generation(),
            leagues: catalog.leagues.len(),
            models,
        })
        .into_response(),
        Err(e) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(Unhealthy {
                status: "unhealthy".into(),
                database: e.to_string(),
                cache,
                cache_tiers: tiers.into(),
            }),
        )
            .into_response(),
    }
}

/// The process is alive.
#[utoipa::path(get, path = "/livez", tag = "operations",
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain")))]
pub async fn livez() -> &'static str {
    "ok"
}

/// Ready to take traffic: the database answers.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses(
        (status = 200, description = "Ready", body = String, content_type = "text/plain"),
        (status = 503, description = "The database does not answer, or the instance is draining before shutdown", body = String, content_type = "text/plain"),
    ))]
pub async fn readyz(State(state): State<AppState>) -> Response {
    if state.drain().started() {
        return (StatusCode::SERVICE_UNAVAILABLE, "draining").into_response();
    }
    match state.store().ping().await {
        Ok(()) => "ready".into_response(),
        Err(_) => (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response(),
    }
}
