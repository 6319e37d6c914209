//! Statistics-report duties (R-LED-7, Art. 14): every operating unit owes its hidden-hazard
//! statistics for each quarter, due by the 15th of the next month, and for each year, due by
//! 31 January (`hazard::report`). The unit owes them itself; a submitted report discharges
//! them.

use super::{Cadence, Duty, DutyKind, DutyState, Party, Period};
use crate::hazard::report::Period as ReportPeriod;
use chrono::NaiveDate;
use std::collections::HashMap;

/// The report period of a duty period, for quarters and years.
pub fn report_period(period: Period) -> Option<ReportPeriod> {
    match period {
        Period::Quarter { year, quarter } => Some(ReportPeriod::Quarter { year, quarter }),
        Period::Year { year } => Some(ReportPeriod::Year { year }),
        _ => None,
    }
}

/// The report periods whose duties share a day with `window`: its quarters, then its years.
pub fn report_periods(window: Period) -> Vec<Period> {
    let mut out = window.periods_of(Cadence::Quarterly);
    out.extend(window.periods_of(Cadence::Yearly));
    out
}

/// The statistics-report duties of `units` for the report periods sharing a day with
/// `window`, done by the report submitted (`submitted`: unit and period code → report id).
pub fn statistics_report_duties(
    units: &[i64],
    submitted: &HashMap<(i64, String), i64>,
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    let periods: Vec<(Period, ReportPeriod)> = report_periods(window)
        .into_iter()
        .filter_map(|p| report_period(p).map(|r| (p, r)))
        .collect();
    let mut duties = Vec::with_capacity(units.len() * periods.len());
    for &unit_id in units {
        for &(period, report) in &periods {
            let record = submitted.get(&(unit_id, report.code())).copied();
            let due_on = report.due();
            duties.push(Duty {
                kind: DutyKind::StatisticsReport,
                unit_id: Some(unit_id),
                period,
                party: Party::Unit { unit_id },
                due_on,
                state: DutyState::of(record.is_some(), due_on, today),
                record_id: record,
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

    #[test]
    fn a_quarter_is_due_on_the_fifteenth_after_it_and_a_year_on_31_january() {
        let window = Period::parse("p", "2026-09").unwrap();
        let duties = statistics_report_duties(&[7], &HashMap::new(), window, day(2026, 10, 15));
        let got: Vec<(String, NaiveDate, DutyState)> = duties
            .iter()
            .map(|d| (d.period.code(), d.due_on, d.state))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-Q3".to_owned(), day(2026, 10, 15), DutyState::Due),
                ("2026".to_owned(), day(2027, 1, 31), DutyState::Due)
            ]
        );
        let late = statistics_report_duties(&[7], &HashMap::new(), window, day(2026, 10, 16));
        assert_eq!(late[0].state, DutyState::Overdue);
        assert_eq!(late[0].party, Party::Unit { unit_id: 7 });
    }

    #[test]
    fn a_submitted_report_discharges_its_period_only() {
        let submitted = HashMap::from([((7, "2026Q3".to_owned()), 41)]);
        let window = Period::parse("p", "2026").unwrap();
        let duties = statistics_report_duties(&[7], &submitted, window, day(2027, 2, 1));
        assert_eq!(duties.len(), 5, "four quarters and the year");
        let q3 = duties
            .iter()
            .find(|d| d.period.code() == "2026-Q3")
            .unwrap();
        assert_eq!((q3.state, q3.record_id), (DutyState::Done, Some(41)));
        assert!(
            duties
                .iter()
                .filter(|d| d.record_id.is_none())
                .all(|d| d.state == DutyState::Overdue)
        );
    }
}
