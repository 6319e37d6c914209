//! Who held a post when (任职). A holding runs from `started_on` (inclusive) to `ended_on`
//! (exclusive: the first day the person no longer holds the post). Replacing a person ends the
//! old holding on the day the new one starts, so on any date exactly the right people hold it,
//! and history is never overwritten (R-PRIN-2).

use crate::invalid::Violation;
use chrono::NaiveDate;

/// A date range of holding a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenure {
    pub started_on: NaiveDate,
    pub ended_on: Option<NaiveDate>,
}

impl Tenure {
    /// Checks that the end is not before the start.
    pub fn new(started_on: NaiveDate, ended_on: Option<NaiveDate>) -> Result<Self, Violation> {
        if let Some(end) = ended_on
            && end < started_on
        {
            return Err(Violation::new("ended_on", "error.end_before_start"));
        }
        Ok(Self {
            started_on,
            ended_on,
        })
    }

    /// Whether the person held the post on `date`.
    pub fn covers(&self, date: NaiveDate) -> bool {
        self.started_on <= date && self.ended_on.is_none_or(|end| date < end)
    }

    /// Ends a current holding on `date` (the successor's first day).
    pub fn end_on(&self, date: NaiveDate) -> Result<Tenure, Violation> {
        if date < self.started_on {
            return Err(Violation::new("started_on", "error.replace_before_start")
                .with("date", self.started_on));
        }
        Ok(Tenure {
            started_on: self.started_on,
            ended_on: Some(date),
        })
    }
}

/// Parses `YYYY-MM-DD` (also `YYYY/MM/DD` and full-width digits, as typed in Chinese offices).
pub fn parse_date(field: &str, raw: &str) -> Result<NaiveDate, Violation> {
    let normal: String = raw
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '/' | '.' | '／' | '－' => '-',
            _ => c,
        })
        .collect();
    NaiveDate::parse_from_str(&normal, "%Y-%m-%d").map_err(|_| Violation::new(field, "error.date"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date("d", s).unwrap()
    }

    #[test]
    fn end_before_start_is_refused() {
        assert_eq!(
            Tenure::new(d("2026-03-01"), Some(d("2026-02-28"))).map_err(|v| v.key),
            Err("error.end_before_start")
        );
        assert!(Tenure::new(d("2026-03-01"), Some(d("2026-03-01"))).is_ok());
        assert!(Tenure::new(d("2026-03-01"), None).is_ok());
    }

    #[test]
    fn replacing_hands_over_on_one_day() {
        let old = Tenure::new(d("2024-01-01"), None).unwrap();
        let ended = old.end_on(d("2026-11-28")).unwrap();
        let new = Tenure::new(d("2026-11-28"), None).unwrap();
        assert!(ended.covers(d("2026-11-27")));
        assert!(!ended.covers(d("2026-11-28")));
        assert!(new.covers(d("2026-11-28")));
        assert!(!new.covers(d("2026-11-27")));
        assert!(old.end_on(d("2023-12-31")).is_err());
    }

    #[test]
    fn dates_as_typed() {
        assert_eq!(d("2026/1/5"), d("2026-01-05"));
        assert_eq!(d("２０２６－０１－０５"), d("2026-01-05"));
        assert_eq!(
            parse_date("ended_on", "2026-02-30").map_err(|v| v.field),
            Err("ended_on".to_owned())
        );
    }
}
