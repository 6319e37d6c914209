//! The units' hidden-hazard statistics reports (Art. 14, R-LED-7): one per quarter, due by the
//! 15th of the first month of the next quarter, and one per year, due by 31 January. Periods
//! are written `2026Q3` and `2026`.

use crate::invalid::Violation;
use chrono::{Datelike, NaiveDate};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Period {
    Quarter { year: i32, quarter: u32 },
    Year { year: i32 },
}

impl Period {
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let raw = raw.trim().to_ascii_uppercase();
        let bad = || Violation::new(field, "error.period");
        let year_of = |s: &str| -> Result<i32, Violation> {
            let y: i32 = s.parse().map_err(|_| bad())?;
            if (2000..=2100).contains(&y) {
                Ok(y)
            } else {
                Err(bad())
            }
        };
        match raw.split_once('Q') {
            Some((y, q)) => {
                let quarter: u32 = q.parse().map_err(|_| bad())?;
                if !(1..=4).contains(&quarter) {
                    return Err(bad());
                }
                Ok(Period::Quarter {
                    year: year_of(y)?,
                    quarter,
                })
            }
            None => Ok(Period::Year {
                year: year_of(&raw)?,
            }),
        }
    }

    pub fn code(&self) -> String {
        match self {
            Period::Quarter { year, quarter } => format!("{year}Q{quarter}"),
            Period::Year { year } => year.to_string(),
        }
    }

    /// The first and the last day of the period.
    pub fn days(&self) -> (NaiveDate, NaiveDate) {
        let (year, first_month, months) = match *self {
            Period::Quarter { year, quarter } => (year, 3 * quarter - 2, 3),
            Period::Year { year } => (year, 1, 12),
        };
        let start = NaiveDate::from_ymd_opt(year, first_month, 1).unwrap_or(NaiveDate::MIN);
        let end = start
            .checked_add_months(chrono::Months::new(months))
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MAX);
        (start, end)
    }

    /// The last day to submit: the 15th of the month after a quarter, 31 January after a year.
    pub fn due(&self) -> NaiveDate {
        let (_, end) = self.days();
        let next = end.succ_opt().unwrap_or(NaiveDate::MAX);
        let day = match self {
            Period::Quarter { .. } => 15,
            Period::Year { .. } => 31,
        };
        NaiveDate::from_ymd_opt(next.year(), next.month(), day).unwrap_or(NaiveDate::MAX)
    }

    /// Whether the period is over on `today` (its report can be made).
    pub fn ended(&self, today: NaiveDate) -> bool {
        self.days().1 < today
    }

    /// The period before this one: the quarter before a quarter, the year before a year.
    pub fn previous(self) -> Period {
        match self {
            Period::Quarter { year, quarter: 1 } => Period::Quarter {
                year: year - 1,
                quarter: 4,
            },
            Period::Quarter { year, quarter } => Period::Quarter {
                year,
                quarter: quarter - 1,
            },
            Period::Year { year } => Period::Year { year: year - 1 },
        }
    }

    /// The last ended quarter and year on `today`: what the units report now.
    pub fn latest(today: NaiveDate) -> (Period, Period) {
        let quarter = (today.month() - 1) / 3 + 1;
        let last_quarter = if quarter == 1 {
            Period::Quarter {
                year: today.year() - 1,
                quarter: 4,
            }
        } else {
            Period::Quarter {
                year: today.year(),
                quarter: quarter - 1,
            }
        };
        (
            last_quarter,
            Period::Year {
                year: today.year() - 1,
            },
        )
    }
}

/// Where a unit stands for a period on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// The period has not ended, or its report is not yet due.
    NotDue,
    OnTime,
    Late,
    /// Due and not submitted.
    Missing,
}

impl Standing {
    pub fn of(period: Period, submitted_on: Option<NaiveDate>, today: NaiveDate) -> Standing {
        match submitted_on {
            Some(d) if d <= period.due() => Standing::OnTime,
            Some(_) => Standing::Late,
            None if today > period.due() => Standing::Missing,
            None => Standing::NotDue,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::NotDue => "not_due",
            Standing::OnTime => "on_time",
            Standing::Late => "late",
            Standing::Missing => "missing",
        }
    }
}

/// A unit's statistics report as typed: the period, the principal's name as signed, and the
/// unit's analysis. The figures are counted from the ledger, never typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct ReportInput {
    /// 2026Q3 or 2026
    pub period: Option<String>,
    /// The principal's name, as signed.
    pub principal: Option<String>,
    /// The unit's analysis (统计分析).
    pub analysis: Option<String>,
}

