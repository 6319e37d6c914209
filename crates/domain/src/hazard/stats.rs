//! The ledger in figures, for dashboards and charts: hazards grouped one way (by town, by month
//! …) with how many stand open, overdue, closed, and closed by their deadline. The counting
//! itself is done where the rows are (one grouped query); the rules it follows are here.

use crate::duty::period::{FIRST_YEAR, LAST_YEAR};
use crate::invalid::{Invalid, Violation};
use crate::tenure::parse_date;
use chrono::{Datelike, NaiveDate};

crate::closed_set! {
    invalid = "error.stats_group";
    /// How the statistics group the hazards. Town, village, month, sector, state and source
    /// each put a hazard in exactly one row (so the rows add up to the ledger); department puts
    /// it in the row of each department responsible for it or supervising its unit, as the
    /// ledger filtered by that department counts it.
    pub enum StatsGroup {
        Town = "town",
        Village = "village",
        Department = "department",
        Sector = "sector",
        Month = "month",
        State = "state",
        Source = "source",
    }
}

/// Found between these days (both included, on the Asia/Shanghai calendar); either end open.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FoundWindow {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl FoundWindow {
    /// Reads `from` and `to` (YYYY-MM-DD, 2000–2100), refusing a window that ends before it
    /// starts (naming `to`).
    pub fn parse(from: Option<&str>, to: Option<&str>) -> Result<Self, Invalid> {
        let mut errors = Invalid::default();
        let mut day = |field: &str, raw: Option<&str>| {
            let raw = raw.map(str::trim).filter(|s| !s.is_empty())?;
            errors.keep(parse_date(field, raw).and_then(|d| {
                if (FIRST_YEAR..=LAST_YEAR).contains(&d.year()) {
                    Ok(d)
                } else {
                    Err(Violation::new(field, "error.year_range")
                        .with("first", FIRST_YEAR)
                        .with("last", LAST_YEAR))
                }
            }))
        };
        let from = day("from", from);
        let to = day("to", to);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errors.push(Violation::new("to", "error.window_order"));
        }
        errors.into_result()?;
        Ok(Self { from, to })
    }
}

/// A closed hazard was closed on time when it had no deadline, or was verified and closed
/// (销号) on or before its deadline day, on the local calendar.
pub fn closed_on_time(deadline: Option<NaiveDate>, closed_on: NaiveDate) -> bool {
    deadline.is_none_or(|d| closed_on <= d)
}

/// The share of closed hazards closed on time, in whole percent; none when nothing closed.
pub fn on_time_percent(closed: i64, closed_on_time: i64) -> Option<i64> {
    if closed <= 0 {
        return None;
    }
    let on_time = closed_on_time.clamp(0, closed);
    // Rounded half up, in integers: 2 of 3 is 67 %.
    Some((on_time * 200 + closed) / (closed * 2))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn closing_on_the_deadline_day_is_on_time_and_the_day_after_is_late() {
        assert!(closed_on_time(Some(d("2026-11-30")), d("2026-11-30")));
        assert!(closed_on_time(Some(d("2026-11-30")), d("2026-11-01")));
        assert!(!closed_on_time(Some(d("2026-11-30")), d("2026-12-01")));
        assert!(
            closed_on_time(None, d("2026-12-01")),
            "no deadline, never late"
        );
    }

    #[test]
    fn the_rate_rounds_half_up_and_is_none_without_closings() {
        assert_eq!(on_time_percent(0, 0), None);
        assert_eq!(on_time_percent(3, 2), Some(67));
        assert_eq!(on_time_percent(8, 1), Some(13), "12.5 rounds up");
        assert_eq!(on_time_percent(4, 4), Some(100));
        assert_eq!(on_time_percent(4, 9), Some(100), "never above all");
    }

    #[test]
    fn a_window_names_its_bad_end() {
        assert_eq!(FoundWindow::parse(None, None), Ok(FoundWindow::default()));
        let w = FoundWindow::parse(Some("2026-01-01"), Some(" 2026-12-31 ")).unwrap();
        assert_eq!(
            (w.from, w.to),
            (Some(d("2026-01-01")), Some(d("2026-12-31")))
        );
        let fields = |e: Invalid| {
            e.0.into_iter()
                .map(|v| (v.field, v.key))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            fields(FoundWindow::parse(Some("2026-12-31"), Some("2026-01-01")).unwrap_err()),
            [("to".to_owned(), "error.window_order")]
        );
        assert_eq!(
            fields(FoundWindow::parse(Some("1999-12-31"), Some("2026-13-01")).unwrap_err()),
            [
                ("from".to_owned(), "error.year_range"),
                ("to".to_owned(), "error.date")
            ]
        );
        assert_eq!(
            fields(FoundWindow::parse(None, Some("+262142-01-01")).unwrap_err())[0].0,
            "to"
        );
    }
}
