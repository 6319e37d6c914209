//! The accident pages: the ledger, the quick report (a phone page first: a village grid member
//! reports in under a minute), one accident with its chain on the clock and the forms that
//! record a step or a supplement, and the printable record as of the accident.

use super::AccidentQuery;
use crate::http::answer::parse_id;
use crate::http::auth::{CsrfForm, CsrfUpload, PageUser};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::{RegionFilter, TownChoice, UnitPicker};
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render, render_with, see_other,
};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Path, State};
use axum::response::Response;
use axum::routing::{get, post};
use safegrid_domain::access::Scope;
use safegrid_domain::accident::chain::StepState;
use safegrid_domain::accident::{AccidentKind, AccidentLevel};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::time::format_local;
use safegrid_store::{
    Accident, AccidentDetail, AccidentInput, Accountability, PageRequest, StepInput,
    SupplementInput, Unit,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accidents", get(ledger))
        .route("/accidents/export", get(export))
        .route(
            "/accidents/new",
            get(report_form)
                .post(report)
                .layer(DefaultBodyLimit::max(super::api::REPORT_LIMIT)),
        )
        .route("/accidents/{id}", get(accident))
        .route("/accidents/{id}/steps", post(record_step))
        .route("/accidents/{id}/supplements", post(supplement))
        .route("/accidents/{id}/accountability", get(accountability))
        .route("/accident-photos/{id}", get(photo))
}

/// Words the templates show for times and states.
pub struct Clock;

impl Clock {
    pub fn time(at: &chrono::DateTime<chrono::Utc>) -> String {
        format_local(*at)
    }

    pub fn maybe(at: &Option<chrono::DateTime<chrono::Utc>>) -> String {
        at.map_or_else(|| "—".to_owned(), format_local)
    }

    /// The colour class of a step's state.
    pub fn tone(state: &Option<StepState>) -> &'static str {
        match state {
            Some(StepState::Done) => "ok",
            Some(StepState::Late) => "warn",
            Some(StepState::Overdue) => "bad",
            _ => "info",
        }
    }

    pub fn level_tone(level: &AccidentLevel) -> &'static str {
        match level {
            AccidentLevel::General => "warn",
            _ => "bad",
        }
    }
}

/// Now in China time as a `datetime-local` field takes it: the time fields' default and bound.
fn now_for_input() -> String {
    chrono::Utc::now()
        .with_timezone(&safegrid_domain::time::CHINA)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[derive(Template)]
#[template(path = "accidents.html")]
struct LedgerPage {
    t: Tr,
    chrome: Chrome,
    items: Vec<Accident>,
    pager: Pager,
    /// The filters as a query string, for the export and print links.
    export_query: String,
    q: AccidentQuery,
    region_filter: RegionFilter,
    kinds: Vec<AccidentKind>,
    levels: Vec<AccidentLevel>,
    may_report: bool,
}

async fn ledger(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<AccidentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Read, Object::Accident) {
        return Err(WebError::NotFound);
    }
    // `?print=1`: the ledger as the paper form, from the same rows as its export.
    if f.printing() {
        return crate::ops::export::accidents(&state.store, &user.actor, t, &q.filter(), "print")
            .await;
    }
    let page = state
        .store
        .accidents(
            &user.actor,
            &q.filter(),
            PageRequest::new(q.page, q.per_page),
        )
        .await?;
    let query = query_of(&q);
    render(&LedgerPage {
        chrome: Chrome::new(&t, &user, "accidents"),
        pager: Pager::new(&page, query.clone()),
        export_query: query,
        items: page.items,
        region_filter: RegionFilter::load(&state, &user, q.region.clone().unwrap_or_default())
            .await?,
        kinds: AccidentKind::ALL.to_vec(),
        levels: AccidentLevel::ALL.to_vec(),
        may_report: may(&user.actor, Verb::Write, Object::Accident),
        q,
        t,
    })
}

async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<AccidentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    crate::ops::export::accidents(&state.store, &user.actor, t, &q.filter(), f.format()).await
}

#[derive(Template)]
#[template(path = "accident_report.html")]
struct ReportPage {
    t: Tr,
    chrome: Chrome,
    /// The units a village may pick from; a town or the county searches.
    units: Vec<Unit>,
    unit: Option<Unit>,
    values: Vec<(String, String)>,
    errors: FormErrors,
    /// A village account places an unregistered site in its own village.
    village: Option<String>,
    places: Vec<TownChoice>,
    kinds: Vec<AccidentKind>,
    q: String,
    found: Vec<Unit>,
    /// The unit's own grid, to say where in it the accident happened (its own account, or
    /// anyone who picked the unit).
    nodes: Vec<safegrid_store::GridNode>,
    /// Now, China time, for the time field's default and its upper bound.
    now: String,
}

