//! Passing an accident's quick report on (Order 493 Art. 9–10) as a duty of the grid's
//! parties: the unit's hour, the town's and the supervising departments' two hours (see
//! `accident::chain`). A step owed by the county or a level above it is the county's to
//! follow on the accident's page, not a grid party's duty. The duty falls on the day its time
//! runs out (China time) and stands as the step does at this moment: passed on (in time or
//! late) is done, otherwise due until its hour and overdue after.

use super::{Duty, DutyKind, DutyState, Party, Period};
use crate::accident::chain::{ChainParty, StepState, state};
use crate::time::local_date;
use chrono::{DateTime, Utc};

/// One step of an accident's chain as its duties see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepFacts {
    pub accident_id: i64,
    /// The unit it happened at; none for an unregistered site.
    pub unit_id: Option<i64>,
    pub party: ChainParty,
    /// The town where it happened.
    pub town: Option<super::RegionCodeKey>,
    /// The departments that owe the department's step: the unit's supervising departments
    /// (any of them passes it on for all).
    pub departments: Vec<i64>,
    pub due_at: DateTime<Utc>,
    pub forwarded_at: Option<DateTime<Utc>>,
}

/// The duties of the steps due within `window`, as they stand at `now`. `record_id` is the
/// accident, whose page shows the chain.
pub fn report_duties(steps: &[StepFacts], window: Period, now: DateTime<Utc>) -> Vec<Duty> {
    let mut duties = Vec::new();
    for step in steps {
        let due_on = local_date(step.due_at);
        if !window.contains(due_on) {
            continue;
        }
        let parties: Vec<Party> = match step.party {
            ChainParty::Unit => step
                .unit_id
                .map(|unit_id| Party::Unit { unit_id })
                .into_iter()
                .collect(),
            ChainParty::Town => step
                .town
                .map(|town_code| Party::Town { town_code })
                .into_iter()
                .collect(),
            ChainParty::Department => step
                .departments
                .iter()
                .map(|&department_id| Party::Department { department_id })
                .collect(),
            ChainParty::County | ChainParty::City | ChainParty::Province => Vec::new(),
        };
        let duty_state = match state(step.due_at, step.forwarded_at, now) {
            StepState::Done | StepState::Late => DutyState::Done,
            StepState::Due => DutyState::Due,
            StepState::Overdue => DutyState::Overdue,
        };
        duties.extend(parties.into_iter().map(|party| Duty {
            kind: DutyKind::AccidentReport,
            unit_id: step.unit_id,
            period: Period::Day(due_on),
            party,
            due_on,
            state: duty_state,
            record_id: Some(step.accident_id),
        }));
    }
    duties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::duty::RegionCodeKey;
    use chrono::{NaiveDate, TimeZone};

    fn step(party: ChainParty, due_at: DateTime<Utc>) -> StepFacts {
        StepFacts {
            accident_id: 5,
            unit_id: Some(3),
            party,
            town: RegionCodeKey::new("330102001000"),
            departments: vec![7, 8],
            due_at,
            forwarded_at: None,
        }
    }

    fn december() -> Period {
        Period::Month {
            year: 2026,
            month: 12,
        }
    }

    #[test]
    fn each_grid_party_owes_its_step_by_its_hour() {
        // Due at 15:30 UTC on 1 December: 23:30 in China, still the 1st.
        let due = Utc.with_ymd_and_hms(2026, 12, 1, 15, 30, 0).unwrap();
        let steps = [
            step(ChainParty::Unit, due),
            step(ChainParty::Town, due),
            step(ChainParty::Department, due),
            step(ChainParty::County, due),
            step(ChainParty::City, due),
        ];
        let before = Utc.with_ymd_and_hms(2026, 12, 1, 15, 0, 0).unwrap();
        let duties = report_duties(&steps, december(), before);
        let parties: Vec<Party> = duties.iter().map(|d| d.party).collect();
        assert_eq!(
            parties,
            [
                Party::Unit { unit_id: 3 },
                Party::Town {
                    town_code: RegionCodeKey::new("330102001000").unwrap()
                },
                Party::Department { department_id: 7 },
                Party::Department { department_id: 8 },
            ],
            "the county and the levels above are not grid parties"
        );
        let first = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert!(duties.iter().all(|d| d.kind == DutyKind::AccidentReport
            && d.due_on == first
            && d.period == Period::Day(first)
            && d.state == DutyState::Due
            && d.record_id == Some(5)));
        // A minute past its hour it is overdue; passed on, late or not, it is done.
        let after = due + chrono::Duration::minutes(1);
        assert!(
            report_duties(&steps, december(), after)
                .iter()
                .all(|d| d.state == DutyState::Overdue)
        );
        let late = StepFacts {
            forwarded_at: Some(after),
            ..step(ChainParty::Unit, due)
        };
        assert_eq!(
            report_duties(&[late], december(), after)[0].state,
            DutyState::Done
        );
    }

    #[test]
    fn a_step_falls_on_its_china_day_and_an_unregistered_site_owes_no_unit_step() {
        // 16:30 UTC on 30 November is 00:30 on 1 December in China.
        let due = Utc.with_ymd_and_hms(2026, 11, 30, 16, 30, 0).unwrap();
        let november = Period::Month {
            year: 2026,
            month: 11,
        };
        assert!(report_duties(&[step(ChainParty::Unit, due)], november, due).is_empty());
        assert_eq!(
            report_duties(&[step(ChainParty::Unit, due)], december(), due).len(),
            1
        );
        let site = StepFacts {
            unit_id: None,
            departments: vec![],
            ..step(ChainParty::Unit, due)
        };
        assert!(report_duties(&[site.clone()], december(), due).is_empty());
        let town = StepFacts {
            party: ChainParty::Town,
            ..site
        };
        assert_eq!(report_duties(&[town], december(), due)[0].unit_id, None);
    }
}
