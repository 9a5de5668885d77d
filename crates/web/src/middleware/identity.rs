//! The one place where a request's identity and quota are decided, for every visitor route:
//! where it came from (`services::origin`: `X-Forwarded-*` only from a trusted proxy), the
//! API limit for
//! `/api/` requests, and the visitor's session, handed to the handler as a
//! [`Visitor`](crate::extract::Visitor). A first visit's session cookie is sent only if the
//! handler stored the session.

use crate::error::{ApiError, PageError};
use crate::extract::Visitor;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::SET_COOKIE;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::net::SocketAddr;

/// The address the request came from.
fn peer(req: &Request) -> Option<std::net::IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

pub async fn layer(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let origin = state
        .config()
        .rate_limits
        .origin
        .origin(peer(&req), req.headers());
    if api && let Err(e) = state.limits().api_request(origin.client).await {
        return ApiError(e).into_response();
    }
    let (visitor, pending) = match Visitor::resolve(&state, req.headers(), origin, api).await {
        Ok(v) => v,
        Err(e) if api => return ApiError(e).into_response(),
        Err(e) => return PageError(e).into_response(),
    };
    req.extensions_mut().insert(visitor);
    let mut response = next.run(req).await;
    if let Some(p) = pending
        && p.due()
        && !response.headers().contains_key(SET_COOKIE)
    {
        response
            .headers_mut()
            .append(SET_COOKIE, state.sessions().cookie(&p.id, p.https));
    }
    response
}
