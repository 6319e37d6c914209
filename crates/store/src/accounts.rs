//! Accounts and sessions. Passwords arrive already hashed (the web layer owns hashing);
//! session tokens are stored only as hashes.

use crate::audit::{self, Event, SYSTEM_CHAIN, now};
use crate::db::Store;
use crate::{Page, PageRequest, Result, StoreError};
use chrono::{DateTime, Utc};
use safegrid_domain::access::{
    AccountAction, AccountTarget, Actor, Role, Scope, ScopeKind, may_act_on, may_create_account,
    may_manage_accounts,
};
use safegrid_domain::invalid::{Invalid, Violation, required_text};
use safegrid_domain::region::RegionCode;
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;
use serde_json::json;
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

/// An account to create; `password_hash` is an Argon2id PHC string.
#[derive(Debug, Clone, Default)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub password_hash: String,
    pub role: String,
    pub scope_region_code: Option<String>,
    pub scope_department_id: Option<i64>,
    pub scope_unit_id: Option<i64>,
    pub county_code: Option<String>,
    pub person_id: Option<i64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionKind {
    /// A browser session (cookie), with a CSRF token for its forms.
    Web,
    /// A bearer token for API clients.
    Api,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Web => "web",
            SessionKind::Api => "api",
        }
    }
}

/// A session to start: the token's hash (never the token), its CSRF token, when it ends, and
/// where the sign-in came from.
#[derive(Debug, Clone)]
pub struct NewSession {
    pub kind: SessionKind,
    pub token_hash: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub from: Option<String>,
    pub user_agent: Option<String>,
}

/// A live session and its account.
#[derive(Debug, Clone)]
pub struct Session {
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
}

#[derive(FromRow)]
struct SessionRow {
    #[sqlx(flatten)]
    account: Account,
    csrf_token: String,
    expires_at: DateTime<Utc>,
    last_seen_at: DateTime<Utc>,
}

/// How stale a session's last-seen time may get before a request writes it again: it is the
/// idle clock's resolution, and keeps reads from writing on every request.
const SEEN_RESOLUTION_SECONDS: i64 = 60;

const ACCOUNT_COLUMNS: [&str; 14] = [
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

fn account_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(ACCOUNT_COLUMNS).from("accounts");
    q
}

/// A sign-in name in the one form it is looked up, counted and locked under: trimmed, and cut
/// to the longest name an account can have (so a longer one cannot dodge its count).
pub fn login_name(raw: &str) -> String {
    raw.trim().chars().take(USERNAME_MAX).collect()
}

/// The longest account name.
pub const USERNAME_MAX: usize = 40;

/// Audits a change an account made to itself (its second factor).
async fn record_own(
    conn: &mut crate::db::Conn<'_>,
    actor: &Actor,
    id: i64,
    action: &'static str,
) -> Result<()> {
    audit::record(
        conn,
        actor,
        Event {
            chain: SYSTEM_CHAIN,
            action,
            object_type: "account",
            object_id: Some(id.to_string()),
            detail: json!({}),
            outcome: "ok",
        },
    )
    .await
}

impl Store {
    pub async fn account_by_username(&self, username: &str) -> Result<Option<Account>> {
        let mut c = self.read().await?;
        c.conn()
            .optional(account_select().and_where(Expr::col("username").eq(login_name(username))))
            .await
    }

    /// Accounts, a page at a time, for the system and security administrators.
    pub async fn accounts(&self, actor: &Actor, page: PageRequest) -> Result<Page<Account>> {
        if !may_manage_accounts(actor.role) && actor.scope != Scope::All {
            return Err(StoreError::Forbidden);
        }
        let mut c = self.read().await?;
        c.conn()
            .page(account_select().order_by("id", Order::Asc), page)
            .await
    }

    async fn account(&self, id: i64) -> Result<Account> {
        let mut c = self.read().await?;
        c.conn()
            .one(account_select().and_where(Expr::col("id").eq(id)))
            .await
    }

