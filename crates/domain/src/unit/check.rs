//! A unit's own checks (R-CAL-2): each working day it checks its key areas, equipment and
//! processes (每天对重点区域、重点设备、重点工艺进行安全检查) from its own grid, and once a
//! month it patrols the whole operation. What it finds enters the hazard ledger as
//! `self_check`, linked back to the check. Only the unit records its own checks: a check is
//! its own word that it looked.

use crate::hazard::input::{HazardInput, NewHazard, ReportRefused};
use crate::hazard::lifecycle::Party;
use crate::inspection::{FindingInput, ItemResult};
use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::tenure::parse_date;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

/// The most items and findings one check holds: a unit's own grid has tens of nodes.
pub const MAX_ITEMS: usize = 200;
pub const MAX_FINDINGS: usize = 50;

crate::closed_set! {
    invalid = "error.check_kind";
    /// Which of the unit's own checks.
    pub enum CheckKind {
        /// 日常检查: the key areas, equipment and processes, each working day.
        Daily = "daily",
        /// 月度巡查: the whole operation, once a month.
        MonthlyPatrol = "monthly_patrol",
    }
}

/// A check as the unit sends it (`POST /api/v1/units/{id}/checks`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CheckRequest)]
pub struct CheckInput {
    /// daily or monthly_patrol
    pub kind: Option<String>,
    /// YYYY-MM-DD: not after today, nor before the unit entered the census.
    pub checked_on: Option<String>,
    /// Who checked (the unit's safety manager, or the person of a node).
    pub checked_by: Option<String>,
    #[serde(default)]
    pub items: Vec<CheckItemInput>,
    /// Findings, each entered in the hazard ledger as the unit's own.
    #[serde(default)]
    pub hazards: Vec<FindingInput>,
    pub note: Option<String>,
}

