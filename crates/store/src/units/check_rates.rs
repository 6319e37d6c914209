//! Which units check themselves: each operating unit's daily-check rate over the last 30
//! days, read from the month rollup (at most two rows a unit) and kept a few seconds per
//! scope and filter like the duty sets, dropped when this process records a check.

use super::checks::{CheckRateRow, RATE_DAYS};
use crate::db::Store;
use crate::{Page, PageRequest, Result};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::time::{local_date, today};
use safegrid_domain::unit::check::{CheckedDays, WorkingDays, month_key};
use sea_query::{Expr, ExprTrait, Query};

impl Store {
    /// The operating units in scope (and in `region`, of `department`) by how regularly they
    /// checked themselves over the last 30 days, the least regular first. Read from the
    /// rollup: at most two rows a unit.
    pub async fn check_rates(
        &self,
        actor: &Actor,
        region: Option<&safegrid_domain::region::RegionCode>,
        department: Option<i64>,
        page: PageRequest,
    ) -> Result<Page<CheckRateRow>> {
        let today = today();
        let key = format!("{:?}|{region:?}|{department:?}|{today}", actor.scope);
        let rows = self
            .check_rates_kept
            .get_or_count(&key, || async {
                self.rates_of(actor, region, department, today)
                    .await
                    .map(std::sync::Arc::new)
            })
            .await?;
        let total = rows.len();
        let start = usize::try_from(page.offset())
            .unwrap_or(usize::MAX)
            .min(total);
        let items: Vec<CheckRateRow> = rows
            .iter()
            .skip(start)
            .take(usize::try_from(page.per_page).unwrap_or(usize::MAX))
            .cloned()
            .collect();
        Ok(Page {
            items,
            total: i64::try_from(total).unwrap_or(i64::MAX),
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// Every row of the rate list, sorted: the stopped first, then the least regular.
    async fn rates_of(
        &self,
        actor: &Actor,
        region: Option<&safegrid_domain::region::RegionCode>,
        department: Option<i64>,
        today: NaiveDate,
    ) -> Result<Vec<CheckRateRow>> {
        use safegrid_domain::duty::own_check::{
            CheckMonth, CheckMonths, CheckingUnit, check_rate, rate_months_from,
        };
        let mut units_in = sea_query::Cond::all()
            .add(crate::scope::units(&actor.scope))
            .add(Expr::col(("u", "region_code")).is_not_null())
            .add(Expr::col(("u", "status")).eq("operating"));
        if let Some(r) = region {
            units_in = units_in.add(crate::scope::division(r, "u"));
        }
        if let Some(d) = department {
            units_in = units_in.add(crate::scope::supervised_by(d));
        }
        let mut c = self.read().await?;
        let mut conn = c.conn();
        type Row = (i64, String, Option<String>, String, DateTime<Utc>);
        let units: Vec<Row> = conn
            .all(
                Query::select()
                    .columns([("u", "id"), ("u", "name")])
                    .expr(Expr::col(("g", "name")))
                    .columns([("u", "working_days"), ("u", "created_at")])
                    .from_as("units", "u")
                    .join_as(
                        sea_query::JoinType::LeftJoin,
                        "regions",
                        "g",
                        Expr::col(("g", "code")).equals(("u", "region_code")),
                    )
                    .cond_where(units_in.clone()),
            )
            .await?;
        let from = rate_months_from(today, RATE_DAYS);
        let months: Vec<String> = from
            .iter_days()
            .take_while(|d| *d <= today)
            .map(month_key)
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let rolled: Vec<(i64, String, i64)> = conn
            .all(
                Query::select()
                    .columns([("m", "unit_id"), ("m", "month"), ("m", "days")])
                    .from_as("unit_check_months", "m")
                    .join_as(
                        sea_query::JoinType::InnerJoin,
                        "units",
                        "u",
                        Expr::col(("u", "id")).equals(("m", "unit_id")),
                    )
                    .cond_where(units_in)
                    .and_where(Expr::col(("m", "month")).is_in(months)),
            )
            .await?;
        let months: CheckMonths = rolled
            .into_iter()
            .map(|(unit, month, days)| {
                (
                    (unit, month),
                    CheckMonth {
                        days: CheckedDays(days),
                        ..Default::default()
                    },
                )
            })
            .collect();
        let mut rows: Vec<CheckRateRow> = units
            .into_iter()
            .map(|(unit_id, unit_name, region_name, working, created)| {
                let unit = CheckingUnit {
                    unit_id,
                    working: WorkingDays::parse("working_days", &working).unwrap_or_default(),
                    since: local_date(created),
                };
                let r = check_rate(&unit, &months, today, RATE_DAYS);
                CheckRateRow {
                    unit_id,
                    unit_name,
                    region_name,
                    owed: r.owed,
                    checked: r.checked,
                    rate: r.rate(),
                    last_checked_on: r.last_checked_on,
                    stopped: r.stopped(today),
                }
            })
            .collect();
        rows.sort_by(|a, b| {
            b.stopped
                .cmp(&a.stopped)
                .then(a.rate.total_cmp(&b.rate))
                .then(a.unit_name.cmp(&b.unit_name))
        });
        Ok(rows)
    }
}
