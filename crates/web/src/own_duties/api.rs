//! A unit's own checks over the API: recorded by the unit, listed to whoever sees the unit.

use crate::http::answer::{ApiResult, parse_id};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use safegrid_domain::unit::check::CheckInput;
use safegrid_store::{CheckRecorded, Page, PageRequest, UnitCheck};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(checks, record_check))
        .routes(routes!(set_working_days))
        .routes(routes!(check_rates))
        .routes(routes!(unit_certificates, add_certificate))
        .routes(routes!(certificates))
        .routes(routes!(export_certificates))
        .routes(routes!(trainings, add_training))
}

#[utoipa::path(post, path = "/units/{id}/trainings", tag = "own duties", params(("id" = i64, Path)), request_body = safegrid_domain::unit::training::TrainingInput,
    security(("bearer" = [])),
    responses((status = 201, body = safegrid_store::Training, description = "Recorded; a pre-shift briefing marks its day on the unit's calendar in the same transaction"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403), (status = 404)))]
async fn add_training(
    State(state): State<AppState>,
    user: ApiUser,
    Path(id): Path<String>,
    JsonBody(input): JsonBody<safegrid_domain::unit::training::TrainingInput>,
) -> Result<impl IntoResponse, WebError> {
    let made = state
        .store
        .add_training(&user.actor, parse_id(&id)?, input)
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
    fn filter(&self) -> Result<safegrid_store::CertificateFilter, WebError> {
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
    let format = crate::ops::export::format_of(f.format())?;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let batch = state
            .store
            .certificates(
                &user.actor,
                &filter,
                PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
            )
            .await?;
        for c in &batch.items {
            rows.push(vec![
                c.unit_name.clone(),
                c.region_name.clone().unwrap_or_default(),
                c.holder.clone(),
                t.label("certificate_kind", c.kind.as_str()),
                c.category
                    .as_deref()
                    .map(|k| t.label("special_operation", k))
                    .unwrap_or_default(),
                c.number.clone(),
                c.issued_on.to_string(),
                c.expires_on.to_string(),
                c.review_due.to_string(),
            ]);
        }
        if batch.page >= batch.pages() {
            break;
        }
        page += 1;
    }
    let headers: Vec<String> = [
        "hazard_sources.unit",
        "units.village",
        "certificates.holder",
        "certificates.kind",
        "certificates.category",
        "certificates.number",
        "certificates.issued_on",
        "certificates.expires_on",
        "certificates.review_due",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let heading = crate::ops::export::Heading::of(
        &state.store,
        &user.actor,
        t,
        "certificates",
        t.t("certificates.title"),
    )
    .await;
    crate::ops::export::table(&heading, &headers, &rows, format)
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
    JsonBody(input): JsonBody<CheckInput>,
) -> Result<impl IntoResponse, WebError> {
    let made = state
        .store
        .record_check(&user.actor, parse_id(&id)?, input)
        .await?;
    Ok((StatusCode::CREATED, Json(made)))
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
