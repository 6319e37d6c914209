//! Rectification deadlines are days of the local calendar (Asia/Shanghai): a hazard due on
//! 31 December may be closed until that day ends in China, and is overdue from 1 January.

use chrono::{DateTime, NaiveDate, Utc};

/// Whether a hazard still open is overdue at `now`.
pub fn is_overdue(deadline: NaiveDate, now: DateTime<Utc>) -> bool {
    crate::time::local_date(now) > deadline
}

/// Whether the deadline falls within the next `days` days (today included) and has not passed:
/// "due soon" for reminders.
pub fn due_within(deadline: NaiveDate, now: DateTime<Utc>, days: u64) -> bool {
    let today = crate::time::local_date(now);
    deadline >= today && deadline <= today + chrono::Days::new(days)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn overdue_from_the_next_local_day() {
        // Due 31 December 2026: still in time at 23:59 in Beijing (15:59 UTC) …
        assert!(!is_overdue(day(2026, 12, 31), utc(2026, 12, 31, 15, 59)));
        // … overdue at midnight in Beijing, while it is still 31 December in UTC.
        assert!(is_overdue(day(2026, 12, 31), utc(2026, 12, 31, 16, 0)));
    }

    #[test]
    fn month_ends_and_leap_days() {
        assert!(!is_overdue(day(2028, 2, 29), utc(2028, 2, 29, 15, 59)));
        assert!(is_overdue(day(2028, 2, 29), utc(2028, 2, 29, 16, 0)));
        assert!(is_overdue(day(2026, 1, 31), utc(2026, 1, 31, 16, 0)));
        assert!(!is_overdue(day(2026, 4, 30), utc(2026, 4, 30, 8, 0)));
    }

    #[test]
    fn due_soon_counts_local_days() {
        // Early on 29 December in Beijing is still 28 December in UTC.
        let now = utc(2026, 12, 28, 17, 0);
        assert!(due_within(day(2026, 12, 29), now, 3));
        assert!(due_within(day(2027, 1, 1), now, 3));
        assert!(!due_within(day(2027, 1, 2), now, 3));
        assert!(!due_within(day(2026, 12, 28), now, 3), "already overdue");
    }
}
