//! Major hazard sources' pages (R-LED-6): the register per town and department, one source with
//! its substances and papers, and the identification form that works out S, R and the level.

use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render, render_with, see_other,
};
use crate::unit_records::HazardSourceQuery;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use safegrid_domain::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::time::today;
use safegrid_domain::unit::gb18218::{self, NAMED_SUBSTANCES, NamedSubstance};
use safegrid_store::{
    Department, Document, HazardSource, HazardSourceDetail, HazardSourceInput, SubstanceInput,
};
use serde::Deserialize;

/// Blank substance rows offered on the form.
const SUBSTANCE_ROWS: usize = 6;

/// The register page's one filter of its own: identification due within 90 days (or
/// overdue), which it asks of the list as `due_by`.
#[derive(Deserialize, Default)]
pub struct DueSoon {
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub due: Option<bool>,
}

impl DueSoon {
    fn apply(&self, q: &mut HazardSourceQuery, today: NaiveDate) {
        if self.due == Some(true) {
            q.due_by = Some((today + chrono::Days::new(gb18218::DUE_SOON_DAYS)).to_string());
        }
    }
}

#[derive(Template)]
#[template(path = "hazard_sources.html")]
struct ListPage {
    t: Tr,
    chrome: Chrome,
    sources: Vec<HazardSource>,
    pager: Pager,
    /// The filters as a query string, for the export links.
    export_query: String,
    q: HazardSourceQuery,
    /// Only sources due soon.
    due: bool,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    today: NaiveDate,
}

pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(mut q): QueryArgs<HazardSourceQuery>,
    QueryArgs(due): QueryArgs<DueSoon>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    due.apply(&mut q, today());
    let filter = q.filter()?;
    crate::ops::export::hazard_sources(&state.store, &user.actor, &t, &filter, f.format()).await
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(mut q): QueryArgs<HazardSourceQuery>,
    QueryArgs(due): QueryArgs<DueSoon>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the register as the paper form, from the same rows as its export.
    if f.printing() {
        return export(
            State(state),
            t,
            user,
            QueryArgs(q),
            QueryArgs(due),
            QueryArgs(f),
        )
        .await;
    }
    let today = today();
    // The links carry the filters as given: `due=1`, not the day it meant today.
    let mut base = query_of(&q);
    if due.due == Some(true) {
        base.push_str("due=1&");
    }
    due.apply(&mut q, today);
    let filter = q.filter()?;
    let page = state
        .store
        .hazard_sources(
            &user.actor,
            &filter,
            safegrid_store::PageRequest::new(q.page, Some(50)),
        )
        .await?;
    render(&ListPage {
        chrome: Chrome::new(&t, &user, "hazard_sources"),
        export_query: base.clone(),
        pager: Pager::new(&page, base),
        sources: page.items,
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        t,
        q,
        due: due.due == Some(true),
        today,
    })
}

#[derive(Template)]
#[template(path = "hazard_source.html")]
struct DetailPage {
    t: Tr,
    chrome: Chrome,
    d: HazardSourceDetail,
    documents: Vec<Document>,
    can_edit: bool,
    today: NaiveDate,
    errors: FormErrors,
    back: String,
}

impl DetailPage {
    pub fn filing_due(&self) -> NaiveDate {
        safegrid_domain::unit::gb18218::filing_due(self.d.source.identified_on)
    }
}

