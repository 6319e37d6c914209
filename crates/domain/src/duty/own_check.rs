//! The units' own checks as duties (R-CAL-2): a daily check for each working day — owed on
//! the day, overdue from the next — and a patrol for each month, due by its last day. The
//! unit owes them itself. They are derived from the monthly rollup of the days each unit
//! checked (`unit::check::CheckedDays`), never from the checks one by one: a county's month
//! is one small row per unit, whatever the number of checks.

use super::{Cadence, Duty, DutyKind, DutyState, Party, Period};
use crate::unit::check::{CheckedDays, WorkingDays, month_key};
use chrono::{Datelike, NaiveDate};
use std::collections::HashMap;

/// A unit that owes its own checks: its working days and since when it is in the census.
#[derive(Debug, Clone, Copy)]
pub struct CheckingUnit {
    pub unit_id: i64,
    pub working: WorkingDays,
    pub since: NaiveDate,
}

/// One unit's month in the rollup: the days it made a daily check, its first patrol, and the
/// days it held a pre-shift briefing.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckMonth {
    pub days: CheckedDays,
    pub patrol: Option<i64>,
    pub briefings: CheckedDays,
}

/// The rollup as read: (unit, `2026-12`) → its month.
pub type CheckMonths = HashMap<(i64, String), CheckMonth>;

/// Daily checks owed in `window`: each working day from the unit's census date up to today
/// (a day not yet come owes nothing yet).
pub fn daily_check_duties(
    units: &[CheckingUnit],
    months: &CheckMonths,
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    working_day_duties(DutyKind::DailyCheck, units, months, window, today, |m| {
        m.days
    })
}

/// A duty of each working day up to today, done when the day's bit is set in `bits` of the
/// unit's month (daily checks, pre-shift briefings).
pub fn working_day_duties(
    kind: DutyKind,
    units: &[CheckingUnit],
    months: &CheckMonths,
    window: Period,
    today: NaiveDate,
    bits: impl Fn(&CheckMonth) -> CheckedDays,
) -> Vec<Duty> {
    let mut duties = Vec::new();
    for unit in units {
        let from = window.first_day().max(unit.since);
        let to = window.last_day().min(today);
        for day in from.iter_days().take_while(|d| *d <= to) {
            if !unit.working.works_on(day) {
                continue;
            }
            let done = months
                .get(&(unit.unit_id, month_key(day)))
                .is_some_and(|m| bits(m).has(day));
            duties.push(Duty {
                kind,
                unit_id: Some(unit.unit_id),
                period: Period::Day(day),
                party: Party::Unit {
                    unit_id: unit.unit_id,
                },
                due_on: day,
                state: DutyState::of(done, day, today),
                record_id: None,
            });
        }
    }
    duties
}

/// Monthly patrols owed in `window`: each month begun by today and ending after the unit
/// entered the census, due by its last day, done by a patrol in it.
pub fn monthly_patrol_duties(
    units: &[CheckingUnit],
    months: &CheckMonths,
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    let periods: Vec<Period> = window
        .periods_of(Cadence::Monthly)
        .into_iter()
        .filter(|p| p.first_day() <= today)
        .collect();
    let mut duties = Vec::new();
    for unit in units {
        for &period in &periods {
            if period.last_day() < unit.since {
                continue;
            }
            let record = months
                .get(&(unit.unit_id, month_key(period.first_day())))
                .and_then(|m| m.patrol);
            let due_on = period.last_day();
            duties.push(Duty {
                kind: DutyKind::MonthlyPatrol,
                unit_id: Some(unit.unit_id),
                period,
                party: Party::Unit {
                    unit_id: unit.unit_id,
                },
                due_on,
                state: DutyState::of(record.is_some(), due_on, today),
                record_id: record,
            });
        }
    }
    duties
}

/// Days a unit must have gone without a daily check, while owing them, to count as stopped.
pub const STOPPED_AFTER_DAYS: i64 = 7;

/// How regularly a unit checks itself over the last `days` days up to today: the working days
/// it owed, those it checked, and its last check within the months read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CheckRate {
    pub owed: u32,
    pub checked: u32,
    pub last_checked_on: Option<NaiveDate>,
}

impl CheckRate {
    /// Checked days per owed day, 0–1 (a unit that owed nothing has a rate of 1).
    pub fn rate(&self) -> f64 {
        if self.owed == 0 {
            1.0
        } else {
            f64::from(self.checked) / f64::from(self.owed)
        }
    }

    /// Owes checks and has made none for [`STOPPED_AFTER_DAYS`] days.
    pub fn stopped(&self, today: NaiveDate) -> bool {
        self.owed > 0
            && self
                .last_checked_on
                .is_none_or(|d| (today - d).num_days() >= STOPPED_AFTER_DAYS)
    }
}

/// The first day of the months a rate over `days` days ending `today` reads: the month
/// before the window's first, so a unit that stopped shortly before still shows its last check.
pub fn rate_months_from(today: NaiveDate, days: u32) -> NaiveDate {
    let from = today - chrono::Days::new(u64::from(days.saturating_sub(1)));
    NaiveDate::from_ymd_opt(from.year(), from.month(), 1)
        .and_then(|d| d.checked_sub_months(chrono::Months::new(1)))
        .unwrap_or(from)
}

