//! Which units check themselves (企业自查情况): the town's, department's or county's list of
//! its operating units by their daily-check rate over the last 30 days, those that stopped
//! first.

use super::api::RateQuery;
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
use safegrid_store::{CheckRateRow, Department, PageRequest, RATE_DAYS};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/checks", get(rates))
        .route("/units/{id}/checks", get(unit_checks).post(record_check))
        .route("/units/{id}/checks/new", get(new_check))
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

/// Kinds of node of a unit's own grid that are checked each day: its key areas, equipment
/// and processes (the company, workshop and team nodes only hold them).
const CHECKED_NODES: [&str; 6] = ["area", "place", "part", "link", "equipment", "process"];

/// What a unit without its own grid yet checks each day.
const DEFAULT_ITEMS: [&str; 5] = [
    "消防通道、安全出口畅通",
    "灭火器、消防栓完好有效",
    "配电箱、电气线路无私拉乱接",
    "燃气、易燃物品存放安全",
    "作业人员按规程作业、佩戴防护用品",
];

/// One line of the daily list: a node of the unit's own grid (with its person) or a default.
pub struct ListItem {
    /// The form's key for the line: `n<node id>` or `d<index>`.
    pub key: String,
    pub node_id: Option<i64>,
    pub name: String,
    pub person: Option<String>,
}

#[derive(Template)]
#[template(path = "check_new.html")]
struct CheckForm {
    t: Tr,
    chrome: Chrome,
    unit: safegrid_store::Unit,
    items: Vec<ListItem>,
    errors: crate::pages::FormErrors,
    form: crate::http::extract::FormPairs,
    today: chrono::NaiveDate,
    deadline: chrono::NaiveDate,
}

impl CheckForm {
    fn v(&self, name: &str) -> String {
        self.form.get(name).unwrap_or_default()
    }
}

async fn list_of(state: &AppState, user: &PageUser, unit: i64) -> Result<Vec<ListItem>, WebError> {
    let nodes = state.store.grid_nodes(&user.actor, unit).await?;
    let checked: Vec<&safegrid_store::GridNode> = nodes
        .iter()
        .filter(|n| CHECKED_NODES.contains(&n.kind.as_str()))
        .collect();
    let chosen: Vec<&safegrid_store::GridNode> = if checked.is_empty() {
        nodes.iter().collect()
    } else {
        checked
    };
    if chosen.is_empty() {
        return Ok(DEFAULT_ITEMS
            .iter()
            .enumerate()
            .map(|(i, name)| ListItem {
                key: format!("d{i}"),
                node_id: None,
                name: (*name).to_owned(),
                person: None,
            })
            .collect());
    }
    Ok(chosen
        .into_iter()
        .map(|n| ListItem {
            key: format!("n{}", n.id),
            node_id: Some(n.id),
            name: n.name.clone(),
            person: Some(n.person.clone()).filter(|p| !p.is_empty()),
        })
        .collect())
}

async fn check_form(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit_id: i64,
    form: crate::http::extract::FormPairs,
    errors: crate::pages::FormErrors,
) -> Result<Response, WebError> {
    let unit = state.store.unit(&user.actor, unit_id).await?.unit;
    if safegrid_domain::hazard::lifecycle::Party::of(user.actor.role)
        != safegrid_domain::hazard::lifecycle::Party::Unit
    {
        return Err(WebError::Forbidden);
    }
    let today = safegrid_domain::time::today();
    crate::pages::render_with(
        crate::pages::status_of(&errors),
        &CheckForm {
            chrome: Chrome::new(&t, user, "home"),
            items: list_of(state, user, unit_id).await?,
            unit,
            errors,
            form,
            today,
            deadline: today + chrono::Days::new(7),
            t,
        },
    )
}

pub async fn new_check(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    check_form(
        &state,
        t,
        &user,
        id,
        crate::http::extract::FormPairs::default(),
        crate::pages::FormErrors::default(),
    )
    .await
}

/// The phone form as the API's check: each line `ok`, `hazard` or `na`; a line found wanting
/// becomes a finding with its description and deadline.
fn check_input(
    items: &[ListItem],
    form: &crate::http::extract::FormPairs,
) -> safegrid_domain::unit::check::CheckInput {
    use safegrid_domain::inspection::FindingInput;
    use safegrid_domain::unit::check::{CheckInput, CheckItemInput};
    let mut input = CheckInput {
        kind: form.get("kind").or(Some("daily".to_owned())),
        checked_on: form.get("checked_on"),
        checked_by: form.get("checked_by"),
        note: form.get("note"),
        ..Default::default()
    };
    for item in items {
        let result = form
            .get(&format!("result_{}", item.key))
            .unwrap_or_else(|| "ok".to_owned());
        let note = form.get(&format!("note_{}", item.key));
        if result == "hazard" {
            input.hazards.push(FindingInput {
                description: form
                    .get(&format!("finding_{}", item.key))
                    .map(|f| format!("{}：{f}", item.name)),
                level: Some("general".to_owned()),
                deadline: form.get(&format!("deadline_{}", item.key)),
                responsible_person: item.person.clone(),
                ..Default::default()
            });
        }
        input.items.push(CheckItemInput {
            item: Some(item.name.clone()),
            node_id: item.node_id,
            result: Some(result),
            note,
        });
    }
    input
}

pub async fn record_check(
    State(state): State<AppState>,
    t: Tr,
    axum::extract::Path(id): axum::extract::Path<String>,
    crate::http::auth::CsrfForm { user, form }: crate::http::auth::CsrfForm<
        crate::http::extract::FormPairs,
    >,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let items = list_of(&state, &user, id).await?;
    let input = check_input(&items, &form);
    let result = state.store.record_check(&user.actor, id, input).await;
    crate::pages::outcome(
        t,
        result,
        async |_| crate::pages::see_other(format!("/units/{id}/checks")),
        async |errors| check_form(&state, t, &user, id, form.clone(), errors).await,
    )
    .await
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
