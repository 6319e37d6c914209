//! The quick report's way up (Order 493 Art. 9–10): the unit's head reports to the county's
//! supervision and sector departments within one hour of the accident; the town where it
//! happened and the supervising department, told at once by whoever learned of it (the county
//! plan), pass it to the county; each level of government passes it up within two hours of
//! receiving it. A general accident goes as far as the city, a larger one to the province, a
//! major or especially major one to the State Council. When a supplement raises the level, the
//! county reports again from that moment, as far as the new level goes.

use super::AccidentLevel;
use crate::access::Role;
use chrono::{DateTime, Duration, Utc};

crate::closed_set! {
    invalid = "error.accident_party";
    /// Who passes the report on, in the order of the chain.
    pub enum ChainParty {
        /// The unit's head (or the site's operator), to the county.
        Unit = "unit",
        /// The town where it happened, to the county.
        Town = "town",
        /// The supervising department, to the county.
        Department = "department",
        /// The county, to the city.
        County = "county",
        /// The city, to the province.
        City = "city",
        /// The province, to the State Council.
        Province = "province",
    }
}

impl ChainParty {
    /// Whom this party reports to (a word the screens translate).
    pub fn reports_to(self) -> &'static str {
        match self {
            Self::Unit | Self::Town | Self::Department => "county",
            Self::County => "city",
            Self::City => "province",
            Self::Province => "state_council",
        }
    }

    /// Who may record that this party received and passed on the report: the party itself,
    /// and the county for every party (it hears of the levels above from them).
    pub fn recorded_by(self, role: Role) -> bool {
        matches!(role, Role::CountyAdmin | Role::CommitteeOffice)
            || matches!(
                (self, role),
                (Self::Unit, Role::UnitManager | Role::TownStaff)
                    | (Self::Town, Role::TownStaff)
                    | (Self::Department, Role::DepartmentStaff)
            )
    }
}

crate::closed_set! {
    /// Where a step stands.
    pub enum StepState {
        /// Passed on in time.
        Done = "done",
        /// Passed on, after its time.
        Late = "late",
        /// Not passed on yet, still in time.
        Due = "due",
        /// Not passed on, and its time has gone.
        Overdue = "overdue",
    }
}

/// The parties of a first report, in order.
pub fn first_round(level: AccidentLevel, has_department: bool) -> Vec<ChainParty> {
    let mut parties = vec![ChainParty::Unit, ChainParty::Town];
    if has_department {
        parties.push(ChainParty::Department);
    }
    parties.extend(upward(level));
    parties
}

/// The parties of a report made again because a supplement raised the level.
pub fn raised_round(level: AccidentLevel) -> Vec<ChainParty> {
    upward(level)
}

fn upward(level: AccidentLevel) -> Vec<ChainParty> {
    let mut parties = vec![ChainParty::County];
    if level >= AccidentLevel::Larger {
        parties.push(ChainParty::City);
    }
    if level >= AccidentLevel::Major {
        parties.push(ChainParty::Province);
    }
    parties
}

/// What is known of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StepTimes {
    pub party: ChainParty,
    pub received_at: Option<DateTime<Utc>>,
    pub forwarded_at: Option<DateTime<Utc>>,
}

/// The unit's hour (Art. 9).
pub const UNIT_HOURS: i64 = 1;
/// Each level's two hours (Art. 10).
pub const LEVEL_HOURS: i64 = 2;

/// When each step of a round is due to be passed on. `started_at` is when the round began:
/// for a first report the accident itself (the unit's hour runs from it) with `known_at` the
/// moment the quick report reached the town; for a raised round both are the supplement's
/// time. A level's two hours run from when it received the report, as recorded, or else from
/// when the level below passed it on, or else from when that was due.
pub fn due_times(
    round: &[StepTimes],
    started_at: DateTime<Utc>,
    known_at: DateTime<Utc>,
) -> Vec<DateTime<Utc>> {
    let hours = Duration::hours;
    let mut due = Vec::with_capacity(round.len());
    // When the report reached (or should have reached) the county from below.
    let mut to_county: Option<DateTime<Utc>> = None;
    // When the level below passed the report on (or should have).
    let mut below: Option<DateTime<Utc>> = None;
    for step in round {
        let at = match step.party {
            ChainParty::Unit => started_at + hours(UNIT_HOURS),
            ChainParty::Town | ChainParty::Department => {
                step.received_at.unwrap_or(known_at) + hours(LEVEL_HOURS)
            }
            ChainParty::County => {
                step.received_at.or(to_county).unwrap_or(known_at) + hours(LEVEL_HOURS)
            }
            ChainParty::City | ChainParty::Province => {
                step.received_at.or(below).unwrap_or(known_at) + hours(LEVEL_HOURS)
            }
        };
        let passed = step.forwarded_at.unwrap_or(at);
        if matches!(
            step.party,
            ChainParty::Unit | ChainParty::Town | ChainParty::Department
        ) {
            to_county = Some(to_county.map_or(passed, |t| t.min(passed)));
        }
        below = Some(passed);
        due.push(at);
    }
    due
}

