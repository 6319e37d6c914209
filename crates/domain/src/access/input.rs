//! What an administrator types to create an account, and the checked account the store takes.
//! The password is checked here (`check_password`) and hashed by the caller; the account never
//! carries it.

use super::{Role, ScopeKind, check_password};
use crate::invalid::{Invalid, Violation, required_text};
use crate::region::RegionCode;
use serde::Deserialize;
use utoipa::ToSchema;

/// The longest account name.
pub const USERNAME_MAX: usize = 40;

/// An account to create, as typed.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[schema(as = NewAccountRequest)]
pub struct AccountInput {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    /// county_admin, committee_office, department_staff, town_staff, village_member,
    /// unit_manager or leader (the three administrators are set up from the command line).
    pub role: String,
    /// The division a region-scoped account sees.
    pub scope_region_code: Option<String>,
    /// The department of a department account.
    pub scope_department_id: Option<i64>,
    /// The unit of a unit manager's account.
    pub scope_unit_id: Option<i64>,
    /// The county of a department account.
    pub county_code: Option<String>,
    /// The registered person the account belongs to.
    pub person_id: Option<i64>,
}

/// An account to create, checked: a name of letters, digits and `_-.`, a known role and the
/// scope that role needs. Whether the scope exists and the creator may give that role is the
/// store's to check.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub scope_region: Option<RegionCode>,
    pub scope_department_id: Option<i64>,
    pub scope_unit_id: Option<i64>,
    pub county: Option<RegionCode>,
    pub person_id: Option<i64>,
}

impl AccountInput {
    /// Checks everything typed, the password included (`check_password=false` for an account
    /// whose password was set elsewhere, as the demo's are).
    pub fn parse(&self, check_password_too: bool) -> Result<NewAccount, Invalid> {
        let mut errors = Invalid::default();
        let username = errors.keep(required_text("username", &self.username, USERNAME_MAX));
        if let Some(u) = &username
            && !u
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            errors.push(Violation::new("username", "error.username_chars"));
        }
        let display_name = errors.keep(required_text("display_name", &self.display_name, 40));
        if check_password_too {
            errors.keep(check_password("password", &self.password, &self.username));
        }
        let role = errors.keep(Role::parse("role", &self.role));
        let scope_region = match self.scope_region_code.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => {
                errors.keep(RegionCode::parse("scope_region_code", raw))
            }
            _ => None,
        };
        let county = match self.county_code.as_deref().map(str::trim) {
            Some(raw) if !raw.is_empty() => errors.keep(RegionCode::parse("county_code", raw)),
            _ => None,
        };
        match role.map(Role::scope_kind) {
            Some(ScopeKind::Region) if self.scope_region_code.is_none() => {
                errors.push(Violation::new("scope_region_code", "error.required"));
            }
            Some(ScopeKind::Department) if self.scope_department_id.is_none() => {
                errors.push(Violation::new("scope_department_id", "error.required"));
            }
            Some(ScopeKind::Unit) if self.scope_unit_id.is_none() => {
                errors.push(Violation::new("scope_unit_id", "error.required"));
            }
            _ => {}
        }
        errors.into_result()?;
        match (username, display_name, role) {
            (Some(username), Some(display_name), Some(role)) => Ok(NewAccount {
                username,
                display_name,
                role,
                scope_region,
                scope_department_id: self.scope_department_id,
                scope_unit_id: self.scope_unit_id,
                county,
                person_id: self.person_id,
            }),
            _ => Err(Invalid::one("username", "error.required")),
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
    fn every_fault_is_named_at_once() {
        let e = AccountInput {
            username: "张三".into(),
            display_name: " ".into(),
            password: "short".into(),
            role: "town_staff".into(),
            ..Default::default()
        }
        .parse(true)
        .unwrap_err();
        assert_eq!(
            fields(&e),
            ["username", "display_name", "password", "scope_region_code"]
        );
    }

    #[test]
    fn each_role_needs_its_own_scope() {
        let base = AccountInput {
            username: "u1".into(),
            display_name: "U".into(),
            ..Default::default()
        };
        for (role, field) in [
            ("department_staff", "scope_department_id"),
            ("unit_manager", "scope_unit_id"),
            ("village_member", "scope_region_code"),
        ] {
            let e = AccountInput {
                role: role.into(),
                ..base.clone()
            }
            .parse(false)
            .unwrap_err();
            assert_eq!(fields(&e), [field], "{role}");
        }
        let admin = AccountInput {
            role: "system_admin".into(),
            ..base
        }
        .parse(false)
        .unwrap();
        assert_eq!(admin.role, Role::SystemAdmin);
    }
}
