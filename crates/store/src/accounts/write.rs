//! Creating and changing accounts: the three separated administrators, passwords, disabling,
//! and the second factor.

use super::rows::{Account, account_select};
use crate::audit::{Event, SYSTEM_CHAIN, now};
use crate::db::Store;
use crate::insert;
use crate::{Result, StoreError};
pub use safegrid_domain::access::input::NewAccount;
use safegrid_domain::access::{AccountAction, Actor, Role, Scope, may_create_account};
use safegrid_domain::invalid::Invalid;
use safegrid_domain::region::RegionCode;
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

/// The audit record of a change an account made to itself (its second factor).
pub(super) fn own_change(id: i64, action: &'static str) -> Event<'static> {
    Event {
        chain: SYSTEM_CHAIN,
        action,
        object_type: "account",
        object_id: Some(id.to_string()),
        detail: json!({}),
        outcome: "ok",
    }
}

impl Store {
    /// Disables or enables an account (the security administrator, ordinary accounts only;
    /// never their own). Disabling ends the account's sessions at once.
    pub async fn set_account_disabled(
        &self,
        actor: &Actor,
        id: i64,
        disabled: bool,
    ) -> Result<Account> {
        let action = if disabled {
            AccountAction::Disable
        } else {
            AccountAction::Enable
        };
        let account = self.account_to_act_on(actor, id, action).await?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.update(
            Query::update()
                .table("accounts")
                .value("disabled", disabled)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        if disabled {
            conn.delete(
                Query::delete()
                    .from_table("sessions")
                    .and_where(Expr::col("account_id").eq(id)),
            )
            .await?;
        }
        tx.commit_audited(
            actor,
            Event {
                chain: SYSTEM_CHAIN,
                action: if disabled {
                    "account.disable"
                } else {
                    "account.enable"
                },
                object_type: "account",
                object_id: Some(id.to_string()),
                detail: json!({ "username": account.username }),
                outcome: "ok",
            },
        )
        .await?;
        self.sessions_changed();
        self.account(id).await
    }

    /// Sets a new password (already hashed) for another account and ends its sessions (the
    /// system administrator resets ordinary accounts' passwords).
    pub async fn set_password(&self, actor: &Actor, id: i64, password_hash: &str) -> Result<()> {
        let account = self
            .account_to_act_on(actor, id, AccountAction::ResetPassword)
            .await?;
        self.write_password(actor, &account, password_hash, None, "account.password")
            .await
    }

    /// Changes the actor's own password (already checked against the old one and hashed),
    /// ending its other sessions; the one it is made from, `keep_session`, goes on.
    pub async fn change_own_password(
        &self,
        actor: &Actor,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<()> {
        let id = actor.account_id.ok_or(StoreError::Forbidden)?;
        let account = self.account(id).await?;
        self.write_password(
            actor,
            &account,
            password_hash,
            Some(keep_session),
            "account.own_password",
        )
        .await
    }

    async fn write_password(
        &self,
        actor: &Actor,
        account: &Account,
        password_hash: &str,
        keep_session: Option<&str>,
        action: &'static str,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.update(
            Query::update()
                .table("accounts")
                .value("password_hash", password_hash)
                .and_where(Expr::col("id").eq(account.id)),
        )
        .await?;
        let mut end = Query::delete();
        end.from_table("sessions")
            .and_where(Expr::col("account_id").eq(account.id));
        if let Some(keep) = keep_session {
            end.and_where(Expr::col("token_hash").ne(keep));
        }
        conn.delete(&end).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: SYSTEM_CHAIN,
                action,
                object_type: "account",
                object_id: Some(account.id.to_string()),
                detail: json!({ "username": account.username }),
                outcome: "ok",
            },
        )
        .await?;
        self.sessions_changed();
        Ok(())
    }

    /// Creates an account. Its scope must fit its role, and no person may hold two of the
    /// three separated administrator roles.
    pub async fn create_account(
        &self,
        actor: &Actor,
        input: NewAccount,
        password_hash: &str,
    ) -> Result<Account> {
        // Only a role that may create some account gets as far as the input.
        if actor.scope != Scope::All
            && !Role::ALL
                .into_iter()
                .any(|r| may_create_account(actor.role, r))
        {
            return Err(StoreError::Forbidden);
        }
        let NewAccount {
            username,
            display_name: display,
            role,
            ..
        } = &input;
        let (username, display, role) = (username.clone(), display.clone(), *role);
        if actor.scope != Scope::All && !may_create_account(actor.role, role) {
            return Err(Invalid::one("role", "error.role_reserved").into());
        }
        let mut county = match (&input.scope_region, &input.county) {
            (Some(r), _) => r.county().map(|c| c.to_string()),
            (None, Some(c)) => Some(c.to_string()),
            (None, None) => None,
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        if let Some(code) = &input.scope_region
            && crate::org::find_region(&mut conn, &Actor::system(), code)
                .await?
                .is_none()
        {
            return Err(Invalid::one("scope_region_code", "error.region_unknown").into());
        }
        // A department's or unit's account works in that department's or unit's county.
        let owners = [
            (
                "departments",
                input.scope_department_id,
                "scope_department_id",
                "error.department_unknown",
            ),
            (
                "units",
                input.scope_unit_id,
                "scope_unit_id",
                "error.unit_unknown",
            ),
        ];
        for (table, id, field, unknown) in owners {
            let Some(id) = id else { continue };
            let found: Option<(String,)> = conn
                .optional(
                    Query::select()
                        .column("county_code")
                        .from(table)
                        .and_where(Expr::col("id").eq(id)),
                )
                .await?;
            match (found, &county) {
                (Some((of_owner,)), Some(given)) if of_owner != *given => {
                    return Err(Invalid::one(field, unknown).into());
                }
                (Some((of_owner,)), _) => county = Some(of_owner),
                (None, _) => return Err(Invalid::one(field, unknown).into()),
            }
        }
        if role.is_separated_admin()
            && let Some(person) = input.person_id
        {
            let others: Vec<(String,)> = conn
                .all(
                    Query::select()
                        .column("role")
                        .from("accounts")
                        .and_where(Expr::col("person_id").eq(person)),
                )
                .await?;
            let others = others
                .iter()
                .map(|(r,)| r.parse::<Role>())
                .collect::<std::result::Result<Vec<_>, _>>()?;
            if others
                .into_iter()
                .any(|r| r.is_separated_admin() && r != role)
            {
                return Err(Invalid::one("role", "error.separated_admin").into());
            }
        }
        let id = conn
            .insert_id(
                insert::row(
                    "accounts",
                    [
                        ("username", username.clone().into()),
                        ("display_name", display.into()),
                        ("password_hash", password_hash.into()),
                        ("role", role.as_str().into()),
                        ("county_code", county.clone().into()),
                        (
                            "scope_region_code",
                            input
                                .scope_region
                                .as_ref()
                                .map(RegionCode::to_string)
                                .into(),
                        ),
                        ("scope_department_id", input.scope_department_id.into()),
                        ("scope_unit_id", input.scope_unit_id.into()),
                        ("person_id", input.person_id.into()),
                        ("disabled", false.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await
            .map_err(|e| e.unique_as("username", "error.username_taken"))?;
        let account = conn
            .one(account_select().and_where(Expr::col("id").eq(id)))
            .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: SYSTEM_CHAIN,
                action: "account.create",
                object_type: "account",
                object_id: Some(id.to_string()),
                detail: json!({ "username": username, "role": role.as_str(), "county": county }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(account)
    }

    /// Starts enrolling the actor's second factor with a new secret (base32). A second factor
    /// that is already on stays on until the new one is confirmed.
    pub async fn begin_totp(&self, actor: &Actor, secret: &str) -> Result<()> {
        let id = actor.account_id.ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let account: Account = conn
            .one(account_select().and_where(Expr::col("id").eq(id)))
            .await?;
        if account.totp_enabled_at.is_some() {
            return Err(StoreError::Refused("totp.already_on"));
        }
        conn.update(
            Query::update()
                .table("accounts")
                .value("totp_secret", secret)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        tx.commit_audited(actor, own_change(id, "account.totp_begin"))
            .await?;
        self.sessions_changed();
        Ok(())
    }

    /// Turns the actor's second factor on, once a code from it was checked (`step` is that
    /// code's time step).
    pub async fn enable_totp(&self, actor: &Actor, step: i64) -> Result<()> {
        let id = actor.account_id.ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.update(
            Query::update()
                .table("accounts")
                .value("totp_enabled_at", now())
                .value("totp_last_step", step)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        tx.commit_audited(actor, own_change(id, "account.totp_on"))
            .await?;
        self.sessions_changed();
        Ok(())
    }
}
