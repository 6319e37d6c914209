//! Inspections over the API: record one (with its findings entered in the hazard ledger), read
//! one, list them.

use super::InspectionQuery;
use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_domain::duty::inspection::InspectionCadence;
use safegrid_domain::inspection::InspectionInput;
use safegrid_domain::inspection::checklist::ChecklistInput;
use safegrid_store::inspections::Checklist;
use safegrid_store::{Inspection, InspectionDetail, Page, PageRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inspections, record))
        .routes(routes!(inspection))
        .routes(routes!(cadence, set_cadence))
        .routes(routes!(checklist, set_checklist))
}

#[utoipa::path(post, path = "/inspections", tag = "inspections", request_body = InspectionInput,
    security(("bearer" = [])),
    responses((status = 201, body = InspectionDetail, description = "Recorded with `id` and the `hazard_ids` its findings entered in the ledger (source `inspection`); the inspection, its items and hazards commit together"),
        (status = 403), (status = 422, body = crate::http::error::ErrorBody)))]
async fn record(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<InspectionInput>,
) -> Result<impl IntoResponse, WebError> {
    let made = state.store.record_inspection(&user.actor, input).await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/inspections/{id}", tag = "inspections", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = InspectionDetail), (status = 404, description = "No such inspection in scope")))]
async fn inspection(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<InspectionDetail> {
    Ok(Json(
        state.store.inspection(&user.actor, parse_id(&id)?).await?,
    ))
}

#[utoipa::path(get, path = "/inspections", tag = "inspections", params(InspectionQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of inspections in scope, latest first"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn inspections(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<InspectionQuery>,
) -> ApiResult<Page<Inspection>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .inspections(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/settings/inspection-cadence", tag = "inspections", security(("bearer" = [])),
    responses((status = 200, body = InspectionCadence, description = "How often the county inspects key units and units of each grade (the plan's monthly and quarterly when unset)")))]
async fn cadence(State(state): State<AppState>, user: ApiUser) -> ApiResult<InspectionCadence> {
    Ok(Json(state.store.inspection_cadence(&user.actor).await?))
}

#[utoipa::path(put, path = "/settings/inspection-cadence", tag = "inspections", request_body = InspectionCadence,
    security(("bearer" = [])),
    responses((status = 200, body = InspectionCadence), (status = 403), (status = 422, body = crate::http::error::ErrorBody)))]
async fn set_cadence(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<InspectionCadence>,
) -> ApiResult<InspectionCadence> {
    Ok(Json(
        state
            .store
            .set_inspection_cadence(&user.actor, input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/checklists/{sector}", tag = "inspections", params(("sector" = String, Path, description = "`general` or a sector's code")),
    security(("bearer" = [])),
    responses((status = 200, body = Checklist, description = "The county's checklist of the sector, or the default"), (status = 404)))]
async fn checklist(
    State(state): State<AppState>,
    user: ApiUser,
    Path(sector): Path<String>,
) -> ApiResult<Checklist> {
    Ok(Json(state.store.checklist(&user.actor, &sector).await?))
}

#[utoipa::path(put, path = "/checklists/{sector}", tag = "inspections", params(("sector" = String, Path)), request_body = ChecklistInput,
    security(("bearer" = [])),
    responses((status = 200, body = Checklist), (status = 403), (status = 404), (status = 422, body = crate::http::error::ErrorBody)))]
async fn set_checklist(
    State(state): State<AppState>,
    user: ApiUser,
    Path(sector): Path<String>,
    JsonBody(input): JsonBody<ChecklistInput>,
) -> ApiResult<Checklist> {
    Ok(Json(
        state
            .store
            .set_checklist(&user.actor, &sector, input)
            .await?,
    ))
}
