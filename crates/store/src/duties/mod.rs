//! The duty calendar (R-CAL-4) as read: duties are derived, never stored. For a scope and a
//! window this reads the units in scope (with their village, cadence inputs and supervising
//! departments) and the records made in the window, and hands them to the domain's duty rules
//! (`safegrid_domain::duty`). A county's month is one read of its 3,000 units and of the
//! month's (or quarter's) inspections; the derived set is kept a few seconds for every reader
//! of the same scope and window, and dropped when this process records an inspection or
//! changes a unit.

mod accident;
mod matrix;
mod own;
mod read;

pub use matrix::{DutyMatrix, MatrixRow};
pub(crate) use read::departments_of;

use crate::db::Store;
use crate::{Page, PageRequest, Result, StoreError};
use chrono::NaiveDate;
use read::derive;
use safegrid_domain::access::Actor;
use safegrid_domain::duty::grid_plan::{PlanOwnerFacts, grid_plan_duties};
use safegrid_domain::duty::inspection::town_of;
use safegrid_domain::duty::{
    Cadence, Duty, DutyKind, DutyState, Party, Period, RegionCodeKey, SummaryGroup, Tally,
};
use safegrid_domain::policy::{self, Object, Verb};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::today;
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Derived duty sets kept at most (a county's year is a few megabytes).
pub(crate) const KEPT_SETS: usize = 32;

/// The duties of one scope and window, with the names to show them by.
#[derive(Debug, Default)]
pub struct DutySetData {
    pub duties: Vec<Duty>,
    units: HashMap<i64, UnitFacts>,
    departments: HashMap<i64, String>,
    regions: HashMap<String, String>,
    /// Grids answerable for a party's duties: a town's zone per village, a department's grid
    /// per town.
    grids: HashMap<GridKey, (i64, String)>,
}

pub type DutySet = Arc<DutySetData>;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum GridKey {
    Zone(String),
    DepartmentTown(i64, String),
}

#[derive(Debug, Clone)]
struct UnitFacts {
    name: String,
    village: String,
}

/// Which duties to show.
#[derive(Debug, Clone, Default)]
pub struct DutyFilter {
    pub kind: Option<DutyKind>,
    /// A town or village: duties of the units there.
    pub region: Option<RegionCode>,
    /// Duties a department owes.
    pub department_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// The window: duties whose period shares a day with it (this month when absent).
    pub period: Option<Period>,
    pub state: Option<DutyState>,
}

/// A duty as listed: the duty with the names of its unit, village and party.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutyRow {
    #[schema(value_type = String)]
    pub kind: DutyKind,
    /// The unit it is about; none for a party's own duty (its grid plan).
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The unit's village (a town's own duty: the town; a department's: empty).
    pub region_code: String,
    pub region_name: Option<String>,
    /// `2026-12`, `2026-Q4` …
    #[schema(value_type = String)]
    pub period: String,
    pub due_on: NaiveDate,
    #[schema(value_type = String)]
    pub state: DutyState,
    /// The record that discharges it: an inspection, a report, a hazard source, a review
    /// opinion or a grid plan, by the duty's kind; for an accident report, the accident
    /// (done or not), whose page shows its chain.
    pub record_id: Option<i64>,
    /// town, department or unit
    pub party: String,
    /// The town that owes it, for a town's duty.
    pub town_code: Option<String>,
    /// The department that owes it, for a department's duty.
    pub department_id: Option<i64>,
    pub party_name: Option<String>,
    /// The grid answerable for it.
    pub grid_id: Option<i64>,
    pub grid_name: Option<String>,
}

/// One row of a summary.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DutySummaryRow {
    pub key: String,
    pub label: String,
    pub due: u64,
    pub done: u64,
    pub overdue: u64,
}

impl DutySetData {
    /// The village a duty belongs to: its unit's; a town's own duty, the town.
    fn place_of(&self, duty: &Duty) -> Option<String> {
        match (duty.unit_id, duty.party) {
            (Some(unit), _) => self.units.get(&unit).map(|u| u.village.clone()),
            (None, Party::Town { town_code }) => Some(town_code.as_str().to_owned()),
            (None, _) => None,
        }
    }

