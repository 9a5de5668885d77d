//! Login lock-outs shared by every instance through Redis: the failures in a row of an
//! account name and its current lock-out live in Redis, so a guesser spreading attempts over
//! instances meets one count.

use crate::link::RedisLink;
use std::sync::Arc;
use std::time::Duration;

/// Counts a failure; when the count reaches `after`, locks the name out for `first` doubled
/// with every further failure (at most six times), capped at `longest`. Returns the lock-out
/// in milliseconds, 0 for none.
const FAILED: &str = r"
local n = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[4])
local after = tonumber(ARGV[1])
if after > 0 and n >= after then
  local d = math.min(tonumber(ARGV[2]) * 2 ^ math.min(n - after, 6), tonumber(ARGV[3]))
  redis.call('SET', KEYS[2], '1', 'PX', math.floor(d))
  return math.floor(d)
end
return 0
";

/// How long lock-outs start and end, and after how many failures.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutRules {
    pub after: u32,
    pub first: Duration,
    pub longest: Duration,
    /// A count is forgotten after this long without failures.
    pub idle: Duration,
}

pub struct SharedLockouts {
    link: Arc<RedisLink>,
    prefix: String,
    script: redis::Script,
}

impl SharedLockouts {
    pub fn new(link: Arc<RedisLink>, prefix: &str) -> SharedLockouts {
        SharedLockouts {
            link,
            prefix: prefix.to_string(),
            script: redis::Script::new(FAILED),
        }
    }

    fn keys(&self, name: &str) -> (String, String) {
        let name = name.to_ascii_lowercase();
        (
            format!("{}:lockout:n:{name}", self.prefix),
            format!("{}:lockout:until:{name}", self.prefix),
        )
    }

    /// How long the name is still locked out (`Some(None)`: not locked); `None` when Redis
    /// cannot answer.
    pub async fn locked(&self, name: &str) -> Option<Option<Duration>> {
        let (_, until) = self.keys(name);
        let ms: i64 = self
            .link
            .call("lockout_check", |mut c| async move {
                redis::cmd("PTTL").arg(&until).query_async(&mut c).await
            })
            .await?;
        Some((ms > 0).then(|| Duration::from_millis(ms as u64)))
    }

    /// Records a failure; the lock-out it starts (`Some(None)`: none), `None` when Redis
    /// cannot answer.
    pub async fn failed(&self, name: &str, rules: LockoutRules) -> Option<Option<Duration>> {
        let (count, until) = self.keys(name);
        let script = &self.script;
        let ms: i64 = self
            .link
            .call("lockout_fail", |mut c| async move {
                script
                    .key(&count)
                    .key(&until)
                    .arg(rules.after)
                    .arg(rules.first.as_millis() as u64)
                    .arg(rules.longest.as_millis() as u64)
                    .arg(rules.idle.as_millis() as u64)
                    .invoke_async(&mut c)
                    .await
            })
            .await?;
        Some((ms > 0).then(|| Duration::from_millis(ms as u64)))
    }

    /// A successful login: the count starts again. `None` when Redis cannot answer.
    pub async fn succeeded(&self, name: &str) -> Option<()> {
        let (count, until) = self.keys(name);
        self.link
            .call("lockout_clear", |mut c| async move {
                redis::cmd("DEL")
                    .arg(&count)
                    .arg(&until)
                    .query_async::<i64>(&mut c)
                    .await
            })
            .await
            .map(|_| ())
    }
}
