//! Inspections (执法检查, R-CAL-1, R-LED-5): a town or department visits a unit, walks a
//! checklist, and records what it found; each finding enters the hazard ledger with source
//! `inspection`. An enforcement inspection (执法检查) needs at least two inspectors (Law on
//! Administrative Penalties Art. 42).

pub mod checklist;
pub mod document;

use crate::hazard::input::{HazardInput, NewHazard, ReportRefused};
use crate::hazard::lifecycle::Party;
use crate::invalid::{Invalid, Violation, optional_text, required_text};
use crate::tenure::parse_date;
use chrono::NaiveDate;
use serde::Deserialize;

/// The most inspectors, checklist items and findings one inspection holds: a whole-plant
/// inspection of a chemical works runs to a few hundred items, never thousands.
pub const MAX_INSPECTORS: usize = 20;
pub const MAX_ITEMS: usize = 500;
pub const MAX_FINDINGS: usize = 100;
pub const MAX_DOCUMENTS: usize = 10;
/// No inspection is dated before the system's calendar starts.
const EARLIEST: NaiveDate = match NaiveDate::from_ymd_opt(2000, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

crate::closed_set! {
    invalid = "error.inspection_result";
    /// What an inspector found at one checklist item.
    pub enum ItemResult {
        /// 符合: nothing wrong.
        Ok = "ok",
        /// 存在隐患: a finding, recorded as a hazard.
        Hazard = "hazard",
        /// 不适用: the item does not apply to this unit.
        Na = "na",
    }
}

/// An inspection as a client sends it (`POST /api/v1/inspections`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = InspectionRequest)]
pub struct InspectionInput {
    pub unit_id: Option<i64>,
    /// YYYY-MM-DD, not after today.
    pub inspected_on: Option<String>,
    /// The inspectors' names: at least one, two for an enforcement inspection.
    #[serde(default)]
    pub inspectors: Vec<String>,
    /// An enforcement inspection (执法检查) by law-enforcement officers.
    pub enforcement: Option<bool>,
    /// A county account recording a department's inspection: the department.
    pub department_id: Option<i64>,
    #[serde(default)]
    pub items: Vec<ItemInput>,
    /// Findings, each entered in the hazard ledger.
    #[serde(default)]
    pub hazards: Vec<FindingInput>,
    /// Enforcement documents issued on the spot, numbered with the inspection.
    #[serde(default)]
    pub documents: Vec<document::DocumentInput>,
    pub summary: Option<String>,
}

/// One checklist item as inspected.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = InspectionItemRequest)]
pub struct ItemInput {
    /// The checklist item's id, when it came from the county's checklist.
    pub checklist_item_id: Option<i64>,
    pub item: Option<String>,
    /// ok, hazard or na
    pub result: Option<String>,
    pub note: Option<String>,
}

/// A finding, reported as a hazard of the inspected unit.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = InspectionFindingRequest)]
pub struct FindingInput {
    pub description: Option<String>,
    /// general or major
    pub level: Option<String>,
    /// YYYY-MM-DD: by when the unit rectifies it.
    pub deadline: Option<String>,
    pub category: Option<String>,
    pub place: Option<String>,
    pub responsible_person: Option<String>,
}

/// A checked checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct InspectedItem {
    pub checklist_item_id: Option<i64>,
    pub item: String,
    pub result: ItemResult,
    pub note: Option<String>,
}

/// A checked inspection, ready to store.
#[derive(Debug, Clone)]
pub struct NewInspection {
    pub unit_id: i64,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<String>,
    pub enforcement: bool,
    pub department_id: Option<i64>,
    pub items: Vec<InspectedItem>,
    pub hazards: Vec<NewHazard>,
    pub documents: Vec<document::NewDocument>,
    pub summary: Option<String>,
}

