//! Visitor sessions: a random id in an HttpOnly, SameSite=Lax cookie; the session itself
//! (who is logged in) lives in the database, cached in memory. A Redis outage therefore logs
//! nobody out, and any instance can serve any visitor.

use crate::error::Error;
use axum::http::HeaderValue;
use chrono::Utc;
use fp_storage::{Owner, Store};
use std::time::Duration;

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
            id: new_id()?,
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
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| Error::internal(format!("random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Whether a cookie value can be a session id (32 hex digits).
pub fn is_session_id(v: &str) -> bool {
    v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit())
}

/// Stored sessions, cached in memory.
pub struct Sessions {
    store: Store,
    cache: moka::future::Cache<String, Session>,
    days: i64,
}

impl Sessions {
    pub fn new(store: Store, days: i64) -> Self {
        Sessions {
            store,
            cache: moka::future::Cache::builder()
                .max_capacity(100_000)
                .time_to_idle(Duration::from_secs(600))
                .build(),
            days,
        }
    }

    /// The stored session with this id.
    pub async fn lookup(&self, id: &str) -> Result<Option<Session>, Error> {
        if let Some(s) = self.cache.get(id).await {
            metrics::counter!("session_cache_total", "result" => "hit").increment(1);
            return Ok(Some(s));
        }
        metrics::counter!("session_cache_total", "result" => "miss").increment(1);
        let Some(record) = self.store.load_session(id).await? else {
            return Ok(None);
        };
        let data: Data = serde_json::from_slice(&record.data).unwrap_or(Data {
            user_id: None,
            username: None,
        });
        let s = Session {
            id: id.to_string(),
            user_id: data.user_id,
            username: data.username,
        };
        self.cache.insert(id.to_string(), s.clone()).await;
        Ok(Some(s))
    }

    /// Stores a session (new, or changed at login/logout) and caches it.
    pub async fn save(&self, session: &Session) -> Result<(), Error> {
        let data = serde_json::to_vec(&Data {
            user_id: session.user_id,
            username: session.username.clone(),
        })
        .map_err(Error::internal)?;
        let expiry = Utc::now() + chrono::Duration::days(self.days);
        self.store.save_session(&session.id, &data, expiry).await?;
        self.cache.insert(session.id.clone(), session.clone()).await;
        Ok(())
    }

    /// Forgets a session (logout, or the old id at login).
    pub async fn drop(&self, id: &str) -> Result<(), Error> {
        self.cache.invalidate(id).await;
        self.store.delete_session(id).await?;
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