/// A statistics report to submit, checked: a period that has ended by `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct NewReport {
    pub period: Period,
    pub principal: String,
    pub analysis: Option<String>,
}

impl ReportInput {
    pub fn parse(&self, today: NaiveDate) -> Result<NewReport, crate::invalid::Invalid> {
        use crate::invalid::{Invalid, optional_text, required_text};
        let mut errors = Invalid::default();
        let period = errors.keep(Period::parse(
            "period",
            self.period.as_deref().unwrap_or_default(),
        ));
        let principal = errors.keep(required_text(
            "principal",
            self.principal.as_deref().unwrap_or_default(),
            40,
        ));
        let analysis = errors.keep(optional_text("analysis", self.analysis.as_deref(), 2000));
        if let Some(p) = period
            && !p.ended(today)
        {
            errors.push(Violation::new("period", "error.period_not_ended"));
        }
        errors.into_result()?;
        match (period, principal, analysis) {
            (Some(period), Some(principal), Some(analysis)) => Ok(NewReport {
                period,
                principal,
                analysis,
            }),
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_before_crosses_the_year() {
        let q = |year, quarter| Period::Quarter { year, quarter };
        assert_eq!(q(2026, 1).previous(), q(2025, 4));
        assert_eq!(q(2026, 3).previous(), q(2026, 2));
        assert_eq!(
            Period::Year { year: 2026 }.previous(),
            Period::Year { year: 2025 }
        );
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn due_dates_of_art_14() {
        let q = |year, quarter| Period::Quarter { year, quarter };
        assert_eq!(q(2026, 1).due(), d(2026, 4, 15));
        assert_eq!(q(2026, 2).due(), d(2026, 7, 15));
        assert_eq!(q(2026, 3).due(), d(2026, 10, 15));
        assert_eq!(q(2026, 4).due(), d(2027, 1, 15), "Q4 across the year end");
        assert_eq!(Period::Year { year: 2026 }.due(), d(2027, 1, 31));
        assert_eq!(q(2028, 1).days(), (d(2028, 1, 1), d(2028, 3, 31)));
        assert_eq!(
            Period::Year { year: 2028 }.days(),
            (d(2028, 1, 1), d(2028, 12, 31))
        );
    }

    #[test]
    fn standing_on_and_after_the_due_day() {
        let p = Period::Quarter {
            year: 2026,
            quarter: 3,
        };
        assert_eq!(
            Standing::of(p, Some(d(2026, 10, 15)), d(2026, 11, 1)),
            Standing::OnTime
        );
        assert_eq!(
            Standing::of(p, Some(d(2026, 10, 16)), d(2026, 11, 1)),
            Standing::Late
        );
        assert_eq!(Standing::of(p, None, d(2026, 10, 15)), Standing::NotDue);
        assert_eq!(Standing::of(p, None, d(2026, 10, 16)), Standing::Missing);
    }

    #[test]
    fn periods_written_and_read() {
        assert_eq!(
            Period::parse("p", "2026q3").unwrap(),
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
        );
        assert_eq!(
            Period::parse("p", " 2025 ").unwrap(),
            Period::Year { year: 2025 }
        );
        for bad in ["2026Q5", "2026Q0", "26", "abc", "2026Q"] {
            assert!(Period::parse("p", bad).is_err(), "{bad}");
        }
        assert_eq!(
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
            .code(),
            "2026Q3"
        );
        assert_eq!(
            Period::latest(d(2026, 1, 10)),
            (
                Period::Quarter {
                    year: 2025,
                    quarter: 4
                },
                Period::Year { year: 2025 }
            )
        );
        assert_eq!(
            Period::latest(d(2026, 11, 29)).0,
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
        );
        assert!(
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
            .ended(d(2026, 10, 1))
        );
        assert!(
            !Period::Quarter {
                year: 2026,
                quarter: 4
            }
            .ended(d(2026, 12, 31))
        );
    }

    #[test]
    fn a_report_names_every_fault_and_waits_for_its_period_to_end() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let e = ReportInput {
            period: Some("2026Q4".into()),
            principal: Some(" ".into()),
            analysis: Some("x".repeat(2001)),
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["principal", "analysis", "period"]);
        let ok = ReportInput {
            period: Some("2026q3".into()),
            principal: Some("王厂长".into()),
            analysis: None,
        }
        .parse(today)
        .unwrap();
        assert_eq!(
            ok.period,
            Period::Quarter {
                year: 2026,
                quarter: 3
            }
        );
    }
}
