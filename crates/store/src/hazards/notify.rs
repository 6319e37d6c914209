//! Who hears about a hazard, and the deadline sweep. A notification goes to the accounts that
//! should act: the unit's own safety manager when it must rectify, the town station and the
//! responsible department when something waits for them. The sweep marks each open hazard
//! once when its deadline is three days off and once when it has passed, each mark a guarded
//! update, so restarts and several processes never send one twice.

use super::{Hazard, find};
use crate::audit::now;
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::local_date;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

/// Who is told.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Audience {
    /// The unit's safety manager: it has something to rectify.
    Unit,
    /// The town station and the responsible department (and, for a new report, the village's
    /// grid members): something waits for them.
    Supervisors,
    Both,
}

/// Days before the deadline the "due soon" reminder goes out.
pub const DUE_SOON_DAYS: u64 = 3;

/// Tells the audience about a hazard (not the account that caused it).
pub(crate) async fn notify(
    conn: &mut Conn<'_>,
    actor: &Actor,
    h: &Hazard,
    kind: &str,
    audience: Audience,
) -> Result<()> {
    let mut who = Cond::any();
    if matches!(audience, Audience::Unit | Audience::Both)
        && let Some(unit) = h.unit_id
    {
        who = who.add(
            Cond::all()
                .add(Expr::col("role").eq("unit_manager"))
                .add(Expr::col("scope_unit_id").eq(unit)),
        );
    }
    if matches!(audience, Audience::Supervisors | Audience::Both) {
        if let Some(town) = RegionCode::parse("region", &h.region_code)
            .ok()
            .and_then(|r| r.town())
        {
            who = who.add(
                Cond::all()
                    .add(Expr::col("role").eq("town_staff"))
                    .add(Expr::col("scope_region_code").eq(town.as_str())),
            );
        }
        if let Some(d) = h.department_id {
            who = who.add(
                Cond::all()
                    .add(Expr::col("role").eq("department_staff"))
                    .add(Expr::col("scope_department_id").eq(d)),
            );
        }
        // A new report, and one gone overdue, also reach the village's own grid members
        // (R-VIL-1): they watch what happens in their village.
        if kind == "reported" || kind == "overdue" {
            who = who.add(
                Cond::all()
                    .add(Expr::col("role").eq("village_member"))
                    .add(Expr::col("scope_region_code").eq(h.region_code.as_str())),
            );
        }
    }
    let mut recipients = Query::select();
    recipients
        .column("id")
        .expr(Expr::val(h.id))
        .expr(Expr::val(kind))
        .expr(Expr::val(now()))
        .expr(Expr::val(h.county_code.as_str()))
        .from("accounts")
        .and_where(Expr::col("disabled").eq(false))
        .cond_where(who);
    if let Some(me) = actor.account_id {
        recipients.and_where(Expr::col("id").ne(me));
    }
    insert_notifications(conn, recipients).await?;
    // And to the county's own platform, if it forwards notices.
    crate::webhooks::enqueue(
        conn,
        &h.county_code,
        serde_json::json!({
            "kind": kind,
            "hazard_id": h.id,
            "unit": h.unit_name,
            "region": h.region_code,
            "level": h.level,
            "state": h.state,
            "deadline": h.deadline,
            "description": h.description,
            "at": now(),
        }),
    )
    .await?;
    Ok(())
}

/// Tells whoever reported the hazard what became of it (a village member sees their report
/// accepted, rejected or closed).
pub(crate) async fn notify_reporter(
    conn: &mut Conn<'_>,
    actor: &Actor,
    hazard: i64,
    kind: &str,
) -> Result<()> {
    let mut reporter = Query::select();
    reporter
        .column("reported_by")
        .expr(Expr::val(hazard))
        .expr(Expr::val(kind))
        .expr(Expr::val(now()))
        .column("county_code")
        .from("hazards")
        .and_where(Expr::col("id").eq(hazard))
        .and_where(Expr::col("reported_by").is_not_null());
    if let Some(me) = actor.account_id {
        reporter.and_where(Expr::col("reported_by").ne(me));
    }
    insert_notifications(conn, reporter).await?;
    Ok(())
}

/// Writes one notification per row of `rows`: (account, hazard, kind, created at, county).
async fn insert_notifications(conn: &mut Conn<'_>, rows: SelectStatement) -> Result<()> {
    let insert = Query::insert()
        .into_table("notifications")
        .columns([
            "account_id",
            "hazard_id",
            "kind",
            "created_at",
            "county_code",
        ])
        .select_from(rows)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .to_owned();
    conn.insert(&insert).await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    pub hazard_id: Option<i64>,
    /// reported, assigned, returned, listed, completed, due_soon, overdue, daily_digest,
    /// reports_due
    pub kind: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub description: Option<String>,
    /// The figures of a notice about no one hazard (a digest, a reminder), as JSON.
    pub detail: Option<String>,
}