impl ReportPage {
    pub fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

#[derive(serde::Deserialize, Default)]
struct ReportQuery {
    unit: Option<String>,
    q: Option<String>,
}

async fn report_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit: Option<i64>,
    q: String,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Write, Object::Accident) {
        return Err(WebError::Forbidden);
    }
    // A unit's own account reports its own unit: nothing to pick.
    let unit = match (unit, &user.actor.scope) {
        (Some(id), _) | (None, &Scope::Unit { unit_id: id, .. }) => {
            Some(state.store.unit(&user.actor, id).await?.unit)
        }
        (None, _) => None,
    };
    // A village's units fit a list to pick from; a town or the county searches.
    let village = matches!(&user.actor.scope,
        Scope::Region { root } if root.level() == RegionLevel::Village);
    let picker = UnitPicker::load(state, user, unit.as_ref(), village, &q).await?;
    let now = now_for_input();
    render_with(
        crate::pages::status_of(&errors),
        &ReportPage {
            chrome: Chrome::new(&t, user, "accidents"),
            t,
            units: picker.units,
            unit,
            values,
            errors,
            village: picker.village,
            places: picker.places,
            kinds: AccidentKind::ALL.to_vec(),
            q,
            found: picker.found,
            nodes: picker.nodes,
            now,
        },
    )
}

async fn report_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<ReportQuery>,
) -> Result<Response, WebError> {
    let unit = q.unit.as_deref().and_then(|u| u.parse().ok());
    let search = q.q.unwrap_or_default();
    report_page(
        &state,
        t,
        &user,
        unit,
        search,
        Vec::new(),
        FormErrors::default(),
    )
    .await
}

/// Takes the quick report (multipart: the fields and a photo of the scene), read into the
/// API's input type; the accident, its chain and its photo are kept in one transaction.
async fn report(
    State(state): State<AppState>,
    t: Tr,
    CsrfUpload { user, upload }: CsrfUpload,
) -> Result<Response, WebError> {
    let values: Vec<(String, String)> = upload.pairs().0;
    let unit = upload.id("unit_id").ok().flatten();
    let made = async {
        let input: AccidentInput = upload.form()?;
        let photo = crate::ops::upload::photo_file(&upload).await?;
        Ok::<_, WebError>(
            state
                .store
                .report_accident(&user.actor, input, photo.into_iter().collect())
                .await?,
        )
    }
    .await;
    outcome(
        t,
        made,
        async |made| see_other(format!("/accidents/{}", made.accident.id)),
        async |errors| report_page(&state, t, &user, unit, String::new(), values, errors).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "accident.html")]
struct AccidentPage {
    t: Tr,
    chrome: Chrome,
    a: AccidentDetail,
    errors: FormErrors,
    values: Vec<(String, String)>,
    now: String,
}

impl AccidentPage {
    pub fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

async fn accident_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let a = state.store.accident(&user.actor, id).await?;
    let now = now_for_input();
    render_with(
        crate::pages::status_of(&errors),
        &AccidentPage {
            chrome: Chrome::new(&t, user, "accidents"),
            t,
            a,
            errors,
            values,
            now,
        },
    )
}

async fn accident(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    accident_page(&state, t, &user, id, Vec::new(), FormErrors::default()).await
}

async fn record_step(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let input = StepInput {
        party: form.get("party"),
        round: form.number("round")?,
        received_at: form.get("received_at"),
        forwarded_at: form.get("forwarded_at"),
        note: form.get("note"),
    };
    let done = state
        .store
        .record_accident_step(&user.actor, id, input)
        .await;
    outcome(
        t,
        done,
        async |_| see_other(format!("/accidents/{id}#chain")),
        async |errors| accident_page(&state, t, &user, id, form.0.clone(), errors).await,
    )
    .await
}

async fn supplement(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let done = async {
        let input = SupplementInput {
            deaths: form.number("deaths")?,
            missing: form.number("missing")?,
            serious_injuries: form.number("serious_injuries")?,
            direct_loss_yuan: form.number("direct_loss_yuan")?,
            at: form.get("at"),
            reason: form.get("reason"),
        };
        Ok::<_, WebError>(
            state
                .store
                .supplement_accident(&user.actor, id, input)
                .await?,
        )
    }
    .await;
    outcome(
        t,
        done,
        async |_| see_other(format!("/accidents/{id}#supplements")),
        async |errors| accident_page(&state, t, &user, id, form.0.clone(), errors).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "accident_accountability.html")]
struct AccountabilityPage {
    t: Tr,
    r: Accountability,
    printed_at: String,
}

impl AccountabilityPage {
    /// The unit's or the site's name.
    pub fn site(&self) -> String {
        self.r.accident.unit_name.clone().unwrap_or_default()
    }

    /// The heading of the records of the twelve months before.
    pub fn on_record(&self) -> String {
        self.t.f(
            "accidents.on_record",
            &[
                ("since", self.r.since.to_string()),
                ("until", self.r.as_of.to_string()),
            ],
        )
    }
}

async fn accountability(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let r = state
        .store
        .accountability(&user.actor, parse_id(&id)?)
        .await?;
    render(&AccountabilityPage {
        t,
        r,
        printed_at: format_local(chrono::Utc::now()),
    })
}

async fn photo(
    State(state): State<AppState>,
    user: PageUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::hazards::api::PhotoQuery>,
) -> Result<Response, WebError> {
    super::api::serve_photo(&state, &user.actor, parse_id(&id)?, q.thumb == Some(1)).await
}
