//! The accident ledger in figures (`GET /api/v1/stats/accidents`): the accidents in scope
//! matching the ledger's filters, grouped by town, sector, kind, level or month, with their
//! casualties and loss. Counted with the same scope and conditions as the ledger, so the
//! figures add up to its total.

use super::query::AccidentFilter;
use crate::db::{Dialect, Store};
use crate::{Result, StoreError, scope};
use chrono::Utc;
use safegrid_domain::access::Actor;
use safegrid_domain::accident::AccidentGroup;
use safegrid_domain::policy::{self, Object, Verb};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use serde::Serialize;
use sqlx::FromRow;

/// One row: the accidents sharing one key.
#[derive(Debug, Clone, PartialEq, FromRow, Serialize, utoipa::ToSchema)]
pub struct AccidentStat {
    /// The town's code, the sector's code, the kind, the level or the month (`2026-11`);
    /// empty for accidents without one (a site without a sector).
    pub key: String,
    /// The town's name; the caller names closed sets and months.
    pub name: Option<String>,
    pub accidents: i64,
    pub deaths: i64,
    pub missing: i64,
    pub serious_injuries: i64,
    pub direct_loss_yuan: f64,
}

impl Store {
    /// The accidents in scope matching `filter`, grouped by `group` in the key's order.
    pub async fn accident_stats(
        &self,
        actor: &Actor,
        filter: &AccidentFilter,
        group: AccidentGroup,
    ) -> Result<Vec<AccidentStat>> {
        if !policy::may(actor, Verb::Read, Object::Accident) {
            return Err(StoreError::Forbidden);
        }
        let key = match (group, self.dialect()) {
            (AccidentGroup::Town, _) => Expr::col(("a", "town_code")),
            (AccidentGroup::Sector, _) => Expr::cust("COALESCE(a.sector_code, '')"),
            (AccidentGroup::Kind, _) => Expr::col(("a", "kind")),
            (AccidentGroup::Level, _) => Expr::col(("a", "level")),
            (AccidentGroup::Month, Dialect::Sqlite) => {
                Expr::cust("strftime('%Y-%m', a.occurred_at, '+8 hours')")
            }
            (AccidentGroup::Month, Dialect::Postgres) => {
                Expr::cust("to_char(a.occurred_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM')")
            }
        };
        let mut q = Query::select();
        q.expr_as(key, "key")
            .expr_as(
                if group == AccidentGroup::Town {
                    Expr::cust("MAX(t.name)")
                } else {
                    Expr::cust("NULL")
                },
                "name",
            )
            .expr_as(Expr::cust("COUNT(*)"), "accidents")
            .expr_as(
                Expr::cust("CAST(COALESCE(SUM(a.deaths), 0) AS BIGINT)"),
                "deaths",
            )
            .expr_as(
                Expr::cust("CAST(COALESCE(SUM(a.missing), 0) AS BIGINT)"),
                "missing",
            )
            .expr_as(
                Expr::cust("CAST(COALESCE(SUM(a.serious_injuries), 0) AS BIGINT)"),
                "serious_injuries",
            )
            .expr_as(
                Expr::cust("COALESCE(SUM(a.direct_loss_yuan), 0.0)"),
                "direct_loss_yuan",
            )
            .from_as("accidents", "a")
            .join_as(
                JoinType::LeftJoin,
                "regions",
                "t",
                Expr::col(("t", "code")).equals(("a", "town_code")),
            )
            .cond_where(scope::accidents(&actor.scope))
            .cond_where(filter.condition(Utc::now())?)
            .group_by_col("key")
            .order_by("key", Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }
}
