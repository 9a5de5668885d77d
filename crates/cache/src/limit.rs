//! Rate limits shared by every instance: GCRA (the generic cell rate algorithm) as one Lua
//! script, so that reading and moving a client's "theoretical arrival time" is atomic in
//! Redis. The clock is Redis' own, so instances with skewed clocks agree.

use crate::link::RedisLink;
use std::sync::Arc;
use std::time::Duration;

/// KEYS[1]: the client's key. ARGV: emission interval (µs), burst (cells), cells asked.
/// Returns {allowed (1/0), wait in µs until allowed, cells remaining}.
const GCRA: &str = r"
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local interval = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local n = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + n * interval
local allow_at = new_tat - burst * interval
if n > burst then
  return {0, burst * interval, 0}
end
if allow_at > now then
  return {0, allow_at - now, math.floor((now + burst * interval - tat) / interval)}
end
redis.call('SET', KEYS[1], string.format('%d', new_tat), 'PX', math.ceil((new_tat - now) / 1000) + 1)
return {1, 0, math.floor((now + burst * interval - new_tat) / interval)}
";

/// The verdict on one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decision {
    pub allowed: bool,
    /// When refused: how long until the request would pass.
    pub retry_after: Duration,
    pub remaining: u64,
}

pub struct SharedLimiter {
    link: Arc<RedisLink>,
    prefix: String,
    script: redis::Script,
}

impl SharedLimiter {
    pub fn new(link: Arc<RedisLink>, prefix: &str) -> SharedLimiter {
        SharedLimiter {
            link,
            prefix: prefix.to_string(),
            script: redis::Script::new(GCRA),
        }
    }

    /// Takes `n` cells from `key`'s budget of `count` per `period`. `None` when Redis cannot
    /// answer: the caller falls back to its in-process limiter.
    pub async fn check(&self, key: &str, count: u32, period: Duration, n: u32) -> Option<Decision> {
        let interval = (period.as_micros() / u128::from(count.max(1))).max(1) as u64;
        let key = format!("{}:rl:{key}", self.prefix);
        let script = &self.script;
        let (allowed, wait, remaining): (i64, i64, i64) = self
            .link
            .call("rate_limit", |mut c| async move {
                script
                    .key(&key)
                    .arg(interval)
                    .arg(count)
                    .arg(n)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Some(Decision {
            allowed: allowed == 1,
            retry_after: Duration::from_micros(wait.max(0) as u64),
            remaining: remaining.max(0) as u64,
        })
    }
}
