//! Signing in and out, one's own security, and the administrators' accounts page.

pub mod admin;
pub mod security;
pub mod session;

use crate::http::state::AppState;
use axum::Router;
use axum::routing::{get, post};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(session::login_form).post(session::login))
        .route("/logout", post(session::logout))
        .route("/lang/{tag}", get(session::switch_language))
        .route("/me/security", get(security::show))
        .route("/me/security/totp", post(security::begin_totp))
        .route("/me/security/totp/confirm", post(security::confirm_totp))
        .route("/me/security/password", post(security::change_password))
        .route(
            "/accounts",
            get(admin::accounts).post(admin::create_account),
        )
        .route("/accounts/{id}/lock", post(admin::lock_account))
        .route("/accounts/{id}/password", post(admin::reset_password))
}
