//! Temporary lock-out of an account name after repeated failed logins: after `after` failures
//! in a row, no login under that name is tried for one minute, doubled with every further
//! failure up to an hour; a successful login clears the count. With Redis the count and the
//! lock-out are shared by every instance; without it (or while it is down) each instance
//! counts on its own.

use fp_cache::{LockoutRules, SharedLockouts};
use std::time::{Duration, Instant};

/// The first lock-out.
const FIRST: Duration = Duration::from_secs(60);
/// The longest lock-out.
const LONGEST: Duration = Duration::from_secs(3600);

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    locked_until: Option<Instant>,
}

pub struct Lockouts {
    after: u32,
    failures: moka::sync::Cache<String, Failures>,
    shared: Option<SharedLockouts>,
}

impl Lockouts {
    /// Locks a name out after `after` failures in a row (0: never), counted in this process.
    #[cfg(test)]
    pub fn new(after: u32) -> Self {
        Lockouts::with_redis(after, None)
    }

    /// The same, counted in Redis when given (this process's count stands in while Redis
    /// does not answer).
    pub fn with_redis(after: u32, shared: Option<SharedLockouts>) -> Self {
        Lockouts {
            after,
            shared,
            failures: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(LONGEST * 2)
                .build(),
        }
    }

    fn key(name: &str) -> String {
        name.to_ascii_lowercase()
    }

    fn rules(&self) -> LockoutRules {
        LockoutRules {
            after: self.after,
            first: FIRST,
            longest: LONGEST,
            idle: LONGEST * 2,
        }
    }

    /// How long the name is still locked out, across instances when Redis is there.
    pub async fn locked_now(&self, name: &str) -> Option<Duration> {
        if let Some(shared) = &self.shared
            && let Some(answer) = shared.locked(name).await
        {
            return answer;
        }
        self.locked(name, Instant::now())
    }

    /// Records a failed login, across instances when Redis is there; the lock-out it starts.
    pub async fn failed_now(&self, name: &str) -> Option<Duration> {
        if self.after == 0 {
            return None;
        }
        // Counted here too, so that an outage of Redis does not reset a guesser's count.
        let local = self.failed(name, Instant::now());
        if let Some(shared) = &self.shared
            && let Some(answer) = shared.failed(name, self.rules()).await
        {
            if answer.is_some() && local.is_none() {
                metrics::counter!("login_lockouts_total").increment(1);
            }
            return answer;
        }
        local
    }

    /// A successful login, across instances when Redis is there.
    pub async fn succeeded_now(&self, name: &str) {
        self.succeeded(name);
        if let Some(shared) = &self.shared {
            shared.succeeded(name).await;
        }
    }

    /// How long the name is still locked out, if it is.
    pub fn locked(&self, name: &str, now: Instant) -> Option<Duration> {
        self.failures
            .get(&Self::key(name))
            .and_then(|f| f.locked_until)
            .and_then(|until| until.checked_duration_since(now))
            .filter(|d| !d.is_zero())
    }

    /// Records a failed login; returns the lock-out it starts, if any.
    pub fn failed(&self, name: &str, now: Instant) -> Option<Duration> {
        if self.after == 0 {
            return None;
        }
        let key = Self::key(name);
        let mut f = self.failures.get(&key).unwrap_or(Failures {
            count: 0,
            locked_until: None,
        });
        f.count = f.count.saturating_add(1);
        let lock = (f.count >= self.after).then(|| {
            let doublings = (f.count - self.after).min(6);
            (FIRST * 2u32.pow(doublings)).min(LONGEST)
        });
        f.locked_until = lock.map(|d| now + d);
        self.failures.insert(key, f);
        if lock.is_some() {
            metrics::counter!("login_lockouts_total").increment(1);
        }
        lock
    }

    /// A successful login: the count starts again.
    pub fn succeeded(&self, name: &str) {
        self.failures.invalidate(&Self::key(name));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_failures_lock_out_for_longer_each_time() {
        let l = Lockouts::new(3);
        let t = Instant::now();
        assert_eq!(l.failed("Ann", t), None);
        assert_eq!(l.failed("ann", t), None);
        assert_eq!(l.locked("ann", t), None);
        assert_eq!(l.failed("ANN", t), Some(FIRST));
        assert!(l.locked("ann", t + Duration::from_secs(30)).is_some());
        assert_eq!(l.locked("ann", t + FIRST), None);
        assert_eq!(l.failed("ann", t + FIRST), Some(FIRST * 2));
        for _ in 0..20 {
            l.failed("ann", t);
        }
        assert_eq!(l.failed("ann", t), Some(LONGEST));
        // Others are not affected; success clears.
        assert_eq!(l.locked("bob", t), None);
        l.succeeded("ann");
        assert_eq!(l.locked("ann", t), None);
        assert_eq!(Lockouts::new(0).failed("x", t), None);
    }
}
