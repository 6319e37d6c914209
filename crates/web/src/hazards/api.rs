//! The hidden-hazard ledger over the API: report, list and count, read one with its timeline,
//! move it along its lifecycle, add photos and fetch them.

use super::{HazardQuery, NotificationQuery};
use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use crate::ops::upload;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use safegrid_store::{
    Hazard, HazardCounts, HazardDetail, HazardInput, HazardPhoto, Page, PageRequest,
    TransitionInput,
};
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Largest photo upload: phones send a few megabytes; the page shrinks them before sending.
pub const PHOTO_LIMIT: usize = 15 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hazards, report))
        .routes(routes!(counts))
        .routes(routes!(export))
        .routes(routes!(hazard))
        .routes(routes!(transition))
        .routes(routes!(add_photo).layer(DefaultBodyLimit::max(PHOTO_LIMIT)))
        .routes(routes!(photo))
        .routes(routes!(notifications))
        .routes(routes!(read_notifications))
        .routes(routes!(webhook, set_webhook))
        .routes(routes!(webhook_deliveries))
}

#[utoipa::path(get, path = "/hazards", tag = "hazards", params(HazardQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of hazards in scope, newest finding first; each with `state` and `overdue`")))]
async fn hazards(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<HazardQuery>,
) -> ApiResult<Page<Hazard>> {
    let filter = q.filter_for(user.account.id)?;
    Ok(Json(
        state
            .store
            .hazards(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/hazards/counts", tag = "hazards", params(HazardQuery), security(("bearer" = [])),
    responses((status = 200, body = HazardCounts, description = "Hazards in scope per state and overdue, with the other filters applied")))]
async fn counts(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<HazardQuery>,
) -> ApiResult<HazardCounts> {
    let filter = q.filter_for(user.account.id)?;
    Ok(Json(state.store.hazard_counts(&user.actor, &filter).await?))
}

#[utoipa::path(get, path = "/hazards/export", tag = "hazards", params(HazardQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The ledger in scope matching the filters with each hazard's whole way (each step's time and person), as .xlsx or .csv")))]
async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<HazardQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter_for(user.account.id)?;
    crate::ops::export::hazards(state.store.clone(), user.actor, t, filter, f.format()).await
}

#[utoipa::path(get, path = "/hazards/{id}", tag = "hazards", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = HazardDetail, description = "The hazard, its timeline (who, when, what, why), plan, photos and `actions` the caller may take now"),
        (status = 404, body = crate::http::error::ErrorBody)))]
