//! Layers every response goes through: CSRF protection for state-changing requests (Fetch
//! Metadata / Origin checks), security headers, a body size limit, a timeout, request ids in
//! the logs, and turning a panic into a plain 500.

use axum::Router;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::csrf::CsrfLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
                   connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; \
                   form-action 'self'";

fn header_layer(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}

/// Longest request id taken from a client.
const MAX_REQUEST_ID: usize = 64;

/// Whether a client's request id may be kept, echoed and logged: 1 to 64 letters, digits,
/// `-`, `_`, `.` or `:`.
fn safe_request_id(id: &[u8]) -> bool {
    (1..=MAX_REQUEST_ID).contains(&id.len())
        && id
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

/// A client's `X-Request-Id` is kept only when it is one short, safe value; otherwise it is
/// removed, and the server gives the request its own id.
fn drop_unsafe_request_id<B>(mut req: axum::http::Request<B>) -> axum::http::Request<B> {
    let ids = req.headers().get_all("x-request-id");
    let mut values = ids.iter();
    let keep =
        matches!((values.next(), values.next()), (Some(v), None) if safe_request_id(v.as_bytes()));
    if !keep {
        req.headers_mut().remove("x-request-id");
    }
    req
}

/// Wraps the router once in every layer (outermost first); `envelope` runs outside the
/// refusing layers (CSRF, body limit, timeout, panics) so that their refusals get the route's
/// error format too. The stack is one service around the whole router rather than
/// `Router::layer`, which would wrap each route on its own (a boxed clone per layer per
/// request).
pub fn apply(router: Router, timeouts: crate::config::Timeouts) -> Router {
    let request_id = HeaderName::from_static("x-request-id");
    let stack = ServiceBuilder::new()
        .layer(header_layer(
            header::REFERRER_POLICY,
            "strict-origin-when-cross-origin",
        ))
        .layer(header_layer(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header_layer(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header_layer(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(super::envelope::EnvelopeLayer)
        .layer(CatchPanicLayer::new())
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            timeouts.request,
        ))
        .layer(RequestBodyLimitLayer::new(crate::config::BODY_LIMIT))
        .map_request(super::body_timeout::limit(timeouts.body))
        .layer(CsrfLayer::new())
        // The CSRF refusal needs a body type with a default (an empty body).
        .map_response(|r: axum::http::Response<_>| r.map(axum::body::Body::new))
        .map_request(drop_unsafe_request_id)
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
        .layer(PropagateRequestIdLayer::new(request_id))
        // Innermost: the trace span sees the request id set by the layer above.
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                let id = req
                    .headers()
                    .get("x-request-id")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or("-");
                tracing::info_span!("request", method = %req.method(), uri = %req.uri().path(), request_id = %id)
            }),
        )
        .service(router);
    Router::new().fallback_service(stack)
}

#[cfg(test)]
mod tests {
    use super::safe_request_id;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        assert!(safe_request_id(b"0f8e-4a1b_trace.7:1"));
        for bad in [
            &b""[..],
            b"a b",
            b"x\r\nSet-Cookie: y",
            b"<script>",
            &[b'a'; 65],
        ] {
            assert!(!safe_request_id(bad), "{bad:?}");
        }
    }
}
