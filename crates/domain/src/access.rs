//! Who may see and do what (design §5). An account has one role and one scope; the store
//! filters every read and write by the scope, and the operations here decide what a role may
//! change within it. Out-of-scope objects are treated as missing by the layers above.

use crate::invalid::Violation;
use crate::org::GridKind;
use crate::region::RegionCode;
use serde::{Deserialize, Serialize};

/// The roles of the county plan, plus the three separated administrators (三员).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 县级管理员: runs the county's supervision data.
    CountyAdmin,
    /// 安委办: the safety committee office, county-wide.
    CommitteeOffice,
    /// 部门人员: staff of one county department.
    DepartmentStaff,
    /// 镇安监站: staff of a town's safety station.
    TownStaff,
    /// 村网格员: a village grid member.
    VillageMember,
    /// 企业安全管理员: the safety manager of one unit.
    UnitManager,
    /// 县领导: a county leader, reading everything, changing nothing.
    Leader,
    /// 系统管理员: accounts and settings, no supervision data.
    SystemAdmin,
    /// 安全管理员 (三员): roles, scopes and locks, no supervision data.
    SecurityAdmin,
    /// 审计管理员: reads the audit log, nothing else.
    AuditAdmin,
}

impl Role {
    pub const ALL: [Role; 10] = [
        Self::CountyAdmin,
        Self::CommitteeOffice,
        Self::DepartmentStaff,
        Self::TownStaff,
        Self::VillageMember,
        Self::UnitManager,
        Self::Leader,
        Self::SystemAdmin,
        Self::SecurityAdmin,
        Self::AuditAdmin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CountyAdmin => "county_admin",
            Self::CommitteeOffice => "committee_office",
            Self::DepartmentStaff => "department_staff",
            Self::TownStaff => "town_staff",
            Self::VillageMember => "village_member",
            Self::UnitManager => "unit_manager",
            Self::Leader => "leader",
            Self::SystemAdmin => "system_admin",
            Self::SecurityAdmin => "security_admin",
            Self::AuditAdmin => "audit_admin",
        }
    }

    pub fn parse(field: &str, s: &str) -> Result<Self, Violation> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| Violation::new(field, "error.role"))
    }

    /// The three administrators, kept apart: no person may hold two of them.
    pub fn is_separated_admin(self) -> bool {
        matches!(
            self,
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin
        )
    }

    /// Whether the role sees supervision data (grids, units, hazards …) at all.
    pub fn sees_supervision_data(self) -> bool {
        !self.is_separated_admin()
    }

    /// What kind of scope an account of this role must have.
    pub fn scope_kind(self) -> ScopeKind {
        match self {
            Self::DepartmentStaff => ScopeKind::Department,
            Self::UnitManager => ScopeKind::Unit,
            Self::SystemAdmin | Self::SecurityAdmin | Self::AuditAdmin => ScopeKind::Administration,
            Self::CountyAdmin
            | Self::CommitteeOffice
            | Self::TownStaff
            | Self::VillageMember
            | Self::Leader => ScopeKind::Region,
        }
    }
}

/// Who is acting: the signed-in account (or the system itself, for command-line tools),
/// with the scope every read and write is filtered by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    /// `None` for the system itself (migrations, demo data, command-line tools).
    pub account_id: Option<i64>,
    pub username: String,
    pub role: Role,
    pub scope: Scope,
    /// Where the request came from (client address), for the audit log.
    pub from: Option<String>,
}

impl Actor {
    /// The system acting on its own behalf, seeing everything.
    pub fn system() -> Self {
        Self {
            account_id: None,
            username: "system".to_owned(),
            role: Role::CountyAdmin,
            scope: Scope::All,
            from: None,
        }
    }
}

/// The part of the county an account works in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Scope {
    /// Everything: only the system itself (command-line tools, demo data), never an account.
    All,
    /// A region and everything under it (a county, a town, a village).
    Region { root: RegionCode },
    /// One department of a county: its grids, across the county's towns.
    Department {
        county: RegionCode,
        department_id: i64,
    },
    /// One production unit.
    Unit { county: RegionCode, unit_id: i64 },
    /// Administration only: no supervision data at all.
    Administration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScopeKind {
    Region,
    Department,
    Unit,
    Administration,
}

