//! Writing the accident ledger: the quick report (with its chain, photos, notices and audit in
//! one transaction), a level's step of the chain, and a supplement that may raise the level and
//! start the chain again.

use super::notify::tell;
use super::query::{detail, detail_of, find, steps_of};
use super::rows::AccidentDetail;
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::hazards::{KeptFiles, PhotoFile};
use crate::units::find_unit;
use crate::{Result, StoreError, insert};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::accident::chain::{
    ChainParty, StepTimes, due_times, first_round, raised_round,
};
use safegrid_domain::accident::input::MAX_PHOTOS;
use safegrid_domain::accident::input::{
    AccidentInput, NewAccident, StepInput, StepRecord, Supplement, SupplementInput,
};
use safegrid_domain::accident::level::{Casualties, level_of};
use safegrid_domain::geo::Location;
use safegrid_domain::hazard::input::Subject;
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

impl Store {
    /// Takes a quick report with the photos of the scene: the accident, its chain with each
    /// step's time, its photos, the notices to everyone who must act and the audit record
    /// commit together or not at all.
    pub async fn report_accident(
        &self,
        actor: &Actor,
        input: AccidentInput,
        photos: Vec<PhotoFile>,
    ) -> Result<AccidentDetail> {
        self.report_accident_at(actor, input, photos, now()).await
    }