/// One item as checked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CheckItemRequest)]
pub struct CheckItemInput {
    pub item: Option<String>,
    /// A node of the unit's own grid (a key area, piece of equipment or process).
    pub node_id: Option<i64>,
    /// ok, hazard or na
    pub result: Option<String>,
    pub note: Option<String>,
    /// A photo of the item as found: JPEG, PNG or WebP as base64 (a `data:` URL is taken too).
    /// The web layer takes it in; the rules here do not look at it.
    pub photo: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckedItem {
    pub item: String,
    pub node_id: Option<i64>,
    pub result: ItemResult,
    pub note: Option<String>,
}

/// A checked check, ready to store.
#[derive(Debug, Clone)]
pub struct NewCheck {
    pub kind: CheckKind,
    pub checked_on: NaiveDate,
    pub checked_by: Option<String>,
    pub items: Vec<CheckedItem>,
    pub hazards: Vec<NewHazard>,
    pub note: Option<String>,
}

impl NewCheck {
    /// Checks a check of `unit_id` recorded by `party` on `today` for a unit in the census
    /// since `since`, every fault at once (findings' faults named `hazards[i].field`).
    pub fn parse(
        input: &CheckInput,
        unit_id: i64,
        party: Party,
        today: NaiveDate,
        since: NaiveDate,
    ) -> Result<Self, ReportRefused> {
        if party != Party::Unit {
            return Err(ReportRefused::NotAReporter);
        }
        let mut e = Invalid::default();
        let kind = e.keep(CheckKind::parse(
            "kind",
            input.kind.as_deref().unwrap_or_default(),
        ));
        let checked_on = match input.checked_on.as_deref().map(str::trim) {
            None | Some("") => {
                e.push(Violation::new("checked_on", "error.required"));
                None
            }
            Some(raw) => e.keep(parse_date("checked_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("checked_on", "error.future_date"))
                } else if d < since {
                    Err(Violation::new("checked_on", "error.before_unit").with("date", since))
                } else {
                    Ok(d)
                }
            })),
        };
        let checked_by = e.keep(optional_text("checked_by", input.checked_by.as_deref(), 40));
        let note = e.keep(optional_text("note", input.note.as_deref(), 2000));
        if input.items.len() > MAX_ITEMS {
            e.push(Violation::new("items", "error.too_many").with("max", MAX_ITEMS));
        }
        let mut items = Vec::new();
        for (i, item) in input.items.iter().take(MAX_ITEMS).enumerate() {
            let text = e.keep(
                required_text("item", item.item.as_deref().unwrap_or_default(), 200)
                    .map_err(|v| v.at(format!("items[{i}].item"))),
            );
            let result = e.keep(
                ItemResult::parse("result", item.result.as_deref().unwrap_or_default())
                    .map_err(|v| v.at(format!("items[{i}].result"))),
            );
            let note = e.keep(
                optional_text("note", item.note.as_deref(), 500)
                    .map_err(|v| v.at(format!("items[{i}].note"))),
            );
            if let (Some(item_text), Some(result), Some(note)) = (text, result, note) {
                items.push(CheckedItem {
                    item: item_text,
                    node_id: item.node_id,
                    result,
                    note,
                });
            }
        }
        if input.hazards.len() > MAX_FINDINGS {
            e.push(Violation::new("hazards", "error.too_many").with("max", MAX_FINDINGS));
        }
        let mut hazards = Vec::new();
        for (i, finding) in input.hazards.iter().take(MAX_FINDINGS).enumerate() {
            let report = HazardInput {
                unit_id: Some(unit_id),
                source: Some("self_check".to_owned()),
                level: finding.level.clone(),
                description: finding.description.clone(),
                deadline: finding.deadline.clone(),
                category: finding.category.clone(),
                place: finding.place.clone(),
                responsible_person: finding.responsible_person.clone(),
                found_by: input.checked_by.clone().filter(|s| !s.trim().is_empty()),
                ..HazardInput::default()
            };
            match NewHazard::parse(&report, party, today) {
                Ok(h) => hazards.push(h),
                Err(ReportRefused::NotAReporter) => return Err(ReportRefused::NotAReporter),
                Err(ReportRefused::Invalid(faults)) => {
                    for v in faults.0 {
                        let field = format!("hazards[{i}].{}", v.field);
                        e.push(v.at(field));
                    }
                }
            }
        }
        e.into_result()?;
        match (kind, checked_on, checked_by, note) {
            (Some(kind), Some(checked_on), Some(checked_by), Some(note)) => Ok(NewCheck {
                kind,
                checked_on,
                checked_by,
                items,
                hazards,
                note,
            }),
            _ => Err(ReportRefused::Invalid(Invalid::from(Violation::new(
                "checked_on",
                "error.required",
            )))),
        }
    }
}

/// The days of the week a unit works (Monday first), as the unit sets them: a closed day owes
/// no daily check. Written `1111100` (Monday to Friday), the default.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkingDays(u8);

impl Default for WorkingDays {
    fn default() -> Self {
        WorkingDays(0b001_1111)
    }
}

impl WorkingDays {
    /// Seven `1`/`0` characters, Monday first, at least one working day.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let raw = raw.trim();
        if raw.len() != 7 || !raw.bytes().all(|b| b == b'0' || b == b'1') {
            return Err(Violation::new(field, "error.working_days"));
        }
        let bits = raw
            .bytes()
            .enumerate()
            .fold(0u8, |bits, (i, b)| bits | (u8::from(b == b'1') << i));
        if bits == 0 {
            return Err(Violation::new(field, "error.working_days"));
        }
        Ok(WorkingDays(bits))
    }

    /// As stored: `1111100`.
    pub fn code(self) -> String {
        (0..7)
            .map(|i| if self.0 & (1 << i) != 0 { '1' } else { '0' })
            .collect()
    }

    pub fn works_on(self, day: NaiveDate) -> bool {
        self.0 & (1 << day.weekday().num_days_from_monday()) != 0
    }
}

/// The days of one month a unit checked, as the bits of a number (bit 0 = the 1st): the
/// rollup kept beside the checks, one row per unit and month, so a month's or the last 30
/// days' daily duties are read from a few thousand small rows, not from every check.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CheckedDays(pub i64);

