//! Moving a hazard along its way: the domain's table decides; this writes the new state, the
//! fields the action brings (deadline, plan, referral …), the timeline row and the audit
//! record in one transaction.

use super::{Hazard, detail, find};
use crate::audit::{Event, now};
use crate::db::{Conn, Store, county_of};
use crate::insert;
use crate::units::find_unit;
use crate::{Result, StoreError};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::HazardLevel;
use safegrid_domain::hazard::input::{HazardChange, TransitionInput};
use safegrid_domain::hazard::lifecycle::{Action, Facts, Party, State, decide};
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::time::local_date;
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

/// What the lifecycle table needs to know about the hazard and the reader.
pub(crate) fn facts(actor: &Actor, h: &Hazard, has_plan: bool) -> Facts {
    Facts {
        state: h.state,
        level: h.level,
        listed: h.listed,
        has_plan,
        party: Party::of(actor.role),
    }
}

/// A row of the hazard's timeline: what was done, from which state to which, why, and
/// whether a supervisor recorded the unit's own step on its behalf.
pub(crate) struct TimelineStep<'a> {
    pub action: &'a str,
    pub from: Option<State>,
    pub to: State,
    pub comment: Option<String>,
    pub on_behalf: bool,
}

/// Writes a row of the hazard's timeline.
pub(crate) async fn record_event(
    conn: &mut Conn<'_>,
    actor: &Actor,
    hazard: i64,
    step: TimelineStep<'_>,
) -> Result<()> {
    conn.insert(insert::row(
        "hazard_events",
        [
            ("hazard_id", hazard.into()),
            ("at", now().into()),
            ("account_id", actor.account_id.into()),
            ("actor_name", actor.username.clone().into()),
            ("action", step.action.into()),
            ("from_state", step.from.map(State::as_str).into()),
            ("to_state", step.to.as_str().into()),
            ("comment", step.comment.into()),
            ("on_behalf", step.on_behalf.into()),
            ("county_code", county_of("hazards", hazard)),
        ],
    ))
    .await?;
    Ok(())
}

