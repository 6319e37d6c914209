//! Who may see and do what (design §5). An account has one role and one scope; the store
//! filters every read and write by the scope, and the operations here decide what a role may
//! change within it. Out-of-scope objects are treated as missing by the layers above.

pub mod input;

use crate::invalid::Violation;
use crate::region::RegionCode;
use serde::Serialize;
use std::collections::HashSet;
use std::sync::LazyLock;

crate::closed_set! {
    invalid = "error.role";
    /// The roles of the county plan, plus the three separated administrators (三员).
    pub enum Role {
        /// 县级管理员: runs the county's supervision data.
        CountyAdmin = "county_admin",
        /// 安委办: the safety committee office, county-wide.
        CommitteeOffice = "committee_office",
        /// 部门人员: staff of one county department.
        DepartmentStaff = "department_staff",
        /// 镇安监站: staff of a town's safety station.
        TownStaff = "town_staff",
        /// 村网格员: a village grid member.
        VillageMember = "village_member",
        /// 企业安全管理员: the safety manager of one unit.
        UnitManager = "unit_manager",
        /// 县领导: a county leader, reading everything, changing nothing.
        Leader = "leader",
        /// 系统管理员: accounts and settings, no supervision data.
        SystemAdmin = "system_admin",
        /// 安全管理员 (三员): disables and enables ordinary accounts, no supervision data.
        SecurityAdmin = "security_admin",
        /// 审计管理员: reads the audit log, nothing else.
        AuditAdmin = "audit_admin",
    }
}

impl Role {
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

    /// Whether something outside the census (a hazard at an unregistered site) may be placed
    /// in `division` by this scope: a region's own subtree, a department's county.
    pub fn may_place_in(&self, division: &RegionCode) -> bool {
        match self {
            Scope::All => true,
            Scope::Region { root } => division.is_within(root),
            Scope::Department { county, .. } => division.is_within(county),
            Scope::Unit { .. } | Scope::Administration => false,
        }
    }
}

/// Whether an account must sign in with a second factor (等保 level 3: two kinds of proof for
/// those who administer): the county administrator and the three separated administrators.
pub fn must_use_second_factor(role: Role) -> bool {
    matches!(role, Role::CountyAdmin) || role.is_separated_admin()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_administrators_see_no_supervision_data() {
        for role in Role::ALL {
            assert_eq!(role.is_separated_admin(), !role.sees_supervision_data());
            assert_eq!(Role::parse("role", role.as_str()), Ok(role));
        }
        let second: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| must_use_second_factor(*r))
            .collect();
        assert_eq!(
            second,
            [
                Role::CountyAdmin,
                Role::SystemAdmin,
                Role::SecurityAdmin,
                Role::AuditAdmin
            ]
        );
        assert!(!may_manage_accounts(Role::AuditAdmin));
    }
}

/// Shortest and longest password, in characters (GB/T 22239-2019 8.1.4.1 a).
pub const PASSWORD_MIN_CHARS: usize = 10;
pub const PASSWORD_MAX_CHARS: usize = 128;
/// How many of the four kinds of character (upper case, lower case, digits, symbols) a
/// password must mix.
pub const PASSWORD_MIN_CLASSES: usize = 3;

/// The 10,000 most common passwords, lower-cased (source and licence in `access/README.md`).
static COMMON_PASSWORDS: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
    include_str!("access/common_passwords.txt")
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect()
});

/// Whether a password is on the shipped list of common passwords, ignoring case.
pub fn is_common_password(password: &str) -> bool {
    COMMON_PASSWORDS.contains(password.to_lowercase().as_str())
}

/// How many of the four kinds of character a password uses: upper case, lower case, ASCII
/// digits, and symbols (anything else: punctuation, spaces, Chinese characters …).
pub fn password_classes(password: &str) -> usize {
    let (mut upper, mut lower, mut digit, mut symbol) = (false, false, false, false);
    for c in password.chars() {
        if c.is_ascii_digit() {
            digit = true;
        } else if c.is_uppercase() {
            upper = true;
        } else if c.is_lowercase() {
            lower = true;
        } else {
            symbol = true;
        }
    }
    [upper, lower, digit, symbol]
        .into_iter()
        .filter(|b| *b)
        .count()
}

