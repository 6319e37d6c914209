//! What a unit keeps on file, over the API: major hazard sources, documents, its own grid, its
//! management systems, and the county's grading rule.

use super::HazardSourceQuery;
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
use safegrid_domain::unit::gb18218::{NAMED_SUBSTANCES, NamedSubstance};
use safegrid_domain::unit::grade::GradeRule;
use safegrid_store::{
    Document, GridNode, GridNodeInput, HazardSource, HazardSourceDetail, HazardSourceInput, Page,
    PageRequest, SystemEntry, SystemInput,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(hazard_sources, create_hazard_source))
        .routes(routes!(hazard_source, update_hazard_source))
        .routes(routes!(retire_hazard_source))
        .routes(routes!(export_hazard_sources))
        .routes(routes!(substances))
        .routes(routes!(documents, add_document).layer(DefaultBodyLimit::max(upload::UPLOAD_LIMIT)))
        .routes(routes!(document_file))
        .routes(routes!(withdraw_document))
        .routes(routes!(grid_nodes, add_grid_node))
        .routes(routes!(retire_grid_node))
        .routes(routes!(systems, set_system))
        .routes(routes!(grade_rule, set_grade_rule))
        .routes(routes!(calc_gb18218))
}

#[utoipa::path(get, path = "/hazard-sources", tag = "hazard sources", params(HazardSourceQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of hazard sources in scope, level 1 first")))]
async fn hazard_sources(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<HazardSourceQuery>,
) -> ApiResult<Page<HazardSource>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .hazard_sources(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/hazard-sources/export", tag = "hazard sources", params(HazardSourceQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The register in scope matching the filters, as .xlsx or .csv")))]
async fn export_hazard_sources(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<HazardSourceQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    crate::ops::export::hazard_sources(&state.store, &user.actor, &t, &filter, f.format()).await
}

