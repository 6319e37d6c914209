//! The annual assessment of towns and departments on their grid work (年度考核, R-ASSESS-1).
//!
//! The county plan makes grid work "an important part of each town's and unit's yearly safety
//! assessment" and holds to account those whose weak work let an accident happen. The score is
//! computed from what the system already holds, never typed in, and every indicator carries
//! the figures it was computed from:
//!
//! - **duties**: the party's own duties that fell due in the year (inspections of its units,
//!   rectification reviews, its grid plan, passing accident reports on) — done against owed;
//! - **rectification**: the hidden hazards in its area (a town) or of its units (a department)
//!   whose deadline fell in the year — closed by the deadline against all of them;
//! - **unit duties**: its units' own duties (daily checks, patrols, training, certificate
//!   reviews, statistics reports) — done against owed, the supervisor answering for whether
//!   its units do their part;
//! - **accidents**: points off per general accident in its area or at its units; from the
//!   county's veto level (larger, 较大, by default) one accident fails the year (一票否决).
//!
//! The weights, the deduction and the veto level are the county's data ([`Scheme`]), with the
//! defaults below; the grade bounds follow the usual four grades of such assessments.

use crate::accident::AccidentLevel;
use crate::duty::Tally;
use crate::invalid::{Invalid, Violation};
use serde::{Deserialize, Serialize};

/// The county's indicator scheme: points for each indicator (they add up to 100), the points
/// an accident below the veto level takes off, and the level from which one accident fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Scheme {
    /// Points for the party's own duties done.
    pub duties: u32,
    /// Points for hazards closed by their deadline.
    pub rectification: u32,
    /// Points for its units' own duties done.
    pub unit_duties: u32,
    /// Points for a year without accidents.
    pub accidents: u32,
    /// Points off the accident indicator for each accident below the veto level.
    pub per_accident: u32,
    /// From this level up, one accident fails the year.
    #[schema(value_type = String)]
    pub veto_from: AccidentLevel,
}

impl Default for Scheme {
    fn default() -> Self {
        Self {
            duties: 40,
            rectification: 25,
            unit_duties: 15,
            accidents: 20,
            per_accident: 10,
            veto_from: AccidentLevel::Larger,
        }
    }
}

/// All the points there are.
pub const FULL_MARKS: u32 = 100;

impl Scheme {
    /// The scheme as a county sets it: the four weights add up to 100 (naming the first
    /// weight when they do not), the deduction is at most the accident indicator's points.
    pub fn validate(&self) -> Result<(), Invalid> {
        let mut e = Invalid::default();
        let sum = [
            self.duties,
            self.rectification,
            self.unit_duties,
            self.accidents,
        ]
        .iter()
        .fold(0u64, |s, w| s + u64::from(*w));
        if sum != u64::from(FULL_MARKS) {
            e.push(
                Violation::new("duties", "error.weights_sum")
                    .with("sum", sum)
                    .with("full", FULL_MARKS),
            );
        }
        if self.per_accident > self.accidents {
            e.push(
                Violation::new("per_accident", "error.deduction_above_weight")
                    .with("max", self.accidents),
            );
        }
        e.into_result()
    }
}

crate::closed_set! {
    invalid = "error.choice";
    /// The indicators, in the order they are shown.
    pub enum IndicatorKey {
        Duties = "duties",
        Rectification = "rectification",
        UnitDuties = "unit_duties",
        Accidents = "accidents",
    }
}

crate::closed_set! {
    invalid = "error.choice";
    /// The year's grade.
    pub enum AssessmentGrade {
        /// 优秀: 90 points or more.
        Excellent = "excellent",
        /// 良好: 80 or more.
        Good = "good",
        /// 合格: 60 or more.
        Pass = "pass",
        /// 不合格: under 60, or an accident at the veto level.
        Fail = "fail",
    }
}

/// The least points of each grade but the last, highest first.
const GRADE_BOUNDS: [(AssessmentGrade, f64); 3] = [
    (AssessmentGrade::Excellent, 90.0),
    (AssessmentGrade::Good, 80.0),
    (AssessmentGrade::Pass, 60.0),
];

/// What a party's year holds, as counted from the records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PartyYear {
    /// The party's own duties of the year.
    pub duties: Tally,
    /// Hazards whose deadline fell in the year: closed by it, and all of them.
    pub hazards_closed_in_time: u64,
    pub hazards_due: u64,
    /// Its units' own duties of the year.
    pub unit_duties: Tally,
    /// The level of each accident of the year it answers for.
    pub accidents: Vec<AccidentLevel>,
}

