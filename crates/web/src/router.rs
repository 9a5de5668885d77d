//! Every route, and the OpenAPI document made from them: each handler is registered through
//! `utoipa-axum`, so a route cannot be served without being described.

use crate::error::{ApiError, Error, PageError};
use crate::middleware;
use crate::state::AppState;
use crate::{api, ops, pages};
use axum::Router;
use axum::body::Bytes;
use axum::http::Uri;
use axum::response::{IntoResponse, Response};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Football Predictor API",
        description = "Match predictions from Dixon-Coles and Elo models fitted on \
            football-data.co.uk results. Predictions are saved to the caller's history (session \
            cookie or account). Every error is `{\"error\": \"…\"}`."
    ),
    tags(
        (name = "predictions", description = "Predict matches; your saved predictions"),
        (name = "leagues", description = "Leagues, teams and head-to-head"),
        (name = "operations", description = "Health, metrics and this document"),
        (name = "pages", description = "The HTML pages (text/html)"),
    )
)]
struct ApiDoc;

/// Routes that know who the visitor is (the identity layer resolves the session and applies
/// the API limit).
fn visitor_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(pages::home::home))
        .routes(routes!(pages::predict::form, pages::predict::submit))
        .routes(routes!(pages::result::prediction))
        .routes(routes!(pages::history::history))
        .routes(routes!(pages::export::history_csv))
        .routes(routes!(pages::history::delete))
        .routes(routes!(pages::team::team))
        .routes(routes!(pages::h2h::h2h))
        .routes(routes!(pages::league::league))
        .routes(routes!(pages::about::about))
        .routes(routes!(pages::auth::register_form, pages::auth::register))
        .routes(routes!(pages::auth::login_form, pages::auth::login))
        .routes(routes!(pages::auth::logout))
        .routes(routes!(
            pages::auth::account_form,
            pages::auth::change_password
        ))
        .routes(routes!(api::predict::predict))
        .routes(routes!(api::history::history, api::history::delete))
        .routes(routes!(api::predictions::prediction))
        .routes(routes!(api::leagues::leagues))
        .routes(routes!(api::leagues::teams))
        .routes(routes!(api::teams::team))
        .routes(routes!(api::h2h::h2h))
}

/// Routes for machines and browsers that need no visitor.
fn open_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(ops::health::health))
        .routes(routes!(ops::health::livez))
        .routes(routes!(ops::health::readyz))
        .routes(routes!(ops::metrics::render))
        .routes(routes!(ops::docs::document))
        .routes(routes!(ops::docs::viewer))
        .routes(routes!(ops::assets::serve))
}

/// The OpenAPI document of every route.
pub fn openapi() -> utoipa::openapi::OpenApi {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(visitor_routes())
        .merge(open_routes())
        .split_for_parts()
        .1
}

/// 404 for every unknown path: JSON under /api, a page elsewhere.
async fn not_found(uri: Uri) -> Response {
    let e = Error::NotFound(format!("no page at {}", uri.path()));
    if uri.path().starts_with("/api/") {
        ApiError(e).into_response()
    } else {
        PageError(e).into_response()
    }
}

/// The whole application.
pub fn router(state: AppState) -> Router {
    ops::docs::publish(|| {
        Bytes::from(serde_json::to_vec(&openapi()).unwrap_or_else(|e| {
            tracing::error!(error = %e, "cannot serialise the OpenAPI document");
            b"{}".to_vec()
        }))
    });
    let (visitors, _) = visitor_routes().split_for_parts();
    let (open, _) = open_routes().split_for_parts();
    let visitors = visitors.route_layer(axum::middleware::from_fn_with_state(
        state.clone(),
        middleware::identity::layer,
    ));
    let app = Router::new()
        .merge(visitors)
        .merge(open)
        .fallback(not_found)
        .route_layer(axum::middleware::from_fn(middleware::metrics::track))
        .with_state(state);
    middleware::security::apply(app)
}
