//! The API of the organisation: divisions, departments, grids and their posts, people and
//! holdings, the leadership group, the responsibility ledger and the grid plans.

use super::{AsOfQuery, GridQuery, LedgerQuery};
use crate::http::answer::{ApiResult, parse_id, whole};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::NaiveDate;
use safegrid_domain::org::input::{
    AppointmentInput, DepartmentInput, GridPlanInput, PersonInput, RegionInput, ReplacementInput,
    VacancyInput,
};
use safegrid_domain::time::today;
use safegrid_store::{Holding, Page, PageRequest, Post};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// The parent division's 12-digit code; absent: the top of the caller's scope.
    pub parent: Option<String>,
}

#[utoipa::path(get, path = "/regions", tag = "organisation", params(RegionQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of divisions with `code`, `name`, `kind`, `level`, `children`, `grids`")))]
async fn regions(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<RegionQuery>,
) -> ApiResult<Page<safegrid_store::RegionNode>> {
    let parent = q.parent.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if let Some(p) = parent {
        safegrid_domain::region::RegionCode::parse("parent", p)?;
        state.store.region(&user.actor, p).await?;
    }
    Ok(Json(whole(
        state.store.region_children(&user.actor, parent).await?,
    )))
}

#[utoipa::path(get, path = "/regions/{code}", tag = "organisation", security(("bearer" = [])),
    params(("code" = String, Path, description = "12-digit division code")),
    responses((status = 200, body = safegrid_store::Region), (status = 404, body = crate::http::error::ErrorBody)))]
async fn region(
    State(state): State<AppState>,
    user: ApiUser,
    Path(code): Path<String>,
) -> ApiResult<safegrid_store::Region> {
    Ok(Json(state.store.region(&user.actor, &code).await?))
}

#[utoipa::path(post, path = "/regions", tag = "organisation", security(("bearer" = [])),
    request_body(content = serde_json::Value, description = "`{code, parent_code, name, kind}`; kind one of province, city, county, town, street, park, village, community"),
    responses((status = 201, body = safegrid_store::Region), (status = 422, body = crate::http::error::ErrorBody)))]
