//! A unit's own checks over the API: recorded by the unit, listed to whoever sees the unit.

use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_domain::unit::check::CheckInput;
use safegrid_store::{CheckRecorded, Page, PageRequest, UnitCheck};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checks, record_check))
        .routes(routes!(set_working_days))
}

#[utoipa::path(post, path = "/units/{id}/checks", tag = "own duties", params(("id" = i64, Path)), request_body = CheckInput,
    security(("bearer" = [])),
    responses((status = 201, body = CheckRecorded, description = "The check with its items, its findings entered in the hazard ledger as `self_check` (linked back), and the day marked on the unit's calendar — all in one transaction"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403, description = "Not the unit's own account"), (status = 404)))]
async fn record_check(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<CheckInput>,
) -> Result<impl IntoResponse, WebError> {
    let made = state
        .store
        .record_check(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/units/{id}/checks", tag = "own duties", params(("id" = i64, Path), crate::http::answer::PageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of the unit's own checks, newest first, each with its count of items and findings"), (status = 404)))]
async fn checks(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> ApiResult<Page<UnitCheck>> {
    Ok(Json(
        state
            .store
            .unit_checks(
                &user.actor,
                parse_id(&id)?,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

/// The days of the week a unit works.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct WorkingDaysBody {
    /// Seven 1/0 flags, Monday first: `1111100` is Monday to Friday.
    pub working_days: Option<String>,
}

#[utoipa::path(put, path = "/units/{id}/working-days", tag = "own duties", params(("id" = i64, Path)), request_body = WorkingDaysBody,
    security(("bearer" = [])),
    responses((status = 200, body = WorkingDaysBody, description = "Set: a day the unit does not work owes no daily check"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn set_working_days(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<WorkingDaysBody>,
) -> ApiResult<WorkingDaysBody> {
    let set = state
        .store
        .set_working_days(
            &user.actor,
            parse_id(&id)?,
            body.working_days.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(Json(WorkingDaysBody {
        working_days: Some(set),
    }))
}
