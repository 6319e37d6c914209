//! Inspection duties (R-CAL-1): "重点监管单位每月至少检查一次，其他单位每季度至少检查一次" —
//! the towns and the departments inspect each key supervised unit once a month and every other
//! unit in the grid once a quarter; the county may set another cadence per grade.
//!
//! 条块结合: the town (块) and each department supervising the unit (条) each owe their own
//! duty for the same unit and period, because the plan makes each answerable for its own
//! inspections and the county must see which side is behind. An inspection discharges the
//! duty of the party that made it: a town's (or one of its villages') inspection the town's,
//! a department's the department's. A unit that is not yet placed in a village is in no grid
//! and owes nothing until it is.

use super::{Cadence, Duty, DutyKind, DutyState, Party, Period, RegionCodeKey};
use crate::invalid::{Invalid, Violation};
use crate::unit::grade::Grade;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// The county's inspection cadence (its settings, key [`InspectionCadence::SETTING`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct InspectionCadence {
    /// Key supervised units (重点监管单位): monthly by the plan.
    pub key_units: Cadence,
    /// Units of supervision grade A, B and C that are not key units: quarterly by the plan.
    pub grade_a: Cadence,
    pub grade_b: Cadence,
    pub grade_c: Cadence,
}

impl Default for InspectionCadence {
    fn default() -> Self {
        Self {
            key_units: Cadence::Monthly,
            grade_a: Cadence::Quarterly,
            grade_b: Cadence::Quarterly,
            grade_c: Cadence::Quarterly,
        }
    }
}

impl InspectionCadence {
    /// The settings key the county's cadence is kept under.
    pub const SETTING: &'static str = "inspection_cadence";

    /// The cadence of a unit: its grade's, or the key units' when it is a key unit and that is
    /// more frequent (a key unit is never inspected less often than its grade asks).
    pub fn for_unit(&self, is_key: bool, grade: Grade) -> Cadence {
        let by_grade = match grade {
            Grade::A => self.grade_a,
            Grade::B => self.grade_b,
            Grade::C => self.grade_c,
        };
        // Cadences are declared most frequent first.
        if is_key {
            by_grade.min(self.key_units)
        } else {
            by_grade
        }
    }

    /// A cadence a county sets: from monthly to yearly (a town cannot inspect every unit
    /// daily, and a unit seen less than once a year is not supervised).
    pub fn parse(input: &InspectionCadence) -> Result<Self, Invalid> {
        let mut errors = Invalid::default();
        for (field, cadence) in [
            ("key_units", input.key_units),
            ("grade_a", input.grade_a),
            ("grade_b", input.grade_b),
            ("grade_c", input.grade_c),
        ] {
            if cadence == Cadence::Daily {
                errors.push(Violation::new(field, "error.cadence"));
            }
        }
        errors.into_result().map(|()| *input)
    }
}

/// A unit as the inspection duties see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InspectedUnit {
    pub unit_id: i64,
    /// Its village: its town owes the town's duty.
    pub village: RegionCodeKey,
    pub is_key: bool,
    pub grade: Grade,
    /// The departments that supervise it: each owes its own duty.
    pub departments: Vec<i64>,
    /// The day it entered the census: no inspection is owed for a period that ended before.
    pub since: NaiveDate,
}

impl InspectedUnit {
    /// The parties that owe its inspections: its town, then its departments.
    pub fn parties(&self) -> impl Iterator<Item = Party> + '_ {
        std::iter::once(Party::Town {
            town_code: town_of(self.village),
        })
        .chain(
            self.departments
                .iter()
                .map(|&department_id| Party::Department { department_id }),
        )
    }
}

/// The town of a village: the first nine digits of its code.
pub fn town_of(village: RegionCodeKey) -> RegionCodeKey {
    let mut town = village.0;
    town[9..].copy_from_slice(b"000");
    RegionCodeKey(town)
}

/// An inspection as the duties see it: which unit, when, for which party.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InspectionMark {
    pub id: i64,
    pub unit_id: i64,
    pub inspected_on: NaiveDate,
    pub party: Party,
}

