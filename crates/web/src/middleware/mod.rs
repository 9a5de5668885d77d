//! Layers around the handlers: who the visitor is and the API limit ([`identity`]), errors in
//! the route's format ([`envelope`]), security headers, CSRF, body limit, timeout and panics
//! ([`security`], the body's timeout in [`body_timeout`]), request metrics ([`metrics`]).

pub mod body_timeout;
pub mod envelope;
pub mod identity;
pub mod metrics;
pub mod security;
