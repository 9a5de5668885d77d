//! Visitor sessions: a random id in an HttpOnly, SameSite=Lax cookie; the session itself
//! (who is logged in) lives in the database, cached in memory. A Redis outage therefore
//! logs nobody out, and any instance can serve any visitor.
//!
//! A first-time visitor gets a session id at once, but it is stored (and the cookie sent) only
//! when something is saved under it: crawlers, health checks and API clients that only read
//! leave no rows behind.

use crate::error::AppError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use fp_storage::Owner;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

pub const COOKIE_NAME: &str = "fp_session";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub id: String,
    pub user_id: Option<i64>,
    pub username: Option<String>,
}

impl Session {
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

/// Set on the request of a visitor whose session is not stored yet.
#[derive(Clone, Default)]
pub struct NewSession(Arc<AtomicBool>);

impl NewSession {
    fn stored(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Stores the visitor's session if it is new, before saving anything under it; the response
/// then carries the session cookie.
pub async fn ensure_stored(
    state: &AppState,
    session: &Session,
    new: Option<&NewSession>,
) -> Result<(), AppError> {
    if let Some(new) = new
        && !new.stored()
    {
        store_session(state, session).await?;
        new.0.store(true, Ordering::Release);
    }
    Ok(())
}

/// 128 random bits, hex.
pub fn new_id() -> Result<String, AppError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(format!("random source: {e}")))?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

fn cookie_value(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_string())
        .filter(|v| v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// Whether the session cookie must be `Secure`: configured so, or the request came over HTTPS
/// through a proxy.
fn over_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config().secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// The Set-Cookie header for a session id.
pub fn set_cookie(state: &AppState, headers: &HeaderMap, id: &str) -> HeaderValue {
    cookie_header(state, id, over_https(state, headers))
}

fn cookie_header(state: &AppState, id: &str, https: bool) -> HeaderValue {
    let max_age = state.config().session_days * 86_400;
    let value = format!(
        "{COOKIE_NAME}={id}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{}",
        if https { "; Secure" } else { "" }
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// Stores a session (new, or changed at login/logout) and caches it.
pub async fn store_session(state: &AppState, session: &Session) -> Result<(), AppError> {
    let data = serde_json::to_vec(&Data {
        user_id: session.user_id,
        username: session.username.clone(),
    })
    .map_err(AppError::internal)?;
    let expiry = Utc::now() + chrono::Duration::days(state.config().session_days);
    state
        .store()
        .save_session(&session.id, &data, expiry)
        .await?;
    state
        .sessions()
        .insert(session.id.clone(), session.clone())
        .await;
    Ok(())
}

/// Forgets a session (logout, or the old id at login).
pub async fn drop_session(state: &AppState, id: &str) -> Result<(), AppError> {
    state.sessions().invalidate(id).await;
    state.store().delete_session(id).await?;
    Ok(())
}

async fn lookup(state: &AppState, id: &str) -> Result<Option<Session>, AppError> {
    if let Some(s) = state.sessions().get(id).await {
        metrics::counter!("session_cache_total", "result" => "hit").increment(1);
        return Ok(Some(s));
    }
    metrics::counter!("session_cache_total", "result" => "miss").increment(1);
    let Some(record) = state.store().load_session(id).await? else {
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
    state.sessions().insert(id.to_string(), s.clone()).await;
    Ok(Some(s))
}

/// The visitor of a request: their stored session, or a new one that is stored (and its cookie
/// sent) only if something is saved under it.
pub struct Visitor {
    pub session: Session,
    pub new: Option<NewSession>,
    https: bool,
}

impl Visitor {
    /// Who sent these headers: the session their cookie names, else a new one.
    pub async fn of(state: &AppState, headers: &HeaderMap) -> Result<Visitor, AppError> {
        let existing = match cookie_value(headers) {
            Some(id) => lookup(state, &id).await?,
            None => None,
        };
        let (session, new) = match existing {
            Some(s) => (s, None),
            None => (
                Session {
                    id: new_id()?,
                    user_id: None,
                    username: None,
                },
                Some(NewSession::default()),
            ),
        };
        Ok(Visitor {
            session,
            new,
            https: over_https(state, headers),
        })
    }

    /// Sends the session cookie with `response` if the request stored a new session.
    pub fn finish(&self, state: &AppState, response: &mut Response) {
        if let Some(new) = &self.new {
            send_cookie(state, new, &self.session.id, self.https, response);
        }
    }
}

/// The cookie of a new session, once the request has stored it.
fn send_cookie(state: &AppState, new: &NewSession, id: &str, https: bool, response: &mut Response) {
    if new.stored() && !response.headers().contains_key(SET_COOKIE) {
        response
            .headers_mut()
            .append(SET_COOKIE, cookie_header(state, id, https));
    }
}

/// Attaches the visitor's [`Session`] to the request; a first visit gets a new, not yet stored
/// one (see [`ensure_stored`]).
pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let visitor = match Visitor::of(&state, req.headers()).await {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let Visitor {
        session,
        new,
        https,
    } = visitor;
    // The session goes to the handler; only a new one's id is kept for its cookie.
    let pending = new.map(|n| (n, session.id.clone()));
    req.extensions_mut().insert(session);
    if let Some((n, _)) = &pending {
        req.extensions_mut().insert(n.clone());
    }
    let mut response = next.run(req).await;
    // The cookie is written only if the handler stored the session.
    if let Some((n, id)) = &pending {
        send_cookie(&state, n, id, https, &mut response);
    }
    response
}
