//! The unit records' pages.

pub mod grade_rule;
pub mod hazard_sources;
pub mod records;

use crate::http::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/units/{id}/grid",
            get(records::grid).post(records::add_node),
        )
        .route("/units/{id}/grid/{node}/retire", post(records::retire_node))
        .route(
            "/units/{id}/systems",
            get(records::systems).post(records::set_system),
        )
        .route("/units/{id}/archive", get(records::archive))
        .route(
            "/units/{id}/documents",
            post(records::upload_document)
                .layer(DefaultBodyLimit::max(crate::ops::upload::UPLOAD_LIMIT)),
        )
        .route("/documents/{id}", get(records::download))
        .route("/documents/{id}/withdraw", post(records::withdraw))
        .route(
            "/hazard-sources",
            get(hazard_sources::list).post(hazard_sources::create),
        )
        .route("/hazard-sources/new", get(hazard_sources::new_form))
        .route("/hazard-sources/export", get(hazard_sources::export))
        .route(
            "/hazard-sources/{id}",
            get(hazard_sources::show).post(hazard_sources::update),
        )
        .route("/hazard-sources/{id}/edit", get(hazard_sources::edit_form))
        .route("/hazard-sources/{id}/retire", post(hazard_sources::retire))
        .route(
            "/settings/grade-rule",
            get(grade_rule::show).post(grade_rule::set),
        )
}
