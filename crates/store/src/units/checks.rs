//! A unit's own checks: the check, its items and its findings (hazards with source
//! `self_check`, linked back by `check_id`) commit together with the month's rollup row
//! (`unit_check_months`: the days checked as bits and the first patrol), which is all the
//! duty calendar reads of them.

use super::find_unit;
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::hazards::{audit_finding, insert_reported};
use crate::{Page, PageRequest, Result, StoreError, insert};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::input::ReportRefused;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::time::{local_date, today};
use safegrid_domain::unit::check::{
    CheckInput, CheckKind, CheckedDays, NewCheck, WorkingDays, month_key,
};
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// A check as listed: what, when, by whom, how many items and findings.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct UnitCheck {
    pub id: i64,
    pub unit_id: i64,
    /// daily or monthly_patrol
    pub kind: String,
    pub checked_on: NaiveDate,
    pub checked_by: Option<String>,
    pub note: Option<String>,
    pub items: i64,
    pub findings: i64,
    pub created_at: DateTime<Utc>,
}

/// How regularly a unit has checked itself over the last 30 days.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckRateRow {
    pub unit_id: i64,
    pub unit_name: String,
    pub region_name: Option<String>,
    /// Working days owed in the last 30 days.
    pub owed: u32,
    /// Of those, the days with a daily check.
    pub checked: u32,
    /// checked / owed, 0–1.
    pub rate: f64,
    pub last_checked_on: Option<NaiveDate>,
    /// Owes checks and has made none for a week.
    pub stopped: bool,
}

/// Days the rate looks back over.
pub const RATE_DAYS: u32 = 30;

/// What recording a check made.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckRecorded {
    pub id: i64,
    pub hazard_ids: Vec<i64>,
}

/// The day a unit entered the census: no check of it is dated before.
async fn census_date(conn: &mut Conn<'_>, unit: i64) -> Result<NaiveDate> {
    let (at,): (DateTime<Utc>,) = conn
        .one(
            Query::select()
                .column("created_at")
                .from("units")
                .and_where(Expr::col("id").eq(unit)),
        )
        .await?;
    Ok(local_date(at))
}

/// Refuses items naming a node that is not of this unit's own grid.
async fn check_nodes(conn: &mut Conn<'_>, unit: i64, new: &NewCheck) -> Result<()> {
    let named: Vec<i64> = new.items.iter().filter_map(|i| i.node_id).collect();
    if named.is_empty() {
        return Ok(());
    }
    let own: Vec<(i64,)> = conn
        .all(
            Query::select()
                .column("id")
                .from("unit_grid_nodes")
                .and_where(Expr::col("unit_id").eq(unit))
                .and_where(Expr::col("id").is_in(named)),
        )
        .await?;
    let mut errors = Invalid::default();
    for (i, item) in new.items.iter().enumerate() {
        if let Some(node) = item.node_id
            && !own.iter().any(|(id,)| *id == node)
        {
            errors.push(Violation::new(
                format!("items[{i}].node_id"),
                "error.choice",
            ));
        }
    }
    Ok(errors.into_result()?)
}

/// Marks the check in its month's rollup row: the day's bit for a daily check, the first
/// patrol for a patrol.
async fn roll_up(
    conn: &mut Conn<'_>,
    county: &str,
    unit: i64,
    check: i64,
    new: &NewCheck,
) -> Result<()> {
    let (days, patrol, on_conflict) = match new.kind {
        CheckKind::Daily => (
            CheckedDays::bit(new.checked_on),
            None,
            OnConflict::columns(["unit_id", "month"])
                .value("days", Expr::cust("unit_check_months.days | excluded.days"))
                .to_owned(),
        ),
        CheckKind::MonthlyPatrol => (
            0,
            Some(check),
            OnConflict::columns(["unit_id", "month"])
                .value(
                    "patrol_id",
                    Expr::cust("COALESCE(unit_check_months.patrol_id, excluded.patrol_id)"),
                )
                .to_owned(),
        ),
    };
    conn.insert(
        insert::row(
            "unit_check_months",
            [
                ("unit_id", unit.into()),
                ("month", month_key(new.checked_on).into()),
                ("county_code", county.into()),
                ("days", days.into()),
                ("patrol_id", patrol.into()),
            ],
        )
        .on_conflict(on_conflict),
    )
    .await?;
    Ok(())
}

