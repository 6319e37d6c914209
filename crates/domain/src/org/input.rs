//! What people type to change the organisation, and the checked values the store takes:
//! registering a person, appointing one to a post, handing a post over, leaving it vacant,
//! adding a division, a department or a member of the leadership group, filing a grid plan.
//! Each `parse` collects every fault at once, named by its field.

use crate::invalid::{Invalid, Violation, optional_phone, optional_text, required_text};
use crate::region::{RegionCode, RegionKind};
use crate::tenure::{Tenure, parse_date};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;

/// A person to register, as typed (to appoint to a post on the spot).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
pub struct PersonInput {
    pub name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
}

/// A person to register, checked. Where the person belongs comes from the account's scope;
/// only the system (the demo, the CLI) names it here.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct NewPerson {
    pub name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub region: Option<RegionCode>,
    pub department_id: Option<i64>,
}

impl PersonInput {
    pub fn parse(&self) -> Result<NewPerson, Invalid> {
        let mut errors = Invalid::default();
        let person = self.collect(&mut errors);
        errors.into_result()?;
        person.ok_or_else(|| Invalid::one("person_name", "error.required"))
    }

    fn collect(&self, errors: &mut Invalid) -> Option<NewPerson> {
        let name = errors.keep(required_text("person_name", &self.name, 40));
        let phone = errors.keep(optional_phone("phone", self.phone.as_deref()));
        let job_title = errors.keep(optional_text("job_title", self.job_title.as_deref(), 60));
        Some(NewPerson {
            name: name?,
            phone: phone?,
            job_title: job_title?,
            region: None,
            department_id: None,
        })
    }
}

/// Who takes a post: someone registered already, or a person registered on the spot.
#[derive(Debug, Clone, PartialEq)]
pub enum PersonChoice {
    Existing(i64),
    New(NewPerson),
}

/// `person_id`, or else `person`, or the fault of giving neither.
fn person_choice(
    id: Option<i64>,
    person: Option<&PersonInput>,
    errors: &mut Invalid,
) -> Option<PersonChoice> {
    match (id, person) {
        (Some(id), _) => Some(PersonChoice::Existing(id)),
        (None, Some(p)) => p.collect(errors).map(PersonChoice::New),
        (None, None) => {
            errors.push(Violation::new("person_id", "error.choose_person"));
            None
        }
    }
}

/// Appointing a person to a post, as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = AppointRequest)]
pub struct AppointmentInput {
    /// An existing person; or give `person` to register a new one.
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
    /// YYYY-MM-DD
    pub started_on: String,
    /// YYYY-MM-DD, exclusive: the first day no longer held.
    pub ended_on: Option<String>,
    pub note: Option<String>,
}

/// Appointing a person to a post from a date (and, rarely, to a known end date).
#[derive(Debug, Clone, PartialEq)]
pub struct Appointment {
    pub person: PersonChoice,
    pub tenure: Tenure,
    pub note: Option<String>,
}

impl AppointmentInput {
    pub fn parse(&self) -> Result<Appointment, Invalid> {
        let mut errors = Invalid::default();
        let person = person_choice(self.person_id, self.person.as_ref(), &mut errors);
        let started = errors.keep(parse_date("started_on", &self.started_on));
        let ended = match self.ended_on.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => errors.keep(parse_date("ended_on", raw)),
            _ => None,
        };
        let note = errors.keep(optional_text("note", self.note.as_deref(), 200));
        let tenure = started.and_then(|s| errors.keep(Tenure::new(s, ended)));
        errors.into_result()?;
        match (person, tenure, note) {
            (Some(person), Some(tenure), Some(note)) => Ok(Appointment {
                person,
                tenure,
                note,
            }),
            _ => Err(Invalid::one("started_on", "error.required")),
        }
    }
}

/// Handing a post from its holder to another person, as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = ReplaceRequest)]
pub struct ReplacementInput {
    pub person_id: Option<i64>,
    pub person: Option<PersonInput>,
    /// The hand-over date (YYYY-MM-DD): the old holder's last day is the day before.
    pub on: String,
    pub note: Option<String>,
}

/// Handing a post from its current holder to another person on a date.
#[derive(Debug, Clone, PartialEq)]
pub struct Replacement {
    pub person: PersonChoice,
    pub on: NaiveDate,
    pub note: Option<String>,
}

impl ReplacementInput {
    pub fn parse(&self) -> Result<Replacement, Invalid> {
        let mut errors = Invalid::default();
        let person = person_choice(self.person_id, self.person.as_ref(), &mut errors);
        let on = errors.keep(parse_date("on", &self.on));
        let note = errors.keep(optional_text("note", self.note.as_deref(), 200));
        errors.into_result()?;
        match (person, on, note) {
            (Some(person), Some(on), Some(note)) => Ok(Replacement { person, on, note }),
            _ => Err(Invalid::one("on", "error.required")),
        }
    }
}

