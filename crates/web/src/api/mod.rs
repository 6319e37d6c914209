//! The JSON API under `/api/v1`, described at `/api/openapi.json`. Handlers are thin: they
//! read the input, call the store with the caller's actor, and shape the answer.

mod hazards;
mod openapi;
mod reports;
mod unit_records;

pub(crate) use hazards::serve_photo;
pub use hazards::{HazardQuery, PHOTO_LIMIT, PhotoQuery};
pub use openapi::{ApiDoc, router_and_description};
pub use reports::StandingQuery;
pub use unit_records::HazardSourceQuery;

use crate::auth::{self, ApiUser};
use crate::error::WebError;
use crate::extract::{JsonBody, QueryArgs};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, NaiveDate, Utc};
use safegrid_domain::tenure::parse_date;
use safegrid_domain::time::today;
use safegrid_store::{
    Appointment, GridFilter, Holding, LedgerFilter, NewDepartment, NewPerson, NewRegion,
    NewSession, Page, PageRequest, PersonChoice, Post, Replacement, SessionKind, Vacancy,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

pub(crate) type ApiResult<T> = Result<Json<T>, WebError>;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(own_password))
        .routes(routes!(totp_begin))
        .routes(routes!(totp_confirm))
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
        .routes(routes!(accounts, create_account))
        .routes(routes!(disable_account))
        .routes(routes!(enable_account))
        .routes(routes!(reset_password))
        .routes(routes!(calc_gb18218))
        .routes(routes!(coverage))
        .routes(routes!(units, create_unit))
        .routes(routes!(export_units))
        .routes(routes!(import_template))
        .routes(routes!(import_errors))
        .routes(
            routes!(import_units).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .routes(routes!(unit, update_unit))
        .routes(routes!(audit))
        .routes(routes!(export_audit))
        .merge(unit_records::router())
        .merge(hazards::router())
        .merge(reports::router())
        .fallback(|| async { WebError::NotFound })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
    /// The six digits of the account's authenticator app, for accounts with a second factor.
    pub totp: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer <token>`.
    pub token: String,
    pub expires_at: chrono::DateTime<Utc>,
    pub account: AccountView,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub username: String,
    pub display_name: String,
    pub role: safegrid_domain::access::Role,
    pub scope: serde_json::Value,
    /// Whether the account signs in with a second factor.
    pub totp_enabled: bool,
    /// Whether it must enrol one before anything else (`POST /api/v1/me/totp`).
    pub totp_enrolment_required: bool,
}

impl AccountView {
    fn of(state: &AppState, user: &safegrid_store::Account) -> Self {
        let actor = user.actor(None);
        Self {
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            scope: serde_json::to_value(&actor.scope).unwrap_or_default(),
            totp_enabled: user.totp_enabled_at.is_some(),
            totp_enrolment_required: auth::must_enrol(state, user),
        }
    }
}

/// Refused sign-ins allowed per account name within the window; then the name is locked.
pub const LOGIN_ATTEMPTS: i64 = 5;
/// Refused sign-ins allowed from one client address within the window, whatever the names:
/// enough for an office behind one address, too few to guess across accounts or lock them all.
pub const LOGIN_ATTEMPTS_PER_ADDRESS: i64 = 30;
pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Checks a username and password, and the second factor's code for an account that has one;
/// answers the account if they match. A wrong code counts as a refused sign-in, like a wrong
/// password, so codes cannot be guessed either.
pub(crate) async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    totp: Option<&str>,
    from: Option<String>,
) -> Result<safegrid_store::Account, WebError> {
    // The name is counted, locked and looked up in the one form the store gives it, so
    // " admin" and "admin" are the same name to the lock as they are to the lookup.
    let name = safegrid_store::login_name(username);
    let since = Utc::now() - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES);
    let locked = WebError::LoginLocked {
        minutes: LOGIN_WINDOW_MINUTES,
    };
    if let Some(address) = &from
        && state.store.failed_logins_from(address, since).await? >= LOGIN_ATTEMPTS_PER_ADDRESS
    {
        return Err(locked);
    }
    if state.store.failed_logins_since(&name, since).await? >= LOGIN_ATTEMPTS {
        return Err(locked);
    }
    let account = state.store.account_by_username(&name).await?;
    let hash = account
        .as_ref()
        .map(|a| a.password_hash.clone())
        .unwrap_or_else(auth::dummy_hash);
    let ok = auth::verify_password(hash, password.to_owned()).await;
    let account = match account {
        Some(a) if ok && !a.disabled => a,
        _ => {
            state.store.record_failed_login(&name, from).await?;
            return Err(WebError::WrongCredentials);
        }
    };
    let (Some(secret), Some(_)) = (&account.totp_secret, account.totp_enabled_at) else {
        return Ok(account);
    };
    let code = totp.map(str::trim).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Err(WebError::TotpRequired);
    };
    let step = crate::second_factor::matching_step(
        secret,
        &account.username,
        code,
        crate::second_factor::now_seconds(),
    );
    match step {
        Some(step) if state.store.use_totp_step(account.id, step).await? => Ok(account),
        _ => {
            state.store.record_failed_login(&name, from).await?;
            Err(WebError::WrongTotp)
        }
    }
}

#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::error::ErrorBody)))]
async fn login(
    State(state): State<AppState>,
    auth::ClientAddr(from): auth::ClientAddr,
    headers: axum::http::HeaderMap,
    JsonBody(input): JsonBody<LoginRequest>,
) -> ApiResult<LoginResponse> {
    let account = check_credentials(
        &state,
        &input.username,
        &input.password,
        input.totp.as_deref(),
        from.clone(),
    )
    .await?;
    let token = auth::new_token();
    let expires_at = Utc::now() + Duration::hours(state.config.session_hours.max(1));
    let agent = headers
        .get(axum::http::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let session = NewSession {
        kind: SessionKind::Api,
        token_hash: auth::token_hash(&token),
        csrf_token: String::new(),
        expires_at,
        from,
        user_agent: agent,
    };
    state.store.create_session(&account, session).await?;
    Ok(Json(LoginResponse {
        token,
        expires_at,
        account: AccountView::of(&state, &account),
    }))
}

#[utoipa::path(post, path = "/auth/logout", tag = "auth", security(("bearer" = [])),
    responses((status = 204)))]
async fn logout(State(state): State<AppState>, user: ApiUser) -> Result<StatusCode, WebError> {
    state
        .store
        .end_session(&user.actor, &user.token_hash)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/me", tag = "auth", security(("bearer" = [])), responses((status = 200, body = AccountView)))]
async fn me(State(state): State<AppState>, user: ApiUser) -> ApiResult<AccountView> {
    Ok(Json(AccountView::of(&state, &user.account)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The new secret in base32, to type into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://totp/…` address (what the QR code holds).
    pub otpauth_uri: String,
}

