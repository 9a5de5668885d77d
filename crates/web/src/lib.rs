//! The Football Predictor HTTP server: server-rendered pages and a JSON API.
//!
//! Modules in layers; each uses only the layers before it (`scripts/check-module-layers`
//! checks this in CI):
//!
//! 1. [`config`], [`format`], [`assets`], [`dto`]: settings, formatting, embedded files, the
//!    API's JSON types;
//! 2. [`templates`]: the pages and charts (askama);
//! 3. [`error`]: the one error kind, rendered as JSON ([`error::ApiError`]) or as a page
//!    ([`error::PageError`]);
//! 4. [`services`]: forecasts, history, prepared answers, sessions, accounts, limits;
//! 5. [`state`]: the resources and services every handler gets;
//! 6. [`extract`], then [`middleware`]: the visitor and typed rejections; the layers;
//! 7. [`api`], [`pages`], [`ops`]: the handlers, one file per resource (they never import
//!    each other);
//! 8. [`router`]: every route and the OpenAPI document made from them;
//! 9. [`server`]: connections, with their timeouts.

mod api;
mod assets;
mod config;
mod dto;
mod error;
mod extract;
mod format;
mod middleware;
mod ops;
mod pages;
mod router;
mod server;
mod services;
mod state;
mod templates;

pub use config::{
    AppConfig, BODY_LIMIT, CacheConfig, MailSettings, MetricsAccess, NO_DATA_HINT, OriginRules,
    Rate, RateLimitConfig, SeasonConfig, Timeouts,
};
pub use fp_cache::{Kind as CacheKind, LinkSettings, Ttls};
pub use ops::metrics::install as install_metrics;
pub use router::{metrics_router, openapi, router};
pub use server::serve;
pub use services::accounts::{check_password, check_username};
pub use services::drain::Drain;
pub use services::passwords::hash_blocking as hash_password;
pub use state::{AppState, StartError};