impl NewInspection {
    /// Checks an inspection recorded by `party` on `today`, every fault at once; the findings
    /// are checked as hazard reports of the unit with source `inspection`, their faults named
    /// `hazards[i].field`.
    pub fn parse(
        input: &InspectionInput,
        party: Party,
        today: NaiveDate,
    ) -> Result<Self, ReportRefused> {
        if !matches!(party, Party::Supervisor | Party::County) {
            return Err(ReportRefused::NotAReporter);
        }
        let mut e = Invalid::default();
        let unit_id = input.unit_id;
        if unit_id.is_none() {
            e.push(Violation::new("unit_id", "error.required"));
        }
        let inspected_on = match input.inspected_on.as_deref().map(str::trim) {
            None | Some("") => {
                e.push(Violation::new("inspected_on", "error.required"));
                None
            }
            Some(raw) => e.keep(parse_date("inspected_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("inspected_on", "error.future_date"))
                } else if d < EARLIEST {
                    Err(Violation::new("inspected_on", "error.date"))
                } else {
                    Ok(d)
                }
            })),
        };
        let enforcement = input.enforcement.unwrap_or(false);
        let inspectors = parse_inspectors(&mut e, &input.inspectors, enforcement);
        if input.items.len() > MAX_ITEMS {
            e.push(Violation::new("items", "error.too_many").with("max", MAX_ITEMS));
        }
        let items: Vec<InspectedItem> = input
            .items
            .iter()
            .take(MAX_ITEMS)
            .enumerate()
            .filter_map(|(i, item)| parse_item(&mut e, i, item))
            .collect();
        if input.hazards.len() > MAX_FINDINGS {
            e.push(Violation::new("hazards", "error.too_many").with("max", MAX_FINDINGS));
        }
        let mut hazards = Vec::new();
        for (i, finding) in input.hazards.iter().take(MAX_FINDINGS).enumerate() {
            let report = HazardInput {
                unit_id: Some(unit_id.unwrap_or(0)),
                source: Some("inspection".to_owned()),
                level: finding.level.clone(),
                description: finding.description.clone(),
                deadline: finding.deadline.clone(),
                category: finding.category.clone(),
                place: finding.place.clone(),
                responsible_person: finding.responsible_person.clone(),
                found_by: Some(inspectors.join("、")).filter(|s| !s.is_empty()),
                ..HazardInput::default()
            };
            match NewHazard::parse(&report, party, today) {
                Ok(h) => hazards.push(h),
                Err(ReportRefused::NotAReporter) => return Err(ReportRefused::NotAReporter),
                Err(ReportRefused::Invalid(faults)) => {
                    for v in faults.0 {
                        e.push(Violation {
                            field: format!("hazards[{i}].{}", v.field),
                            ..v
                        });
                    }
                }
            }
        }
        if input.documents.len() > MAX_DOCUMENTS {
            e.push(Violation::new("documents", "error.too_many").with("max", MAX_DOCUMENTS));
        }
        let mut documents = Vec::new();
        for (i, raw) in input.documents.iter().take(MAX_DOCUMENTS).enumerate() {
            match document::NewDocument::parse(raw, inspected_on.unwrap_or(EARLIEST), today) {
                Ok(d) => documents.push(d),
                Err(faults) => {
                    for v in faults.0 {
                        e.push(Violation {
                            field: format!("documents[{i}].{}", v.field),
                            ..v
                        });
                    }
                }
            }
        }
        let summary = e
            .keep(optional_text("summary", input.summary.as_deref(), 2000))
            .flatten();
        e.into_result()?;
        Ok(Self {
            unit_id: unit_id.unwrap_or_default(),
            inspected_on: inspected_on.unwrap_or(today),
            inspectors,
            enforcement,
            department_id: input.department_id,
            items,
            hazards,
            documents,
            summary,
        })
    }
}

fn parse_inspectors(e: &mut Invalid, raw: &[String], enforcement: bool) -> Vec<String> {
    if raw.len() > MAX_INSPECTORS {
        e.push(Violation::new("inspectors", "error.too_many").with("max", MAX_INSPECTORS));
        return Vec::new();
    }
    let mut names: Vec<String> = Vec::new();
    let mut faulty = false;
    for (i, name) in raw.iter().enumerate() {
        match required_text(&format!("inspectors[{i}]"), name, 40) {
            // The same person named twice is one inspector.
            Ok(name) if names.contains(&name) => {}
            Ok(name) => names.push(name),
            Err(v) => {
                faulty = true;
                e.push(v);
            }
        }
    }
    let needed = if enforcement { 2 } else { 1 };
    if names.len() < needed && !faulty {
        e.push(Violation::new("inspectors", "error.inspectors_needed").with("min", needed));
    }
    names
}