/// Starts enrolling the account's second factor: a new secret, on once a code from it is
/// confirmed.
pub(crate) async fn begin_totp(
    state: &AppState,
    user_account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
) -> Result<TotpEnrolment, WebError> {
    let secret = crate::second_factor::new_secret();
    let otpauth_uri = crate::second_factor::otpauth_uri(&secret, &user_account.username)
        .ok_or(WebError::Internal)?;
    state.store.begin_totp(actor, &secret).await?;
    Ok(TotpEnrolment {
        secret,
        otpauth_uri,
    })
}

#[utoipa::path(post, path = "/me/totp", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TotpEnrolment), (status = 401, body = crate::error::ErrorBody),
        (status = 409, body = crate::error::ErrorBody, description = "a second factor is on already")))]
async fn totp_begin(State(state): State<AppState>, user: ApiUser) -> ApiResult<TotpEnrolment> {
    Ok(Json(begin_totp(&state, &user.account, &user.actor).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TotpConfirmation {
    /// Six digits from the authenticator app.
    pub code: String,
}

/// Turns the second factor on with a code from the secret being enrolled.
pub(crate) async fn confirm_totp(
    state: &AppState,
    user_account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
    code: &str,
) -> Result<(), WebError> {
    if user_account.totp_enabled_at.is_some() {
        return Err(WebError::Refused("totp.already_on"));
    }
    let secret = user_account
        .totp_secret
        .as_deref()
        .ok_or(WebError::Refused("totp.not_begun"))?;
    let step = crate::second_factor::matching_step(
        secret,
        &user_account.username,
        code,
        crate::second_factor::now_seconds(),
    )
    .ok_or_else(|| safegrid_domain::Violation::new("code", "totp.code_wrong"))?;
    state.store.enable_totp(actor, step).await?;
    Ok(())
}

#[utoipa::path(post, path = "/me/totp/confirm", tag = "auth", request_body = TotpConfirmation, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
        (status = 422, body = crate::error::ErrorBody)))]
