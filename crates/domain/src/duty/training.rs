//! Training as duties (R-CAL-3): a pre-shift briefing each working day (from the rollup, as
//! daily checks are), a monthly exam each month, a publicity activity each half year, and the
//! three posts' training each year — done when that year's three-post trainings together name
//! every holder of the unit's current certificates (any one such training when it has none on
//! file). Owed by the unit.

use super::own_check::{CheckMonths, CheckingUnit, working_day_duties};
use super::{Cadence, Duty, DutyKind, DutyState, Party, Period};
use crate::unit::training::TrainingKind;
use chrono::NaiveDate;
use std::collections::HashMap;

/// A training held, as the duties read it.
#[derive(Debug, Clone)]
pub struct TrainingMark {
    pub id: i64,
    pub unit_id: i64,
    pub kind: TrainingKind,
    pub held_on: NaiveDate,
    pub attendees: Vec<String>,
}

/// Pre-shift briefings owed in `window`, each working day up to today.
pub fn pre_shift_duties(
    units: &[CheckingUnit],
    months: &CheckMonths,
    window: Period,
    today: NaiveDate,
) -> Vec<Duty> {
    working_day_duties(DutyKind::PreShift, units, months, window, today, |m| {
        m.briefings
    })
}

/// The monthly exams, half-yearly publicity and yearly three-post training owed in `window`
/// (periods begun by today, ending after the unit entered the census), each due on its
/// period's last day. `holders`: each unit's current certificate holders.
pub fn training_duties(
    units: &[CheckingUnit],
    holders: &HashMap<i64, Vec<String>>,
    marks: &[TrainingMark],
    window: Period,
    today: NaiveDate,
    wants: impl Fn(DutyKind) -> bool,
) -> Vec<Duty> {
    let kinds = [
        (
            DutyKind::MonthlyExam,
            TrainingKind::MonthlyExam,
            Cadence::Monthly,
        ),
        (
            DutyKind::Publicity,
            TrainingKind::Publicity,
            Cadence::HalfYearly,
        ),
        (
            DutyKind::ThreePost,
            TrainingKind::ThreePost,
            Cadence::Yearly,
        ),
    ];
    let mut duties = Vec::new();
    for (duty_kind, training, cadence) in kinds {
        if !wants(duty_kind) {
            continue;
        }
        let periods: Vec<Period> = window
            .periods_of(cadence)
            .into_iter()
            .filter(|p| p.first_day() <= today)
            .collect();
        for unit in units {
            for &period in &periods {
                if period.last_day() < unit.since {
                    continue;
                }
                let held: Vec<&TrainingMark> = marks
                    .iter()
                    .filter(|m| {
                        m.unit_id == unit.unit_id
                            && m.kind == training
                            && period.contains(m.held_on)
                    })
                    .collect();
                let record = if training == TrainingKind::ThreePost {
                    let owed = holders
                        .get(&unit.unit_id)
                        .map(Vec::as_slice)
                        .unwrap_or_default();
                    let all_attended = owed
                        .iter()
                        .all(|h| held.iter().any(|m| m.attendees.iter().any(|a| a == h)));
                    held.last().filter(|_| all_attended).map(|m| m.id)
                } else {
                    held.first().map(|m| m.id)
                };
                let due_on = period.last_day();
                duties.push(Duty {
                    kind: duty_kind,
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
    }
    duties
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::unit::check::WorkingDays;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn mark(id: i64, kind: TrainingKind, on: &str, attendees: &[&str]) -> TrainingMark {
        TrainingMark {
            id,
            unit_id: 7,
            kind,
            held_on: day(on),
            attendees: attendees.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn exams_monthly_publicity_half_yearly_and_every_holder_trained_yearly() {
        let unit = CheckingUnit {
            unit_id: 7,
            working: WorkingDays::default(),
            since: day("2025-01-01"),
        };
        let holders = HashMap::from([(7, vec!["何晓燕".to_owned(), "王伟".to_owned()])]);
        let marks = vec![
            mark(1, TrainingKind::MonthlyExam, "2026-11-20", &[]),
            mark(2, TrainingKind::Publicity, "2026-09-01", &[]),
            mark(3, TrainingKind::ThreePost, "2026-03-01", &["何晓燕"]),
        ];
        let window = Period::parse("p", "2026").unwrap();
        let today = day("2026-12-03");
        let duties = training_duties(&[unit], &holders, &marks, window, today, |_| true);
        let of = |kind: DutyKind, period: &str| {
            duties
                .iter()
                .find(|d| d.kind == kind && d.period.code() == period)
                .map(|d| (d.state, d.record_id))
        };
        assert_eq!(
            of(DutyKind::MonthlyExam, "2026-11"),
            Some((DutyState::Done, Some(1)))
        );
        assert_eq!(
            of(DutyKind::MonthlyExam, "2026-10"),
            Some((DutyState::Overdue, None))
        );
        assert_eq!(
            of(DutyKind::MonthlyExam, "2026-12"),
            Some((DutyState::Due, None))
        );
        assert_eq!(
            of(DutyKind::Publicity, "2026-H2"),
            Some((DutyState::Done, Some(2)))
        );
        assert_eq!(
            of(DutyKind::Publicity, "2026-H1"),
            Some((DutyState::Overdue, None))
        );
        assert_eq!(
            of(DutyKind::ThreePost, "2026"),
            Some((DutyState::Due, None)),
            "王伟 not yet trained"
        );
        let mut both = marks.clone();
        both.push(mark(4, TrainingKind::ThreePost, "2026-11-02", &["王伟"]));
        let duties = training_duties(&[unit], &holders, &both, window, today, |k| {
            k == DutyKind::ThreePost
        });
        assert_eq!(duties.len(), 1);
        assert_eq!(
            (duties[0].state, duties[0].record_id),
            (DutyState::Done, Some(4))
        );
    }
}
