//! A unit's own checks: the check, its items and its findings (hazards with source
//! `self_check`, linked back by `check_id`) commit together with the month's rollup row
//! (`unit_check_months`: the days checked as bits and the first patrol), which is all the
//! duty calendar reads of them.

use super::find_unit;
use super::photos::{self, Kept, MAX_RECORD_PHOTOS, PhotoOf};
use crate::audit::{Event, now};
use crate::batch::Statement;
use crate::db::{Conn, Store};
use crate::hazards::PhotoFile;
use crate::hazards::{audit_finding, insert_reported};
use crate::{Result, StoreError, insert};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::input::ReportRefused;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::time::{local_date, today};
use safegrid_domain::unit::check::{
    CheckInput, CheckKind, CheckedDays, NewCheck, WorkingDays, month_key,
};
use sea_query::{Expr, ExprTrait, OnConflict, Query};
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
    pub photos: i64,
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

/// Photos taken during a check: `items[i]` shows the check's item `i`, `findings[k]` its
/// finding `k` (kept on the hazard as found).
#[derive(Debug, Clone, Default)]
pub struct CheckPhotos {
    pub items: Vec<Option<PhotoFile>>,
    pub findings: Vec<Option<PhotoFile>>,
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

/// The check's mark in its month's rollup row: the day's bit for a daily check, the first
/// patrol for a patrol.
fn roll_up(county: &str, unit: i64, check: i64, new: &NewCheck) -> sea_query::InsertStatement {
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
    .on_conflict(on_conflict)
    .to_owned()
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
        self.record_check_with_photos(actor, unit_id, input, CheckPhotos::default())
            .await
    }

    /// Records a check as [`Store::record_check`] does, with the photos taken: each item's
    /// and each finding's (kept on its hazard as found), all in the check's transaction.
    pub async fn record_check_with_photos(
        &self,
        actor: &Actor,
        unit_id: i64,
        input: CheckInput,
        photos: CheckPhotos,
    ) -> Result<CheckRecorded> {
        let taken = photos.items.iter().flatten().count();
        if taken > MAX_RECORD_PHOTOS {
            return Err(Violation::new("items", "error.too_many")
                .with("max", MAX_RECORD_PHOTOS)
                .into());
        }
        let item_photos = self.keep_record_photos(photos.items).await?;
        let finding_photos = self.keep_record_photos(photos.findings).await?;
        // Checked before the write turn is taken, so the turn holds only the writes: the unit
        // in scope, its census date and its own grid change rarely and are never removed
        // (a unit leaves the census as closed, its rows kept).
        let party = Party::of(actor.role);
        let (unit, new) = {
            let mut c = self.read().await?;
            let mut conn = c.conn();
            let unit = find_unit(&mut conn, actor, unit_id).await?;
            let since = local_date(unit.created_at);
            let new =
                NewCheck::parse(&input, unit.id, party, today(), since).map_err(|r| match r {
                    ReportRefused::NotAReporter => StoreError::Forbidden,
                    ReportRefused::Invalid(e) => e.into(),
                })?;
            check_nodes(&mut conn, unit.id, &new).await?;
            (unit, new)
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let row = insert::row(
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
        .returning_col("id")
        .to_owned();
        // A check without findings (most days) takes the audit chain's head with its row, so
        // it is two trips to the database; findings append records of their own first, so
        // the check's record then takes the head at the end.
        let (id, head) = if new.hazards.is_empty() {
            let (id, head) =
                crate::audit::insert_taking_head(&mut conn, &row, &unit.county_code).await?;
            (id, Some(head))
        } else {
            (conn.insert_id(&row).await?, None)
        };
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
        let place = (unit.county_code.as_str(), unit.id);
        for (position, kept) in item_photos.iter().enumerate().take(new.items.len()) {
            if let Some(kept) = kept {
                let of = PhotoOf::CheckItem {
                    check: id,
                    position,
                };
                photos::insert(&mut conn, actor.account_id, place, of, kept).await?;
            }
        }
        let mut hazard_ids = Vec::with_capacity(new.hazards.len());
        for (i, hazard) in new.hazards.iter().enumerate() {
            let kept: Vec<Kept> = finding_photos
                .get(i)
                .cloned()
                .flatten()
                .into_iter()
                .collect();
            let (made, county) =
                insert_reported(&mut conn, actor, party, hazard, None, &kept).await?;
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
        // The items and the month's rollup go with the audit record, in one trip.
        let rolled = roll_up(&unit.county_code, unit.id, id, &new);
        let mut last = vec![Statement::Insert(&rolled)];
        if !items.is_empty() {
            last.insert(0, Statement::Insert(items.statement()));
        }
        let event = Event {
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
        };
        match head {
            Some(head) => tx.commit_audited_on(head, actor, event, &last).await?,
            None => tx.commit_audited_after(actor, event, &last).await?,
        }
        if !hazard_ids.is_empty() {
            self.hazards_changed();
        }
        self.duties_changed();
        Ok(CheckRecorded { id, hazard_ids })
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