async fn totp_confirm(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<TotpConfirmation>,
) -> Result<StatusCode, WebError> {
    confirm_totp(&state, &user.account, &user.actor, &input.code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegionQuery {
    /// The parent division's 12-digit code; absent: the top of the caller's scope.
    pub parent: Option<String>,
}

fn whole<T>(items: Vec<T>) -> Page<T> {
    let n = items.len() as u64;
    Page {
        total: n as i64,
        page: 1,
        per_page: n.max(1),
        items,
    }
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
    responses((status = 200, body = safegrid_store::Region), (status = 404, body = crate::error::ErrorBody)))]
async fn region(
    State(state): State<AppState>,
    user: ApiUser,
    Path(code): Path<String>,
) -> ApiResult<safegrid_store::Region> {
    Ok(Json(state.store.region(&user.actor, &code).await?))
}

#[utoipa::path(post, path = "/regions", tag = "organisation", security(("bearer" = [])),
    request_body(content = serde_json::Value, description = "`{code, parent_code, name, kind}`; kind one of province, city, county, town, street, park, village, community"),
    responses((status = 201, body = safegrid_store::Region), (status = 422, body = crate::error::ErrorBody)))]
async fn create_region(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<NewRegion>,
) -> Result<impl IntoResponse, WebError> {
    let region = state.store.create_region(&user.actor, input).await?;
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
    params(("id" = i64, Path)), responses((status = 200, body = DepartmentView), (status = 404, body = crate::error::ErrorBody)))]
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
    responses((status = 201, body = safegrid_store::Department), (status = 422, body = crate::error::ErrorBody)))]
async fn create_department(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<NewDepartment>,
) -> Result<impl IntoResponse, WebError> {
    let d = state.store.create_department(&user.actor, input).await?;
    Ok((StatusCode::CREATED, Json(d)))
}

