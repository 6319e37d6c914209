//! The ledger in figures (`GET /api/v1/stats/hazards`): one grouped query over the hazards in
//! scope, counting in each row what is open, overdue, closed and closed on time, by the rules in
//! `safegrid_domain::hazard::stats`. Counted with the same scope and conditions as the ledger's
//! own total, so the figures add up to it.

use super::query::{OPEN, overdue_condition};
use crate::db::{Conn, Dialect, Store};
use crate::{Result, StoreError, scope};
use chrono::Utc;
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::stats::{FoundWindow, StatsGroup};
use safegrid_domain::policy::{self, Object, Verb};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::{local_date, start_of_local_day};
use sea_query::{Cond, Expr, ExprTrait, Func, JoinType, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;
use std::collections::BTreeMap;

/// One row of the statistics: the hazards sharing one key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HazardStat {
    /// The town's or village's code, the department's id, the sector's code, the month
    /// (`2026-11`), the state or the source; empty for hazards without one (found at the county
    /// level, or at a site without a sector).
    pub key: String,
    /// The town's, village's or department's name; the caller names closed sets and months.
    pub name: Option<String>,
    pub total: i64,
    pub open: i64,
    pub overdue: i64,
    pub closed: i64,
    pub closed_on_time: i64,
}

#[derive(FromRow)]
struct Tally {
    group_key: Option<String>,
    total: i64,
    open: i64,
    overdue: i64,
    closed: i64,
    closed_on_time: i64,
}

/// How many rows meet the condition (0 when none): `COALESCE(SUM(CASE WHEN … THEN 1 ELSE 0 END), 0)`.
pub(super) fn sum_when(condition: Cond) -> Expr {
    let case: Expr = Expr::case(condition, Expr::val(1))
        .finally(Expr::val(0))
        .into();
    Func::coalesce([Func::sum(case).into(), Expr::val(0)]).into()
}

/// The day, on the Asia/Shanghai calendar, an instant column falls on, as each database
/// writes it; SQLite keeps instants as RFC 3339 text and dates as `YYYY-MM-DD` text.
fn local_day_of(dialect: Dialect, column: &str) -> Expr {
    match dialect {
        Dialect::Sqlite => Expr::cust(format!("date(h.{column}, '+8 hours')")),
        Dialect::Postgres => Expr::cust(format!("(h.{column} AT TIME ZONE 'Asia/Shanghai')::date")),
    }
}

/// The local month (`2026-11`) a hazard was found in.
fn found_month(dialect: Dialect) -> Expr {
    match dialect {
        Dialect::Sqlite => Expr::cust("strftime('%Y-%m', h.found_at, '+8 hours')"),
        Dialect::Postgres => {
            Expr::cust("to_char(h.found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')")
        }
    }
}

impl Store {
    /// The hazards in scope (and in `region`, found in `window`) grouped by `group`, in the
    /// key's order (months oldest first).
    pub async fn hazard_stats(
        &self,
        actor: &Actor,
        group: StatsGroup,
        region: Option<&RegionCode>,
        window: FoundWindow,
    ) -> Result<std::sync::Arc<Vec<HazardStat>>> {
        if !policy::may(actor, Verb::Read, Object::Hazard) {
            return Err(StoreError::Forbidden);
        }
        // Kept a few seconds like the ledger's counts (and dropped when a hazard changes): a
        // wall screen and every open dashboard ask the same question.
        let today = local_date(Utc::now());
        let key = format!("{:?}|{group:?}|{region:?}|{window:?}|{today}", actor.scope);
        self.stats
            .get_or_count(&key, || async {
                self.count_stats(actor, group, region, window)
                    .await
                    .map(std::sync::Arc::new)
            })
            .await
    }

