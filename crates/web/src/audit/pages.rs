//! The audit log's page, for the audit administrator: the records with their filters
//! (account, action, days), and their export.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, Pager, query_of, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use safegrid_store::{AuditEntry, PageRequest};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/audit", get(show))
        .route("/audit/export", get(export))
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Tr,
    chrome: Chrome,
    entries: Vec<AuditEntry>,
    pager: Pager,
    /// The filters as given, and as a query string (`username=…&`).
    q: crate::audit::AuditQuery,
    query: String,
}

/// The audit log with its filters (account, action, days) and their export.
pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::audit::AuditQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let page = state
        .store
        .audit_log(&user.actor, &filter, PageRequest::new(q.page, Some(100)))
        .await?;
    let query = query_of(&crate::audit::AuditQuery {
        format: None,
        ..q.clone()
    });
    let pager = Pager::new(&page, query.clone());
    render(&AuditPage {
        chrome: Chrome::new(&t, &user, "audit"),
        t,
        entries: page.items,
        pager,
        q,
        query,
    })
}

/// The filtered audit log as a spreadsheet.
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::audit::AuditQuery>,
) -> Result<Response, WebError> {
    crate::ops::export::audit(state.store.clone(), user.actor, t, &q).await
}
