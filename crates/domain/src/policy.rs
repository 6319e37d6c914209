//! Every permission in one table: what each role may do to each kind of object. The scope then
//! narrows it to the objects an account can see (the store filters every read and write by
//! it), and a few rules look at the object itself (whose grid, which account): those are here
//! too, beside the table, so pages, the API and the store all ask the same questions.
//!
//! The hazard lifecycle keeps its own table of who may take which step in which state
//! (`hazard::lifecycle`); this table says who may report hazards at all.

use crate::access::{Actor, Role, Scope, may_manage_accounts};
use crate::hazard::lifecycle::Party;
use crate::org::GridKind;
use crate::region::RegionCode;

/// The kinds of object an account acts on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Object {
    /// Divisions, departments and the leadership group: the county's organisation.
    Organisation,
    /// People registered to hold posts.
    Person,
    /// Who holds the posts of a grid (which grids: [`may_manage_posts`]).
    Post,
    /// A department's or town's grid plan.
    GridPlan,
    /// The county's deadline for grid plans.
    PlanDeadline,
    /// A unit in the census.
    Unit,
    /// A unit's major hazard sources, own grid, management systems and documents.
    UnitRecord,
    /// The county's rule for grading units.
    GradeRule,
    /// A hidden hazard (its steps: `hazard::lifecycle`).
    Hazard,
    /// A unit's hazard statistics report, and the list of who reported.
    HazardReport,
    /// The county's webhook to its own platform.
    Webhook,
    /// An account (which accounts: `access::may_act_on`).
    Account,
    /// The audit log.
    AuditLog,
    /// An inspection of a unit, its findings and checklist (R-CAL-1).
    Inspection,
    /// The duty calendar: who owes what by when (R-CAL-4); duties are derived, never written.
    Duty,
    /// An accident's quick report, its chain and supplements (R-VIL-3); which steps of the
    /// chain each party records: `accident::chain::ChainParty::recorded_by`.
    Accident,
    /// The annual assessment of towns and departments and the county's scheme for it.
    Assessment,
}

impl Object {
    pub const ALL: [Object; 17] = [
        Object::Organisation,
        Object::Person,
        Object::Post,
        Object::GridPlan,
        Object::PlanDeadline,
        Object::Unit,
        Object::UnitRecord,
        Object::GradeRule,
        Object::Hazard,
        Object::HazardReport,
        Object::Webhook,
        Object::Account,
        Object::AuditLog,
        Object::Inspection,
        Object::Duty,
        Object::Accident,
        Object::Assessment,
    ];
}

/// What an account does to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verb {
    /// See it (within the scope).
    Read,
    /// Add one, or change one (within the scope).
    Write,
}

/// Whether an actor may do `verb` to objects of this kind in its scope. The system itself
/// (command-line tools, the demo, jobs) may do everything.
pub fn may(actor: &Actor, verb: Verb, object: Object) -> bool {
    actor.scope == Scope::All || allowed(actor.role, verb, object)
}

