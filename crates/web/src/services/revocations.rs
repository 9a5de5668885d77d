//! What other instances ended: sessions (logout, a password change, "log out everywhere") and
//! API tokens. Every instance reads the database's recent revocations every
//! [`POLL`](Revocations::POLL) and remembers, for as long as a cached entry may live, when it
//! learnt of each; a cached session or token is served only if nothing revoked it since it
//! was cached, and only while the last successful read is recent ([`Revocations::BOUND`]),
//! so that an ended session is refused everywhere within about a second, and never after
//! two, even when the database is slow to answer (the caches are then bypassed).

use fp_storage::{Revocation, Store};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How far back each read looks (commits arrive out of order; instance clocks differ).
const LOOKBACK: chrono::TimeDelta = chrono::TimeDelta::seconds(30);

/// When this instance learnt that something was revoked.
type Learnt = Instant;

pub struct Revocations {
    store: Store,
    /// With Redis: raised at every revocation, so that other instances read the database at
    /// once instead of at their next poll.
    signal: Option<fp_cache::Signal>,
    state: Mutex<State>,
    sessions: moka::sync::Cache<String, Learnt>,
    users: moka::sync::Cache<i64, (Learnt, Option<String>)>,
    tokens: moka::sync::Cache<i64, Learnt>,
    /// When the latest revocation was learnt, as nanoseconds after `epoch` plus one (0: none
    /// yet): an entry cached after it was revoked by nothing, which needs no lookup.
    latest: AtomicU64,
    epoch: Instant,
}

struct State {
    /// When the last successful read started.
    synced: Option<Instant>,
    /// Database time the next read starts from.
    since: chrono::DateTime<chrono::Utc>,
    /// Revocations applied, by sequence number, with their time (to forget them).
    seen: HashMap<i64, chrono::DateTime<chrono::Utc>>,
}

impl Revocations {
    /// How often the revocations are read.
    pub const POLL: Duration = Duration::from_millis(500);
    /// The longest a cache may go without a successful read and still be used.
    pub const BOUND: Duration = Duration::from_millis(1500);

