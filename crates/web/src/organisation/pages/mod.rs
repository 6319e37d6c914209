//! The organisation's pages.

pub mod departments;
pub mod grids;
pub mod leadership;
pub mod ledger;
pub mod plans;
pub mod regions;

use crate::http::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/regions", get(regions::top))
        .route("/regions/{code}", get(regions::show))
        .route("/regions/{code}/structure", get(regions::structure))
        .route("/grids", get(grids::list))
        .route("/grids/{id}", get(grids::show))
        .route("/grids/{id}/posts/{post}/appoint", post(grids::appoint))
        .route(
            "/grids/{id}/holdings/{holding}/replace",
            post(grids::replace),
        )
        .route("/grids/{id}/holdings/{holding}/end", post(grids::end))
        .route("/departments", get(departments::list))
        .route("/departments/{id}", get(departments::show))
        .route("/leadership", get(leadership::show))
        .route("/ledger", get(ledger::show))
        .route("/ledger/export", get(ledger::export))
        .route("/plans", get(plans::show).post(plans::file))
        .route("/plans/deadline", post(plans::deadline))
}