    async fn count_stats(
        &self,
        actor: &Actor,
        group: StatsGroup,
        region: Option<&RegionCode>,
        window: FoundWindow,
    ) -> Result<Vec<HazardStat>> {
        let today = local_date(Utc::now());
        let dialect = self.dialect();
        let mut base = Cond::all().add(scope::hazards_counted(&actor.scope));
        if let Some(r) = region {
            base = base.add(scope::division(r, "h"));
        }
        if let Some(from) = window.from {
            base = base.add(Expr::col(("h", "found_at")).gte(start_of_local_day(from)));
        }
        if let Some(to) = window.to.and_then(|t| t.succ_opt()) {
            base = base.add(Expr::col(("h", "found_at")).lt(start_of_local_day(to)));
        }
        let counted = |key: Expr| -> SelectStatement {
            let closed = || Expr::col(("h", "state")).eq("closed");
            Query::select()
                .expr_as(key, "group_key")
                .expr_as(Expr::cust("COUNT(*)"), "total")
                .expr_as(
                    sum_when(Cond::all().add(Expr::col(("h", "state")).is_in(OPEN))),
                    "open",
                )
                .expr_as(sum_when(overdue_condition(today)), "overdue")
                .expr_as(sum_when(Cond::all().add(closed())), "closed")
                .expr_as(
                    sum_when(Cond::all().add(closed()).add(
                        Cond::any().add(Expr::col(("h", "deadline")).is_null()).add(
                            local_day_of(dialect, "closed_at").lte(Expr::col(("h", "deadline"))),
                        ),
                    )),
                    "closed_on_time",
                )
                .from_as("hazards", "h")
                .cond_where(base.clone())
                .group_by_col("group_key")
                .to_owned()
        };
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let tallies: Vec<Tally> = match group {
            StatsGroup::Town => conn.all(&counted(Expr::col(("h", "town_code")))).await?,
            StatsGroup::Village => conn.all(&counted(Expr::col(("h", "region_code")))).await?,
            StatsGroup::State => conn.all(&counted(Expr::col(("h", "state")))).await?,
            StatsGroup::Source => conn.all(&counted(Expr::col(("h", "source")))).await?,
            StatsGroup::Month => conn.all(&counted(found_month(dialect))).await?,
            StatsGroup::Sector => {
                let mut q = counted(Expr::col(("u", "sector_code")));
                q.join_as(
                    JoinType::LeftJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("h", "unit_id")),
                );
                conn.all(&q).await?
            }
            StatsGroup::Department => by_department(&mut conn, &counted).await?,
        };
        let mut rows: Vec<HazardStat> = tallies
            .into_iter()
            .map(|t| HazardStat {
                key: t.group_key.unwrap_or_default(),
                name: None,
                total: t.total,
                open: t.open,
                overdue: t.overdue,
                closed: t.closed,
                closed_on_time: t.closed_on_time,
            })
            .collect();
        name_rows(&mut conn, group, &mut rows).await?;
        rows.sort_by(|a, b| a.key.cmp(&b.key));
        if group == StatsGroup::Department {
            rows.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.key.cmp(&b.key)));
        }
        Ok(rows)
    }
}

/// A hazard counts for each department that supervises its unit, and for the department it
/// was referred to: two tallies, the second leaving out what the first counted already.
async fn by_department(
    conn: &mut Conn<'_>,
    counted: &(dyn Fn(Expr) -> SelectStatement + Sync),
) -> Result<Vec<Tally>> {
    let mut supervising = counted(Expr::cust("CAST(ud.department_id AS TEXT)"));
    supervising.join_as(
        JoinType::InnerJoin,
        "unit_departments",
        "ud",
        Expr::col(("ud", "unit_id")).equals(("h", "unit_id")),
    );
    let mut referred = counted(Expr::cust("CAST(h.department_id AS TEXT)"));
    referred.and_where(Expr::col(("h", "department_id")).is_not_null());
    referred.and_where(
        Expr::exists(
            Query::select()
                .expr(Expr::val(1))
                .from_as("unit_departments", "ud")
                .and_where(Expr::col(("ud", "unit_id")).equals(("h", "unit_id")))
                .and_where(Expr::col(("ud", "department_id")).equals(("h", "department_id")))
                .to_owned(),
        )
        .not(),
    );
    let mut sums: BTreeMap<Option<String>, Tally> = BTreeMap::new();
    let first: Vec<Tally> = conn.all(&supervising).await?;
    let second: Vec<Tally> = conn.all(&referred).await?;
    for t in first.into_iter().chain(second) {
        match sums.get_mut(&t.group_key) {
            Some(s) => {
                s.total += t.total;
                s.open += t.open;
                s.overdue += t.overdue;
                s.closed += t.closed;
                s.closed_on_time += t.closed_on_time;
            }
            None => {
                sums.insert(t.group_key.clone(), t);
            }
        }
    }
    Ok(sums.into_values().collect())
}

/// Names the towns, villages and departments of the rows.
async fn name_rows(conn: &mut Conn<'_>, group: StatsGroup, rows: &mut [HazardStat]) -> Result<()> {
    let keys: Vec<String> = rows
        .iter()
        .filter(|r| !r.key.is_empty())
        .map(|r| r.key.clone())
        .collect();
    if keys.is_empty() {
        return Ok(());
    }
    let names: Vec<(String, String)> = match group {
        StatsGroup::Town | StatsGroup::Village => {
            conn.all(
                Query::select()
                    .columns(["code", "name"])
                    .from("regions")
                    .and_where(Expr::col("code").is_in(keys)),
            )
            .await?
        }
        StatsGroup::Department => {
            let ids: Vec<i64> = keys.iter().filter_map(|k| k.parse().ok()).collect();
            let found: Vec<(i64, String)> = conn
                .all(
                    Query::select()
                        .columns(["id", "name"])
                        .from("departments")
                        .and_where(Expr::col("id").is_in(ids)),
                )
                .await?;
            found
                .into_iter()
                .map(|(id, n)| (id.to_string(), n))
                .collect()
        }
        _ => return Ok(()),
    };
    let names: BTreeMap<String, String> = names.into_iter().collect();
    for r in rows {
        r.name = names.get(&r.key).cloned();
    }
    Ok(())
}