/// The table itself, by role.
pub fn allowed(role: Role, verb: Verb, object: Object) -> bool {
    use Object as O;
    use Role as R;
    use Verb::{Read, Write};
    // Supervisors of the county: its administrator and the safety committee office.
    let county = matches!(role, R::CountyAdmin | R::CommitteeOffice);
    // Those who supervise units: the county, departments and town stations.
    let supervisor = county || matches!(role, R::DepartmentStaff | R::TownStaff);
    // Everyone who sees supervision data reads it; the three administrators see none.
    let sees = role.sees_supervision_data();
    match (object, verb) {
        (O::Organisation | O::GradeRule | O::PlanDeadline, Read) => sees && role != R::UnitManager,
        (O::Organisation | O::GradeRule | O::PlanDeadline, Write) => county,
        (O::Person | O::Post | O::GridPlan, Read) => sees && role != R::UnitManager,
        // Which grids and plans: their own department's or town's (`may_manage_posts`).
        (O::Person | O::Post | O::GridPlan, Write) => supervisor,
        (O::Unit | O::UnitRecord | O::Hazard, Read) => sees,
        (O::Unit, Write) => supervisor,
        // The unit keeps its own records: it identifies its hazard sources, writes its systems.
        (O::UnitRecord, Write) => supervisor || role == R::UnitManager,
        // Reporting hazards: what each party may report, and every later step, is the
        // lifecycle's table; readers (leaders) report nothing.
        (O::Hazard, Write) => Party::of(role) != Party::Reader,
        // A unit files its report; supervisors see who reported, and may file for a unit.
        (O::HazardReport, Read) => sees && role != R::VillageMember,
        (O::HazardReport, Write) => matches!(
            Party::of(role),
            Party::Unit | Party::Supervisor | Party::County
        ),
        (O::Webhook, Read | Write) => county,
        // Accounts: the system administrator creates and edits, the security administrator
        // disables and unlocks (`access::may_act_on` decides which of them on which account).
        (O::Account, Read | Write) => may_manage_accounts(role),
        (O::AuditLog, Read) => role == R::AuditAdmin,
        (O::AuditLog, Write) => false,
        // A unit sees the inspections of itself; towns, departments and the county record
        // them (a village grid member reports hazards instead).
        (O::Inspection, Read) => sees,
        (O::Inspection, Write) => supervisor,
        (O::Duty, Read) => sees,
        (O::Duty, Write) => false,
        // Whoever learns of an accident reports it (R-VIL-3): everyone who sees supervision
        // data but the leaders, who read.
        (O::Accident, Read) => sees,
        (O::Accident, Write) => sees && role != R::Leader,
        // The county assesses towns and departments; each sees its own result, leaders all.
        (O::Assessment, Read) => supervisor || role == R::Leader,
        (O::Assessment, Write) => county,
    }
}

/// Just enough of a grid to decide who may change it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridRef<'a> {
    pub kind: GridKind,
    pub region: &'a RegionCode,
    pub department_id: Option<i64>,
}

