//! Moving a hazard along its way: the domain's table decides; this writes the new state, the
//! fields the action brings (deadline, plan, referral …), the timeline row and the audit
//! record in one transaction.

use super::{Hazard, detail, find};
use crate::audit::{self, Event, now};
use crate::db::{Conn, Store, county_of};
use crate::units::find_unit;
use crate::{Result, StoreError};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::HazardLevel;
use safegrid_domain::hazard::lifecycle::{Action, Facts, Party, State, decide};
use safegrid_domain::invalid::{Invalid, Violation, optional_text, required_text};
use safegrid_domain::tenure::parse_date;
use safegrid_domain::time::local_date;
use sea_query::{Expr, ExprTrait, Query};
use serde::Deserialize;
use serde_json::json;

/// The six parts of a major hazard's rectification plan (Art. 15).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// 治理的目标和任务
    pub goals: Option<String>,
    /// 采取的方法和措施
    pub methods: Option<String>,
    /// 经费和物资的落实
    pub funds: Option<String>,
    /// 负责治理的机构和人员
    pub organisation: Option<String>,
    /// 治理的时限和要求
    pub timeline: Option<String>,
    /// 安全措施和应急预案
    pub safety_measures: Option<String>,
}

/// An action on a hazard with what it brings.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TransitionInput {
    /// accept, reject, refer, submit_plan, list, complete, submit_assessment,
    /// apply_resumption, verify, return
    pub action: Option<String>,
    /// Why (required to reject, return or refer).
    pub comment: Option<String>,
    /// accept: the rectification deadline (YYYY-MM-DD), if not set already.
    pub deadline: Option<String>,
    /// accept: who rectifies.
    pub responsible_person: Option<String>,
    /// accept: the registered unit a village's report turned out to be about.
    pub unit_id: Option<i64>,
    /// refer: the department taking it over.
    pub department_id: Option<i64>,
    /// submit_plan: the six parts.
    pub plan: Option<PlanInput>,
    /// complete: what was done, and what it cost.
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
}

/// What the lifecycle table needs to know about the hazard and the reader; `None` for a
/// hazard in a state the table does not know (never written by this code).
pub(crate) fn facts(actor: &Actor, h: &Hazard, has_plan: bool) -> Option<Facts> {
    Some(Facts {
        state: State::parse(&h.state)?,
        level: HazardLevel::parse("level", &h.level).ok()?,
        listed: h.listed,
        has_plan,
        party: Party::of(actor.role),
    })
}

