//! Calendar periods on the Asia/Shanghai calendar, as every duty and every filter writes them:
//! `2026-12-02` (a day), `2026-12` (a month), `2026-Q4`, `2026-H2`, `2026`.

use crate::invalid::Violation;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Serialize, Serializer};

/// The first and last years a period may name: outside them a date is a typing mistake.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

crate::closed_set! {
    invalid = "error.cadence";
    /// How often a duty falls due: its period's length.
    pub enum Cadence {
        Daily = "daily",
        Monthly = "monthly",
        Quarterly = "quarterly",
        HalfYearly = "half_yearly",
        Yearly = "yearly",
    }
}

/// One period of a calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Period {
    Day(NaiveDate),
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
    Half { year: i32, half: u32 },
    Year { year: i32 },
}

impl Period {
    /// A period as written in a request: refused naming `field` if it is none of the five
    /// forms or lies outside 2000–2100.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let bad = || Violation::new(field, "error.duty_period");
        let raw = raw.trim();
        let year_of = |s: &str| -> Result<i32, Violation> {
            if s.len() != 4 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            let year: i32 = s.parse().map_err(|_| bad())?;
            if (FIRST_YEAR..=LAST_YEAR).contains(&year) {
                Ok(year)
            } else {
                Err(bad())
            }
        };
        let number = |s: &str, range: std::ops::RangeInclusive<u32>| -> Result<u32, Violation> {
            if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
                return Err(bad());
            }
            s.parse().ok().filter(|n| range.contains(n)).ok_or_else(bad)
        };
        let parts: Vec<&str> = raw.split('-').collect();
        match parts.as_slice() {
            [y] => Ok(Self::Year { year: year_of(y)? }),
            [y, rest] => {
                let year = year_of(y)?;
                if let Some(q) = rest.strip_prefix('Q') {
                    Ok(Self::Quarter {
                        year,
                        quarter: number(q, 1..=4)?,
                    })
                } else if let Some(h) = rest.strip_prefix('H') {
                    Ok(Self::Half {
                        year,
                        half: number(h, 1..=2)?,
                    })
                } else if rest.len() == 2 {
                    Ok(Self::Month {
                        year,
                        month: number(rest, 1..=12)?,
                    })
                } else {
                    Err(bad())
                }
            }
            [y, m, d] if m.len() == 2 && d.len() == 2 => {
                let year = year_of(y)?;
                let month = number(m, 1..=12)?;
                let day = number(d, 1..=31)?;
                NaiveDate::from_ymd_opt(year, month, day)
                    .map(Self::Day)
                    .ok_or_else(bad)
            }
            _ => Err(bad()),
        }
    }

    /// The period of `cadence` that holds `day`.
    pub fn of(cadence: Cadence, day: NaiveDate) -> Self {
        let (year, month) = (day.year(), day.month());
        match cadence {
            Cadence::Daily => Self::Day(day),
            Cadence::Monthly => Self::Month { year, month },
            Cadence::Quarterly => Self::Quarter {
                year,
                quarter: (month - 1) / 3 + 1,
            },
            Cadence::HalfYearly => Self::Half {
                year,
                half: (month - 1) / 6 + 1,
            },
            Cadence::Yearly => Self::Year { year },
        }
    }

    /// The cadence whose periods this one is.
    pub fn cadence(self) -> Cadence {
        match self {
            Self::Day(_) => Cadence::Daily,
            Self::Month { .. } => Cadence::Monthly,
            Self::Quarter { .. } => Cadence::Quarterly,
            Self::Half { .. } => Cadence::HalfYearly,
            Self::Year { .. } => Cadence::Yearly,
        }
    }

    /// The first day of the period.
    pub fn first_day(self) -> NaiveDate {
        let (year, month) = match self {
            Self::Day(day) => return day,
            Self::Month { year, month } => (year, month),
            Self::Quarter { year, quarter } => (year, 3 * quarter - 2),
            Self::Half { year, half } => (year, 6 * half - 5),
            Self::Year { year } => (year, 1),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// The last day of the period: a duty of the period is due on it.
    pub fn last_day(self) -> NaiveDate {
        let months = match self {
            Self::Day(day) => return day,
            Self::Month { .. } => 1,
            Self::Quarter { .. } => 3,
            Self::Half { .. } => 6,
            Self::Year { .. } => 12,
        };
        self.first_day()
            .checked_add_months(Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX)
    }

    /// Whether `day` falls in the period.
    pub fn contains(self, day: NaiveDate) -> bool {
        (self.first_day()..=self.last_day()).contains(&day)
    }

    /// Whether the two periods share a day.
    pub fn overlaps(self, other: Period) -> bool {
        self.first_day() <= other.last_day() && other.first_day() <= self.last_day()
    }

    /// The periods of `cadence` that share a day with this one, in order: a month's quarter,
    /// a year's twelve months, a quarter's ninety-odd days.
    pub fn periods_of(self, cadence: Cadence) -> Vec<Period> {
        let mut out = Vec::new();
        let end = self.last_day();
        let mut current = Self::of(cadence, self.first_day());
        loop {
            out.push(current);
            match current.last_day().succ_opt() {
                Some(next) if next <= end => current = Self::of(cadence, next),
                _ => break,
            }
        }
        out
    }

    /// The period as it is written.
    pub fn code(self) -> String {
        match self {
            Self::Day(day) => day.format("%Y-%m-%d").to_string(),
            Self::Month { year, month } => format!("{year}-{month:02}"),
            Self::Quarter { year, quarter } => format!("{year}-Q{quarter}"),
            Self::Half { year, half } => format!("{year}-H{half}"),
            Self::Year { year } => year.to_string(),
        }
    }
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.code())
    }
}

