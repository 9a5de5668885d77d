//! The one place where a request's identity and quota are decided, for every visitor route:
//! where it came from (`services::origin`: `X-Forwarded-*` only from a trusted proxy), the
//! API limit for
//! `/api/` requests, and the visitor's session, handed to the handler as a
//! [`Visitor`](crate::extract::Visitor). A first visit's session cookie is sent only if the
//! handler stored the session.

use crate::error::{ApiError, PageError};
use crate::extract::Visitor;
use crate::state::AppState;
use axum::extract::{ConnectInfo, Request};
use axum::http::header::SET_COOKIE;
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use tower::Service;

/// The address the request came from.
fn peer(req: &Request) -> Option<std::net::IpAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip())
}

/// Resolves the visitor of every request to the routes it wraps.
#[derive(Clone)]
pub struct IdentityLayer {
    state: AppState,
}

impl IdentityLayer {
    pub fn new(state: AppState) -> Self {
        Self { state }
    }
}

impl<S> tower::Layer<S> for IdentityLayer {
    type Service = Identity<S>;

    fn layer(&self, inner: S) -> Identity<S> {
        Identity {
            inner,
            state: self.state.clone(),
        }
    }
}

/// A plain tower service rather than `from_fn`: one boxed future per request, no boxed
/// `Next` and no extractor round trip.
#[derive(Clone)]
pub struct Identity<S> {
    inner: S,
    state: AppState,
}

impl<S> Service<Request> for Identity<S>
where
    S: Service<Request, Response = Response, Error = Infallible> + Clone + Send + 'static,
    S::Future: Send,
{
    type Response = Response;
    type Error = Infallible;
    type Future = Pin<Box<dyn Future<Output = Result<Response, Infallible>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Infallible>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        // The clone waits for readiness; the service made ready above handles this request.
        let fresh = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, fresh);
        let state = self.state.clone();
        Box::pin(async move { Ok(resolve(state, req, inner).await) })
    }
}

async fn resolve<S>(state: AppState, mut req: Request, mut next: S) -> Response
where
    S: Service<Request, Response = Response, Error = Infallible>,
{
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
    let Ok(mut response) = next.call(req).await;
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
