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
    modifiers(&BearerScheme),
    tags(
        (name = "predictions", description = "Predict matches; your saved predictions"),
        (name = "leagues", description = "Leagues, teams and head-to-head"),
        (name = "tokens", description = "Personal API tokens: send one as `Authorization: Bearer <token>` on any /api/ route to act as its account (counted against the account's limit)"),
        (name = "operations", description = "Health, metrics and this document"),
        (name = "pages", description = "The HTML pages (text/html)"),
    )
)]
struct ApiDoc;

/// `Authorization: Bearer <token>`: a personal API token, on every /api/ route.
struct BearerScheme;

impl utoipa::Modify for BearerScheme {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A personal API token (made on the account page or with POST /api/tokens). \
                         Without one, an API call is made under the session cookie, or a new \
                         session whose cookie comes back.",
                    ))
                    .build(),
            ),
        );
    }
}

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
        .routes(routes!(pages::track_record::track_record))
        .routes(routes!(pages::auth::register_form, pages::auth::register))
        .routes(routes!(pages::auth::login_form, pages::auth::login))
        .routes(routes!(pages::auth::logout))
        .routes(routes!(pages::account::logout_everywhere))
        .routes(routes!(pages::email::set_address))
        .routes(routes!(pages::email::confirm))
        .routes(routes!(pages::email::notifications))
        .routes(routes!(
            pages::reset::reset_form,
            pages::reset::request_reset
        ))
        .routes(routes!(
            pages::reset::new_password_form,
            pages::reset::set_new_password
        ))
        .routes(routes!(
            pages::email::unsubscribe_form,
            pages::email::unsubscribe
        ))
        .routes(routes!(pages::admin::admin))
        .routes(routes!(pages::admin::actions::run_job))
        .routes(routes!(pages::admin::actions::resend_mail))
        .routes(routes!(pages::reports::report))
        .routes(routes!(pages::reports::report_csv))
        .routes(routes!(pages::account::create_token))
        .routes(routes!(pages::account::revoke_token))
        .routes(routes!(
            pages::account::account_form,
            pages::account::change_password
        ))
        .routes(routes!(api::predict::predict))
        .routes(routes!(api::history::history, api::history::delete))
        .routes(routes!(api::predictions::prediction))
        .routes(routes!(api::leagues::leagues))
        .routes(routes!(api::leagues::teams))
        .routes(routes!(api::fixtures::fixtures))
        .routes(routes!(api::fixtures::simulation))
        .routes(routes!(api::track_record::track_record))
        .routes(routes!(api::teams::team))
        .routes(routes!(api::h2h::h2h))
        .routes(routes!(api::tokens::list, api::tokens::create))
        .routes(routes!(api::tokens::revoke))
}

/// Routes for machines and browsers that need no visitor; `/metrics` unless it has an
/// address of its own.
fn open_routes(with_metrics: bool) -> OpenApiRouter<AppState> {
    let routes = OpenApiRouter::new()
        .routes(routes!(ops::health::health))
        .routes(routes!(ops::health::livez))
        .routes(routes!(ops::health::readyz))
        .routes(routes!(ops::docs::document))
        .routes(routes!(ops::docs::viewer))
        .routes(routes!(ops::assets::serve));
    if with_metrics {
        routes.routes(routes!(ops::metrics::render))
    } else {
        routes
    }
}

/// `/metrics` alone, for its own address (`METRICS_BIND`).
pub fn metrics_router(state: AppState) -> Router {
    let (routes, _) = OpenApiRouter::new()
        .routes(routes!(ops::metrics::render))
        .split_for_parts();
    routes.fallback(not_found).with_state(state)
}

/// The OpenAPI document of every route. Every visitor route under `/api/` takes a bearer
/// token or none (then the session cookie, or a new session).
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::openapi::security::SecurityRequirement;
    let mut doc = OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(visitor_routes())
        .merge(open_routes(true))
        .split_for_parts()
        .1;
    let api_paths: Vec<String> = visitor_routes()
        .split_for_parts()
        .1
        .paths
        .paths
        .keys()
        .filter(|p| p.starts_with("/api/"))
        .cloned()
        .collect();
    for path in api_paths {
        if let Some(item) = doc.paths.paths.get_mut(&path) {
            for op in [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.delete,
                &mut item.patch,
            ]
            .into_iter()
            .flatten()
            {
                op.responses
                    .responses
                    .entry("401".to_string())
                    .or_insert_with(|| {
                        utoipa::openapi::ResponseBuilder::new()
                            .description("An unknown or revoked API token")
                            .content(
                                "application/json",
                                utoipa::openapi::ContentBuilder::new()
                                    .schema(Some(utoipa::openapi::Ref::from_schema_name(
                                        "ErrorBody",
                                    )))
                                    .build(),
                            )
                            .build()
                            .into()
                    });
                op.security = Some(vec![
                    SecurityRequirement::default(),
                    SecurityRequirement::new("bearer", Vec::<String>::new()),
                ]);
            }
        }
    }
    doc
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
    let timeouts = state.config().timeouts;
    let (visitors, _) = visitor_routes().split_for_parts();
    let (open, _) = open_routes(!state.config().metrics.separate).split_for_parts();
    let visitors = visitors.route_layer(middleware::identity::IdentityLayer::new(state.clone()));
    let app = Router::new()
        .merge(visitors)
        .merge(open)
        .fallback(not_found)
        .route_layer(middleware::metrics::TrackLayer)
        .with_state(state);
    middleware::security::apply(app, timeouts)
}
