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
        .routes(routes!(check_rates))
}

/// The filters of the check-rate list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RateQuery {
    /// Units in this division's subtree (a town or a village).
    pub region: Option<String>,
    /// Units this department supervises.
    pub department: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl RateQuery {
    pub fn region(&self) -> Result<Option<safegrid_domain::region::RegionCode>, WebError> {
        match self
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => Ok(None),
            Some(r) => Ok(Some(
                safegrid_domain::region::RegionCode::parse("region", r)
                    .map_err(safegrid_domain::Invalid::from)?,
            )),
        }
    }
}

#[utoipa::path(get, path = "/checks/rates", tag = "own duties", params(RateQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: the operating units in scope by how regularly they checked themselves over the last 30 days — working days owed, days checked, rate, last check, and whether they stopped (a week without a check) — those that stopped first, then the least regular"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn check_rates(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<RateQuery>,
) -> ApiResult<Page<safegrid_store::CheckRateRow>> {
    let region = q.region()?;
    Ok(Json(
        state
            .store
            .check_rates(
                &user.actor,
                region.as_ref(),
                q.department,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
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