async fn create_region(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<RegionInput>,
) -> Result<impl IntoResponse, WebError> {
    let region = state
        .store
        .create_region(&user.actor, input.parse()?)
        .await?;
    Ok((StatusCode::CREATED, Json(region)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DepartmentView {
    #[serde(flatten)]
    pub department: safegrid_store::Department,
    pub sectors: Vec<safegrid_store::DepartmentSector>,
}

async fn department_views(
    state: &AppState,
    list: Vec<safegrid_store::Department>,
) -> Result<Vec<DepartmentView>, WebError> {
    let ids: Vec<i64> = list.iter().map(|d| d.id).collect();
    let sectors = state.store.department_sectors(&ids).await?;
    Ok(list
        .into_iter()
        .map(|department| DepartmentView {
            sectors: sectors
                .iter()
                .filter(|s| s.department_id == department.id)
                .cloned()
                .collect(),
            department,
        })
        .collect())
}

#[utoipa::path(get, path = "/departments", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of departments with their sectors")))]
async fn departments(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<Page<DepartmentView>> {
    let list = state.store.departments(&user.actor).await?;
    Ok(Json(whole(department_views(&state, list).await?)))
}

#[utoipa::path(get, path = "/departments/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = DepartmentView), (status = 404, body = crate::http::error::ErrorBody)))]
async fn department(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<DepartmentView> {
    let id = parse_id(&id)?;
    let d = state.store.department(&user.actor, id).await?;
    let mut views = department_views(&state, vec![d]).await?;
    views.pop().map(Json).ok_or(WebError::NotFound)
}

#[utoipa::path(post, path = "/departments", tag = "organisation", security(("bearer" = [])),
    request_body(content = serde_json::Value, description = "`{county_code, name, short_name, is_committee_office, sectors: [code]}`"),
    responses((status = 201, body = safegrid_store::Department), (status = 422, body = crate::http::error::ErrorBody)))]
async fn create_department(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<DepartmentInput>,
) -> Result<impl IntoResponse, WebError> {
    let d = state
        .store
        .create_department(&user.actor, input.parse()?)
        .await?;
    Ok((StatusCode::CREATED, Json(d)))
}

#[utoipa::path(get, path = "/grids", tag = "organisation", params(GridQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of grids, each with its staffing `gaps`")))]
async fn grids(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<GridQuery>,
) -> ApiResult<Page<safegrid_store::GridListItem>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .grids(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

/// A post with the people holding it on a date (and, in the grid view, its whole history).
#[derive(Debug, Serialize, ToSchema)]
pub struct PostView {
    #[serde(flatten)]
    pub post: Post,
    pub holders: Vec<Holding>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<Holding>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GridView {
    #[serde(flatten)]
    pub grid: safegrid_store::Grid,
    pub posts: Vec<PostView>,
    pub gaps: Vec<safegrid_domain::org::StaffingGap>,
}

#[utoipa::path(get, path = "/grids/{id}", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), responses((status = 200, body = GridView), (status = 404, body = crate::http::error::ErrorBody)))]
async fn grid(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<GridView> {
    let date = today();
    let detail = state.store.grid(&user.actor, parse_id(&id)?, date).await?;
    let posts = detail
        .posts
        .into_iter()
        .map(|p| PostView {
            holders: p.holders_on(date).cloned().collect(),
            history: Some(p.holdings.clone()),
            post: p.post,
        })
        .collect();
    Ok(Json(GridView {
        grid: detail.grid,
        posts,
        gaps: detail.gaps,
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PostsAsOf {
    pub as_of: NaiveDate,
    pub items: Vec<PostView>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

#[utoipa::path(get, path = "/grids/{id}/posts", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path), AsOfQuery),
    responses((status = 200, body = PostsAsOf), (status = 422, body = crate::http::error::ErrorBody)))]
async fn grid_posts(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<AsOfQuery>,
) -> ApiResult<PostsAsOf> {
    let date = q.date()?;
    let detail = state.store.grid(&user.actor, parse_id(&id)?, date).await?;
    let items: Vec<PostView> = detail
        .posts
        .into_iter()
        .map(|p| PostView {
            holders: p.holders_on(date).cloned().collect(),
            history: None,
            post: p.post,
        })
        .collect();
    let n = items.len() as u64;
    Ok(Json(PostsAsOf {
        as_of: date,
        total: n as i64,
        page: 1,
        per_page: n.max(1),
        items,
    }))
}

#[utoipa::path(post, path = "/posts/{id}/holdings", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AppointmentInput,
    responses((status = 201, body = Holding), (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn appoint(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AppointmentInput>,
) -> Result<impl IntoResponse, WebError> {
    let id = parse_id(&id)?;
    let holding = state.store.appoint(&user.actor, id, input.parse()?).await?;
    Ok((StatusCode::CREATED, Json(holding)))
}

#[utoipa::path(post, path = "/holdings/{id}/replace", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReplacementInput,
    responses((status = 201, body = Holding), (status = 422, body = crate::http::error::ErrorBody)))]
async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReplacementInput>,
) -> Result<impl IntoResponse, WebError> {
    let id = parse_id(&id)?;
    let holding = state
        .store
        .replace_holder(&user.actor, id, input.parse()?)
        .await?;
    Ok((StatusCode::CREATED, Json(holding)))
}

#[utoipa::path(post, path = "/holdings/{id}/end", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = VacancyInput,
    responses((status = 200, body = Holding), (status = 422, body = crate::http::error::ErrorBody)))]
async fn end_holding(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<VacancyInput>,
) -> ApiResult<Holding> {
    let id = parse_id(&id)?;
    let holding = state
        .store
        .end_holding(&user.actor, id, input.parse()?)
        .await?;
    Ok(Json(holding))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Part of a name or phone number.
    pub q: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(get, path = "/people", tag = "organisation", params(PeopleQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of people in scope")))]
async fn people(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<PeopleQuery>,
) -> ApiResult<Page<safegrid_store::Person>> {
    Ok(Json(
        state
            .store
            .people(
                &user.actor,
                q.q.as_deref(),
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/people", tag = "organisation", security(("bearer" = [])),
    request_body = PersonInput, responses((status = 201, body = safegrid_store::Person), (status = 422, body = crate::http::error::ErrorBody)))]
async fn create_person(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<impl IntoResponse, WebError> {
    let person = state
        .store
        .create_person(&user.actor, input.parse()?)
        .await?;
    Ok((StatusCode::CREATED, Json(person)))
}

#[utoipa::path(get, path = "/leadership", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::Leadership)))]
async fn leadership(
    State(state): State<AppState>,
    user: ApiUser,
) -> ApiResult<safegrid_store::Leadership> {
    Ok(Json(state.store.leadership(&user.actor).await?))
}

#[utoipa::path(get, path = "/ledger", tag = "organisation", params(LedgerQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of ledger lines: grid, post, holder on the date")))]
async fn ledger(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<LedgerQuery>,
) -> ApiResult<Page<safegrid_store::LedgerLine>> {
    let (filter, date) = q.filter()?;
    Ok(Json(
        state
            .store
            .ledger(
                &user.actor,
                &filter,
                date,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

/// The plan board as a list: every department and town in scope with its plan state.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlanList {
    /// The county's filing deadline, if set.
    pub due_on: Option<NaiveDate>,
    pub items: Vec<safegrid_store::PlanOwner>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

#[utoipa::path(get, path = "/plans", tag = "organisation", security(("bearer" = [])),
    responses((status = 200, body = PlanList, description = "each owner's `state`: filed, filed_late, missing or pending")))]
async fn plans(State(state): State<AppState>, user: ApiUser) -> ApiResult<PlanList> {
    let board = state.store.plan_board(&user.actor, today()).await?;
    let n = board.owners.len() as u64;
    Ok(Json(PlanList {
        due_on: board.due_on,
        total: n as i64,
        page: 1,
        per_page: n.max(1),
        items: board.owners,
    }))
}

#[utoipa::path(post, path = "/plans", tag = "organisation", security(("bearer" = [])),
    request_body(content = serde_json::Value, description = "`{title, filed_on, note}`; the county office adds `department_id` or `region_code` (a town)"),
    responses((status = 201, body = safegrid_store::GridPlan), (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn file_plan(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<GridPlanInput>,
) -> Result<impl IntoResponse, WebError> {
    let plan = state
        .store
        .file_plan(&user.actor, input.parse(today())?)
        .await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct DeadlineRequest {
    /// YYYY-MM-DD
    pub due_on: String,
}

#[utoipa::path(put, path = "/plans/deadline", tag = "organisation", security(("bearer" = [])),
    request_body = DeadlineRequest, responses((status = 200, body = DeadlineRequest), (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn set_plan_deadline(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<DeadlineRequest>,
) -> ApiResult<DeadlineRequest> {
    let due = state
        .store
        .set_plan_deadline(&user.actor, &input.due_on)
        .await?;
    Ok(Json(DeadlineRequest {
        due_on: due.to_string(),
    }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(regions, create_region))
        .routes(routes!(region))
        .routes(routes!(departments, create_department))
        .routes(routes!(department))
        .routes(routes!(grids))
        .routes(routes!(grid))
        .routes(routes!(grid_posts))
        .routes(routes!(appoint))
        .routes(routes!(replace))
        .routes(routes!(end_holding))
        .routes(routes!(people, create_person))
        .routes(routes!(leadership))
        .routes(routes!(ledger))
        .routes(routes!(plans, file_plan))
        .routes(routes!(set_plan_deadline))
}
