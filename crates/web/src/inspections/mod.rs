//! Inspections of units: recording one with its checklist and findings, reading one, and the
//! inspection ledger — the API.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::duty::PartyKind;
use safegrid_domain::inspection::document::DocumentKind;
use safegrid_domain::region::RegionCode;
use safegrid_domain::tenure::parse_date;
use safegrid_store::{DocumentFilter, InspectionFilter};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The inspection ledger's filters.
pub struct InspectionQuery {
    pub unit: Option<i64>,
    /// A town or village: inspections of the units there.
    pub region: Option<String>,
    /// Inspections a department made.
    pub department: Option<i64>,
    /// town or department: whose duty they discharge.
    pub party: Option<String>,
    /// Inspected on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Inspected on or before (YYYY-MM-DD).
    pub to: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl InspectionQuery {
    pub(crate) fn filter(&self) -> Result<InspectionFilter, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let region = given(&self.region).and_then(|r| errors.keep(RegionCode::parse("region", &r)));
        let party = given(&self.party).and_then(|p| errors.keep(PartyKind::parse("party", &p)));
        let from = given(&self.from).and_then(|d| errors.keep(parse_date("from", &d)));
        let to = given(&self.to).and_then(|d| errors.keep(parse_date("to", &d)));
        errors.into_result()?;
        Ok(InspectionFilter {
            unit_id: self.unit,
            region,
            department_id: self.department,
            party,
            from,
            to,
        })
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The register of enforcement documents' filters.
pub struct DocumentQuery {
    /// rectification_order, on_site_decision, review_opinion or penalty_decision
    pub kind: Option<String>,
    pub unit: Option<i64>,
    /// A town or village: documents to the units there.
    pub region: Option<String>,
    /// Documents from a department's inspections.
    pub department: Option<i64>,
    /// town or department: whose inspection they came from.
    pub party: Option<String>,
    /// Issued on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Issued on or before (YYYY-MM-DD).
    pub to: Option<String>,
    /// xlsx or csv: the register as a file instead of a page of JSON.
    pub format: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl DocumentQuery {
    pub(crate) fn filter(&self) -> Result<DocumentFilter, WebError> {
        let inspections = InspectionQuery {
            unit: self.unit,
            region: self.region.clone(),
            department: self.department,
            party: self.party.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            page: None,
            per_page: None,
        };
        let kind = self.kind.clone().filter(|s| !s.trim().is_empty());
        let (kind, inspections) = match (
            kind.map(|k| DocumentKind::parse("kind", &k)).transpose(),
            inspections.filter(),
        ) {
            (Ok(kind), Ok(inspections)) => (kind, inspections),
            (Err(v), Ok(_)) => return Err(safegrid_domain::Invalid::from(v).into()),
            (Ok(_), Err(e)) => return Err(e),
            (Err(v), Err(WebError::Invalid(mut e))) => {
                e.0.insert(0, v);
                return Err(WebError::Invalid(e));
            }
            (Err(_), Err(e)) => return Err(e),
        };
        Ok(DocumentFilter { kind, inspections })
    }
}
