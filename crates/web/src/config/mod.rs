//! Settings of the server, as the binary hands them over. The lowest layer: it knows nothing
//! of requests.

mod season;

pub use season::{GRADED_LIMIT, SeasonConfig};

use fp_cache::{LinkSettings, Ttls};
use ipnet::IpNet;
use std::str::FromStr;
use std::time::Duration;

/// What to tell someone whose database holds no matches yet.
pub const NO_DATA_HINT: &str = "The database holds no matches yet. Get data with \
`football-predictor import PATH` (football-data.co.uk CSV files or folders, e.g. \
../shared/data/football-data) or `football-predictor sync` (downloads the configured \
league-seasons from football-data.co.uk), or start the server with `serve --import PATH`.";

/// Requests larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;

/// Predictions per page of a history.
pub const PER_PAGE: i64 = 50;

/// Matches one form may predict at once.
pub const MAX_ROWS: usize = 20;

/// The cache: Redis (shared by the instances) when `redis_target` is set, always in process.
#[derive(Debug, Clone)]
pub struct CacheConfig {
    pub redis_target: Option<fp_cache::RedisTarget>,
    /// Starts every Redis key: one per deployment sharing a Redis.
    pub prefix: String,
    pub ttls: Ttls,
    pub redis: LinkSettings,
    /// Entries per kind in process.
    pub capacity: u64,
    /// How often to look whether another instance moved the data generation.
    pub generation_poll: Duration,
}

impl Default for CacheConfig {
    fn default() -> Self {
        CacheConfig {
            redis_target: None,
            prefix: "fp".to_string(),
            ttls: Ttls::default(),
            redis: LinkSettings::default(),
            capacity: 50_000,
            generation_poll: Duration::from_secs(2),
        }
    }
}

/// Settings of the server.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Mark the session cookie `Secure` (serve over HTTPS). Also set per request when a proxy
    /// says `X-Forwarded-Proto: https`.
    pub secure_cookies: bool,
    pub session_days: i64,
    /// How long an anonymous session used only once lives (`FIRST_VISIT_HOURS`).
    pub first_visit: Duration,
    pub rate_limits: RateLimitConfig,
    pub cache: CacheConfig,
    pub metrics: MetricsAccess,
    pub timeouts: Timeouts,
    /// Argon2 jobs at once (`PASSWORD_WORKERS`) and waiting (`PASSWORD_QUEUE`).
    pub password_workers: usize,
    pub password_queue: usize,
    pub season: SeasonConfig,
    pub mail: MailSettings,
}

/// Email: whether mail is sent (`SMTP_URL` set; otherwise the pages say so), and the public
/// address the links in mails start with (`PUBLIC_URL`, no trailing slash).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MailSettings {
    pub enabled: bool,
    pub public_url: String,
}

/// How long a client may take, and how many may be served at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To send a request's head, from when the connection opens or falls idle
    /// (`HEADER_TIMEOUT`).
    pub header: Duration,
    /// Between two pieces of a request body (`BODY_TIMEOUT`); then 408.
    pub body: Duration,
    /// For the whole answer (`REQUEST_TIMEOUT`); then 504.
    pub request: Duration,
    /// Connections served at once (`MAX_CONNECTIONS`); more wait to be accepted.
    pub max_connections: usize,
    /// After SIGTERM, how long to keep serving with `/readyz` at 503 and `Connection: close`
    /// before the listener closes (`DRAIN_SECONDS`; behind a load balancer, longer than its
    /// health-check interval).
    pub drain: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            header: Duration::from_secs(10),
            body: Duration::from_secs(10),
            request: Duration::from_secs(30),
            max_connections: 10_000,
            drain: Duration::ZERO,
        }
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        AppConfig {
            secure_cookies: false,
            session_days: 30,
            first_visit: Duration::from_secs(86_400),
            rate_limits: RateLimitConfig::default(),
            cache: CacheConfig::default(),
            metrics: MetricsAccess::default(),
            timeouts: Timeouts::default(),
            password_workers: std::thread::available_parallelism().map_or(2, usize::from),
            password_queue: 16,
            season: SeasonConfig::default(),
            mail: MailSettings::default(),
        }
    }
}

/// Who may read `/metrics`.
#[derive(Clone, Default)]
pub struct MetricsAccess {
    /// `METRICS_TOKEN`: `/metrics` answers only `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// `METRICS_BIND` is set: `/metrics` is served only there (see `metrics_router`), not on
    /// the public address.
    pub separate: bool,
}

impl std::fmt::Debug for MetricsAccess {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MetricsAccess")
            .field("token", &self.token.as_ref().map(|_| "***"))
            .field("separate", &self.separate)
            .finish()
    }
}

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
    /// Login attempts per client address (`LOGIN_LIMIT_IP`).
    pub login_ip: Rate,
    /// Login attempts per account name, from anywhere (`LOGIN_LIMIT_ACCOUNT`).
    pub login_account: Rate,
    /// New accounts per client address (`REGISTER_LIMIT_IP`).
    pub register: Rate,
    /// Failed logins in a row that lock an account name out for a while (`LOGIN_LOCKOUT_AFTER`,
    /// 0: never).
    pub lockout_after: u32,
    pub origin: OriginRules,
}

/// Who may speak for the client (`TRUSTED_PROXIES`), and how IPv6 clients are grouped
/// (`IPV6_PREFIX`); applied by `services::origin`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OriginRules {
    pub trusted_proxies: Vec<IpNet>,
    /// Prefix length an IPv6 client is counted by (128: every address on its own).
    pub ipv6_prefix: u8,
}

impl Default for OriginRules {
    fn default() -> Self {
        OriginRules {
            trusted_proxies: Vec::new(),
            ipv6_prefix: 64,
        }
    }
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
            login_ip: Rate {
                count: 30,
                period: Duration::from_secs(60),
            },
            login_account: Rate {
                count: 20,
                period: Duration::from_secs(3600),
            },
            register: Rate {
                count: 10,
                period: Duration::from_secs(3600),
            },
            lockout_after: 5,
            origin: OriginRules::default(),
        }
    }
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
}
