//! Major hazard sources (重大危险源), GB 18218-2018: whether the hazardous chemicals on a site
//! make it a major hazard source (S = Σ qᵢ/Qᵢ ≥ 1), and its level from
//! R = α · Σ βᵢ · qᵢ/Qᵢ with α from the people within 500 m (regulations.md §2).
//!
//! Both sums are worked out exactly: every figure is taken as the decimal it is written as
//! (the shortest decimal that reads back as the same `f64`, which is what a form or a
//! spreadsheet cell held) and summed as a fraction, so a site whose ratios add up to exactly
//! 1 is a major hazard source and an R of exactly 10, 50 or 100 lands in the higher level,
//! whatever binary floating point would have made of it.

use crate::invalid::{Invalid, Violation};
use chrono::{Months, NaiveDate};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, Zero};
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
    /// S = Σ q/Q, to [`S_DECIMALS`] decimals, rounded down.
    pub s: f64,
    pub alpha: f64,
    /// R = α · Σ β·q/Q, to [`R_DECIMALS`] decimals, rounded down.
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

/// The level from an exact R, by the same bounds as [`level`].
fn level_exact(r: &BigRational) -> u8 {
    let at_least = |n: i32| *r >= BigRational::from_integer(BigInt::from(n));
    if at_least(100) {
        1
    } else if at_least(50) {
        2
    } else if at_least(10) {
        3
    } else {
        4
    }
}

/// Decimals S is reported to. GB 18218-2018 sets no precision for S or R; four places show
/// how far a site is from the threshold of 1.
pub const S_DECIMALS: u32 = 4;
/// Decimals R is reported to (GB 18218-2018 sets none; two, as the level bounds are whole).
pub const R_DECIMALS: u32 = 2;

/// The exact value of a figure as written: the shortest decimal that reads back as the same
/// `f64` (Rust's `Display` gives exactly that, never in exponent form). `None` if not finite.
fn exact_decimal(x: f64) -> Option<BigRational> {
    if !x.is_finite() {
        return None;
    }
    let text = x.to_string();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.as_str()),
    };
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let numer: BigInt = format!("{whole}{fraction}").parse().ok()?;
    let places = u32::try_from(fraction.len()).ok()?;
    let value = BigRational::new(numer, BigInt::from(10).pow(places));
    Some(if negative { -value } else { value })
}

/// A non-negative exact value rounded down to `decimals` places, as the nearest `f64`.
fn rounded_down(x: &BigRational, decimals: u32) -> f64 {
    let scale = BigInt::from(10).pow(decimals);
    let units = (x * BigRational::from_integer(scale)).floor().to_integer();
    let digits = format!(
        "{:0>width$}",
        units.to_string(),
        width = decimals as usize + 1
    );
    let (whole, fraction) = digits.split_at(digits.len() - decimals as usize);
    format!("{whole}.{fraction}").parse().unwrap_or(f64::NAN)
}

/// Identifies and grades a site, checking the input field by field.
///
/// S and R are summed exactly (see the module notes) and compared with 1 and with the level
/// bounds exactly; the reported `s` and `r` are rounded down to [`S_DECIMALS`] and
/// [`R_DECIMALS`] places, so a reported figure never reaches a bound the site did not reach
/// (an R of 99.999 shows as 99.99 at level 2, not as 100.00).
pub fn grade(people_within_500m: u32, substances: &[Substance]) -> Result<Grading, Invalid> {
    let mut errors = Invalid::default();
    if substances.is_empty() {
        errors.push(Violation::new("substances", "error.required"));
    }
    let mut exact = Vec::with_capacity(substances.len());
    for (i, s) in substances.iter().enumerate() {
        let q = exact_decimal(s.q).filter(|v| !v.is_negative());
        if q.is_none() {
            errors.push(Violation::new(
                format!("substances[{i}].q"),
                "error.not_negative",
            ));
        }
        let critical_q = exact_decimal(s.critical_q).filter(Signed::is_positive);
        if critical_q.is_none() {
            errors.push(Violation::new(
                format!("substances[{i}].critical_q"),
                "error.positive",
            ));
        }
        let beta = exact_decimal(s.beta).filter(Signed::is_positive);
        if beta.is_none() {
            errors.push(Violation::new(
                format!("substances[{i}].beta"),
                "error.positive",
            ));
        }
        if let (Some(q), Some(critical_q), Some(beta)) = (q, critical_q, beta) {
            exact.push((q / critical_q, beta));
        }
    }
    errors.into_result()?;
    let mut s = BigRational::zero();
    let mut weighted = BigRational::zero();
    for (ratio, beta) in &exact {
        s += ratio;
        weighted += ratio * beta;
    }
    let alpha = alpha(people_within_500m);
    let r = exact_decimal(alpha).unwrap_or_default() * weighted;
    let is_major = s >= BigRational::from_integer(BigInt::from(1));
    Ok(Grading {
        s: rounded_down(&s, S_DECIMALS),
        alpha,
        r: rounded_down(&r, R_DECIMALS),
        is_major,
        level: is_major.then(|| level_exact(&r)),
    })
}

