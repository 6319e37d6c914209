//! The inspection ledger and one inspection: its checklist, its findings in the hazard ledger,
//! the documents issued from it and the form to issue one.

use crate::http::answer::parse_id;
use crate::http::auth::{CsrfForm, PageUser};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::inspections::InspectionQuery;
use crate::pages::choices::RegionFilter;
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render, render_with, see_other,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::access::Scope;
use safegrid_domain::inspection::document::{DocumentInput, DocumentKind};
use safegrid_domain::policy::{Object, Verb, allowed};
use safegrid_domain::region::RegionLevel;
use safegrid_store::{Department, EnforcementDocument, Inspection, InspectionDetail, PageRequest};

#[derive(Template)]
#[template(path = "inspections.html")]
struct LedgerPage {
    t: Tr,
    chrome: Chrome,
    inspections: Vec<Inspection>,
    pager: Pager,
    q: InspectionQuery,
    export_query: String,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    can_record: bool,
}

/// Whether the account records inspections and issues documents: the county, a town or a
/// department (a village reports hazards; a unit checks itself).
pub(crate) fn enforces(user: &PageUser) -> bool {
    allowed(user.actor.role, Verb::Write, Object::Inspection)
        && match &user.actor.scope {
            Scope::All | Scope::Department { .. } => true,
            Scope::Region { root } => root.level() <= RegionLevel::Town,
            Scope::Unit { .. } | Scope::Administration => false,
        }
}

pub async fn ledger(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<InspectionQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(q), QueryArgs(f)).await;
    }
    let filter = q.filter()?;
    let page = state
        .store
        .inspections(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    render(&LedgerPage {
        chrome: Chrome::new(&t, &user, "inspections"),
        pager: Pager::new(
            &page,
            query_of(&InspectionQuery {
                page: None,
                ..q.clone()
            }),
        ),
        inspections: page.items,
        export_query: query_of(&InspectionQuery {
            page: None,
            ..q.clone()
        }),
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        can_record: enforces(&user),
        t,
        q,
    })
}

pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<InspectionQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let format = crate::ops::export::format_of(f.format())?;
    crate::ops::export::inspections(state.store.clone(), user.actor, t, filter, format).await
}

#[derive(Template)]
#[template(path = "inspection.html")]
struct DetailPage {
    t: Tr,
    chrome: Chrome,
    d: InspectionDetail,
    documents: Vec<EnforcementDocument>,
    kinds: Vec<(&'static str, String)>,
    can_issue: bool,
    errors: FormErrors,
    values: FormPairs,
    today: String,
}

impl DetailPage {
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).unwrap_or_default()
    }
}

async fn detail_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: i64,
    values: FormPairs,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let d = state.store.inspection(&user.actor, id).await?;
    let documents = state.store.inspection_documents(&user.actor, id).await?;
    let status = crate::pages::status_of(&errors);
    render_with(
        status,
        &DetailPage {
            chrome: Chrome::new(&t, user, "inspections"),
            kinds: DocumentKind::ALL
                .into_iter()
                .map(|k| (k.as_str(), t.label("enforcement_kind", k.as_str())))
                .collect(),
            can_issue: enforces(user),
            today: safegrid_domain::time::today().to_string(),
            t,
            d,
            documents,
            errors,
            values,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    detail_page(
        &state,
        t,
        &user,
        parse_id(&id)?,
        FormPairs(Vec::new()),
        FormErrors::default(),
    )
    .await
}

/// Takes the form issuing a document from the inspection; the printed form opens next.
pub async fn issue(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let made = async {
        let input = DocumentInput {
            kind: pairs.get("kind"),
            issued_on: pairs.get("issued_on"),
            deadline: pairs.get("deadline"),
            content: pairs.get("content"),
            fine_yuan: pairs.number("fine_yuan")?,
            legal_basis: pairs.get("legal_basis"),
            order_id: pairs.number("order_id")?,
        };
        Ok::<_, WebError>(state.store.issue_document(&user.actor, id, input).await?)
    }
    .await;
    outcome(
        t,
        made,
        async |made| see_other(format!("/enforcement/{}", made.id)),
        async |errors| detail_page(&state, t, &user, id, pairs, errors).await,
    )
    .await
}
