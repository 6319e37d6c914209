//! Inspections over the API: record one (with its findings entered in the hazard ledger), read
//! one, list them.

use super::{DocumentQuery, InspectionQuery};
use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::response::Response;
use safegrid_domain::duty::inspection::InspectionCadence;
use safegrid_domain::inspection::InspectionInput;
use safegrid_domain::inspection::checklist::ChecklistInput;
use safegrid_domain::inspection::document::DocumentInput;
use safegrid_store::inspections::Checklist;
use safegrid_store::{EnforcementDocument, Inspection, InspectionDetail, Page, PageRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(inspections, record))
        .routes(routes!(inspection))
        .routes(routes!(cadence, set_cadence))
        .routes(routes!(checklist, set_checklist))
        .routes(routes!(documents, issue_document))
        .routes(routes!(enforcement))
        .routes(routes!(enforcement_export))
        .routes(routes!(enforcement_document))
        .routes(routes!(export))
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

#[utoipa::path(post, path = "/inspections/{id}/documents", tag = "inspections", params(("id" = i64, Path)),
    request_body = DocumentInput, security(("bearer" = [])),
    responses((status = 201, body = EnforcementDocument, description = "Issued with its `id` and `number`, unique per county, kind and year (汉阴应急责改〔2026〕12号); a rectification order's deadline becomes a review duty"),
        (status = 403, description = "Only the county, the department that inspected or the town whose inspection it was issues"),
        (status = 404), (status = 422, body = crate::http::error::ErrorBody)))]
async fn issue_document(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<DocumentInput>,
) -> Result<impl IntoResponse, WebError> {
    let made = state
        .store
        .issue_document(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/inspections/{id}/documents", tag = "inspections", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = Vec<EnforcementDocument>, description = "The documents issued from the inspection, in the order issued"), (status = 404)))]
async fn documents(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Vec<EnforcementDocument>> {
    let id = parse_id(&id)?;
    // Not found when the inspection is out of scope, not an empty list.
    state.store.inspection(&user.actor, id).await?;
    Ok(Json(
        state.store.inspection_documents(&user.actor, id).await?,
    ))
}

#[utoipa::path(get, path = "/enforcement", tag = "inspections", params(DocumentQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of enforcement documents in scope, latest first; with `format=xlsx` or `csv` the register as a file"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn enforcement(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<DocumentQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    if let Some(format) = q.format.as_deref().filter(|f| !f.is_empty()) {
        let format = crate::ops::export::format_of(format)?;
        return crate::ops::export::enforcement(state.store.clone(), user.actor, t, filter, format)
            .await;
    }
    let page: Page<EnforcementDocument> = state
        .store
        .enforcement_documents(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
        .await?;
    Ok(Json(page).into_response())
}

#[utoipa::path(get, path = "/enforcement/export", tag = "inspections", params(DocumentQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The register of enforcement documents in scope matching the filters, as .xlsx or .csv")))]
async fn enforcement_export(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<DocumentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let format = crate::ops::export::format_of(f.format())?;
    crate::ops::export::enforcement(state.store.clone(), user.actor, t, filter, format).await
}

#[utoipa::path(get, path = "/enforcement/{id}", tag = "inspections", params(("id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = EnforcementDocument), (status = 404, description = "No such document in scope")))]
async fn enforcement_document(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<EnforcementDocument> {
    Ok(Json(
        state
            .store
            .enforcement_document(&user.actor, parse_id(&id)?)
            .await?,
    ))
}

#[utoipa::path(get, path = "/inspections/export", tag = "inspections", params(InspectionQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The inspection ledger in scope matching the filters, one row per inspection with its findings and documents, as .xlsx or .csv")))]
async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<InspectionQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let format = crate::ops::export::format_of(f.format())?;
    crate::ops::export::inspections(state.store.clone(), user.actor, t, filter, format).await
}
