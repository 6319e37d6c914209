//! The responsibility ledger (监管责任台账, R-LED-1): every post of every grid in scope with its
//! holders on a date, contacts and duties. Vacant posts appear with no person, so gaps show.

use super::grids::GridFilter;
use crate::db::Store;
use crate::{LedgerLine, Page, PageRequest, Result, scope};
use chrono::NaiveDate;
use safegrid_domain::access::Actor;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};

/// The ledger's filters: those of the grid list, a post kind, and the date.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct LedgerFilter {
    #[serde(flatten)]
    pub grids: GridFilter,
    pub post: Option<String>,
    /// The person's name contains this.
    pub q: Option<String>,
}

fn ledger_select(actor: &Actor, filter: &LedgerFilter, date: NaiveDate) -> (SelectStatement, Cond) {
    let mut cond = Cond::all()
        .add(scope::grids(&actor.scope))
        .add(filter.grids.condition(date));
    if let Some(post) = filter.post.as_deref().filter(|s| !s.is_empty()) {
        cond = cond.add(Expr::col(("ps", "kind")).eq(post));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        cond = cond.add(Expr::col(("pe", "name")).like(format!("%{}%", q.replace(['%', '_'], ""))));
    }
    let mut q = Query::select();
    q.expr_as(Expr::col(("g", "id")), "grid_id")
        .expr_as(Expr::col(("g", "name")), "grid_name")
        .expr_as(Expr::col(("g", "kind")), "grid_kind")
        .expr_as(Expr::col(("g", "level")), "grid_level")
        .column(("g", "region_code"))
        .expr_as(Expr::col(("r", "name")), "region_name")
        .expr_as(Expr::col(("d", "short_name")), "department_name")
        .expr_as(Expr::col(("ps", "kind")), "post_kind")
        .expr_as(Expr::col(("ps", "duties")), "post_duties")
        .expr_as(Expr::col(("pe", "name")), "person_name")
        .columns([("pe", "phone"), ("pe", "job_title")])
        .column(("h", "started_on"))
        .from_as("grids", "g")
        .join_as(
            JoinType::InnerJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("g", "region_code")),
        )
        .join_as(
            JoinType::LeftJoin,
            "departments",
            "d",
            Expr::col(("d", "id")).equals(("g", "department_id")),
        )
        .join_as(
            JoinType::InnerJoin,
            "posts",
            "ps",
            Expr::col(("ps", "grid_id")).equals(("g", "id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "holdings",
            "h",
            Cond::all()
                .add(Expr::col(("h", "post_id")).equals(("ps", "id")))
                .add(Expr::col(("h", "started_on")).lte(date))
                .add(
                    Cond::any()
                        .add(Expr::col(("h", "ended_on")).is_null())
                        .add(Expr::col(("h", "ended_on")).gt(date)),
                ),
        )
        .join_as(
            JoinType::LeftJoin,
            "people",
            "pe",
            Expr::col(("pe", "id")).equals(("h", "person_id")),
        );
    (q, cond)
}

fn ordered(q: &mut SelectStatement) -> &mut SelectStatement {
    q.order_by(("g", "level"), Order::Asc)
        .order_by(("g", "region_code"), Order::Asc)
        .order_by(("g", "kind"), Order::Asc)
        .order_by(("g", "id"), Order::Asc)
        .order_by(("ps", "sort_order"), Order::Asc)
        .order_by(("h", "started_on"), Order::Asc)
}

impl Store {
    /// A page of the ledger as of `date`.
    pub async fn ledger(
        &self,
        actor: &Actor,
        filter: &LedgerFilter,
        date: NaiveDate,
        page: PageRequest,
    ) -> Result<Page<LedgerLine>> {
        let (mut q, cond) = ledger_select(actor, filter, date);
        q.cond_where(cond);
        ordered(&mut q);
        let mut c = self.read().await?;
        c.conn().page(&q, page).await
    }

    /// The whole ledger in scope as of `date`, for export (at most `limit` lines).
    pub async fn ledger_all(
        &self,
        actor: &Actor,
        filter: &LedgerFilter,
        date: NaiveDate,
        limit: u64,
    ) -> Result<Vec<LedgerLine>> {
        let (mut q, cond) = ledger_select(actor, filter, date);
        q.cond_where(cond);
        ordered(&mut q).limit(limit);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }
}
