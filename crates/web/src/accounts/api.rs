//! The API of accounts: signing in and out, one's own account, password and second factor, and
//! the account administration of the three administrators.

use super::*;
use crate::http::answer::{ApiResult, PageQuery, parse_id};
use crate::http::auth::{self, ApiUser};
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use chrono::{Duration, Utc};
use safegrid_store::{NewSession, Page, PageRequest, SessionKind};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

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

#[utoipa::path(post, path = "/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401, body = crate::http::error::ErrorBody)))]
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

#[utoipa::path(post, path = "/me/totp", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = TotpEnrolment), (status = 401, body = crate::http::error::ErrorBody),
        (status = 409, body = crate::http::error::ErrorBody, description = "a second factor is on already")))]
async fn totp_begin(State(state): State<AppState>, user: ApiUser) -> ApiResult<TotpEnrolment> {
    Ok(Json(begin_totp(&state, &user.account, &user.actor).await?))
}

#[utoipa::path(post, path = "/me/totp/confirm", tag = "auth", request_body = TotpConfirmation, security(("bearer" = [])),
    responses((status = 204), (status = 401, body = crate::http::error::ErrorBody), (status = 409, body = crate::http::error::ErrorBody),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn totp_confirm(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<TotpConfirmation>,
) -> Result<StatusCode, WebError> {
    confirm_totp(&state, &user.account, &user.actor, &input.code).await?;
    Ok(StatusCode::NO_CONTENT)
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

#[utoipa::path(post, path = "/accounts", tag = "accounts", request_body = AccountInput, security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::Account), (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn create_account(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<AccountInput>,
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

#[utoipa::path(post, path = "/me/password", tag = "auth", request_body = OwnPasswordRequest,
    security(("bearer" = [])), responses((status = 204), (status = 401, body = crate::http::error::ErrorBody), (status = 422, body = crate::http::error::ErrorBody)))]
async fn own_password(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<OwnPasswordRequest>,
) -> Result<StatusCode, WebError> {
    change_own_password(&state, &user.account, &user.actor, &user.token_hash, input).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(post, path = "/accounts/{id}/password", tag = "accounts", params(("id" = i64, Path)), request_body = PasswordRequest,
    security(("bearer" = [])), responses((status = 204), (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn reset_password(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<PasswordRequest>,
) -> Result<StatusCode, WebError> {
    reset_password_of(&state, &user.actor, parse_id(&id)?, &input.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(own_password))
        .routes(routes!(totp_begin))
        .routes(routes!(totp_confirm))
        .routes(routes!(accounts, create_account))
        .routes(routes!(disable_account))
        .routes(routes!(enable_account))
        .routes(routes!(reset_password))
}
