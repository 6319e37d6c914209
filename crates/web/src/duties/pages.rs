//! The duty calendar as a page: who is behind (a summary by town, department or grid), and
//! the matrix of units against months coloured by state, with a drill-down to each unit's
//! duties; both export to Excel.

use crate::duties::DutyQuery;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use safegrid_domain::access::Scope;
use safegrid_domain::duty::{DutyKind, Period, SummaryGroup};
use safegrid_store::{
    Department, DutyMatrix, DutyRow, DutySummaryRow, MatrixRow, Page, PageRequest,
};

pub fn router() -> Router<crate::http::state::AppState> {
    Router::new()
        .route("/duties", get(calendar))
        .route("/duties/export", get(export))
        .route("/duties/plan", get(plan))
}

/// Units shown per page of the matrix.
const UNITS_PER_PAGE: u64 = 50;

#[derive(Template)]
#[template(path = "duties.html")]
struct CalendarPage {
    t: Tr,
    chrome: Chrome,
    q: DutyQuery,
    kinds: Vec<(&'static str, String)>,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    summary: Vec<DutySummaryRow>,
    group: &'static str,
    months: Vec<String>,
    rows: Vec<MatrixRow>,
    pager: Pager,
    export_query: String,
    /// The kind, period and state without the place, for links that name one.
    drill_query: String,
    /// The place alone, for next month's plan.
    plan_query: String,
    /// One unit's duties, when the page is narrowed to a unit.
    unit_duties: Vec<DutyRow>,
}

impl CalendarPage {
    /// A month's code as a column head: `2026-03` → `3`.
    pub fn month_label(code: &str) -> String {
        code.rsplit('-')
            .next()
            .and_then(|m| m.parse::<u32>().ok())
            .map_or_else(|| code.to_owned(), |m| m.to_string())
    }
}

/// The page's defaults: inspections, this year.
fn with_defaults(q: &DutyQuery) -> DutyQuery {
    let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
    DutyQuery {
        kind: given(&q.kind).or_else(|| Some(DutyKind::Inspection.as_str().to_owned())),
        period: given(&q.period)
            .or_else(|| Some(safegrid_domain::time::today().format("%Y").to_string())),
        ..q.clone()
    }
}

/// The summary's grouping for this reader: the county sees towns (or departments when it
/// asks for one department), a town its villages, a department its grids.
fn group_for(user: &PageUser, q: &DutyQuery) -> SummaryGroup {
    if let Ok(g) = q.group()
        && q.group.as_deref().is_some_and(|g| !g.trim().is_empty())
    {
        return g;
    }
    match &user.actor.scope {
        Scope::Department { .. } => SummaryGroup::Grid,
        Scope::Region { root } if root.level() >= safegrid_domain::region::RegionLevel::Town => {
            SummaryGroup::Village
        }
        _ if q.region.as_deref().is_some_and(|r| !r.trim().is_empty()) => SummaryGroup::Village,
        _ => SummaryGroup::Town,
    }
}

pub async fn calendar(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DutyQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let q = with_defaults(&q);
    let filter = q.filter()?;
    let group = group_for(&user, &q);
    let summary = state
        .store
        .duty_summary(&user.actor, &filter, group)
        .await?;
    let DutyMatrix { months, rows } = state.store.duty_matrix(&user.actor, &filter).await?;
    let request = PageRequest::new(q.page, Some(UNITS_PER_PAGE));
    let total = rows.len();
    let shown: Vec<MatrixRow> = rows
        .into_iter()
        .skip(usize::try_from(request.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(UNITS_PER_PAGE).unwrap_or(50))
        .collect();
    let page: Page<()> = Page {
        items: Vec::new(),
        total: i64::try_from(total).unwrap_or(i64::MAX),
        page: request.page,
        per_page: request.per_page,
    };
    let unit_duties = match filter.unit_id {
        Some(_) => {
            state
                .store
                .duties(
                    &user.actor,
                    &filter,
                    PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
                )
                .await?
                .items
        }
        None => Vec::new(),
    };
    let base = DutyQuery {
        page: None,
        ..q.clone()
    };
    render(&CalendarPage {
        chrome: Chrome::new(&t, &user, "duties"),
        kinds: DutyKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), t.label("duty_kind_name", k.as_str())))
            .collect(),
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        group: group.as_str(),
        pager: Pager::new(&page, query_of(&base)),
        export_query: query_of(&base),
        plan_query: query_of(&DutyQuery {
            region: q.region.clone(),
            department: q.department,
            ..DutyQuery::default()
        }),
        drill_query: query_of(&DutyQuery {
            region: None,
            department: None,
            unit: None,
            ..base.clone()
        }),
        summary,
        months,
        rows: shown,
        unit_duties,
        t,
        q,
    })
}