/// A password an account may have (GB/T 22239-2019 level 3, identification): 10 to 128
/// characters; at least three of upper case, lower case, digits and symbols; not the account
/// name, nor containing it when the name has four or more characters (ignoring case); not one
/// of the 10,000 most common passwords (ignoring case). The first rule broken is reported, each
/// with its own key: `error.password_short`, `error.too_long`, `error.password_username`,
/// `error.password_common`, `error.password_classes`. The hash is Argon2id.
pub fn check_password(field: &str, password: &str, username: &str) -> Result<(), Violation> {
    let n = password.chars().count();
    if n < PASSWORD_MIN_CHARS {
        return Err(Violation::new(field, "error.password_short").with("min", PASSWORD_MIN_CHARS));
    }
    if n > PASSWORD_MAX_CHARS {
        return Err(Violation::new(field, "error.too_long").with("max", PASSWORD_MAX_CHARS));
    }
    let name = username.trim().to_lowercase();
    let lowered = password.to_lowercase();
    if !name.is_empty()
        && (lowered == name || (name.chars().count() >= 4 && lowered.contains(&name)))
    {
        return Err(Violation::new(field, "error.password_username"));
    }
    if is_common_password(password) {
        return Err(Violation::new(field, "error.password_common"));
    }
    if password_classes(password) < PASSWORD_MIN_CLASSES {
        return Err(
            Violation::new(field, "error.password_classes").with("min", PASSWORD_MIN_CLASSES)
        );
    }
    Ok(())
}

crate::closed_set! {
    /// What one account may do to another (三员分立).
    pub enum AccountAction {
        Create = "create",
        /// Sets a new password without knowing the old one (changing one's own password with the
        /// old one is a separate operation, open to every account).
        ResetPassword = "reset_password",
        Disable = "disable",
        Enable = "enable",
        ChangeRole = "change_role",
        ChangeScope = "change_scope",
    }
}

/// Who may do what to which account: the one table of the three separated administrators.
///
/// `target` is the role of the account acted on; for [`AccountAction::Create`] the role being
/// given, and for [`AccountAction::ChangeRole`] both the current and the new role must pass
/// (use [`may_change_role`]). The system administrator creates ordinary accounts, resets their
/// passwords and changes their role and scope; the security administrator disables and
/// enables them. No account acts on an administrator-class account (system, security, audit)
/// at all, nor makes one: those are managed from the command line by the system itself. Every
/// other role manages no accounts. Because the only roles that act are administrator-class,
/// no account can act on its own account through this table either; [`may_act_on`] checks
/// that separately as well.
pub fn may_act_on_account(actor: Role, action: AccountAction, target: Role) -> bool {
    use AccountAction::*;
    if target.is_separated_admin() {
        return false;
    }
    match actor {
        Role::SystemAdmin => matches!(action, Create | ResetPassword | ChangeRole | ChangeScope),
        Role::SecurityAdmin => matches!(action, Disable | Enable),
        Role::CountyAdmin
        | Role::CommitteeOffice
        | Role::DepartmentStaff
        | Role::TownStaff
        | Role::VillageMember
        | Role::UnitManager
        | Role::Leader
        | Role::AuditAdmin => false,
    }
}

/// Whether `actor` may change an account's role from `from` to `to`: the table must allow
/// [`AccountAction::ChangeRole`] on both.
pub fn may_change_role(actor: Role, from: Role, to: Role) -> bool {
    may_act_on_account(actor, AccountAction::ChangeRole, from)
        && may_act_on_account(actor, AccountAction::ChangeRole, to)
}

/// An existing account acted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccountTarget {
    pub id: i64,
    pub role: Role,
}

/// Whether `actor` may take `action` on an existing account: the system itself (command-line
/// tools, `Scope::All`) may do anything; a signed-in account only what [`may_act_on_account`]
/// allows, and never to its own account (resetting one's own password without the old one,
/// disabling oneself, changing one's own role or scope). For a change of role pass the new
/// role too, through [`may_change_role_of`].
pub fn may_act_on(actor: &Actor, action: AccountAction, target: AccountTarget) -> bool {
    if actor.scope == Scope::All {
        return true;
    }
    actor.account_id != Some(target.id) && may_act_on_account(actor.role, action, target.role)
}

/// [`may_act_on`] for a change of role, checking the new role as well.
pub fn may_change_role_of(actor: &Actor, target: AccountTarget, to: Role) -> bool {
    may_act_on(actor, AccountAction::ChangeRole, target)
        && (actor.scope == Scope::All
            || may_act_on_account(actor.role, AccountAction::ChangeRole, to))
}

