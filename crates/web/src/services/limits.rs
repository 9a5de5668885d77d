//! Rate limits: predictions per anonymous client IP (`RATE_LIMIT_ANON`), per account
//! (`RATE_LIMIT_USER`), and all API requests per client (`RATE_LIMIT_API`). A refusal is an
//! [`Error::RateLimited`] (429 with `Retry-After` and `RateLimit-*` headers). Clients are
//! keyed by their normalised address (`services::origin`).
//!
//! With Redis the budgets are shared by every instance (a GCRA Lua script, see `fp_cache`);
//! without Redis, or while it is down, each instance counts on its own (governor).

use crate::config::{Rate, RateLimitConfig};
use crate::error::Error;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DashMapStateStore;
use governor::{Quota, RateLimiter};
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

/// Whose budget a request spends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Client {
    Ip(IpAddr),
    User(i64),
    /// An account name, by a digest (names are chosen by clients; keys stay short).
    Name(u64),
}

impl std::fmt::Display for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Client::Ip(ip) => write!(f, "ip:{ip}"),
            Client::User(id) => write!(f, "user:{id}"),
            Client::Name(digest) => write!(f, "name:{digest:016x}"),
        }
    }
}

/// The kinds of limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Limit {
    Anon,
    User,
    Api,
    LoginIp,
    LoginAccount,
    Register,
}

impl Limit {
    fn name(self) -> &'static str {
        match self {
            Limit::Anon => "anon",
            Limit::User => "user",
            Limit::Api => "api",
            Limit::LoginIp => "login_ip",
            Limit::LoginAccount => "login_account",
            Limit::Register => "register",
        }
    }

    fn what(self) -> &'static str {
        match self {
            Limit::Anon | Limit::User => "predictions",
            Limit::Api => "API requests",
            Limit::LoginIp => "logins from this address",
            Limit::LoginAccount => "logins to this account",
            Limit::Register => "new accounts from this address",
        }
    }
}

/// A short, stable key for an account name (case-insensitive, as lock-outs are).
fn name_digest(name: &str) -> u64 {
    use sha2::{Digest, Sha256};
    let d = Sha256::digest(name.to_ascii_lowercase().as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&d[..8]);
    u64::from_be_bytes(first)
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

/// An in-process GCRA limiter keyed by client (hashed with a keyed `ahash`, not SipHash).
type Keyed = RateLimiter<Client, DashMapStateStore<Client, ahash::RandomState>, DefaultClock>;

fn keyed(rate: Rate) -> Keyed {
    RateLimiter::dashmap_with_hasher(quota(rate), ahash::RandomState::new())
}

/// A GCRA limiter per kind of limit, keyed by client: in Redis when configured and up, else
/// in process.
pub struct Limiters {
    config: RateLimitConfig,
    shared: Option<fp_cache::SharedLimiter>,
    anon: Keyed,
    user: Keyed,
    api: Keyed,
    login_ip: Keyed,
    login_account: Keyed,
    register: Keyed,
}

impl Limiters {
    pub fn new(config: RateLimitConfig, shared: Option<fp_cache::SharedLimiter>) -> Self {
        Limiters {
            shared,
            anon: keyed(config.anon),
            user: keyed(config.user),
            api: keyed(config.api),
            login_ip: keyed(config.login_ip),
            login_account: keyed(config.login_account),
            register: keyed(config.register),
            config,
        }
    }

    async fn check(&self, limit: Limit, key: Client, n: u32) -> Result<(), Error> {
        let (limiter, rate) = match limit {
            Limit::Anon => (&self.anon, self.config.anon),
            Limit::User => (&self.user, self.config.user),
            Limit::Api => (&self.api, self.config.api),
            Limit::LoginIp => (&self.login_ip, self.config.login_ip),
            Limit::LoginAccount => (&self.login_account, self.config.login_account),
            Limit::Register => (&self.register, self.config.register),
        };
        // Boxed: the Redis round trip's state would otherwise be carried (and copied) by
        // every request's future, with or without Redis.
        if let Some(shared) = &self.shared
            && let Some(d) = Box::pin(shared.check(
                &format!("{}:{key}", limit.name()),
                rate.count,
                rate.period,
                n,
            ))
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

    /// One login attempt from this client under this account name: both budgets are spent.
    pub async fn login(&self, ip: IpAddr, name: &str) -> Result<(), Error> {
        self.check(Limit::LoginIp, Client::Ip(ip), 1).await?;
        self.check(Limit::LoginAccount, Client::Name(name_digest(name)), 1)
            .await
    }

    /// One registration from this client.
    pub async fn register(&self, ip: IpAddr) -> Result<(), Error> {
        self.check(Limit::Register, Client::Ip(ip), 1).await
    }

    /// `n` predictions by this visitor: per account when logged in, else per client IP.
    pub async fn predictions(&self, user_id: Option<i64>, ip: IpAddr, n: u32) -> Result<(), Error> {
        match user_id {
            Some(id) => self.check(Limit::User, Client::User(id), n).await,
            None => self.check(Limit::Anon, Client::Ip(ip), n).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
        // Logins are limited per address and per account name.
        let logins = Limiters::new(
            RateLimitConfig {
                login_ip: "2/hour".parse().unwrap(),
                login_account: "2/hour".parse().unwrap(),
                ..RateLimitConfig::default()
            },
            None,
        );
        assert!(logins.login(ip, "ann").await.is_ok());
        assert!(logins.login(other, "Ann").await.is_ok());
        assert!(
            logins.login(other, "ANN").await.is_err(),
            "third try on one account"
        );
        assert!(logins.login(ip, "bob").await.is_ok());
        assert!(
            logins.login(ip, "carl").await.is_err(),
            "third try from one address"
        );
        assert!(logins.register(ip).await.is_ok());
    }
}