/// How often a major hazard source is identified and assessed again (SAWS Order 40 Art. 11).
pub const REIDENTIFY_YEARS: i32 = 3;

/// The day the next identification is due: three years on; 29 February falls back to the 28th.
pub fn next_identification_due(identified_on: NaiveDate) -> NaiveDate {
    identified_on
        .checked_add_months(Months::new(12 * REIDENTIFY_YEARS as u32))
        .unwrap_or(NaiveDate::MAX)
}

/// Days after the identification within which the unit files it with the county (SAWS Order
/// 40 Art. 23).
pub const FILING_DAYS: u64 = 15;

/// The last day to file an identification with the county.
pub fn filing_due(identified_on: NaiveDate) -> NaiveDate {
    identified_on
        .checked_add_days(chrono::Days::new(FILING_DAYS))
        .unwrap_or(NaiveDate::MAX)
}

/// Days ahead within which a coming re-identification is flagged, so the unit has a quarter
/// to commission it.
pub const DUE_SOON_DAYS: u64 = 90;

/// Where a source's periodic identification stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdentificationStanding {
    Current,
    /// Due within [`DUE_SOON_DAYS`], the due day included.
    DueSoon,
    /// The due day has passed.
    Overdue,
}

pub fn identification_standing(next_due: NaiveDate, on: NaiveDate) -> IdentificationStanding {
    if next_due < on {
        IdentificationStanding::Overdue
    } else if next_due <= on + chrono::Days::new(DUE_SOON_DAYS) {
        IdentificationStanding::DueSoon
    } else {
        IdentificationStanding::Current
    }
}

/// Not filed with the county although the filing period is over.
pub fn filing_late(identified_on: NaiveDate, filed_on: Option<NaiveDate>, on: NaiveDate) -> bool {
    filed_on.is_none() && filing_due(identified_on) < on
}

/// A substance named in GB 18218-2018 Table 1 with its critical quantity, and its β from
/// Table 3 (named toxic gases) or from its hazard class (Table 4): offered on the form so
/// that officials need not look them up. Anything else is typed in by hand.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NamedSubstance {
    pub name_zh: &'static str,
    pub cas: &'static str,
    /// Tonnes.
    pub critical_q: f64,
    pub beta: f64,
}

const fn named(
    name_zh: &'static str,
    cas: &'static str,
    critical_q: f64,
    beta: f64,
) -> NamedSubstance {
    NamedSubstance {
        name_zh,
        cas,
        critical_q,
        beta,
    }
}

