//! Certificate reviews as duties: each certificate falls due on its review date (or expiry,
//! if sooner — `unit::certificate::review_due`), owed by its unit, done by the certificate
//! that renewed it.

use super::{Duty, DutyKind, DutyState, Party, Period};
use chrono::NaiveDate;

/// What a certificate's duty rests on.
#[derive(Debug, Clone, Copy)]
pub struct CertificateFacts {
    pub id: i64,
    pub unit_id: i64,
    pub review_due: NaiveDate,
    pub renewed_by: Option<i64>,
}

/// The reviews falling due in `window`.
pub fn certificate_duties(
    certs: &[CertificateFacts],
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    certs
        .iter()
        .filter(|c| window.contains(c.review_due))
        .map(|c| Duty {
            kind: DutyKind::CertificateReview,
            unit_id: Some(c.unit_id),
            period: Period::Day(c.review_due),
            party: Party::Unit { unit_id: c.unit_id },
            due_on: c.review_due,
            state: DutyState::of(c.renewed_by.is_some(), c.review_due, today),
            record_id: c.renewed_by,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn a_review_is_due_on_its_day_and_done_by_the_renewal() {
        let certs = [
            CertificateFacts {
                id: 1,
                unit_id: 7,
                review_due: day("2026-12-10"),
                renewed_by: None,
            },
            CertificateFacts {
                id: 2,
                unit_id: 7,
                review_due: day("2026-12-01"),
                renewed_by: None,
            },
            CertificateFacts {
                id: 3,
                unit_id: 7,
                review_due: day("2026-12-02"),
                renewed_by: Some(9),
            },
            CertificateFacts {
                id: 4,
                unit_id: 7,
                review_due: day("2027-01-05"),
                renewed_by: None,
            },
        ];
        let window = Period::parse("p", "2026-12").unwrap();
        let got: Vec<(NaiveDate, DutyState, Option<i64>)> =
            certificate_duties(&certs, window, day("2026-12-03"))
                .iter()
                .map(|d| (d.due_on, d.state, d.record_id))
                .collect();
        assert_eq!(
            got,
            [
                (day("2026-12-10"), DutyState::Due, None),
                (day("2026-12-01"), DutyState::Overdue, None),
                (day("2026-12-02"), DutyState::Done, Some(9)),
            ]
        );
    }
}