    /// Takes a quick report as received at a past moment: the demo county lays out its year
    /// with it, so each chain's clock runs from when its report came in. Only the system may.
    pub async fn report_past_accident(
        &self,
        actor: &Actor,
        input: AccidentInput,
        reported_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<AccidentDetail> {
        if actor.scope != safegrid_domain::access::Scope::All || actor.account_id.is_some() {
            return Err(StoreError::Forbidden);
        }
        // Stored to the second, as every time is (their text sorts as time does on SQLite).
        let reported_at = chrono::SubsecRound::trunc_subsecs(std::cmp::min(reported_at, now()), 0);
        self.report_accident_at(actor, input, Vec::new(), reported_at)
            .await
    }

    async fn report_accident_at(
        &self,
        actor: &Actor,
        input: AccidentInput,
        photos: Vec<PhotoFile>,
        reported_at: chrono::DateTime<chrono::Utc>,
    ) -> Result<AccidentDetail> {
        if !may(actor, Verb::Write, Object::Accident) {
            return Err(StoreError::Forbidden);
        }
        let new = NewAccident::parse(&input, reported_at)?;
        if photos.len() > MAX_PHOTOS {
            return Err(Violation::new("photos", "error.too_many")
                .with("max", MAX_PHOTOS)
                .into());
        }
        let mut kept: Vec<(KeptFiles, (u32, u32))> = Vec::with_capacity(photos.len());
        for p in photos {
            let size = (p.width, p.height);
            kept.push((self.keep_photo_files(p.image, p.thumbnail).await?, size));
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let site = site_of(&mut conn, actor, &new.subject).await?;
        if let (Some(node), Some(unit)) = (new.node_id, site.unit_id)
            && !crate::units::own_grid::node_in_force(&mut conn, unit, node, new.occurred_at)
                .await?
        {
            return Err(Violation::new("node_id", "error.choice").into());
        }
        let casualties = new.casualties;
        let level = level_of(&casualties);
        let id = conn
            .insert_id(
                insert::row(
                    "accidents",
                    [
                        ("county_code", site.county.clone().into()),
                        ("region_code", site.village.clone().into()),
                        ("unit_id", site.unit_id.into()),
                        ("unregistered_unit", site.unregistered.clone().into()),
                        ("department_id", reporting_department(actor).into()),
                        ("sector_code", site.sector.clone().into()),
                        ("place", new.place.clone().into()),
                        ("node_id", new.node_id.into()),
                        ("longitude", Location::longitude(new.location).into()),
                        ("latitude", Location::latitude(new.location).into()),
                        ("kind", new.kind.as_str().into()),
                        ("level", level.as_str().into()),
                        ("occurred_at", new.occurred_at.into()),
                        ("reported_at", reported_at.into()),
                        ("reported_by", actor.account_id.into()),
                        ("deaths", i64::from(casualties.deaths).into()),
                        ("missing", i64::from(casualties.missing).into()),
                        (
                            "serious_injuries",
                            i64::from(casualties.serious_injuries).into(),
                        ),
                        ("direct_loss_yuan", casualties.direct_loss_yuan.into()),
                        ("description", new.description.clone().into()),
                        ("measures", new.measures.clone().into()),
                        ("updated_at", reported_at.into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let parties = first_round(level, site.departments > 0);
        insert_round(
            &mut conn,
            &site.county,
            id,
            1,
            &parties,
            (new.occurred_at, reported_at),
        )
        .await?;
        for (files, (width, height)) in &kept {
            conn.insert(insert::row(
                "accident_photos",
                [
                    ("county_code", site.county.clone().into()),
                    ("accident_id", id.into()),
                    ("sha256", files.sha256.as_str().into()),
                    ("thumb_sha256", files.thumb_sha256.as_str().into()),
                    ("width", i64::from(*width).into()),
                    ("height", i64::from(*height).into()),
                    ("size_bytes", files.size_bytes.into()),
                    ("uploaded_at", reported_at.into()),
                    ("uploaded_by", actor.account_id.into()),
                ],
            ))
            .await?;
        }
        if let Some(unit) = site.unit_id {
            // An accident grades its unit A for a year (the rule's 12-month clause).
            crate::units::grading::regrade_after_hazard(&mut conn, actor, &site.county, unit)
                .await?;
        }
        let made = detail(&mut conn, actor, id).await?;
        tell(&mut conn, actor, &made, "accident_reported").await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &site.county,
                action: "accident.report",
                object_type: "accident",
                object_id: Some(id.to_string()),
                detail: json!({
                    "unit": site.unit_id,
                    "region": site.village,
                    "kind": new.kind.as_str(),
                    "level": level.as_str(),
                    "deaths": casualties.deaths,
                    "missing": casualties.missing,
                    "serious_injuries": casualties.serious_injuries,
                    "photos": kept.len(),
                }),
                outcome: "ok",
            },
        )
        .await?;
        // The chain's steps are duties on the calendar.
        self.duties_changed();
        Ok(made)
    }

    /// Records that a level received the report and passed it on; the later steps' times
    /// follow from it.
    pub async fn record_accident_step(
        &self,
        actor: &Actor,
        id: i64,
        input: StepInput,
    ) -> Result<AccidentDetail> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let accident = find(&mut conn, actor, id).await?;
        if !may(actor, Verb::Write, Object::Accident) {
            return Err(StoreError::Forbidden);
        }
        let at = now();
        let step = StepRecord::parse(&input, accident.occurred_at, at)?;
        let mut steps = steps_of(&mut conn, id, at).await?;
        let round = match step.round {
            Some(r) => r,
            None => steps.iter().map(|s| s.round).max().unwrap_or(1),
        };
        let target = steps
            .iter()
            .position(|s| s.round == round && s.party == step.party)
            .ok_or_else(|| Violation::new("party", "error.accident_party_not_in_chain"))?;
        if !step.party.recorded_by(actor.role) {
            return Err(StoreError::Forbidden);
        }
        let mine = &mut steps[target];
        mine.received_at = step.received_at.or(mine.received_at);
        mine.forwarded_at = step.forwarded_at.or(mine.forwarded_at);
        if let (Some(r), Some(f)) = (mine.received_at, mine.forwarded_at)
            && f < r
        {
            return Err(
                Violation::new("forwarded_at", "error.accident_forwarded_before_received").into(),
            );
        }
        conn.update(
            Query::update()
                .table("accident_steps")
                .values([
                    ("received_at", mine.received_at.into()),
                    ("forwarded_at", mine.forwarded_at.into()),
                    ("note", step.note.clone().or(mine.note.clone()).into()),
                    ("recorded_by", actor.account_id.into()),
                    ("recorded_at", at.into()),
                ])
                .and_where(Expr::col("id").eq(mine.id)),
        )
        .await?;
        let known = if round == 1 {
            accident.reported_at
        } else {
            mine.started_at
        };
        let in_round: Vec<_> = steps.iter().filter(|s| s.round == round).collect();
        let times: Vec<StepTimes> = in_round
            .iter()
            .map(|s| StepTimes {
                party: s.party,
                received_at: s.received_at,
                forwarded_at: s.forwarded_at,
            })
            .collect();
        let started = in_round
            .first()
            .map_or(accident.occurred_at, |s| s.started_at);
        for (s, due) in in_round.iter().zip(due_times(&times, started, known)) {
            if s.due_at != due {
                conn.update(
                    Query::update()
                        .table("accident_steps")
                        .value("due_at", due)
                        .and_where(Expr::col("id").eq(s.id)),
                )
                .await?;
            }
        }
        let out = detail_of(&mut conn, actor, accident).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &out.accident.county_code,
                action: "accident.step",
                object_type: "accident",
                object_id: Some(id.to_string()),
                detail: json!({
                    "round": round,
                    "party": step.party.as_str(),
                    "received_at": step.received_at,
                    "forwarded_at": step.forwarded_at,
                }),
                outcome: "ok",
            },
        )
        .await?;
        // The chain's steps are duties on the calendar.
        self.duties_changed();
        Ok(out)
    }

    /// Adds changed casualties; a higher level starts the chain again from the county, as far
    /// as the new level goes.
    pub async fn supplement_accident(
        &self,
        actor: &Actor,
        id: i64,
        input: SupplementInput,
    ) -> Result<AccidentDetail> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let accident = find(&mut conn, actor, id).await?;
        if !may(actor, Verb::Write, Object::Accident) {
            return Err(StoreError::Forbidden);
        }
        let confirmed = Casualties {
            deaths: u32::try_from(accident.deaths).unwrap_or_default(),
            missing: u32::try_from(accident.missing).unwrap_or_default(),
            serious_injuries: u32::try_from(accident.serious_injuries).unwrap_or_default(),
            direct_loss_yuan: accident.direct_loss_yuan,
        };
        let recorded_at = now();
        let s = Supplement::parse(
            &input,
            accident.kind,
            accident.occurred_at,
            &confirmed,
            recorded_at,
        )?;
        let before = accident.level;
        let level = level_of(&s.casualties);
        let c = s.casualties;
        conn.insert(insert::row(
            "accident_supplements",
            [
                ("county_code", accident.county_code.clone().into()),
                ("accident_id", id.into()),
                ("at", s.at.into()),
                ("deaths", i64::from(c.deaths).into()),
                ("missing", i64::from(c.missing).into()),
                ("serious_injuries", i64::from(c.serious_injuries).into()),
                ("direct_loss_yuan", c.direct_loss_yuan.into()),
                ("level_before", before.as_str().into()),
                ("level", level.as_str().into()),
                ("reason", s.reason.clone().into()),
                ("recorded_by", actor.account_id.into()),
                ("recorded_at", recorded_at.into()),
            ],
        ))
        .await?;
        conn.update(
            Query::update()
                .table("accidents")
                .values([
                    ("deaths", i64::from(c.deaths).into()),
                    ("missing", i64::from(c.missing).into()),
                    ("serious_injuries", i64::from(c.serious_injuries).into()),
                    ("direct_loss_yuan", c.direct_loss_yuan.into()),
                    ("level", level.as_str().into()),
                    ("updated_at", recorded_at.into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        let raised = level > before;
        if raised {
            let round = conn
                .scalar(
                    Query::select()
                        .expr(Expr::cust("COALESCE(MAX(round), 0) + 1"))
                        .from("accident_steps")
                        .and_where(Expr::col("accident_id").eq(id)),
                )
                .await?;
            insert_round(
                &mut conn,
                &accident.county_code,
                id,
                round,
                &raised_round(level),
                (s.at, s.at),
            )
            .await?;
        }
        let out = detail(&mut conn, actor, id).await?;
        tell(
            &mut conn,
            actor,
            &out,
            if raised {
                "accident_raised"
            } else {
                "accident_supplement"
            },
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &out.accident.county_code,
                action: "accident.supplement",
                object_type: "accident",
                object_id: Some(id.to_string()),
                detail: json!({
                    "at": s.at,
                    "deaths": c.deaths,
                    "missing": c.missing,
                    "serious_injuries": c.serious_injuries,
                    "direct_loss_yuan": c.direct_loss_yuan,
                    "level_before": before.as_str(),
                    "level": level.as_str(),
                    "reason": s.reason,
                }),
                outcome: "ok",
            },
        )
        .await?;
        // The chain's steps are duties on the calendar.
        self.duties_changed();
        Ok(out)
    }
}

/// The department of a department's account.
fn reporting_department(actor: &Actor) -> Option<i64> {
    match &actor.scope {
        safegrid_domain::access::Scope::Department { department_id, .. } => Some(*department_id),
        _ => None,
    }
}

/// Where an accident happened, as the ledger keeps it.
struct Site {
    county: String,
    village: String,
    unit_id: Option<i64>,
    unregistered: Option<String>,
    sector: Option<String>,
    /// How many departments supervise the unit.
    departments: i64,
}

/// The unit (in the reporter's scope) or the unregistered site's village (in it too).
async fn site_of(conn: &mut Conn<'_>, actor: &Actor, subject: &Subject) -> Result<Site> {
    match subject {
        Subject::Unit(unit) => {
            let u = find_unit(conn, actor, *unit).await.map_err(|e| match e {
                StoreError::NotFound => Violation::new("unit_id", "error.unit_unknown").into(),
                other => other,
            })?;
            let village = u
                .region
                .clone()
                .ok_or_else(|| Violation::new("unit_id", "error.unit_without_village"))?;
            let departments = conn
                .scalar(
                    Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from("unit_departments")
                        .and_where(Expr::col("unit_id").eq(*unit)),
                )
                .await?;
            Ok(Site {
                county: u.county_code.clone(),
                village,
                unit_id: Some(*unit),
                unregistered: None,
                sector: u.sector_code.clone(),
                departments,
            })
        }
        Subject::Unregistered {
            description,
            village,
        } => {
            let county = village
                .county()
                .filter(|_| actor.scope.may_place_in(village))
                .ok_or_else(|| Violation::new("region", "error.region_unknown"))?;
            Ok(Site {
                county: county.as_str().to_owned(),
                village: village.as_str().to_owned(),
                unit_id: None,
                unregistered: Some(description.clone()),
                sector: None,
                departments: 0,
            })
        }
    }
}

/// Writes a round of the chain, each step due as the levels below it would pass it on.
async fn insert_round(
    conn: &mut Conn<'_>,
    county: &str,
    accident: i64,
    round: i64,
    parties: &[ChainParty],
    (started_at, known_at): (DateTime<Utc>, DateTime<Utc>),
) -> Result<()> {
    let times: Vec<StepTimes> = parties
        .iter()
        .map(|party| StepTimes {
            party: *party,
            received_at: None,
            forwarded_at: None,
        })
        .collect();
    let mut rows = insert::Rows::new("accident_steps");
    for (position, (party, due)) in parties
        .iter()
        .zip(due_times(&times, started_at, known_at))
        .enumerate()
    {
        rows.push([
            ("county_code", county.into()),
            ("accident_id", accident.into()),
            ("round", round.into()),
            (
                "position",
                i64::try_from(position).unwrap_or_default().into(),
            ),
            ("party", party.as_str().into()),
            ("started_at", started_at.into()),
            ("due_at", due.into()),
        ])?;
    }
    conn.insert(rows.statement()).await?;
    Ok(())
}