/// The substances county sites hold most often.
pub const NAMED_SUBSTANCES: &[NamedSubstance] = &[
    named("氨", "7664-41-7", 10.0, 2.0),
    named("氯", "7782-50-5", 5.0, 4.0),
    named("硫化氢", "7783-06-4", 5.0, 5.0),
    named("氟化氢", "7664-39-3", 1.0, 5.0),
    named("二氧化硫", "7446-09-5", 20.0, 2.0),
    named("一氧化碳", "630-08-0", 10.0, 2.0),
    named("环氧乙烷", "75-21-8", 10.0, 2.0),
    named("氯化氢（无水）", "7647-01-0", 20.0, 3.0),
    named("溴甲烷", "74-83-9", 10.0, 3.0),
    named("二氧化氮", "10102-44-0", 1.0, 10.0),
    named("氰化氢", "74-90-8", 1.0, 10.0),
    named("光气", "75-44-5", 0.3, 20.0),
    named("磷化氢", "7803-51-2", 1.0, 20.0),
    named("异氰酸甲酯", "624-83-9", 0.75, 20.0),
    named("液化石油气", "68476-85-7", 50.0, 1.5),
    named("天然气", "8006-14-2", 50.0, 1.5),
    named("氢", "1333-74-0", 5.0, 1.5),
    named("乙炔", "74-86-2", 1.0, 1.5),
    named("甲醇", "67-56-1", 500.0, 1.0),
    named("汽油", "86290-81-5", 200.0, 1.0),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reidentification_three_years_on() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(next_identification_due(d(2025, 6, 30)), d(2028, 6, 30));
        assert_eq!(next_identification_due(d(2024, 2, 29)), d(2027, 2, 28));
        assert_eq!(next_identification_due(d(2025, 12, 31)), d(2028, 12, 31));
    }

    #[test]
    fn filing_within_fifteen_days() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(filing_due(d(2026, 12, 20)), d(2027, 1, 4));
        // Late from the day after the fifteenth; filing ends it whenever it happens.
        assert!(!filing_late(d(2026, 12, 20), None, d(2027, 1, 4)));
        assert!(filing_late(d(2026, 12, 20), None, d(2027, 1, 5)));
        assert!(!filing_late(
            d(2026, 12, 20),
            Some(d(2027, 2, 1)),
            d(2027, 3, 1)
        ));
    }

    #[test]
    fn identification_flagged_a_quarter_ahead() {
        use IdentificationStanding::*;
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let due = d(2027, 3, 31);
        assert_eq!(identification_standing(due, d(2026, 12, 30)), Current);
        assert_eq!(identification_standing(due, d(2026, 12, 31)), DueSoon);
        assert_eq!(identification_standing(due, due), DueSoon);
        assert_eq!(identification_standing(due, d(2027, 4, 1)), Overdue);
    }

    #[test]
    fn named_substances_use_the_table_3_betas() {
        let beta = |name| {
            NAMED_SUBSTANCES
                .iter()
                .find(|s| s.name_zh == name)
                .unwrap()
                .beta
        };
        // Table 3: CO, SO₂, NH₃, ethylene oxide 2; HCl, methyl bromide 3; Cl₂ 4; H₂S, HF 5;
        // NO₂, HCN 10; phosgene, phosphine, methyl isocyanate 20.
        assert_eq!(beta("一氧化碳"), 2.0);
        assert_eq!(beta("二氧化硫"), 2.0);
        assert_eq!(beta("氨"), 2.0);
        assert_eq!(beta("环氧乙烷"), 2.0);
        assert_eq!(beta("氯化氢（无水）"), 3.0);
        assert_eq!(beta("溴甲烷"), 3.0);
        assert_eq!(beta("氯"), 4.0);
        assert_eq!(beta("硫化氢"), 5.0);
        assert_eq!(beta("氟化氢"), 5.0);
        assert_eq!(beta("二氧化氮"), 10.0);
        assert_eq!(beta("氰化氢"), 10.0);
        assert_eq!(beta("光气"), 20.0);
        assert_eq!(beta("磷化氢"), 20.0);
        assert_eq!(beta("异氰酸甲酯"), 20.0);
        // Flammable gases (W2) 1.5.
        assert_eq!(beta("液化石油气"), 1.5);
        assert!(NAMED_SUBSTANCES.iter().all(|s| s.critical_q > 0.0));
    }

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

    fn site(substances: &[(f64, f64, f64)]) -> Vec<Substance> {
        substances
            .iter()
            .map(|&(q, critical_q, beta)| Substance {
                q,
                critical_q,
                beta,
            })
            .collect()
    }

    #[test]
    fn ratios_adding_up_to_exactly_one_make_a_major_hazard_source() {
        // In binary floating point each of these sums to 0.9999999999999999.
        for substances in [
            site(&[(0.7, 1.0, 1.0), (0.2, 1.0, 1.0), (0.1, 1.0, 1.0)]),
            // 7 t ammonia, 2 t carbon monoxide, 1 t ethylene oxide, each Q = 10 t.
            site(&[(7.0, 10.0, 2.0), (2.0, 10.0, 2.0), (1.0, 10.0, 2.0)]),
            site(&[(0.3, 1.0, 1.0), (0.6, 1.0, 1.0), (0.1, 1.0, 1.0)]),
            // Two thirds and two sixths.
            site(&[(2.0, 3.0, 1.0), (1.0, 6.0, 1.0), (1.0, 6.0, 1.0)]),
        ] {
            let g = grade(0, &substances).unwrap();
            assert!(g.is_major, "{substances:?}");
            assert_eq!(g.s, 1.0);
        }
        // 0.1 + 0.2 + 0.7 in the issue's order.
        let g = grade(
            0,
            &site(&[(0.1, 1.0, 1.0), (0.2, 1.0, 1.0), (0.7, 1.0, 1.0)]),
        )
        .unwrap();
        assert!(g.is_major);
        // Three thirds.
        let g = grade(0, &site(&[(1.0, 3.0, 1.0); 3])).unwrap();
        assert!(g.is_major);
        assert_eq!(g.s, 1.0);
        // Just short of one is not, however close.
        let g = grade(
            0,
            &site(&[(0.7, 1.0, 1.0), (0.2, 1.0, 1.0), (0.099999, 1.0, 1.0)]),
        )
        .unwrap();
        assert!(!g.is_major);
        assert_eq!(g.s, 0.9999);
    }

    #[test]
    fn r_exactly_at_each_bound_lands_in_the_higher_level() {
        // Table 5 bounds are inclusive from below: R ≥ 100 → 1, 50 ≤ R < 100 → 2,
        // 10 ≤ R < 50 → 3. Each of these R is exact, and each is a hair below its bound in
        // binary floating point.
        // α = 1.0 (10 people): 0.7/0.1 + 0.2/0.1 + 0.1/0.1 = 10.
        let g = grade(
            10,
            &site(&[(0.7, 0.1, 1.0), (0.2, 0.1, 1.0), (0.1, 0.1, 1.0)]),
        )
        .unwrap();
        assert_eq!((g.r, g.level), (10.0, Some(3)));
        // α = 1.2 (40 people), β = 1.5, 50 t over Q = 9 t: 1.2 × 1.5 × 50/9 = 10.
        let g = grade(40, &site(&[(50.0, 9.0, 1.5)])).unwrap();
        assert_eq!((g.r, g.level), (10.0, Some(3)));
        // α = 1.2: 1.2 × 125/3 = 50.
        let g = grade(40, &site(&[(125.0, 3.0, 1.0)])).unwrap();
        assert_eq!((g.r, g.level), (50.0, Some(2)));
        assert_eq!(g.s, 41.6666);
        // α = 1.2: 1.2 × 250/3 = 100.
        let g = grade(40, &site(&[(250.0, 3.0, 1.0)])).unwrap();
        assert_eq!((g.r, g.level), (100.0, Some(1)));
        assert_eq!(g.s, 83.3333);
        // Just below each bound stays below, and the reported R does not reach the bound.
        let g = grade(40, &site(&[(249.999, 3.0, 1.0)])).unwrap();
        assert_eq!((g.r, g.level), (99.99, Some(2)));
        let g = grade(40, &site(&[(124.999, 3.0, 1.0)])).unwrap();
        assert_eq!((g.r, g.level), (49.99, Some(3)));
        let g = grade(40, &site(&[(24.999, 3.0, 1.0)])).unwrap();
        assert_eq!((g.r, g.level), (9.99, Some(4)));
    }

    #[test]
    fn figures_are_taken_as_written() {
        let d = |x: f64| exact_decimal(x).unwrap();
        let r = |n: i64, m: i64| BigRational::new(BigInt::from(n), BigInt::from(m));
        assert_eq!(d(0.1), r(1, 10));
        assert_eq!(d(1.2), r(6, 5));
        assert_eq!(d(1e-7), r(1, 10_000_000));
        assert_eq!(d(123456789.123456), r(123_456_789_123_456, 1_000_000));
        assert_eq!(d(-2.5), r(-5, 2));
        assert_eq!(
            d(1e300),
            BigRational::from_integer(BigInt::from(10).pow(300))
        );
        assert_eq!(exact_decimal(f64::INFINITY), None);
        assert_eq!(exact_decimal(f64::NAN), None);
        assert_eq!(rounded_down(&r(2, 3), 4), 0.6666);
        assert_eq!(rounded_down(&r(1, 20_000), 4), 0.0);
        assert_eq!(rounded_down(&r(7, 1), 2), 7.0);
    }

    #[test]
    fn fifty_substances_of_a_billion_tonnes_to_six_places() {
        // The largest realistic input stays exact.
        let substances = site(&[(999_999_999.999999, 0.000001, 20.0); 50]);
        let g = grade(100, &substances).unwrap();
        assert!(g.is_major);
        assert_eq!(g.level, Some(1));
        assert_eq!(g.s, 49_999_999_999_999_950.0);
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