/// Whether an account may change who holds the posts of a grid it can see.
///
/// County admins and the committee office manage every grid of their county; department staff
/// manage their own department's grids; town staff the town, zone, park and village grids of
/// their town (a department's grid in the town is the department's to staff). Leaders read only.
pub fn may_manage_posts(actor: &Actor, grid: &GridRef<'_>) -> bool {
    match (actor.role, &actor.scope) {
        (_, Scope::All) => true,
        (Role::CountyAdmin | Role::CommitteeOffice, Scope::Region { root }) => {
            grid.region.is_within(root)
        }
        (Role::DepartmentStaff, Scope::Department { department_id, .. }) => {
            grid.department_id == Some(*department_id)
        }
        (Role::TownStaff, Scope::Region { root }) => {
            !grid.kind.belongs_to_department()
                && grid.kind != GridKind::County
                && grid.region.is_within(root)
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, scope: Scope) -> Actor {
        Actor {
            account_id: Some(1),
            username: "someone".to_owned(),
            role,
            scope,
            from: None,
        }
    }

    /// The whole table, role by role: R read, W read and write, - nothing. Changing a
    /// permission means changing this picture, where a reviewer sees it.
    #[test]
    fn the_table_role_by_role() {
        let expected = "\
            county_admin      Organisation:W Person:W Post:W GridPlan:W PlanDeadline:W Unit:W UnitRecord:W GradeRule:W Hazard:W HazardReport:W Webhook:W Account:- AuditLog:- Inspection:W Duty:R Accident:W Assessment:W\n\
            committee_office  Organisation:W Person:W Post:W GridPlan:W PlanDeadline:W Unit:W UnitRecord:W GradeRule:W Hazard:W HazardReport:W Webhook:W Account:- AuditLog:- Inspection:W Duty:R Accident:W Assessment:W\n\
            department_staff  Organisation:R Person:W Post:W GridPlan:W PlanDeadline:R Unit:W UnitRecord:W GradeRule:R Hazard:W HazardReport:W Webhook:- Account:- AuditLog:- Inspection:W Duty:R Accident:W Assessment:R\n\
            town_staff        Organisation:R Person:W Post:W GridPlan:W PlanDeadline:R Unit:W UnitRecord:W GradeRule:R Hazard:W HazardReport:W Webhook:- Account:- AuditLog:- Inspection:W Duty:R Accident:W Assessment:R\n\
            village_member    Organisation:R Person:R Post:R GridPlan:R PlanDeadline:R Unit:R UnitRecord:R GradeRule:R Hazard:W HazardReport:- Webhook:- Account:- AuditLog:- Inspection:R Duty:R Accident:W Assessment:-\n\
            unit_manager      Organisation:- Person:- Post:- GridPlan:- PlanDeadline:- Unit:R UnitRecord:W GradeRule:- Hazard:W HazardReport:W Webhook:- Account:- AuditLog:- Inspection:R Duty:R Accident:W Assessment:-\n\
            leader            Organisation:R Person:R Post:R GridPlan:R PlanDeadline:R Unit:R UnitRecord:R GradeRule:R Hazard:R HazardReport:R Webhook:- Account:- AuditLog:- Inspection:R Duty:R Accident:R Assessment:R\n\
            system_admin      Organisation:- Person:- Post:- GridPlan:- PlanDeadline:- Unit:- UnitRecord:- GradeRule:- Hazard:- HazardReport:- Webhook:- Account:W AuditLog:- Inspection:- Duty:- Accident:- Assessment:-\n\
            security_admin    Organisation:- Person:- Post:- GridPlan:- PlanDeadline:- Unit:- UnitRecord:- GradeRule:- Hazard:- HazardReport:- Webhook:- Account:W AuditLog:- Inspection:- Duty:- Accident:- Assessment:-\n\
            audit_admin       Organisation:- Person:- Post:- GridPlan:- PlanDeadline:- Unit:- UnitRecord:- GradeRule:- Hazard:- HazardReport:- Webhook:- Account:- AuditLog:R Inspection:- Duty:- Accident:- Assessment:-\n";
        let mut table = String::new();
        for role in Role::ALL {
            table.push_str(&format!("{:<18}", role.as_str()));
            let cells: Vec<String> = Object::ALL
                .into_iter()
                .map(|object| {
                    let read = allowed(role, Verb::Read, object);
                    let write = allowed(role, Verb::Write, object);
                    // Writing without reading would be a hole in the table.
                    assert!(read || !write, "{role:?} writes {object:?} unseen");
                    let cell = match (read, write) {
                        (_, true) => "W",
                        (true, false) => "R",
                        (false, false) => "-",
                    };
                    format!("{object:?}:{cell}")
                })
                .collect();
            table.push_str(&cells.join(" "));
            table.push('\n');
        }
        assert_eq!(table, expected, "\n{table}");
    }

    #[test]
    fn the_system_may_do_everything_and_nobody_writes_the_audit_log() {
        let system = Actor::system();
        for object in Object::ALL {
            assert!(may(&system, Verb::Write, object));
        }
        for role in Role::ALL {
            let a = actor(role, Scope::Administration);
            assert!(!may(&a, Verb::Write, Object::AuditLog));
        }
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse("c", s).unwrap()
    }

    #[test]
    fn who_manages_which_grid() {
        let county = code("610921000000");
        let chengguan = code("610921100000");
        let xuanwo = code("610921107000");
        let village = code("610921100201");
        let town_zone = GridRef {
            kind: GridKind::TownZone,
            region: &village,
            department_id: None,
        };
        let dept_grid = GridRef {
            kind: GridKind::DepartmentTown,
            region: &chengguan,
            department_id: Some(7),
        };
        let in_county = |role| {
            actor(
                role,
                Scope::Region {
                    root: county.clone(),
                },
            )
        };
        assert!(may_manage_posts(&in_county(Role::CountyAdmin), &town_zone));
        assert!(may_manage_posts(
            &in_county(Role::CommitteeOffice),
            &dept_grid
        ));
        assert!(!may_manage_posts(&in_county(Role::Leader), &town_zone));

        let town = actor(
            Role::TownStaff,
            Scope::Region {
                root: chengguan.clone(),
            },
        );
        assert!(may_manage_posts(&town, &town_zone));
        assert!(!may_manage_posts(&town, &dept_grid));
        let other_town = actor(Role::TownStaff, Scope::Region { root: xuanwo });
        assert!(!may_manage_posts(&other_town, &town_zone));

        let dept = |department_id| {
            actor(
                Role::DepartmentStaff,
                Scope::Department {
                    county: county.clone(),
                    department_id,
                },
            )
        };
        assert!(may_manage_posts(&dept(7), &dept_grid));
        assert!(!may_manage_posts(&dept(8), &dept_grid));
        assert!(!may_manage_posts(&dept(7), &town_zone));
        assert!(!may_manage_posts(
            &actor(Role::SystemAdmin, Scope::Administration),
            &town_zone
        ));
        assert!(may_manage_posts(&Actor::system(), &dept_grid));
    }
}