#[utoipa::path(get, path = "/hazard-sources/{id}", tag = "hazard sources", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = HazardSourceDetail), (status = 404, body = crate::http::error::ErrorBody)))]
async fn hazard_source(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<HazardSourceDetail> {
    Ok(Json(
        state
            .store
            .hazard_source(&user.actor, parse_id(&id)?)
            .await?,
    ))
}

#[utoipa::path(post, path = "/hazard-sources", tag = "hazard sources", request_body = HazardSourceInput, security(("bearer" = [])),
    responses((status = 201, body = HazardSourceDetail, description = "S, α, R, whether major and the level are worked out by GB 18218; the unit is graded again"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn create_hazard_source(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<HazardSourceInput>,
) -> Result<impl IntoResponse, WebError> {
    let source = super::save_hazard_source(&state, &user.actor, None, input).await?;
    Ok((StatusCode::CREATED, Json(source)))
}

#[utoipa::path(patch, path = "/hazard-sources/{id}", tag = "hazard sources", params(("id" = i64, Path)), request_body = HazardSourceInput,
    security(("bearer" = [])),
    responses((status = 200, body = HazardSourceDetail), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn update_hazard_source(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<HazardSourceInput>,
) -> ApiResult<HazardSourceDetail> {
    Ok(Json(
        super::save_hazard_source(&state, &user.actor, Some(parse_id(&id)?), input).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    pub reason: Option<String>,
}

#[utoipa::path(post, path = "/hazard-sources/{id}/retire", tag = "hazard sources", params(("id" = i64, Path)), request_body = ReasonRequest,
    security(("bearer" = [])),
    responses((status = 200, body = HazardSourceDetail), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn retire_hazard_source(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReasonRequest>,
) -> ApiResult<HazardSourceDetail> {
    Ok(Json(
        state
            .store
            .retire_hazard_source(&user.actor, parse_id(&id)?, input.reason.as_deref())
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SubstanceList {
    #[schema(value_type = Vec<Object>)]
    pub items: &'static [NamedSubstance],
}

#[utoipa::path(get, path = "/calc/substances", tag = "calculations", security(("bearer" = [])),
    responses((status = 200, body = SubstanceList, description = "Substances of GB 18218 Table 1 with their critical quantity and β")))]
async fn substances(_user: ApiUser) -> ApiResult<SubstanceList> {
    Ok(Json(SubstanceList {
        items: NAMED_SUBSTANCES,
    }))
}

#[utoipa::path(get, path = "/units/{id}/documents", tag = "unit records", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<Document>), (status = 404, body = crate::http::error::ErrorBody)))]
async fn documents(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Vec<Document>> {
    Ok(Json(
        state.store.documents(&user.actor, parse_id(&id)?).await?,
    ))
}

#[utoipa::path(post, path = "/units/{id}/documents", tag = "unit records", params(("id" = i64, Path)), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "`file` (PDF, JPEG, PNG, WebP, Word or Excel, by content; up to 20 MB), `kind` = archive | system | letter | procedure | hazard_source, optional `title`, `system` (for kind system), `node_id` (a node of the unit's grid), `hazard_source_id` (for kind hazard_source)"),
    responses((status = 201, body = Document), (status = 422, body = crate::http::error::ErrorBody), (status = 404), (status = 413)))]
async fn add_document(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    multipart: Multipart,
) -> Result<impl IntoResponse, WebError> {
    let form = upload::read(multipart, "file").await?;
    let new = super::new_document(parse_id(&id)?, form)?;
    let doc = state.store.add_document(&user.actor, new).await?;
    Ok((StatusCode::CREATED, Json(doc)))
}

#[utoipa::path(get, path = "/documents/{id}/file", tag = "unit records", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, description = "The file, with the type sniffed at upload"), (status = 404, body = crate::http::error::ErrorBody)))]
async fn document_file(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    super::serve_document(&state, &user.actor, &id).await
}

#[utoipa::path(post, path = "/documents/{id}/withdraw", tag = "unit records", params(("id" = i64, Path)), request_body = ReasonRequest,
    security(("bearer" = [])),
    responses((status = 200, body = Document), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn withdraw_document(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReasonRequest>,
) -> ApiResult<Document> {
    Ok(Json(
        state
            .store
            .withdraw_document(&user.actor, parse_id(&id)?, input.reason.as_deref())
            .await?,
    ))
}

#[utoipa::path(get, path = "/units/{id}/grid", tag = "unit records", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<GridNode>, description = "The unit's own grid: company → workshop → team, and the responsibilities under them"), (status = 404)))]
async fn grid_nodes(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Vec<GridNode>> {
    Ok(Json(
        state.store.grid_nodes(&user.actor, parse_id(&id)?).await?,
    ))
}

#[utoipa::path(post, path = "/units/{id}/grid", tag = "unit records", params(("id" = i64, Path)), request_body = GridNodeInput,
    security(("bearer" = [])),
    responses((status = 201, body = GridNode, description = "`kind`: company (top), workshop (under a company), team (under a workshop), or area, place, part, link, equipment, process (under any of those)"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn add_grid_node(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<GridNodeInput>,
) -> Result<impl IntoResponse, WebError> {
    let node = state
        .store
        .add_grid_node(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(node)))
}

#[utoipa::path(post, path = "/units/{id}/grid/{node}/retire", tag = "unit records", params(("id" = i64, Path), ("node" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 204), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn retire_grid_node(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, node)): Path<(String, String)>,
) -> Result<StatusCode, WebError> {
    state
        .store
        .retire_grid_node(&user.actor, parse_id(&id)?, parse_id(&node)?)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/units/{id}/systems", tag = "unit records", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = Vec<SystemEntry>, description = "The sixteen management systems and whether the unit has each"), (status = 404)))]
async fn systems(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<Vec<SystemEntry>> {
    Ok(Json(
        state
            .store
            .unit_systems(&user.actor, parse_id(&id)?)
            .await?,
    ))
}

#[utoipa::path(put, path = "/units/{id}/systems", tag = "unit records", params(("id" = i64, Path)), request_body = SystemInput,
    security(("bearer" = [])),
    responses((status = 200, body = SystemEntry), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn set_system(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<SystemInput>,
) -> ApiResult<SystemEntry> {
    Ok(Json(
        state
            .store
            .set_unit_system(&user.actor, parse_id(&id)?, input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/settings/grade-rule", tag = "units", security(("bearer" = [])),
    responses((status = 200, description = "The county's A/B/C grading rule: `high_risk_sectors`, `key_sectors`, `employees_for_b`")))]
async fn grade_rule(State(state): State<AppState>, user: ApiUser) -> ApiResult<GradeRule> {
    Ok(Json(state.store.grade_rule(&user.actor).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegradeAnswer {
    /// Units graded again by the new rule.
    pub units: u64,
}

#[utoipa::path(put, path = "/settings/grade-rule", tag = "units", security(("bearer" = [])),
    request_body(content = Object, description = "`{high_risk_sectors: [...], key_sectors: [...], employees_for_b}`"),
    responses((status = 200, body = RegradeAnswer), (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn set_grade_rule(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(rule): JsonBody<GradeRule>,
) -> ApiResult<RegradeAnswer> {
    let units = state.store.set_grade_rule(&user.actor, rule).await?;
    Ok(Json(RegradeAnswer { units }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct Gb18218Request {
    /// People normally present within 500 m outside the boundary.
    pub people_within_500m: u32,
    /// Each hazardous chemical: `q` actual tonnes, `critical_q` the critical quantity, `beta`.
    #[schema(value_type = Vec<Object>)]
    pub substances: Vec<safegrid_domain::unit::gb18218::Substance>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Gb18218Response {
    /// S = Σ q/Q
    pub s: f64,
    pub alpha: f64,
    /// R = α · Σ β·q/Q
    pub r: f64,
    pub is_major: bool,
    /// 1–4, null when not a major hazard source.
    pub level: Option<u8>,
}

#[utoipa::path(post, path = "/calc/gb18218", tag = "calculations", request_body = Gb18218Request, security(("bearer" = [])),
    responses((status = 200, body = Gb18218Response), (status = 422, body = crate::http::error::ErrorBody)))]
async fn calc_gb18218(
    _user: ApiUser,
    JsonBody(input): JsonBody<Gb18218Request>,
) -> ApiResult<Gb18218Response> {
    let g = safegrid_domain::unit::gb18218::grade(input.people_within_500m, &input.substances)?;
    Ok(Json(Gb18218Response {
        s: g.s,
        alpha: g.alpha,
        r: g.r,
        is_major: g.is_major,
        level: g.level,
    }))
}
