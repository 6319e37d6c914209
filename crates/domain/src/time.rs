//! Time: stored in UTC, shown and reckoned in China Standard Time.
//!
//! Asia/Shanghai has been a fixed UTC+8 without daylight saving since 1991, so a fixed offset
//! is exact for every date this system records and avoids shipping a time-zone database.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

/// UTC+8, the offset of Asia/Shanghai (checked when compiling: the match runs in a const).
pub const CHINA: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    None => panic!("UTC+8 is a valid offset"),
};

/// The calendar date in China at the given instant: duties and tenures follow this calendar.
pub fn local_date(at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&CHINA).date_naive()
}

/// Today in China.
pub fn today() -> NaiveDate {
    local_date(Utc::now())
}

/// The instant a day starts in China, as UTC: where a filter "from D" begins.
pub fn start_of_local_day(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    (midnight - chrono::Duration::seconds(i64::from(CHINA.local_minus_utc()))).and_utc()
}

/// `YYYY-MM-DD HH:MM` in China time, for screens and exports.
pub fn format_local(at: DateTime<Utc>) -> String {
    at.with_timezone(&CHINA)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

/// An instant as a client or a form gives it: RFC 3339 with its offset
/// (`2026-05-01T08:30:00+08:00`, `…Z`), or a China-time `YYYY-MM-DD HH:MM[:SS]` (a `T` between
/// them too, as a browser's `datetime-local` field sends it).
pub fn parse_instant(field: &str, raw: &str) -> Result<DateTime<Utc>, crate::Violation> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(crate::Violation::new(field, "error.required"));
    }
    if let Ok(at) = DateTime::parse_from_rfc3339(raw) {
        return Ok(at.with_timezone(&Utc));
    }
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| chrono::NaiveDateTime::parse_from_str(raw, format).ok())
    .and_then(|local| local.and_local_timezone(CHINA).single())
    .map(|at| at.with_timezone(&Utc))
    .ok_or_else(|| crate::Violation::new(field, "error.instant"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_with_an_offset_or_in_china_time() {
        let eight_utc = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 5, 1, 0, 30, 0).unwrap();
        for raw in [
            "2026-05-01T08:30:00+08:00",
            "2026-05-01T00:30:00Z",
            "2026-05-01T08:30",
            "2026-05-01 08:30:00",
        ] {
            assert_eq!(parse_instant("at", raw), Ok(eight_utc), "{raw}");
        }
        for raw in ["2026-05-01", "08:30", "2026-13-01T08:30", "\u{0}"] {
            assert_eq!(
                parse_instant("at", raw).map_err(|e| e.key),
                Err("error.instant"),
                "{raw}"
            );
        }
        assert_eq!(
            parse_instant("at", " ").map_err(|e| e.key),
            Err("error.required")
        );
    }

    #[test]
    fn a_local_day_starts_at_sixteen_hundred_utc_the_day_before() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        assert_eq!(
            start_of_local_day(day).to_rfc3339(),
            "2026-12-01T16:00:00+00:00"
        );
        assert_eq!(local_date(start_of_local_day(day)), day);
    }
    use chrono::TimeZone;

    #[test]
    fn the_local_day_starts_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 12, 31, 15, 59, 59).single();
        let after = Utc.with_ymd_and_hms(2026, 12, 31, 16, 0, 0).single();
        assert_eq!(
            before.map(local_date),
            NaiveDate::from_ymd_opt(2026, 12, 31)
        );
        assert_eq!(after.map(local_date), NaiveDate::from_ymd_opt(2027, 1, 1));
        assert_eq!(after.map(format_local).as_deref(), Some("2027-01-01 00:00"));
    }
}
