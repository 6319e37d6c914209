//! Who hears of an accident at once: the notices (with the webhook's delivery, for SMS) when
//! it is reported, when a supplement raises its level, and when one is added.

use super::rows::AccidentDetail;
use crate::Result;
use crate::audit::now;
use crate::db::Conn;
use safegrid_domain::access::Actor;
use sea_query::{Cond, Expr, ExprTrait, Query};
use serde_json::json;

/// Tells everyone who must act, at once (not the account that caused it): the town's station
/// and the village's grid members where it happened, the unit's safety manager, the
/// departments supervising the unit, and the county's administrators and committee office;
/// and the county's own platform through its webhook (for SMS).
pub(super) async fn tell(
    conn: &mut Conn<'_>,
    actor: &Actor,
    a: &AccidentDetail,
    kind: &str,
) -> Result<()> {
    let accident = &a.accident;
    let mut who = Cond::any()
        .add(
            Cond::all()
                .add(Expr::col("role").is_in(["county_admin", "committee_office"]))
                .add(Expr::col("scope_region_code").eq(accident.county_code.as_str())),
        )
        .add(
            Cond::all()
                .add(Expr::col("role").eq("town_staff"))
                .add(Expr::col("scope_region_code").eq(accident.town_code.as_str())),
        )
        .add(
            Cond::all()
                .add(Expr::col("role").eq("village_member"))
                .add(Expr::col("scope_region_code").eq(accident.region_code.as_str())),
        );
    if let Some(unit) = accident.unit_id {
        who = who
            .add(
                Cond::all()
                    .add(Expr::col("role").eq("unit_manager"))
                    .add(Expr::col("scope_unit_id").eq(unit)),
            )
            .add(
                Cond::all()
                    .add(Expr::col("role").eq("department_staff"))
                    .add(
                        Expr::col("scope_department_id").in_subquery(
                            Query::select()
                                .column("department_id")
                                .from("unit_departments")
                                .and_where(Expr::col("unit_id").eq(unit))
                                .to_owned(),
                        ),
                    ),
            );
    }
    let mut recipients = Query::select();
    recipients
        .column("id")
        .expr(Expr::val(accident.id))
        .expr(Expr::val(kind))
        .expr(Expr::val(now()))
        .expr(Expr::val(accident.county_code.as_str()))
        .from("accounts")
        .and_where(Expr::col("disabled").eq(false))
        .cond_where(who);
    if let Some(me) = actor.account_id {
        recipients.and_where(Expr::col("id").ne(me));
    }
    let insert = Query::insert()
        .into_table("notifications")
        .columns([
            "account_id",
            "accident_id",
            "kind",
            "created_at",
            "county_code",
        ])
        .select_from(recipients)
        .map_err(|e| std::io::Error::other(e.to_string()))?
        .to_owned();
    conn.insert(&insert).await?;
    crate::webhooks::enqueue(
        conn,
        &accident.county_code,
        json!({
            "kind": kind,
            "accident_id": accident.id,
            "unit": accident.unit_name,
            "region": accident.region_code,
            "occurred_at": accident.occurred_at,
            "accident_kind": accident.kind.as_str(),
            "level": accident.level.as_str(),
            "deaths": accident.deaths,
            "missing": accident.missing,
            "serious_injuries": accident.serious_injuries,
            "direct_loss_yuan": accident.direct_loss_yuan,
            "description": accident.description,
            "reports": a.reports.iter().map(|s| json!({"round": s.round, "party": s.party.as_str(), "reports_to": s.reports_to, "due_at": s.due_at})).collect::<Vec<_>>(),
            "at": now(),
        }),
    )
    .await?;
    Ok(())
}
