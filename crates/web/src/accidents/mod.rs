//! Accidents (R-VIL-3, R-ASSESS-2): the quick report from a phone, the chain up the levels on
//! the clock, supplements, and the record as of the accident for the investigation team. The
//! API and the pages read the same filters (`AccidentQuery`) and call the same store
//! operations.

pub mod api;
pub mod pages;

use chrono::NaiveDate;
use safegrid_store::AccidentFilter;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

/// The ledger's filters, for the API and the page alike.
#[derive(Debug, Clone, Default, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccidentQuery {
    /// Happened in this division (town or village, 12 digits).
    pub region: Option<String>,
    pub unit: Option<i64>,
    /// A GB 6441 kind (or road_traffic).
    pub kind: Option<String>,
    /// general, larger, major or especially_major.
    pub level: Option<String>,
    /// The unit's sector.
    pub sector: Option<String>,
    /// Happened on or after this day (YYYY-MM-DD).
    pub from: Option<NaiveDate>,
    /// Happened on or before this day.
    pub to: Option<NaiveDate>,
    /// Only those with a step of the chain overdue.
    pub overdue: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl AccidentQuery {
    pub fn filter(&self) -> AccidentFilter {
        AccidentFilter {
            region: self.region.clone(),
            unit: self.unit,
            kind: self.kind.clone(),
            level: self.level.clone(),
            sector: self.sector.clone(),
            from: self.from,
            to: self.to,
            overdue: self.overdue,
        }
    }
}
