//! The audit log: every change writes one record in the transaction that makes the change.
//! Records are chained per county (`chain`): each stores the hash of the one before it, so a
//! removed or edited record breaks the chain and `safegrid audit verify` finds where.

use crate::batch::Statement;
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Page, PageRequest, Result};
use chrono::{DateTime, SubsecRound, Utc};
use safegrid_domain::access::Actor;
use sea_query::{Expr, ExprTrait, InsertStatement, OnConflict, Order, Query, UpdateStatement};
use sha2::{Digest, Sha256};
use sqlx::FromRow;

const AUDIT_COLUMNS: [&str; 13] = [
    "id",
    "chain",
    "at",
    "account_id",
    "username",
    "action",
    "object_type",
    "object_id",
    "detail",
    "ip",
    "outcome",
    "prev_hash",
    "hash",
];

/// One record of the log as stored.
#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub chain: String,
    pub at: DateTime<Utc>,
    pub account_id: Option<i64>,
    pub username: Option<String>,
    pub action: String,
    pub object_type: String,
    pub object_id: Option<String>,
    pub detail: Option<String>,
    pub ip: Option<String>,
    pub outcome: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The chain of records with no county (accounts of the administrators, logins without one).
pub const SYSTEM_CHAIN: &str = "system";

/// What is being recorded.
pub(crate) struct Event<'a> {
    pub chain: &'a str,
    pub action: &'static str,
    pub object_type: &'static str,
    pub object_id: Option<String>,
    pub detail: serde_json::Value,
    pub outcome: &'static str,
}

/// Timestamps are stored to the second, so their text form on SQLite sorts as time does.
pub(crate) fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(0)
}

