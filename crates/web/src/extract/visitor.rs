//! The visitor of a request: their session (stored, or new and stored only when something is
//! saved under it: crawlers, health checks and API clients that only read leave no rows
//! behind), and their client IP as the limits see it.

use crate::error::Error;
use crate::services::sessions::{COOKIE_NAME, Session, is_session_id};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use fp_storage::Owner;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set once the new session of a first visit has been stored.
#[derive(Clone, Default)]
struct Stored(Arc<AtomicBool>);

impl Stored {
    fn get(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }
}

/// Who sent a request.
#[derive(Clone)]
pub struct Visitor {
    pub session: Session,
    pub ip: IpAddr,
    new: Option<Stored>,
}

/// What the identity layer keeps of a first visit, to send its cookie if the handler stored
/// the session.
pub struct PendingCookie {
    stored: Stored,
    pub id: String,
    pub https: bool,
}

impl PendingCookie {
    /// Whether the session was stored (and its cookie must be sent).
    pub fn due(&self) -> bool {
        self.stored.get()
    }
}

/// The session id named by the request's cookie, if it can be one.
fn cookie_value(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == COOKIE_NAME)
        .and_then(|c| c.value_raw())
        .filter(|v| is_session_id(v))
}

/// Whether the session cookie must be `Secure`: configured so, or the request came over HTTPS
/// through a proxy.
pub fn over_https(state: &AppState, headers: &HeaderMap) -> bool {
    state.config().secure_cookies
        || headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"))
}

impl Visitor {
    /// Who sent these headers: the session their cookie names, else a new one.
    pub async fn resolve(
        state: &AppState,
        headers: &HeaderMap,
        ip: IpAddr,
    ) -> Result<(Visitor, Option<PendingCookie>), Error> {
        let existing = match cookie_value(headers) {
            Some(id) => state.sessions().lookup(id).await?,
            None => None,
        };
        Ok(match existing {
            Some(session) => (
                Visitor {
                    session,
                    ip,
                    new: None,
                },
                None,
            ),
            None => {
                let session = Session::anonymous()?;
                let stored = Stored::default();
                let pending = PendingCookie {
                    stored: stored.clone(),
                    id: session.id.clone(),
                    https: over_https(state, headers),
                };
                (
                    Visitor {
                        session,
                        ip,
                        new: Some(stored),
                    },
                    Some(pending),
                )
            }
        })
    }

    /// Stores the visitor's session if it is new, before anything is saved under it; the
    /// response then carries the session cookie.
    pub async fn ensure_stored(&self, state: &AppState) -> Result<(), Error> {
        if let Some(new) = &self.new
            && !new.get()
        {
            state.sessions().save(&self.session).await?;
            new.0.store(true, Ordering::Release);
        }
        Ok(())
    }

    pub fn owner(&self) -> Owner {
        self.session.owner()
    }

    pub fn username(&self) -> Option<&str> {
        self.session.username.as_deref()
    }
}

/// A route without the identity layer asked for the visitor: a bug, answered 500 (the error
/// envelope gives it the route's format).
impl<S: Send + Sync> FromRequestParts<S> for Visitor {
    type Rejection = StatusCode;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.remove::<Visitor>().ok_or_else(|| {
            tracing::error!(
                path = parts.uri.path(),
                "no visitor: route outside the identity layer"
            );
            StatusCode::INTERNAL_SERVER_ERROR
        })
    }
}
