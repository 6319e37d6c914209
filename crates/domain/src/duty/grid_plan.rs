//! Grid plans (网格化安全管理方案, R-GRID-8): every town and every department of a county files
//! its plan by the deadline the county sets. The duty is the party's own, about no unit; its
//! period is the deadline's day, and any filing discharges it (a late one too, shown done —
//! the plan board says whether it was on time).

use super::{Duty, DutyKind, DutyState, Party, Period};
use chrono::NaiveDate;

/// A town or department as its plan duty sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlanOwnerFacts {
    pub party: Party,
    /// Its latest filing, if it has filed.
    pub filed: Option<i64>,
}

/// The plan duties of the owners, when the county's deadline falls within `window`.
pub fn grid_plan_duties(
    owners: &[PlanOwnerFacts],
    due_on: Option<NaiveDate>,
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    let Some(due_on) = due_on.filter(|d| window.contains(*d)) else {
        return Vec::new();
    };
    owners
        .iter()
        .map(|o| Duty {
            kind: DutyKind::GridPlan,
            unit_id: None,
            period: Period::Day(due_on),
            party: o.party,
            due_on,
            state: DutyState::of(o.filed.is_some(), due_on, today),
            record_id: o.filed,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::RegionCodeKey;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_town_and_department_files_by_the_county_deadline() {
        let town = Party::Town {
            town_code: RegionCodeKey::new("610921100000").unwrap(),
        };
        let owners = [
            PlanOwnerFacts {
                party: town,
                filed: Some(4),
            },
            PlanOwnerFacts {
                party: Party::Department { department_id: 2 },
                filed: None,
            },
        ];
        let march = Period::Month {
            year: 2026,
            month: 3,
        };
        let duties = grid_plan_duties(&owners, Some(day(2026, 3, 31)), march, day(2026, 4, 1));
        assert_eq!(duties.len(), 2);
        assert!(duties.iter().all(|d| d.unit_id.is_none()));
        assert_eq!(duties[0].state, DutyState::Done);
        assert_eq!(duties[0].record_id, Some(4));
        assert_eq!(duties[1].state, DutyState::Overdue);
        let on_the_day = grid_plan_duties(&owners, Some(day(2026, 3, 31)), march, day(2026, 3, 31));
        assert_eq!(on_the_day[1].state, DutyState::Due);
        assert!(grid_plan_duties(&owners, None, march, day(2026, 4, 1)).is_empty());
        let april = Period::Month {
            year: 2026,
            month: 4,
        };
        assert!(
            grid_plan_duties(&owners, Some(day(2026, 3, 31)), april, day(2026, 4, 1)).is_empty()
        );
    }
}
