//! The JSON API under `/api/v1`, described at `/api/openapi.json`: each feature's router
//! (`<feature>/api.rs`) merged into one. Handlers are thin: they read the input, call the store
//! with the caller's actor, and shape the answer.

mod openapi;

pub use openapi::{ApiDoc, router_and_description};

use crate::http::error::WebError;
use crate::http::state::AppState;
use utoipa_axum::router::OpenApiRouter;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .merge(crate::accounts::api::router())
        .merge(crate::organisation::api::router())
        .merge(crate::units::api::router())
        .merge(crate::unit_records::api::router())
        .merge(crate::hazards::api::router())
        .merge(crate::reports::api::router())
        .merge(crate::inspections::api::router())
        .merge(crate::duties::api::router())
        .merge(crate::own_duties::api::router())
        .merge(crate::accidents::api::router())
        .merge(crate::assessment::api::router())
        .merge(crate::dashboard::api::router())
        .merge(crate::audit::api::router())
        .fallback(|| async { WebError::NotFound })
}
