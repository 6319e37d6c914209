//! A unit's own grid (R-GRID-4) and its sixteen management systems (R-UNIT-1): who answers for
//! each workshop, team, area, piece of equipment and process, and which systems the unit has.
//! Nodes are retired, never deleted, so a hazard found "in workshop 2" keeps its place.

use super::find_unit;
use crate::audit::{Event, now};
use crate::db::{Conn, Store, county_of};
use crate::insert;
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::time::today;
use safegrid_domain::unit::own_grid::NewGridNode;
use safegrid_domain::unit::own_grid::{NodeKind, check_placement};
use safegrid_domain::unit::systems::SYSTEMS;
use safegrid_domain::unit::systems::SystemChange;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

/// The most nodes one unit's grid may have (a large plant has a few hundred).
const MAX_NODES: u64 = 2_000;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct GridNode {
    pub id: i64,
    pub unit_id: i64,
    pub parent_id: Option<i64>,
    /// company, workshop, team, area, place, part, link, equipment, process
    pub kind: String,
    pub name: String,
    /// The responsible person.
    pub person: String,
    pub phone: Option<String>,
    /// What the person answers for.
    pub duties: Option<String>,
}

pub use safegrid_domain::unit::own_grid::GridNodeInput;

/// One of the sixteen systems and whether the unit has it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SystemEntry {
    pub system: &'static str,
    pub in_place: bool,
    pub adopted_on: Option<NaiveDate>,
    pub note: Option<String>,
    pub updated_at: Option<DateTime<Utc>>,
}

pub use safegrid_domain::unit::systems::SystemInput;

async fn active_nodes(conn: &mut Conn<'_>, unit: i64) -> Result<Vec<GridNode>> {
    nodes_of(conn, unit, false).await
}

/// The unit's grid nodes in the order they were added, with the retired ones if asked (the
/// record of an accident goes up through a node retired since).
pub(crate) async fn nodes_of(
    conn: &mut Conn<'_>,
    unit: i64,
    with_retired: bool,
) -> Result<Vec<GridNode>> {
    let mut q = Query::select();
    q.columns([
        "id",
        "unit_id",
        "parent_id",
        "kind",
        "name",
        "person",
        "phone",
        "duties",
    ])
    .from("unit_grid_nodes")
    .and_where(Expr::col("unit_id").eq(unit))
    .order_by("id", Order::Asc)
    .limit(MAX_NODES);
    if !with_retired {
        q.and_where(Expr::col("retired_at").is_null());
    }
    conn.all(&q).await
}

/// Whether `node` is of the unit's grid and was not retired by `at` (one entered since counts:
/// a unit often writes its grid down after the fact).
pub(crate) async fn node_in_force(
    conn: &mut Conn<'_>,
    unit: i64,
    node: i64,
    at: DateTime<Utc>,
) -> Result<bool> {
    let found: Option<(i64,)> = conn
        .optional(
            Query::select()
                .column("id")
                .from("unit_grid_nodes")
                .and_where(Expr::col("id").eq(node))
                .and_where(Expr::col("unit_id").eq(unit))
                .cond_where(
                    sea_query::Cond::any()
                        .add(Expr::col("retired_at").is_null())
                        .add(Expr::col("retired_at").gt(at)),
                ),
        )
        .await?;
    Ok(found.is_some())
}

