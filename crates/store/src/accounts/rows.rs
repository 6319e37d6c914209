//! Accounts as they are read, and the account as an actor.

use chrono::{DateTime, Utc};
use safegrid_domain::access::{Actor, Role, Scope, ScopeKind};
use safegrid_domain::region::RegionCode;
use sea_query::{Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Account {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    #[sqlx(try_from = "String")]
    pub role: Role,
    pub county_code: Option<String>,
    pub scope_region_code: Option<String>,
    pub scope_department_id: Option<i64>,
    pub scope_unit_id: Option<i64>,
    pub person_id: Option<i64>,
    pub disabled: bool,
    /// The second factor's secret (base32), while enrolling and once on; never shown again.
    #[serde(skip)]
    pub totp_secret: Option<String>,
    /// When the second factor was turned on; none while it is off.
    pub totp_enabled_at: Option<DateTime<Utc>>,
    /// The last TOTP time step used to sign in, so one code signs in once.
    #[serde(skip)]
    pub totp_last_step: Option<i64>,
}

impl Account {
    /// The account as an actor, with its role and scope checked. An account whose stored
    /// scope does not fit its role acts with no scope at all rather than a guessed one.
    pub fn actor(&self, from: Option<String>) -> Actor {
        let county = self
            .county_code
            .as_deref()
            .and_then(|c| RegionCode::parse("county", c).ok());
        let scope = match (self.role.scope_kind(), county) {
            (ScopeKind::Region, _) => self
                .scope_region_code
                .as_deref()
                .and_then(|c| RegionCode::parse("scope", c).ok())
                .map(|root| Scope::Region { root }),
            (ScopeKind::Department, Some(county)) => {
                self.scope_department_id
                    .map(|department_id| Scope::Department {
                        county,
                        department_id,
                    })
            }
            (ScopeKind::Unit, Some(county)) => self
                .scope_unit_id
                .map(|unit_id| Scope::Unit { county, unit_id }),
            (ScopeKind::Administration, _) => Some(Scope::Administration),
            _ => None,
        };
        Actor {
            account_id: Some(self.id),
            username: self.username.clone(),
            // A broken scope acts as none at all (an unknown role fails to load).
            role: self.role,
            scope: scope.unwrap_or(Scope::Administration),
            from,
        }
    }
}

pub(super) const ACCOUNT_COLUMNS: [&str; 14] = [
    "id",
    "username",
    "display_name",
    "password_hash",
    "role",
    "county_code",
    "scope_region_code",
    "scope_department_id",
    "scope_unit_id",
    "person_id",
    "disabled",
    "totp_secret",
    "totp_enabled_at",
    "totp_last_step",
];

pub(super) fn account_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(ACCOUNT_COLUMNS).from("accounts");
    q
}
