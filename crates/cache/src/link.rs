//! The connection to Redis: reconnects by itself (redis' `ConnectionManager`), bounds every
//! call by a short timeout, and stops calling through a circuit breaker while Redis is down.
//! The outage is logged once when it starts and once when it ends, and counted in metrics.
//!
//! Behind Redis Sentinel ([`RedisTarget::Sentinel`]) the master is asked of the Sentinels
//! (and checked with `ROLE`) on first use and again after any failed call, so a failover is
//! followed without a restart: the calls fail while no master answers, then go to the
//! promoted replica.

use crate::CacheError;
use crate::breaker::{Breaker, Transition};
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::sentinel::{SentinelClient, SentinelServerType};
use std::future::Future;
use std::sync::RwLock;
use std::time::{Duration, Instant};

/// Where Redis is: one address, or a master found through Sentinels.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RedisTarget {
    /// `redis://host:port/db`
    Url(String),
    /// Sentinel addresses (`host:port` or `redis://host:port`) and the master's name.
    Sentinel {
        sentinels: Vec<String>,
        master: String,
    },
}

impl RedisTarget {
    /// The target of the settings: Sentinels when `sentinels` lists any (comma-separated
    /// `host:port`), else the URL; `None` when neither is set.
    pub fn of_settings(url: Option<&str>, sentinels: Option<&str>, master: &str) -> Option<Self> {
        let listed: Vec<String> = sentinels
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| {
                if s.contains("://") {
                    s.to_string()
                } else {
                    format!("redis://{s}")
                }
            })
            .collect();
        if !listed.is_empty() {
            return Some(RedisTarget::Sentinel {
                sentinels: listed,
                master: master.to_string(),
            });
        }
        url.filter(|u| !u.is_empty())
            .map(|u| RedisTarget::Url(u.to_string()))
    }

    /// The target for logs, without passwords.
    pub fn describe(&self) -> String {
        match self {
            RedisTarget::Url(url) => fp_secrets::redact_url(url),
            RedisTarget::Sentinel { sentinels, master } => format!(
                "master {master} via Sentinels {}",
                sentinels
                    .iter()
                    .map(|s| fp_secrets::redact_url(s))
                    .collect::<Vec<_>>()
                    .join(",")
            ),
        }
    }
}

/// Finds the current master through the Sentinels.
struct Failover {
    sentinel: tokio::sync::Mutex<SentinelClient>,
    config: ConnectionManagerConfig,
    timeout: Duration,
}

impl Failover {
    /// A connection to the master the Sentinels name now (checked with `ROLE`).
    async fn master(&self) -> Result<(ConnectionManager, String), String> {
        let mut sentinel = self.sentinel.lock().await;
        let client = tokio::time::timeout(self.timeout * 4, sentinel.async_get_client())
            .await
            .map_err(|_| "no Sentinel named a master in time".to_string())?
            .map_err(|e| format!("no master from the Sentinels: {e}"))?;
        let address = client.get_connection_info().addr().to_string();
        let conn = ConnectionManager::new_lazy_with_config(client, self.config.clone())
            .map_err(|e| e.to_string())?;
        Ok((conn, address))
    }
}

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
    /// The connection in use; `None` behind Sentinels until a master is found.
    conn: RwLock<Option<ConnectionManager>>,
    failover: Option<Failover>,
    breaker: Breaker,
    timeout: Duration,
    url: String,
}

impl RedisLink {
    /// Prepares the connection to `url` without waiting for Redis: it is made on first use,
    /// and a Redis that is down at start-up is simply reported as down until it comes up.
    pub fn new(url: &str, settings: LinkSettings) -> Result<RedisLink, CacheError> {
        Self::to(&RedisTarget::Url(url.to_string()), settings)
    }

    /// Prepares the connection to a target (a URL, or the master behind Sentinels).
    pub fn to(target: &RedisTarget, settings: LinkSettings) -> Result<RedisLink, CacheError> {
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(settings.timeout))
            .set_response_timeout(Some(settings.timeout))
            .set_number_of_retries(2)
            .set_max_delay(Duration::from_millis(500));
        let (conn, failover) = match target {
            RedisTarget::Url(url) => {
                let client = redis::Client::open(url.as_str())
                    .map_err(|e| CacheError::Config(e.to_string()))?;
                let conn = ConnectionManager::new_lazy_with_config(client, config)
                    .map_err(|e| CacheError::Config(e.to_string()))?;
                (Some(conn), None)
            }
            RedisTarget::Sentinel { sentinels, master } => {
                let sentinel = SentinelClient::build(
                    sentinels.clone(),
                    master.clone(),
                    None,
                    SentinelServerType::Master,
                )
                .map_err(|e| CacheError::Config(format!("Sentinels: {e}")))?;
                let failover = Failover {
                    sentinel: tokio::sync::Mutex::new(sentinel),
                    config,
                    timeout: settings.timeout,
                };
                (None, Some(failover))
            }
        };
        metrics::gauge!("redis_up").set(1.0);
        Ok(RedisLink {
            conn: RwLock::new(conn),
            failover,
            breaker: Breaker::new(settings.failures_to_open, settings.cooldown),
            timeout: settings.timeout,
            url: target.describe(),
        })
    }

    fn current(&self) -> Option<ConnectionManager> {
        self.conn.read().ok().and_then(|c| c.clone())
    }

    /// The connection to use: behind Sentinels, the master is looked up when none is known
    /// (at first use, and after a failed call).
    async fn connection(&self) -> Result<ConnectionManager, String> {
        if let Some(conn) = self.current() {
            return Ok(conn);
        }
        let Some(failover) = &self.failover else {
            return Err("no connection".to_string());
        };
        let (conn, address) = failover.master().await?;
        if let Ok(mut slot) = self.conn.write() {
            *slot = Some(conn.clone());
        }
        tracing::info!(redis = %self.url, master = %address, "Redis master found through Sentinel");
        metrics::counter!("redis_master_lookups_total").increment(1);
        Ok(conn)
    }

    /// After a failed call behind Sentinels: ask for the master again on the next call (it
    /// may have failed over).
    fn forget_master(&self) {
        if self.failover.is_some()
            && let Ok(mut slot) = self.conn.write()
        {
            *slot = None;
        }
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
        let result = match self.connection().await {
            Ok(conn) => match tokio::time::timeout(self.timeout, f(conn)).await {
                Ok(Ok(v)) => Ok(v),
                Ok(Err(e)) => Err(e.to_string()),
                Err(_) => Err(format!("no answer within {} ms", self.timeout.as_millis())),
            },
            Err(e) => Err(e),
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
                self.forget_master();
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