    fn grid_of(&self, duty: &Duty) -> Option<&(i64, String)> {
        let village = &self.units.get(&duty.unit_id?)?.village;
        let key = match duty.party {
            Party::Town { .. } => GridKey::Zone(village.clone()),
            Party::Department { department_id } => {
                let town = RegionCodeKey::new(village).map(town_of)?;
                GridKey::DepartmentTown(department_id, town.as_str().to_owned())
            }
            Party::Unit { .. } => return None,
        };
        self.grids.get(&key)
    }

    /// The village of a unit in the set.
    pub(crate) fn village_of(&self, unit_id: i64) -> Option<&str> {
        self.units.get(&unit_id).map(|u| u.village.as_str())
    }

    pub(crate) fn row(&self, d: &Duty) -> DutyRow {
        let unit = d.unit_id.and_then(|u| self.units.get(&u));
        let village = self.place_of(d).unwrap_or_default();
        let (town_code, department_id, party_name) = match d.party {
            Party::Town { town_code } => (
                Some(town_code.as_str().to_owned()),
                None,
                self.regions.get(town_code.as_str()).cloned(),
            ),
            Party::Department { department_id } => (
                None,
                Some(department_id),
                self.departments.get(&department_id).cloned(),
            ),
            Party::Unit { .. } => (None, None, unit.map(|u| u.name.clone())),
        };
        DutyRow {
            kind: d.kind,
            unit_id: d.unit_id,
            unit_name: unit.map(|u| u.name.clone()),
            region_name: self.regions.get(&village).cloned(),
            region_code: village,
            period: d.period.code(),
            due_on: d.due_on,
            state: d.state,
            record_id: d.record_id,
            party: d.party.kind().as_str().to_owned(),
            town_code,
            department_id,
            party_name,
            grid_id: self.grid_of(d).map(|g| g.0),
            grid_name: self.grid_of(d).map(|g| g.1.clone()),
        }
    }
}