/// Ending a holding without a successor, as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = EndRequest)]
pub struct VacancyInput {
    /// The first day the post is vacant (YYYY-MM-DD).
    pub ended_on: String,
    pub note: Option<String>,
}

/// Ending a holding without a successor.
#[derive(Debug, Clone, PartialEq)]
pub struct Vacancy {
    pub ended_on: NaiveDate,
    pub note: Option<String>,
}

impl VacancyInput {
    pub fn parse(&self) -> Result<Vacancy, Invalid> {
        let mut errors = Invalid::default();
        let ended_on = errors.keep(parse_date("ended_on", &self.ended_on));
        let note = errors.keep(optional_text("note", self.note.as_deref(), 200));
        errors.into_result()?;
        match (ended_on, note) {
            (Some(ended_on), Some(note)) => Ok(Vacancy { ended_on, note }),
            _ => Err(Invalid::one("ended_on", "error.required")),
        }
    }
}

/// A division to add, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct RegionInput {
    pub code: String,
    pub parent_code: Option<String>,
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub sort_order: i32,
}

/// A division to add, checked (where it may hang is the store's to check against the tree).
#[derive(Debug, Clone, PartialEq)]
pub struct NewRegion {
    pub code: RegionCode,
    pub parent_code: Option<RegionCode>,
    pub name: String,
    pub kind: RegionKind,
    pub sort_order: i32,
}

impl RegionInput {
    pub fn parse(&self) -> Result<NewRegion, Invalid> {
        let mut errors = Invalid::default();
        let code = errors.keep(RegionCode::parse("code", &self.code));
        let name = errors.keep(required_text("name", &self.name, 60));
        let kind = errors.keep(RegionKind::parse("kind", &self.kind));
        let parent_code = match self.parent_code.as_deref().map(str::trim) {
            Some(p) if !p.is_empty() => errors.keep(RegionCode::parse("parent_code", p)),
            _ => None,
        };
        errors.into_result()?;
        match (code, name, kind) {
            (Some(code), Some(name), Some(kind)) => Ok(NewRegion {
                code,
                parent_code,
                name,
                kind,
                sort_order: self.sort_order,
            }),
            _ => Err(Invalid::one("code", "error.required")),
        }
    }
}

/// A county department to add with the sectors it supervises, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct DepartmentInput {
    pub county_code: String,
    pub name: String,
    pub short_name: String,
    #[serde(default)]
    pub is_committee_office: bool,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub sort_order: i32,
}

/// A county department to add, checked (whether its sectors exist is the store's to check).
#[derive(Debug, Clone, PartialEq)]
pub struct NewDepartment {
    pub county: RegionCode,
    pub name: String,
    pub short_name: String,
    pub is_committee_office: bool,
    pub sectors: Vec<String>,
    pub sort_order: i32,
}

impl DepartmentInput {
    pub fn parse(&self) -> Result<NewDepartment, Invalid> {
        let mut errors = Invalid::default();
        let name = errors.keep(required_text("name", &self.name, 60));
        let short_name = errors.keep(required_text("short_name", &self.short_name, 20));
        let county = errors.keep(RegionCode::parse("county_code", &self.county_code));
        errors.into_result()?;
        match (name, short_name, county) {
            (Some(name), Some(short_name), Some(county)) => Ok(NewDepartment {
                county,
                name,
                short_name,
                is_committee_office: self.is_committee_office,
                sectors: self.sectors.clone(),
                sort_order: self.sort_order,
            }),
            _ => Err(Invalid::one("name", "error.required")),
        }
    }
}

crate::closed_set! {
    invalid = "error.group_role";
    /// A member's place in the leadership group for grid supervision (领导小组).
    pub enum GroupRole {
        /// 组长: the county head.
        Leader = "leader",
        /// 副组长: a deputy head, with a portfolio of departments (一岗双责).
        Deputy = "deputy",
        /// 成员: a department head.
        Member = "member",
    }
}

/// A member of the leadership group, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LeadershipMemberInput {
    pub county_code: String,
    pub person_id: i64,
    /// `leader`, `deputy` or `member`.
    pub group_role: String,
    pub government_post: String,
    pub committee_post: Option<String>,
    /// Departments in a deputy head's portfolio.
    #[serde(default)]
    pub portfolio: Vec<i64>,
    #[serde(default)]
    pub sort_order: i32,
}

/// A member of the leadership group, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewLeadershipMember {
    pub county: RegionCode,
    pub person_id: i64,
    pub group_role: GroupRole,
    pub government_post: String,
    pub committee_post: Option<String>,
    pub portfolio: Vec<i64>,
    pub sort_order: i32,
}