    /// An account an administrator is about to act on, if the table of who may do what to
    /// which account (`access::may_act_on`) lets this actor take `action` on it. Never one's
    /// own account: that is changed with the old password (`change_own_password`).
    pub async fn account_to_act_on(
        &self,
        actor: &Actor,
        id: i64,
        action: AccountAction,
    ) -> Result<Account> {
        if !may_manage_accounts(actor.role) && actor.scope != Scope::All {
            return Err(StoreError::Forbidden);
        }
        let account = self.account(id).await?;
        let target = AccountTarget {
            id,
            role: account.role,
        };
        if !may_act_on(actor, action, target) {
            return Err(if actor.account_id == Some(id) {
                Invalid::one("id", "error.own_account").into()
            } else {
                StoreError::Forbidden
            });
        }
        Ok(account)
    }

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
        audit::record(
            &mut conn,
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
        tx.commit().await?;
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
        audit::record(
            &mut conn,
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
        tx.commit().await
    }

    /// Creates an account. Its scope must fit its role, and no person may hold two of the
    /// three separated administrator roles.
    pub async fn create_account(&self, actor: &Actor, input: NewAccount) -> Result<Account> {
        // Only a role that may create some account gets as far as the input.
        if actor.scope != Scope::All
            && !Role::ALL
                .into_iter()
                .any(|r| may_create_account(actor.role, r))
        {
            return Err(StoreError::Forbidden);
        }
        let mut errors = Invalid::default();
        let username = required_text("username", &input.username, USERNAME_MAX)
            .map_err(|v| errors.push(v))
            .ok();
        if let Some(u) = &username
            && !u
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        {
            errors.push(Violation::new("username", "error.username_chars"));
        }
        let display = required_text("display_name", &input.display_name, 40)
            .map_err(|v| errors.push(v))
            .ok();
        let role = Role::parse("role", &input.role)
            .map_err(|v| errors.push(v))
            .ok();
        let (Some(username), Some(display), Some(role)) = (username, display, role) else {
            return Err(errors.into());
        };
        if actor.scope != Scope::All && !may_create_account(actor.role, role) {
            return Err(Invalid::one("role", "error.role_reserved").into());
        }
        let needs = role.scope_kind();
        match needs {
            ScopeKind::Region if input.scope_region_code.is_none() => {
                errors.push(Violation::new("scope_region_code", "error.required"));
            }
            ScopeKind::Department if input.scope_department_id.is_none() => {
                errors.push(Violation::new("scope_department_id", "error.required"));
            }
            ScopeKind::Unit if input.scope_unit_id.is_none() => {
                errors.push(Violation::new("scope_unit_id", "error.required"));
            }
            _ => {}
        }
        errors.into_result()?;
        let mut county = match (&input.scope_region_code, &input.county_code) {
            (Some(r), _) => RegionCode::parse("scope_region_code", r)?
                .county()
                .map(|c| c.to_string()),
            (None, Some(c)) => Some(RegionCode::parse("county_code", c)?.to_string()),
            (None, None) => None,
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        if let Some(code) = &input.scope_region_code {
            let code = RegionCode::parse("scope_region_code", code)?;
            if crate::org::find_region(&mut conn, &Actor::system(), &code)
                .await?
                .is_none()
            {
                return Err(Invalid::one("scope_region_code", "error.region_unknown").into());
            }
        }
        // A department account works in its department's county.
        if let Some(id) = input.scope_department_id {
            let found: Option<(String,)> = conn
                .optional(
                    Query::select()
                        .column("county_code")
                        .from("departments")
                        .and_where(Expr::col("id").eq(id)),
                )
                .await?;
            match (found, &county) {
                (Some((of_department,)), Some(given)) if of_department != *given => {
                    return Err(
                        Invalid::one("scope_department_id", "error.department_unknown").into(),
                    );
                }
                (Some((of_department,)), _) => county = Some(of_department),
                (None, _) => {
                    return Err(
                        Invalid::one("scope_department_id", "error.department_unknown").into(),
                    );
                }
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
                Query::insert()
                    .into_table("accounts")
                    .columns([
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
                        "created_at",
                    ])
                    .values_panic([
                        username.clone().into(),
                        display.into(),
                        input.password_hash.into(),
                        role.as_str().into(),
                        county.clone().into(),
                        input.scope_region_code.into(),
                        input.scope_department_id.into(),
                        input.scope_unit_id.into(),
                        input.person_id.into(),
                        false.into(),
                        now().into(),
                    ])
                    .returning_col("id"),
            )
            .await
            .map_err(|e| e.unique_as("username", "error.username_taken"))?;
        audit::record(
            &mut conn,
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
        let account = conn
            .one(account_select().and_where(Expr::col("id").eq(id)))
            .await?;
        tx.commit().await?;
        Ok(account)
    }

    /// Starts a session for an account that has just proved its password.
    pub async fn create_session(&self, account: &Account, session: NewSession) -> Result<()> {
        let NewSession {
            kind,
            token_hash,
            csrf_token,
            expires_at,
            from,
            user_agent,
        } = session;
        let actor = account.actor(from.clone());
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.insert(
            Query::insert()
                .into_table("sessions")
                .columns([
                    "token_hash",
                    "account_id",
                    "kind",
                    "csrf_token",
                    "created_at",
                    "expires_at",
                    "ip",
                    "user_agent",
                    "last_seen_at",
                ])
                .values_panic([
                    token_hash.into(),
                    account.id.into(),
                    kind.as_str().into(),
                    csrf_token.into(),
                    now().into(),
                    expires_at.into(),
                    from.into(),
                    user_agent
                        .map(|u| u.chars().take(200).collect::<String>())
                        .into(),
                    now().into(),
                ]),
        )
        .await?;
        audit::record(
            &mut conn,
            &actor,
            Event {
                chain: account.county_code.as_deref().unwrap_or(SYSTEM_CHAIN),
                action: "auth.login",
                object_type: "account",
                object_id: Some(account.id.to_string()),
                detail: json!({ "kind": kind.as_str() }),
                outcome: "ok",
            },
        )
        .await?;
        tx.commit().await
    }

    /// Records a refused sign-in (unknown name, wrong password, disabled account).
    pub async fn record_failed_login(&self, username: &str, from: Option<String>) -> Result<()> {
        let actor = Actor {
            account_id: None,
            username: login_name(username),
            role: Role::Leader,
            scope: Scope::Administration,
            from,
        };
        self.record_alone(
            &actor,
            Event {
                chain: SYSTEM_CHAIN,
                action: "auth.login",
                object_type: "account",
                object_id: None,
                detail: json!({}),
                outcome: "denied",
            },
        )
        .await
    }

    /// How many sign-ins for `username` were refused since `since`.
    pub async fn failed_logins_since(&self, username: &str, since: DateTime<Utc>) -> Result<i64> {
        let mut c = self.read().await?;
        c.conn()
            .scalar(
                Query::select()
                    .expr(Expr::col("id").count())
                    .from("audit_log")
                    .and_where(Expr::col("action").eq("auth.login"))
                    .and_where(Expr::col("username").eq(login_name(username)))
                    .and_where(Expr::col("at").gt(since))
                    .and_where(Expr::col("outcome").eq("denied")),
            )
            .await
    }

    /// How many sign-ins from the client address `ip` were refused since `since`, whatever
    /// the names tried.
    pub async fn failed_logins_from(&self, ip: &str, since: DateTime<Utc>) -> Result<i64> {
        let mut c = self.read().await?;
        c.conn()
            .scalar(
                Query::select()
                    .expr(Expr::col("id").count())
                    .from("audit_log")
                    .and_where(Expr::col("action").eq("auth.login"))
                    .and_where(Expr::col("ip").eq(ip))
                    .and_where(Expr::col("at").gt(since))
                    .and_where(Expr::col("outcome").eq("denied")),
            )
            .await
    }

    /// The live session with this token hash, if any, with its account (one query: it runs on
    /// every request). Sessions past their end or idle longer than `idle`, and disabled
    /// accounts, are not returned. Using a session keeps it alive: its last-seen time is
    /// written again once it is a minute old.
    pub async fn session(
        &self,
        token_hash: &str,
        kind: SessionKind,
        idle: chrono::Duration,
    ) -> Result<Option<Session>> {
        let at = now();
        let row: Option<SessionRow> = {
            let mut c = self.read().await?;
            c.conn()
                .optional(
                    Query::select()
                        .columns(ACCOUNT_COLUMNS.map(|col| ("a", col)))
                        .columns([
                            ("s", "csrf_token"),
                            ("s", "expires_at"),
                            ("s", "last_seen_at"),
                        ])
                        .from_as("sessions", "s")
                        .join_as(
                            JoinType::InnerJoin,
                            "accounts",
                            "a",
                            Expr::col(("a", "id")).equals(("s", "account_id")),
                        )
                        .and_where(Expr::col(("s", "token_hash")).eq(token_hash))
                        .and_where(Expr::col(("s", "kind")).eq(kind.as_str()))
                        .and_where(Expr::col(("s", "expires_at")).gt(at))
                        .and_where(Expr::col(("s", "last_seen_at")).gt(at - idle))
                        .and_where(Expr::col(("a", "disabled")).eq(false)),
                )
                .await?
        };
        let Some(row) = row else { return Ok(None) };
        if at - row.last_seen_at >= chrono::Duration::seconds(SEEN_RESOLUTION_SECONDS) {
            let mut tx = self.write().await?;
            tx.conn()
                .update(
                    Query::update()
                        .table("sessions")
                        .value("last_seen_at", at)
                        .and_where(Expr::col("token_hash").eq(token_hash)),
                )
                .await?;
            tx.commit().await?;
        }
        Ok(Some(Session {
            account: row.account,
            csrf_token: row.csrf_token,
            expires_at: row.expires_at,
        }))
    }

    /// Ends a session (logout), with its audit record.
    pub async fn end_session(&self, actor: &Actor, token_hash: &str) -> Result<()> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.delete(
            Query::delete()
                .from_table("sessions")
                .and_where(Expr::col("token_hash").eq(token_hash)),
        )
        .await?;
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: actor
                    .scope
                    .county()
                    .map(|c| c.to_string())
                    .as_deref()
                    .unwrap_or(SYSTEM_CHAIN),
                action: "auth.logout",
                object_type: "account",
                object_id: actor.account_id.map(|i| i.to_string()),
                detail: json!({}),
                outcome: "ok",
            },
        )
        .await?;
        tx.commit().await
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
        record_own(&mut conn, actor, id, "account.totp_begin").await?;
        tx.commit().await
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
        record_own(&mut conn, actor, id, "account.totp_on").await?;
        tx.commit().await
    }

    /// Records the time step of a code just used to sign in, unless a code of that step or a
    /// later one was used already: answers whether this one is fresh (a code signs in once).
    pub async fn use_totp_step(&self, account_id: i64, step: i64) -> Result<bool> {
        let mut tx = self.write().await?;
        let n = tx
            .conn()
            .update(
                Query::update()
                    .table("accounts")
                    .value("totp_last_step", step)
                    .and_where(Expr::col("id").eq(account_id))
                    .cond_where(
                        sea_query::Cond::any()
                            .add(Expr::col("totp_last_step").is_null())
                            .add(Expr::col("totp_last_step").lt(step)),
                    ),
            )
            .await?;
        tx.commit().await?;
        Ok(n == 1)
    }

    /// Removes expired sessions; answers how many.
    pub async fn purge_sessions(&self) -> Result<u64> {
        let mut tx = self.write().await?;
        let n = tx
            .conn()
            .delete(
                Query::delete()
                    .from_table("sessions")
                    .and_where(Expr::col("expires_at").lte(now())),
            )
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Whether any account exists (a fresh database needs the demo or an admin).
    pub async fn has_accounts(&self) -> Result<bool> {
        let mut c = self.read().await?;
        let n = c
            .conn()
            .scalar(
                Query::select()
                    .expr(Expr::col("id").count())
                    .from("accounts"),
            )
            .await?;
        Ok(n > 0)
    }
}
