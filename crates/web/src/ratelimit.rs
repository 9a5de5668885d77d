//! Rate limits, in process: predictions per anonymous client IP (`RATE_LIMIT_ANON`), per
//! account (`RATE_LIMIT_USER`), and all API requests per client (`RATE_LIMIT_API`). Over the
//! limit: 429 with `Retry-After` and `RateLimit-*` headers, as JSON under /api and as a page
//! elsewhere. The client IP comes from `X-Forwarded-For` only when the connection comes from a
//! configured trusted proxy.
//!
//! With Redis the budgets are shared by every instance (a GCRA Lua script, see `fp_cache`);
//! without Redis, or while it is down, each instance counts on its own (governor).

use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use std::net::{IpAddr, SocketAddr};
use std::num::NonZeroU32;
use std::str::FromStr;
use std::time::Duration;

/// `N/second|minute|hour|day`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    pub count: u32,
    pub period: Duration,
}

impl FromStr for Rate {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("rate \"{s}\" is not of the form N/second|minute|hour|day");
        let (n, unit) = s.trim().split_once('/').ok_or_else(bad)?;
        let count: u32 = n.trim().parse().map_err(|_| bad())?;
        let secs = match unit.trim() {
            "second" | "s" => 1,
            "minute" | "m" => 60,
            "hour" | "h" => 3600,
            "day" | "d" => 86_400,
            _ => return Err(bad()),
        };
        if count == 0 {
            return Err(format!("rate \"{s}\" must allow at least 1"));
        }
        Ok(Rate {
            count,
            period: Duration::from_secs(secs),
        })
    }
}

impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let unit = match self.period.as_secs() {
            1 => "second",
            60 => "minute",
            3600 => "hour",
            _ => "day",
        };
        write!(f, "{}/{unit}", self.count)
    }
}

/// The configured limits.
#[derive(Debug, Clone)]
pub struct RateLimitConfig {
    pub anon: Rate,
    pub user: Rate,
    pub api: Rate,
    pub trusted_proxies: Vec<IpAddr>,
}

