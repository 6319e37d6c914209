//! Major-hazard-source duties (GB 18218, Order 40): a unit re-identifies each of its hazard
//! sources by its next due date (every three years), and files a major one with the county
//! within 15 days of identifying it (`unit::gb18218`). The unit owes both. Each duty's period
//! is its due day.

use super::{Duty, DutyKind, DutyState, Party, Period};
use crate::unit::gb18218::filing_due;
use chrono::NaiveDate;

/// A hazard source as its duties see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SourceFacts {
    pub source_id: i64,
    pub unit_id: i64,
    pub is_major: bool,
    pub identified_on: NaiveDate,
    pub next_due: NaiveDate,
    pub filed_on: Option<NaiveDate>,
}

/// The duties of active hazard sources falling due within `window`: the next identification
/// (done only by re-identifying, which moves the due date on, so it is due or overdue), and
/// for a major source its filing, done by the filing (`record_id` the source).
pub fn hazard_source_duties(
    sources: &[SourceFacts],
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    let within = |day: NaiveDate| window.contains(day);
    let mut duties = Vec::new();
    for s in sources {
        if within(s.next_due) {
            duties.push(Duty {
                kind: DutyKind::HazardSourceReview,
                unit_id: Some(s.unit_id),
                period: Period::Day(s.next_due),
                party: Party::Unit { unit_id: s.unit_id },
                due_on: s.next_due,
                state: DutyState::of(false, s.next_due, today),
                record_id: None,
            });
        }
        let due = filing_due(s.identified_on);
        if s.is_major && within(due) {
            let done = s.filed_on.is_some();
            duties.push(Duty {
                kind: DutyKind::HazardSourceFiling,
                unit_id: Some(s.unit_id),
                period: Period::Day(due),
                party: Party::Unit { unit_id: s.unit_id },
                due_on: due,
                state: DutyState::of(done, due, today),
                record_id: done.then_some(s.source_id),
            });
        }
    }
    duties
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn source(filed_on: Option<NaiveDate>) -> SourceFacts {
        SourceFacts {
            source_id: 3,
            unit_id: 9,
            is_major: true,
            identified_on: day(2026, 12, 1),
            next_due: day(2029, 12, 1),
            filed_on,
        }
    }

    #[test]
    fn a_major_source_is_filed_within_fifteen_days_of_identification() {
        let window = Period::parse("p", "2026-12").unwrap();
        let open = hazard_source_duties(&[source(None)], window, day(2026, 12, 16));
        assert_eq!(open.len(), 1, "the re-identification falls in 2029");
        assert_eq!(open[0].kind, DutyKind::HazardSourceFiling);
        assert_eq!(open[0].due_on, day(2026, 12, 16));
        assert_eq!(open[0].state, DutyState::Due);
        let late = hazard_source_duties(&[source(None)], window, day(2026, 12, 17));
        assert_eq!(late[0].state, DutyState::Overdue);
        let filed =
            hazard_source_duties(&[source(Some(day(2026, 12, 10)))], window, day(2027, 1, 5));
        assert_eq!(
            (filed[0].state, filed[0].record_id),
            (DutyState::Done, Some(3))
        );
    }

    #[test]
    fn the_next_identification_falls_due_in_its_window() {
        let window = Period::parse("p", "2029").unwrap();
        let duties = hazard_source_duties(&[source(None)], window, day(2029, 12, 2));
        assert_eq!(duties.len(), 1);
        assert_eq!(duties[0].kind, DutyKind::HazardSourceReview);
        assert_eq!(duties[0].state, DutyState::Overdue);
        assert_eq!(duties[0].period.code(), "2029-12-01");
    }
}