    /// `ttl`: the longest a cached session or token lives.
    /// The same, telling other instances through `signal` (Redis) when something is revoked.
    pub fn with_signal(store: Store, ttl: Duration, signal: Option<fp_cache::Signal>) -> Self {
        let keep = ttl + Duration::from_secs(5);
        Revocations {
            signal,
            store,
            state: Mutex::new(State {
                synced: None,
                since: chrono::Utc::now() - LOOKBACK,
                seen: HashMap::new(),
            }),
            sessions: moka::sync::Cache::builder().time_to_live(keep).build(),
            users: moka::sync::Cache::builder().time_to_live(keep).build(),
            tokens: moka::sync::Cache::builder().time_to_live(keep).build(),
            latest: AtomicU64::new(0),
            epoch: Instant::now(),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// How often the Redis signal is read, when there is one.
    pub const SIGNAL_POLL: Duration = Duration::from_millis(100);

    /// Tells the other instances (through Redis, when present) that something was revoked.
    pub async fn announce(&self) {
        if let Some(s) = &self.signal {
            s.raise().await;
        }
    }

    /// The signal's value, when there is a signal and Redis answers.
    pub async fn signal_value(&self) -> Option<i64> {
        match &self.signal {
            Some(s) => s.read().await,
            None => None,
        }
    }

    pub fn has_signal(&self) -> bool {
        self.signal.is_some()
    }

    /// Whether cached sessions and tokens may be served now.
    pub fn trusted(&self) -> bool {
        self.state()
            .synced
            .is_some_and(|t| t.elapsed() < Self::BOUND)
    }

    /// Whether nothing at all was revoked since `cached_at`.
    fn none_since(&self, cached_at: Instant) -> bool {
        match self.latest.load(Ordering::Acquire) {
            0 => true,
            latest => {
                let cached = cached_at.saturating_duration_since(self.epoch).as_nanos();
                u128::from(latest - 1) < cached
            }
        }
    }

    /// Whether a session cached at `cached_at` was ended since.
    pub fn session_revoked(&self, id: &str, user_id: Option<i64>, cached_at: Instant) -> bool {
        if self.none_since(cached_at) {
            return false;
        }
        if self.sessions.get(id).is_some_and(|at| at >= cached_at) {
            return true;
        }
        user_id
            .and_then(|u| self.users.get(&u))
            .is_some_and(|(at, keep)| at >= cached_at && keep.as_deref() != Some(id))
    }

    /// Whether a token cached at `cached_at` was revoked since.
    pub fn token_revoked(&self, token_id: i64, cached_at: Instant) -> bool {
        !self.none_since(cached_at) && self.tokens.get(&token_id).is_some_and(|at| at >= cached_at)
    }

    /// Applies one revocation (read from the database, or made here).
    pub fn apply(&self, r: &Revocation) {
        let now = Instant::now();
        // Before the entries: a check that finds an entry also finds it announced here.
        let nanos = u64::try_from(now.saturating_duration_since(self.epoch).as_nanos())
            .unwrap_or(u64::MAX - 1);
        self.latest.fetch_max(nanos + 1, Ordering::AcqRel);
        if let Some(id) = &r.session_id {
            self.sessions.insert(id.clone(), now);
        }
        if let Some(user) = r.user_id {
            self.users.insert(user, (now, r.keep_session_id.clone()));
        }
        if let Some(token) = r.token_id {
            self.tokens.insert(token, now);
        }
    }

    /// Reads the recent revocations and applies the new ones.
    pub async fn sync(&self) -> Result<usize, fp_storage::StorageError> {
        let started = Instant::now();
        let (since, read_at) = (self.state().since, chrono::Utc::now());
        let rows = self.store.revocations_since(since).await?;
        let mut applied = 0;
        let mut state = self.state();
        for r in &rows {
            if state.seen.insert(r.seq, r.revoked_at).is_none() {
                self.apply(r);
                applied += 1;
            }
        }
        let forget_before = read_at - LOOKBACK * 2;
        state.seen.retain(|_, at| *at >= forget_before);
        state.since = read_at - LOOKBACK;
        state.synced = Some(started);
        Ok(applied)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use fp_storage::testing::TestDb;

    fn revocation(session: Option<&str>, user: Option<i64>, token: Option<i64>) -> Revocation {
        Revocation {
            seq: 0,
            revoked_at: chrono::Utc::now(),
            session_id: session.map(str::to_string),
            user_id: user,
            keep_session_id: None,
            token_id: token,
        }
    }

    #[tokio::test]
    async fn what_was_cached_before_a_revocation_is_revoked_and_later_entries_are_not() {
        let db = TestDb::sqlite().await;
        let r = Revocations::with_signal(db.store.clone(), Duration::from_secs(60), None);
        let before = Instant::now();
        assert!(
            !r.session_revoked("s1", Some(7), before),
            "nothing revoked yet"
        );
        assert!(!r.token_revoked(3, before));

        r.apply(&revocation(Some("s1"), None, None));
        assert!(r.session_revoked("s1", None, before));
        assert!(!r.session_revoked("s2", None, before), "another session");
        assert!(!r.token_revoked(3, before), "no token was revoked");
        // Instants taken later than the revocation (not in the same tick).
        std::thread::sleep(Duration::from_millis(2));
        let after = Instant::now();
        assert!(!r.session_revoked("s1", None, after), "cached again since");

        r.apply(&revocation(None, Some(7), Some(3)));
        assert!(
            r.session_revoked("s2", Some(7), after),
            "the user's sessions"
        );
        assert!(!r.session_revoked("s2", Some(8), after), "another user's");
        assert!(r.token_revoked(3, after));
        assert!(!r.token_revoked(4, after));
        std::thread::sleep(Duration::from_millis(2));
        let later = Instant::now();
        assert!(!r.session_revoked("s2", Some(7), later));
        assert!(!r.token_revoked(3, later));
        db.cleanup().await;
    }
}
