//! The Football Predictor HTTP server: server-rendered pages and a JSON API.

mod answer;
mod api;
mod assets;
mod auth;
mod cached;
mod error;
mod health;
mod observability;
mod openapi;
mod pages;
mod ratelimit;
mod security;
mod session;
mod state;
mod svg;
mod views;

pub use fp_cache::{Kind as CacheKind, LinkSettings, Ttls};
pub use observability::install as install_metrics;
pub use ratelimit::{Rate, RateLimitConfig};
pub use state::{AppConfig, AppState, CacheConfig, StartError};

use axum::Router;
use axum::routing::{get, post};

/// What to tell someone whose database holds no matches yet.
pub const NO_DATA_HINT: &str = "The database holds no matches yet. Get data with \
`football-predictor import PATH` (football-data.co.uk CSV files or folders, e.g. \
../shared/data/football-data) or `football-predictor sync` (downloads the configured \
league-seasons from football-data.co.uk), or start the server with `serve --import PATH`.";

/// Requests larger than this are refused (413).
pub const BODY_LIMIT: usize = 64 * 1024;

/// The whole application.
pub fn router(state: AppState) -> Router {
    let with_session = Router::new()
        .route("/", get(pages::home))
        .route(
            "/predict",
            get(pages::predict_form).post(pages::predict_submit),
        )
        .route("/predictions/{id}", get(pages::prediction))
        .route("/history", get(pages::history))
        .route("/history.csv", get(pages::history_csv))
        .route("/history/delete", post(pages::history_delete))
        .route("/teams/{id}", get(pages::team))
        .route("/h2h", get(pages::h2h))
        .route("/leagues/{code}", get(pages::league))
        .route("/about", get(pages::about))
        .route("/register", get(auth::register_form).post(auth::register))
        .route("/login", get(auth::login_form).post(auth::login))
        .route("/logout", post(auth::logout))
        .route(
            "/account",
            get(auth::account_form).post(auth::change_password),
        )
        .route(
            "/api/history",
            get(api::history).delete(api::delete_history),
        )
        .route("/api/predictions/{id}", get(api::prediction))
        .route("/api/leagues", get(api::leagues))
        .route("/api/leagues/{code}/teams", get(api::teams))
        .route("/api/teams/{id}", get(api::team))
        .route("/api/h2h", get(api::h2h))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            session::layer,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            ratelimit::layer,
        ));
    let app = Router::new()
        .merge(with_session)
        // Resolves the session and applies the limits itself (see api::predict).
        .route("/api/predict", post(api::predict))
        .route("/health", get(health::health))
        .route("/livez", get(health::livez))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(observability::render))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::viewer))
        .route("/static/{file}", get(assets::serve))
        .fallback(error::not_found)
        .route_layer(axum::middleware::from_fn(observability::track))
        .with_state(state);
    security::apply(app)
}