/// One indicator's score with the figures behind it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Indicator {
    #[schema(value_type = String)]
    pub key: IndicatorKey,
    /// Its points in the scheme.
    pub weight: u32,
    /// The points earned, to one decimal.
    pub score: f64,
    /// What counted in its favour: duties done, hazards closed in time; for accidents, none.
    pub met: u64,
    /// What counted: duties fallen due (done or overdue), hazards whose deadline passed;
    /// for accidents, how many there were.
    pub counted: u64,
}

/// A party's result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Score {
    pub indicators: Vec<Indicator>,
    /// The points of all indicators, to one decimal.
    pub total: f64,
    #[schema(value_type = String)]
    pub grade: AssessmentGrade,
    /// An accident at or above the veto level failed the year, whatever the points.
    pub vetoed: bool,
}

/// Points for a share met of what counted; full points when nothing counted (nothing fell
/// due, so nothing was missed).
fn share(weight: u32, met: u64, counted: u64) -> f64 {
    if counted == 0 {
        return f64::from(weight);
    }
    tenths(f64::from(weight) * met.min(counted) as f64 / counted as f64)
}

fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}

/// A party's year scored by the scheme. Duties not yet due count neither way.
pub fn score(scheme: &Scheme, year: &PartyYear) -> Score {
    let fallen_due = |t: &Tally| (t.done, t.done + t.overdue);
    let (duties_met, duties_counted) = fallen_due(&year.duties);
    let (units_met, units_counted) = fallen_due(&year.unit_duties);
    let vetoed = year.accidents.iter().any(|l| *l >= scheme.veto_from);
    let accidents = year.accidents.len() as u64;
    let accident_points = if vetoed {
        0.0
    } else {
        f64::from(
            scheme.accidents.saturating_sub(
                scheme
                    .per_accident
                    .saturating_mul(accidents.try_into().unwrap_or(u32::MAX)),
            ),
        )
    };
    let indicators = vec![
        Indicator {
            key: IndicatorKey::Duties,
            weight: scheme.duties,
            score: share(scheme.duties, duties_met, duties_counted),
            met: duties_met,
            counted: duties_counted,
        },
        Indicator {
            key: IndicatorKey::Rectification,
            weight: scheme.rectification,
            score: share(
                scheme.rectification,
                year.hazards_closed_in_time,
                year.hazards_due,
            ),
            met: year.hazards_closed_in_time.min(year.hazards_due),
            counted: year.hazards_due,
        },
        Indicator {
            key: IndicatorKey::UnitDuties,
            weight: scheme.unit_duties,
            score: share(scheme.unit_duties, units_met, units_counted),
            met: units_met,
            counted: units_counted,
        },
        Indicator {
            key: IndicatorKey::Accidents,
            weight: scheme.accidents,
            score: accident_points,
            met: 0,
            counted: accidents,
        },
    ];
    let total = tenths(indicators.iter().map(|i| i.score).sum());
    let grade = if vetoed {
        AssessmentGrade::Fail
    } else {
        GRADE_BOUNDS
            .iter()
            .find(|(_, least)| total >= *least)
            .map_or(AssessmentGrade::Fail, |(g, _)| *g)
    };
    Score {
        indicators,
        total,
        grade,
        vetoed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tally(done: u64, overdue: u64, due: u64) -> Tally {
        Tally { due, done, overdue }
    }

    fn fields(s: Scheme) -> Vec<String> {
        s.validate()
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| v.field)
            .collect()
    }

    fn clean_year() -> PartyYear {
        PartyYear {
            duties: tally(10, 0, 3),
            hazards_closed_in_time: 4,
            hazards_due: 4,
            unit_duties: tally(100, 0, 20),
            accidents: vec![],
        }
    }

    #[test]
    fn the_default_scheme_adds_up_to_full_marks_and_vetoes_from_a_larger_accident() {
        let s = Scheme::default();
        assert!(s.validate().is_ok());
        assert_eq!(s.veto_from, AccidentLevel::Larger);
        let r = score(&s, &clean_year());
        assert_eq!(r.total, 100.0);
        assert_eq!(r.grade, AssessmentGrade::Excellent);
    }

    #[test]
    fn weights_that_do_not_add_up_or_a_deduction_above_its_points_are_refused() {
        let s = Scheme {
            duties: 50,
            ..Scheme::default()
        };
        assert_eq!(fields(s), vec!["duties"]);
        let s = Scheme {
            per_accident: 21,
            ..Scheme::default()
        };
        assert_eq!(fields(s), vec!["per_accident"]);
        // The deduction may take the indicator's whole points.
        let s = Scheme {
            per_accident: 20,
            ..Scheme::default()
        };
        assert!(s.validate().is_ok());
    }

    #[test]
    fn duties_not_yet_due_count_neither_way_and_nothing_due_is_full_points() {
        let s = Scheme::default();
        let year = PartyYear {
            duties: tally(6, 2, 50),
            unit_duties: tally(0, 0, 9),
            hazards_due: 0,
            ..PartyYear::default()
        };
        let r = score(&s, &year);
        // 6 of 8 fallen due: 40 × 0.75.
        assert_eq!(r.indicators[0].score, 30.0);
        assert_eq!((r.indicators[0].met, r.indicators[0].counted), (6, 8));
        assert_eq!(r.indicators[1].score, 25.0);
        assert_eq!(r.indicators[2].score, 15.0);
        assert_eq!(r.total, 90.0);
    }

    #[test]
    fn scores_are_kept_to_one_decimal() {
        let s = Scheme::default();
        let year = PartyYear {
            duties: tally(1, 2, 0),
            ..clean_year()
        };
        // 40 / 3 = 13.33… → 13.3.
        assert_eq!(score(&s, &year).indicators[0].score, 13.3);
    }

    #[test]
    fn each_accident_below_the_veto_takes_its_points_down_to_nought() {
        let s = Scheme::default();
        let with = |n: usize| PartyYear {
            accidents: vec![AccidentLevel::General; n],
            ..clean_year()
        };
        assert_eq!(score(&s, &with(1)).indicators[3].score, 10.0);
        assert_eq!(score(&s, &with(2)).indicators[3].score, 0.0);
        assert_eq!(score(&s, &with(3)).indicators[3].score, 0.0);
        assert_eq!(score(&s, &with(1)).total, 90.0);
        assert_eq!(score(&s, &with(1)).grade, AssessmentGrade::Excellent);
        assert_eq!(score(&s, &with(2)).grade, AssessmentGrade::Good);
        assert!(!score(&s, &with(3)).vetoed);
    }

    #[test]
    fn one_accident_at_the_veto_level_or_above_fails_the_year_whatever_the_points() {
        let s = Scheme::default();
        for level in [
            AccidentLevel::Larger,
            AccidentLevel::Major,
            AccidentLevel::EspeciallyMajor,
        ] {
            let r = score(
                &s,
                &PartyYear {
                    accidents: vec![level],
                    ..clean_year()
                },
            );
            assert!(r.vetoed);
            assert_eq!(r.grade, AssessmentGrade::Fail);
            assert_eq!(r.indicators[3].score, 0.0);
            assert_eq!(r.total, 80.0);
        }
        // A county that vetoes only from a major accident.
        let lenient = Scheme {
            veto_from: AccidentLevel::Major,
            ..s
        };
        let r = score(
            &lenient,
            &PartyYear {
                accidents: vec![AccidentLevel::Larger],
                ..clean_year()
            },
        );
        assert!(!r.vetoed);
        assert_eq!(r.grade, AssessmentGrade::Excellent);
    }

    #[test]
    fn the_grade_bounds_belong_to_the_higher_grade() {
        let s = Scheme::default();
        // Duties decide the total here: 40 × done / 100 + 60.
        let at = |done: u64| {
            score(
                &s,
                &PartyYear {
                    duties: tally(done, 100 - done, 0),
                    ..clean_year()
                },
            )
        };
        assert_eq!(at(75).total, 90.0);
        assert_eq!(at(75).grade, AssessmentGrade::Excellent);
        assert_eq!(at(74).total, 89.6);
        assert_eq!(at(74).grade, AssessmentGrade::Good);
        assert_eq!(at(50).total, 80.0);
        assert_eq!(at(50).grade, AssessmentGrade::Good);
        assert_eq!(at(49).grade, AssessmentGrade::Pass);
        assert_eq!(at(0).total, 60.0);
        assert_eq!(at(0).grade, AssessmentGrade::Pass);
        let worse = score(
            &s,
            &PartyYear {
                duties: tally(0, 10, 0),
                hazards_closed_in_time: 0,
                hazards_due: 1,
                ..clean_year()
            },
        );
        assert_eq!(worse.total, 35.0);
        assert_eq!(worse.grade, AssessmentGrade::Fail);
    }
}
