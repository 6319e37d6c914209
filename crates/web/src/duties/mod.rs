//! The duty calendar: who owes which duty for which period, and who is behind — the API.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::duty::{DutyKind, DutyState, Period, SummaryGroup};
use safegrid_domain::region::RegionCode;
use safegrid_store::DutyFilter;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The duty list's and summary's filters.
pub struct DutyQuery {
    /// inspection, statistics_report, hazard_source_review, hazard_source_filing,
    /// rectification_review, grid_plan, daily_check, monthly_patrol, certificate_review,
    /// pre_shift, monthly_exam, publicity, three_post or accident_report
    pub kind: Option<String>,
    /// A town or village (12 digits): duties of the units there.
    pub region: Option<String>,
    /// Duties a department owes.
    pub department: Option<i64>,
    pub unit: Option<i64>,
    /// 2026-12-02, 2026-12, 2026-Q4, 2026-H2 or 2026: duties whose period shares a day with
    /// it; this month when absent.
    pub period: Option<String>,
    /// due, done or overdue
    pub state: Option<String>,
    /// Summary only: town, village, department, grid or kind.
    pub group: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl DutyQuery {
    /// The filter, every value checked and refused naming its field.
    pub(crate) fn filter(&self) -> Result<DutyFilter, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let given = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        let kind = given(&self.kind).and_then(|k| errors.keep(DutyKind::parse("kind", &k)));
        let state = given(&self.state).and_then(|s| errors.keep(DutyState::parse("state", &s)));
        let period = given(&self.period).and_then(|p| errors.keep(Period::parse("period", &p)));
        let region = given(&self.region).and_then(|r| errors.keep(RegionCode::parse("region", &r)));
        errors.into_result()?;
        Ok(DutyFilter {
            kind,
            region,
            department_id: self.department,
            unit_id: self.unit,
            period,
            state,
        })
    }

    pub(crate) fn group(&self) -> Result<SummaryGroup, WebError> {
        match self
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            None => Ok(SummaryGroup::Town),
            Some(g) => Ok(SummaryGroup::parse("group", g)?),
        }
    }
}
