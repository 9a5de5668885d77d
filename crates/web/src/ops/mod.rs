//! Operational routes: health for load balancers, Prometheus metrics, static assets, and the
//! API's own description.

pub mod assets;
pub mod docs;
pub mod health;
pub mod metrics;