impl Store {
    /// Records a check the unit made of itself, with its findings entered in the hazard ledger.
    /// Only the unit's own account records one; another unit's is not found.
    pub async fn record_check(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: CheckInput,
    ) -> Result<CheckRecorded> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let since = census_date(&mut conn, unit.id).await?;
        let party = Party::of(actor.role);
        let new = NewCheck::parse(&input, unit.id, party, today(), since).map_err(|r| match r {
            ReportRefused::NotAReporter => StoreError::Forbidden,
            ReportRefused::Invalid(e) => e.into(),
        })?;
        check_nodes(&mut conn, unit.id, &new).await?;
        let id = conn
            .insert_id(
                insert::row(
                    "unit_checks",
                    [
                        ("county_code", unit.county_code.clone().into()),
                        ("unit_id", unit.id.into()),
                        ("kind", new.kind.as_str().into()),
                        ("checked_on", new.checked_on.into()),
                        ("checked_by", new.checked_by.clone().into()),
                        ("note", new.note.clone().into()),
                        ("recorded_by", actor.account_id.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let mut items = insert::Rows::new("unit_check_items");
        for (position, item) in new.items.iter().enumerate() {
            items.push([
                ("county_code", unit.county_code.clone().into()),
                ("check_id", id.into()),
                (
                    "position",
                    i32::try_from(position).unwrap_or(i32::MAX).into(),
                ),
                ("node_id", item.node_id.into()),
                ("item", item.item.clone().into()),
                ("result", item.result.as_str().into()),
                ("note", item.note.clone().into()),
            ])?;
        }
        if !items.is_empty() {
            conn.insert(items.statement()).await?;
        }
        let mut hazard_ids = Vec::with_capacity(new.hazards.len());
        for hazard in &new.hazards {
            let (made, county) =
                insert_reported(&mut conn, actor, party, hazard, None, &[]).await?;
            conn.update(
                Query::update()
                    .table("hazards")
                    .value("check_id", id)
                    .and_where(Expr::col("id").eq(made.id)),
            )
            .await?;
            audit_finding(&mut conn, actor, &county, &made, hazard, ("check", id)).await?;
            hazard_ids.push(made.id);
        }
        roll_up(&mut conn, &unit.county_code, unit.id, id, &new).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "unit_check.record",
                object_type: "unit",
                object_id: Some(unit.id.to_string()),
                detail: json!({
                    "check": id,
                    "kind": new.kind.as_str(),
                    "checked_on": new.checked_on,
                    "items": new.items.len(),
                    "hazards": hazard_ids,
                }),
                outcome: "ok",
            },
        )
        .await?;
        if !hazard_ids.is_empty() {
            self.hazards_changed();
        }
        self.duties_changed();
        Ok(CheckRecorded { id, hazard_ids })
    }

    /// A unit's checks in scope, newest first.
    pub async fn unit_checks(
        &self,
        actor: &Actor,
        unit_id: i64,
        page: PageRequest,
    ) -> Result<Page<UnitCheck>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let q = Query::select()
            .columns(
                [
                    "id",
                    "unit_id",
                    "kind",
                    "checked_on",
                    "checked_by",
                    "note",
                    "created_at",
                ]
                .map(|col| ("c", col)),
            )
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM unit_check_items i WHERE i.check_id = c.id)"),
                "items",
            )
            .expr_as(
                Expr::cust("(SELECT COUNT(*) FROM hazards h WHERE h.check_id = c.id)"),
                "findings",
            )
            .from_as("unit_checks", "c")
            .and_where(Expr::col(("c", "unit_id")).eq(unit.id))
            .order_by(("c", "checked_on"), Order::Desc)
            .order_by(("c", "id"), Order::Desc)
            .to_owned();
        conn.page(&q, page).await
    }

    /// Sets the days of the week the unit works (`1111100`, Monday first): only its own
    /// account or those who keep the unit ledger.
    pub async fn set_working_days(&self, actor: &Actor, unit_id: i64, raw: &str) -> Result<String> {
        let days = WorkingDays::parse("working_days", raw)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let own = Party::of(actor.role) == Party::Unit;
        if !own
            && !safegrid_domain::policy::may(
                actor,
                safegrid_domain::policy::Verb::Write,
                safegrid_domain::policy::Object::Unit,
            )
        {
            return Err(StoreError::Forbidden);
        }
        conn.update(
            Query::update()
                .table("units")
                .value("working_days", days.code())
                .and_where(Expr::col("id").eq(unit.id)),
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "unit.working_days",
                object_type: "unit",
                object_id: Some(unit.id.to_string()),
                detail: json!({ "working_days": days.code() }),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(days.code())
    }
}

