//! Which units check themselves (企业自查情况): the town's, department's or county's list of
//! its operating units by their daily-check rate over the last 30 days, those that stopped
//! first.

use super::api::RateQuery;
use super::{certificate_pages, check_form, training_pages};
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use axum::routing::get;
use safegrid_store::{CheckRateRow, Department, PageRequest, RATE_DAYS};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checks", get(rates))
        .route(
            "/units/{id}/checks",
            get(unit_checks)
                .post(check_form::record_check)
                .layer(DefaultBodyLimit::max(super::api::RECORD_LIMIT)),
        )
        .route("/units/{id}/checks/{check_id}", get(check))
        .route("/certificates", get(certificate_pages::register))
        .route("/certificates/export", get(certificate_pages::export))
        .route(
            "/units/{id}/certificates",
            axum::routing::post(certificate_pages::record),
        )
        .route(
            "/units/{id}/trainings",
            get(training_pages::trainings)
                .post(training_pages::record)
                .layer(DefaultBodyLimit::max(super::api::RECORD_LIMIT)),
        )
        .route("/unit-photos/{id}", get(photo))
        .route("/units/{id}/checks/new", get(check_form::new_check))
}

#[derive(Template)]
#[template(path = "check_rates.html")]
struct RatesPage {
    t: Tr,
    chrome: Chrome,
    rows: Vec<CheckRateRow>,
    pager: Pager,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    q: RateQuery,
    days: u32,
}

/// A rate as a whole percentage.
pub(crate) fn percent(row: &CheckRateRow) -> u32 {
    (row.rate * 100.0).round().clamp(0.0, 100.0) as u32
}

async fn rates(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<RateQuery>,
) -> Result<Response, WebError> {
    let region = q.region()?;
    let page = state
        .store
        .check_rates(
            &user.actor,
            region.as_ref(),
            q.department,
            PageRequest::new(q.page, Some(50)),
        )
        .await?;
    render(&RatesPage {
        chrome: Chrome::new(&t, &user, "own_checks"),
        pager: Pager::new(
            &page,
            query_of(&RateQuery {
                page: None,
                ..q.clone()
            }),
        ),
        rows: page.items,
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        days: RATE_DAYS,
        t,
        q,
    })
}

#[derive(Template)]
#[template(path = "unit_checks.html")]
struct ChecksPage {
    t: Tr,
    chrome: Chrome,
    unit: safegrid_store::Unit,
    /// This month's days: the day, and its state (done, due, overdue, or none when not owed).
    strip: Vec<(chrono::NaiveDate, &'static str)>,
    checks: Vec<safegrid_store::UnitCheck>,
    pager: Pager,
    own: bool,
}

pub async fn unit_checks(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let page = state
        .store
        .unit_checks(&user.actor, id, PageRequest::new(q.page, Some(31)))
        .await?;
    let today = safegrid_domain::time::today();
    let month = safegrid_domain::duty::Period::of(safegrid_domain::duty::Cadence::Monthly, today);
    let filter = safegrid_store::DutyFilter {
        kind: Some(safegrid_domain::duty::DutyKind::DailyCheck),
        unit_id: Some(id),
        period: Some(month),
        ..Default::default()
    };
    let duties = state
        .store
        .duties(&user.actor, &filter, PageRequest::new(Some(1), Some(100)))
        .await?;
    let strip = month
        .first_day()
        .iter_days()
        .take_while(|d| *d <= month.last_day())
        .map(|d| {
            let state = duties
                .items
                .iter()
                .find(|x| x.due_on == d)
                .map_or("none", |x| x.state.as_str());
            (d, state)
        })
        .collect();
    render(&ChecksPage {
        chrome: Chrome::new(&t, &user, "units"),
        pager: Pager::new(&page, String::new()),
        checks: page.items,
        own: safegrid_domain::hazard::lifecycle::Party::of(user.actor.role)
            == safegrid_domain::hazard::lifecycle::Party::Unit,
        unit,
        strip,
        t,
    })
}

#[derive(Template)]
#[template(path = "unit_check.html")]
struct CheckPage {
    t: Tr,
    chrome: Chrome,
    unit: safegrid_store::Unit,
    check: safegrid_store::CheckDetail,
}

impl CheckPage {
    /// The photo of item `position`, if one was taken.
    fn photo_of(&self, position: &i32) -> Option<i64> {
        self.check
            .item_photos
            .iter()
            .find(|p| p.item_position == Some(*position))
            .map(|p| p.id)
    }
}

/// One check as found: each item with its result, note and photo, and the findings it entered.
async fn check(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    axum::extract::Path((id, check_id)): axum::extract::Path<(String, String)>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let check_id = crate::http::answer::parse_id(&check_id)?;
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let check = state.store.unit_check(&user.actor, id, check_id).await?;
    render(&CheckPage {
        chrome: Chrome::new(&t, &user, "units"),
        unit,
        check,
        t,
    })
}

/// A photo of a unit's check item or training sheet, for whoever sees the unit.
async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
    QueryArgs(q): QueryArgs<crate::hazards::api::PhotoQuery>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    super::api::serve_record_photo(&state, &user.actor, id, q.thumb == Some(1)).await
}
