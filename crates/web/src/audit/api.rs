//! The API of the audit log, for the audit administrator.

use crate::http::answer::ApiResult;
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::state::AppState;
use axum::Json;
use axum::extract::State;
use safegrid_domain::tenure::parse_date;
use safegrid_store::{Page, PageRequest};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Records of this account name.
    pub username: Option<String>,
    /// Records of this action (`auth.login`, `hazard.transition` …).
    pub action: Option<String>,
    /// From this day (YYYY-MM-DD, China time), included.
    pub from: Option<String>,
    /// To this day, included.
    pub to: Option<String>,
    /// xlsx (default) or csv, for the export.
    pub format: Option<String>,
}

impl AuditQuery {
    /// The filter, with every mistyped field named at once.
    pub fn filter(&self) -> Result<safegrid_store::AuditFilter, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(100).collect::<String>())
        };
        let mut date = |field: &str, v: &Option<String>| match text(v) {
            None => None,
            Some(raw) => parse_date(field, &raw).map_err(|e| errors.push(e)).ok(),
        };
        let filter = safegrid_store::AuditFilter {
            username: text(&self.username),
            action: text(&self.action),
            from: date("from", &self.from),
            to: date("to", &self.to),
        };
        errors.into_result()?;
        Ok(filter)
    }
}

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
