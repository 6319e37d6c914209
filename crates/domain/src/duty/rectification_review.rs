//! Reviewing a rectification order (整改复查): the party that issued a 责令限期整改指令书 reviews
//! the unit's rectification by the order's deadline and records it in a 整改复查意见书
//! (`inspection::document`). The duty's period is its deadline's day; it is done by the review
//! opinion issued against the order.

use super::{Duty, DutyKind, DutyState, Party, Period};
use chrono::NaiveDate;

/// A rectification order as its review duty sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OrderFacts {
    pub order_id: i64,
    pub unit_id: i64,
    /// Who issued it: the town or department whose inspection it came from.
    pub party: Party,
    pub deadline: NaiveDate,
    /// The review opinion issued against it, if any.
    pub reviewed_by: Option<i64>,
}

/// The review duties of the orders whose deadline falls within `window`.
pub fn review_duties(orders: &[OrderFacts], window: Period, today: NaiveDate) -> Vec<Duty> {
    orders
        .iter()
        .filter(|o| window.contains(o.deadline))
        .map(|o| Duty {
            kind: DutyKind::RectificationReview,
            unit_id: Some(o.unit_id),
            period: Period::Day(o.deadline),
            party: o.party,
            due_on: o.deadline,
            state: DutyState::of(o.reviewed_by.is_some(), o.deadline, today),
            record_id: o.reviewed_by,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn an_order_is_reviewed_by_its_deadline_by_whoever_issued_it() {
        let order = OrderFacts {
            order_id: 7,
            unit_id: 3,
            party: Party::Department { department_id: 2 },
            deadline: day(2026, 12, 20),
            reviewed_by: None,
        };
        let december = Period::Month {
            year: 2026,
            month: 12,
        };
        let duties = review_duties(&[order], december, day(2026, 12, 20));
        assert_eq!(duties.len(), 1);
        assert_eq!(duties[0].kind, DutyKind::RectificationReview);
        assert_eq!(duties[0].state, DutyState::Due);
        assert_eq!(duties[0].party, Party::Department { department_id: 2 });
        assert_eq!(duties[0].period, Period::Day(day(2026, 12, 20)));
        let late = review_duties(&[order], december, day(2026, 12, 21));
        assert_eq!(late[0].state, DutyState::Overdue);
        let reviewed = OrderFacts {
            reviewed_by: Some(9),
            ..order
        };
        let done = review_duties(&[reviewed], december, day(2026, 12, 28));
        assert_eq!(done[0].state, DutyState::Done);
        assert_eq!(done[0].record_id, Some(9));
        assert!(
            review_duties(
                &[order],
                Period::Month {
                    year: 2026,
                    month: 11
                },
                day(2026, 12, 2)
            )
            .is_empty()
        );
    }
}