/// A row of the hazard's timeline.
pub(crate) async fn record_event(
    conn: &mut Conn<'_>,
    actor: &Actor,
    hazard: i64,
    action: &str,
    from: Option<State>,
    to: State,
    comment: Option<String>,
) -> Result<()> {
    conn.insert(
        Query::insert()
            .into_table("hazard_events")
            .columns([
                "hazard_id",
                "at",
                "account_id",
                "actor_name",
                "action",
                "from_state",
                "to_state",
                "comment",
                "county_code",
            ])
            .values_panic([
                hazard.into(),
                now().into(),
                actor.account_id.into(),
                actor.username.clone().into(),
                action.into(),
                from.map(State::as_str).into(),
                to.as_str().into(),
                comment.into(),
                county_of("hazards", hazard),
            ]),
    )
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
        let action = Action::parse(input.action.as_deref().unwrap_or_default())
            .ok_or_else(|| Violation::new("action", "error.choice"))?;
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
        let facts = facts(actor, &hazard, has_plan).ok_or(StoreError::NotFound)?;
        let to = decide(action, facts).map_err(|r| StoreError::Refused(r.0))?;

        let mut errors = Invalid::default();
        let comment = errors.keep(optional_text("comment", input.comment.as_deref(), 500));
        if action.needs_reason() && comment.as_ref().is_none_or(|c| c.is_none()) {
            errors.push(Violation::new("comment", "error.reason_required"));
        }
        let today = local_date(chrono::Utc::now());
        let deadline = match input.deadline.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => errors.keep(parse_date("deadline", raw).and_then(|d| {
                if d < today {
                    Err(Violation::new("deadline", "error.past_date"))
                } else {
                    Ok(d)
                }
            })),
        };
        let mut changes: Vec<(&'static str, Expr)> =
            vec![("state", to.as_str().into()), ("updated_at", now().into())];
        match action {
            Action::Accept => {
                if deadline.is_none() && hazard.deadline.is_none() {
                    errors.push(Violation::new("deadline", "error.required"));
                }
                if let Some(d) = deadline {
                    changes.push(("deadline", d.into()));
                }
                if let Some(Some(p)) = errors.keep(optional_text(
                    "responsible_person",
                    input.responsible_person.as_deref(),
                    40,
                )) {
                    changes.push(("responsible_person", p.into()));
                }
                if let Some(unit) = input.unit_id {
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
            Action::Refer => match input.department_id {
                None => errors.push(Violation::new("department_id", "error.required")),
                Some(d) => {
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
            },
            Action::List => {
                changes.push(("listed", true.into()));
                changes.push(("listed_at", now().into()));
            }
            Action::Complete | Action::SubmitAssessment => {
                if let Some(Some(m)) =
                    errors.keep(optional_text("measures", input.measures.as_deref(), 2000))
                {
                    changes.push(("measures", m.into()));
                }
                if let Some(c) = input.cost_yuan {
                    if c.is_finite() && c >= 0.0 {
                        changes.push(("cost_yuan", c.into()));
                    } else {
                        errors.push(Violation::new("cost_yuan", "error.not_negative"));
                    }
                }
            }
            Action::Verify => changes.push(("closed_at", now().into())),
            Action::Reject | Action::SubmitPlan | Action::ApplyResumption | Action::Return => {}
        }
        let plan = if action == Action::SubmitPlan {
            let p = input.plan.clone().unwrap_or_default();
            let mut part = |field: &str, v: &Option<String>| {
                errors.keep(required_text(
                    &format!("plan.{field}"),
                    v.as_deref().unwrap_or_default(),
                    2000,
                ))
            };
            Some([
                part("goals", &p.goals),
                part("methods", &p.methods),
                part("funds", &p.funds),
                part("organisation", &p.organisation),
                part("timeline", &p.timeline),
                part("safety_measures", &p.safety_measures),
            ])
        } else {
            None
        };
        errors.into_result()?;
        let comment = comment.flatten();

        conn.update(
            Query::update()
                .table("hazards")
                .values(changes)
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        if let Some(parts) = plan {
            let parts: Vec<String> = parts.into_iter().flatten().collect();
            conn.delete(
                Query::delete()
                    .from_table("hazard_plans")
                    .and_where(Expr::col("hazard_id").eq(id)),
            )
            .await?;
            let mut values: Vec<Expr> = vec![id.into()];
            values.extend(parts.into_iter().map(Expr::from));
            values.push(now().into());
            values.push(actor.account_id.into());
            values.push(county_of("hazards", id));
            conn.insert(
                Query::insert()
                    .into_table("hazard_plans")
                    .columns([
                        "hazard_id",
                        "goals",
                        "methods",
                        "funds",
                        "organisation",
                        "timeline",
                        "safety_measures",
                        "submitted_at",
                        "submitted_by",
                        "county_code",
                    ])
                    .values_panic(values),
            )
            .await?;
        }
        record_event(
            &mut conn,
            actor,
            id,
            action.as_str(),
            Some(facts.state),
            to,
            comment.clone(),
        )
        .await?;
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
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: &hazard.county_code,
                action: "hazard.transition",
                object_type: "hazard",
                object_id: Some(id.to_string()),
                detail: json!({ "action": action.as_str(), "from": facts.state.as_str(), "to": to.as_str(), "comment": comment }),
                outcome: "ok",
            },
        )
        .await?;
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
        tx.commit().await?;
        self.hazards_changed();
        Ok(out)
    }
}