/// Ids in paths are parsed here so a malformed one answers 404 like a missing one.
pub(crate) fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.trim().parse::<i64>().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridQuery {
    /// Grids in this division's subtree (12-digit code).
    pub region: Option<String>,
    pub department: Option<i64>,
    /// county, department_town, town, town_zone, park, village
    pub kind: Option<String>,
    pub level: Option<i32>,
    /// Only grids with a post short of people today.
    pub gaps_only: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[utoipa::path(get, path = "/grids", tag = "organisation", params(GridQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of grids, each with its staffing `gaps`")))]
async fn grids(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<GridQuery>,
) -> ApiResult<Page<safegrid_store::GridListItem>> {
    if let Some(region) = q.region.as_deref().filter(|s| !s.is_empty()) {
        safegrid_domain::region::RegionCode::parse("region", region)?;
    }
    let filter = GridFilter {
        region: q.region,
        department: q.department,
        kind: q.kind,
        level: q.level,
        gaps_only: q.gaps_only.unwrap_or(false),
    };
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
    params(("id" = i64, Path)), responses((status = 200, body = GridView), (status = 404, body = crate::error::ErrorBody)))]
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The date (YYYY-MM-DD); today when absent.
    pub as_of: Option<String>,
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
    responses((status = 200, body = PostsAsOf), (status = 422, body = crate::error::ErrorBody)))]
async fn grid_posts(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<AsOfQuery>,
) -> ApiResult<PostsAsOf> {
    let date = match q.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
        Some(raw) => parse_date("as_of", raw)?,
        None => today(),
    };
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct PersonInput {
    pub name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
}

impl From<PersonInput> for NewPerson {
    fn from(p: PersonInput) -> Self {
        NewPerson {
            name: p.name,
            phone: p.phone,
            job_title: p.job_title,
            ..Default::default()
        }
    }
}

fn person_choice(id: Option<i64>, person: Option<PersonInput>) -> Result<PersonChoice, WebError> {
    match (id, person) {
        (Some(id), _) => Ok(PersonChoice::Existing(id)),
        (None, Some(p)) => Ok(PersonChoice::New(p.into())),
        (None, None) => Err(safegrid_domain::Violation::new("person_id", "error.required").into()),
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AppointRequest {
    /// An existing person; or give `person` to register a new one.
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
    /// YYYY-MM-DD
    pub started_on: String,
    /// YYYY-MM-DD, exclusive: the first day no longer held.
    pub ended_on: Option<String>,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/posts/{id}/holdings", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = AppointRequest,
    responses((status = 201, body = Holding), (status = 422, body = crate::error::ErrorBody), (status = 403), (status = 404)))]
async fn appoint(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<AppointRequest>,
) -> Result<impl IntoResponse, WebError> {
    let appointment = Appointment {
        person: person_choice(input.person_id, input.person)?,
        started_on: input.started_on,
        ended_on: input.ended_on,
        note: input.note,
    };
    let holding = state
        .store
        .appoint(&user.actor, parse_id(&id)?, appointment)
        .await?;
    Ok((StatusCode::CREATED, Json(holding)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplaceRequest {
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
    /// The hand-over date (YYYY-MM-DD): the old holder's last day is the day before.
    pub on: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/holdings/{id}/replace", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = ReplaceRequest,
    responses((status = 201, body = Holding), (status = 422, body = crate::error::ErrorBody)))]
async fn replace(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<ReplaceRequest>,
) -> Result<impl IntoResponse, WebError> {
    let replacement = Replacement {
        person: person_choice(input.person_id, input.person)?,
        on: input.on,
        note: input.note,
    };
    let holding = state
        .store
        .replace_holder(&user.actor, parse_id(&id)?, replacement)
        .await?;
    Ok((StatusCode::CREATED, Json(holding)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct EndRequest {
    /// The first day the post is vacant (YYYY-MM-DD).
    pub ended_on: String,
    pub note: Option<String>,
}

#[utoipa::path(post, path = "/holdings/{id}/end", tag = "organisation", security(("bearer" = [])),
    params(("id" = i64, Path)), request_body = EndRequest,
    responses((status = 200, body = Holding), (status = 422, body = crate::error::ErrorBody)))]
async fn end_holding(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<EndRequest>,
) -> ApiResult<Holding> {
    let holding = state
        .store
        .end_holding(
            &user.actor,
            parse_id(&id)?,
            Vacancy {
                ended_on: input.ended_on,
                note: input.note,
            },
        )
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
    request_body = PersonInput, responses((status = 201, body = safegrid_store::Person), (status = 422, body = crate::error::ErrorBody)))]
async fn create_person(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<impl IntoResponse, WebError> {
    let person = state.store.create_person(&user.actor, input.into()).await?;
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    pub region: Option<String>,
    pub department: Option<i64>,
    pub kind: Option<String>,
    pub level: Option<i32>,
    pub post: Option<String>,
    pub q: Option<String>,
    pub gaps_only: Option<bool>,
    pub as_of: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl LedgerQuery {
    pub(crate) fn filter(&self) -> Result<(LedgerFilter, NaiveDate), WebError> {
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            safegrid_domain::region::RegionCode::parse("region", region)?;
        }
        let date = match self.as_of.as_deref().filter(|s| !s.trim().is_empty()) {
            Some(raw) => parse_date("as_of", raw)?,
            None => today(),
        };
        Ok((
            LedgerFilter {
                grids: GridFilter {
                    region: self.region.clone(),
                    department: self.department,
                    kind: self.kind.clone(),
                    level: self.level,
                    gaps_only: self.gaps_only.unwrap_or(false),
                },
                post: self.post.clone(),
                q: self.q.clone(),
            },
            date,
        ))
    }
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Records of this account name.
    pub username: Option<String>,
    /// Records of this action (`auth.login`, `hazard.transition` …).
    pub action: Option<String>,
    /// From this day (YYYY-MM-DD, China time), included.
    pub from: Option<String>,
    /// To this day, included.
    pub to: Option<String>,
    /// xlsx (default) or csv, for the export.
    pub format: Option<String>,
}

impl AuditQuery {
    /// The filter, with every mistyped field named at once.
    pub fn filter(&self) -> Result<safegrid_store::AuditFilter, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(100).collect::<String>())
        };
        let mut date = |field: &str, v: &Option<String>| match text(v) {
            None => None,
            Some(raw) => parse_date(field, &raw).map_err(|e| errors.push(e)).ok(),
        };
        let filter = safegrid_store::AuditFilter {
            username: text(&self.username),
            action: text(&self.action),
            from: date("from", &self.from),
            to: date("to", &self.to),
        };
        errors.into_result()?;
        Ok(filter)
    }
}

#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of audit records, newest first"), (status = 403)))]
async fn audit(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<AuditQuery>,
) -> ApiResult<Page<safegrid_store::AuditEntry>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .audit_log(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/audit/export", tag = "audit", params(AuditQuery), security(("bearer" = [])),
    responses((status = 200, description = "the matching audit records, oldest first, as xlsx or csv"), (status = 403)))]
async fn export_audit(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::i18n::Tr,
    QueryArgs(q): QueryArgs<AuditQuery>,
) -> Result<axum::response::Response, WebError> {
    crate::export::audit(state.store.clone(), user.actor, t, &q).await
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
    responses((status = 201, body = safegrid_store::GridPlan), (status = 422, body = crate::error::ErrorBody), (status = 403)))]
async fn file_plan(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<safegrid_store::NewPlan>,
) -> Result<impl IntoResponse, WebError> {
    let plan = state.store.file_plan(&user.actor, input, today()).await?;
    Ok((StatusCode::CREATED, Json(plan)))
}

