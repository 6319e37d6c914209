//! Recording an inspection: the inspection, its checklist items and every finding entered in the
//! hazard ledger commit together, with their audit, or not at all.

use super::documents::{Issuing, issue_in, may_issue};
use super::query::detail;
use super::rows::InspectionDetail;
use crate::audit::{self, Event, now};
use crate::db::{Conn, Store};
use crate::hazards::{PhotoFile, audit_finding, insert_reported};
use crate::units::find_unit;
use crate::{Result, StoreError, insert};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::duty::PartyKind;
use safegrid_domain::hazard::input::ReportRefused;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::inspection::{InspectedItem, InspectionInput, NewInspection};
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{self, Object, Verb};
use safegrid_domain::time::today;
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

impl Store {
    /// Records an inspection of a unit in scope, with its findings as hazards (source
    /// `inspection`, linked back). The party whose duty it discharges follows from the account:
    /// a department's for department staff, the unit's town's for a town or village account; a
    /// county account names the department it records for, or records for the town.
    pub async fn record_inspection(
        &self,
        actor: &Actor,
        input: InspectionInput,
    ) -> Result<InspectionDetail> {
        self.record_inspection_with_photos(actor, input, Vec::new())
            .await
    }

    /// Records an inspection as [`Store::record_inspection`] does, with a photo of each
    /// finding: `photos[i]` is the photo of `hazards[i]`, kept with the hazard it shows.
    pub async fn record_inspection_with_photos(
        &self,
        actor: &Actor,
        input: InspectionInput,
        photos: Vec<Option<PhotoFile>>,
    ) -> Result<InspectionDetail> {
        if !policy::may(actor, Verb::Write, Object::Inspection) {
            return Err(StoreError::Forbidden);
        }
        let party = Party::of(actor.role);
        // The system (demo, tools) records as the county does.
        let party = if actor.scope == Scope::All {
            Party::County
        } else {
            party
        };
        let new = NewInspection::parse(&input, party, today()).map_err(|r| match r {
            ReportRefused::NotAReporter => StoreError::Forbidden,
            ReportRefused::Invalid(e) => e.into(),
        })?;
        // The files are written before the transaction, as a hazard report's are.
        let mut kept = Vec::with_capacity(photos.len());
        for photo in photos.into_iter().take(new.hazards.len()) {
            kept.push(match photo {
                Some(p) => {
                    let size = (p.width, p.height);
                    Some((self.keep_photo_files(p.image, p.thumbnail).await?, size))
                }
                None => None,
            });
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, new.unit_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => Violation::new("unit_id", "error.unit_unknown").into(),
                other => other,
            })?;
        let region = unit
            .region
            .clone()
            .ok_or_else(|| Violation::new("unit_id", "error.unit_without_village"))?;
        let department =
            recording_department(&mut conn, actor, &unit.county_code, new.department_id).await?;
        let (party_kind, department_id) = match department {
            Some(d) => (PartyKind::Department, Some(d)),
            None => (PartyKind::Town, None),
        };
        let inspectors = serde_json::to_string(&new.inspectors).map_err(std::io::Error::other)?;
        let id = conn
            .insert_id(
                insert::row(
                    "inspections",
                    [
                        ("county_code", unit.county_code.clone().into()),
                        ("unit_id", unit.id.into()),
                        ("region_code", region.into()),
                        ("party", party_kind.as_str().into()),
                        ("department_id", department_id.into()),
                        ("inspected_on", new.inspected_on.into()),
                        ("enforcement", new.enforcement.into()),
                        ("inspectors", inspectors.into()),
                        ("summary", new.summary.clone().into()),
                        ("recorded_by", actor.account_id.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let mut items = insert::Rows::new("inspection_items");
        for (position, item) in new.items.iter().enumerate() {
            items.push(item_row(&unit.county_code, id, position, item))?;
        }
        if !items.is_empty() {
            conn.insert(items.statement()).await?;
        }
        let mut hazard_ids = Vec::with_capacity(new.hazards.len());
        for (i, hazard) in new.hazards.iter().enumerate() {
            let photo = kept
                .get(i)
                .and_then(Option::as_ref)
                .map(std::slice::from_ref);
            let (made, county) = insert_reported(
                &mut conn,
                actor,
                party,
                hazard,
                Some(id),
                photo.unwrap_or_default(),
            )
            .await?;
            audit_finding(&mut conn, actor, &county, &made, hazard, ("inspection", id)).await?;
            hazard_ids.push(made.id);
        }
        let issuing = Issuing {
            county_code: unit.county_code.clone(),
            unit_id: unit.id,
            inspected_on: new.inspected_on,
            party: party_kind.as_str().to_owned(),
            department_id,
        };
        if !new.documents.is_empty() && !may_issue(actor, &issuing) {
            return Err(StoreError::Forbidden);
        }
        let mut document_ids = Vec::with_capacity(new.documents.len());
        for document in &new.documents {
            let (made, detail) = issue_in(&mut conn, actor, id, &issuing, document).await?;
            audit::record(
                &mut conn,
                actor,
                Event {
                    chain: &unit.county_code,
                    action: "enforcement.issue",
                    object_type: "enforcement_document",
                    object_id: Some(made.to_string()),
                    detail,
                    outcome: "ok",
                },
            )
            .await?;
            document_ids.push(made);
        }
        let out = detail(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "inspection.record",
                object_type: "inspection",
                object_id: Some(id.to_string()),
                detail: json!({
                    "unit": unit.id,
                    "inspected_on": new.inspected_on,
                    "party": party_kind.as_str(),
                    "department": department_id,
                    "items": new.items.len(),
                    "hazards": hazard_ids,
                    "documents": document_ids,
                }),
                outcome: "ok",
            },
        )
        .await?;
        if !hazard_ids.is_empty() {
            self.hazards_changed();
        }
        self.duties_changed();
        Ok(out)
    }
}

/// One checklist item of an inspection as its row: the same for a recorded inspection and the
/// demo's past ones.
pub(super) fn item_row(
    county: &str,
    inspection_id: i64,
    position: usize,
    item: &InspectedItem,
) -> [insert::Pair; 7] {
    [
        ("county_code", county.into()),
        ("inspection_id", inspection_id.into()),
        (
            "position",
            i32::try_from(position).unwrap_or(i32::MAX).into(),
        ),
        ("checklist_item_id", item.checklist_item_id.into()),
        ("item", item.item.clone().into()),
        ("result", item.result.as_str().into()),
        ("note", item.note.clone().into()),
    ]
}

/// The department an inspection is recorded for: department staff record their own (naming
/// another is refused); a county account may name a department of the unit's county; a town
/// or village account records for the town and names none.
async fn recording_department(
    conn: &mut Conn<'_>,
    actor: &Actor,
    county: &str,
    named: Option<i64>,
) -> Result<Option<i64>> {
    let refused =
        || -> StoreError { Violation::new("department_id", "error.department_unknown").into() };
    match (&actor.scope, named) {
        (Scope::Department { department_id, .. }, None) => Ok(Some(*department_id)),
        (Scope::Department { department_id, .. }, Some(d)) if d == *department_id => Ok(Some(d)),
        (Scope::Department { .. }, Some(_)) => Err(refused()),
        (_, None) => Ok(None),
        (Scope::All, Some(d)) => department_in(conn, county, d)
            .await?
            .then_some(Some(d))
            .ok_or_else(refused),
        (Scope::Region { root }, Some(d))
            if root.level() <= safegrid_domain::region::RegionLevel::County =>
        {
            department_in(conn, county, d)
                .await?
                .then_some(Some(d))
                .ok_or_else(refused)
        }
        (_, Some(_)) => Err(refused()),
    }
}

async fn department_in(conn: &mut Conn<'_>, county: &str, id: i64) -> Result<bool> {
    Ok(conn
        .scalar(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from("departments")
                .and_where(Expr::col("id").eq(id))
                .and_where(Expr::col("county_code").eq(county)),
        )
        .await?
        > 0)
}
