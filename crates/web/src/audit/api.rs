//! The API of the audit log, for the audit administrator.

use super::AuditQuery;
use crate::http::answer::ApiResult;
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::state::AppState;
use axum::Json;
use axum::extract::State;
use safegrid_store::{Page, PageRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of audit records, newest first"), (status = 403)))]
async fn audit(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<AuditQuery>,
) -> ApiResult<Page<safegrid_store::AuditEntry>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .audit_log(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/audit/export", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "the matching audit records, oldest first, as xlsx or csv"), (status = 403)))]
async fn export_audit(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<AuditQuery>,
) -> Result<axum::response::Response, WebError> {
    crate::ops::export::audit(state.store.clone(), user.actor, t, &q).await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit))
        .routes(routes!(export_audit))
}
