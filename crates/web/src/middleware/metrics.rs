//! Counts every request and times it, labelled by the matched route pattern (never the raw
//! path), method and status. Every label comes from a known, small set, so no client can grow
//! the metrics: methods outside the standard ones are `other`.
//!
//! A plain tower service (no boxed `Next`, no boxed future): it runs on every request.

use axum::extract::{MatchedPath, Request};
use axum::http::{Method, Response};
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, ready};
use std::time::Instant;

/// The label of a request method: one of the standard methods, else `other`.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::DELETE => "DELETE",
        Method::PATCH => "PATCH",
        Method::OPTIONS => "OPTIONS",
        Method::CONNECT => "CONNECT",
        Method::TRACE => "TRACE",
        _ => "other",
    }
}

/// Records one finished request.
fn record(route: String, method: &'static str, status: u16, started: Instant) {
    let labels = [
        ("route", route),
        ("method", method.to_string()),
        ("status", status.to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!("http_request_duration_seconds", &labels)
        .record(started.elapsed().as_secs_f64());
}

/// Counts and times every request of the routes it wraps.
#[derive(Clone, Copy, Default)]
pub struct TrackLayer;

impl<S> tower::Layer<S> for TrackLayer {
    type Service = Track<S>;

    fn layer(&self, inner: S) -> Track<S> {
        Track { inner }
    }
}

#[derive(Clone)]
pub struct Track<S> {
    inner: S,
}

impl<S, B> tower::Service<Request> for Track<S>
where
    S: tower::Service<Request, Response = Response<B>>,
{
    type Response = Response<B>;
    type Error = S::Error;
    type Future = TrackFuture<S::Future>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request) -> Self::Future {
        let started = Instant::now();
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map_or_else(|| "unmatched".to_string(), |p| p.as_str().to_string());
        let method = method_label(req.method());
        TrackFuture {
            inner: self.inner.call(req),
            label: Some((route, method)),
            started,
        }
    }
}

pin_project_lite::pin_project! {
    pub struct TrackFuture<F> {
        #[pin]
        inner: F,
        label: Option<(String, &'static str)>,
        started: Instant,
    }
}

impl<F, B, E> Future for TrackFuture<F>
where
    F: Future<Output = Result<Response<B>, E>>,
{
    type Output = Result<Response<B>, E>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let result = ready!(this.inner.poll(cx));
        if let (Ok(response), Some((route, method))) = (&result, this.label.take()) {
            record(route, method, response.status().as_u16(), *this.started);
        }
        Poll::Ready(result)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
        assert_eq!(method_label(&Method::from_bytes(b"get").unwrap()), "other");
    }
}
