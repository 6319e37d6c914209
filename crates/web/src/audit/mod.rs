//! The audit log as the audit administrator reads it — API and page.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::tenure::parse_date;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The audit log's filters, as the API, the page and their exports read them.
pub struct AuditQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
    /// Records of this account name.
    pub username: Option<String>,
    /// Records of this action (`auth.login`, `hazard.transition` …).
    pub action: Option<String>,
    /// From this day (YYYY-MM-DD, China time), included.
    pub from: Option<String>,
    /// To this day, included.
    pub to: Option<String>,
    /// xlsx (default) or csv, for the export.
    pub format: Option<String>,
}

impl AuditQuery {
    /// The filter, with every mistyped field named at once.
    pub fn filter(&self) -> Result<safegrid_store::AuditFilter, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let text = |v: &Option<String>| {
            v.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| s.chars().take(100).collect::<String>())
        };
        let mut date = |field: &str, v: &Option<String>| match text(v) {
            None => None,
            Some(raw) => parse_date(field, &raw).map_err(|e| errors.push(e)).ok(),
        };
        let filter = safegrid_store::AuditFilter {
            username: text(&self.username),
            action: text(&self.action),
            from: date("from", &self.from),
            to: date("to", &self.to),
        };
        errors.into_result()?;
        Ok(filter)
    }
}