fn parse_item(e: &mut Invalid, i: usize, item: &ItemInput) -> Option<InspectedItem> {
    let text = e.keep(required_text(
        &format!("items[{i}].item"),
        item.item.as_deref().unwrap_or_default(),
        200,
    ));
    let result = e.keep(ItemResult::parse(
        &format!("items[{i}].result"),
        item.result.as_deref().unwrap_or_default(),
    ));
    let note = e
        .keep(optional_text(
            &format!("items[{i}].note"),
            item.note.as_deref(),
            500,
        ))
        .flatten();
    Some(InspectedItem {
        checklist_item_id: item.checklist_item_id,
        item: text?,
        result: result?,
        note,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn good() -> InspectionInput {
        InspectionInput {
            unit_id: Some(5),
            inspected_on: Some("2026-12-01".into()),
            inspectors: vec!["王伟".into()],
            items: vec![ItemInput {
                item: Some("疏散通道畅通".into()),
                result: Some("hazard".into()),
                note: Some("堆放杂物".into()),
                ..ItemInput::default()
            }],
            hazards: vec![FindingInput {
                description: Some("疏散通道堆放杂物".into()),
                level: Some("general".into()),
                deadline: Some("2026-12-10".into()),
                ..FindingInput::default()
            }],
            ..InspectionInput::default()
        }
    }

    fn fields(input: &InspectionInput) -> Vec<String> {
        match NewInspection::parse(input, Party::Supervisor, today()) {
            Err(ReportRefused::Invalid(e)) => e.0.into_iter().map(|v| v.field).collect(),
            Err(ReportRefused::NotAReporter) => vec!["forbidden".into()],
            Ok(_) => Vec::new(),
        }
    }

    #[test]
    fn a_whole_inspection_is_taken_with_its_finding_as_an_inspection_hazard() {
        let n = NewInspection::parse(&good(), Party::Supervisor, today()).unwrap();
        assert_eq!(n.unit_id, 5);
        assert_eq!(n.items[0].result, ItemResult::Hazard);
        assert_eq!(n.hazards.len(), 1);
        assert_eq!(n.hazards[0].source.as_str(), "inspection");
        assert_eq!(n.hazards[0].found_by.as_deref(), Some("王伟"));
    }

    #[test]
    fn every_fault_is_named_at_once() {
        let input = InspectionInput {
            unit_id: None,
            inspected_on: Some("2026-12-03".into()),
            inspectors: vec![],
            items: vec![ItemInput {
                item: Some("x".into()),
                result: Some("maybe".into()),
                ..ItemInput::default()
            }],
            hazards: vec![FindingInput {
                description: None,
                level: Some("general".into()),
                deadline: Some("2026-12-10".into()),
                ..FindingInput::default()
            }],
            ..InspectionInput::default()
        };
        assert_eq!(
            fields(&input),
            [
                "unit_id",
                "inspected_on",
                "inspectors",
                "items[0].result",
                "hazards[0].description"
            ]
        );
    }

    #[test]
    fn an_enforcement_inspection_needs_two_different_inspectors() {
        let mut input = InspectionInput {
            enforcement: Some(true),
            ..good()
        };
        assert_eq!(fields(&input), ["inspectors"]);
        input.inspectors = vec!["王伟".into(), "王伟".into()];
        assert_eq!(fields(&input), ["inspectors"]);
        input.inspectors = vec!["王伟".into(), "李娜".into()];
        assert!(fields(&input).is_empty());
    }

    #[test]
    fn dates_names_and_sizes_out_of_range_are_refused() {
        let cases: Vec<(InspectionInput, &str)> = vec![
            (
                InspectionInput {
                    inspected_on: Some("1999-12-31".into()),
                    ..good()
                },
                "inspected_on",
            ),
            (
                InspectionInput {
                    inspected_on: Some("2026-02-30".into()),
                    ..good()
                },
                "inspected_on",
            ),
            (
                InspectionInput {
                    inspected_on: Some("\0".into()),
                    ..good()
                },
                "inspected_on",
            ),
            (
                InspectionInput {
                    inspectors: vec!["张".repeat(41)],
                    ..good()
                },
                "inspectors[0]",
            ),
            (
                InspectionInput {
                    inspectors: vec!["x".into(); 21],
                    ..good()
                },
                "inspectors",
            ),
            (
                InspectionInput {
                    items: vec![good().items[0].clone(); MAX_ITEMS + 1],
                    ..good()
                },
                "items",
            ),
            (
                InspectionInput {
                    summary: Some("长".repeat(2001)),
                    ..good()
                },
                "summary",
            ),
        ];
        for (input, field) in cases {
            assert_eq!(fields(&input), [field]);
        }
    }

    #[test]
    fn only_supervisors_and_the_county_record_inspections() {
        for party in [Party::Unit, Party::Village, Party::Reader] {
            assert!(matches!(
                NewInspection::parse(&good(), party, today()),
                Err(ReportRefused::NotAReporter)
            ));
        }
        assert!(NewInspection::parse(&good(), Party::County, today()).is_ok());
    }
}