impl Serialize for Period {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_five_written_forms_round_trip() {
        for written in ["2026-12-02", "2026-12", "2026-Q4", "2026-H2", "2026"] {
            let p = Period::parse("period", written).unwrap();
            assert_eq!(p.code(), written);
        }
    }

    #[test]
    fn each_form_spans_its_days() {
        let cases = [
            ("2026-12-02", day(2026, 12, 2), day(2026, 12, 2)),
            ("2026-02", day(2026, 2, 1), day(2026, 2, 28)),
            ("2028-02", day(2028, 2, 1), day(2028, 2, 29)),
            ("2026-Q1", day(2026, 1, 1), day(2026, 3, 31)),
            ("2026-Q4", day(2026, 10, 1), day(2026, 12, 31)),
            ("2026-H1", day(2026, 1, 1), day(2026, 6, 30)),
            ("2026-H2", day(2026, 7, 1), day(2026, 12, 31)),
            ("2026", day(2026, 1, 1), day(2026, 12, 31)),
        ];
        for (written, first, last) in cases {
            let p = Period::parse("period", written).unwrap();
            assert_eq!((p.first_day(), p.last_day()), (first, last), "{written}");
        }
    }

    #[test]
    fn malformed_and_out_of_range_periods_are_refused() {
        for bad in [
            "",
            "26",
            "2026-13",
            "2026-00",
            "2026-Q5",
            "2026-Q0",
            "2026-H3",
            "2026-02-30",
            "1999",
            "2101-01",
            "2026-1",
            "2026-12-2",
            "2026-q4",
            "２０２６",
            "2026-12-02-01",
            "2026-\0",
            "2026-Q",
        ] {
            let e = Period::parse("period", bad).unwrap_err();
            assert_eq!(e.field, "period", "{bad:?}");
        }
    }

    #[test]
    fn a_day_belongs_to_one_period_of_each_cadence() {
        let d = day(2026, 12, 2);
        assert_eq!(Period::of(Cadence::Daily, d).code(), "2026-12-02");
        assert_eq!(Period::of(Cadence::Monthly, d).code(), "2026-12");
        assert_eq!(Period::of(Cadence::Quarterly, d).code(), "2026-Q4");
        assert_eq!(Period::of(Cadence::HalfYearly, d).code(), "2026-H2");
        assert_eq!(Period::of(Cadence::Yearly, d).code(), "2026");
        assert_eq!(
            Period::of(Cadence::Quarterly, day(2026, 4, 1)).code(),
            "2026-Q2"
        );
        assert_eq!(
            Period::of(Cadence::Quarterly, day(2026, 3, 31)).code(),
            "2026-Q1"
        );
    }

    #[test]
    fn a_window_holds_the_periods_that_share_a_day_with_it() {
        let year = Period::parse("p", "2026").unwrap();
        assert_eq!(year.periods_of(Cadence::Monthly).len(), 12);
        assert_eq!(year.periods_of(Cadence::Quarterly).len(), 4);
        assert_eq!(year.periods_of(Cadence::Daily).len(), 365);
        let month = Period::parse("p", "2026-11").unwrap();
        let quarters: Vec<String> = month
            .periods_of(Cadence::Quarterly)
            .into_iter()
            .map(Period::code)
            .collect();
        assert_eq!(quarters, ["2026-Q4"]);
        let q = Period::parse("p", "2026-Q4").unwrap();
        let months: Vec<String> = q
            .periods_of(Cadence::Monthly)
            .into_iter()
            .map(Period::code)
            .collect();
        assert_eq!(months, ["2026-10", "2026-11", "2026-12"]);
        assert!(q.overlaps(month));
        assert!(!q.overlaps(Period::parse("p", "2026-09").unwrap()));
    }
}
