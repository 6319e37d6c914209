//! The inspection ledger and the register of enforcement documents as files: long lists,
//! fetched a batch at a time like the hazard ledger.

use super::{BATCH, Heading, batched};
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use axum::response::Response;
use safegrid_domain::access::Actor;
use safegrid_store::{DocumentFilter, EnforcementDocument, Inspection, InspectionFilter, Store};
use std::sync::Arc;

const INSPECTION_COLUMNS: &[&str] = &[
    "inspections.inspected_on",
    "hazard_sources.unit",
    "units.village",
    "inspections.party",
    "inspections.enforcement",
    "inspections.inspectors",
    "inspections.findings",
    "inspections.documents",
    "inspections.summary",
];

/// Who inspected: the department's name, or the town's.
pub fn party_name(
    t: &Tr,
    party: &safegrid_domain::duty::PartyKind,
    department: &Option<String>,
    town: &Option<String>,
) -> String {
    match party {
        safegrid_domain::duty::PartyKind::Department => department.clone(),
        _ => town.clone(),
    }
    .unwrap_or_else(|| t.label("party_kind", party.as_str()))
}

fn yes_no(t: &Tr, b: bool) -> String {
    t.t(if b {
        "units.bool.true"
    } else {
        "units.bool.false"
    })
    .to_owned()
}

fn inspection_row(t: &Tr, i: &Inspection) -> Vec<String> {
    vec![
        i.inspected_on.to_string(),
        i.unit_name.clone(),
        i.region_name
            .clone()
            .unwrap_or_else(|| i.region_code.clone()),
        party_name(t, &i.party, &i.department_name, &i.town_name),
        yes_no(t, i.enforcement),
        i.inspectors.0.join("、"),
        i.findings.to_string(),
        i.documents.to_string(),
        i.summary.clone().unwrap_or_default(),
    ]
}

/// The inspections in scope matching the filter, oldest first, as `csv` or `xlsx`.
pub async fn inspections(
    store: Store,
    actor: Actor,
    t: Tr,
    filter: InspectionFilter,
    format: &str,
) -> Result<Response, WebError> {
    let heading = Heading::of(&store, &actor, t, "inspections", t.t("inspections.title")).await;
    let filter = Arc::new(filter);
    let next = move |after: i64| {
        let (store, actor, filter) = (store.clone(), actor.clone(), filter.clone());
        async move {
            let batch = store
                .inspections_after(&actor, &filter, after, BATCH)
                .await?;
            let rows = batch.iter().map(|i| inspection_row(&t, i)).collect();
            Ok((rows, batch.last().map(|i| i.id)))
        }
    };
    let headers = INSPECTION_COLUMNS
        .iter()
        .map(|k| t.t(k).to_owned())
        .collect();
    batched(format, headers, heading, next).await
}

const DOCUMENT_COLUMNS: &[&str] = &[
    "enforcement.number",
    "enforcement.kind",
    "enforcement.issued_on",
    "hazard_sources.unit",
    "units.village",
    "inspections.party",
    "inspections.inspectors",
    "enforcement.deadline",
    "enforcement.fine_yuan",
    "enforcement.legal_basis",
    "enforcement.review",
    "enforcement.content",
];

fn document_row(t: &Tr, d: &EnforcementDocument) -> Vec<String> {
    let review = match (d.kind.as_str(), d.reviewed_by, d.order_id) {
        ("rectification_order", Some(_), _) => t.t("enforcement.reviewed").to_owned(),
        ("rectification_order", None, _) => t.t("enforcement.not_reviewed").to_owned(),
        (_, _, Some(order)) => t.f1("enforcement.reviews", "id", order),
        _ => String::new(),
    };
    vec![
        d.number.clone(),
        t.label("enforcement_kind", d.kind),
        d.issued_on.to_string(),
        d.unit_name.clone(),
        d.region_name
            .clone()
            .unwrap_or_else(|| d.region_code.clone()),
        party_name(t, &d.party, &d.department_name, &d.town_name),
        d.inspectors.0.join("、"),
        d.deadline.map(|x| x.to_string()).unwrap_or_default(),
        d.fine_yuan.map(|f| format!("{f:.2}")).unwrap_or_default(),
        d.legal_basis.clone().unwrap_or_default(),
        review,
        d.content.clone(),
    ]
}

/// The enforcement documents in scope matching the filter, oldest first, as `csv` or `xlsx`.
pub async fn enforcement(
    store: Store,
    actor: Actor,
    t: Tr,
    filter: DocumentFilter,
    format: &str,
) -> Result<Response, WebError> {
    let heading = Heading::of(&store, &actor, t, "enforcement", t.t("enforcement.title")).await;
    let filter = Arc::new(filter);
    let next = move |after: i64| {
        let (store, actor, filter) = (store.clone(), actor.clone(), filter.clone());
        async move {
            let batch = store
                .enforcement_documents_after(&actor, &filter, after, BATCH)
                .await?;
            let rows = batch.iter().map(|d| document_row(&t, d)).collect();
            Ok((rows, batch.last().map(|d| d.id)))
        }
    };
    let headers = DOCUMENT_COLUMNS.iter().map(|k| t.t(k).to_owned()).collect();
    batched(format, headers, heading, next).await
}