/// Where a step due at `due_at` stands at `now`.
pub fn state(
    due_at: DateTime<Utc>,
    forwarded_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> StepState {
    match forwarded_at {
        Some(at) if at <= due_at => StepState::Done,
        Some(_) => StepState::Late,
        None if now <= due_at => StepState::Due,
        None => StepState::Overdue,
    }
}

#[cfg(test)]
mod tests {
    use super::ChainParty::*;
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, h, m, 0).unwrap()
    }
    fn step(party: ChainParty) -> StepTimes {
        StepTimes {
            party,
            received_at: None,
            forwarded_at: None,
        }
    }

    #[test]
    fn the_level_decides_how_far_the_report_goes() {
        assert_eq!(
            first_round(AccidentLevel::General, false),
            [Unit, Town, County]
        );
        assert_eq!(
            first_round(AccidentLevel::General, true),
            [Unit, Town, Department, County]
        );
        assert_eq!(
            first_round(AccidentLevel::Larger, false),
            [Unit, Town, County, City]
        );
        assert_eq!(
            first_round(AccidentLevel::Major, false),
            [Unit, Town, County, City, Province]
        );
        assert_eq!(
            raised_round(AccidentLevel::EspeciallyMajor),
            [County, City, Province]
        );
        assert_eq!(County.reports_to(), "city");
        assert_eq!(Province.reports_to(), "state_council");
    }

    #[test]
    fn the_unit_has_an_hour_from_the_accident_and_each_level_two_from_receiving() {
        let round = [step(Unit), step(Town), step(County), step(City)];
        // The accident at 08:00, the quick report in at 08:20: nothing passed on yet, each
        // level's time follows the one below.
        assert_eq!(
            due_times(&round, at(8, 0), at(8, 20)),
            [at(9, 0), at(10, 20), at(11, 0), at(13, 0)]
        );
        // The unit passed it on at 08:40: the county's two hours run from then.
        let mut known = round;
        known[0].forwarded_at = Some(at(8, 40));
        assert_eq!(due_times(&known, at(8, 0), at(8, 20))[2], at(10, 40));
        // The county recorded receiving it at 09:10 and passing it on at 12:30: the city's
        // time runs from 12:30.
        known[2].received_at = Some(at(9, 10));
        known[2].forwarded_at = Some(at(12, 30));
        let due = due_times(&known, at(8, 0), at(8, 20));
        assert_eq!(due[2], at(11, 10));
        assert_eq!(due[3], at(14, 30));
        assert_eq!(
            state(due[2], known[2].forwarded_at, at(15, 0)),
            StepState::Late
        );
        assert_eq!(
            state(due[0], known[0].forwarded_at, at(15, 0)),
            StepState::Done
        );
        assert_eq!(state(due[3], None, at(14, 30)), StepState::Due);
        assert_eq!(state(due[3], None, at(14, 31)), StepState::Overdue);
    }

    #[test]
    fn each_party_records_its_own_step_and_the_county_any() {
        assert!(Unit.recorded_by(Role::UnitManager));
        assert!(!Town.recorded_by(Role::UnitManager));
        assert!(Town.recorded_by(Role::TownStaff));
        assert!(!Department.recorded_by(Role::TownStaff));
        assert!(Department.recorded_by(Role::DepartmentStaff));
        assert!(Province.recorded_by(Role::CommitteeOffice));
        assert!(!County.recorded_by(Role::VillageMember));
        assert!(!County.recorded_by(Role::Leader));
    }
}
