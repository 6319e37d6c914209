//! The start page: what the signed-in person must act on, by role. The county sees overdue and
//! pending hazards by town and department, listed and major ones, reports late, inspections
//! behind and grids short of people; a town its own queue and a big 上报隐患; a department the
//! same for the units it supervises; a village grid member a big button and "my reports"; a unit
//! its hazards to rectify, its reports due and its systems missing. Each figure links to the
//! list it counts. A later feature adds its panel (`panels.rs`) to the roles it concerns.

mod panels;

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use panels::Panel;
use safegrid_domain::access::{Role, Scope};
use safegrid_domain::duty::{DutyKind, Period, SummaryGroup};
use safegrid_domain::policy::{Object, Verb, allowed};
use safegrid_domain::region::{RegionCode, RegionLevel};
use safegrid_store::{DutyFilter, Hazard};

/// Whose start page this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Desk {
    County,
    Town,
    Department,
    Village,
    Unit,
}

impl Desk {
    fn of(user: &PageUser) -> Self {
        match (&user.actor.scope, user.actor.role) {
            (Scope::Unit { .. }, _) => Desk::Unit,
            (Scope::Department { .. }, _) => Desk::Department,
            (_, Role::VillageMember) => Desk::Village,
            (Scope::Region { root }, _) if root.level() == RegionLevel::Village => Desk::Village,
            (Scope::Region { root }, _) if root.level() == RegionLevel::Town => Desk::Town,
            _ => Desk::County,
        }
    }
}

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
    chrome: Chrome,
    scope_name: String,
    /// The big 上报隐患 button, for those who report from the field.
    report_button: bool,
    /// The dashboard, for those whose menu has it.
    dashboard_link: bool,
    /// A unit's own daily check, for the unit's account: where to record it.
    own_check: Option<String>,
    panels: Vec<Panel>,
    /// A short list of hazards to act on (the unit's to rectify, the member's own reports).
    hazards_title: String,
    hazards: Vec<Hazard>,
    hazards_more: String,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let role = user.actor.role;
    if !role.sees_supervision_data() {
        let to = if allowed(role, Verb::Read, Object::AuditLog) {
            "/audit"
        } else {
            "/accounts"
        };
        return Ok(Redirect::to(to).into_response());
    }
    let desk = Desk::of(&user);
    let mut page = HomePage {
        scope_name: scope_name(&state, &user).await,
        report_button: matches!(desk, Desk::Town | Desk::Village | Desk::Department)
            && safegrid_domain::hazard::lifecycle::Party::of(role)
                != safegrid_domain::hazard::lifecycle::Party::Reader,
        dashboard_link: false,
        own_check: None,
        panels: Vec::new(),
        hazards_title: String::new(),
        hazards: Vec::new(),
        hazards_more: String::new(),
        chrome: Chrome::new(&t, &user, "home"),
        t,
    };
    page.dashboard_link = page.chrome.menu.iter().any(|m| m.key == "dashboard");
    let t = &page.t;
    let panels = &mut page.panels;
    match desk {
        Desk::County => {
            panels.push(panels::hazards(&state, t, &user, desk).await?);
            panels.push(panels::hazards_by_place(&state, t, &user).await?);
            panels.push(panels::hazards_by_department(&state, t, &user).await?);
            panels.extend(panels::inspections(&state, t, &user).await?);
            panels.extend(panels::reports(&state, t, &user).await?);
            panels.push(panels::coverage(&state, t, &user).await?);
        }
        Desk::Town | Desk::Department => {
            panels.push(panels::hazards(&state, t, &user, desk).await?);
            if desk == Desk::Town {
                panels.push(panels::hazards_by_place(&state, t, &user).await?);
            }
            panels.extend(panels::inspections(&state, t, &user).await?);
            panels.extend(panels::reports(&state, t, &user).await?);
            panels.push(panels::coverage(&state, t, &user).await?);
        }
        Desk::Village => {
            panels.push(panels::hazards(&state, t, &user, desk).await?);
            let (title, hazards, more) = panels::my_reports(&state, t, &user).await?;
            page.hazards_title = title;
            page.hazards = hazards;
            page.hazards_more = more;
        }
        Desk::Unit => {
            if let Scope::Unit { unit_id, .. } = &user.actor.scope {
                page.own_check = Some(format!("/units/{unit_id}/checks/new"));
            }
            panels.push(panels::hazards(&state, t, &user, desk).await?);
            panels.extend(panels::reports(&state, t, &user).await?);
            panels.extend(panels::unit_file(&state, t, &user).await?);
            let (title, hazards, more) = panels::to_rectify(&state, t, &user).await?;
            page.hazards_title = title;
            page.hazards = hazards;
            page.hazards_more = more;
        }
    }
    render(&page)
}

/// The name of the reader's part of the county: the county's, town's or village's, the
/// department's, the unit's.
pub(crate) async fn scope_name(state: &AppState, user: &PageUser) -> String {
    crate::ops::export::scope_name(&state.store, &user.actor).await
}

/// This month's inspection duties in scope (and in `region`), when the reader sees duties.
pub(crate) struct MonthInspections {
    pub month: String,
    pub due: u64,
    pub overdue: u64,
    pub done: u64,
}

pub(crate) async fn month_inspections(
    state: &AppState,
    user: &PageUser,
    region: Option<&RegionCode>,
) -> Result<Option<MonthInspections>, WebError> {
    if !allowed(user.actor.role, Verb::Read, Object::Duty)
        || matches!(user.actor.scope, Scope::Unit { .. })
    {
        return Ok(None);
    }
    let month = Period::of(
        safegrid_domain::duty::Cadence::Monthly,
        safegrid_domain::time::today(),
    );
    let filter = DutyFilter {
        kind: Some(DutyKind::Inspection),
        region: region.cloned(),
        period: Some(month),
        ..Default::default()
    };
    let rows = state
        .store
        .duty_summary(&user.actor, &filter, SummaryGroup::Kind)
        .await?;
    let (due, overdue, done) = rows.iter().fold((0, 0, 0), |(due, overdue, done), r| {
        (due + r.due, overdue + r.overdue, done + r.done)
    });
    Ok(Some(MonthInspections {
        month: month.code(),
        due,
        overdue,
        done,
    }))
}