impl Store {
    /// Takes an action on a hazard in scope. A refused action is `StoreError::Refused` with
    /// the reason; missing or bad fields are `Invalid`.
    pub async fn transition_hazard(
        &self,
        actor: &Actor,
        id: i64,
        input: TransitionInput,
    ) -> Result<super::HazardDetail> {
        let action = input.action()?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let hazard = find(&mut conn, actor, id).await?;
        let has_plan = conn
            .scalar(
                Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from("hazard_plans")
                    .and_where(Expr::col("hazard_id").eq(id)),
            )
            .await?
            > 0;
        let facts = facts(actor, &hazard, has_plan);
        let to = decide(action, facts).map_err(|r| StoreError::Refused(r.0))?;

        let today = local_date(chrono::Utc::now());
        let change = HazardChange::parse(action, &input, hazard.deadline.is_some(), today)?;
        let mut changes: Vec<(&'static str, Expr)> =
            vec![("state", to.as_str().into()), ("updated_at", now().into())];
        let mut errors = Invalid::default();
        match action {
            Action::Accept => {
                if let Some(d) = change.deadline {
                    changes.push(("deadline", d.into()));
                }
                if let Some(p) = &change.responsible_person {
                    changes.push(("responsible_person", p.clone().into()));
                }
                if let Some(unit) = change.unit_id {
                    match find_unit(&mut conn, actor, unit).await {
                        Ok(u) => {
                            changes.push(("unit_id", unit.into()));
                            if let Some(r) = u.region {
                                changes.push(("region_code", r.into()));
                            }
                        }
                        Err(StoreError::NotFound) => {
                            errors.push(Violation::new("unit_id", "error.unit_unknown"));
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
            Action::Refer => {
                if let Some(d) = change.department_id {
                    let known = conn
                        .scalar(
                            Query::select()
                                .expr(Expr::cust("COUNT(*)"))
                                .from("departments")
                                .and_where(Expr::col("id").eq(d))
                                .and_where(
                                    Expr::col("county_code").eq(hazard.county_code.as_str()),
                                ),
                        )
                        .await?
                        > 0;
                    if known {
                        changes.push(("department_id", d.into()));
                    } else {
                        errors.push(Violation::new("department_id", "error.department_unknown"));
                    }
                }
            }
            Action::List => {
                changes.push(("listed", true.into()));
                changes.push(("listed_at", now().into()));
            }
            Action::Complete | Action::SubmitAssessment => {
                if let Some(m) = &change.measures {
                    changes.push(("measures", m.clone().into()));
                }
                if let Some(c) = change.cost_yuan {
                    changes.push(("cost_yuan", c.into()));
                }
            }
            Action::Verify => changes.push(("closed_at", now().into())),
            Action::Reject | Action::SubmitPlan | Action::ApplyResumption | Action::Return => {}
        }
        errors.into_result()?;
        let plan = change.plan;
        let comment = change.comment;

        conn.update(
            Query::update()
                .table("hazards")
                .values(changes)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        if let Some(parts) = plan {
            conn.delete(
                Query::delete()
                    .from_table("hazard_plans")
                    .and_where(Expr::col("hazard_id").eq(id)),
            )
            .await?;
            let row = std::iter::once(("hazard_id", id.into()))
                .chain(
                    safegrid_domain::hazard::input::PLAN_PARTS
                        .into_iter()
                        .zip(parts.map(Expr::from)),
                )
                .chain([
                    ("submitted_at", now().into()),
                    ("submitted_by", actor.account_id.into()),
                    ("county_code", county_of("hazards", id)),
                ]);
            conn.insert(insert::row("hazard_plans", row)).await?;
        }
        let step = TimelineStep {
            action: action.as_str(),
            from: Some(facts.state),
            to,
            comment: comment.clone(),
            on_behalf: safegrid_domain::hazard::lifecycle::on_behalf(action, facts.party),
        };
        record_event(&mut conn, actor, id, step).await?;
        use super::notify::{Audience, notify};
        let told = match action {
            Action::Accept => Some(("assigned", Audience::Unit)),
            Action::Return => Some(("returned", Audience::Unit)),
            Action::List => Some(("listed", Audience::Both)),
            Action::Refer => Some(("referred", Audience::Supervisors)),
            Action::Complete | Action::ApplyResumption => {
                Some(("completed", Audience::Supervisors))
            }
            _ => None,
        };
        if matches!(action, Action::Accept | Action::Reject | Action::Verify) {
            super::notify::notify_reporter(&mut conn, actor, id, action.as_str()).await?;
        }
        if let Some((kind, audience)) = told {
            // Read as the system: a referral may have moved it out of the actor's sight.
            let now_hazard = find(&mut conn, &Actor::system(), id).await?;
            notify(&mut conn, actor, &now_hazard, kind, audience).await?;
        }
        // A major hazard placed at a unit, or refused as none, changes what grades the unit.
        if hazard.level == HazardLevel::Major.as_str() {
            let after = find(&mut conn, &Actor::system(), id).await?;
            let mut units = vec![hazard.unit_id, after.unit_id];
            units.dedup();
            for unit in units.into_iter().flatten() {
                crate::units::grading::regrade_after_hazard(
                    &mut conn,
                    actor,
                    &hazard.county_code,
                    unit,
                )
                .await?;
            }
        }
        let out = detail(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &hazard.county_code,
                action: "hazard.transition",
                object_type: "hazard",
                object_id: Some(id.to_string()),
                detail: json!({ "action": action.as_str(), "from": facts.state.as_str(), "to": to.as_str(), "comment": comment }),
                outcome: "ok",
            },
        ).await?;
        self.hazards_changed();
        Ok(out)
    }
}
