//! What the accident-report duties rest on: the steps of the grid's parties (unit, town,
//! supervising department) falling due within the window, of the accidents in scope.

use crate::db::Conn;
use crate::{Result, scope};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::accident::chain::ChainParty;
use safegrid_domain::duty::accident_report::StepFacts;
use safegrid_domain::duty::{Period, RegionCodeKey};
use safegrid_domain::time::start_of_local_day;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Query};
use std::collections::HashMap;

use super::DutyFilter;

type StepRow = (
    i64,
    Option<i64>,
    String,
    Option<String>,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<i64>,
);

/// The grid parties' steps due within the window (China days), with the departments that owe
/// a department's step: those supervising the unit (`links`, unit → departments), or the one
/// that reported an accident at an unregistered site.
pub(super) async fn steps_due(
    conn: &mut Conn<'_>,
    actor: &Actor,
    filter: &DutyFilter,
    window: Period,
    links: &HashMap<i64, Vec<i64>>,
) -> Result<Vec<StepFacts>> {
    let mut within = Cond::all()
        .add(scope::accidents(&actor.scope))
        .add(Expr::col(("s", "party")).is_in(["unit", "town", "department"]))
        .add(Expr::col(("s", "due_at")).gte(start_of_local_day(window.first_day())))
        .add(Expr::col(("s", "due_at")).lt(start_of_local_day(
            window.last_day() + chrono::Duration::days(1),
        )));
    if let Some(r) = &filter.region {
        within = within.add(scope::division(r, "a"));
    }
    if let Some(u) = filter.unit_id {
        within = within.add(Expr::col(("a", "unit_id")).eq(u));
    }
    let rows: Vec<StepRow> = conn
        .all(
            Query::select()
                .columns([
                    ("s", "accident_id"),
                    ("a", "unit_id"),
                    ("s", "party"),
                    ("a", "town_code"),
                    ("s", "due_at"),
                    ("s", "forwarded_at"),
                    ("a", "department_id"),
                ])
                .from_as("accident_steps", "s")
                .join_as(
                    JoinType::InnerJoin,
                    "accidents",
                    "a",
                    Expr::col(("a", "id")).equals(("s", "accident_id")),
                )
                .cond_where(within),
        )
        .await?;
    let mut steps = Vec::with_capacity(rows.len());
    for (accident_id, unit_id, party, town, due_at, forwarded_at, reporter) in rows {
        let departments = match unit_id {
            Some(u) => links.get(&u).cloned().unwrap_or_default(),
            None => reporter.into_iter().collect(),
        };
        steps.push(StepFacts {
            accident_id,
            unit_id,
            party: ChainParty::try_from(party)?,
            town: town.as_deref().and_then(RegionCodeKey::new),
            departments,
            due_at,
            forwarded_at,
        });
    }
    Ok(steps)
}
