//! The duty calendar over the API: duties in scope, and their summary by town, village,
//! department, grid or kind.

use super::DutyQuery;
use crate::http::answer::ApiResult;
use crate::http::auth::ApiUser;
use crate::http::extract::QueryArgs;
use crate::http::state::AppState;
use axum::Json;
use axum::extract::State;
use safegrid_store::{DutyRow, DutySummaryRow, Page, PageRequest};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(duties))
        .routes(routes!(summary))
}

#[utoipa::path(get, path = "/duties", tag = "duties", params(DutyQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of duties in scope, earliest due first; each with `kind`, `unit_id`, `period`, `due_on`, `state` (due, done, overdue), `record_id` and the party that owes it"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn duties(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<DutyQuery>,
) -> ApiResult<Page<DutyRow>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .duties(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DutySummary {
    pub items: Vec<DutySummaryRow>,
}

#[utoipa::path(get, path = "/duties/summary", tag = "duties", params(DutyQuery), security(("bearer" = [])),
    responses((status = 200, body = DutySummary, description = "Duties in scope counted as due, done and overdue per town, village, department, grid or kind, most overdue first"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn summary(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<DutyQuery>,
) -> ApiResult<DutySummary> {
    let filter = q.filter()?;
    let group = q.group()?;
    Ok(Json(DutySummary {
        items: state
            .store
            .duty_summary(&user.actor, &filter, group)
            .await?,
    }))
}
