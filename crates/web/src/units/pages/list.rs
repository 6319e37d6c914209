//! The unit list with its filters and export, a unit's record, and the coverage audit.

use super::{grades, sector_label, sector_options};
use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use crate::units::UnitQuery;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_store::{CoverageItem, Department, PageRequest, Unit, UnitDetail};

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    t: Tr,
    chrome: Chrome,
    units: Vec<Unit>,
    pager: Pager,
    export_query: String,
    q: UnitQuery,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    sectors: Vec<(String, String)>,
    grades: Vec<(&'static str, String)>,
    can_edit: bool,
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<UnitQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let page = state
        .store
        .units(
            &user.actor,
            &q.filter()?,
            PageRequest::new(q.page, Some(50)),
        )
        .await?;
    let base = query_of(&q);
    let pager = Pager::new(&page, base.clone());
    let all_sectors = state.store.sectors().await?;
    render(&UnitsPage {
        chrome: Chrome::new(&t, &user, "units"),
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        sectors: sector_options(&t, &all_sectors),
        can_edit: may(&user.actor, Verb::Write, Object::Unit),
        grades: grades(&t),
        t,
        units: page.items,
        pager,
        export_query: base,
        q,
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    t: Tr,
    chrome: Chrome,
    d: UnitDetail,
    unit: Unit,
    tab: &'static str,
    sources: Vec<safegrid_store::HazardSource>,
    /// The approving department's name.
    approving: Option<String>,
    sector: String,
    industry: String,
    can_edit: bool,
    can_keep: bool,
    /// Whether the reader records inspections.
    can_inspect: bool,
    /// Warnings about the record, translated (a USCC from another province).
    warnings: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = state.store.unit(&user.actor, id).await?;
    let sectors = state.store.sectors().await?;
    let sector = d
        .unit
        .sector_code
        .as_deref()
        .map(|c| sector_label(&t, &sectors, c))
        .unwrap_or_default();
    let industry = d
        .unit
        .industry_code
        .as_deref()
        .and_then(safegrid_domain::unit::industry::division_of)
        .map(|(code, zh, en)| {
            format!(
                "{code} {}",
                if t.locale == crate::http::i18n::Locale::En {
                    en
                } else {
                    zh
                }
            )
        })
        .unwrap_or_default();
    let approving = match d.unit.approving_department_id {
        Some(a) => state
            .store
            .departments(&user.actor)
            .await?
            .into_iter()
            .find(|dep| dep.id == a)
            .map(|dep| dep.name),
        None => None,
    };
    let sources = state
        .store
        .hazard_sources(
            &user.actor,
            &safegrid_store::HazardSourceFilter {
                unit: Some(id),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
        )
        .await?
        .items;
    let warnings = d
        .warnings
        .iter()
        .map(|w| crate::http::error::translate(&t, w))
        .collect();
    render(&UnitPage {
        chrome: Chrome::new(&t, &user, "units"),
        warnings,
        can_edit: may(&user.actor, Verb::Write, Object::Unit),
        can_keep: may(&user.actor, Verb::Write, Object::UnitRecord),
        can_inspect: crate::inspections::pages::ledger::enforces(&user),
        approving,
        unit: d.unit.clone(),
        tab: "info",
        sources,
        t,
        d,
        sector,
        industry,
    })
}

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    t: Tr,
    chrome: Chrome,
    items: Vec<CoverageItem>,
}

pub async fn coverage(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let items = state.store.coverage(&user.actor).await?;
    render(&CoveragePage {
        chrome: Chrome::new(&t, &user, "coverage"),
        t,
        items,
    })
}

/// `/units/export?format=xlsx|csv&…filters`: the list on screen as a file.
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<UnitQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    crate::ops::export::units(
        state.store.clone(),
        user.actor.clone(),
        t,
        filter,
        f.format(),
    )
    .await
}
