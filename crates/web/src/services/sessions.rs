//! Visitor sessions: a random id in an HttpOnly, SameSite=Lax cookie; the session itself
//! (who is logged in) lives in the database, cached in memory. A Redis outage therefore logs
//! nobody out, and any instance can serve any visitor. An ended session is refused by every
//! instance within two seconds (`services::revocations`). A first visit's session is stored
//! with its first prediction and expires after a day (`FIRST_VISIT_HOURS`) unless the
//! visitor comes back; the purge job removes it with its predictions.

use crate::error::Error;
use crate::services::revocations::Revocations;
use axum::http::HeaderValue;
use chrono::{DateTime, Utc};
use fp_storage::{NewSession, Owner, Revocation, Store};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub const COOKIE_NAME: &str = "fp_session";

/// Who a visitor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
}

impl Session {
    /// A new anonymous session (not stored yet).
    pub fn anonymous() -> Result<Session, Error> {
        Ok(Session {
            id: new_session_id()?,
            user_id: None,
            username: None,
        })
    }

    /// Whose predictions this visitor sees and makes.
    pub fn owner(&self) -> Owner {
        match self.user_id {
            Some(id) => Owner::User(id),
            None => Owner::Session(self.id.clone()),
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize)]
struct Data {
    user_id: Option<i64>,
    username: Option<String>,
}

/// 128 random bits, hex.
pub fn new_id() -> Result<String, Error> {
    crate::services::tokens::random_hex::<16>()
}

/// A session id: the time of creation in milliseconds (48 bits), then 80 random bits, hex
/// (as UUIDv7 orders its ids). A new session then lands at the end of the sessions B-tree and
/// of the predictions' session index instead of on a random page of each, so a first visit's
/// write stays cheap however many sessions are stored (BENCHMARKS.md); 80 random bits are
/// still far beyond guessing.
pub fn new_session_id() -> Result<String, Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes[6..]).map_err(|e| Error::internal(format!("random source: {e}")))?;
    let millis = u64::try_from(Utc::now().timestamp_millis()).unwrap_or(0);
    bytes[..6].copy_from_slice(&millis.to_be_bytes()[2..]);
    Ok(crate::format::hex(&bytes))
}