impl Store {
    /// The unit's grid, in the order the nodes were added (parents before children).
    pub async fn grid_nodes(&self, actor: &Actor, unit: i64) -> Result<Vec<GridNode>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        active_nodes(&mut conn, unit).await
    }

    /// Adds a workshop, team or responsibility to the unit's grid.
    pub async fn add_grid_node(
        &self,
        actor: &Actor,
        unit: i64,
        input: GridNodeInput,
    ) -> Result<GridNode> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        // What is typed is checked first and where it hangs beside it, so every fault is
        // named at once.
        let parsed = input.parse();
        let mut errors = parsed.as_ref().err().cloned().unwrap_or_default();
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let u = find_unit(&mut conn, actor, unit).await?;
        let nodes = active_nodes(&mut conn, unit).await?;
        let parent_kind = match input.parent_id {
            None => Some(None),
            Some(p) => match nodes.iter().find(|n| n.id == p) {
                Some(n) => Some(NodeKind::parse("parent_id", &n.kind).ok()),
                None => errors.keep(Err(Violation::new("parent_id", "error.choice"))),
            },
        };
        if let (Ok(node), Some(parent)) = (&parsed, parent_kind) {
            errors.keep(check_placement(node.kind, parent));
        }
        if nodes.len() as u64 >= MAX_NODES {
            errors.push(Violation::new("parent_id", "error.too_many").with("max", MAX_NODES));
        }
        errors.into_result()?;
        let NewGridNode {
            kind,
            name,
            person,
            phone,
            duties,
            ..
        } = parsed?;
        let at = now();
        let id = conn
            .insert_id(
                insert::row(
                    "unit_grid_nodes",
                    [
                        ("unit_id", unit.into()),
                        ("parent_id", input.parent_id.into()),
                        ("kind", kind.as_str().into()),
                        ("name", name.clone().into()),
                        ("person", person.clone().into()),
                        ("phone", phone.clone().into()),
                        ("duties", duties.clone().into()),
                        ("created_at", at.into()),
                        ("updated_at", at.into()),
                        ("county_code", county_of("units", unit)),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &u.county_code,
                action: "unit_grid.add",
                object_type: "unit_grid_node",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": unit, "kind": kind.as_str(), "name": name, "person": person }),
                outcome: "ok",
            },
        ).await?;
        Ok(GridNode {
            id,
            unit_id: unit,
            parent_id: input.parent_id,
            kind: kind.as_str().to_owned(),
            name,
            person,
            phone,
            duties,
        })
    }

    /// Takes a node off the unit's grid once nothing hangs under it.
    pub async fn retire_grid_node(&self, actor: &Actor, unit: i64, id: i64) -> Result<()> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let u = find_unit(&mut conn, actor, unit).await?;
        let nodes = active_nodes(&mut conn, unit).await?;
        let node = nodes
            .iter()
            .find(|n| n.id == id)
            .ok_or(StoreError::NotFound)?;
        if nodes.iter().any(|n| n.parent_id == Some(id)) {
            return Err(Violation::new("id", "error.node_has_children").into());
        }
        conn.update(
            Query::update()
                .table("unit_grid_nodes")
                .values([("retired_at", now().into()), ("updated_at", now().into())])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &u.county_code,
                action: "unit_grid.retire",
                object_type: "unit_grid_node",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": unit, "name": node.name }),
                outcome: "ok",
            },
        )
        .await
    }

    /// The sixteen systems, each with whether the unit has it.
    pub async fn unit_systems(&self, actor: &Actor, unit: i64) -> Result<Vec<SystemEntry>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        type Row = (
            String,
            bool,
            Option<NaiveDate>,
            Option<String>,
            DateTime<Utc>,
        );
        let rows: Vec<Row> = conn
            .all(
                Query::select()
                    .columns(["system", "in_place", "adopted_on", "note", "updated_at"])
                    .from("unit_systems")
                    .and_where(Expr::col("unit_id").eq(unit)),
            )
            .await?;
        Ok(SYSTEMS
            .iter()
            .map(|s| match rows.iter().find(|r| r.0 == *s) {
                Some(r) => SystemEntry {
                    system: s,
                    in_place: r.1,
                    adopted_on: r.2,
                    note: r.3.clone(),
                    updated_at: Some(r.4),
                },
                None => SystemEntry {
                    system: s,
                    in_place: false,
                    adopted_on: None,
                    note: None,
                    updated_at: None,
                },
            })
            .collect())
    }

    /// Records whether the unit has one of the systems, and since when.
    pub async fn set_unit_system(
        &self,
        actor: &Actor,
        unit: i64,
        input: SystemInput,
    ) -> Result<SystemEntry> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let SystemChange {
            system,
            in_place,
            adopted_on,
            note,
        } = input.parse(today())?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let u = find_unit(&mut conn, actor, unit).await?;
        let at = now();
        conn.insert(
            insert::row(
                "unit_systems",
                [
                    ("unit_id", unit.into()),
                    ("system", system.into()),
                    ("in_place", in_place.into()),
                    ("adopted_on", adopted_on.into()),
                    ("note", note.clone().into()),
                    ("updated_at", at.into()),
                    ("county_code", u.county_code.as_str().into()),
                ],
            )
            .on_conflict(
                OnConflict::columns(["unit_id", "system"])
                    .update_columns(["in_place", "adopted_on", "note", "updated_at"])
                    .to_owned(),
            ),
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &u.county_code,
                action: "unit_system.set",
                object_type: "unit",
                object_id: Some(unit.to_string()),
                detail: json!({ "system": system, "in_place": in_place, "adopted_on": adopted_on }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(SystemEntry {
            system,
            in_place,
            adopted_on,
            note,
            updated_at: Some(at),
        })
    }
}
