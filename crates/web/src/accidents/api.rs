//! Accidents over the API: the level calculator, the quick report, the ledger, one accident
//! with its chain, its steps and supplements, its photos, and the record as of the accident.

use super::AccidentQuery;
use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use safegrid_domain::accident::AccidentLevel;
use safegrid_domain::accident::level::{FiguresInput, level_of};
use safegrid_store::{
    Accident, AccidentDetail, AccidentInput, Accountability, Page, PageRequest, StepInput,
    SupplementInput,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Largest quick report: five photos of the scene as base64, shrunk on the phone.
pub const REPORT_LIMIT: usize = 16 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(calc_level))
        .routes(routes!(accidents, report).layer(DefaultBodyLimit::max(REPORT_LIMIT)))
        .routes(routes!(export))
        .routes(routes!(stats))
        .routes(routes!(accident))
        .routes(routes!(record_step))
        .routes(routes!(supplement))
        .routes(routes!(accountability))
        .routes(routes!(photo))
}

/// The level of an accident by Order 493.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelAnswer {
    /// general, larger, major or especially_major.
    #[schema(value_type = String)]
    pub level: AccidentLevel,
}

#[utoipa::path(post, path = "/calc/accident-level", tag = "calculations", request_body = FiguresInput, security(("bearer" = [])),
    responses((status = 200, body = LevelAnswer, description = "The level by Order 493 Art. 3: the highest that deaths (the missing counted with them), serious injuries or direct loss reaches"),
        (status = 422, body = crate::http::error::ErrorBody, description = "A count negative or not a whole number, naming it")))]
async fn calc_level(
    _user: ApiUser,
    JsonBody(input): JsonBody<FiguresInput>,
) -> ApiResult<LevelAnswer> {
    Ok(Json(LevelAnswer {
        level: level_of(&input.parse()?),
    }))
}

#[utoipa::path(post, path = "/accidents", tag = "accidents", request_body = AccidentInput, security(("bearer" = [])),
    responses((status = 201, body = AccidentDetail, description = "Taken: its `id`, `level` and `reports`, the chain it must travel with each step's `due_at`; the town, the village's grid members, the unit, its departments and the county are told at once (and the webhook)"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 413)))]
async fn report(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(mut input): JsonBody<AccidentInput>,
) -> Result<impl IntoResponse, WebError> {
    let raw = std::mem::take(&mut input.photos);
    if raw.len() > safegrid_domain::accident::input::MAX_PHOTOS {
        return Err(safegrid_domain::Violation::new("photos", "error.too_many")
            .with("max", safegrid_domain::accident::input::MAX_PHOTOS)
            .into());
    }
    let mut photos = Vec::with_capacity(raw.len());
    for (i, photo) in raw.iter().enumerate() {
        photos.push(crate::ops::upload::base64_photo(photo, &format!("photos[{i}]")).await?);
    }
    let made = state
        .store
        .report_accident(&user.actor, input, photos)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/accidents", tag = "accidents", params(AccidentQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: accidents in scope, the latest first, each with `overdue_steps`"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn accidents(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<AccidentQuery>,
) -> ApiResult<Page<Accident>> {
    Ok(Json(
        state
            .store
            .accidents(
                &user.actor,
                &q.filter(),
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

#[utoipa::path(get, path = "/accidents/export", tag = "accidents", params(AccidentQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The ledger in scope matching the filters, as .xlsx or .csv"), (status = 422, body = crate::http::error::ErrorBody)))]
async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<AccidentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    crate::ops::export::accidents(&state.store, &user.actor, t, &q.filter(), f.format()).await
}

/// How to group the statistics.
#[derive(Debug, serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GroupQuery {
    /// town, sector, kind, level or month.
    pub group: Option<String>,
}

#[utoipa::path(get, path = "/stats/accidents", tag = "accidents", params(GroupQuery, AccidentQuery), security(("bearer" = [])),
    responses((status = 200, body = [safegrid_store::AccidentStat], description = "The accidents in scope matching the ledger's filters, grouped by town, sector, kind, level or month (China time), with their deaths, missing, serious injuries and direct loss; the rows add up to the ledger's total"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn stats(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(g): QueryArgs<GroupQuery>,
    QueryArgs(q): QueryArgs<AccidentQuery>,
) -> ApiResult<Vec<safegrid_store::AccidentStat>> {
    let group = safegrid_domain::accident::AccidentGroup::parse(
        "group",
        g.group.as_deref().unwrap_or("town"),
    )?;
    Ok(Json(
        state
            .store
            .accident_stats(&user.actor, &q.filter(), group)
            .await?,
    ))
}

#[utoipa::path(get, path = "/accidents/{id}", tag = "accidents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = AccidentDetail, description = "The accident with its chain (`reports`, each step `done`, `late`, `due` or `overdue`), supplements and photos"), (status = 404)))]
async fn accident(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<AccidentDetail> {
    Ok(Json(
        state.store.accident(&user.actor, parse_id(&id)?).await?,
    ))
}

#[utoipa::path(post, path = "/accidents/{id}/steps", tag = "accidents", params(("id" = i64, Path)), request_body = StepInput, security(("bearer" = [])),
    responses((status = 200, body = AccidentDetail, description = "Recorded; the later steps' times follow from it"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403, description = "Not this party's step"), (status = 404)))]
async fn record_step(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<StepInput>,
) -> ApiResult<AccidentDetail> {
    Ok(Json(
        state
            .store
            .record_accident_step(&user.actor, parse_id(&id)?, input)
            .await?,
    ))
}

#[utoipa::path(post, path = "/accidents/{id}/supplements", tag = "accidents", params(("id" = i64, Path)), request_body = SupplementInput, security(("bearer" = [])),
    responses((status = 201, body = AccidentDetail, description = "Added; the level recomputed, and the chain run again from the county if it rose"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn supplement(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<SupplementInput>,
) -> Result<impl IntoResponse, WebError> {
    let out = state
        .store
        .supplement_accident(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(out)))
}

#[utoipa::path(get, path = "/accidents/{id}/accountability", tag = "accidents", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Accountability, description = "The grids covering the place, each post with its holders on the accident's day, and the unit's inspections, hazards and statistics reports of the twelve months before"), (status = 404)))]
async fn accountability(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Accountability> {
    Ok(Json(
        state
            .store
            .accountability(&user.actor, parse_id(&id)?)
            .await?,
    ))
}

#[utoipa::path(get, path = "/accident-photos/{id}", tag = "accidents", params(("id" = i64, Path), crate::hazards::api::PhotoQuery), security(("bearer" = [])),
    responses((status = 200, description = "A photo of the scene as JPEG (nosniff, sandboxed), to those who see the accident"), (status = 404)))]
async fn photo(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::hazards::api::PhotoQuery>,
) -> Result<Response, WebError> {
    serve_photo(&state, &user.actor, parse_id(&id)?, q.thumb == Some(1)).await
}

/// Serves a photo of an accident in scope, for the API and the pages alike.
pub(crate) async fn serve_photo(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: i64,
    thumbnail: bool,
) -> Result<Response, WebError> {
    let path = state
        .store
        .accident_photo_file(actor, id, thumbnail)
        .await?;
    crate::ops::upload::serve_photo(&path, &format!("accident-photo-{id}.jpg")).await
}
