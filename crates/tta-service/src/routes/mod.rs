//! The router: every route with its OpenAPI description (utoipa-axum keeps the two in one
//! place), then the layers: load shedding, metrics and faults ([`super::middleware`]), body
//! limit, timeout.

mod clinical;
mod crisis_alert;
mod extract;
mod ops;
pub(crate) mod patient;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::routing::get;
use tower_http::timeout::TimeoutLayer;
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::api_error::ApiError;
use super::{AppState, ServerConfig};

#[derive(OpenApi)]
#[openapi(info(
    title = "tta-bench reference service",
    description = "The TTA therapeutic core behind the patient and clinical APIs. Bearer JWTs from /api/v1/auth/login."
))]
struct ApiDoc;

/// Every route with its OpenAPI description, before state and layers.
fn described() -> OpenApiRouter<Arc<AppState>> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(ops::login))
        .routes(routes!(patient::create_session))
        .routes(routes!(patient::get_session))
        .routes(routes!(patient::update_progress))
        .routes(routes!(patient::make_choice))
        .routes(routes!(patient::emotional_state))
        .routes(routes!(patient::intervention))
        .routes(routes!(clinical::dashboard))
        .routes(routes!(clinical::alerts))
        .routes(routes!(clinical::acknowledge))
        .routes(routes!(clinical::patient_progress))
        .routes(routes!(clinical::intervene))
        .routes(routes!(ops::health))
        .routes(routes!(ops::metrics))
        .routes(routes!(ops::get_faults, ops::put_faults))
        .routes(routes!(ops::cleanup_sessions))
}

/// The path templates the service answers (`/api/patient/sessions/{id}/choices`, …), as the
/// metrics and fault injection name routes; built once.
pub fn templates() -> &'static std::collections::BTreeSet<String> {
    static TEMPLATES: std::sync::OnceLock<std::collections::BTreeSet<String>> =
        std::sync::OnceLock::new();
    TEMPLATES.get_or_init(|| {
        let (_, api) = described().split_for_parts();
        let mut t: std::collections::BTreeSet<String> = api.paths.paths.into_keys().collect();
        t.insert(OPENAPI_PATH.to_string());
        t
    })
}

const OPENAPI_PATH: &str = "/openapi.json";

/// Adds to every operation the errors that come from the layers and extractors rather than
/// from its handler, each where it can happen: 503 everywhere (requests beyond
/// `--max-in-flight`, or over `--timeout-ms`); 400, 413 and 415 with a JSON body (malformed,
/// over `--body-limit-kib`, not `application/json`); 400 with path or query parameters; 401
/// and 429 behind a bearer token (missing or invalid; the per-user rate limit). A schema-driven
/// fuzzer (`ci/fuzz-api.sh`) holds the answers to the document.
fn document_common_errors(api: &mut utoipa::openapi::OpenApi) {
    use utoipa::openapi::{RefOr, Response};
    for (path, item) in api.paths.paths.iter_mut() {
        let authenticated = ["/api/patient/", "/api/clinical/", "/api/admin/"]
            .iter()
            .any(|p| path.starts_with(p));
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for op in operations.into_iter().flatten() {
            let with_parameters =
                path.contains('{') || op.parameters.as_ref().is_some_and(|p| !p.is_empty());
            let with_body = op.request_body.is_some();
            let mut add = |status: &str, description: &str| {
                op.responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::T(Response::new(description)));
            };
            add(
                "503",
                "Overloaded (too many requests in flight) or timed out",
            );
            if with_body {
                add("400", "Malformed or invalid JSON body");
                add("413", "Body over the size limit");
                add("415", "Body not sent as application/json");
            }
            if with_parameters {
                add("400", "Invalid path or query parameter");
            }
            if authenticated {
                add("401", "Missing, malformed or expired bearer token");
                add(
                    "429",
                    "Rate limit exceeded (Retry-After says when to retry)",
                );
            }
        }
    }
}

/// The OpenAPI document and the router it describes.
pub fn router(state: Arc<AppState>, config: &ServerConfig) -> Router {
    let (router, mut api) = described().split_for_parts();
    document_common_errors(&mut api);
    let api = Arc::new(api);
    router
        .route(
            OPENAPI_PATH,
            get(move || async move { axum::Json(api.as_ref().clone()) }),
        )
        .fallback(|| async { ApiError::not_found("no such route") })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::middleware::observe,
        ))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::SERVICE_UNAVAILABLE,
            config.request_timeout,
        ))
        .with_state(state)
}