/// Whether an account may create an account of `role` (the table's `Create` row). The three
/// separated administrators are set up from the command line only, so no administrator can
/// make another one.
pub fn may_create_account(actor: Role, role: Role) -> bool {
    may_act_on_account(actor, AccountAction::Create, role)
}

/// Whether an account may disable and enable other (ordinary) accounts: the security
/// administrator, by the table.
pub fn may_lock_accounts(actor: Role) -> bool {
    Role::ALL.into_iter().any(|target| {
        may_act_on_account(actor, AccountAction::Disable, target)
            && may_act_on_account(actor, AccountAction::Enable, target)
    })
}

/// Whether an account may manage accounts at all (see the list of accounts): any role the
/// table lets act on some account.
pub fn may_manage_accounts(role: Role) -> bool {
    AccountAction::ALL.into_iter().any(|action| {
        Role::ALL
            .into_iter()
            .any(|target| may_act_on_account(role, action, target))
    })
}

#[cfg(test)]
mod account_tests {
    use super::*;

    fn refusal(password: &str, username: &str) -> Result<(), &'static str> {
        check_password("password", password, username).map_err(|v| {
            assert_eq!(v.field, "password");
            v.key
        })
    }

    #[test]
    fn password_length_counts_characters_not_bytes() {
        assert_eq!(refusal("Ab1!Ab1!a", "u"), Err("error.password_short"));
        assert_eq!(
            check_password("password", "Ab1!", "u").map_err(|v| v.args),
            Err(vec![("min", "10".to_owned())])
        );
        // Nine Chinese characters are 27 bytes but nine characters.
        assert_eq!(
            refusal("正确的马电池订书钉", "u"),
            Err("error.password_short")
        );
        // Ten are enough when mixed with two other classes: 中 counts as a symbol.
        assert_eq!(refusal("安全生产网格化管理A1", "u"), Ok(()));
        assert_eq!(refusal("Ab1!Ab1!Ab", "u"), Ok(()));
        let longest = format!("Ab1!{}", "x".repeat(124));
        assert_eq!(longest.chars().count(), 128);
        assert_eq!(refusal(&longest, "u"), Ok(()));
        assert_eq!(refusal(&format!("{longest}y"), "u"), Err("error.too_long"));
    }

    #[test]
    fn three_of_four_classes() {
        for weak in [
            "abcdefghijkq",         // lower only
            "ABCDEFGHJKQW",         // upper only
            "8302749156302",        // digits only
            "correct horse",        // lower and a symbol (the space)
            "Anzhanxiaozhu",        // upper and lower
            "anzhan2026xz",         // lower and digits
            "长城汽车安全生产网格", // symbols only
        ] {
            assert_eq!(refusal(weak, "u"), Err("error.password_classes"), "{weak}");
        }
        assert_eq!(refusal("ANZHAN-2026-XZ", "u"), Ok(()));
        assert_eq!(refusal("anzhan-2026-xz", "u"), Ok(()));
        assert_eq!(refusal("Anzhan-xiaozhu", "u"), Ok(()));
        assert_eq!(refusal("Anzhan2026xz", "u"), Ok(()));
        assert_eq!(password_classes("aA1!"), 4);
        assert_eq!(password_classes("安全"), 1);
    }

    #[test]
    fn never_the_account_name() {
        assert_eq!(
            refusal("Chengguan01", "chengguan01"),
            Err("error.password_username")
        );
        // Contained, ignoring case, when the name has four or more characters.
        assert_eq!(
            refusal("My-ZHANGWEI-2026", "zhangwei"),
            Err("error.password_username")
        );
        assert_eq!(
            refusal("Xx-admin-2026", "Admin"),
            Err("error.password_username")
        );
        // A name of three characters or fewer only counts when it is the whole password.
        assert_eq!(refusal("Lee-Anzhan-2026", "lee"), Ok(()));
        assert_eq!(refusal("Anzhan@2026-xz", ""), Ok(()));
    }

    #[test]
    fn never_a_common_password() {
        // On the shipped list (lower case there), refused whatever the case.
        for listed in ["charlie123", "1q2w3e4r5t", "qwertyuiop", "primetime21"] {
            assert!(is_common_password(listed), "{listed}");
        }
        assert_eq!(refusal("Charlie123", "u"), Err("error.password_common"));
        assert_eq!(refusal("1Q2w3E4r5T", "u"), Err("error.password_common"));
        assert_eq!(refusal("PrimeTime21", "u"), Err("error.password_common"));
        assert_eq!(refusal("QWERTYUIOP", "u"), Err("error.password_common"));
        assert!(is_common_password("PASSWORD"));
        assert!(!is_common_password("Anzhan@2026-xz"));
        assert_eq!(COMMON_PASSWORDS.len(), 10_000);
    }

    #[test]
    fn strong_passwords_pass() {
        for good in [
            "Anzhan@2026-xz",
            "Wangge#Xuanwo7",
            "Qiaotou-Zhen-88",
            "安监站2026Spring",
        ] {
            assert_eq!(refusal(good, "town_chengguan"), Ok(()), "{good}");
        }
    }

    #[test]
    fn only_the_system_administrator_creates_accounts_and_never_an_administrator() {
        assert!(may_create_account(Role::SystemAdmin, Role::TownStaff));
        assert!(!may_create_account(Role::SystemAdmin, Role::AuditAdmin));
        assert!(!may_create_account(Role::SystemAdmin, Role::SecurityAdmin));
        assert!(!may_create_account(Role::SystemAdmin, Role::SystemAdmin));
        assert!(!may_create_account(Role::SecurityAdmin, Role::TownStaff));
        assert!(!may_create_account(Role::CountyAdmin, Role::TownStaff));
        assert!(may_lock_accounts(Role::SecurityAdmin));
        assert!(!may_lock_accounts(Role::SystemAdmin));
        assert!(!may_lock_accounts(Role::AuditAdmin));
        let managers: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| may_manage_accounts(*r))
            .collect();
        assert_eq!(managers, [Role::SystemAdmin, Role::SecurityAdmin]);
    }

    /// The table written out by hand: one row per actor and action, one mark per target role
    /// in the order of `Role::ALL` (county_admin, committee_office, department_staff,
    /// town_staff, village_member, unit_manager, leader, system_admin, security_admin,
    /// audit_admin). `Y` allowed, `.` refused.
    const EXPECTED: &str = "
        county_admin     create          . . . . . . . . . .
        county_admin     reset_password  . . . . . . . . . .
        county_admin     disable         . . . . . . . . . .
        county_admin     enable          . . . . . . . . . .
        county_admin     change_role     . . . . . . . . . .
        county_admin     change_scope    . . . . . . . . . .
        committee_office create          . . . . . . . . . .
        committee_office reset_password  . . . . . . . . . .
        committee_office disable         . . . . . . . . . .
        committee_office enable          . . . . . . . . . .
        committee_office change_role     . . . . . . . . . .
        committee_office change_scope    . . . . . . . . . .
        department_staff create          . . . . . . . . . .
        department_staff reset_password  . . . . . . . . . .
        department_staff disable         . . . . . . . . . .
        department_staff enable          . . . . . . . . . .
        department_staff change_role     . . . . . . . . . .
        department_staff change_scope    . . . . . . . . . .
        town_staff       create          . . . . . . . . . .
        town_staff       reset_password  . . . . . . . . . .
        town_staff       disable         . . . . . . . . . .
        town_staff       enable          . . . . . . . . . .
        town_staff       change_role     . . . . . . . . . .
        town_staff       change_scope    . . . . . . . . . .
        village_member   create          . . . . . . . . . .
        village_member   reset_password  . . . . . . . . . .
        village_member   disable         . . . . . . . . . .
        village_member   enable          . . . . . . . . . .
        village_member   change_role     . . . . . . . . . .
        village_member   change_scope    . . . . . . . . . .
        unit_manager     create          . . . . . . . . . .
        unit_manager     reset_password  . . . . . . . . . .
        unit_manager     disable         . . . . . . . . . .
        unit_manager     enable          . . . . . . . . . .
        unit_manager     change_role     . . . . . . . . . .
        unit_manager     change_scope    . . . . . . . . . .
        leader           create          . . . . . . . . . .
        leader           reset_password  . . . . . . . . . .
        leader           disable         . . . . . . . . . .
        leader           enable          . . . . . . . . . .
        leader           change_role     . . . . . . . . . .
        leader           change_scope    . . . . . . . . . .
        system_admin     create          Y Y Y Y Y Y Y . . .
        system_admin     reset_password  Y Y Y Y Y Y Y . . .
        system_admin     disable         . . . . . . . . . .
        system_admin     enable          . . . . . . . . . .
        system_admin     change_role     Y Y Y Y Y Y Y . . .
        system_admin     change_scope    Y Y Y Y Y Y Y . . .
        security_admin   create          . . . . . . . . . .
        security_admin   reset_password  . . . . . . . . . .
        security_admin   disable         Y Y Y Y Y Y Y . . .
        security_admin   enable          Y Y Y Y Y Y Y . . .
        security_admin   change_role     . . . . . . . . . .
        security_admin   change_scope    . . . . . . . . . .
        audit_admin      create          . . . . . . . . . .
        audit_admin      reset_password  . . . . . . . . . .
        audit_admin      disable         . . . . . . . . . .
        audit_admin      enable          . . . . . . . . . .
        audit_admin      change_role     . . . . . . . . . .
        audit_admin      change_scope    . . . . . . . . . .
    ";

    #[test]
    fn every_actor_action_and_target() {
        let mut checked = 0;
        let mut rows = 0;
        for line in EXPECTED.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let mut words = line.split_whitespace();
            let actor = Role::parse("actor", words.next().unwrap()).unwrap();
            let action_name = words.next().unwrap();
            let action = AccountAction::ALL
                .into_iter()
                .find(|a| a.as_str() == action_name)
                .unwrap();
            let marks: Vec<&str> = words.collect();
            assert_eq!(marks.len(), Role::ALL.len(), "{line}");
            for (target, mark) in Role::ALL.into_iter().zip(marks) {
                let expected = match mark {
                    "Y" => true,
                    "." => false,
                    other => panic!("mark {other} in {line}"),
                };
                assert_eq!(
                    may_act_on_account(actor, action, target),
                    expected,
                    "{actor:?} {action:?} {target:?}"
                );
                checked += 1;
            }
            rows += 1;
        }
        // Every actor × action has exactly one row.
        assert_eq!(rows, Role::ALL.len() * AccountAction::ALL.len());
        assert_eq!(checked, 600);
    }

    #[test]
    fn no_account_acts_on_itself() {
        for role in Role::ALL {
            for action in AccountAction::ALL {
                assert!(
                    !may_act_on_account(role, action, role),
                    "{role:?} {action:?}"
                );
            }
        }
        let account = |id, role| Actor {
            account_id: Some(id),
            username: "x".to_owned(),
            role,
            scope: Scope::Administration,
            from: None,
        };
        let sysadmin = account(1, Role::SystemAdmin);
        let town = AccountTarget {
            id: 7,
            role: Role::TownStaff,
        };
        assert!(may_act_on(&sysadmin, AccountAction::ResetPassword, town));
        // Even were the table to allow it, an account never resets its own password.
        assert!(!may_act_on(
            &sysadmin,
            AccountAction::ResetPassword,
            AccountTarget {
                id: 1,
                role: Role::SystemAdmin
            }
        ));
        let security = account(2, Role::SecurityAdmin);
        assert!(may_act_on(&security, AccountAction::Disable, town));
        assert!(!may_act_on(
            &security,
            AccountAction::Disable,
            AccountTarget {
                id: 1,
                role: Role::SystemAdmin
            }
        ));
        assert!(!may_act_on(&security, AccountAction::ResetPassword, town));
        // The system itself (command line) manages the administrators.
        let system = Actor::system();
        let auditor = AccountTarget {
            id: 3,
            role: Role::AuditAdmin,
        };
        assert!(may_act_on(&system, AccountAction::ResetPassword, auditor));
        assert!(may_change_role_of(&system, town, Role::SecurityAdmin));
    }

    #[test]
    fn a_change_of_role_is_checked_at_both_ends() {
        assert!(may_change_role(
            Role::SystemAdmin,
            Role::TownStaff,
            Role::CountyAdmin
        ));
        assert!(!may_change_role(
            Role::SystemAdmin,
            Role::TownStaff,
            Role::AuditAdmin
        ));
        assert!(!may_change_role(
            Role::SystemAdmin,
            Role::SecurityAdmin,
            Role::TownStaff
        ));
        assert!(!may_change_role(
            Role::SecurityAdmin,
            Role::TownStaff,
            Role::Leader
        ));
        let sysadmin = Actor {
            account_id: Some(1),
            username: "sysadmin".to_owned(),
            role: Role::SystemAdmin,
            scope: Scope::Administration,
            from: None,
        };
        let town = AccountTarget {
            id: 7,
            role: Role::TownStaff,
        };
        assert!(may_change_role_of(&sysadmin, town, Role::Leader));
        assert!(!may_change_role_of(&sysadmin, town, Role::SystemAdmin));
    }
}