impl LeadershipMemberInput {
    pub fn parse(&self) -> Result<NewLeadershipMember, Invalid> {
        let mut errors = Invalid::default();
        let county = errors.keep(RegionCode::parse("county_code", &self.county_code));
        let group_role = errors.keep(GroupRole::parse("group_role", &self.group_role));
        let post = errors.keep(required_text("government_post", &self.government_post, 80));
        let committee = errors.keep(optional_text(
            "committee_post",
            self.committee_post.as_deref(),
            80,
        ));
        errors.into_result()?;
        match (county, group_role, post, committee) {
            (Some(county), Some(group_role), Some(government_post), Some(committee_post)) => {
                Ok(NewLeadershipMember {
                    county,
                    person_id: self.person_id,
                    group_role,
                    government_post,
                    committee_post,
                    portfolio: self.portfolio.clone(),
                    sort_order: self.sort_order,
                })
            }
            _ => Err(Invalid::one("government_post", "error.required")),
        }
    }
}

/// A grid plan to file, as typed. Department and town accounts file for themselves; the
/// county office names the owner (one of `department_id` or `region_code`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct GridPlanInput {
    pub department_id: Option<i64>,
    pub region_code: Option<String>,
    pub title: String,
    pub filed_on: String,
    pub note: Option<String>,
}

/// A grid plan to file, checked. The owner named here counts only for the county office.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGridPlan {
    pub department_id: Option<i64>,
    pub region_code: Option<String>,
    pub title: String,
    pub filed_on: NaiveDate,
    pub note: Option<String>,
}

impl GridPlanInput {
    /// Checks the plan as filed on `today` (a plan cannot be filed in the future).
    pub fn parse(&self, today: NaiveDate) -> Result<NewGridPlan, Invalid> {
        let mut errors = Invalid::default();
        let title = errors.keep(required_text("title", &self.title, 100));
        let filed_on = errors.keep(parse_date("filed_on", &self.filed_on));
        if filed_on.is_some_and(|d| d > today) {
            errors.push(Violation::new("filed_on", "error.future_date"));
        }
        let note = errors.keep(optional_text("note", self.note.as_deref(), 500));
        errors.into_result()?;
        match (title, filed_on, note) {
            (Some(title), Some(filed_on), Some(note)) => Ok(NewGridPlan {
                department_id: self.department_id,
                region_code: self
                    .region_code
                    .as_deref()
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                    .map(str::to_owned),
                title,
                filed_on,
                note,
            }),
            _ => Err(Invalid::one("title", "error.required")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(e: &Invalid) -> Vec<&str> {
        e.0.iter().map(|v| v.field.as_str()).collect()
    }

    #[test]
    fn an_appointment_names_every_fault_at_once() {
        let input = AppointmentInput {
            person: Some(PersonInput {
                name: " ".into(),
                phone: Some("12ab".into()),
                job_title: None,
            }),
            started_on: "2026-13-01".into(),
            note: Some("x".repeat(201)),
            ..Default::default()
        };
        let e = input.parse().unwrap_err();
        assert_eq!(fields(&e), ["person_name", "phone", "started_on", "note"]);
    }

    #[test]
    fn an_appointment_needs_a_person_and_an_end_after_its_start() {
        let e = AppointmentInput {
            started_on: "2026-03-01".into(),
            ended_on: Some("2026-02-01".into()),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(fields(&e), ["person_id", "ended_on"]);
        let ok = AppointmentInput {
            person_id: Some(7),
            started_on: "2026/03/01".into(),
            ended_on: Some(" ".into()),
            ..Default::default()
        }
        .parse()
        .unwrap();
        assert_eq!(ok.person, PersonChoice::Existing(7));
        assert_eq!(ok.tenure.ended_on, None);
    }

    #[test]
    fn a_plan_cannot_be_filed_tomorrow() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let input = GridPlanInput {
            title: "2026 年网格化监管工作方案".into(),
            filed_on: "2026-12-03".into(),
            ..Default::default()
        };
        assert_eq!(fields(&input.parse(today).unwrap_err()), ["filed_on"]);
        let on_the_day = GridPlanInput {
            filed_on: "2026-12-02".into(),
            ..input
        };
        assert!(on_the_day.parse(today).is_ok());
    }

    #[test]
    fn a_leadership_member_has_a_known_role() {
        let e = LeadershipMemberInput {
            county_code: "610921000000".into(),
            person_id: 1,
            group_role: "chair".into(),
            government_post: "县长".into(),
            ..Default::default()
        }
        .parse()
        .unwrap_err();
        assert_eq!(fields(&e), ["group_role"]);
    }
}
