//! The visitor of a request: their session (stored, or new and stored only when something is
//! saved under it: crawlers, health checks and API clients that only read leave no rows
//! behind), and their client IP as the limits see it.

use crate::error::Error;
use crate::services::origin::Origin;
use crate::services::sessions::{COOKIE_NAME, Session, is_session_id};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use fp_storage::{NewPrediction, NewSession, Owner};
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
    /// The client's limit key (its normalised address).
    pub ip: IpAddr,
    /// Whether the request came over HTTPS (the session cookie is then `Secure`).
    pub https: bool,
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

/// The token of an `Authorization: Bearer …` header.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

impl Visitor {
    /// Who sent these headers: on an API route, the account of a bearer token (401 if it is
    /// unknown or revoked); else the session their cookie names, else a new one.
    pub async fn resolve(
        state: &AppState,
        headers: &HeaderMap,
        origin: Origin,
        api: bool,
    ) -> Result<(Visitor, Option<PendingCookie>), Error> {
        let ip = origin.client;
        // The session cookie is `Secure` when configured so, or when a trusted proxy says the
        // request came over HTTPS.
        let https = state.config().secure_cookies || origin.https;
        if api && let Some(token) = bearer(headers) {
            // Boxed: a token's lookup stays out of the future of every cookie visitor.
            let Some(owner) = Box::pin(state.tokens().resolve(token)).await? else {
                return Err(Error::Unauthorized(
                    "unknown or revoked API token (Authorization: Bearer …)".into(),
                ));
            };
            let session = Session {
                id: format!("token-{}", owner.token_id),
                user_id: Some(owner.user_id),
                username: Some(owner.username),
            };
            let visitor = Visitor {
                session,
                ip,
                https,
                new: None,
            };
            return Ok((visitor, None));
        }
        let existing = match cookie_value(headers) {
            Some(id) => state.sessions().lookup(id).await?,
            None => None,
        };
        Ok(match existing {
            Some(session) => (
                Visitor {
                    session,
                    ip,
                    https,
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
                    https,
                };
                (
                    Visitor {
                        session,
                        ip,
                        https,
                        new: Some(stored),
                    },
                    Some(pending),
                )
            }
        })
    }

    /// The row of the visitor's session if it is new and not stored yet: it goes to the
    /// prediction writer with the first prediction saved under it (one batch, no write of its
    /// own); call [`Visitor::stored`] once that is saved.
    pub fn unstored_session(&self, state: &AppState) -> Result<Option<NewSession>, Error> {
        match &self.new {
            Some(new) if !new.get() => {
                Ok(Some(state.sessions().first_visit_record(&self.session)?))
            }
            _ => Ok(None),
        }
    }

    /// The new session was stored: the response carries its cookie.
    pub fn stored(&self) {
        if let Some(new) = &self.new {
            new.0.store(true, Ordering::Release);
        }
    }

    /// Saves a prediction under the visitor, with their session if it is new.
    pub async fn save(&self, state: &AppState, row: NewPrediction) -> Result<i64, Error> {
        let session = self.unstored_session(state)?;
        let id = state.writer().save_with_session(row, session).await?;
        self.stored();
        Ok(id)
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
