//! Reporting a hazard (with its photos, timeline, notices and audit in one transaction), and
//! the demo's backdating.

use super::query::{detail_of, find};
use super::rows::HazardDetail;
use super::{HazardInput, PhotoFile, lifecycle, notify, photos};
use crate::audit::{self, Event, now};
use crate::db::Store;
use crate::insert;
use crate::units::find_unit;
use crate::{Result, StoreError};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::geo::Location;
use safegrid_domain::hazard::HazardLevel;
use safegrid_domain::hazard::input::{NewHazard, ReportRefused, Subject};
use safegrid_domain::hazard::lifecycle::{Party, State};
use safegrid_domain::invalid::Violation;
use safegrid_domain::time::local_date;
use sea_query::{Expr, ExprTrait, Order, Query};
use serde_json::json;

impl Store {
    /// Moves a hazard `days` into the past, its steps spread over the `span` days after it was
    /// found. The demo county uses it to lay out a year of history; only the system may.
    pub async fn backdate_hazard(
        &self,
        actor: &Actor,
        id: i64,
        days: i64,
        span: i64,
    ) -> Result<()> {
        if actor.scope != Scope::All || actor.account_id.is_some() {
            return Err(StoreError::Forbidden);
        }
        let shift = chrono::Duration::days(days);
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        type Dates = (
            DateTime<Utc>,
            Option<NaiveDate>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        );
        let (found, deadline, closed, listed, reported): Dates = conn
            .one(
                Query::select()
                    .columns([
                        "found_at",
                        "deadline",
                        "closed_at",
                        "listed_at",
                        "reported_to_supervisor_at",
                    ])
                    .from("hazards")
                    .and_where(Expr::col("id").eq(id)),
            )
            .await?;
        conn.update(
            Query::update()
                .table("hazards")
                .values([
                    ("found_at", (found - shift).into()),
                    ("created_at", (found - shift).into()),
                    ("deadline", deadline.map(|d| d - shift).into()),
                    ("closed_at", closed.map(|d| d - shift).into()),
                    ("listed_at", listed.map(|d| d - shift).into()),
                    (
                        "reported_to_supervisor_at",
                        reported.map(|d| d - shift).into(),
                    ),
                    ("updated_at", (closed.unwrap_or(found) - shift).into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        let events: Vec<(i64,)> = conn
            .all(
                Query::select()
                    .column("id")
                    .from("hazard_events")
                    .and_where(Expr::col("hazard_id").eq(id))
                    .order_by("id", Order::Asc),
            )
            .await?;
        let found = found - shift;
        let steps = i32::try_from(events.len().saturating_sub(1).max(1)).unwrap_or(1);
        let mut last = found;
        for (i, (event,)) in events.iter().enumerate() {
            let i = i32::try_from(i).unwrap_or(0);
            last = found + chrono::Duration::hours(i64::from(i) * span * 24 / i64::from(steps));
            conn.update(
                Query::update()
                    .table("hazard_events")
                    .value("at", last)
                    .and_where(Expr::col("id").eq(*event)),
            )
            .await?;
        }
        if closed.is_some() {
            conn.update(
                Query::update()
                    .table("hazards")
                    .values([("closed_at", last.into()), ("updated_at", last.into())])
                    .and_where(Expr::col("id").eq(id)),
            )
            .await?;
        }
        conn.update(
            Query::update()
                .table("hazard_photos")
                .value("uploaded_at", now() - shift)
                .and_where(Expr::col("hazard_id").eq(id)),
        )
        .await?;
        tx.commit_unaudited("the demo laying out its own history")
            .await?;
        self.hazards_changed();
        Ok(())
    }

    /// Reports a hazard.
    pub async fn report_hazard(&self, actor: &Actor, input: HazardInput) -> Result<HazardDetail> {
        self.report_hazard_with_photos(actor, input, Vec::new())
            .await
    }

    /// Reports a hazard with the photos taken when it was found (stage `before`): the hazard,
    /// its photos, its timeline, notices and audit commit together or not at all.
    pub async fn report_hazard_with_photos(
        &self,
        actor: &Actor,
        input: HazardInput,
        photos: Vec<PhotoFile>,
    ) -> Result<HazardDetail> {
        let party = Party::of(actor.role);
        let today = local_date(Utc::now());
        let new = NewHazard::parse(&input, party, today).map_err(|r| match r {
            ReportRefused::NotAReporter => StoreError::Forbidden,
            ReportRefused::Invalid(e) => e.into(),
        })?;
        if photos.len() > photos::MAX_PHOTOS {
            return Err(Violation::new("file", "error.too_many")
                .with("max", photos::MAX_PHOTOS)
                .into());
        }
        let mut kept = Vec::with_capacity(photos.len());
        for p in photos {
            let size = (p.width, p.height);
            kept.push((self.keep_photo_files(p.image, p.thumbnail).await?, size));
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let (made, county) = insert_reported(&mut conn, actor, party, &new, None, &kept).await?;
        let id = made.id;
        let unit_id = made.unit_id;
        let out = detail_of(&mut conn, actor, made).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &county,
                action: "hazard.report",
                object_type: "hazard",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": unit_id, "source": new.source.as_str(), "level": new.level.as_str(), "state": new.initial.as_str() }),
                outcome: "ok",
            },
        ).await?;
        self.hazards_changed();
        Ok(out)
    }
}

/// The audit record of a finding entered in the ledger from a record (`"inspection"` or
/// `"check"`, with its id): one shape for every finding, whatever found it.
pub(crate) async fn audit_finding(
    conn: &mut crate::db::Conn<'_>,
    actor: &Actor,
    county: &str,
    made: &super::Hazard,
    hazard: &NewHazard,
    (from, record): (&str, i64),
) -> Result<()> {
    let mut detail = serde_json::json!({ "unit": made.unit_id, "source": hazard.source.as_str(), "level": hazard.level.as_str(), "state": hazard.initial.as_str() });
    detail[from] = serde_json::json!(record);
    crate::audit::record(
        conn,
        actor,
        crate::audit::Event {
            chain: county,
            action: "hazard.report",
            object_type: "hazard",
            object_id: Some(made.id.to_string()),
            detail,
            outcome: "ok",
        },
    )
    .await
}

/// Enters a checked report in the ledger inside the caller's transaction: the hazard, its
/// first step, its photos (each audited), the notices it sends and the unit's regrading after
/// a major one. Answers the hazard as made and its county; the caller audits the report.
pub(crate) async fn insert_reported(
    conn: &mut crate::db::Conn<'_>,
    actor: &Actor,
    party: Party,
    new: &NewHazard,
    inspection_id: Option<i64>,
    kept: &[(photos::KeptFiles, (u32, u32))],
) -> Result<(super::Hazard, String)> {
    // Where: the unit's village, or a village in the reporter's scope.
    let (county, region, unit_id, unregistered) = match &new.subject {
        Subject::Unit(unit) => {
            let u = find_unit(conn, actor, *unit).await.map_err(|e| match e {
                StoreError::NotFound => Violation::new("unit_id", "error.unit_unknown").into(),
                other => other,
            })?;
            let region = u
                .region
                .clone()
                .ok_or_else(|| Violation::new("unit_id", "error.unit_without_village"))?;
            (u.county_code.clone(), region, Some(*unit), None)
        }
        Subject::Unregistered {
            description,
            village,
        } => {
            let county = village
                .county()
                .filter(|_| actor.scope.may_place_in(village))
                .ok_or_else(|| Violation::new("region", "error.region_unknown"))?;
            (
                county.as_str().to_owned(),
                village.as_str().to_owned(),
                None,
                Some(description.clone()),
            )
        }
    };
    if let Some(node) = new.node_id {
        let ok = match unit_id {
            Some(u) => {
                conn.scalar(
                    Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from("unit_grid_nodes")
                        .and_where(Expr::col("id").eq(node))
                        .and_where(Expr::col("unit_id").eq(u)),
                )
                .await?
                    > 0
            }
            None => false,
        };
        if !ok {
            return Err(Violation::new("node_id", "error.choice").into());
        }
    }
    let department = match &actor.scope {
        Scope::Department { department_id, .. } => Some(*department_id),
        _ => None,
    };
    let at = now();
    let id = conn
        .insert_id(
            insert::row(
                "hazards",
                [
                    ("county_code", county.clone().into()),
                    ("region_code", region.into()),
                    ("unit_id", unit_id.into()),
                    ("unregistered_unit", unregistered.into()),
                    ("department_id", department.into()),
                    ("node_id", new.node_id.into()),
                    ("place", new.place.clone().into()),
                    ("longitude", Location::longitude(new.location).into()),
                    ("latitude", Location::latitude(new.location).into()),
                    ("source", new.source.as_str().into()),
                    ("level", new.level.as_str().into()),
                    ("category", new.category.clone().into()),
                    ("description", new.description.clone().into()),
                    ("found_at", at.into()),
                    ("found_by", new.found_by.clone().into()),
                    ("reported_by", actor.account_id.into()),
                    ("responsible_person", new.responsible_person.clone().into()),
                    ("deadline", new.deadline.into()),
                    ("measures", new.measures.clone().into()),
                    ("cost_yuan", new.cost_yuan.into()),
                    ("made_known", new.made_known.into()),
                    // A unit's own major hazard goes to its supervisors at once (Art. 41).
                    (
                        "reported_to_supervisor_at",
                        (party == Party::Unit && new.level == HazardLevel::Major)
                            .then_some(at)
                            .into(),
                    ),
                    ("state", new.initial.as_str().into()),
                    ("inspection_id", inspection_id.into()),
                    ("created_at", at.into()),
                    ("updated_at", at.into()),
                ],
            )
            .returning_col("id"),
        )
        .await?;
    let step = lifecycle::TimelineStep {
        action: "report",
        from: None,
        to: new.initial,
        comment: None,
        on_behalf: false,
    };
    lifecycle::record_event(conn, actor, id, step).await?;
    let made = find(conn, actor, id).await?;
    for (files, size) in kept {
        let (_, event) = photos::insert(conn, actor, &made, "before", files, *size).await?;
        audit::record(conn, actor, event).await?;
    }
    let (kind, audience) = if new.initial == State::Rectifying {
        ("assigned", notify::Audience::Unit)
    } else {
        ("reported", notify::Audience::Supervisors)
    };
    notify::notify(conn, actor, &made, kind, audience).await?;
    if new.level == HazardLevel::Major
        && let Some(unit) = unit_id
    {
        // A major hazard grades its unit A for a year (the rule's 12-month clause).
        crate::units::grading::regrade_after_hazard(conn, actor, &county, unit).await?;
    }
    Ok((made, county))
}
