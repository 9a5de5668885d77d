//! What the handlers ask for, each service with its own dependencies and caches: forecasts
//! and facts (the two-tier cache), history pages, prepared prediction answers, sessions,
//! accounts, rate limits, and the dashboard's prediction count. No service knows about
//! requests or responses.

pub mod accounts;
pub mod answers;
pub mod counts;
pub mod drain;
pub mod figures;
pub mod forecasts;
pub mod gauges;
pub mod history;
pub mod limits;
pub mod lockouts;
pub mod mail;
pub mod matchday;
pub mod origin;
pub mod passwords;
pub mod revocations;
pub mod sessions;
pub mod tokens;
