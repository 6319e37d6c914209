//! The duty calendar (R-CAL-4): every obligation in the system is a duty — a kind, a subject
//! (the unit it is about), a period, the party that owes it and a due date — and is done by a
//! record, due, or overdue once its due date has passed on the Asia/Shanghai calendar.
//!
//! Duties are not stored. Each kind derives its duties from what is stored already (the units
//! in scope and their cadence, the grid, the records made) for the window asked about, so a
//! province of 300,000 units writes no row per unit and period in advance: a window costs one
//! read of the units in scope and one of the records in the window. The kinds here are the
//! inspection duty ([`inspection`]), the units' statistics reports ([`statistics_report`]),
//! major hazard sources' reviews and filings ([`hazard_source`]), the review of a rectification
//! order ([`rectification_review`]) and the towns' and departments' grid plans ([`grid_plan`],
//! a party's own duty about no unit) and the units' own checks ([`own_check`], derived from a
//! monthly rollup of the days checked); later kinds (training, certificates, accident reports)
//! add a module that produces [`Duty`] values the same way.

pub mod accident_report;
pub mod certificate;
pub mod grid_plan;
pub mod hazard_source;
pub mod inspection;
pub mod own_check;
pub mod period;
pub mod rectification_review;
pub mod statistics_report;
pub mod training;

pub use period::{Cadence, Period};

use chrono::NaiveDate;
use serde::Serialize;

crate::closed_set! {
    invalid = "error.duty_kind";
    /// The kinds of duty on the calendar.
    pub enum DutyKind {
        /// A town's or a supervising department's inspection of a unit (R-CAL-1).
        Inspection = "inspection",
        /// A unit's quarterly and yearly hidden-hazard statistics report (R-LED-7).
        StatisticsReport = "statistics_report",
        /// Re-identifying a major hazard source by its due date (GB 18218, every three years).
        HazardSourceReview = "hazard_source_review",
        /// Filing a major hazard source with the county within 15 days of identifying it.
        HazardSourceFiling = "hazard_source_filing",
        /// Reviewing a rectification order's work by its deadline (整改复查).
        RectificationReview = "rectification_review",
        /// A town's or department's grid plan filed by the county's deadline (R-GRID-8).
        GridPlan = "grid_plan",
        /// The unit's own check of its key areas, equipment and processes, each working day.
        DailyCheck = "daily_check",
        /// The unit's own patrol of its whole operation, each month.
        MonthlyPatrol = "monthly_patrol",
        /// A three-post certificate's review (special operations every three years, the
        /// principal's and safety manager's re-training yearly), by its due date.
        CertificateReview = "certificate_review",
        /// The pre-shift briefing (班前会), each working day.
        PreShift = "pre_shift",
        /// The monthly safety exam.
        MonthlyExam = "monthly_exam",
        /// A publicity activity, each half year.
        Publicity = "publicity",
        /// The three posts' training, each year, attended by every post holder.
        ThreePost = "three_post",
        /// Passing an accident's quick report on to the county within its hours (Order 493).
        AccidentReport = "accident_report",
    }
}

crate::closed_set! {
    invalid = "error.duty_state";
    /// Where a duty stands.
    pub enum DutyState {
        /// Not yet done, and its due date has not passed.
        Due = "due",
        /// A record discharges it.
        Done = "done",
        /// Not done, and its due date has passed.
        Overdue = "overdue",
    }
}

impl DutyState {
    /// A duty's state on `today`: done by a record whenever it was made, otherwise due up to
    /// and on its due date and overdue from the day after.
    pub fn of(done: bool, due_on: NaiveDate, today: NaiveDate) -> Self {
        if done {
            Self::Done
        } else if today > due_on {
            Self::Overdue
        } else {
            Self::Due
        }
    }
}

crate::closed_set! {
    invalid = "error.choice";
    /// The side of the grid that owes a duty: the unit's town (块, through the zone of the
    /// unit's village) or one of its supervising departments (条, through its grid for the
    /// unit's town), or the unit itself.
    pub enum PartyKind {
        Town = "town",
        Department = "department",
        Unit = "unit",
    }
}

/// Who owes a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "party", rename_all = "snake_case")]
pub enum Party {
    /// The town whose code is given.
    Town {
        town_code: RegionCodeKey,
    },
    Department {
        department_id: i64,
    },
    Unit {
        unit_id: i64,
    },
}

/// A region code as a small copyable key (12 ASCII digits).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCodeKey(pub [u8; 12]);

impl RegionCodeKey {
    /// The key of a 12-digit code; `None` for anything else.
    pub fn new(code: &str) -> Option<Self> {
        let bytes: [u8; 12] = code.as_bytes().try_into().ok()?;
        bytes.iter().all(u8::is_ascii_digit).then_some(Self(bytes))
    }

    pub fn as_str(&self) -> &str {
        // Built only from ASCII digits.
        std::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl Serialize for RegionCodeKey {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl Party {
    pub fn kind(&self) -> PartyKind {
        match self {
            Self::Town { .. } => PartyKind::Town,
            Self::Department { .. } => PartyKind::Department,
            Self::Unit { .. } => PartyKind::Unit,
        }
    }
}

/// One duty: what is owed, about which unit (none for a party's own duty, such as its grid
/// plan), for which period, by whom, by when, and where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub kind: DutyKind,
    pub unit_id: Option<i64>,
    pub period: Period,
    #[serde(flatten)]
    pub party: Party,
    pub due_on: NaiveDate,
    pub state: DutyState,
    /// The record that discharges it (the first, when several do).
    pub record_id: Option<i64>,
}

/// Duties counted by state, for one row of a summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub due: u64,
    pub done: u64,
    pub overdue: u64,
}

impl Tally {
    pub fn add(&mut self, state: DutyState) {
        match state {
            DutyState::Due => self.due += 1,
            DutyState::Done => self.done += 1,
            DutyState::Overdue => self.overdue += 1,
        }
    }

    pub fn total(&self) -> u64 {
        self.due + self.done + self.overdue
    }
}

crate::closed_set! {
    invalid = "error.group";
    /// How a duty summary groups its rows.
    pub enum SummaryGroup {
        Town = "town",
        Village = "village",
        Department = "department",
        Grid = "grid",
        Kind = "kind",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_duty_is_due_through_its_due_date_and_overdue_the_day_after() {
        let due_on = day(2026, 12, 31);
        assert_eq!(
            DutyState::of(false, due_on, day(2026, 12, 2)),
            DutyState::Due
        );
        assert_eq!(DutyState::of(false, due_on, due_on), DutyState::Due);
        assert_eq!(
            DutyState::of(false, due_on, day(2027, 1, 1)),
            DutyState::Overdue
        );
        assert_eq!(
            DutyState::of(true, due_on, day(2027, 1, 1)),
            DutyState::Done
        );
    }

    #[test]
    fn region_keys_hold_twelve_digits_only() {
        assert_eq!(
            RegionCodeKey::new("610921100000").map(|k| k.as_str().to_owned()),
            Some("610921100000".to_owned())
        );
        assert!(RegionCodeKey::new("61092110000").is_none());
        assert!(RegionCodeKey::new("61092110000x").is_none());
    }
}
