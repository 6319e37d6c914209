//! The inspection pages: the ledger, one inspection with its documents, the phone page that
//! walks a checklist, and the register and printed forms of enforcement documents.

pub mod enforcement;
pub mod ledger;
pub mod record;

use crate::http::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;

/// An inspection's form carries a photo per finding: a few phone photos.
pub const RECORD_LIMIT: usize = 48 * 1024 * 1024;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inspections", get(ledger::ledger))
        .route("/inspections/export", get(ledger::export))
        .route(
            "/inspections/new",
            get(record::form)
                .post(record::record)
                .layer(DefaultBodyLimit::max(RECORD_LIMIT)),
        )
        .route("/inspections/{id}", get(ledger::show).post(ledger::issue))
        .route("/enforcement", get(enforcement::register))
        .route("/enforcement/export", get(enforcement::export))
        .route("/enforcement/{id}", get(enforcement::print))
}
