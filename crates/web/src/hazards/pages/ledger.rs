//! The hidden-hazard ledger's pages: the ledger with its counts (refreshed in place), and one
//! hazard with its photos, timeline and the actions the reader may take (the report form is
//! `report.rs`).

use crate::hazards::HazardQuery;
use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::auth::{CsrfForm, CsrfUpload};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render, render_with, see_other,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::hazard::lifecycle::{Party, State as HazardState};
use safegrid_store::{
    Department, Hazard, HazardCounts, HazardDetail, PageRequest, PlanInput, StoreError,
    TransitionInput, Unit, UnitFilter,
};

/// How many filters beyond the state are set (the counts above pick the state).
fn filtered(q: &HazardQuery) -> usize {
    [
        q.level.is_some(),
        q.source.is_some(),
        q.sector.is_some(),
        q.grade.is_some(),
        q.region.is_some(),
        q.department.is_some(),
        q.deadline_by.is_some(),
        q.listed.is_some(),
        q.open.is_some(),
        q.mine.is_some(),
    ]
    .into_iter()
    .filter(|set| *set)
    .count()
}

/// The filters except the state and overdue, for the count links.
fn without_state(q: &HazardQuery) -> String {
    query_of(&HazardQuery {
        state: None,
        overdue: None,
        ..q.clone()
    })
}

#[derive(Template)]
#[template(path = "hazards.html")]
struct LedgerPage {
    t: Tr,
    chrome: Chrome,
    hazards: Vec<Hazard>,
    counts: HazardCounts,
    pager: Pager,
    q: HazardQuery,
    /// How many filters beyond the state are set.
    filtered: usize,
    /// The filters except the state, for the count links.
    base_without_state: String,
    /// The filters as a query string, for the export links.
    export_query: String,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    sectors: Vec<(String, String)>,
    states: Vec<(&'static str, String)>,
    can_report: bool,
}

impl LedgerPage {
    pub fn count(&self, state: &str) -> i64 {
        self.counts.by_state.get(state).copied().unwrap_or(0)
    }
}

#[derive(Template)]
#[template(path = "partials/hazard_counts.html")]
struct CountsPartial {
    t: Tr,
    counts: HazardCounts,
    q: HazardQuery,
    base_without_state: String,
    states: Vec<(&'static str, String)>,
}

impl CountsPartial {
    pub fn count(&self, state: &str) -> i64 {
        self.counts.by_state.get(state).copied().unwrap_or(0)
    }
}

fn states(t: &Tr) -> Vec<(&'static str, String)> {
    HazardState::ALL
        .into_iter()
        .map(|s| (s.as_str(), t.label("hazard_state", s.as_str())))
        .collect()
}

pub async fn ledger(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<HazardQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let filter = q.filter_for(user.account.id)?;
    let page = state
        .store
        .hazards(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let counts = state.store.hazard_counts(&user.actor, &filter).await?;
    render(&LedgerPage {
        chrome: Chrome::new(&t, &user, "hazards"),
        pager: Pager::new(&page, query_of(&q)),
        hazards: page.items,
        counts,
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        sectors: crate::units::pages::sector_options(&t, &state.store.sectors().await?),
        states: states(&t),
        can_report: Party::of(user.actor.role) != Party::Reader,
        base_without_state: without_state(&q),
        export_query: query_of(&q),
        filtered: filtered(&q),
        t,
        q,
    })
}

pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<HazardQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter_for(user.account.id)?;
    crate::ops::export::hazards(state.store.clone(), user.actor, t, filter, f.format()).await
}

/// The counts alone, for the ledger to refresh them in place.
pub async fn counts(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<HazardQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter_for(user.account.id)?;
    let counts = state.store.hazard_counts(&user.actor, &filter).await?;
    render(&CountsPartial {
        states: states(&t),
        base_without_state: without_state(&q),
        t,
        counts,
        q,
    })
}

#[derive(Template)]
#[template(path = "hazard.html")]
struct DetailPage {
    t: Tr,
    chrome: Chrome,
    d: HazardDetail,
    departments: Vec<Department>,
    errors: FormErrors,
    can_add_photos: bool,
    /// The units of the village an unregistered site was reported in, to name it on acceptance.
    village_units: Vec<Unit>,
    /// The actions offered that would record the unit's own step on its behalf (代录).
    behalf: Vec<&'static str>,
}

async fn detail_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let d = state.store.hazard(&user.actor, id).await?;
    let status = crate::pages::status_of(&errors);
    let open = d.hazard.state.is_open();
    let village_units = if d.hazard.unit_id.is_none() && d.actions.contains(&"accept") {
        let filter = UnitFilter {
            region: Some(d.hazard.region_code.clone()),
            ..Default::default()
        };
        state
            .store
            .units(&user.actor, &filter, PageRequest::new(Some(1), Some(200)))
            .await?
            .items
    } else {
        Vec::new()
    };
    render_with(
        status,
        &DetailPage {
            chrome: Chrome::new(&t, user, "hazards"),
            departments: state.store.departments(&user.actor).await?,
            can_add_photos: open && Party::of(user.actor.role) != Party::Reader,
            behalf: d
                .actions
                .iter()
                .copied()
                .filter(|a| {
                    safegrid_domain::hazard::lifecycle::Action::parse("action", a).is_ok_and(|a| {
                        safegrid_domain::hazard::lifecycle::on_behalf(a, Party::of(user.actor.role))
                    })
                })
                .collect(),
            t,
            d,
            errors,
            village_units,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    detail_page(&state, t, &user, parse_id(&id)?, FormErrors::default()).await
}

/// A step the hazard's state does not allow now is shown on its page beside the actions,
/// like refused input.
fn refused_on_page(error: StoreError) -> WebError {
    match error {
        StoreError::Refused(key) => safegrid_domain::Invalid::one("action", key).into(),
        other => other.into(),
    }
}

pub async fn act(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let plan = pairs.get("goals").map(|goals| PlanInput {
        goals: Some(goals),
        methods: pairs.get("methods"),
        funds: pairs.get("funds"),
        organisation: pairs.get("organisation"),
        timeline: pairs.get("timeline"),
        safety_measures: pairs.get("safety_measures"),
    });
    let input = TransitionInput {
        action: pairs.get("action"),
        comment: pairs.get("comment"),
        deadline: pairs.get("deadline"),
        responsible_person: pairs.get("responsible_person"),
        unit_id: pairs.number("unit_id")?,
        department_id: pairs.number("department_id")?,
        plan,
        measures: pairs.get("measures"),
        cost_yuan: pairs.number("cost_yuan")?,
    };
    let result = state
        .store
        .transition_hazard(&user.actor, id, input)
        .await
        .map_err(refused_on_page);
    outcome(
        t,
        result,
        async |_| see_other(format!("/hazards/{id}")),
        async |errors| detail_page(&state, t, &user, id, errors).await,
    )
    .await
}

pub async fn add_photo(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfUpload { user, upload }: CsrfUpload,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = async {
        let new = crate::ops::upload::new_photo(id, &upload).await?;
        state
            .store
            .add_hazard_photo(&user.actor, new)
            .await
            .map_err(refused_on_page)
    }
    .await;
    outcome(
        t,
        result,
        async |_| see_other(format!("/hazards/{id}")),
        async |errors| detail_page(&state, t, &user, id, errors).await,
    )
    .await
}

pub async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::hazards::api::PhotoQuery>,
) -> Result<Response, WebError> {
    crate::hazards::api::serve_photo(&state, &user.actor, parse_id(&id)?, q.thumb == Some(1)).await
}
