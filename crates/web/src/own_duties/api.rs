//! A unit's own checks over the API: recorded by the unit, listed to whoever sees the unit.

use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_domain::invalid::Violation;
use safegrid_domain::unit::check::CheckInput;
use safegrid_store::{
    CheckDetail, CheckPhotos, CheckRecorded, MAX_RECORD_PHOTOS, Page, PageRequest, UnitCheck,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Largest body of a check or a training: its photos as base64 (a photo shrunk on the phone is
/// a few hundred kilobytes; a check keeps at most twenty).
pub const RECORD_LIMIT: usize = 32 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checks, record_check).layer(DefaultBodyLimit::max(RECORD_LIMIT)))
        .routes(routes!(check))
        .routes(routes!(record_photo))
        .routes(routes!(set_working_days))
        .routes(routes!(check_rates))
        .routes(routes!(unit_certificates, add_certificate))
        .routes(routes!(certificates))
        .routes(routes!(export_certificates))
        .routes(routes!(trainings, add_training).layer(DefaultBodyLimit::max(RECORD_LIMIT)))
}

#[utoipa::path(post, path = "/units/{id}/trainings", tag = "own duties", params(("id" = i64, Path)), request_body = safegrid_domain::unit::training::TrainingInput,
    security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::Training, description = "Recorded; a pre-shift briefing marks its day on the unit's calendar in the same transaction"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn add_training(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(mut input): JsonBody<safegrid_domain::unit::training::TrainingInput>,
) -> Result<impl IntoResponse, WebError> {
    let id = parse_id(&id)?;
    let sheet = match input.sign_in_sheet.take() {
        Some(raw) => Some(crate::ops::upload::base64_photo(&raw, "sign_in_sheet").await?),
        None => None,
    };
    let made = state
        .store
        .add_training_with_sheet(&user.actor, id, input, sheet)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

#[utoipa::path(get, path = "/units/{id}/trainings", tag = "own duties", params(("id" = i64, Path), crate::http::answer::PageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: the unit's trainings, newest first"), (status = 404)))]
async fn trainings(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> ApiResult<Page<safegrid_store::Training>> {
    Ok(Json(
        state
            .store
            .trainings(
                &user.actor,
                parse_id(&id)?,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

/// A certificate recorded, with the review duty it sets.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CertificateRecorded {
    #[serde(flatten)]
    pub certificate: safegrid_store::Certificate,
    pub next_duty: NextDuty,
}

/// The duty a certificate sets: its review by its due date.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NextDuty {
    /// certificate_review
    pub kind: String,
    pub due_on: chrono::NaiveDate,
}

#[utoipa::path(post, path = "/units/{id}/certificates", tag = "own duties", params(("id" = i64, Path)), request_body = safegrid_domain::unit::certificate::CertificateInput,
    security(("bearer" = [])),
    responses((status = 201, body = CertificateRecorded, description = "The certificate with `review_due` (special operations every three years from issue, SAWS Order 30; the principal's and safety manager's re-training yearly; the expiry if sooner) and the review duty it sets; it renews the holder's earlier certificate of the same kind"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn add_certificate(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<safegrid_domain::unit::certificate::CertificateInput>,
) -> Result<impl IntoResponse, WebError> {
    let certificate = state
        .store
        .add_certificate(&user.actor, parse_id(&id)?, input)
        .await?;
    let next_duty = NextDuty {
        kind: safegrid_domain::duty::DutyKind::CertificateReview
            .as_str()
            .to_owned(),
        due_on: certificate.review_due,
    };
    Ok((
        StatusCode::CREATED,
        Json(CertificateRecorded {
            certificate,
            next_duty,
        }),
    ))
}

#[utoipa::path(get, path = "/units/{id}/certificates", tag = "own duties", params(("id" = i64, Path), crate::http::answer::PageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: the unit's current certificates, soonest due first"), (status = 404)))]
async fn unit_certificates(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> ApiResult<Page<safegrid_store::Certificate>> {
    let unit = parse_id(&id)?;
    // The unit in scope, or not found.
    state.store.unit(&user.actor, unit).await?;
    let filter = safegrid_store::CertificateFilter {
        unit_id: Some(unit),
        ..Default::default()
    };
    Ok(Json(
        state
            .store
            .certificates(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

/// The filters of the certificate list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificateQuery {
    /// Due for review or expiring within this many days (0–3650; overdue ones included).
    pub due_within_days: Option<u32>,
    /// Units in this division's subtree.
    pub region: Option<String>,
    pub unit: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl CertificateQuery {
    pub fn filter(&self) -> Result<safegrid_store::CertificateFilter, WebError> {
        if self.due_within_days.is_some_and(|d| d > 3650) {
            return Err(safegrid_domain::Invalid::from(
                safegrid_domain::invalid::Violation::new("due_within_days", "error.too_much")
                    .with("max", 3650),
            )
            .into());
        }
        let region = RateQuery {
            region: self.region.clone(),
            ..Default::default()
        }
        .region()?;
        Ok(safegrid_store::CertificateFilter {
            due_within_days: self.due_within_days,
            region,
            unit_id: self.unit,
        })
    }
}

#[utoipa::path(get, path = "/certificates", tag = "own duties", params(CertificateQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: the current three-post certificates in scope, soonest due first, each with `review_due`"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn certificates(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<CertificateQuery>,
) -> ApiResult<Page<safegrid_store::Certificate>> {
    let filter = q.filter()?;
    Ok(Json(
        state
            .store
            .certificates(&user.actor, &filter, PageRequest::new(q.page, q.per_page))
            .await?,
    ))
}

#[utoipa::path(get, path = "/certificates/export", tag = "own duties", params(CertificateQuery, crate::http::answer::FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The certificates as the list filters them, as an Excel workbook or CSV"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn export_certificates(
    State(state): State<AppState>,
    t: crate::http::i18n::Tr,
    user: ApiUser,
    QueryArgs(q): QueryArgs<CertificateQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<axum::response::Response, WebError> {
    let filter = q.filter()?;
    crate::ops::export::certificates(&state.store, &user.actor, t, &filter, f.format()).await
}

/// The filters of the check-rate list.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RateQuery {
    /// Units in this division's subtree (a town or a village).
    pub region: Option<String>,
    /// Units this department supervises.
    pub department: Option<i64>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl RateQuery {
    pub fn region(&self) -> Result<Option<safegrid_domain::region::RegionCode>, WebError> {
        match self
            .region
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
        {
            None => Ok(None),
            Some(r) => Ok(Some(
                safegrid_domain::region::RegionCode::parse("region", r)
                    .map_err(safegrid_domain::Invalid::from)?,
            )),
        }
    }
}

#[utoipa::path(get, path = "/checks/rates", tag = "own duties", params(RateQuery), security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}`: the operating units in scope by how regularly they checked themselves over the last 30 days — working days owed, days checked, rate, last check, and whether they stopped (a week without a check) — those that stopped first, then the least regular"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn check_rates(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<RateQuery>,
) -> ApiResult<Page<safegrid_store::CheckRateRow>> {
    let region = q.region()?;
    Ok(Json(
        state
            .store
            .check_rates(
                &user.actor,
                region.as_ref(),
                q.department,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

#[utoipa::path(post, path = "/units/{id}/checks", tag = "own duties", params(("id" = i64, Path)), request_body = CheckInput,
    security(("bearer" = [])),
    responses((status = 201, body = CheckRecorded, description = "The check with its items, its findings entered in the hazard ledger as `self_check` (linked back), and the day marked on the unit's calendar — all in one transaction"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403, description = "Not the unit's own account"), (status = 404)))]
async fn record_check(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(mut input): JsonBody<CheckInput>,
) -> Result<impl IntoResponse, WebError> {
    let id = parse_id(&id)?;
    let photos = item_photos(&mut input).await?;
    let made = state
        .store
        .record_check_with_photos(&user.actor, id, input, photos)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
}

/// The photos sent inside a check's items, taken out and re-encoded; a fault names
/// `items[i].photo`.
async fn item_photos(input: &mut CheckInput) -> Result<CheckPhotos, WebError> {
    let sent = input.items.iter().filter(|i| i.photo.is_some()).count();
    if sent > MAX_RECORD_PHOTOS {
        return Err(Violation::new("items", "error.too_many")
            .with("max", MAX_RECORD_PHOTOS)
            .into());
    }
    let mut photos = CheckPhotos::default();
    for (i, item) in input.items.iter_mut().enumerate() {
        photos.items.push(match item.photo.take() {
            Some(raw) => {
                Some(crate::ops::upload::base64_photo(&raw, &format!("items[{i}].photo")).await?)
            }
            None => None,
        });
    }
    Ok(photos)
}

#[utoipa::path(get, path = "/units/{id}/checks/{check_id}", tag = "own duties", params(("id" = i64, Path), ("check_id" = i64, Path)),
    security(("bearer" = [])),
    responses((status = 200, body = CheckDetail, description = "The check with its items as found, their photos and the findings it entered in the hazard ledger"), (status = 404)))]
async fn check(
    State(state): State<AppState>,
    user: ApiUser,
    Path((id, check_id)): Path<(String, String)>,
) -> ApiResult<CheckDetail> {
    Ok(Json(
        state
            .store
            .unit_check(&user.actor, parse_id(&id)?, parse_id(&check_id)?)
            .await?,
    ))
}

#[utoipa::path(get, path = "/unit-photos/{id}", tag = "own duties", params(("id" = i64, Path), crate::hazards::api::PhotoQuery), security(("bearer" = [])),
    responses((status = 200, description = "A photo of a unit's check item or training sheet, as JPEG (nosniff, sandboxed)"), (status = 404)))]
async fn record_photo(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::hazards::api::PhotoQuery>,
) -> Result<axum::response::Response, WebError> {
    serve_record_photo(&state, &user.actor, parse_id(&id)?, q.thumb == Some(1)).await
}

/// Serves a photo of a unit's record in scope, for the API and the pages alike.
pub(crate) async fn serve_record_photo(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: i64,
    thumbnail: bool,
) -> Result<axum::response::Response, WebError> {
    let path = state.store.record_photo_file(actor, id, thumbnail).await?;
    crate::ops::upload::serve_photo(&path, &format!("unit-photo-{id}.jpg")).await
}

#[utoipa::path(get, path = "/units/{id}/checks", tag = "own duties", params(("id" = i64, Path), crate::http::answer::PageQuery),
    security(("bearer" = [])),
    responses((status = 200, description = "`{items, total, page, per_page}` of the unit's own checks, newest first, each with its count of items and findings"), (status = 404)))]
async fn checks(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> ApiResult<Page<UnitCheck>> {
    Ok(Json(
        state
            .store
            .unit_checks(
                &user.actor,
                parse_id(&id)?,
                PageRequest::new(q.page, q.per_page),
            )
            .await?,
    ))
}

/// The days of the week a unit works.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ToSchema)]
pub struct WorkingDaysBody {
    /// Seven 1/0 flags, Monday first: `1111100` is Monday to Friday.
    pub working_days: Option<String>,
}

#[utoipa::path(put, path = "/units/{id}/working-days", tag = "own duties", params(("id" = i64, Path)), request_body = WorkingDaysBody,
    security(("bearer" = [])),
    responses((status = 200, body = WorkingDaysBody, description = "Set: a day the unit does not work owes no daily check"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn set_working_days(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(body): JsonBody<WorkingDaysBody>,
) -> ApiResult<WorkingDaysBody> {
    let set = state
        .store
        .set_working_days(
            &user.actor,
            parse_id(&id)?,
            body.working_days.as_deref().unwrap_or_default(),
        )
        .await?;
    Ok(Json(WorkingDaysBody {
        working_days: Some(set),
    }))
}