fn hash_of(prev: &str, e: &AuditEntry) -> String {
    let mut h = Sha256::new();
    for part in [
        prev,
        &e.chain,
        &e.at.to_rfc3339(),
        &e.account_id.map(|i| i.to_string()).unwrap_or_default(),
        e.username.as_deref().unwrap_or(""),
        &e.action,
        &e.object_type,
        e.object_id.as_deref().unwrap_or(""),
        e.detail.as_deref().unwrap_or(""),
        e.ip.as_deref().unwrap_or(""),
        &e.outcome,
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

/// Appends one record to its chain, inside the caller's transaction.
pub(crate) async fn record(conn: &mut Conn<'_>, actor: &Actor, event: Event<'_>) -> Result<()> {
    record_after(conn, actor, event, &[]).await
}

/// Runs the caller's last writes (`leading`, whose answers it does not need) and appends the
/// record, in two trips to the database: the writes with the chain's head, then the entry with
/// the head moved on.
pub(crate) async fn record_after(
    conn: &mut Conn<'_>,
    actor: &Actor,
    event: Event<'_>,
    leading: &[Statement<'_>],
) -> Result<()> {
    let entry = prepare(conn, actor, event, leading).await?;
    conn.batch::<(i64,)>(&entry.statements()).await?;
    Ok(())
}

/// An audit record whose chain head has been taken: the two statements that append it and
/// move the head on, for the caller to send (with its commit, see `Tx::commit_audited_after`).
pub(crate) struct Prepared {
    log: InsertStatement,
    moved: UpdateStatement,
}

impl Prepared {
    pub(crate) fn statements(&self) -> [Statement<'_>; 2] {
        [Statement::Insert(&self.log), Statement::Update(&self.moved)]
    }
}

/// The upsert that takes a chain's head: it makes sure the head exists and, touching the
/// row, locks it on PostgreSQL until the transaction ends (SQLite's write transaction already
/// holds the database), so concurrent writers append one after another; it answers the last
/// hash.
fn take_head(chain: &str) -> InsertStatement {
    insert::row(
        "audit_heads",
        [("chain", chain.into()), ("last_hash", "".into())],
    )
    .on_conflict(
        OnConflict::column("chain")
            .value("last_hash", Expr::col(("audit_heads", "last_hash")))
            .to_owned(),
    )
    .returning_col("last_hash")
    .to_owned()
}

/// Runs `leading` with the upsert that takes the chain's head, and builds the record on it.
pub(crate) async fn prepare(
    conn: &mut Conn<'_>,
    actor: &Actor,
    event: Event<'_>,
    leading: &[Statement<'_>],
) -> Result<Prepared> {
    let head = take_head(event.chain);
    let mut first: Vec<Statement<'_>> = leading.to_vec();
    first.push(Statement::Insert(&head));
    let (prev,): (String,) = conn
        .batch(&first)
        .await?
        .ok_or(crate::StoreError::NotFound)?;
    Ok(build(prev, actor, event))
}

/// A chain's head taken early in a write, with the write's first row: the record is built on
/// it at the end, in the same transaction. Nothing else may append to the chain in between
/// (a write that records other changes takes its head at the end, with `prepare`).
pub(crate) struct Head {
    chain: String,
    last_hash: String,
}

/// Inserts the write's first row (`RETURNING id`) and takes the chain's head, in one trip on
/// SQLite.
pub(crate) async fn insert_taking_head(
    conn: &mut Conn<'_>,
    row: &InsertStatement,
    chain: &str,
) -> Result<(i64, Head)> {
    let head = take_head(chain);
    let (id, (last_hash,)) = conn
        .insert_id_then::<(String,)>(row, Statement::Insert(&head))
        .await?;
    Ok((
        id,
        Head {
            chain: chain.to_owned(),
            last_hash,
        },
    ))
}

/// The record built on a head taken earlier in the transaction.
pub(crate) fn prepare_on(head: Head, actor: &Actor, event: Event<'_>) -> Result<Prepared> {
    if head.chain != event.chain {
        return Err(crate::StoreError::WrongHead(event.chain.to_owned()));
    }
    Ok(build(head.last_hash, actor, event))
}

/// The statements that append the record on `prev` and move the chain's head to it.
fn build(prev: String, actor: &Actor, event: Event<'_>) -> Prepared {
    let mut entry = AuditEntry {
        id: 0,
        chain: event.chain.to_owned(),
        at: now(),
        account_id: actor.account_id,
        username: Some(actor.username.clone()),
        action: event.action.to_owned(),
        object_type: event.object_type.to_owned(),
        object_id: event.object_id,
        detail: Some(event.detail.to_string()),
        ip: actor.from.clone(),
        outcome: event.outcome.to_owned(),
        prev_hash: prev.clone(),
        hash: String::new(),
    };
    entry.hash = hash_of(&prev, &entry);
    let log = insert::row(
        "audit_log",
        [
            ("chain", entry.chain.clone().into()),
            ("at", entry.at.into()),
            ("account_id", entry.account_id.into()),
            ("username", entry.username.clone().into()),
            ("action", entry.action.clone().into()),
            ("object_type", entry.object_type.clone().into()),
            ("object_id", entry.object_id.clone().into()),
            ("detail", entry.detail.clone().into()),
            ("ip", entry.ip.clone().into()),
            ("outcome", entry.outcome.clone().into()),
            ("prev_hash", entry.prev_hash.clone().into()),
            ("hash", entry.hash.clone().into()),
        ],
    );
    let moved = Query::update()
        .table("audit_heads")
        .value("last_hash", entry.hash)
        .and_where(Expr::col("chain").eq(event.chain))
        .to_owned();
    Prepared { log, moved }
}

/// Which audit records to show or export: by account name, by action, between two days
/// (China time, both included).
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub username: Option<String>,
    pub action: Option<String>,
    pub from: Option<chrono::NaiveDate>,
    pub to: Option<chrono::NaiveDate>,
}

impl AuditFilter {
    fn condition(&self) -> sea_query::Cond {
        use safegrid_domain::time::start_of_local_day;
        let mut cond = sea_query::Cond::all();
        if let Some(u) = &self.username {
            cond = cond.add(Expr::col("username").eq(u.as_str()));
        }
        if let Some(a) = &self.action {
            cond = cond.add(Expr::col("action").eq(a.as_str()));
        }
        if let Some(from) = self.from {
            cond = cond.add(Expr::col("at").gte(start_of_local_day(from)));
        }
        if let Some(to) = self.to.and_then(|d| d.succ_opt()) {
            cond = cond.add(Expr::col("at").lt(start_of_local_day(to)));
        }
        cond
    }
}

/// Only the audit administrator (and the system itself) reads the log.
fn may_read(actor: &Actor) -> Result<()> {
    use safegrid_domain::policy::{Object, Verb, may};
    if may(actor, Verb::Read, Object::AuditLog) {
        Ok(())
    } else {
        Err(crate::StoreError::Forbidden)
    }
}

/// Where a chain was found broken.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ChainBreak {
    pub chain: String,
    pub id: i64,
}

impl Store {
    /// Records an event in its own transaction (sign-ins, refusals: things with no other change).
    pub(crate) async fn record_alone(&self, actor: &Actor, event: Event<'_>) -> Result<()> {
        self.write().await?.commit_audited(actor, event).await
    }

    /// The audit log matching `filter`, newest first (the audit administrator's view).
    pub async fn audit_log(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        page: PageRequest,
    ) -> Result<Page<AuditEntry>> {
        may_read(actor)?;
        let mut c = self.read().await?;
        let mut conn = c.conn();
        conn.page(
            Query::select()
                .columns(AUDIT_COLUMNS)
                .from("audit_log")
                .cond_where(filter.condition())
                .order_by("id", Order::Desc),
            page,
        )
        .await
    }

    /// Up to `limit` records matching `filter` after record `after`, oldest first: the audit
    /// log exported a batch at a time.
    pub async fn audit_after(
        &self,
        actor: &Actor,
        filter: &AuditFilter,
        after: i64,
        limit: u64,
    ) -> Result<Vec<AuditEntry>> {
        may_read(actor)?;
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns(AUDIT_COLUMNS)
                    .from("audit_log")
                    .cond_where(filter.condition())
                    .and_where(Expr::col("id").gt(after))
                    .order_by("id", Order::Asc)
                    .limit(limit),
            )
            .await
    }

    /// Walks every chain from its start and reports the first record whose hash or link is
    /// wrong, per chain, and a chain whose stored head is not among its records (its newest
    /// records were removed: the links of those left still hold). Reads in batches so a long
    /// log does not sit in memory.
    pub async fn verify_audit(&self) -> Result<(u64, Vec<ChainBreak>)> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        // The heads are read first: a record appended during the walk comes after its head's
        // record, which must still be found.
        let heads: Vec<(String, String)> = conn
            .all(
                Query::select()
                    .columns(["chain", "last_hash"])
                    .from("audit_heads"),
            )
            .await?;
        let mut head_found: std::collections::HashMap<String, bool> = heads
            .iter()
            .map(|(chain, hash)| (chain.clone(), hash.is_empty()))
            .collect();
        let heads: std::collections::HashMap<String, String> = heads.into_iter().collect();
        let mut last: std::collections::HashMap<String, (i64, String)> = Default::default();
        let mut broken: Vec<ChainBreak> = Vec::new();
        let mut after = 0i64;
        let mut checked = 0u64;
        loop {
            let batch: Vec<AuditEntry> = conn
                .all(
                    Query::select()
                        .columns(AUDIT_COLUMNS)
                        .from("audit_log")
                        .and_where(Expr::col("id").gt(after))
                        .order_by("id", Order::Asc)
                        .limit(1000),
                )
                .await?;
            let Some(tail) = batch.last() else { break };
            after = tail.id;
            for e in batch {
                checked += 1;
                if heads.get(&e.chain) == Some(&e.hash) {
                    head_found.insert(e.chain.clone(), true);
                }
                if broken.iter().any(|b| b.chain == e.chain) {
                    continue;
                }
                let expected_prev = last.get(&e.chain).map_or("", |(_, h)| h.as_str());
                if e.prev_hash != expected_prev || hash_of(&e.prev_hash, &e) != e.hash {
                    broken.push(ChainBreak {
                        chain: e.chain.clone(),
                        id: e.id,
                    });
                }
                last.insert(e.chain.clone(), (e.id, e.hash.clone()));
            }
        }
        let mut headless: Vec<ChainBreak> = head_found
            .into_iter()
            .filter(|(chain, found)| !found && !broken.iter().any(|b| &b.chain == chain))
            .map(|(chain, _)| ChainBreak {
                // After the last record that is left (0: none is).
                id: last.get(&chain).map_or(0, |(id, _)| *id),
                chain,
            })
            .collect();
        headless.sort_by(|a, b| a.chain.cmp(&b.chain));
        broken.extend(headless);
        Ok((checked, broken))
    }
}
