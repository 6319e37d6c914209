//! The register of the three posts' certificates (三岗人员持证台账): the town's, department's or
//! county's list of current certificates soonest due first, filtered by division, unit and
//! how soon they fall due, with Excel, CSV and the printed form; on a unit's own list, the
//! form that records a certificate (a renewal replaces the holder's earlier one).

use super::api::CertificateQuery;
use crate::http::auth::{CsrfForm, PageUser};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{
    Chrome, FormErrors, Pager, Shown, outcome, query_of, render_with, see_other, status_of,
};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use chrono::NaiveDate;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::unit::certificate::{CertificateInput, CertificateKind, SpecialOperation};
use safegrid_store::{Certificate, PageRequest};

/// How soon: the choices of the register's filter, in days.
const DUE_CHOICES: [u32; 4] = [7, 30, 90, 365];

#[derive(Template)]
#[template(path = "certificates.html")]
struct RegisterPage {
    t: Tr,
    chrome: Chrome,
    certificates: Vec<Certificate>,
    pager: Pager,
    region_filter: RegionFilter,
    q: CertificateQuery,
    export_query: String,
    due_choices: [u32; 4],
    /// The unit the list is narrowed to, when it is one unit's.
    unit: Option<safegrid_store::Unit>,
    may_record: bool,
    kinds: [CertificateKind; 3],
    operations: &'static [SpecialOperation],
    errors: FormErrors,
    form: FormPairs,
    today: NaiveDate,
}

impl RegisterPage {
    fn v(&self, name: &str) -> String {
        self.form.get(name).unwrap_or_default()
    }

    /// How the certificate stands today: overdue, due within 30 days, or in order.
    fn standing(&self, c: &Certificate) -> &'static str {
        if c.review_due < self.today {
            "overdue"
        } else if c.review_due <= self.today + chrono::Days::new(30) {
            "due"
        } else {
            "done"
        }
    }
}

async fn page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    q: CertificateQuery,
    form: FormPairs,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    let unit = match q.unit {
        Some(id) => Some(state.store.unit(&user.actor, id).await?.unit),
        None => None,
    };
    let listed = state
        .store
        .certificates(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let base = query_of(&CertificateQuery {
        page: None,
        ..q.clone()
    });
    render_with(
        status_of(&errors),
        &RegisterPage {
            chrome: Chrome::new(
                &t,
                user,
                if unit.is_some() {
                    "units"
                } else {
                    "certificates"
                },
            ),
            pager: Pager::new(&listed, base.clone()),
            export_query: base,
            certificates: listed.items,
            region_filter: RegionFilter::load(state, user, q.region.shown()).await?,
            due_choices: DUE_CHOICES,
            may_record: unit.is_some()
                && (Party::of(user.actor.role) == Party::Unit
                    || may(&user.actor, Verb::Write, Object::Unit)),
            unit,
            kinds: CertificateKind::ALL,
            operations: &SpecialOperation::ALL,
            errors,
            form,
            today: safegrid_domain::time::today(),
            q,
            t,
        },
    )
}

pub async fn register(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<CertificateQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the register as the paper form, from the same rows as its export.
    if f.printing() {
        let filter = q.filter()?;
        return crate::ops::export::certificates(&state.store, &user.actor, t, &filter, "print")
            .await;
    }
    page(
        &state,
        t,
        &user,
        q,
        FormPairs::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<CertificateQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.filter()?;
    crate::ops::export::certificates(&state.store, &user.actor, t, &filter, f.format()).await
}

/// Records a certificate from the unit's list; shown again with its faults when refused.
pub async fn record(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let input = CertificateInput {
        holder: form.get("holder"),
        kind: form.get("kind"),
        category: form
            .get("category")
            .filter(|_| form.get("kind").as_deref() == Some("special_operation")),
        number: form.get("number"),
        issued_on: form.get("issued_on"),
        expires_on: form.get("expires_on"),
    };
    let made = state.store.add_certificate(&user.actor, id, input).await;
    let q = CertificateQuery {
        unit: Some(id),
        ..Default::default()
    };
    outcome(
        t,
        made,
        async |_| see_other(format!("/certificates?unit={id}")),
        async |errors| page(&state, t, &user, q, form.clone(), errors).await,
    )
    .await
}