pub(crate) async fn detail_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = crate::pages::status_of(&errors);
    let d = state.store.hazard_source(&user.actor, id).await?;
    let documents = state
        .store
        .documents(&user.actor, d.source.unit_id)
        .await?
        .into_iter()
        .filter(|doc| doc.hazard_source_id == Some(id))
        .collect();
    render_with(
        status,
        &DetailPage {
            chrome: Chrome::new(&t, user, "hazard_sources"),
            can_edit: may(&user.actor, Verb::Write, Object::UnitRecord),
            t,
            d,
            documents,
            today: today(),
            errors,
            back: format!("/hazard-sources/{id}"),
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    detail_page(&state, t, &user, id, FormErrors::default()).await
}

/// The form's values as typed.
#[derive(Default, Clone)]
pub struct SourceForm {
    pub values: Vec<(String, String)>,
}

impl SourceForm {
    pub fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    /// The value of substance row `i`'s `field`.
    pub fn s(&self, i: &usize, field: &str) -> String {
        self.v(&format!("s{i}_{field}"))
    }

    fn of(d: &HazardSourceDetail) -> Self {
        let s = &d.source;
        let mut values = vec![
            ("name".to_owned(), s.name.clone()),
            (
                "people_within_500m".to_owned(),
                s.people_within_500m.to_string(),
            ),
            ("identified_on".to_owned(), s.identified_on.to_string()),
            (
                "filed_on".to_owned(),
                s.filed_on.map(|d| d.to_string()).unwrap_or_default(),
            ),
            (
                "measures".to_owned(),
                s.measures.clone().unwrap_or_default(),
            ),
        ];
        for (i, x) in d.substances.iter().enumerate() {
            values.push((format!("s{i}_name"), x.name.clone()));
            values.push((format!("s{i}_cas"), x.cas.clone().unwrap_or_default()));
            values.push((format!("s{i}_q"), x.q.to_string()));
            values.push((format!("s{i}_critical_q"), x.critical_q.to_string()));
            values.push((format!("s{i}_beta"), x.beta.to_string()));
        }
        Self { values }
    }

    fn rows(&self) -> usize {
        (0..64)
            .take_while(|i| {
                self.values
                    .iter()
                    .any(|(k, _)| k.starts_with(&format!("s{i}_")))
            })
            .count()
    }

    fn input(&self, unit: Option<i64>) -> Result<HazardSourceInput, WebError> {
        let some = |k: &str| Some(self.v(k)).filter(|v| !v.trim().is_empty());
        let mut errors = safegrid_domain::Invalid::default();
        let people = match some("people_within_500m") {
            None => None,
            Some(raw) => errors.keep(
                raw.trim()
                    .parse::<i64>()
                    .map_err(|_| Violation::new("people_within_500m", "error.number")),
            ),
        };
        let mut substances = Vec::new();
        for i in 0..self.rows().max(SUBSTANCE_ROWS) {
            let cells = ["name", "cas", "q", "critical_q", "beta"].map(|f| self.s(&i, f));
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            let n = substances.len();
            let mut number =
                |f: &str, raw: &str| -> Option<f64> {
                    let raw = raw.trim();
                    if raw.is_empty() {
                        return None;
                    }
                    errors.keep(raw.parse::<f64>().map_err(|_| {
                        Violation::new(format!("substances[{n}].{f}"), "error.number")
                    }))
                };
            substances.push(SubstanceInput {
                name: Some(cells[0].clone()),
                cas: Some(cells[1].clone()).filter(|c| !c.trim().is_empty()),
                q: number("q", &cells[2]),
                critical_q: number("critical_q", &cells[3]),
                beta: number("beta", &cells[4]),
            });
        }
        errors.into_result()?;
        Ok(HazardSourceInput {
            unit_id: unit,
            name: some("name"),
            people_within_500m: people,
            substances: Some(substances),
            identified_on: some("identified_on"),
            filed_on: Some(self.v("filed_on")),
            measures: Some(self.v("measures")),
        })
    }
}

#[derive(Template)]
#[template(path = "hazard_source_form.html")]
struct FormPage {
    t: Tr,
    chrome: Chrome,
    id: Option<i64>,
    unit_id: i64,
    unit_name: String,
    form: SourceForm,
    rows: Vec<usize>,
    named: &'static [NamedSubstance],
    errors: FormErrors,
}

async fn form_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: Option<i64>,
    unit_id: i64,
    form: SourceForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let status = crate::pages::status_of(&errors);
    let unit = state.store.unit(&user.actor, unit_id).await?;
    let rows =
        (0..form.rows().max(SUBSTANCE_ROWS) + usize::from(form.rows() >= SUBSTANCE_ROWS)).collect();
    render_with(
        status,
        &FormPage {
            chrome: Chrome::new(&t, user, "hazard_sources"),
            t,
            id,
            unit_id,
            unit_name: unit.unit.name,
            form,
            rows,
            named: NAMED_SUBSTANCES,
            errors,
        },
    )
}

#[derive(Deserialize)]
pub struct NewQuery {
    pub unit: Option<String>,
}

pub async fn new_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<NewQuery>,
) -> Result<Response, WebError> {
    let unit: i64 = q
        .unit
        .as_deref()
        .and_then(|u| u.parse().ok())
        .ok_or(WebError::NotFound)?;
    let form = SourceForm {
        values: vec![("identified_on".to_owned(), today().to_string())],
    };
    form_page(&state, t, &user, None, unit, form, FormErrors::default()).await
}

pub async fn edit_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = state.store.hazard_source(&user.actor, id).await?;
    form_page(
        &state,
        t,
        &user,
        Some(id),
        d.source.unit_id,
        SourceForm::of(&d),
        FormErrors::default(),
    )
    .await
}

async fn save(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: Option<i64>,
    pairs: FormPairs,
) -> Result<Response, WebError> {
    let form = SourceForm {
        values: pairs.0.clone(),
    };
    let unit_id: i64 = match id {
        Some(id) => {
            state
                .store
                .hazard_source(&user.actor, id)
                .await?
                .source
                .unit_id
        }
        None => pairs
            .get("unit_id")
            .and_then(|u| u.parse().ok())
            .ok_or(WebError::NotFound)?,
    };
    let result = match form.input(id.is_none().then_some(unit_id)) {
        Ok(input) => crate::unit_records::save_hazard_source(state, &user.actor, id, input).await,
        Err(e) => Err(e),
    };
    outcome(
        t,
        result,
        async |d| see_other(format!("/hazard-sources/{}", d.source.id)),
        async |errors| form_page(state, t, user, id, unit_id, form, errors).await,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    save(&state, t, &user, None, pairs).await
}

pub async fn update(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    save(&state, t, &user, Some(id), pairs).await
}

pub async fn retire(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = state
        .store
        .retire_hazard_source(&user.actor, id, pairs.get("reason").as_deref())
        .await;
    outcome(
        t,
        result,
        async |_| see_other(format!("/hazard-sources/{id}")),
        async |errors| detail_page(&state, t, &user, id, errors).await,
    )
    .await
}