#[derive(Debug, Deserialize, Serialize, ToSchema)]
pub struct DeadlineRequest {
    /// YYYY-MM-DD
    pub due_on: String,
}

#[utoipa::path(put, path = "/plans/deadline", tag = "organisation", security(("bearer" = [])),
    request_body = DeadlineRequest, responses((status = 200, body = DeadlineRequest), (status = 422, body = crate::error::ErrorBody), (status = 403)))]
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

#[utoipa::path(get, path = "/accounts", tag = "accounts", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of accounts"), (status = 403)))]
async fn accounts(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> ApiResult<Page<safegrid_store::Account>> {
    Ok(Json(
        state
            .store
            .accounts(&user.actor, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct NewAccountRequest {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// county_admin, committee_office, department_staff, town_staff, village_member,
    /// unit_manager or leader (the three administrators are set up from the command line).
    pub role: String,
    /// The division a region-scoped account sees.
    pub scope_region_code: Option<String>,
    /// The department of a department account.
    pub scope_department_id: Option<i64>,
    /// The county of a department account.
    pub county_code: Option<String>,
}

/// Checks the password, hashes it and creates the account.
pub(crate) async fn create_account_from(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    input: NewAccountRequest,
) -> Result<safegrid_store::Account, WebError> {
    if !safegrid_domain::access::Role::ALL
        .into_iter()
        .any(|role| safegrid_domain::access::may_create_account(actor.role, role))
    {
        return Err(WebError::Forbidden);
    }
    safegrid_domain::access::check_password("password", &input.password, &input.username)?;
    let hash = auth::hash_password_blocking(input.password).await?;
    Ok(state
        .store
        .create_account(
            actor,
            safegrid_store::NewAccount {
                username: input.username,
                display_name: input.display_name,
                password_hash: hash,
                role: input.role,
                scope_region_code: input.scope_region_code,
                scope_department_id: input.scope_department_id,
                // The store takes a department account's county from its department.
                county_code: input.county_code,
                ..Default::default()
            },
        )
        .await?)
}

#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = NewAccountRequest, security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::Account), (status = 422, body = crate::error::ErrorBody), (status = 403)))]
async fn create_account(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<NewAccountRequest>,
) -> Result<impl IntoResponse, WebError> {
    let account = create_account_from(&state, &user.actor, input).await?;
    Ok((StatusCode::CREATED, Json(account)))
}

#[utoipa::path(post, path = "/accounts/{id}/disable", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::Account), (status = 403), (status = 404)))]
async fn disable_account(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<safegrid_store::Account> {
    Ok(Json(
        state
            .store
            .set_account_disabled(&user.actor, parse_id(&id)?, true)
            .await?,
    ))
}

#[utoipa::path(post, path = "/accounts/{id}/enable", tag = "accounts", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::Account), (status = 403), (status = 404)))]
async fn enable_account(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<safegrid_store::Account> {
    Ok(Json(
        state
            .store
            .set_account_disabled(&user.actor, parse_id(&id)?, false)
            .await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordRequest {
    pub password: String,
}

pub(crate) async fn reset_password_of(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: i64,
    password: &str,
) -> Result<(), WebError> {
    // Who may reset whose password is the domain's table; the new one must not be the name.
    let target = state
        .store
        .account_to_act_on(
            actor,
            id,
            safegrid_domain::access::AccountAction::ResetPassword,
        )
        .await?;
    safegrid_domain::access::check_password("password", password, &target.username)?;
    let hash = auth::hash_password_blocking(password.to_owned()).await?;
    state.store.set_password(actor, id, &hash).await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OwnPasswordRequest {
    /// The password the account has now.
    pub current_password: String,
    /// The new one: at least 10 characters of three kinds (upper and lower case, digits,
    /// symbols), not the account name, not a common password.
    pub new_password: String,
}

/// Changes the signed-in account's own password, proved with the current one; its other
/// sessions end.
pub(crate) async fn change_own_password(
    state: &AppState,
    account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
    token_hash: &str,
    input: OwnPasswordRequest,
) -> Result<(), WebError> {
    if !auth::verify_password(account.password_hash.clone(), input.current_password).await {
        return Err(
            safegrid_domain::Violation::new("current_password", "error.password_wrong").into(),
        );
    }
    safegrid_domain::access::check_password(
        "new_password",
        &input.new_password,
        &account.username,
    )?;
    let hash = auth::hash_password_blocking(input.new_password).await?;
    state
        .store
        .change_own_password(actor, &hash, token_hash)
        .await?;
    Ok(())
}

#[utoipa::path(post, path = "/me/password", tag = "auth", request_body = OwnPasswordRequest,
    security(("bearer" = [])), responses((status = 204), (status = 401, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
async fn own_password(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<OwnPasswordRequest>,
) -> Result<StatusCode, WebError> {
    change_own_password(&state, &user.account, &user.actor, &user.token_hash, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/accounts/{id}/password", tag = "accounts", params(("id" = i64, Path)), request_body = PasswordRequest,
    security(("bearer" = [])), responses((status = 204), (status = 422, body = crate::error::ErrorBody), (status = 403), (status = 404)))]
async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PasswordRequest>,
) -> Result<StatusCode, WebError> {
    reset_password_of(&state, &user.actor, parse_id(&id)?, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
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
    responses((status = 200, body = Gb18218Response), (status = 422, body = crate::error::ErrorBody)))]
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

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// A substring of the name or address, a USCC, or the pinyin initials of the name.
    pub q: Option<String>,
    /// Units in this division's subtree (12-digit code).
    pub region: Option<String>,
    /// Units this department supervises.
    pub department: Option<i64>,
    pub sector: Option<String>,
    /// A, B or C
    pub grade: Option<String>,
    /// Key supervised units only (true) or the others (false).
    pub key: Option<bool>,
    /// operating, suspended, closed, moved
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl UnitQuery {
    pub(crate) fn filter(&self) -> Result<safegrid_store::UnitFilter, WebError> {
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            safegrid_domain::region::RegionCode::parse("region", region)?;
        }
        Ok(safegrid_store::UnitFilter {
            q: self.q.clone(),
            region: self.region.clone(),
            department: self.department,
            sector: self.sector.clone(),
            grade: self.grade.clone(),
            key: self.key,
            status: self.status.clone(),
        })
    }
}

#[utoipa::path(get, path = "/units", tag = "units", params(UnitQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of units (`id`, `name`, `uscc`, `region`, `supervision_grade`, …)")))]
async fn units(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<UnitQuery>,
) -> ApiResult<Page<safegrid_store::Unit>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .units(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/units/{id}", tag = "units", params(("id" = i64, Path)), security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::UnitDetail), (status = 404, body = crate::error::ErrorBody)))]
async fn unit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<safegrid_store::UnitDetail> {
    Ok(Json(state.store.unit(&user.actor, parse_id(&id)?).await?))
}

#[utoipa::path(post, path = "/units", tag = "units", request_body = safegrid_store::UnitInput, security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::UnitDetail), (status = 422, body = crate::error::ErrorBody), (status = 403)))]
async fn create_unit(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<safegrid_store::UnitInput>,
) -> Result<impl IntoResponse, WebError> {
    let unit = state.store.create_unit(&user.actor, input).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

#[utoipa::path(patch, path = "/units/{id}", tag = "units", params(("id" = i64, Path)), request_body = safegrid_store::UnitInput,
    security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::UnitDetail), (status = 422, body = crate::error::ErrorBody), (status = 404)))]
async fn update_unit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<safegrid_store::UnitInput>,
) -> ApiResult<safegrid_store::UnitDetail> {
    Ok(Json(
        state
            .store
            .update_unit(&user.actor, parse_id(&id)?, input)
            .await?,
    ))
}

#[utoipa::path(get, path = "/coverage", tag = "units", params(PageQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`; each item has `kind` (unit_without_village, unit_without_department, grid_understaffed), `object` {type, id, name} and `reason`")))]
async fn coverage(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> ApiResult<Page<safegrid_store::CoverageItem>> {
    let all = state.store.coverage(&user.actor).await?;
    let page = PageRequest::new(q.page, q.per_page);
    let total = all.len() as i64;
    let start = usize::try_from(page.offset())
        .unwrap_or(usize::MAX)
        .min(all.len());
    let items = all
        .into_iter()
        .skip(start)
        .take(usize::try_from(page.per_page).unwrap_or(50))
        .collect();
    Ok(Json(Page {
        items,
        total,
        page: page.page,
        per_page: page.per_page,
    }))
}

/// Which file an export answers with; every export, API and page, reads it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// xlsx (default) or csv
    pub format: Option<String>,
}

impl FormatQuery {
    pub fn format(&self) -> &str {
        self.format.as_deref().unwrap_or("xlsx")
    }
}

#[utoipa::path(get, path = "/units/export", tag = "units", params(UnitQuery, FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "the units in scope matching the filters, as .xlsx or .csv (streamed)")))]
async fn export_units(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::i18n::Tr,
    QueryArgs(q): QueryArgs<UnitQuery>,
    QueryArgs(f): QueryArgs<FormatQuery>,
) -> Result<axum::response::Response, WebError> {
    let filter = q.filter()?;
    crate::export::units(state.store.clone(), user.actor, t, filter, f.format()).await
}

#[utoipa::path(get, path = "/units/import/template", tag = "units", security(("bearer" = [])),
    responses((status = 200, description = "an .xlsx template with Chinese headers and value lists")))]
async fn import_template(
    State(state): State<AppState>,
    _user: ApiUser,
    t: crate::i18n::Tr,
) -> Result<axum::response::Response, WebError> {
    import_template_for(&state, &t).await
}

/// The import template in the reader's language.
pub(crate) async fn import_template_for(
    state: &AppState,
    t: &crate::i18n::Tr,
) -> Result<axum::response::Response, WebError> {
    let columns = crate::import::template_columns();
    let headers: Vec<String> = columns.iter().map(|(_, key)| t.t(key).to_owned()).collect();
    let sectors = state.store.sectors().await?;
    let position = |field: &str| columns.iter().position(|(f, _)| *f == field).unwrap_or(0);
    let label =
        |prefix: &str, codes: &[&str]| codes.iter().map(|c| t.label(prefix, c)).collect::<Vec<_>>();
    let lists = vec![
        (
            position("sector"),
            sectors
                .iter()
                .map(|s| {
                    if t.locale == crate::i18n::Locale::En {
                        s.name_en.clone()
                    } else {
                        s.name_zh.clone()
                    }
                })
                .collect(),
        ),
        (
            position("supervision_grade"),
            vec!["A".to_owned(), "B".to_owned(), "C".to_owned()],
        ),
        (
            position("status"),
            label(
                "unit_status",
                &["operating", "suspended", "closed", "moved"],
            ),
        ),
        (
            position("standardisation"),
            label(
                "standardisation",
                &safegrid_domain::unit::record::STANDARDISATION,
            ),
        ),
        (
            position("is_key"),
            vec![
                t.t("units.bool.true").to_owned(),
                t.t("units.bool.false").to_owned(),
            ],
        ),
    ];
    let bytes = safegrid_office::template_xlsx(&headers, &lists).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        WebError::Internal
    })?;
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    response.headers_mut().insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"units-template.xlsx\""),
    );
    Ok(response)
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRowError {
    pub row: u32,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub total_rows: u32,
    pub imported: u32,
    /// The errors of the first 1,000 rows refused, in row order.
    pub errors: Vec<ImportRowError>,
    /// Every error, of every row refused.
    pub error_count: u64,
    /// Rows refused.
    pub refused_rows: u64,
    /// Whether `errors` stops short of them all; the whole list is at `errors_download`.
    pub errors_truncated: bool,
    /// Where this account's last import's whole error list is downloaded (`format=xlsx|csv`).
    pub errors_download: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModeQuery {
    /// dry_run, all_or_nothing (default) or valid_rows
    pub mode: Option<String>,
}

/// Reads the multipart upload (`file`, and `mode` as a field or in the query) and imports it.
pub(crate) async fn import_from(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::i18n::Tr,
    mode: Option<String>,
    multipart: axum::extract::Multipart,
) -> Result<ImportAnswer, WebError> {
    let form = crate::upload::read(multipart, "file").await?;
    let mode = form.fields.get("mode").cloned().or(mode);
    import_file(state, actor, t, mode, form.file.map(|f| f.bytes)).await
}

/// Imports a spreadsheet of units in the given mode, reporting every refused row. One import
/// per account at a time; the file is read off the async threads within `office::limits`.
pub(crate) async fn import_file(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::i18n::Tr,
    mode: Option<String>,
    file: Option<Vec<u8>>,
) -> Result<ImportAnswer, WebError> {
    let mode = safegrid_store::ImportMode::parse("mode", mode.as_deref())?;
    let bytes = file.ok_or_else(|| safegrid_domain::Violation::new("file", "error.required"))?;
    let account = actor.account_id.unwrap_or_default();
    let _ticket =
        crate::import::ImportDesk::start(&state.imports, account).ok_or(WebError::ImportRunning)?;
    let started = std::time::Instant::now();
    let sectors = state.store.sectors().await?;
    let rows = tokio::task::spawn_blocking(move || {
        let table = safegrid_office::read_table(&bytes).map_err(|e| {
            use safegrid_office::ReadError;
            let limit = |key: &'static str, limit: u64| {
                safegrid_domain::Violation::new("file", key).with("limit", limit)
            };
            match e {
                ReadError::TooLarge {
                    what: "rows",
                    limit: n,
                } => limit("error.import_rows", n),
                ReadError::TooLarge {
                    what: "columns",
                    limit: n,
                } => limit("error.import_columns", n),
                ReadError::TooLarge {
                    what: "cells",
                    limit: n,
                } => limit("error.import_cells", n),
                ReadError::TooLarge { limit: n, .. } => limit("error.import_unpacked", n),
                ReadError::Unreadable | ReadError::Empty => {
                    safegrid_domain::Violation::new("file", "error.import_unreadable")
                }
            }
        })?;
        crate::import::rows(&table, &sectors)
    })
    .await
    .map_err(|_| WebError::Internal)??;
    let read_ms = started.elapsed().as_millis();
    let read_rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    // A row the reader refused is checked by the store all the same, so its every error is
    // reported at once; it is never imported, and in all-or-nothing mode nothing is.
    let strict = mode == safegrid_store::ImportMode::AllOrNothing
        && rows.iter().any(|r| !r.reader_errors.is_empty());
    let store_mode = if strict {
        safegrid_store::ImportMode::DryRun
    } else {
        mode
    };
    let report = state.store.import_units(actor, rows, store_mode).await?;
    tracing::info!(
        rows = read_rows,
        imported = report.imported,
        read_ms,
        stored_ms = started.elapsed().as_millis(),
        "unit import"
    );
    let mut errors: Vec<ImportRowError> = report
        .errors
        .iter()
        .map(|e| ImportRowError {
            row: e.row,
            field: e.violation.field.clone(),
            message: crate::error::translate(t, &e.violation),
        })
        .collect();
    errors.sort_by_key(|e| e.row);
    let error_count = errors.len() as u64;
    let mut refused: Vec<u32> = errors.iter().map(|e| e.row).collect();
    refused.dedup();
    // The answer lists the errors of the first rows refused; the whole list is kept for the
    // account to download.
    let shown = match refused.get(crate::import::ERROR_ROWS_SHOWN) {
        Some(first_hidden) => errors.partition_point(|e| e.row < *first_hidden),
        None => errors.len(),
    };
    let errors_truncated = shown < errors.len();
    let errors_download = (!errors.is_empty()).then(|| "/api/v1/units/import/errors".to_owned());
    if !errors.is_empty() {
        state.imports.keep(account, errors.clone());
    }
    errors.truncate(shown);
    Ok(ImportAnswer {
        total_rows: read_rows,
        imported: report.imported,
        errors,
        error_count,
        refused_rows: refused.len() as u64,
        errors_truncated,
        errors_download,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// xlsx (default) or csv
    pub format: Option<String>,
}

/// The account's last import's whole error list, as a table.
pub(crate) fn import_errors_for(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::i18n::Tr,
    format: Option<&str>,
) -> Result<axum::response::Response, WebError> {
    let rows: Vec<Vec<String>> = state
        .imports
        .report(actor.account_id.unwrap_or_default())
        .ok_or(WebError::NotFound)?
        .into_iter()
        .map(|mut r| {
            // The field as the page names it (统一社会信用代码), not as the API does (uscc).
            if let Some(field) = r.get_mut(1) {
                *field = t.t(&format!("field.{field}")).to_owned();
            }
            r
        })
        .collect();
    let headers: Vec<String> = ["import.row", "import.column", "import.problem"]
        .iter()
        .map(|k| t.t(k).to_owned())
        .collect();
    crate::export::table(
        t.t("import.errors_title"),
        &headers,
        &rows,
        format.unwrap_or("xlsx"),
        "import-errors",
    )
}

#[utoipa::path(get, path = "/units/import/errors", tag = "units", params(ExportFormat), security(("bearer" = [])),
    responses((status = 200, description = "the account's last import's every error: row, field, message (xlsx or csv)"),
        (status = 401, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody)))]
async fn import_errors(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::i18n::Tr,
    QueryArgs(q): QueryArgs<ExportFormat>,
) -> Result<axum::response::Response, WebError> {
    import_errors_for(&state, &user.actor, &t, q.format.as_deref())
}

#[utoipa::path(post, path = "/units/import", tag = "units", params(ModeQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: .xlsx or .csv; optional field `mode`"),
    responses((status = 200, body = ImportAnswer), (status = 422, body = crate::error::ErrorBody)))]
async fn import_units(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::i18n::Tr,
    QueryArgs(q): QueryArgs<ModeQuery>,
    multipart: axum::extract::Multipart,
) -> ApiResult<ImportAnswer> {
    Ok(Json(
        import_from(&state, &user.actor, &t, q.mode, multipart).await?,
    ))
}
