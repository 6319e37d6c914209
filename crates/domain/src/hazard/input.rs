//! What a request may ask of the hazard ledger, as received ([`HazardInput`],
//! [`TransitionInput`]) and as parsed ([`NewHazard`], [`HazardChange`]). Parsing collects every
//! violation at once; the store takes only parsed values and adds the checks that need the
//! database (the unit in scope, the department of the county).

use super::lifecycle::{Action, Party, State, initial_state, may_report};
use super::{HazardLevel, HazardSource};
use crate::geo::Location;
use crate::invalid::{Invalid, Violation, optional_amount, optional_text, required_text};
use crate::region::{RegionCode, RegionLevel};
use crate::tenure::parse_date;
use chrono::NaiveDate;
use serde::Deserialize;

/// A hazard report as a form, the API or the phone page sends it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct HazardInput {
    pub unit_id: Option<i64>,
    /// A unit not in the census, described by the reporter (name, what it does, where).
    pub unregistered_unit: Option<String>,
    /// The village where it was found (12 digits); taken from the unit when there is one.
    pub region: Option<String>,
    /// Where in the unit: a node of its own grid.
    pub node_id: Option<i64>,
    pub place: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    /// self_check, inspection, village_report, public_report
    pub source: Option<String>,
    /// general or major
    pub level: Option<String>,
    pub category: Option<String>,
    pub description: Option<String>,
    pub found_by: Option<String>,
    pub responsible_person: Option<String>,
    /// YYYY-MM-DD; needed at once for hazards rectified from the start.
    pub deadline: Option<String>,
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
    /// Made known to the workers (Safety Law Art. 41).
    pub made_known: Option<bool>,
}

/// Where a reported hazard is.
#[derive(Debug, Clone, PartialEq)]
pub enum Subject {
    /// A unit of the census (its village is the unit's).
    Unit(i64),
    /// A unit not in the census, described by the reporter, in a village it names.
    Unregistered {
        description: String,
        village: RegionCode,
    },
}

/// A checked hazard report.
#[derive(Debug, Clone, PartialEq)]
pub struct NewHazard {
    pub subject: Subject,
    pub node_id: Option<i64>,
    pub place: Option<String>,
    pub location: Option<Location>,
    pub source: HazardSource,
    pub level: HazardLevel,
    pub category: Option<String>,
    pub description: String,
    pub found_by: Option<String>,
    pub responsible_person: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
    pub made_known: bool,
    /// Where it starts in its life, from its source and level.
    pub initial: State,
}

/// Why a report cannot be taken.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportRefused {
    /// The party reports nothing at all (a reader): the request is forbidden, not invalid.
    NotAReporter,
    Invalid(Invalid),
}

impl From<Invalid> for ReportRefused {
    fn from(e: Invalid) -> Self {
        Self::Invalid(e)
    }
}

