//! Sessions and sign-ins: starting, reading (on every request) and ending sessions, refused
//! sign-ins counted for throttling, and one-time second-factor codes.

use super::kept::SessionRecord;
use super::login_name;
use super::rows::{ACCOUNT_COLUMNS, Account};
use crate::Result;
use crate::audit::{Event, SYSTEM_CHAIN, now};
use crate::db::Store;
use crate::insert;
use chrono::{DateTime, Utc};
use safegrid_domain::access::{Actor, Role, Scope};
use sea_query::{Expr, ExprTrait, JoinType, Query};
use serde_json::json;

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

impl From<SessionRecord> for Session {
    fn from(r: SessionRecord) -> Self {
        Session {
            account: r.account,
            csrf_token: r.csrf_token,
            expires_at: r.expires_at,
        }
    }
}

/// How stale a session's last-seen time may get before a request writes it again: it is the
/// idle clock's resolution, and keeps reads from writing on every request.
pub(super) const SEEN_RESOLUTION_SECONDS: i64 = 60;

impl Store {
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
        conn.insert(insert::row(
            "sessions",
            [
                ("token_hash", token_hash.into()),
                ("account_id", account.id.into()),
                ("kind", kind.as_str().into()),
                ("csrf_token", csrf_token.into()),
                ("created_at", now().into()),
                ("expires_at", expires_at.into()),
                ("ip", from.into()),
                (
                    "user_agent",
                    user_agent
                        .map(|u| u.chars().take(200).collect::<String>())
                        .into(),
                ),
                ("last_seen_at", now().into()),
            ],
        ))
        .await?;
        tx.commit_audited(
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
        .await
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

    /// The live session with this token hash, if any, with its account (it runs on every
    /// request: one query, or none when the session was read in the last few seconds — see
    /// `kept`). Sessions past their end or idle longer than `idle`, and disabled accounts, are
    /// not returned. Using a session keeps it alive: its last-seen time is written again once
    /// it is a minute old.
    pub async fn session(
        &self,
        token_hash: &str,
        kind: SessionKind,
        idle: chrono::Duration,
    ) -> Result<Option<Session>> {
        let at = now();
        let seen_resolution = chrono::Duration::seconds(SEEN_RESOLUTION_SECONDS);
        let live = |r: &SessionRecord| r.expires_at > at && r.last_seen_at > at - idle;
        if let Some(kept) = self.sessions_kept.get(token_hash, kind.as_str())
            && live(&kept)
            && at - kept.last_seen_at < seen_resolution
        {
            return Ok(Some(kept.into()));
        }
        let generation = self.sessions_kept.generation();
        let row: Option<SessionRecord> = {
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
        let Some(mut row) = row else {
            self.sessions_kept
                .keep(token_hash, kind.as_str(), None, generation);
            return Ok(None);
        };
        if at - row.last_seen_at >= seen_resolution {
            let mut tx = self.write().await?;
            tx.conn()
                .update(
                    Query::update()
                        .table("sessions")
                        .value("last_seen_at", at)
                        .and_where(Expr::col("token_hash").eq(token_hash)),
                )
                .await?;
            tx.commit_unaudited("a session's last-seen time").await?;
            row.last_seen_at = at;
        }
        self.sessions_kept
            .keep(token_hash, kind.as_str(), Some(row.clone()), generation);
        Ok(Some(row.into()))
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
        tx.commit_audited(
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
        self.sessions_changed();
        Ok(())
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
        // The sign-in this code belongs to is audited by the caller.
        tx.commit_unaudited("a used code's time step, so it signs in once")
            .await?;
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
        tx.commit_unaudited("expired sessions removed").await?;
        self.sessions_changed();
        Ok(n)
    }
}
