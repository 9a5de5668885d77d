//! Metrics in Prometheus format.
//!
//! `/metrics` exposes: `http_requests_total` and `http_request_duration_seconds` by route
//! pattern (never the raw path), method and status; `session_cache_total` hits and misses;
//! `predictions_saved_total`; `db_pool_connections` and `db_pool_idle_connections` per pool;
//! `model_fit_seconds` from refits; `job_runs_total` from scheduled jobs.

use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::response::{IntoResponse, Response};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use subtle::ConstantTimeEq;

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

/// Installs the process-wide Prometheus recorder (once; later calls reuse it).
pub fn install() -> Option<&'static PrometheusHandle> {
    HANDLE
        .get_or_init(|| {
            match PrometheusBuilder::new()
                .set_buckets(&[
                    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                ])
                .and_then(|b| {
                    b.set_buckets_for_metric(
                        Matcher::Full("prediction_write_batch_size".into()),
                        &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 500.0],
                    )
                })
                .and_then(|b| b.install_recorder())
            {
                Ok(h) => {
                    spawn_upkeep(h.clone());
                    Some(h)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "metrics recorder not installed");
                    None
                }
            }
        })
        .as_ref()
}

/// How often histogram samples are folded into their buckets.
const UPKEEP: std::time::Duration = std::time::Duration::from_secs(5);

/// The recorder keeps every histogram sample until it is folded into the buckets, which
/// rendering `/metrics` does, or this upkeep: without it, a server nobody scrapes would grow by
/// a few bytes per request (about 200 MB a day at 1,000 requests a second).
fn spawn_upkeep(handle: PrometheusHandle) {
    let spawned = std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP);
                handle.run_upkeep();
            }
        });
    if let Err(e) = spawned {
        tracing::warn!(error = %e, "metrics upkeep not started; histograms grow until /metrics is read");
    }
}

/// Whether the request carries the configured metrics token (compared in constant time).
fn authorised(expected: Option<&str>, headers: &HeaderMap) -> bool {
    let Some(expected) = expected else {
        return true;
    };
    let given = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let (a, b) = (Sha256::digest(given.trim()), Sha256::digest(expected));
    bool::from(a[..].ct_eq(&b[..]))
}

/// Metrics in Prometheus text format.
///
/// With `METRICS_TOKEN` set, only for `Authorization: Bearer <token>`; with `METRICS_BIND`
/// set, only on that address.
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses(
        (status = 200, description = "Prometheus text exposition format", body = String, content_type = "text/plain"),
        (status = 401, description = "METRICS_TOKEN is set and the request does not carry it", body = crate::dto::ErrorBody),
    ))]
pub async fn render(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if !authorised(state.config().metrics.token.as_deref(), &headers) {
        let mut r = crate::error::ApiError(crate::error::Error::Unauthorized(
            "/metrics needs Authorization: Bearer <METRICS_TOKEN>".into(),
        ))
        .into_response();
        r.headers_mut().insert(
            WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer realm=\"metrics\""),
        );
        return r;
    }
    for (name, pool) in [
        ("write", state.store().write_pool()),
        ("read", state.store().read_pool()),
    ] {
        let (size, idle) = match pool {
            fp_storage::Pool::Sqlite(p) => (p.size(), p.num_idle()),
            fp_storage::Pool::Postgres(p) => (p.size(), p.num_idle()),
        };
        metrics::gauge!("db_pool_connections", "pool" => name).set(f64::from(size));
        metrics::gauge!("db_pool_idle_connections", "pool" => name).set(idle as f64);
    }
    match state.store().replica_lag_seconds() {
        Some(lag) => metrics::gauge!("db_replica_lag_seconds").set(lag),
        None if state.store().replica_in_use().is_some() => {
            metrics::gauge!("db_replica_lag_seconds").set(f64::NAN);
        }
        None => {}
    }
    let body = install().map(|h| h.render()).unwrap_or_default();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn the_token_is_needed_only_when_set() {
        let mut h = HeaderMap::new();
        assert!(authorised(None, &h));
        assert!(!authorised(Some("t0ken"), &h));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer wrong"));
        assert!(!authorised(Some("t0ken"), &h));
        h.insert(AUTHORIZATION, HeaderValue::from_static("Bearer t0ken"));
        assert!(authorised(Some("t0ken"), &h));
    }
}
