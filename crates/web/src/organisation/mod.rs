//! The organisation of supervision: divisions, departments, grids and their posts, people,
//! the leadership group, the responsibility ledger and the grid plans — API and pages, and
//! the filters both read.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use chrono::NaiveDate;
use safegrid_domain::tenure::parse_date;
use safegrid_domain::time::today;
use safegrid_store::{GridFilter, LedgerFilter};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The grid list's filters, as the API, the grid list and a division's or department's
/// page read them.
pub struct GridQuery {
    /// Grids in this division's subtree (12-digit code).
    pub region: Option<String>,
    pub department: Option<i64>,
    /// county, department_town, town, town_zone, park, village
    pub kind: Option<String>,
    pub level: Option<i32>,
    /// Only grids with a post short of people today.
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub gaps_only: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl GridQuery {
    pub(crate) fn filter(&self) -> Result<GridFilter, WebError> {
        if let Some(region) = &self.region {
            safegrid_domain::region::RegionCode::parse("region", region)?;
        }
        Ok(GridFilter {
            region: self.region.clone(),
            department: self.department,
            kind: self.kind.clone(),
            level: self.level,
            gaps_only: self.gaps_only.unwrap_or(false),
        })
    }
}

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The responsibility ledger's filters, as the API and the ledger page (and its export)
/// read them.
pub struct LedgerQuery {
    pub region: Option<String>,
    pub department: Option<i64>,
    pub kind: Option<String>,
    pub level: Option<i32>,
    pub post: Option<String>,
    pub q: Option<String>,
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub gaps_only: Option<bool>,
    pub as_of: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl LedgerQuery {
    pub(crate) fn filter(&self) -> Result<(LedgerFilter, NaiveDate), WebError> {
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            safegrid_domain::region::RegionCode::parse("region", region)?;
        }
        let date = as_of(self.as_of.as_deref())?;
        Ok((
            LedgerFilter {
                grids: GridFilter {
                    region: self.region.clone(),
                    department: self.department,
                    kind: self.kind.clone(),
                    level: self.level,
                    gaps_only: self.gaps_only.unwrap_or(false),
                },
                post: self.post.clone(),
                q: self.q.clone(),
            },
            date,
        ))
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AsOfQuery {
    /// The date (YYYY-MM-DD); today when absent.
    pub as_of: Option<String>,
}

impl AsOfQuery {
    pub(crate) fn date(&self) -> Result<NaiveDate, WebError> {
        as_of(self.as_of.as_deref())
    }
}

/// The day a view of posts is as of: the one given (naming `as_of` when it is no date), or
/// today.
fn as_of(raw: Option<&str>) -> Result<NaiveDate, WebError> {
    match raw {
        Some(raw) => Ok(parse_date("as_of", raw)?),
        None => Ok(today()),
    }
}
