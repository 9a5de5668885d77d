//! Rate limits: predictions per anonymous client IP (`RATE_LIMIT_ANON`), per account
//! (`RATE_LIMIT_USER`), and all API requests per client (`RATE_LIMIT_API`). A refusal is an
//! [`Error::RateLimited`] (429 with `Retry-After` and `RateLimit-*` headers). The client IP
//! comes from `X-Forwarded-For` only when the connection comes from a configured trusted proxy.
//!
//! With Redis the budgets are shared by every instance (a GCRA Lua script, see `fp_cache`);
//! without Redis, or while it is down, each instance counts on its own (governor).

use crate::config::{Rate, RateLimitConfig};
use crate::error::Error;
use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Ip(IpAddr),
    User(i64),
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Client::Ip(ip) => write!(f, "ip:{ip}"),
            Client::User(id) => write!(f, "user:{id}"),
        }
    }
}

/// The kinds of limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Anon,
    User,
    Api,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::Anon => "anon",
            Limit::User => "user",
            Limit::Api => "api",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::Anon | Limit::User => "predictions",
            Limit::Api => "API requests",
        }
    }
}

fn quota(rate: Rate) -> Quota {
    let burst = NonZeroU32::new(rate.count).unwrap_or(NonZeroU32::MIN);
    let per_cell = rate.period / rate.count.max(1);
    Quota::with_period(per_cell.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(burst))
        .allow_burst(burst)
}

fn refused(limit: Limit, rate: Rate, retry_after: Duration) -> Error {
    metrics::counter!("rate_limit_rejections_total", "limit" => limit.what()).increment(1);
    let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
    Error::RateLimited {
        message: format!(
            "Too many {}: the limit is {rate}. Try again in {secs} s.",
            limit.what()
        ),
        limit: rate.count,
        window: rate.period,
        retry_after,
    }
}

/// A GCRA limiter per kind of limit, keyed by client: in Redis when configured and up, else
/// in process.
pub struct Limiters {
    config: RateLimitConfig,
    shared: Option<fp_cache::SharedLimiter>,
    anon: DefaultKeyedRateLimiter<Client>,
    user: DefaultKeyedRateLimiter<Client>,
    api: DefaultKeyedRateLimiter<Client>,
}

impl Limiters {
    pub fn new(config: RateLimitConfig, shared: Option<fp_cache::SharedLimiter>) -> Self {
        Limiters {
            shared,
            anon: DefaultKeyedRateLimiter::keyed(quota(config.anon)),
            user: DefaultKeyedRateLimiter::keyed(quota(config.user)),
            api: DefaultKeyedRateLimiter::keyed(quota(config.api)),
            config,
        }
    }

    async fn check(&self, limit: Limit, key: Client, n: u32) -> Result<(), Error> {
        let (limiter, rate) = match limit {
            Limit::Anon => (&self.anon, self.config.anon),
            Limit::User => (&self.user, self.config.user),
            Limit::Api => (&self.api, self.config.api),
        };
        if let Some(shared) = &self.shared
            && let Some(d) = shared
                .check(
                    &format!("{}:{key}", limit.name()),
                    rate.count,
                    rate.period,
                    n,
                )
                .await
        {
            return if d.allowed {
                Ok(())
            } else {
                Err(refused(limit, rate, d.retry_after))
            };
        }
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        match limiter.check_key_n(&key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(refused(
                limit,
                rate,
                not_until.wait_time_from(DefaultClock::default().now()),
            )),
            // More at once than the limit ever allows.
            Err(_) => Err(refused(limit, rate, rate.period)),
        }
    }

    /// One API request by this client.
    pub async fn api_request(&self, ip: IpAddr) -> Result<(), Error> {
        self.check(Limit::Api, Client::Ip(ip), 1).await
    }

    /// `n` predictions by this visitor: per account when logged in, else per client IP.
    pub async fn predictions(&self, user_id: Option<i64>, ip: IpAddr, n: u32) -> Result<(), Error> {
        match user_id {
            Some(id) => self.check(Limit::User, Client::User(id), n).await,
            None => self.check(Limit::Anon, Client::Ip(ip), n).await,
        }
    }

    /// The client's IP: the peer address, or the first address of `X-Forwarded-For` when the
    /// peer is a trusted proxy.
    pub fn client_ip(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> IpAddr {
        let peer = peer.unwrap_or(IpAddr::from([0, 0, 0, 0]));
        if !self.config.trusted_proxies.contains(&peer) {
            return peer;
        }
        headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .and_then(|ip| ip.trim().parse().ok())
            .unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[tokio::test]
    async fn the_limit_allows_n_then_refuses_with_a_wait() {
        let l = Limiters::new(
            RateLimitConfig {
                anon: "3/hour".parse().unwrap(),
                ..RateLimitConfig::default()
            },
            None,
        );
        let ip: IpAddr = "10.1.2.3".parse().unwrap();
        for _ in 0..3 {
            assert!(l.predictions(None, ip, 1).await.is_ok());
        }
        let Err(Error::RateLimited { retry_after, .. }) = l.predictions(None, ip, 1).await else {
            panic!("not refused");
        };
        assert!(retry_after > Duration::from_secs(60 * 15));
        // Another client, and a logged-in user, have their own budgets.
        let other: IpAddr = "10.9.9.9".parse().unwrap();
        assert!(l.predictions(None, other, 1).await.is_ok());
        assert!(l.predictions(Some(7), ip, 1).await.is_ok());
        // A batch larger than the whole budget is refused.
        let batch: IpAddr = "10.4.4.4".parse().unwrap();
        assert!(l.predictions(None, batch, 4).await.is_err());
    }

    #[test]
    fn forwarded_for_is_trusted_only_from_proxies() {
        let l = Limiters::new(
            RateLimitConfig {
                trusted_proxies: vec!["127.0.0.1".parse().unwrap()],
                ..RateLimitConfig::default()
            },
            None,
        );
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            HeaderValue::from_static("203.0.113.9, 10.0.0.1"),
        );
        assert_eq!(
            l.client_ip(Some("127.0.0.1".parse().unwrap()), &h)
                .to_string(),
            "203.0.113.9"
        );
        assert_eq!(
            l.client_ip(Some("198.51.100.1".parse().unwrap()), &h)
                .to_string(),
            "198.51.100.1"
        );
    }
}