impl CheckedDays {
    /// The bit of a day in its month.
    pub fn bit(day: NaiveDate) -> i64 {
        1 << (day.day0())
    }

    pub fn has(self, day: NaiveDate) -> bool {
        self.0 & CheckedDays::bit(day) != 0
    }
}

/// The month key of a day in the rollup: `2026-12`.
pub fn month_key(day: NaiveDate) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn input(kind: &str, on: &str) -> CheckInput {
        CheckInput {
            kind: Some(kind.into()),
            checked_on: Some(on.into()),
            checked_by: Some("何晓燕".into()),
            items: vec![CheckItemInput {
                item: Some("配电箱".into()),
                node_id: Some(3),
                result: Some("ok".into()),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn a_unit_records_its_own_check_and_nobody_else_does() {
        let today = day("2026-12-03");
        let since = day("2025-01-01");
        let ok =
            NewCheck::parse(&input("daily", "2026-12-03"), 7, Party::Unit, today, since).unwrap();
        assert_eq!(ok.kind, CheckKind::Daily);
        assert_eq!(ok.items[0].node_id, Some(3));
        for party in [
            Party::Supervisor,
            Party::County,
            Party::Village,
            Party::Reader,
        ] {
            assert!(matches!(
                NewCheck::parse(&input("daily", "2026-12-03"), 7, party, today, since),
                Err(ReportRefused::NotAReporter)
            ));
        }
    }

    #[test]
    fn bad_checks_name_their_fields() {
        let today = day("2026-12-03");
        let since = day("2026-06-01");
        let fault = |i: CheckInput| match NewCheck::parse(&i, 7, Party::Unit, today, since) {
            Err(ReportRefused::Invalid(e)) => {
                e.0.iter().map(|v| v.field.clone()).collect::<Vec<_>>()
            }
            other => panic!("{other:?}"),
        };
        assert_eq!(fault(input("weekly", "2026-12-03")), ["kind"]);
        assert_eq!(
            fault(input("daily", "2026-12-04")),
            ["checked_on"],
            "in the future"
        );
        assert_eq!(
            fault(input("daily", "2026-05-31")),
            ["checked_on"],
            "before the unit"
        );
        assert_eq!(fault(input("daily", "2026-02-30")), ["checked_on"]);
        let mut bad_item = input("daily", "2026-12-03");
        bad_item.items[0].result = Some("maybe".into());
        bad_item.items.push(CheckItemInput::default());
        assert_eq!(
            fault(bad_item),
            ["items[0].result", "items[1].item", "items[1].result"]
        );
        let mut finding = input("daily", "2026-12-03");
        finding.hazards.push(FindingInput {
            level: Some("general".into()),
            deadline: Some("2026-12-10".into()),
            ..Default::default()
        });
        assert_eq!(fault(finding), ["hazards[0].description"]);
    }

    #[test]
    fn working_days_are_seven_flags_monday_first() {
        let weekdays = WorkingDays::default();
        assert_eq!(weekdays.code(), "1111100");
        assert!(weekdays.works_on(day("2026-12-04")), "a Friday");
        assert!(!weekdays.works_on(day("2026-12-05")), "a Saturday");
        let shop = WorkingDays::parse("working_days", "1111111").unwrap();
        assert!(shop.works_on(day("2026-12-06")));
        for bad in ["111110", "11111000", "0000000", "111x100", ""] {
            assert!(WorkingDays::parse("working_days", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_months_checked_days_are_its_bits() {
        let mut days = CheckedDays::default();
        days.0 |= CheckedDays::bit(day("2026-12-01")) | CheckedDays::bit(day("2026-12-31"));
        assert!(days.has(day("2026-12-01")) && days.has(day("2026-12-31")));
        assert!(!days.has(day("2026-12-02")));
        assert_eq!(month_key(day("2026-12-31")), "2026-12");
    }
}
