//! The units' hidden-hazard statistics reports over the API: a unit's figures and report for a
//! period, submitting it, and who in scope reported on time, late or not at all.

use super::StandingQuery;
use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_domain::hazard::report::Period;
use safegrid_store::{
    HazardReport, HazardStatistics, PageRequest, ReportInput, ReportStanding, StandingCounts,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(submit))
        .routes(routes!(unit_report))
        .routes(routes!(standings))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReport {
    pub period: String,
    /// The last day to submit (YYYY-MM-DD).
    pub due: String,
    /// The figures as the ledger has them now.
    pub figures: HazardStatistics,
    /// The report as submitted, if it was.
    pub submitted: Option<HazardReport>,
}

#[utoipa::path(get, path = "/units/{id}/hazard-reports/{period}", tag = "hazards", params(("id" = i64, Path), ("period" = String, Path, description = "2026Q3 or 2026")),
    security(("bearer" = [])), responses((status = 200, body = UnitReport), (status = 404), (status = 422, body = crate::http::error::ErrorBody)))]
async fn unit_report(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, period)): Path<(String, String)>,
) -> ApiResult<UnitReport> {
    let unit = parse_id(&id)?;
    let period = Period::parse("period", &period)?;
    let figures = state
        .store
        .hazard_statistics(&user.actor, unit, period)
        .await?;
    let submitted = state.store.hazard_report(&user.actor, unit, period).await?;
    Ok(Json(UnitReport {
        period: period.code(),
        due: period.due().to_string(),
        figures,
        submitted,
    }))
}

#[utoipa::path(post, path = "/units/{id}/hazard-reports", tag = "hazards", params(("id" = i64, Path)), request_body = ReportInput,
    security(("bearer" = [])),
    responses((status = 201, body = HazardReport, description = "Submitted over the principal's name; the figures are frozen as of now"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn submit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReportInput>,
) -> Result<impl IntoResponse, WebError> {
    let report = state
        .store
        .submit_hazard_report(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(report)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StandingList {
    pub period: String,
    pub due: String,
    pub counts: StandingCounts,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<ReportStanding>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

#[utoipa::path(get, path = "/hazard-reports", tag = "hazards", params(StandingQuery), security(("bearer" = [])),
    responses((status = 200, body = StandingList, description = "Operating units in scope and whether each reported the period on time, late, or not at all")))]
async fn standings(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<StandingQuery>,
) -> ApiResult<StandingList> {
    let period = q.period()?;
    let (page, counts) = state
        .store
        .report_standings(
            &user.actor,
            period,
            &q.filter(),
            PageRequest::new(q.page, q.per_page),
        )
        .await?;
    Ok(Json(StandingList {
        period: period.code(),
        due: period.due().to_string(),
        counts,
        items: page.items,
        total: page.total,
        page: page.page,
        per_page: page.per_page,
    }))
}