/// The whole matrix as a workbook: a row per unit, a column per month (done ✓, due ○,
/// overdue ✗), and the unit's counts.
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DutyQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let q = with_defaults(&q);
    let filter = q.filter()?;
    let format = crate::ops::export::format_of(f.format())?;
    let matrix = state.store.duty_matrix(&user.actor, &filter).await?;
    let mut headers = vec![
        t.t("hazard_sources.unit").to_owned(),
        t.t("units.village").to_owned(),
    ];
    headers.extend(matrix.months.iter().cloned());
    headers.extend(["due", "done", "overdue"].map(|s| t.label("duty_state_name", s)));
    let rows: Vec<Vec<String>> = matrix
        .rows
        .iter()
        .map(|r| {
            let mut row = vec![
                r.unit_name.clone(),
                r.region_name.clone().unwrap_or_default(),
            ];
            row.extend(r.cells.iter().map(|c| {
                match c.map(safegrid_domain::duty::DutyState::as_str) {
                    Some("done") => "✓",
                    Some("due") => "○",
                    Some("overdue") => "✗",
                    _ => "",
                }
                .to_owned()
            }));
            row.extend([r.due, r.done, r.overdue].map(|n| n.to_string()));
            row
        })
        .collect();
    let period = filter.period.map(Period::code).unwrap_or_default();
    let kind = filter
        .kind
        .map(|k| t.label("duty_kind_name", k.as_str()))
        .unwrap_or_default();
    let title = t.f("duties.export_title", &[("period", period), ("kind", kind)]);
    let heading =
        crate::ops::export::Heading::of(&state.store, &user.actor, t, "duties", &title).await;
    crate::ops::export::table(&heading, &headers, &rows, format)
}

/// One grid's part of the inspection plan: the units it inspects in the month.
pub struct PlanGroup {
    pub grid: String,
    pub duties: Vec<DutyRow>,
}

#[derive(Template)]
#[template(path = "duties_plan.html")]
struct PlanPage {
    t: Tr,
    chrome: Chrome,
    period: String,
    groups: Vec<PlanGroup>,
    total: usize,
}

/// Next month's inspection plan, grid by grid, to print: each unit owed an inspection in the
/// month (a quarter's duty shows in each of its months until done), with blank columns for the
/// day and the inspectors' signatures.
pub async fn plan(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DutyQuery>,
) -> Result<Response, WebError> {
    let next_month = safegrid_domain::time::today()
        .checked_add_months(chrono::Months::new(1))
        .unwrap_or_else(safegrid_domain::time::today)
        .format("%Y-%m")
        .to_string();
    let q = DutyQuery {
        kind: Some(DutyKind::Inspection.as_str().to_owned()),
        period: q
            .period
            .clone()
            .filter(|p| !p.trim().is_empty())
            .or(Some(next_month)),
        ..q
    };
    let mut filter = q.filter()?;
    // What is still to do: duties already done drop out of the plan.
    filter.state = None;
    let rows = state
        .store
        .duties(
            &user.actor,
            &filter,
            PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
        )
        .await?
        .items;
    let mut groups: Vec<PlanGroup> = Vec::new();
    let mut rows: Vec<DutyRow> = rows
        .into_iter()
        .filter(|d| d.state != safegrid_domain::duty::DutyState::Done)
        .collect();
    rows.sort_by(|a, b| {
        (&a.grid_name, &a.region_name, &a.unit_name).cmp(&(
            &b.grid_name,
            &b.region_name,
            &b.unit_name,
        ))
    });
    let total = rows.len();
    for row in rows {
        let grid = row
            .grid_name
            .clone()
            .or_else(|| row.party_name.clone())
            .unwrap_or_default();
        match groups.last_mut() {
            Some(g) if g.grid == grid => g.duties.push(row),
            _ => groups.push(PlanGroup {
                grid,
                duties: vec![row],
            }),
        }
    }
    render(&PlanPage {
        chrome: Chrome::new(&t, &user, "duties"),
        period: filter.period.map(Period::code).unwrap_or_default(),
        t,
        groups,
        total,
    })
}
