//! Inspections written in bulk, for the demo county's year of history: a few thousand rows
//! a transaction instead of one transaction each. Only the system may; the demo's one audit
//! record says how many were written.

use crate::audit::{Event, now};
use crate::db::Store;
use crate::{Result, StoreError, insert};
use chrono::NaiveDate;
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::duty::PartyKind;
use safegrid_domain::inspection::InspectedItem;
use serde_json::json;

/// An inspection of the demo's history.
#[derive(Debug, Clone)]
pub struct PastInspection {
    pub county_code: String,
    pub unit_id: i64,
    pub region_code: String,
    pub party: PartyKind,
    pub department_id: Option<i64>,
    pub inspected_on: NaiveDate,
    pub inspectors: Vec<String>,
    pub items: Vec<InspectedItem>,
    pub summary: Option<String>,
}

/// Rows a statement carries at most (PostgreSQL binds at most 65,535 values).
const BATCH: usize = 500;

impl Store {
    /// Writes past inspections as they are, in one transaction; answers their ids in order.
    pub async fn write_past_inspections(
        &self,
        actor: &Actor,
        past: &[PastInspection],
    ) -> Result<Vec<i64>> {
        if actor.scope != Scope::All {
            return Err(StoreError::Forbidden);
        }
        let Some(first) = past.first() else {
            return Ok(Vec::new());
        };
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let ids = conn.reserve_ids("inspections", past.len()).await?;
        let created = now();
        for (chunk, chunk_ids) in past.chunks(BATCH).zip(ids.chunks(BATCH)) {
            let mut rows = insert::Rows::new("inspections");
            for (p, id) in chunk.iter().zip(chunk_ids) {
                let inspectors =
                    serde_json::to_string(&p.inspectors).map_err(std::io::Error::other)?;
                rows.push([
                    ("id", (*id).into()),
                    ("county_code", p.county_code.clone().into()),
                    ("unit_id", p.unit_id.into()),
                    ("region_code", p.region_code.clone().into()),
                    ("party", p.party.as_str().into()),
                    ("department_id", p.department_id.into()),
                    ("inspected_on", p.inspected_on.into()),
                    ("enforcement", false.into()),
                    ("inspectors", inspectors.into()),
                    ("summary", p.summary.clone().into()),
                    ("recorded_by", None::<i64>.into()),
                    ("created_at", created.into()),
                ])?;
            }
            conn.insert(rows.statement()).await?;
            // Items after their inspections, a statement per BATCH of them.
            let mut items = insert::Rows::new("inspection_items");
            let mut pending = 0;
            for (p, id) in chunk.iter().zip(chunk_ids) {
                for (position, item) in p.items.iter().enumerate() {
                    items.push(super::write::item_row(&p.county_code, *id, position, item))?;
                    pending += 1;
                    if pending == BATCH {
                        conn.insert(items.statement()).await?;
                        items = insert::Rows::new("inspection_items");
                        pending = 0;
                    }
                }
            }
            if pending > 0 {
                conn.insert(items.statement()).await?;
            }
        }
        tx.commit_audited(
            actor,
            Event {
                chain: &first.county_code,
                action: "inspection.history",
                object_type: "inspection",
                object_id: None,
                detail: json!({ "written": past.len() }),
                outcome: "ok",
            },
        )
        .await?;
        self.duties_changed();
        Ok(ids)
    }
}