impl NewHazard {
    /// Checks a report made by `party` on `today` (the local date).
    pub fn parse(
        input: &HazardInput,
        party: Party,
        today: NaiveDate,
    ) -> Result<Self, ReportRefused> {
        let mut e = Invalid::default();
        let source = e.keep(HazardSource::parse(
            "source",
            input.source.as_deref().unwrap_or_default(),
        ));
        let level = e.keep(HazardLevel::parse(
            "level",
            input.level.as_deref().unwrap_or_default(),
        ));
        let description = e.keep(required_text(
            "description",
            input.description.as_deref().unwrap_or_default(),
            2000,
        ));
        let category = e.keep(optional_text("category", input.category.as_deref(), 40));
        let place = e.keep(optional_text("place", input.place.as_deref(), 100));
        let found_by = e.keep(optional_text("found_by", input.found_by.as_deref(), 40));
        let responsible = e.keep(optional_text(
            "responsible_person",
            input.responsible_person.as_deref(),
            40,
        ));
        let measures = e.keep(optional_text("measures", input.measures.as_deref(), 2000));
        let unregistered = e.keep(optional_text(
            "unregistered_unit",
            input.unregistered_unit.as_deref(),
            200,
        ));
        let deadline = e.keep(deadline_from("deadline", input.deadline.as_deref(), today));
        let cost_yuan = e.keep(optional_amount("cost_yuan", input.cost_yuan));
        let location = e.keep(Location::parse(input.longitude, input.latitude));
        if let Some(s) = source
            && !may_report(party, s)
        {
            if party == Party::Reader {
                return Err(ReportRefused::NotAReporter);
            }
            e.push(Violation::new("source", "error.hazard_source_role"));
        }
        let initial = match (source, level) {
            (Some(s), Some(l)) => Some(initial_state(s, l)),
            _ => None,
        };
        if initial == Some(State::Rectifying) && deadline == Some(None) {
            e.push(Violation::new("deadline", "error.required"));
        }
        let subject = subject_of(&mut e, input.unit_id, unregistered, input.region.as_deref());
        e.into_result()?;
        match (
            subject,
            source,
            level,
            description,
            category,
            place,
            found_by,
            responsible,
            measures,
            deadline,
            cost_yuan,
            location,
            initial,
        ) {
            (
                Some(subject),
                Some(source),
                Some(level),
                Some(description),
                Some(category),
                Some(place),
                Some(found_by),
                Some(responsible_person),
                Some(measures),
                Some(deadline),
                Some(cost_yuan),
                Some(location),
                Some(initial),
            ) => Ok(Self {
                subject,
                node_id: input.node_id,
                place,
                location,
                source,
                level,
                category,
                description,
                found_by,
                responsible_person,
                deadline,
                measures,
                cost_yuan,
                made_known: input.made_known.unwrap_or(false),
                initial,
            }),
            // Every `None` above pushed its violation, so this is not reached.
            _ => Err(Invalid::one("body", "error.body_unreadable").into()),
        }
    }
}

/// Where a report is: the census unit given, or else an unregistered site described (the
/// checked `unregistered` text) in the village `region` names; each fault is pushed to `e`.
pub(crate) fn subject_of(
    e: &mut Invalid,
    unit_id: Option<i64>,
    unregistered: Option<Option<String>>,
    region: Option<&str>,
) -> Option<Subject> {
    match (unit_id, unregistered.clone().flatten()) {
        (Some(unit), _) => Some(Subject::Unit(unit)),
        (None, Some(description)) => {
            e.keep(village("region", region))
                .map(|village| Subject::Unregistered {
                    description,
                    village,
                })
        }
        (None, None) => {
            if unregistered.is_some() {
                e.push(Violation::new("unit_id", "error.unit_or_description"));
            }
            None
        }
    }
}

/// A village code given for a place outside the census.
fn village(field: &str, raw: Option<&str>) -> Result<RegionCode, Violation> {
    let raw = raw
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Violation::new(field, "error.required"))?;
    let code = RegionCode::parse(field, raw)?;
    if code.level() == RegionLevel::Village {
        Ok(code)
    } else {
        Err(Violation::new(field, "error.unit_region_village"))
    }
}

/// A deadline, if given: a date not before `today`.
pub fn deadline_from(
    field: &str,
    raw: Option<&str>,
    today: NaiveDate,
) -> Result<Option<NaiveDate>, Violation> {
    match raw.map(str::trim).filter(|r| !r.is_empty()) {
        None => Ok(None),
        Some(raw) => {
            let d = parse_date(field, raw)?;
            if d < today {
                Err(Violation::new(field, "error.past_date"))
            } else {
                Ok(Some(d))
            }
        }
    }
}

/// The six parts of a major hazard's rectification plan (Art. 15).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// 治理的目标和任务
    pub goals: Option<String>,
    /// 采取的方法和措施
    pub methods: Option<String>,
    /// 经费和物资的落实
    pub funds: Option<String>,
    /// 负责治理的机构和人员
    pub organisation: Option<String>,
    /// 治理的时限和要求
    pub timeline: Option<String>,
    /// 安全措施和应急预案
    pub safety_measures: Option<String>,
}

/// An action on a hazard with what it brings.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// accept, reject, refer, submit_plan, list, complete, submit_assessment,
    /// apply_resumption, verify, return
    pub action: Option<String>,
    /// Why (required to reject, return or refer).
    pub comment: Option<String>,
    /// accept: the rectification deadline (YYYY-MM-DD), if not set already.
    pub deadline: Option<String>,
    /// accept: who rectifies.
    pub responsible_person: Option<String>,
    /// accept: the registered unit a village's report turned out to be about.
    pub unit_id: Option<i64>,
    /// refer: the department taking it over.
    pub department_id: Option<i64>,
    /// submit_plan: the six parts.
    pub plan: Option<PlanInput>,
    /// complete: what was done, and what it cost.
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
}