/// The inspection duties of `units` whose periods share a day with `window`, each marked done
/// by the first inspection of its unit, party and period (a second inspection in the period is
/// kept but counts once), or due or overdue on `today`.
pub fn inspection_duties(
    units: &[InspectedUnit],
    marks: &[InspectionMark],
    window: Period,
    today: NaiveDate,
    cadence: &InspectionCadence,
) -> Vec<Duty> {
    // The first inspection of each unit, party and day: a period looks up its days' records
    // through the unit's sorted list.
    let mut by_unit: HashMap<i64, Vec<&InspectionMark>> = HashMap::new();
    for mark in marks {
        by_unit.entry(mark.unit_id).or_default().push(mark);
    }
    for list in by_unit.values_mut() {
        list.sort_by_key(|m| (m.inspected_on, m.id));
    }
    let mut periods: HashMap<Cadence, Vec<Period>> = HashMap::new();
    let mut duties = Vec::new();
    for unit in units {
        let unit_cadence = cadence.for_unit(unit.is_key, unit.grade);
        let unit_periods = periods
            .entry(unit_cadence)
            .or_insert_with(|| window.periods_of(unit_cadence));
        let records = by_unit.get(&unit.unit_id).map_or(&[][..], Vec::as_slice);
        for &period in unit_periods.iter() {
            if period.last_day() < unit.since {
                continue;
            }
            for party in unit.parties() {
                let record = records
                    .iter()
                    .find(|m| m.party == party && period.contains(m.inspected_on))
                    .map(|m| m.id);
                let due_on = period.last_day();
                duties.push(Duty {
                    kind: DutyKind::Inspection,
                    unit_id: Some(unit.unit_id),
                    period,
                    party,
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

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn village() -> RegionCodeKey {
        RegionCodeKey::new("610921100201").unwrap()
    }

    fn town() -> Party {
        Party::Town {
            town_code: RegionCodeKey::new("610921100000").unwrap(),
        }
    }

    fn unit(id: i64, is_key: bool, grade: Grade, departments: Vec<i64>) -> InspectedUnit {
        InspectedUnit {
            unit_id: id,
            village: village(),
            is_key,
            grade,
            departments,
            since: day(2020, 1, 1),
        }
    }

    #[test]
    fn a_unit_owes_nothing_for_periods_before_it_was_registered() {
        let c = InspectionCadence::default();
        let registered = InspectedUnit {
            since: day(2026, 12, 3),
            ..unit(1, true, Grade::A, vec![])
        };
        let year = Period::Year { year: 2026 };
        let duties = inspection_duties(&[registered], &[], year, day(2026, 12, 3), &c);
        assert_eq!(duties.len(), 1, "December only: {duties:?}");
        assert_eq!(
            duties[0].period,
            Period::Month {
                year: 2026,
                month: 12
            }
        );
        assert_eq!(duties[0].state, DutyState::Due);
    }

    #[test]
    fn the_plan_inspects_key_units_monthly_and_every_other_unit_quarterly() {
        let c = InspectionCadence::default();
        for grade in Grade::ALL {
            assert_eq!(c.for_unit(true, grade), Cadence::Monthly);
            assert_eq!(c.for_unit(false, grade), Cadence::Quarterly);
        }
        // A county that inspects grade A monthly and C half-yearly.
        let county = InspectionCadence {
            grade_a: Cadence::Monthly,
            grade_c: Cadence::HalfYearly,
            ..c
        };
        assert_eq!(county.for_unit(false, Grade::A), Cadence::Monthly);
        assert_eq!(county.for_unit(false, Grade::C), Cadence::HalfYearly);
        // A key unit is never inspected less often than the key cadence.
        assert_eq!(county.for_unit(true, Grade::C), Cadence::Monthly);
    }

    #[test]
    fn a_daily_inspection_cadence_is_refused_naming_the_grade() {
        let bad = InspectionCadence {
            grade_b: Cadence::Daily,
            ..InspectionCadence::default()
        };
        let e = InspectionCadence::parse(&bad).unwrap_err();
        assert_eq!(e.0[0].field, "grade_b");
    }

    #[test]
    fn the_town_and_each_supervising_department_owe_their_own_inspection() {
        let units = [unit(1, true, Grade::A, vec![7, 9])];
        let window = Period::parse("p", "2026-12").unwrap();
        let duties = inspection_duties(&units, &[], window, day(2026, 12, 2), &Default::default());
        let parties: Vec<Party> = duties.iter().map(|d| d.party).collect();
        assert_eq!(
            parties,
            [
                town(),
                Party::Department { department_id: 7 },
                Party::Department { department_id: 9 }
            ]
        );
        assert!(duties.iter().all(|d| d.period.code() == "2026-12"
            && d.due_on == day(2026, 12, 31)
            && d.state == DutyState::Due));
    }

    #[test]
    fn an_inspection_discharges_the_duty_of_the_party_that_made_it_once_per_period() {
        let units = [unit(1, false, Grade::C, vec![7])];
        let marks = [
            InspectionMark {
                id: 10,
                unit_id: 1,
                inspected_on: day(2026, 10, 20),
                party: town(),
            },
            // A second inspection in the quarter is kept but counts once.
            InspectionMark {
                id: 11,
                unit_id: 1,
                inspected_on: day(2026, 11, 5),
                party: town(),
            },
            // Last quarter's inspection does not count for this one.
            InspectionMark {
                id: 12,
                unit_id: 1,
                inspected_on: day(2026, 9, 30),
                party: Party::Department { department_id: 7 },
            },
        ];
        let window = Period::parse("p", "2026-12").unwrap();
        let duties =
            inspection_duties(&units, &marks, window, day(2027, 1, 1), &Default::default());
        assert_eq!(duties.len(), 2);
        assert_eq!(duties[0].period.code(), "2026-Q4");
        assert_eq!(
            (duties[0].state, duties[0].record_id),
            (DutyState::Done, Some(10))
        );
        assert_eq!(
            (duties[1].state, duties[1].record_id),
            (DutyState::Overdue, None)
        );
    }

    #[test]
    fn a_year_holds_twelve_monthly_and_four_quarterly_duties() {
        let units = [
            unit(1, true, Grade::B, vec![]),
            unit(2, false, Grade::B, vec![]),
        ];
        let window = Period::parse("p", "2026").unwrap();
        let duties = inspection_duties(&units, &[], window, day(2026, 12, 2), &Default::default());
        assert_eq!(duties.iter().filter(|d| d.unit_id == Some(1)).count(), 12);
        assert_eq!(duties.iter().filter(|d| d.unit_id == Some(2)).count(), 4);
        // On 2 December, January to November are overdue; December is due.
        let overdue = duties
            .iter()
            .filter(|d| d.unit_id == Some(1) && d.state == DutyState::Overdue);
        assert_eq!(overdue.count(), 11);
    }

    #[test]
    fn a_village_s_town_is_its_first_nine_digits() {
        assert_eq!(town_of(village()).as_str(), "610921100000");
    }
}
