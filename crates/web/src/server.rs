//! Serving connections: HTTP/1.1 (behind a proxy that may speak HTTP/2 to browsers) with the
//! timeouts a public server
//! needs, which `axum::serve` does not set. A client must send a request's head within the
//! header timeout, counted from when the connection opens or falls idle after a response (so
//! it is also the keep-alive idle timeout); a body that stops arriving is answered 408 (a layer
//! of the router, see `Timeouts::body`); at most `max_connections` are served at once, the
//! rest wait in the listen queue. On shutdown the instance first drains for `Timeouts::drain`
//! (see [`Drain`]: `/readyz` 503, `Connection: close`, new connections still served), then
//! closes the listener, and connections in flight finish their requests.

use crate::config::Timeouts;
use crate::services::drain::Drain;
use axum::Router;
use axum::extract::ConnectInfo;
use axum::http::HeaderValue;
use axum::http::header::CONNECTION;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

/// How long shutdown waits for connections in flight.
const DRAIN: Duration = Duration::from_secs(30);

/// Serves `app` on `listener` until `shutdown` completes and the drain is over; handlers see
/// the peer address as `ConnectInfo<SocketAddr>`.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    timeouts: Timeouts,
    drain: Drain,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let mut builder = http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(timeouts.header);
    let slots = Arc::new(Semaphore::new(timeouts.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let shutdown = async {
        shutdown.await;
        drain.start();
        if !timeouts.drain.is_zero() {
            tracing::info!(
                seconds = timeouts.drain.as_secs_f64(),
                "draining: /readyz answers 503, connections close after their answer"
            );
            tokio::time::sleep(timeouts.drain).await;
        }
    };
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of file descriptors, or a connection reset before it was taken:
                    // wait a moment rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let draining = drain.clone();
        let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            let answer = app.clone().oneshot(req.map(axum::body::Body::new));
            let draining = draining.clone();
            async move {
                let mut response = answer.await?;
                if draining.started() {
                    response
                        .headers_mut()
                        .insert(CONNECTION, HeaderValue::from_static("close"));
                }
                Ok::<_, std::convert::Infallible>(response)
            }
        });
        let conn = builder.serve_connection(TokioIo::new(stream), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // Errors here are the client's (reset, timed out, malformed): nothing to report.
            let _ = conn.await;
            drop(slot);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => {
            tracing::warn!("connections still open after {} s: closing them", DRAIN.as_secs());
        }
    }
    Ok(())
}