/// The fields of a plan, in the order of Art. 15.
pub const PLAN_PARTS: [&str; 6] = [
    "goals",
    "methods",
    "funds",
    "organisation",
    "timeline",
    "safety_measures",
];

/// A checked action: only the fields the action takes are kept.
#[derive(Debug, Clone, PartialEq)]
pub struct HazardChange {
    pub action: Action,
    pub comment: Option<String>,
    /// accept
    pub deadline: Option<NaiveDate>,
    pub responsible_person: Option<String>,
    pub unit_id: Option<i64>,
    /// refer
    pub department_id: Option<i64>,
    /// submit_plan, in the order of [`PLAN_PARTS`]
    pub plan: Option<[String; 6]>,
    /// complete, submit_assessment
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
}

impl TransitionInput {
    /// The action asked for (checked first: what is refused depends on it).
    pub fn action(&self) -> Result<Action, Violation> {
        Action::parse("action", self.action.as_deref().unwrap_or_default())
    }
}

impl HazardChange {
    /// Checks the fields of `action`. `has_deadline` says whether the hazard already has one
    /// (accepting needs a deadline, set now or before).
    pub fn parse(
        action: Action,
        input: &TransitionInput,
        has_deadline: bool,
        today: NaiveDate,
    ) -> Result<Self, Invalid> {
        let mut e = Invalid::default();
        let comment = e
            .keep(optional_text("comment", input.comment.as_deref(), 500))
            .flatten();
        if action.needs_reason() && comment.is_none() {
            e.push(Violation::new("comment", "error.reason_required"));
        }
        let deadline = e
            .keep(deadline_from("deadline", input.deadline.as_deref(), today))
            .flatten();
        let mut change = Self {
            action,
            comment,
            deadline: None,
            responsible_person: None,
            unit_id: None,
            department_id: None,
            plan: None,
            measures: None,
            cost_yuan: None,
        };
        match action {
            Action::Accept => {
                if deadline.is_none() && !has_deadline {
                    e.push(Violation::new("deadline", "error.required"));
                }
                change.deadline = deadline;
                change.responsible_person = e
                    .keep(optional_text(
                        "responsible_person",
                        input.responsible_person.as_deref(),
                        40,
                    ))
                    .flatten();
                change.unit_id = input.unit_id;
            }
            Action::Refer => match input.department_id {
                None => e.push(Violation::new("department_id", "error.required")),
                Some(d) => change.department_id = Some(d),
            },
            Action::Complete | Action::SubmitAssessment => {
                change.measures = e
                    .keep(optional_text("measures", input.measures.as_deref(), 2000))
                    .flatten();
                change.cost_yuan = e
                    .keep(optional_amount("cost_yuan", input.cost_yuan))
                    .flatten();
            }
            Action::SubmitPlan => {
                let p = input.plan.clone().unwrap_or_default();
                let values = [
                    &p.goals,
                    &p.methods,
                    &p.funds,
                    &p.organisation,
                    &p.timeline,
                    &p.safety_measures,
                ];
                let parts: Vec<Option<String>> = PLAN_PARTS
                    .iter()
                    .zip(values)
                    .map(|(field, v)| {
                        e.keep(required_text(
                            &format!("plan.{field}"),
                            v.as_deref().unwrap_or_default(),
                            2000,
                        ))
                    })
                    .collect();
                let parts: Option<Vec<String>> = parts.into_iter().collect();
                change.plan = parts.and_then(|p| p.try_into().ok());
            }
            Action::List
            | Action::Verify
            | Action::Reject
            | Action::ApplyResumption
            | Action::Return => {}
        }
        e.into_result().map(|()| change)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn fields(e: &Invalid) -> Vec<&str> {
        e.0.iter().map(|v| v.field.as_str()).collect()
    }

    fn report() -> HazardInput {
        HazardInput {
            unit_id: Some(7),
            source: Some("self_check".into()),
            level: Some("general".into()),
            description: Some("配电箱门未关".into()),
            deadline: Some("2026-12-10".into()),
            ..Default::default()
        }
    }

    #[test]
    fn a_units_own_general_finding_is_rectified_at_once() {
        let h = NewHazard::parse(&report(), Party::Unit, today()).unwrap();
        assert_eq!(h.subject, Subject::Unit(7));
        assert_eq!(h.initial, State::Rectifying);
        assert_eq!(h.deadline, NaiveDate::from_ymd_opt(2026, 12, 10));
    }

    #[test]
    fn every_fault_of_a_report_is_named_at_once() {
        let bad = HazardInput {
            unit_id: None,
            unregistered_unit: Some("路边加油点".into()),
            region: Some("610921".into()),
            source: Some("rumour".into()),
            level: Some("huge".into()),
            description: Some(" ".into()),
            deadline: Some("2026-12-01".into()),
            cost_yuan: Some(-1.0),
            longitude: Some(-200.0),
            latitude: Some(32.0),
            ..Default::default()
        };
        let Err(ReportRefused::Invalid(e)) = NewHazard::parse(&bad, Party::Supervisor, today())
        else {
            panic!("refused as invalid")
        };
        assert_eq!(
            fields(&e),
            [
                "source",
                "level",
                "description",
                "deadline",
                "cost_yuan",
                "longitude",
                "region"
            ]
        );
    }

    #[test]
    fn who_may_report_what() {
        let mut village = report();
        village.source = Some("self_check".into());
        let Err(ReportRefused::Invalid(e)) = NewHazard::parse(&village, Party::Village, today())
        else {
            panic!("a village member reports what the village sees")
        };
        assert_eq!(fields(&e), ["source"]);
        assert_eq!(
            NewHazard::parse(&report(), Party::Reader, today()),
            Err(ReportRefused::NotAReporter)
        );
    }

    #[test]
    fn a_place_outside_the_census_needs_its_village() {
        let mut outside = report();
        outside.unit_id = None;
        let Err(ReportRefused::Invalid(e)) = NewHazard::parse(&outside, Party::Unit, today())
        else {
            panic!("needs a unit or a description")
        };
        assert_eq!(fields(&e), ["unit_id"]);
        outside.unregistered_unit = Some("无名小作坊".into());
        outside.source = Some("village_report".into());
        outside.region = Some("610921100201".into());
        let h = NewHazard::parse(&outside, Party::Village, today()).unwrap();
        assert!(matches!(h.subject, Subject::Unregistered { .. }));
        assert_eq!(h.initial, State::Reported, "a village's report waits");
    }

    #[test]
    fn a_rectifying_hazard_needs_a_deadline() {
        let mut no_deadline = report();
        no_deadline.deadline = None;
        let Err(ReportRefused::Invalid(e)) = NewHazard::parse(&no_deadline, Party::Unit, today())
        else {
            panic!("deadline required")
        };
        assert_eq!(fields(&e), ["deadline"]);
    }

    #[test]
    fn a_change_keeps_only_what_its_action_takes() {
        let input = TransitionInput {
            action: Some("refer".into()),
            department_id: Some(3),
            deadline: Some("2026-12-31".into()),
            ..Default::default()
        };
        let e = HazardChange::parse(Action::Refer, &input, false, today()).unwrap_err();
        assert_eq!(fields(&e), ["comment"], "referring says why");
        let input = TransitionInput {
            comment: Some("属住建局监管".into()),
            ..input
        };
        let c = HazardChange::parse(Action::Refer, &input, false, today()).unwrap();
        assert_eq!((c.department_id, c.deadline), (Some(3), None));
        let accept = TransitionInput::default();
        let e = HazardChange::parse(Action::Accept, &accept, false, today()).unwrap_err();
        assert_eq!(fields(&e), ["deadline"]);
        assert!(HazardChange::parse(Action::Accept, &accept, true, today()).is_ok());
        let e = HazardChange::parse(Action::SubmitPlan, &accept, false, today()).unwrap_err();
        assert_eq!(e.0.len(), 6, "all six parts of the plan are named");
    }
}
