//! The API of the unit ledger: units, their coverage by grids, export and the census import.

use super::*;
use crate::http::answer::{ApiResult, FormatQuery, PageQuery, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_store::{Page, PageRequest};
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

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
    responses((status = 200, body = safegrid_store::UnitDetail), (status = 404, body = crate::http::error::ErrorBody)))]
async fn unit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
) -> ApiResult<safegrid_store::UnitDetail> {
    Ok(Json(state.store.unit(&user.actor, parse_id(&id)?).await?))
}

#[utoipa::path(post, path = "/units", tag = "units", request_body = safegrid_store::UnitInput, security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::UnitDetail), (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn create_unit(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(input): JsonBody<safegrid_store::UnitInput>,
) -> Result<impl IntoResponse, WebError> {
    let unit = save_unit(&state, &user.actor, None, input).await?;
    Ok((StatusCode::CREATED, Json(unit)))
}

#[utoipa::path(patch, path = "/units/{id}", tag = "units", params(("id" = i64, Path)), request_body = safegrid_store::UnitInput,
    security(("bearer" = [])),
    responses((status = 200, body = safegrid_store::UnitDetail), (status = 422, body = crate::http::error::ErrorBody), (status = 404)))]
async fn update_unit(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<safegrid_store::UnitInput>,
) -> ApiResult<safegrid_store::UnitDetail> {
    Ok(Json(
        save_unit(&state, &user.actor, Some(parse_id(&id)?), input).await?,
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

#[utoipa::path(get, path = "/units/export", tag = "units", params(UnitQuery, FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "the units in scope matching the filters, as .xlsx or .csv (streamed)")))]
async fn export_units(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<UnitQuery>,
    QueryArgs(f): QueryArgs<FormatQuery>,
) -> Result<axum::response::Response, WebError> {
    let filter = q.filter()?;
    crate::ops::export::units(state.store.clone(), user.actor, t, filter, f.format()).await
}

#[utoipa::path(get, path = "/units/import/template", tag = "units", security(("bearer" = [])),
    responses((status = 200, description = "an .xlsx template with Chinese headers and value lists")))]
async fn import_template(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
) -> Result<axum::response::Response, WebError> {
    import_template_for(&state, &t, &user.actor).await
}

#[utoipa::path(get, path = "/units/import/errors", tag = "units", params(ExportFormat), security(("bearer" = [])),
    responses((status = 200, description = "the account's last import's every error: row, field, message (xlsx or csv)"),
        (status = 401, body = crate::http::error::ErrorBody), (status = 404, body = crate::http::error::ErrorBody)))]
async fn import_errors(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<ExportFormat>,
) -> Result<axum::response::Response, WebError> {
    import_errors_for(&state, &user.actor, &t, q.format.as_deref()).await
}

#[utoipa::path(post, path = "/units/import", tag = "units", params(ModeQuery), security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "field `file`: .xlsx or .csv; optional field `mode`"),
    responses((status = 200, body = ImportAnswer), (status = 422, body = crate::http::error::ErrorBody)))]
async fn import_units(
    State(state): State<AppState>,
    user: ApiUser,
    t: crate::http::i18n::Tr,
    QueryArgs(q): QueryArgs<ModeQuery>,
    multipart: axum::extract::Multipart,
) -> ApiResult<ImportAnswer> {
    Ok(Json(
        import_from(&state, &user.actor, &t, q.mode, multipart).await?,
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(coverage))
        .routes(routes!(units, create_unit))
        .routes(routes!(export_units))
        .routes(routes!(import_template))
        .routes(routes!(import_errors))
        .routes(
            routes!(import_units).layer(axum::extract::DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .routes(routes!(unit, update_unit))
}
