//! The scale layer's shared state: a two-tier cache (moka in process, Redis shared by every
//! instance) and rate limits kept in Redis. Redis is optional and may fail at any time:
//! every call is bounded by a short timeout and a circuit breaker, and callers fall back to
//! computing the value or to in-process limits.

mod breaker;
mod limit;
mod link;
mod lockout;
mod signal;
mod tiered;

pub use breaker::{Breaker, Transition};
pub use limit::{Decision, SharedLimiter};
pub use link::{LinkSettings, RedisLink, RedisTarget};
pub use lockout::{LockoutRules, SharedLockouts};
pub use signal::Signal;
pub use tiered::{Cache, Kind, Ttls, bump_shared};

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("invalid Redis configuration: {0}")]
    Config(String),
}