/// What the sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Sweep {
    pub due_soon: u64,
    pub overdue: u64,
}

pub(super) const OPEN: [&str; 5] = [
    "reported",
    "rectifying",
    "awaiting_verification",
    "assessed",
    "resumption_applied",
];

impl Store {
    /// The account's notifications, newest first.
    pub async fn notifications(
        &self,
        actor: &Actor,
        page: PageRequest,
    ) -> Result<Page<Notification>> {
        let Some(me) = actor.account_id else {
            return Ok(Page {
                items: Vec::new(),
                total: 0,
                page: page.page,
                per_page: page.per_page,
            });
        };
        let q = Query::select()
            .columns(
                ["id", "hazard_id", "kind", "created_at", "read_at", "detail"].map(|c| ("n", c)),
            )
            .expr_as(Expr::col(("h", "description")), "description")
            .from_as("notifications", "n")
            .join_as(
                JoinType::LeftJoin,
                "hazards",
                "h",
                Expr::col(("h", "id")).equals(("n", "hazard_id")),
            )
            .and_where(Expr::col(("n", "account_id")).eq(me))
            .order_by(("n", "created_at"), Order::Desc)
            .order_by(("n", "id"), Order::Desc)
            .to_owned();
        let mut c = self.read().await?;
        c.conn().page(&q, page).await
    }

    /// How many of the account's notifications are unread.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let Some(me) = actor.account_id else {
            return Ok(0);
        };
        let mut c = self.read().await?;
        c.conn()
            .scalar(
                Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from("notifications")
                    .and_where(Expr::col("account_id").eq(me))
                    .and_where(Expr::col("read_at").is_null()),
            )
            .await
    }

    /// Marks the account's notifications read (one, or all).
    pub async fn mark_notifications_read(&self, actor: &Actor, id: Option<i64>) -> Result<u64> {
        let Some(me) = actor.account_id else {
            return Ok(0);
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let mut q = Query::update();
        q.table("notifications")
            .value("read_at", now())
            .and_where(Expr::col("account_id").eq(me))
            .and_where(Expr::col("read_at").is_null());
        if let Some(id) = id {
            q.and_where(Expr::col("id").eq(id));
        }
        let n = conn.update(&q).await?;
        tx.commit_unaudited("reading one's own notices changes no county data")
            .await?;
        Ok(n)
    }

    /// Marks hazards due soon and overdue at `at`, once each, with a timeline row for the
    /// overdue and notifications for both.
    pub async fn sweep_deadlines(&self, at: DateTime<Utc>) -> Result<Sweep> {
        let today = local_date(at);
        let soon = today + chrono::Days::new(DUE_SOON_DAYS);
        let system = Actor::system();
        let mut sweep = Sweep::default();
        for (column, overdue) in [("due_soon_sent_at", false), ("overdue_since", true)] {
            loop {
                let mut tx = self.write().await?;
                let mut conn = tx.conn();
                let mut pick = Query::select();
                pick.column("id")
                    .from("hazards")
                    .and_where(Expr::col("state").is_in(OPEN))
                    .and_where(Expr::col(column).is_null())
                    .order_by("id", Order::Asc)
                    .limit(500);
                if overdue {
                    pick.and_where(Expr::col("deadline").lt(today));
                } else {
                    pick.and_where(Expr::col("deadline").gte(today))
                        .and_where(Expr::col("deadline").lte(soon));
                }
                let ids: Vec<(i64,)> = conn.all(&pick).await?;
                if ids.is_empty() {
                    break;
                }
                for (id,) in &ids {
                    // Only the process whose update changes the row sends the notice.
                    let mine = conn
                        .update(
                            Query::update()
                                .table("hazards")
                                .value(column, at)
                                .and_where(Expr::col("id").eq(*id))
                                .and_where(Expr::col(column).is_null()),
                        )
                        .await?
                        == 1;
                    if !mine {
                        continue;
                    }
                    let h = find(&mut conn, &system, *id).await?;
                    let state = h.state;
                    if overdue {
                        let step = super::lifecycle::TimelineStep {
                            action: "overdue",
                            from: Some(state),
                            to: state,
                            comment: None,
                            on_behalf: false,
                        };
                        super::lifecycle::record_event(&mut conn, &system, *id, step).await?;
                        notify(&mut conn, &system, &h, "overdue", Audience::Both).await?;
                        sweep.overdue += 1;
                    } else {
                        notify(&mut conn, &system, &h, "due_soon", Audience::Unit).await?;
                        sweep.due_soon += 1;
                    }
                }
                // Each hazard's timeline row ("overdue") is the sweep's record.
                tx.commit_unaudited("the sweep writes its marks into each hazard's timeline")
                    .await?;
                self.hazards_changed();
                if ids.len() < 500 {
                    break;
                }
            }
        }
        Ok(sweep)
    }
}