impl Store {
    /// The operating units in scope (and in `region`, of `department`) by how regularly they
    /// checked themselves over the last 30 days, the least regular first. Read from the
    /// rollup: at most two rows a unit.
    pub async fn check_rates(
        &self,
        actor: &Actor,
        region: Option<&safegrid_domain::region::RegionCode>,
        department: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<CheckRateRow>> {
        use safegrid_domain::duty::own_check::{
            CheckMonth, CheckMonths, CheckingUnit, check_rate, rate_months_from,
        };
        let today = today();
        let mut units_in = sea_query::Cond::all()
            .add(crate::scope::units(&actor.scope))
            .add(Expr::col(("u", "region_code")).is_not_null())
            .add(Expr::col(("u", "status")).eq("operating"));
        if let Some(r) = region {
            units_in = units_in.add(crate::scope::division(r, "u"));
        }
        if let Some(d) = department {
            units_in = units_in.add(crate::scope::supervised_by(d));
        }
        let mut c = self.read().await?;
        let mut conn = c.conn();
        type Row = (i64, String, Option<String>, String, DateTime<Utc>);
        let units: Vec<Row> = conn
            .all(
                Query::select()
                    .columns([("u", "id"), ("u", "name")])
                    .expr(Expr::col(("g", "name")))
                    .columns([("u", "working_days"), ("u", "created_at")])
                    .from_as("units", "u")
                    .join_as(
                        sea_query::JoinType::LeftJoin,
                        "regions",
                        "g",
                        Expr::col(("g", "code")).equals(("u", "region_code")),
                    )
                    .cond_where(units_in.clone()),
            )
            .await?;
        let from = rate_months_from(today, RATE_DAYS);
        let months: Vec<String> = from
            .iter_days()
            .take_while(|d| *d <= today)
            .map(month_key)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rolled: Vec<(i64, String, i64)> = conn
            .all(
                Query::select()
                    .columns([("m", "unit_id"), ("m", "month"), ("m", "days")])
                    .from_as("unit_check_months", "m")
                    .join_as(
                        sea_query::JoinType::InnerJoin,
                        "units",
                        "u",
                        Expr::col(("u", "id")).equals(("m", "unit_id")),
                    )
                    .cond_where(units_in)
                    .and_where(Expr::col(("m", "month")).is_in(months)),
            )
            .await?;
        let months: CheckMonths = rolled
            .into_iter()
            .map(|(unit, month, days)| {
                (
                    (unit, month),
                    CheckMonth {
                        days: CheckedDays(days),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let mut rows: Vec<CheckRateRow> = units
            .into_iter()
            .map(|(unit_id, unit_name, region_name, working, created)| {
                let unit = CheckingUnit {
                    unit_id,
                    working: WorkingDays::parse("working_days", &working).unwrap_or_default(),
                    since: local_date(created),
                };
                let r = check_rate(&unit, &months, today, RATE_DAYS);
                CheckRateRow {
                    unit_id,
                    unit_name,
                    region_name,
                    owed: r.owed,
                    checked: r.checked,
                    rate: r.rate(),
                    last_checked_on: r.last_checked_on,
                    stopped: r.stopped(today),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.stopped
                .cmp(&a.stopped)
                .then(a.rate.total_cmp(&b.rate))
                .then(a.unit_name.cmp(&b.unit_name))
        });
        let total = rows.len();
        let start = usize::try_from(page.offset())
            .unwrap_or(usize::MAX)
            .min(total);
        let items: Vec<CheckRateRow> = rows
            .into_iter()
            .skip(start)
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .collect();
        Ok(Page {
            items,
            total: i64::try_from(total).unwrap_or(i64::MAX),
            page: page.page,
            per_page: page.per_page,
        })
    }
}

/// A check of the demo's history: the unit, the day and who checked.
#[derive(Debug, Clone)]
pub struct PastCheck {
    pub county_code: String,
    pub unit_id: i64,
    pub kind: CheckKind,
    pub checked_on: NaiveDate,
    pub checked_by: String,
}

/// Rows a statement carries at most (PostgreSQL binds at most 65,535 values).
const BATCH: usize = 500;

impl Store {
    /// Writes past checks as they are (no items, no findings) with their months' rollup rows,
    /// in one transaction: the demo county's year of units checking themselves. Only the
    /// system may.
    pub async fn write_past_checks(&self, actor: &Actor, past: &[PastCheck]) -> Result<()> {
        if actor.scope != safegrid_domain::access::Scope::All {
            return Err(StoreError::Forbidden);
        }
        let Some(first) = past.first() else {
            return Ok(());
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let ids = conn.reserve_ids("unit_checks", past.len()).await?;
        let created = now();
        // (unit, month) → (county, days, first patrol)
        let mut months: std::collections::BTreeMap<(i64, String), (String, i64, Option<i64>)> =
            Default::default();
        for (chunk, chunk_ids) in past.chunks(BATCH).zip(ids.chunks(BATCH)) {
            let mut rows = insert::Rows::new("unit_checks");
            for (p, id) in chunk.iter().zip(chunk_ids) {
                rows.push([
                    ("id", (*id).into()),
                    ("county_code", p.county_code.clone().into()),
                    ("unit_id", p.unit_id.into()),
                    ("kind", p.kind.as_str().into()),
                    ("checked_on", p.checked_on.into()),
                    ("checked_by", p.checked_by.clone().into()),
                    ("note", None::<String>.into()),
                    ("recorded_by", None::<i64>.into()),
                    ("created_at", created.into()),
                ])?;
                let month = months
                    .entry((p.unit_id, month_key(p.checked_on)))
                    .or_insert_with(|| (p.county_code.clone(), 0, None));
                match p.kind {
                    CheckKind::Daily => month.1 |= CheckedDays::bit(p.checked_on),
                    CheckKind::MonthlyPatrol => {
                        month.2.get_or_insert(*id);
                    }
                }
            }
            conn.insert(rows.statement()).await?;
        }
        let months: Vec<_> = months.into_iter().collect();
        for chunk in months.chunks(BATCH) {
            let mut rows = insert::Rows::new("unit_check_months");
            for ((unit, month), (county, days, patrol)) in chunk {
                rows.push([
                    ("unit_id", (*unit).into()),
                    ("month", month.clone().into()),
                    ("county_code", county.clone().into()),
                    ("days", (*days).into()),
                    ("patrol_id", (*patrol).into()),
                ])?;
            }
            conn.insert(rows.statement()).await?;
        }
        tx.commit_audited(
            actor,
            Event {
                chain: &first.county_code,
                action: "unit_check.history",
                object_type: "unit",
                object_id: None,
                detail: json!({ "written": past.len() }),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(())
    }
}
