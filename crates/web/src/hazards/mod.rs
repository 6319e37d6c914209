//! The hidden-hazard ledger: reports, the lifecycle, photos, notifications and the webhook —
//! API and pages, and the filters both read.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::tenure::parse_date;
use safegrid_store::HazardFilter;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The hazard ledger's filters, as the API and the ledger page read them.
pub struct HazardQuery {
    /// reported, rectifying, awaiting_verification, assessed, resumption_applied, closed, rejected
    pub state: Option<String>,
    /// general or major
    pub level: Option<String>,
    /// self_check, inspection, village_report, public_report
    pub source: Option<String>,
    /// The unit's key sector.
    pub sector: Option<String>,
    /// The unit's supervision grade: A, B or C.
    pub grade: Option<String>,
    pub unit: Option<i64>,
    /// Found in this division's subtree (a town's or village's ledger).
    pub region: Option<String>,
    /// A department's ledger.
    pub department: Option<i64>,
    /// Deadline on or before this day (YYYY-MM-DD).
    pub deadline_by: Option<String>,
    /// Only overdue hazards (true) or only the others (false).
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub overdue: Option<bool>,
    /// Only hazards listed for supervision (挂牌督办, true) or only the others (false).
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub listed: Option<bool>,
    /// Only hazards still open (true) or only the closed and rejected (false).
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub open: Option<bool>,
    /// Only the hazards the reader reported.
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub mine: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl HazardQuery {
    /// The filter for this reader (`mine` is the reader's own reports).
    pub(crate) fn filter_for(&self, account: i64) -> Result<HazardFilter, WebError> {
        let mut filter = self.filter()?;
        if self.mine == Some(true) {
            filter.reported_by = Some(account);
        }
        Ok(filter)
    }

    pub(crate) fn filter(&self) -> Result<HazardFilter, WebError> {
        let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let deadline_by = match some(&self.deadline_by) {
            Some(raw) => Some(parse_date("deadline_by", &raw)?),
            None => None,
        };
        // Every closed set and the region are checked by the store's filter, naming the field.
        Ok(HazardFilter {
            state: some(&self.state),
            level: some(&self.level),
            source: some(&self.source),
            sector: some(&self.sector),
            grade: some(&self.grade),
            unit: self.unit,
            region: some(&self.region),
            department: self.department,
            deadline_by,
            overdue: self.overdue,
            listed: self.listed,
            open: self.open,
            reported_by: None,
        })
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// A page of the bell's notifications, for the API and the page.
pub struct NotificationQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Sets the county's outgoing webhook, as the API and the settings page do: whether it may
/// point into private networks is the deployment's to say, never the request's.
pub(crate) async fn set_webhook(
    state: &crate::http::state::AppState,
    actor: &safegrid_domain::access::Actor,
    mut input: safegrid_store::WebhookInput,
) -> Result<safegrid_store::WebhookSettings, WebError> {
    input.private_networks = state.config.webhook_private_networks;
    Ok(state.store.set_webhook(actor, input).await?)
}
