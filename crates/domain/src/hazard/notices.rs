//! When supervisors are told without anyone acting: the county's morning digest of overdue and
//! listed hazards, and the towns' reminder that units' statistics reports fall due within a
//! week. Each goes once per county (and period), whichever process gets there first.

use super::report::Period;
use chrono::{DateTime, NaiveDate, Timelike, Utc};

/// The hour (China time) from which the day's digest goes out: the start of the working day.
pub const DIGEST_HOUR: u32 = 8;

/// Days before a statistics report's due date that the towns are reminded.
pub const REPORT_REMINDER_DAYS: u64 = 7;

/// The day whose digest is due at `at`: today in China once the working day has begun.
pub fn digest_day(at: DateTime<Utc>) -> Option<NaiveDate> {
    let local = at.with_timezone(&crate::time::CHINA);
    (local.hour() >= DIGEST_HOUR).then(|| local.date_naive())
}

/// The periods whose reports fall due within the reminder's week on `today` (due today
/// included): the last ended quarter and year, when their due date is that close.
pub fn reports_to_remind(today: NaiveDate) -> Vec<Period> {
    let (quarter, year) = Period::latest(today);
    let horizon = today + chrono::Days::new(REPORT_REMINDER_DAYS);
    [quarter, year]
        .into_iter()
        .filter(|p| (today..=horizon).contains(&p.due()))
        .collect()
}

/// The key a notice is sent under once per county: `digest:2026-12-03`, `reports_due:2026Q4`.
pub fn digest_key(day: NaiveDate) -> String {
    format!("digest:{day}")
}

pub fn reminder_key(period: &Period) -> String {
    format!("reports_due:{}", period.code())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn the_digest_waits_for_the_working_day_in_china() {
        // 23:59 UTC is 07:59 the next morning in China: not yet.
        let before = Utc.with_ymd_and_hms(2026, 12, 2, 23, 59, 0).unwrap();
        assert_eq!(digest_day(before), None);
        let at_eight = Utc.with_ymd_and_hms(2026, 12, 3, 0, 0, 0).unwrap();
        assert_eq!(digest_day(at_eight), Some(day("2026-12-03")));
        let evening = Utc.with_ymd_and_hms(2026, 12, 3, 15, 59, 0).unwrap();
        assert_eq!(digest_day(evening), Some(day("2026-12-03")));
    }

    #[test]
    fn towns_hear_of_reports_a_week_before_they_fall_due() {
        // Q3 is due 15 October; the year's report 31 January.
        assert_eq!(reports_to_remind(day("2026-10-07")), Vec::<Period>::new());
        assert_eq!(
            reports_to_remind(day("2026-10-08")),
            vec![Period::Quarter {
                year: 2026,
                quarter: 3
            }]
        );
        assert_eq!(
            reports_to_remind(day("2026-10-15")),
            vec![Period::Quarter {
                year: 2026,
                quarter: 3
            }]
        );
        assert_eq!(reports_to_remind(day("2026-10-16")), Vec::<Period>::new());
        // In January both the fourth quarter (15th) and the year (31st) come due.
        assert_eq!(
            reports_to_remind(day("2027-01-10")),
            vec![Period::Quarter {
                year: 2026,
                quarter: 4
            }]
        );
        assert_eq!(
            reports_to_remind(day("2027-01-24")),
            vec![Period::Year { year: 2026 }]
        );
        assert_eq!(
            reminder_key(&Period::Year { year: 2026 }),
            "reports_due:2026"
        );
        assert_eq!(digest_key(day("2026-12-03")), "digest:2026-12-03");
    }
}