impl Default for RateLimitConfig {
    fn default() -> Self {
        RateLimitConfig {
            anon: Rate {
                count: 100,
                period: Duration::from_secs(3600),
            },
            user: Rate {
                count: 1000,
                period: Duration::from_secs(86_400),
            },
            api: Rate {
                count: 10,
                period: Duration::from_secs(1),
            },
            trusted_proxies: Vec::new(),
        }
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

#[derive(Debug, Clone, Copy)]
enum Which {
    Anon,
    User,
    Api,
}

fn quota(rate: Rate) -> Quota {
    let burst = NonZeroU32::new(rate.count).unwrap_or(NonZeroU32::MIN);
    let per_cell = rate.period / rate.count.max(1);
    Quota::with_period(per_cell.max(Duration::from_nanos(1)))
        .unwrap_or_else(|| Quota::per_second(burst))
        .allow_burst(burst)
}

/// Why a request was refused.
#[derive(Debug)]
pub struct Limited {
    pub rate: Rate,
    pub retry_after: Duration,
    pub what: &'static str,
    pub json: bool,
}

impl IntoResponse for Limited {
    fn into_response(self) -> Response {
        metrics::counter!("rate_limit_rejections_total", "limit" => self.what).increment(1);
        let secs = self.retry_after.as_secs_f64().ceil().max(1.0) as u64;
        let message = format!(
            "Too many {}: the limit is {}. Try again in {secs} s.",
            self.what, self.rate
        );
        let mut response = if self.json {
            (
                StatusCode::TOO_MANY_REQUESTS,
                axum::Json(serde_json::json!({ "error": message })),
            )
                .into_response()
        } else {
            let page = crate::views::ErrorPage {
                nav: crate::views::Nav::anonymous(),
                status: 429,
                title: "Too Many Requests".into(),
                message,
            };
            (
                StatusCode::TOO_MANY_REQUESTS,
                Html(crate::views::render(&page)),
            )
                .into_response()
        };
        let h = response.headers_mut();
        let num =
            |v: u64| HeaderValue::from_str(&v.to_string()).unwrap_or(HeaderValue::from_static("0"));
        h.insert("retry-after", num(secs));
        h.insert("ratelimit-limit", num(u64::from(self.rate.count)));
        h.insert("ratelimit-remaining", num(0));
        h.insert("ratelimit-reset", num(secs));
        h.insert(
            "ratelimit-policy",
            HeaderValue::from_str(&format!(
                "{};w={}",
                self.rate.count,
                self.rate.period.as_secs()
            ))
            .unwrap_or(HeaderValue::from_static("")),
        );
        response
    }
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

    async fn check(&self, which: Which, key: Client, n: u32, json: bool) -> Result<(), Limited> {
        let (limiter, rate, what, name) = match which {
            Which::Anon => (&self.anon, self.config.anon, "predictions", "anon"),
            Which::User => (&self.user, self.config.user, "predictions", "user"),
            Which::Api => (&self.api, self.config.api, "API requests", "api"),
        };
        if let Some(shared) = &self.shared
            && let Some(d) = shared
                .check(&format!("{name}:{key}"), rate.count, rate.period, n)
                .await
        {
            return if d.allowed {
                Ok(())
            } else {
                Err(Limited {
                    rate,
                    retry_after: d.retry_after,
                    what,
                    json,
                })
            };
        }
        let n = NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN);
        match limiter.check_key_n(&key, n) {
            Ok(Ok(())) => Ok(()),
            Ok(Err(not_until)) => Err(Limited {
                rate,
                retry_after: not_until.wait_time_from(DefaultClock::default().now()),
                what,
                json,
            }),
            // More at once than the limit ever allows.
            Err(_) => Err(Limited {
                rate,
                retry_after: rate.period,
                what,
                json,
            }),
        }
    }

    /// One API request by this client.
    pub async fn api_request(&self, ip: IpAddr) -> Result<(), Limited> {
        self.check(Which::Api, Client::Ip(ip), 1, true).await
    }

    /// `n` predictions by this visitor: per account when logged in, else per client IP.
    pub async fn predictions(
        &self,
        user_id: Option<i64>,
        ip: IpAddr,
        n: u32,
        json: bool,
    ) -> Result<(), Limited> {
        match user_id {
            Some(id) => self.check(Which::User, Client::User(id), n, json).await,
            None => self.check(Which::Anon, Client::Ip(ip), n, json).await,
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

/// The client IP of a request, as the limits see it.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

/// Finds the client IP and applies the API limit to every `/api/` request.
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = state.limiters().client_ip(peer(&req), req.headers());
    req.extensions_mut().insert(ClientIp(ip));
    if req.uri().path().starts_with("/api/")
        && let Err(limited) = state.limiters().api_request(ip).await
    {
        return limited.into_response();
    }
    next.run(req).await
}

/// The address the request came from.
pub fn peer(req: &Request) -> Option<IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_parse_and_print() {
        assert_eq!(
            "100/hour".parse::<Rate>().unwrap(),
            Rate {
                count: 100,
                period: Duration::from_secs(3600)
            }
        );
        assert_eq!("5/second".parse::<Rate>().unwrap().to_string(), "5/second");
        for bad in ["", "100", "x/hour", "0/hour", "5/fortnight", "-1/day"] {
            assert!(bad.parse::<Rate>().is_err(), "{bad}");
        }
    }

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
            assert!(l.predictions(None, ip, 1, true).await.is_ok());
        }
        let refused = l.predictions(None, ip, 1, true).await.unwrap_err();
        assert!(refused.retry_after > Duration::from_secs(60 * 15));
        // Another client, and a logged-in user, have their own budgets.
        let other: IpAddr = "10.9.9.9".parse().unwrap();
        assert!(l.predictions(None, other, 1, true).await.is_ok());
        assert!(l.predictions(Some(7), ip, 1, true).await.is_ok());
        // A batch larger than the whole budget is refused.
        let batch: IpAddr = "10.4.4.4".parse().unwrap();
        assert!(l.predictions(None, batch, 4, true).await.is_err());
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
