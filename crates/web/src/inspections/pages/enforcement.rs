//! The register of enforcement documents and each document printed as its national form.

use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::inspections::DocumentQuery;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::inspection::document::DocumentKind;
use safegrid_store::{Department, EnforcementDocument, PageRequest};

#[derive(Template)]
#[template(path = "enforcement.html")]
struct RegisterPage {
    t: Tr,
    chrome: Chrome,
    documents: Vec<EnforcementDocument>,
    pager: Pager,
    q: DocumentQuery,
    export_query: String,
    kinds: Vec<(&'static str, String)>,
    region_filter: RegionFilter,
    departments: Vec<Department>,
}

pub async fn register(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DocumentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let filter = q.filter()?;
    let page = state
        .store
        .enforcement_documents(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let base = DocumentQuery {
        page: None,
        format: None,
        ..q.clone()
    };
    render(&RegisterPage {
        chrome: Chrome::new(&t, &user, "enforcement"),
        pager: Pager::new(&page, query_of(&base)),
        export_query: query_of(&base),
        documents: page.items,
        kinds: DocumentKind::ALL
            .into_iter()
            .map(|k| (k.as_str(), t.label("enforcement_kind", k.as_str())))
            .collect(),
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        t,
        q,
    })
}

pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<DocumentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let format = crate::ops::export::format_of(f.format())?;
    crate::ops::export::enforcement(state.store.clone(), user.actor, t, filter, format).await
}

#[derive(Template)]
#[template(path = "enforcement_print.html")]
struct PrintPage {
    t: Tr,
    chrome: Chrome,
    d: EnforcementDocument,
    /// The issuing organ as the form's heading names it.
    organ: String,
}

/// A document as its A4 form: the organ, the title, the number, the unit and what it is
/// told, the inspectors' signatures and the seal line.
pub async fn print(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let d = state
        .store
        .enforcement_document(&user.actor, parse_id(&id)?)
        .await?;
    let organ = match &d.department_name {
        Some(name) => name.clone(),
        None => state
            .store
            .region(&user.actor, &town_of(&d.region_code))
            .await
            .map(|r| format!("{}人民政府", r.name))
            .unwrap_or_default(),
    };
    render(&PrintPage {
        chrome: Chrome::new(&t, &user, "enforcement"),
        t,
        d,
        organ,
    })
}

/// The town of a village's code.
fn town_of(village: &str) -> String {
    format!("{}000", village.get(..9).unwrap_or(village))
}
