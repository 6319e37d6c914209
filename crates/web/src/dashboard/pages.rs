//! The dashboard (驾驶舱): the county's or a town's hazards in big numbers and four charts —
//! found and closed by month, open and overdue by place, by sector, and the share closed on
//! time — printable on A4 and, with `?wall=1`, a self-refreshing wall screen.

use super::{Asked, StatRow, stats};
use crate::home::{MonthInspections, month_inspections, scope_name};
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use chrono::{Datelike, Months, NaiveDate};
use safegrid_domain::access::Scope;
use safegrid_domain::hazard::stats::{FoundWindow, StatsGroup, on_time_percent};
use safegrid_domain::region::{RegionCode, RegionLevel};
use safegrid_domain::time::today;
use safegrid_store::{HazardFilter, RegionNode};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/dashboard", get(dashboard))
}

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    /// A town (or village) of the reader's scope: its dashboard.
    pub region: Option<String>,
    /// `1`: the wall-screen layout, refreshed every five minutes.
    pub wall: Option<String>,
}

/// A chart: its kind (which drawing `dashboard.js` makes), its title and its rows.
pub struct Chart {
    pub kind: &'static str,
    pub title: String,
    /// The rows as JSON, for the drawing (escaped into an attribute by the template).
    pub data: String,
    pub rows: Vec<StatRow>,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    t: Tr,
    chrome: Chrome,
    scope_name: String,
    today: NaiveDate,
    year: i32,
    region: String,
    towns: Vec<RegionNode>,
    wall: bool,
    /// Found this year, open now, overdue now, major and open, listed, closed on time (%).
    found_this_year: i64,
    open: i64,
    overdue: i64,
    major_open: i64,
    listed_open: i64,
    on_time: Option<i64>,
    inspections: Option<MonthInspections>,
    charts: Vec<Chart>,
    /// Series names for the drawings, in the reader's language.
    series: String,
}

async fn dashboard(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DashboardQuery>,
) -> Result<Response, WebError> {
    let region = match q.region.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(r) => Some(RegionCode::parse("region", r)?),
        None => None,
    };
    // The place the charts split by: the towns of a county, the villages of a town.
    let narrow = match (&region, &user.actor.scope) {
        (Some(r), _) => matches!(r.level(), RegionLevel::Town | RegionLevel::Village),
        (None, Scope::Region { root }) => {
            matches!(root.level(), RegionLevel::Town | RegionLevel::Village)
        }
        _ => false,
    };
    let by_place = if narrow {
        StatsGroup::Village
    } else {
        StatsGroup::Town
    };
    let today = today();
    let year_start = NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today);
    let twelve_months = today
        .with_day(1)
        .and_then(|d| d.checked_sub_months(Months::new(11)))
        .unwrap_or(year_start);
    let ask = |group, from: Option<NaiveDate>| Asked {
        group,
        region: region.clone(),
        window: FoundWindow { from, to: None },
    };
    let by_month = stats(
        &state,
        &t,
        &user.actor,
        &ask(StatsGroup::Month, Some(twelve_months)),
    )
    .await?;
    let places = stats(&state, &t, &user.actor, &ask(by_place, None)).await?;
    let sectors = stats(&state, &t, &user.actor, &ask(StatsGroup::Sector, None)).await?;
    let this_year = stats(&state, &t, &user.actor, &ask(by_place, Some(year_start))).await?;
    let sum = |rows: &[StatRow], f: fn(&StatRow) -> i64| rows.iter().map(f).sum::<i64>();
    let counted = |filter: HazardFilter| {
        let state = state.clone();
        let actor = user.actor.clone();
        async move { state.store.hazard_counts(&actor, &filter).await }
    };
    let in_region = HazardFilter {
        region: region.as_ref().map(|r| r.as_str().to_owned()),
        ..Default::default()
    };
    let major = counted(HazardFilter {
        level: Some("major".into()),
        ..in_region.clone()
    })
    .await?;
    let listed = counted(HazardFilter {
        listed: Some(true),
        ..in_region.clone()
    })
    .await?;
    let open_of = |c: &safegrid_store::HazardCounts| {
        c.total
            - c.by_state.get("closed").copied().unwrap_or(0)
            - c.by_state.get("rejected").copied().unwrap_or(0)
    };
    let mut places_sorted = places.clone();
    places_sorted.sort_by(|a, b| b.open.cmp(&a.open).then_with(|| a.key.cmp(&b.key)));
    let mut sectors_sorted = sectors;
    sectors_sorted.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
    sectors_sorted.truncate(12);
    let place_word = t.t(&format!("stats.by.{}", by_place.as_str())).to_owned();
    let chart = |kind: &'static str, title: String, rows: Vec<StatRow>| Chart {
        kind,
        title,
        data: serde_json::to_string(&rows).unwrap_or_default(),
        rows,
    };
    let charts = vec![
        chart("month", t.t("dashboard.chart_month").to_owned(), by_month),
        chart(
            "place",
            t.t("dashboard.chart_place").replace("{place}", &place_word),
            places_sorted,
        ),
        chart(
            "sector",
            t.t("dashboard.chart_sector").to_owned(),
            sectors_sorted,
        ),
        chart(
            "rate",
            t.t("dashboard.chart_rate").replace("{place}", &place_word),
            this_year.iter().filter(|r| r.closed > 0).cloned().collect(),
        ),
    ];
    let series = serde_json::json!({
        "found": t.t("dashboard.found"),
        "closed": t.t("dashboard.closed"),
        "open": t.t("dashboard.open_not_overdue"),
        "overdue": t.t("dashboard.overdue"),
        "total": t.t("dashboard.total"),
        "open_all": t.t("dashboard.open"),
        "rate": t.t("dashboard.on_time"),
    })
    .to_string();
    let scope_name = match &region {
        Some(r) => state
            .store
            .region(&user.actor, r.as_str())
            .await
            .map(|r| r.name)?,
        None => scope_name(&state, &user).await,
    };
    let inspections = month_inspections(&state, &user, region.as_ref()).await?;
    render(&DashboardPage {
        found_this_year: sum(&this_year, |r| r.total),
        open: sum(&places, |r| r.open),
        overdue: sum(&places, |r| r.overdue),
        on_time: on_time_percent(
            sum(&this_year, |r| r.closed),
            sum(&this_year, |r| r.closed_on_time),
        ),
        major_open: open_of(&major),
        listed_open: open_of(&listed),
        inspections,
        charts,
        series,
        towns: if matches!(&user.actor.scope, Scope::Region { root }
            if matches!(root.level(), RegionLevel::Town | RegionLevel::Village))
        {
            Vec::new()
        } else {
            crate::units::pages::towns(&state, &user).await?
        },
        region: region.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        wall: q.wall.as_deref() == Some("1"),
        chrome: Chrome::new(&t, &user, "dashboard"),
        scope_name,
        today,
        year: today.year(),
        t,
    })
}
