//! The connection to Redis: reconnects by itself (redis' `ConnectionManager`), bounds every
//! call by a short timeout, and stops calling through a circuit breaker while Redis is down.
//! The outage is logged once when it starts and once when it ends, and counted in metrics.

use crate::CacheError;
use crate::breaker::{Breaker, Transition};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::future::Future;
use std::time::{Duration, Instant};

/// How patient to be with Redis.
#[derive(Debug, Clone, Copy)]
pub struct LinkSettings {
    /// Longest wait for one command (and for a connection).
    pub timeout: Duration,
    /// Failures in a row that open the breaker.
    pub failures_to_open: u32,
    /// How long the breaker stays open before one request probes again.
    pub cooldown: Duration,
}

impl Default for LinkSettings {
    fn default() -> Self {
        LinkSettings {
            timeout: Duration::from_millis(250),
            failures_to_open: 3,
            cooldown: Duration::from_secs(2),
        }
    }
}

pub struct RedisLink {
    conn: ConnectionManager,
    breaker: Breaker,
    timeout: Duration,
    url: String,
}

impl RedisLink {
    /// Prepares the connection without waiting for Redis: it is made on first use, and a
    /// Redis that is down at start-up is simply reported as down until it comes up.
    pub fn new(url: &str, settings: LinkSettings) -> Result<RedisLink, CacheError> {
        let client = redis::Client::open(url).map_err(|e| CacheError::Config(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(settings.timeout))
            .set_response_timeout(Some(settings.timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| CacheError::Config(e.to_string()))?;
        metrics::gauge!("redis_up").set(1.0);
        Ok(RedisLink {
            conn,
            breaker: Breaker::new(settings.failures_to_open, settings.cooldown),
            timeout: settings.timeout,
            url: fp_secrets::redact_url(url),
        })
    }

    /// Runs one Redis call: `None` when Redis is down, slow or the breaker is open (the caller
    /// then does without Redis).
    pub async fn call<T, F, Fut>(&self, op: &'static str, f: F) -> Option<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        if !self.breaker.allow(Instant::now()) {
            metrics::counter!("redis_skipped_total", "op" => op).increment(1);
            return None;
        }
        let result = match tokio::time::timeout(self.timeout, f(self.conn.clone())).await {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(e.to_string()),
            Err(_) => Err(format!("no answer within {} ms", self.timeout.as_millis())),
        };
        match result {
            Ok(v) => {
                if self.breaker.success() == Some(Transition::Recovered) {
                    tracing::info!(redis = %self.url, "Redis is reachable again: shared cache and limits are back");
                    metrics::gauge!("redis_up").set(1.0);
                }
                Some(v)
            }
            Err(e) => {
                metrics::counter!("redis_errors_total", "op" => op).increment(1);
                if self.breaker.failure(Instant::now(), e.clone()) == Some(Transition::Tripped) {
                    tracing::warn!(redis = %self.url, error = %e,
                        "Redis is unavailable: serving from the database with in-process limits until it is back");
                    metrics::counter!("redis_outages_total").increment(1);
                    metrics::gauge!("redis_up").set(0.0);
                }
                None
            }
        }
    }

    /// Asks Redis directly (for health checks): `Err` with the reason when it does not answer.
    pub async fn ping(&self) -> Result<(), String> {
        let pong: Option<String> = self
            .call("ping", |mut c| async move {
                redis::cmd("PING").query_async(&mut c).await
            })
            .await;
        match pong {
            Some(_) => Ok(()),
            None => Err(self
                .breaker
                .last_error()
                .unwrap_or_else(|| "unavailable".to_string())),
        }
    }

    /// False while the breaker is open (Redis was found down and is not probed yet).
    pub fn seems_up(&self) -> bool {
        !self.breaker.is_open()
    }
}