/// The unit's rate over the `days` days ending today.
pub fn check_rate(
    unit: &CheckingUnit,
    months: &CheckMonths,
    today: NaiveDate,
    days: u32,
) -> CheckRate {
    let from = (today - chrono::Days::new(u64::from(days.saturating_sub(1)))).max(unit.since);
    let mut rate = CheckRate {
        owed: 0,
        checked: 0,
        last_checked_on: None,
    };
    let checked_on = |d: NaiveDate| {
        months
            .get(&(unit.unit_id, month_key(d)))
            .is_some_and(|m| m.days.has(d))
    };
    for day in from.iter_days().take_while(|d| *d <= today) {
        let done = checked_on(day);
        if done {
            rate.last_checked_on = Some(day);
        }
        if unit.working.works_on(day) {
            rate.owed += 1;
            rate.checked += u32::from(done);
        }
    }
    // A last check before the window, within the months read (a unit that stopped weeks ago).
    if rate.last_checked_on.is_none() {
        let earliest = rate_months_from(today, days);
        rate.last_checked_on = from
            .pred_opt()
            .into_iter()
            .flat_map(|d| d.iter_days().rev().take_while(move |x| *x >= earliest))
            .find(|d| checked_on(*d));
    }
    rate
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn unit(since: &str) -> CheckingUnit {
        CheckingUnit {
            unit_id: 7,
            working: WorkingDays::default(),
            since: day(since),
        }
    }

    fn checked(days: &[&str], patrol: Option<i64>) -> CheckMonths {
        let mut months = CheckMonths::new();
        for d in days {
            let d = day(d);
            let m = months.entry((7, month_key(d))).or_default();
            m.days.0 |= CheckedDays::bit(d);
            m.patrol = patrol;
        }
        months
    }

    #[test]
    fn each_working_day_owes_a_check_up_to_today() {
        // December 2026: Tuesday the 1st to Thursday the 3rd; the 5th and 6th a weekend.
        let window = Period::parse("p", "2026-12").unwrap();
        let months = checked(&["2026-12-01", "2026-12-03"], None);
        let duties = daily_check_duties(&[unit("2025-01-01")], &months, window, day("2026-12-03"));
        let got: Vec<(NaiveDate, DutyState)> = duties.iter().map(|d| (d.due_on, d.state)).collect();
        assert_eq!(
            got,
            [
                (day("2026-12-01"), DutyState::Done),
                (day("2026-12-02"), DutyState::Overdue),
                (day("2026-12-03"), DutyState::Done),
            ]
        );
        // Today unchecked is still due; the weekend owes nothing.
        let later = daily_check_duties(&[unit("2025-01-01")], &months, window, day("2026-12-07"));
        let states: Vec<(NaiveDate, DutyState)> =
            later.iter().map(|d| (d.due_on, d.state)).collect();
        assert_eq!(states.len(), 5, "1–4 and 7 December: {states:?}");
        assert_eq!(states[4], (day("2026-12-07"), DutyState::Due));
        assert!(
            states
                .iter()
                .all(|(d, _)| *d != day("2026-12-05") && *d != day("2026-12-06"))
        );
        // A unit registered on the 3rd owes nothing before it.
        let newcomer =
            daily_check_duties(&[unit("2026-12-03")], &months, window, day("2026-12-03"));
        assert_eq!(newcomer.len(), 1);
    }

    #[test]
    fn the_rate_counts_the_working_days_of_the_last_thirty() {
        // Weekdays from 4 to 31 December 2026: 20 owed; 15 checked.
        let mut checked_days = Vec::new();
        for d in day("2026-12-04")
            .iter_days()
            .take_while(|d| *d <= day("2026-12-31"))
        {
            if WorkingDays::default().works_on(d) && checked_days.len() < 15 {
                checked_days.push(d.to_string());
            }
        }
        let refs: Vec<&str> = checked_days.iter().map(String::as_str).collect();
        let months = checked(&refs, None);
        let rate = check_rate(&unit("2025-01-01"), &months, day("2027-01-02"), 30);
        assert_eq!(
            (rate.owed, rate.checked),
            (21, 15),
            "4 Dec–2 Jan: 21 weekdays"
        );
        assert_eq!(rate.last_checked_on, Some(day("2026-12-24")));
        assert!((rate.rate() - 15.0 / 21.0).abs() < 1e-9);
        assert!(rate.stopped(day("2027-01-02")), "nine days without a check");
        assert!(!rate.stopped(day("2026-12-30")));
        // A unit new on the 1st of January owed one day.
        let newcomer = check_rate(&unit("2027-01-01"), &months, day("2027-01-02"), 30);
        assert_eq!((newcomer.owed, newcomer.checked), (1, 0));
    }

    #[test]
    fn a_month_owes_one_patrol_by_its_last_day() {
        let window = Period::parse("p", "2026-Q4").unwrap();
        let months = checked(&["2026-10-20"], Some(41));
        let duties =
            monthly_patrol_duties(&[unit("2025-01-01")], &months, window, day("2026-11-30"));
        let got: Vec<(String, DutyState, Option<i64>)> = duties
            .iter()
            .map(|d| (d.period.code(), d.state, d.record_id))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-10".to_owned(), DutyState::Done, Some(41)),
                ("2026-11".to_owned(), DutyState::Due, None),
            ],
            "December has not begun"
        );
        let after =
            monthly_patrol_duties(&[unit("2025-01-01")], &months, window, day("2026-12-01"));
        assert_eq!(after[1].state, DutyState::Overdue);
    }
}