impl Store {
    /// Duties in scope matching the filter, earliest due first.
    pub async fn duties(
        &self,
        actor: &Actor,
        filter: &DutyFilter,
        page: PageRequest,
    ) -> Result<Page<DutyRow>> {
        let set = self.duty_set(actor, filter).await?;
        let wanted: Vec<&Duty> = set
            .duties
            .iter()
            .filter(|d| filter.state.is_none_or(|s| d.state == s))
            .collect();
        let items = wanted
            .iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.per_page).unwrap_or(0))
            .map(|d| set.row(d))
            .collect();
        Ok(Page {
            items,
            total: i64::try_from(wanted.len()).unwrap_or(i64::MAX),
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Duties in scope counted by state, grouped by town, village, department, grid or kind.
    /// A town's and its villages' rows count every duty on the units there (the town's and the
    /// departments'); a department's and a grid's rows count the duties it owes.
    pub async fn duty_summary(
        &self,
        actor: &Actor,
        filter: &DutyFilter,
        group: SummaryGroup,
    ) -> Result<Vec<DutySummaryRow>> {
        let key = format!("{}|{group}|{:?}", set_key(actor, filter), filter.state);
        self.duty_summaries
            .get_or_count(&key, || async {
                let set = self.duty_set(actor, filter).await?;
                Ok(Arc::new(summarise(&set, filter, group)))
            })
            .await
            .map(|rows| rows.as_ref().clone())
    }

    /// The duties of the filter's scope and window, as the assessment counts them.
    pub(crate) async fn duty_set_for(&self, actor: &Actor, filter: &DutyFilter) -> Result<DutySet> {
        self.duty_set(actor, filter).await
    }

    /// The duties of the filter's scope and window (its state aside), derived or kept.
    async fn duty_set(&self, actor: &Actor, filter: &DutyFilter) -> Result<DutySet> {
        if !policy::may(actor, Verb::Read, Object::Duty) {
            return Err(StoreError::Forbidden);
        }
        let today = today();
        let window = window(filter, today);
        self.duties
            .get_or_count(&set_key(actor, filter), || async {
                let plans = self.plan_duties(actor, filter, window, today).await?;
                let mut c = self.read().await?;
                derive(&mut c.conn(), actor, filter, (window, today), plans)
                    .await
                    .map(Arc::new)
            })
            .await
    }
}

impl Store {
    /// The grid-plan duties of the towns and departments in scope (the plan board's owners),
    /// when the county's deadline falls in the window; none when the filter names a unit or a
    /// village, and only the department's or the town's own when it names one.
    async fn plan_duties(
        &self,
        actor: &Actor,
        filter: &DutyFilter,
        window: Period,
        today: NaiveDate,
    ) -> Result<Vec<Duty>> {
        let wanted = filter.kind.is_none_or(|k| k == DutyKind::GridPlan)
            && filter.unit_id.is_none()
            && filter
                .region
                .as_ref()
                .is_none_or(|r| r.level() <= safegrid_domain::region::RegionLevel::Town);
        if !wanted {
            return Ok(Vec::new());
        }
        let board = self.plan_board(actor, today).await?;
        let owners: Vec<PlanOwnerFacts> = board
            .owners
            .iter()
            .filter_map(|o| {
                let party = match (o.department_id, &o.region_code) {
                    (Some(department_id), _) => Party::Department { department_id },
                    (None, Some(code)) => Party::Town {
                        town_code: RegionCodeKey::new(code)?,
                    },
                    (None, None) => return None,
                };
                let in_filter = match (party, &filter.region, filter.department_id) {
                    (Party::Department { department_id }, None, d) => {
                        d.is_none_or(|d| d == department_id)
                    }
                    (Party::Town { town_code }, region, None) => region.as_ref().is_none_or(|r| {
                        r.level() < safegrid_domain::region::RegionLevel::Town
                            || r.as_str() == town_code.as_str()
                    }),
                    _ => false,
                };
                in_filter.then(|| PlanOwnerFacts {
                    party,
                    filed: o.latest.as_ref().map(|p| p.id),
                })
            })
            .collect();
        Ok(grid_plan_duties(&owners, board.due_on, window, today))
    }
}

/// The window a filter asks about: its period, or this month.
fn window(filter: &DutyFilter, today: NaiveDate) -> Period {
    filter.period.unwrap_or(Period::of(Cadence::Monthly, today))
}

/// What a derived set depends on: the scope, the filter but its state, the window and the day.
fn set_key(actor: &Actor, filter: &DutyFilter) -> String {
    let today = today();
    format!(
        "{:?}|{:?}|{:?}|{:?}|{:?}|{}|{today}",
        actor.scope,
        filter.kind,
        filter.region,
        filter.department_id,
        filter.unit_id,
        window(filter, today)
    )
}

/// A set's duties counted by state per group row, most behind first.
fn summarise(set: &DutySetData, filter: &DutyFilter, group: SummaryGroup) -> Vec<DutySummaryRow> {
    let mut tallies: HashMap<String, (String, Tally)> = HashMap::new();
    for d in &set.duties {
        if filter.state.is_some_and(|s| d.state != s) {
            continue;
        }
        let village = set.place_of(d).unwrap_or_default();
        let (key, label) = match group {
            SummaryGroup::Kind => (d.kind.as_str().to_owned(), d.kind.as_str().to_owned()),
            // A town's own duty (its plan) belongs to no village.
            SummaryGroup::Village if d.unit_id.is_none() => continue,
            SummaryGroup::Village => {
                let label = set
                    .regions
                    .get(&village)
                    .cloned()
                    .unwrap_or_else(|| village.clone());
                (village, label)
            }
            SummaryGroup::Town => {
                let town = RegionCodeKey::new(&village)
                    .map(|v| town_of(v).as_str().to_owned())
                    .unwrap_or_default();
                let label = set
                    .regions
                    .get(&town)
                    .cloned()
                    .unwrap_or_else(|| town.clone());
                (town, label)
            }
            SummaryGroup::Department => match d.party {
                Party::Department { department_id } => (
                    department_id.to_string(),
                    set.departments
                        .get(&department_id)
                        .cloned()
                        .unwrap_or_default(),
                ),
                _ => continue,
            },
            SummaryGroup::Grid => match set.grid_of(d) {
                Some((id, name)) => (id.to_string(), name.clone()),
                None => continue,
            },
        };
        tallies
            .entry(key)
            .or_insert_with(|| (label, Tally::default()))
            .1
            .add(d.state);
    }
    let mut rows: Vec<DutySummaryRow> = tallies
        .into_iter()
        .map(|(key, (label, t))| DutySummaryRow {
            key,
            label,
            due: t.due,
            done: t.done,
            overdue: t.overdue,
        })
        .collect();
    // Most behind first, then by key, so the county sees at once who is behind.
    rows.sort_by(|a, b| b.overdue.cmp(&a.overdue).then_with(|| a.key.cmp(&b.key)));
    rows
}
