//! Units' monthly hazard statistics reports — API and pages.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::hazard::report::Period;
use safegrid_store::StandingFilter;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// Who reported a period, filtered, as the API and the standings page (and its export) read
/// it.
pub struct StandingQuery {
    /// 2026Q3 or 2026; the last ended quarter when absent.
    pub period: Option<String>,
    pub region: Option<String>,
    pub department: Option<i64>,
    /// on_time, late, missing, not_due
    pub standing: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl StandingQuery {
    pub(crate) fn period(&self) -> Result<Period, WebError> {
        match self.period.as_deref().filter(|p| !p.trim().is_empty()) {
            Some(p) => Ok(Period::parse("period", p)?),
            None => Ok(Period::latest(safegrid_domain::time::today()).0),
        }
    }

    pub(crate) fn filter(&self) -> StandingFilter {
        StandingFilter {
            region: self.region.clone().filter(|r| !r.trim().is_empty()),
            department: self.department,
            standing: self.standing.clone().filter(|s| !s.trim().is_empty()),
        }
    }
}
