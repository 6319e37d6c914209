//! Hidden-hazard statistics reports on the pages: a unit's own tab (its figures per period,
//! and the form to submit them over its principal's name), and the towns' and departments'
//! view of who reported on time, late, or not at all.

use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render, render_with, see_other,
};
use crate::reports::StandingQuery;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::hazard::report::{Period, Standing};
use safegrid_domain::time::today;
use safegrid_store::{
    Department, HazardReport, HazardStatistics, PageRequest, ReportInput, ReportStanding,
    StandingCounts, Unit,
};

pub fn router() -> axum::Router<AppState> {
    use axum::routing::get;
    axum::Router::new()
        .route("/reports", get(standings))
        .route("/reports/export", get(export))
        .route("/units/{id}/reports", get(unit_reports).post(submit))
}

/// The periods offered: the last four quarters and the last two years, newest first.
fn recent_periods() -> Vec<Period> {
    let (mut quarter, year) = Period::latest(today());
    let mut out = Vec::new();
    for _ in 0..4 {
        out.push(quarter);
        quarter = quarter.previous();
    }
    if let Period::Year { year } = year {
        out.push(Period::Year { year });
        out.push(Period::Year { year: year - 1 });
    }
    out
}

/// A period's name for people: "2026 年第 3 季度", "2025 年度".
pub fn period_label(t: &Tr, p: &Period) -> String {
    match p {
        Period::Quarter { year, quarter } => t.f(
            "reports.quarter",
            &[("year", year.to_string()), ("quarter", quarter.to_string())],
        ),
        Period::Year { year } => t.f1("reports.year", "year", year),
    }
}

pub struct PeriodRow {
    pub period: Period,
    pub label: String,
    pub due: String,
    pub figures: HazardStatistics,
    pub submitted: Option<HazardReport>,
    pub standing: &'static str,
}

impl PeriodRow {
    /// The figures as submitted, or as the ledger has them now.
    pub fn shown(&self) -> &HazardStatistics {
        self.submitted
            .as_ref()
            .map_or(&self.figures, |s| &s.figures)
    }
}

#[derive(Template)]
#[template(path = "unit_reports.html")]
struct UnitTab {
    t: Tr,
    chrome: Chrome,
    unit: Unit,
    tab: &'static str,
    rows: Vec<PeriodRow>,
    can_submit: bool,
    /// A supervisor records the unit's report on its behalf, named as its recorder.
    on_behalf: bool,
    errors: FormErrors,
}

async fn unit_tab(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let unit = state.store.unit(&user.actor, id).await?.unit;
    let periods = recent_periods();
    let history = state
        .store
        .hazard_report_history(&user.actor, id, &periods)
        .await?;
    let rows = periods
        .into_iter()
        .zip(history)
        .map(|(period, (figures, submitted))| PeriodRow {
            label: period_label(&t, &period),
            due: period.due().to_string(),
            standing: Standing::of(
                period,
                submitted
                    .as_ref()
                    .map(|r| safegrid_domain::time::local_date(r.submitted_at)),
                today(),
            )
            .as_str(),
            period,
            figures,
            submitted,
        })
        .collect();
    let status = crate::pages::status_of(&errors);
    render_with(
        status,
        &UnitTab {
            chrome: Chrome::new(&t, user, "units"),
            can_submit: matches!(
                safegrid_domain::hazard::lifecycle::Party::of(user.actor.role),
                safegrid_domain::hazard::lifecycle::Party::Unit
                    | safegrid_domain::hazard::lifecycle::Party::Supervisor
                    | safegrid_domain::hazard::lifecycle::Party::County
            ),
            on_behalf: safegrid_domain::hazard::lifecycle::Party::of(user.actor.role).supervises(),
            t,
            unit,
            tab: "reports",
            rows,
            errors,
        },
    )
}

pub async fn unit_reports(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    unit_tab(&state, t, &user, id, FormErrors::default()).await
}

/// The form reads into the API's input type and is submitted the same way.
pub async fn submit(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: input }: CsrfForm<ReportInput>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state
        .store
        .submit_hazard_report(&user.actor, id, input)
        .await;
    outcome(
        t,
        result,
        async |_| see_other(format!("/units/{id}/reports")),
        async |errors| unit_tab(&state, t, &user, id, errors).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "reports.html")]
struct StandingsPage {
    t: Tr,
    chrome: Chrome,
    q: StandingQuery,
    period: String,
    period_label: String,
    due: String,
    periods: Vec<(String, String)>,
    counts: StandingCounts,
    items: Vec<ReportStanding>,
    pager: Pager,
    region_filter: RegionFilter,
    departments: Vec<Department>,
}

pub async fn standings(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<StandingQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let period = q.period()?;
    let (page, counts) = state
        .store
        .report_standings(
            &user.actor,
            period,
            &q.filter(),
            PageRequest::new(q.page, Some(50)),
        )
        .await?;
    // The links name the period shown, also when the latest was meant.
    let base = query_of(&StandingQuery {
        period: Some(period.code()),
        ..q.clone()
    });
    render(&StandingsPage {
        chrome: Chrome::new(&t, &user, "reports"),
        period: period.code(),
        period_label: period_label(&t, &period),
        due: period.due().to_string(),
        periods: recent_periods()
            .iter()
            .map(|p| (p.code(), period_label(&t, p)))
            .collect(),
        counts,
        pager: Pager::new(&page, base),
        items: page.items,
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        t,
        q,
    })
}

/// The standings with the submitted figures, in the usual tabular form (xlsx or csv).
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<StandingQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let period = q.period()?;
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let (batch, _) = state
            .store
            .report_standings(
                &user.actor,
                period,
                &q.filter(),
                PageRequest::new(Some(page), Some(PageRequest::MAX_PER_PAGE)),
            )
            .await?;
        let n = |v: Option<i64>| v.map(|x| x.to_string()).unwrap_or_default();
        for s in &batch.items {
            rows.push(vec![
                s.unit_name.clone(),
                s.region_name.clone().unwrap_or_default(),
                t.label("reports.standings", s.standing),
                match &s.recorded_by {
                    Some(by) => format!(
                        "{} · {}",
                        s.principal.clone().unwrap_or_default(),
                        t.f1("reports.recorded_by", "name", by)
                    ),
                    None => s.principal.clone().unwrap_or_default(),
                },
                s.submitted_at
                    .map(safegrid_domain::time::format_local)
                    .unwrap_or_default(),
                n(s.found_general),
                n(s.found_major),
                n(s.closed),
                n(s.still_open),
                n(s.overdue),
                s.cost_yuan.map(|c| c.to_string()).unwrap_or_default(),
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
        "reports.standing",
        "reports.principal",
        "reports.submitted_at",
        "reports.general",
        "reports.major",
        "reports.closed",
        "reports.open",
        "reports.overdue",
        "field.cost_yuan",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let title = format!("{}（{}）", t.t("reports.title"), period_label(&t, &period));
    let heading =
        crate::ops::export::Heading::of(&state.store, &user.actor, t, "hazard-reports", &title)
            .await;
    crate::ops::export::table(&heading, &headers, &rows, f.format())
}
