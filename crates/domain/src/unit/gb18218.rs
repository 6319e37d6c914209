//! Major hazard sources (重大危险源), GB 18218-2018: whether the hazardous chemicals on a site
//! make it a major hazard source (S = Σ qᵢ/Qᵢ ≥ 1), and its level from
//! R = α · Σ βᵢ · qᵢ/Qᵢ with α from the people within 500 m (regulations.md §2).

use crate::invalid::{Invalid, Violation};
use serde::{Deserialize, Serialize};

/// One hazardous chemical on the site.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize, Serialize)]
pub struct Substance {
    /// The actual quantity present, in tonnes.
    pub q: f64,
    /// The critical quantity of GB 18218 Table 1 or 2, in tonnes.
    pub critical_q: f64,
    /// The correction factor β for the substance.
    pub beta: f64,
}

/// The outcome of the identification and grading.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Grading {
    /// S = Σ q/Q.
    pub s: f64,
    pub alpha: f64,
    /// R = α · Σ β·q/Q.
    pub r: f64,
    pub is_major: bool,
    /// 1 (most severe) … 4; `None` when the site is not a major hazard source.
    pub level: Option<u8>,
}

/// α from the number of people normally within 500 m outside the boundary (GB 18218 Table 4).
pub fn alpha(people_within_500m: u32) -> f64 {
    match people_within_500m {
        100.. => 2.0,
        50..=99 => 1.5,
        30..=49 => 1.2,
        1..=29 => 1.0,
        0 => 0.5,
    }
}

/// The level of a major hazard source from R (GB 18218 Table 5): 1 for R ≥ 100,
/// 2 for 50 ≤ R < 100, 3 for 10 ≤ R < 50, 4 below.
pub fn level(r: f64) -> u8 {
    if r >= 100.0 {
        1
    } else if r >= 50.0 {
        2
    } else if r >= 10.0 {
        3
    } else {
        4
    }
}

/// Identifies and grades a site, checking the input field by field.
pub fn grade(people_within_500m: u32, substances: &[Substance]) -> Result<Grading, Invalid> {
    let mut errors = Invalid::default();
    if substances.is_empty() {
        errors.push(Violation::new("substances", "error.required"));
    }
    for (i, s) in substances.iter().enumerate() {
        if !(s.q.is_finite() && s.q >= 0.0) {
            errors.push(Violation::new(
                format!("substances[{i}].q"),
                "error.not_negative",
            ));
        }
        if !(s.critical_q.is_finite() && s.critical_q > 0.0) {
            errors.push(Violation::new(
                format!("substances[{i}].critical_q"),
                "error.positive",
            ));
        }
        if !(s.beta.is_finite() && s.beta > 0.0) {
            errors.push(Violation::new(
                format!("substances[{i}].beta"),
                "error.positive",
            ));
        }
    }
    errors.into_result()?;
    let s: f64 = substances.iter().map(|x| x.q / x.critical_q).sum();
    let weighted: f64 = substances.iter().map(|x| x.beta * x.q / x.critical_q).sum();
    let alpha = alpha(people_within_500m);
    let r = alpha * weighted;
    let is_major = s >= 1.0;
    Ok(Grading {
        s,
        alpha,
        r,
        is_major,
        level: is_major.then(|| level(r)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(q: f64, critical_q: f64, beta: f64) -> Vec<Substance> {
        vec![Substance {
            q,
            critical_q,
            beta,
        }]
    }

    #[test]
    fn alpha_bands_at_their_bounds() {
        // Table 4: ≥100 → 2.0; 50–99 → 1.5; 30–49 → 1.2; 1–29 → 1.0; 0 → 0.5.
        for (people, expected) in [
            (0, 0.5),
            (1, 1.0),
            (29, 1.0),
            (30, 1.2),
            (49, 1.2),
            (50, 1.5),
            (99, 1.5),
            (100, 2.0),
            (10_000, 2.0),
        ] {
            assert_eq!(alpha(people), expected, "{people} people");
        }
    }

    #[test]
    fn level_thresholds_at_their_bounds() {
        // Table 5: R ≥ 100 → 1; 50 ≤ R < 100 → 2; 10 ≤ R < 50 → 3; R < 10 → 4.
        for (r, expected) in [
            (100.0, 1),
            (99.999, 2),
            (50.0, 2),
            (49.999, 3),
            (10.0, 3),
            (9.999, 4),
            (0.0, 4),
        ] {
            assert_eq!(level(r), expected, "R = {r}");
        }
    }

    #[test]
    fn identification_by_the_sum_of_ratios() {
        // One substance at exactly its critical quantity is a major hazard source; just below is not.
        assert!(grade(0, &one(10.0, 10.0, 1.0)).unwrap().is_major);
        let below = grade(0, &one(9.99, 10.0, 1.0)).unwrap();
        assert!(!below.is_major);
        assert_eq!(below.level, None);
        // Several substances each below their own critical quantity, together above it.
        let mixed = vec![
            Substance {
                q: 6.0,
                critical_q: 10.0,
                beta: 1.0,
            },
            Substance {
                q: 2.0,
                critical_q: 5.0,
                beta: 1.0,
            },
        ];
        let g = grade(0, &mixed).unwrap();
        assert!((g.s - 1.0).abs() < 1e-12);
        assert!(g.is_major);
    }

    #[test]
    fn grading_the_issue_example() {
        // 120 people (α = 2), 30 t of a substance with Q = 10 t and β = 2: S = 3, R = 12 → level 3.
        let g = grade(120, &one(30.0, 10.0, 2.0)).unwrap();
        assert_eq!(
            (g.s, g.alpha, g.r, g.is_major, g.level),
            (3.0, 2.0, 12.0, true, Some(3))
        );
    }

    #[test]
    fn levels_from_whole_sites() {
        // R = α·β·q/Q built to land on each threshold exactly.
        assert_eq!(grade(100, &one(50.0, 1.0, 1.0)).unwrap().level, Some(1)); // 2.0 × 50 = 100
        assert_eq!(grade(10, &one(99.5, 1.0, 1.0)).unwrap().level, Some(2)); // 1.0 × 99.5
        assert_eq!(grade(10, &one(50.0, 1.0, 1.0)).unwrap().level, Some(2)); // 1.0 × 50 = 50
        assert_eq!(grade(10, &one(49.5, 1.0, 1.0)).unwrap().level, Some(3));
        assert_eq!(grade(0, &one(20.0, 1.0, 1.0)).unwrap().level, Some(3)); // 0.5 × 20 = 10
        assert_eq!(grade(0, &one(19.0, 1.0, 1.0)).unwrap().level, Some(4)); // 0.5 × 19 = 9.5
        assert_eq!(grade(40, &one(5.0, 1.0, 20.0)).unwrap().level, Some(1)); // 1.2 × 20 × 5 = 120
    }

    #[test]
    fn bad_input_names_the_field() {
        let err = grade(
            0,
            &[Substance {
                q: -1.0,
                critical_q: 0.0,
                beta: f64::NAN,
            }],
        )
        .unwrap_err();
        let fields: Vec<&str> = err.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "substances[0].q",
                "substances[0].critical_q",
                "substances[0].beta"
            ]
        );
        assert_eq!(grade(10, &[]).unwrap_err().0[0].field, "substances");
    }
}
