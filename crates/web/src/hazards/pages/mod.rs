//! The hazard ledger's pages and the notifications.

pub mod ledger;
pub mod notifications;
pub mod report;

use crate::hazards::api::PHOTO_LIMIT;
use crate::http::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/hazards", get(ledger::ledger))
        .route("/hazards/counts", get(ledger::counts))
        .route("/hazards/export", get(ledger::export))
        .route(
            "/hazards/new",
            get(report::report_form)
                .post(report::report)
                .layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route("/hazards/{id}", get(ledger::show).post(ledger::act))
        .route(
            "/hazards/{id}/photos",
            post(ledger::add_photo).layer(DefaultBodyLimit::max(PHOTO_LIMIT)),
        )
        .route("/hazard-photos/{id}", get(ledger::photo))
        .route(
            "/notifications",
            get(notifications::list).post(notifications::read_all),
        )
        .route("/notifications/{id}", get(notifications::open))
        .route(
            "/settings/webhook",
            get(notifications::webhook).post(notifications::set_webhook),
        )
}