impl Scope {
    /// The county the scope lies in, if any.
    pub fn county(&self) -> Option<RegionCode> {
        match self {
            Scope::Region { root } => root.county(),
            Scope::Department { county, .. } | Scope::Unit { county, .. } => Some(county.clone()),
            Scope::Administration | Scope::All => None,
        }
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
pub fn may_manage_posts(role: Role, scope: &Scope, grid: &GridRef<'_>) -> bool {
    match (role, scope) {
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

/// Whether an account may add or edit divisions (towns, villages) and departments.
pub fn may_manage_organisation(role: Role) -> bool {
    matches!(role, Role::CountyAdmin | Role::CommitteeOffice)
}

/// Whether an account may register people (to appoint them to posts).
pub fn may_register_people(role: Role) -> bool {
    matches!(
        role,
        Role::CountyAdmin | Role::CommitteeOffice | Role::DepartmentStaff | Role::TownStaff
    )
}

/// Whether an account may keep a unit's records in its scope — its major hazard sources, own
/// grid, management systems and documents: supervisors, and the unit's own safety manager (the
/// unit identifies its hazard sources and writes its systems). Leaders and village members read.
pub fn may_keep_unit_records(role: Role, scope: &Scope) -> bool {
    *scope == Scope::All
        || matches!(
            role,
            Role::CountyAdmin
                | Role::CommitteeOffice
                | Role::DepartmentStaff
                | Role::TownStaff
                | Role::UnitManager
        )
}

/// Whether an account may read the audit log.
pub fn may_read_audit(role: Role) -> bool {
    matches!(role, Role::AuditAdmin)
}

/// Whether an account may create and change accounts.
pub fn may_manage_accounts(role: Role) -> bool {
    matches!(role, Role::SystemAdmin | Role::SecurityAdmin)
}

#[cfg(test)]
mod tests {
    use super::*;

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

        let admin = Scope::Region {
            root: county.clone(),
        };
        assert!(may_manage_posts(Role::CountyAdmin, &admin, &town_zone));
        assert!(may_manage_posts(Role::CommitteeOffice, &admin, &dept_grid));
        assert!(!may_manage_posts(Role::Leader, &admin, &town_zone));

        let town = Scope::Region {
            root: chengguan.clone(),
        };
        assert!(may_manage_posts(Role::TownStaff, &town, &town_zone));
        assert!(!may_manage_posts(Role::TownStaff, &town, &dept_grid));
        let other_town = Scope::Region { root: xuanwo };
        assert!(!may_manage_posts(Role::TownStaff, &other_town, &town_zone));

        let dept = Scope::Department {
            county: county.clone(),
            department_id: 7,
        };
        assert!(may_manage_posts(Role::DepartmentStaff, &dept, &dept_grid));
        let other_dept = Scope::Department {
            county,
            department_id: 8,
        };
        assert!(!may_manage_posts(
            Role::DepartmentStaff,
            &other_dept,
            &dept_grid
        ));
        assert!(!may_manage_posts(Role::DepartmentStaff, &dept, &town_zone));

        assert!(!may_manage_posts(
            Role::SystemAdmin,
            &Scope::Administration,
            &town_zone
        ));
    }

    #[test]
    fn the_three_administrators_see_no_supervision_data() {
        for role in Role::ALL {
            assert_eq!(role.is_separated_admin(), !role.sees_supervision_data());
            assert_eq!(Role::parse("role", role.as_str()), Ok(role));
        }
        assert!(may_read_audit(Role::AuditAdmin));
        assert!(!may_read_audit(Role::SystemAdmin));
        assert!(!may_manage_accounts(Role::AuditAdmin));
        assert!(!may_manage_organisation(Role::Leader));
    }
}

/// A password an account may have: 10 to 128 characters, not one character repeated, and not
/// the username. Length beats composition rules (NIST SP 800-63B); the hash is Argon2id.
pub fn check_password(field: &str, password: &str, username: &str) -> Result<(), Violation> {
    let n = password.chars().count();
    if n < 10 {
        return Err(Violation::new(field, "error.password_short").with("min", 10));
    }
    if n > 128 {
        return Err(Violation::new(field, "error.too_long").with("max", 128));
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) || password.eq_ignore_ascii_case(username) {
        return Err(Violation::new(field, "error.password_weak"));
    }
    Ok(())
}

/// Whether an account may create an account of `role`. The three separated administrators are
/// set up from the command line only, so no administrator can make another one.
pub fn may_create_account(actor: Role, role: Role) -> bool {
    actor == Role::SystemAdmin && !role.is_separated_admin()
}

/// Whether an account may disable and enable other accounts (the security administrator).
pub fn may_lock_accounts(actor: Role) -> bool {
    actor == Role::SecurityAdmin
}

#[cfg(test)]
mod account_tests {
    use super::*;

    #[test]
    fn who_keeps_unit_records() {
        let town = Scope::Region {
            root: RegionCode::parse("c", "610921100000").unwrap(),
        };
        let keepers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may_keep_unit_records(*r, &town))
            .collect();
        assert_eq!(
            keepers,
            [
                Role::CountyAdmin,
                Role::CommitteeOffice,
                Role::DepartmentStaff,
                Role::TownStaff,
                Role::UnitManager
            ]
        );
        assert!(may_keep_unit_records(Role::Leader, &Scope::All));
    }

    #[test]
    fn passwords() {
        assert_eq!(
            check_password("p", "short", "u").map_err(|v| v.key),
            Err("error.password_short")
        );
        assert_eq!(
            check_password("p", "aaaaaaaaaaaa", "u").map_err(|v| v.key),
            Err("error.password_weak")
        );
        assert_eq!(
            check_password("p", "Chengguan01", "chengguan01").map_err(|v| v.key),
            Err("error.password_weak")
        );
        assert!(
            check_password("p", "正确的马电池订书钉", "u").is_err(),
            "9 characters"
        );
        assert!(check_password("p", "correct horse", "u").is_ok());
    }

    #[test]
    fn only_the_system_administrator_creates_accounts_and_never_an_administrator() {
        assert!(may_create_account(Role::SystemAdmin, Role::TownStaff));
        assert!(!may_create_account(Role::SystemAdmin, Role::AuditAdmin));
        assert!(!may_create_account(Role::SystemAdmin, Role::SecurityAdmin));
        assert!(!may_create_account(Role::SecurityAdmin, Role::TownStaff));
        assert!(!may_create_account(Role::CountyAdmin, Role::TownStaff));
        assert!(may_lock_accounts(Role::SecurityAdmin));
        assert!(!may_lock_accounts(Role::SystemAdmin));
        assert!(!may_lock_accounts(Role::AuditAdmin));
    }
}