/// Whether a cookie value can be a session id (32 hex digits).
pub fn is_session_id(v: &str) -> bool {
    v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// How long a session stays cached before it is read again.
pub const CACHE_TTL: Duration = Duration::from_secs(600);

#[derive(Clone)]
struct Cached {
    session: Session,
    expiry: DateTime<Utc>,
    at: Instant,
}

/// Stored sessions, cached in memory; what another instance ended is refused within
/// [`Revocations::BOUND`].
pub struct Sessions {
    store: Store,
    /// Keyed by session id, hashed with a keyed `ahash` (ids come from clients).
    cache: moka::future::Cache<String, Cached, ahash::RandomState>,
    revocations: Arc<Revocations>,
    days: i64,
    first_visit: chrono::Duration,
}

impl Sessions {
    /// Sessions last `days` from their last extension; an anonymous session used only once
    /// expires after `first_visit`.
    pub fn new(
        store: Store,
        revocations: Arc<Revocations>,
        days: i64,
        first_visit: Duration,
    ) -> Self {
        Sessions {
            store,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(CACHE_TTL)
                .build_with_hasher(ahash::RandomState::new()),
            revocations,
            days,
            first_visit: chrono::Duration::from_std(first_visit)
                .unwrap_or(chrono::Duration::days(1)),
        }
    }

    fn lifetime(&self) -> chrono::Duration {
        chrono::Duration::days(self.days)
    }

    /// The stored session with this id.
    pub async fn lookup(&self, id: &str) -> Result<Option<Session>, Error> {
        let now = Utc::now();
        if self.revocations.trusted()
            && let Some(c) = self.cache.get(id).await
            && c.expiry > now
            && !self
                .revocations
                .session_revoked(id, c.session.user_id, c.at)
        {
            metrics::counter!("session_cache_total", "result" => "hit").increment(1);
            return Ok(Some(c.session));
        }
        metrics::counter!("session_cache_total", "result" => "miss").increment(1);
        // Boxed: the database round trips' state stays out of every request's future.
        Box::pin(self.load(id, now)).await
    }

    /// The stored session with this id, from the database (and into the cache).
    async fn load(&self, id: &str, now: DateTime<Utc>) -> Result<Option<Session>, Error> {
        let at = Instant::now();
        let Some(record) = self.store.load_session(id).await? else {
            self.cache.invalidate(id).await;
            return Ok(None);
        };
        let data: Data = serde_json::from_slice(&record.data).unwrap_or(Data {
            user_id: None,
            username: None,
        });
        let session = Session {
            id: id.to_string(),
            user_id: data.user_id,
            username: data.username,
        };
        // Used again: a first visit's short life becomes a returning visitor's (written at
        // most once per half lifetime).
        let mut expiry = record.expiry_date;
        if expiry - now < self.lifetime() / 2 {
            expiry = now + self.lifetime();
            self.store.extend_session(id, expiry).await?;
        }
        let cached = Cached {
            session: session.clone(),
            expiry,
            at,
        };
        self.cache.insert(id.to_string(), cached).await;
        Ok(Some(session))
    }

    fn data(session: &Session) -> Result<Vec<u8>, Error> {
        serde_json::to_vec(&Data {
            user_id: session.user_id,
            username: session.username.clone(),
        })
        .map_err(Error::internal)
    }

    /// The row of a first visit's session, to be stored with the first thing saved under it
    /// (it expires soon unless the visitor comes back).
    pub fn first_visit_record(&self, session: &Session) -> Result<NewSession, Error> {
        Ok(NewSession {
            id: session.id.clone(),
            data: Self::data(session)?,
            user_id: session.user_id,
            expiry: Utc::now() + self.first_visit,
        })
    }

    /// Stores a session (at login or registration) and caches it.
    pub async fn save(&self, session: &Session) -> Result<(), Error> {
        let at = Instant::now();
        let expiry = Utc::now() + self.lifetime();
        self.store
            .save_session(&NewSession {
                id: session.id.clone(),
                data: Self::data(session)?,
                user_id: session.user_id,
                expiry,
            })
            .await?;
        let cached = Cached {
            session: session.clone(),
            expiry,
            at,
        };
        self.cache.insert(session.id.clone(), cached).await;
        Ok(())
    }

    /// Ends a session on every instance (logout, or the old id at login).
    pub async fn drop(&self, id: &str) -> Result<(), Error> {
        self.store.delete_session(id).await?;
        self.cache.invalidate(id).await;
        self.revocations
            .apply(&local(Some(id.to_string()), None, None));
        self.revocations.announce().await;
        Ok(())
    }

    /// Ends every session of an account but `keep`, on every instance.
    pub async fn end_all(&self, user_id: i64, keep: Option<&str>) -> Result<(), Error> {
        self.store.delete_user_sessions(user_id, keep).await?;
        self.revocations
            .apply(&local(None, Some(user_id), keep.map(str::to_string)));
        self.revocations.announce().await;
        Ok(())
    }

    /// The `Set-Cookie` value of a session id.
    pub fn cookie(&self, id: &str, https: bool) -> HeaderValue {
        let cookie = cookie::Cookie::build((COOKIE_NAME, id))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .max_age(cookie::time::Duration::days(self.days))
            .secure(https)
            .build();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
    }

    /// The `Set-Cookie` value that ends the session cookie.
    pub fn removal_cookie(&self) -> HeaderValue {
        let cookie = cookie::Cookie::build((COOKIE_NAME, ""))
            .path("/")
            .http_only(true)
            .same_site(cookie::SameSite::Lax)
            .max_age(cookie::time::Duration::ZERO)
            .build();
        HeaderValue::from_str(&cookie.to_string()).unwrap_or(HeaderValue::from_static(""))
    }
}

/// A revocation made here, applied at once (the database's copy follows).
fn local(session_id: Option<String>, user_id: Option<i64>, keep: Option<String>) -> Revocation {
    Revocation {
        seq: 0,
        session_id,
        user_id,
        keep_session_id: keep,
        token_id: None,
        revoked_at: Utc::now(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_ids_are_valid_distinct_and_ordered_by_time() -> Result<(), Error> {
        let first = new_session_id()?;
        std::thread::sleep(Duration::from_millis(2));
        let second = new_session_id()?;
        let twin = new_session_id()?;
        assert!(
            is_session_id(&first) && is_session_id(&second),
            "{first} {second}"
        );
        assert!(first < second, "{first} then {second}");
        assert_ne!(second, twin);
        let millis = i64::from_str_radix(&second[..12], 16).map_err(Error::internal)?;
        assert!((Utc::now().timestamp_millis() - millis).abs() < 60_000);
        Ok(())
    }

    #[test]
    fn random_ids_are_hex() -> Result<(), Error> {
        let id = new_id()?;
        assert!(is_session_id(&id));
        assert_ne!(id, new_id()?);
        Ok(())
    }
}
