//! A unit as received ([`UnitInput`]: a form, an API call, a census row) and as checked
//! ([`NewUnit`]). Every field is checked at once, so an import row names all its faults; the
//! store adds what needs the database (the village in scope, the departments, duplicates).

use super::grade::Grade;
use super::industry::parse_industry;
use super::record::{UnitStatus, parse_standardisation};
use super::uscc::Uscc;
use crate::geo::Location;
use crate::invalid::{Invalid, Violation, optional_phone, optional_text, required_text};
use crate::region::{RegionCode, RegionLevel};
use serde::Deserialize;

/// A unit as typed into a form, an API call or a spreadsheet row.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct UnitInput {
    pub name: Option<String>,
    pub uscc: Option<String>,
    /// Why a unit has no code (an individual business …); required when `uscc` is empty.
    pub no_uscc_reason: Option<String>,
    pub legal_rep: Option<String>,
    pub principal: Option<String>,
    pub safety_manager: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The village or community (12-digit code).
    pub region: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// GB/T 4754 code (division, group or class).
    pub industry: Option<String>,
    /// Key sector code.
    pub sector: Option<String>,
    pub approving_department_id: Option<i64>,
    pub supervising_department_ids: Option<Vec<i64>>,
    pub employees: Option<i64>,
    /// level1, level2, level3, none
    pub standardisation: Option<String>,
    /// operating, suspended, closed, moved
    pub status: Option<String>,
    /// Why the status changed.
    pub status_reason: Option<String>,
    /// A, B or C to override the suggested grade, with `grade_reason`.
    pub supervision_grade: Option<String>,
    pub grade_reason: Option<String>,
    pub is_key: Option<bool>,
    pub key_reason: Option<String>,
}

/// The checked values of a unit, ready to store.
pub struct NewUnit {
    pub name: String,
    pub uscc: Option<String>,
    pub no_uscc_reason: Option<String>,
    pub legal_rep: Option<String>,
    pub principal: Option<String>,
    pub safety_manager: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    pub region: Option<String>,
    pub location: Option<Location>,
    pub industry: Option<String>,
    pub sector: Option<String>,
    pub approving_department_id: Option<i64>,
    pub supervising: Vec<i64>,
    pub employees: Option<i32>,
    pub standardisation: Option<String>,
    pub status: UnitStatus,
    pub grade_override: Option<(Grade, String)>,
    pub is_key: bool,
    pub key_reason: Option<String>,
}

fn text(field: &str, v: &Option<String>, max: usize, errors: &mut Invalid) -> Option<String> {
    optional_text(field, v.as_deref(), max)
        .map_err(|e| errors.push(e))
        .ok()
        .flatten()
}

impl NewUnit {
    /// Checks every field, collecting every violation (so an import row reports them all).
    pub fn parse(input: &UnitInput) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let name = required_text("name", input.name.as_deref().unwrap_or_default(), 100)
            .map_err(|v| e.push(v))
            .ok();
        let uscc = match input
            .uscc
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => Uscc::parse("uscc", raw)
                .map(|u| Some(u.to_string()))
                .map_err(|v| e.push(v))
                .ok()
                .flatten(),
            None => None,
        };
        let no_uscc_reason = text("no_uscc_reason", &input.no_uscc_reason, 200, &mut e);
        if input.uscc.as_deref().is_none_or(|s| s.trim().is_empty()) && no_uscc_reason.is_none() {
            e.push(Violation::new(
                "no_uscc_reason",
                "error.uscc.reason_required",
            ));
        }
        let region = match input
            .region
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => match RegionCode::parse("region", raw) {
                Ok(c) if c.level() == RegionLevel::Village => Some(c.to_string()),
                Ok(_) => {
                    e.push(Violation::new("region", "error.unit_region_village"));
                    None
                }
                Err(v) => {
                    e.push(v);
                    None
                }
            },
            None => None,
        };
        let industry = match input
            .industry
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => parse_industry("industry", raw).map_err(|v| e.push(v)).ok(),
            None => None,
        };
        let employees = match input.employees {
            Some(n) if !(0..=1_000_000).contains(&n) => {
                e.push(Violation::new("employees", "error.not_negative"));
                None
            }
            Some(n) => i32::try_from(n).ok(),
            None => None,
        };
        let standardisation = match input
            .standardisation
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => parse_standardisation("standardisation", raw)
                .map_err(|v| e.push(v))
                .ok(),
            None => None,
        };
        let status = match input
            .status
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => UnitStatus::parse("status", raw).map_err(|v| e.push(v)).ok(),
            None => Some(UnitStatus::Operating),
        };
        let grade_override = match input
            .supervision_grade
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(raw) => match (
                Grade::parse_written("supervision_grade", raw),
                text("grade_reason", &input.grade_reason, 200, &mut e),
            ) {
                (Ok(g), Some(reason)) => Some((g, reason)),
                (Ok(_), None) => {
                    e.push(Violation::new(
                        "grade_reason",
                        "error.grade_reason_required",
                    ));
                    None
                }
                (Err(v), _) => {
                    e.push(v);
                    None
                }
            },
            None => None,
        };
        let is_key = input.is_key.unwrap_or(false);
        let key_reason = text("key_reason", &input.key_reason, 200, &mut e);
        if is_key && key_reason.is_none() {
            e.push(Violation::new("key_reason", "error.key_reason_required"));
        }
        let location = e
            .keep(Location::parse(input.longitude, input.latitude))
            .flatten();
        let checked = NewUnit {
            name: name.unwrap_or_default(),
            uscc,
            no_uscc_reason,
            legal_rep: text("legal_rep", &input.legal_rep, 40, &mut e),
            principal: text("principal", &input.principal, 40, &mut e),
            safety_manager: text("safety_manager", &input.safety_manager, 40, &mut e),
            phone: optional_phone("phone", input.phone.as_deref())
                .map_err(|v| e.push(v))
                .ok()
                .flatten(),
            address: text("address", &input.address, 200, &mut e),
            region,
            location,
            industry,
            sector: input.sector.clone().filter(|s| !s.trim().is_empty()),
            approving_department_id: input.approving_department_id,
            supervising: input.supervising_department_ids.clone().unwrap_or_default(),
            employees,
            standardisation,
            status: status.unwrap_or(UnitStatus::Operating),
            grade_override,
            is_key,
            key_reason,
        };
        e.into_result().map(|()| checked)
    }
}
