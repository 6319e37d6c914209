//! The web layer: server-rendered pages and the JSON API from one axum router.
//!
//! `app(state)` builds the whole application; `main` serves it and the tests drive it.
//! Only HTTP lives here: rules are in `safegrid-domain`, SQL in `safegrid-store`.

// The features, each with its API (`api.rs`), its pages and the operations both share.
pub mod accidents;
pub mod accounts;
pub mod assessment;
pub mod audit;
pub mod dashboard;
pub mod duties;
pub mod hazards;
pub mod home;
pub mod inspections;
pub mod organisation;
pub mod own_duties;
pub mod reports;
pub mod unit_records;
pub mod units;

// What the features stand on.
pub mod api;
pub mod http;
pub mod ops;
pub mod pages;

pub use http::state::{AppState, WebConfig};
pub use http::{auth, second_factor};

use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router, middleware};
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

/// Largest request body accepted (forms and JSON); larger ones answer 413.
pub const BODY_LIMIT: usize = 256 * 1024;

/// Largest spreadsheet an import accepts (100,000 rows of a census fit well within it).
pub const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

/// The whole application.
pub fn app(state: AppState) -> Router {
    let (api, description) = api::router_and_description();
    let api = api.layer(middleware::from_fn(http::error::api_faults));
    let description = std::sync::Arc::new(description);
    let request_id = HeaderName::from_static("x-request-id");
    Router::new()
        .merge(pages::router())
        .merge(api)
        .route(
            "/api/openapi.json",
            get(move || {
                let description = description.clone();
                async move { Json(description.as_ref().clone()) }
            }),
        )
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/static/{*path}", get(http::assets::serve))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("same-origin"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
            ),
        ))
        // Signed-in pages and API answers stay out of caches (shared computers, proxies);
        // static files and stored files say otherwise for themselves.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
        .layer(CompressionLayer::new())
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, Duration::from_secs(120)))
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(TraceLayer::new_for_http())
        .layer(SetRequestIdLayer::new(request_id, MakeRequestUuid))
        .with_state(state)
}

async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    match state.store.ping().await {
        Ok(()) => (StatusCode::OK, "ready"),
        Err(e) => {
            tracing::warn!(error = %e, "database not ready");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
        }
    }
}