async fn hazard(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<HazardDetail> {
    Ok(Json(state.store.hazard(&user.actor, parse_id(&id)?).await?))
}

#[utoipa::path(post, path = "/hazards", tag = "hazards", request_body = HazardInput, security(("bearer" = [])),
    responses((status = 201, body = HazardDetail, description = "Reported: `id` and `state` (rectifying for a general hazard from a self-check or inspection, reported otherwise)"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<HazardInput>,
) -> Result<impl IntoResponse, WebError> {
    let hazard = state.store.report_hazard(&user.actor, input).await?;
    Ok((StatusCode::CREATED, Json(hazard)))
}

#[utoipa::path(post, path = "/hazards/{id}/transitions", tag = "hazards", params(("id" = i64, Path)), request_body = TransitionInput,
    security(("bearer" = [])),
    responses((status = 200, body = HazardDetail, description = "Actions: `accept` (deadline, responsible_person, unit_id), `reject` (comment), `refer` (department_id, comment), `submit_plan` (plan: goals, methods, funds, organisation, timeline, safety_measures), `list` (county only, major hazards), `complete` (measures, cost_yuan), `submit_assessment`, `apply_resumption` (listed major hazards), `verify` (closes), `return` (comment)"),
        (status = 409, body = crate::http::error::ErrorBody, description = "The action is not allowed now; the message says why"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn transition(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<TransitionInput>,
) -> ApiResult<HazardDetail> {
    Ok(Json(
        state
            .store
            .transition_hazard(&user.actor, parse_id(&id)?, input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/hazards/{id}/photos", tag = "hazards", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file`: a JPEG, PNG or WebP picture (by content, up to 15 MB); `stage`: before (default) or after. Stored re-encoded without metadata, with a thumbnail"),
    responses((status = 201, body = HazardPhoto), (status = 422, body = crate::http::error::ErrorBody), (status = 404), (status = 413)))]
async fn add_photo(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<impl IntoResponse, WebError> {
    let form = upload::read(multipart, "file").await?;
    let new = upload::new_photo(parse_id(&id)?, &form).await?;
    let photo = state.store.add_hazard_photo(&user.actor, new).await?;
    Ok((StatusCode::CREATED, Json(photo)))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PhotoQuery {
    /// 1 for the thumbnail.
    pub thumb: Option<u8>,
}

/// Serves a stored photo (always JPEG).
pub(crate) async fn serve_photo(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: i64,
    thumbnail: bool,
) -> Result<Response, WebError> {
    let path = state.store.hazard_photo_file(actor, id, thumbnail).await?;
    upload::serve_photo(&path, &format!("hazard-photo-{id}.jpg")).await
}

#[utoipa::path(get, path = "/hazard-photos/{id}", tag = "hazards", params(("id" = i64, Path), PhotoQuery), security(("bearer" = [])),
    responses((status = 200, description = "The photo as JPEG (nosniff, sandboxed)"), (status = 404)))]
async fn photo(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<PhotoQuery>,
) -> Result<Response, WebError> {
    serve_photo(&state, &user.actor, parse_id(&id)?, q.thumb == Some(1)).await
}

#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct NotificationList {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<safegrid_store::Notification>,
    pub total: i64,
    pub unread: i64,
}

#[utoipa::path(get, path = "/notifications", tag = "hazards", params(NotificationQuery), security(("bearer" = [])),
    responses((status = 200, body = NotificationList, description = "The caller's notifications, newest first, and how many are unread")))]
async fn notifications(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<NotificationQuery>,
) -> ApiResult<NotificationList> {
    let page = state
        .store
        .notifications(&user.actor, PageRequest::new(q.page, q.per_page))
        .await?;
    let unread = state.store.unread_notifications(&user.actor).await?;
    Ok(Json(NotificationList {
        items: page.items,
        total: page.total,
        unread,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReadRequest {
    /// One notification; all when absent.
    pub id: Option<i64>,
}

#[utoipa::path(post, path = "/notifications/read", tag = "hazards", request_body = ReadRequest, security(("bearer" = [])),
    responses((status = 204)))]
async fn read_notifications(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<ReadRequest>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .mark_notifications_read(&user.actor, input.id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/settings/webhook", tag = "hazards", security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::WebhookSettings, description = "The county's outgoing webhook (the secret is never shown)")))]
async fn webhook(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<safegrid_store::WebhookSettings> {
    Ok(Json(state.store.webhook_settings(&user.actor).await?))
}

#[utoipa::path(put, path = "/settings/webhook", tag = "hazards", request_body = safegrid_store::WebhookInput, security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::WebhookSettings, description = "Each notice is then POSTed as JSON with `X-Safegrid-Delivery`, `X-Safegrid-Timestamp` and `X-Safegrid-Signature: sha256=<hex HMAC-SHA256(secret, \"<timestamp>.<body>\")>`, retried with growing pauses (1 min … 6 h, 8 attempts)"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn set_webhook(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<safegrid_store::WebhookInput>,
) -> ApiResult<safegrid_store::WebhookSettings> {
    Ok(Json(super::set_webhook(&state, &user.actor, input).await?))
}

#[utoipa::path(get, path = "/settings/webhook/deliveries", tag = "hazards", security(("bearer" = [])),
    responses((status = 200, body = Vec<safegrid_store::DeliveryRecord>, description = "The latest 100 deliveries, newest first"), (status = 403)))]
async fn webhook_deliveries(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Vec<safegrid_store::DeliveryRecord>> {
    Ok(Json(
        state.store.webhook_deliveries(&user.actor, 100).await?,
    ))
}
