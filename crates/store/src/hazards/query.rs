//! Reading the ledger: hazards in scope by filter, their counts by state, a batch walk for
//! export, and one hazard with its timeline, plan, photos and what the reader may do next.

use super::rows::{Hazard, HazardCounts, HazardDetail, HazardEvent, HazardPlan, select};
use super::{lifecycle, photos};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::deadline::is_overdue;
use safegrid_domain::hazard::lifecycle::{Action, State, available};
use safegrid_domain::hazard::{HazardLevel, HazardSource};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::local_date;
use safegrid_domain::unit::grade::Grade;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::Deserialize;
use sqlx::FromRow;

/// Which hazards to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HazardFilter {
    pub state: Option<String>,
    pub level: Option<String>,
    pub source: Option<String>,
    /// The unit's key sector.
    pub sector: Option<String>,
    /// The unit's supervision grade.
    pub grade: Option<String>,
    pub unit: Option<i64>,
    /// Found in this division's subtree.
    pub region: Option<String>,
    /// Responsible for, or supervising the unit.
    pub department: Option<i64>,
    /// Deadline on or before this day.
    pub deadline_by: Option<NaiveDate>,
    /// Only overdue (true) or only not overdue (false).
    pub overdue: Option<bool>,
    /// Only those listed for supervision (挂牌督办, true) or only the others (false).
    pub listed: Option<bool>,
    /// Only those still open (true) or only the closed and rejected (false).
    pub open: Option<bool>,
    /// Reported by this account (a grid member's "my reports").
    pub reported_by: Option<i64>,
}

pub(super) const OPEN: [&str; 5] = [
    "reported",
    "rectifying",
    "awaiting_verification",
    "assessed",
    "resumption_applied",
];

/// Open hazards whose deadline has passed on the local calendar.
pub(super) fn overdue_condition(today: NaiveDate) -> Cond {
    Cond::all()
        .add(Expr::col(("h", "state")).is_in(OPEN))
        .add(Expr::col(("h", "deadline")).lt(today))
}

impl HazardFilter {
    pub(super) fn condition(&self, today: NaiveDate) -> Result<Cond> {
        let mut c = Cond::all();
        let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        // Every closed set is checked: an unknown value is refused, naming its field, rather
        // than matching nothing.
        if let Some(s) = some(&self.state) {
            let state = State::parse("state", &s)?;
            c = c.add(Expr::col(("h", "state")).eq(state.as_str()));
        }
        if let Some(l) = some(&self.level) {
            let level = HazardLevel::parse("level", &l)?;
            c = c.add(Expr::col(("h", "level")).eq(level.as_str()));
        }
        if let Some(s) = some(&self.source) {
            let source = HazardSource::parse("source", &s)?;
            c = c.add(Expr::col(("h", "source")).eq(source.as_str()));
        }
        if let Some(s) = some(&self.sector) {
            c = c.add(Expr::col(("u", "sector_code")).eq(s.trim()));
        }
        if let Some(g) = some(&self.grade) {
            let grade = Grade::parse("grade", &g)?;
            c = c.add(Expr::col(("u", "supervision_grade")).eq(grade.as_str()));
        }
        if let Some(u) = self.unit {
            c = c.add(Expr::col(("h", "unit_id")).eq(u));
        }
        if let Some(r) = some(&self.region) {
            c = c.add(scope::division(&RegionCode::parse("region", &r)?, "h"));
        }
        if let Some(d) = self.department {
            c = c.add(
                Cond::any()
                    .add(Expr::col(("h", "department_id")).eq(d))
                    .add(scope::hazard_unit_supervised_by(d)),
            );
        }
        if let Some(d) = self.deadline_by {
            c = c.add(Expr::col(("h", "deadline")).lte(d));
        }
        match self.open {
            Some(true) => c = c.add(Expr::col(("h", "state")).is_in(OPEN)),
            Some(false) => c = c.add(Expr::col(("h", "state")).is_not_in(OPEN)),
            None => {}
        }
        if let Some(account) = self.reported_by {
            c = c.add(Expr::col(("h", "reported_by")).eq(account));
        }
        if let Some(listed) = self.listed {
            c = c.add(Expr::col(("h", "listed")).eq(listed));
        }
        match self.overdue {
            Some(true) => c = c.add(overdue_condition(today)),
            Some(false) => c = c.add(overdue_condition(today).not()),
            None => {}
        }
        Ok(c)
    }
}

pub(super) fn with_overdue(mut h: Hazard, at: DateTime<Utc>) -> Hazard {
    let open = h.state.is_open();
    h.overdue = open && h.deadline.is_some_and(|d| is_overdue(d, at));
    h
}

impl Store {
    /// Hazards in scope matching the filter, newest finding first.
    pub async fn hazards(
        &self,
        actor: &Actor,
        filter: &HazardFilter,
        page: PageRequest,
    ) -> Result<Page<Hazard>> {
        let at = Utc::now();
        let condition = filter.condition(local_date(at))?;
        let mut q = select();
        q.cond_where(scope::hazards(&actor.scope))
            .cond_where(condition.clone())
            .order_by(("h", "found_at"), Order::Desc)
            .order_by(("h", "id"), Order::Desc);
        // The total counts hazards alone; the unit is joined only when the filter asks about it.
        let mut count = Query::select();
        count
            .expr(Expr::cust("COUNT(*)"))
            .from_as("hazards", "h")
            .cond_where(scope::hazards_counted(&actor.scope))
            .cond_where(condition);
        if filter.sector.is_some() || filter.grade.is_some() {
            count.join_as(
                JoinType::LeftJoin,
                "units",
                "u",
                Expr::col(("u", "id")).equals(("h", "unit_id")),
            );
        }
        let key = format!("{:?}|{filter:?}|{}", actor.scope, local_date(at));
        let total = self
            .totals
            .get_or_count(&key, || async {
                let mut c = self.read().await?;
                c.conn().scalar(&count).await
            })
            .await?;
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let items: Vec<Hazard> = if total > 0 && page.offset() < u64::try_from(total).unwrap_or(0) {
            q.limit(page.per_page).offset(page.offset());
            conn.all(&q).await?
        } else {
            Vec::new()
        };
        let page = Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        };
        Ok(Page {
            items: page
                .items
                .into_iter()
                .map(|h| with_overdue(h, at))
                .collect(),
            ..page
        })
    }

    /// How many hazards in scope stand in each state (the filter's other criteria applied).
    pub async fn hazard_counts(
        &self,
        actor: &Actor,
        filter: &HazardFilter,
    ) -> Result<HazardCounts> {
        let today = local_date(Utc::now());
        let unfiltered_state = HazardFilter {
            state: None,
            overdue: None,
            ..filter.clone()
        };
        let needs_unit = filter.sector.is_some() || filter.grade.is_some();
        let base = |q: &mut SelectStatement| -> Result<()> {
            q.from_as("hazards", "h");
            if needs_unit {
                q.join_as(
                    JoinType::LeftJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("h", "unit_id")),
                );
            }
            q.cond_where(scope::hazards_counted(&actor.scope))
                .cond_where(unfiltered_state.condition(today)?);
            Ok(())
        };
        let mut by_state = Query::select();
        by_state
            .column(("h", "state"))
            .expr(Expr::cust("COUNT(*)"))
            .group_by_col(("h", "state"));
        base(&mut by_state)?;
        let mut overdue = Query::select();
        overdue
            .expr(Expr::cust("COUNT(*)"))
            .cond_where(overdue_condition(today));
        base(&mut overdue)?;
        let key = format!("{:?}|{unfiltered_state:?}|{today}", actor.scope);
        self.counts
            .get_or_count(&key, || async {
                let mut c = self.read().await?;
                let mut conn = c.conn();
                let rows: Vec<(String, i64)> = conn.all(&by_state).await?;
                let overdue = conn.scalar(&overdue).await?;
                Ok(HazardCounts {
                    total: rows.iter().map(|r| r.1).sum(),
                    overdue,
                    by_state: rows.into_iter().collect(),
                })
            })
            .await
    }

    /// Hazards in scope matching the filter with ids above `after`, in id order: an export
    /// walks the whole ledger this way, a batch at a time.
    pub async fn hazards_after(
        &self,
        actor: &Actor,
        filter: &HazardFilter,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Hazard>> {
        let at = Utc::now();
        let mut q = select();
        q.cond_where(scope::hazards_counted(&actor.scope))
            .cond_where(filter.condition(local_date(at))?)
            .and_where(Expr::col(("h", "id")).gt(after))
            .order_by(("h", "id"), Order::Asc)
            .limit(limit);
        let mut c = self.read().await?;
        let rows: Vec<Hazard> = c.conn().all(&q).await?;
        Ok(rows.into_iter().map(|h| with_overdue(h, at)).collect())
    }

    /// The timelines of several hazards in scope, by hazard (for an export).
    pub async fn hazard_timelines(
        &self,
        actor: &Actor,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<HazardEvent>>> {
        let mut out: std::collections::HashMap<i64, Vec<HazardEvent>> = Default::default();
        if ids.is_empty() {
            return Ok(out);
        }
        #[derive(FromRow)]
        struct Row {
            hazard_id: i64,
            #[sqlx(flatten)]
            event: HazardEvent,
        }
        let q = Query::select()
            .columns(
                [
                    "hazard_id",
                    "at",
                    "action",
                    "from_state",
                    "to_state",
                    "comment",
                    "on_behalf",
                ]
                .map(|c| ("e", c)),
            )
            .expr_as(
                Expr::cust("COALESCE(a.display_name, e.actor_name)"),
                "actor_name",
            )
            .from_as("hazard_events", "e")
            .join_as(
                JoinType::InnerJoin,
                "hazards",
                "h",
                Expr::col(("h", "id")).equals(("e", "hazard_id")),
            )
            .join_as(
                JoinType::LeftJoin,
                "accounts",
                "a",
                Expr::col(("a", "id")).equals(("e", "account_id")),
            )
            .and_where(Expr::col(("e", "hazard_id")).is_in(ids.iter().copied()))
            .cond_where(scope::hazards(&actor.scope))
            .order_by(("e", "hazard_id"), Order::Asc)
            .order_by(("e", "at"), Order::Asc)
            .order_by(("e", "id"), Order::Asc)
            .to_owned();
        let mut c = self.read().await?;
        let rows: Vec<Row> = c.conn().all(&q).await?;
        for r in rows {
            out.entry(r.hazard_id).or_default().push(r.event);
        }
        Ok(out)
    }

    /// One hazard in scope with its timeline, plan, photos and what the reader may do.
    pub async fn hazard(&self, actor: &Actor, id: i64) -> Result<HazardDetail> {
        let mut c = self.read().await?;
        detail(&mut c.conn(), actor, id).await
    }
}
/// A hazard in scope, or `NotFound`.
pub(crate) async fn find(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Hazard> {
    let mut q = select();
    q.and_where(Expr::col(("h", "id")).eq(id))
        .cond_where(scope::hazards(&actor.scope));
    let h: Hazard = conn.one(&q).await?;
    Ok(with_overdue(h, Utc::now()))
}

pub(crate) async fn detail(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<HazardDetail> {
    let hazard = find(conn, actor, id).await?;
    detail_of(conn, actor, hazard).await
}

/// A hazard already read in scope, with its timeline, plan, photos and what the reader may do.
pub(super) async fn detail_of(
    conn: &mut Conn<'_>,
    actor: &Actor,
    hazard: Hazard,
) -> Result<HazardDetail> {
    let id = hazard.id;
    let timeline: Vec<HazardEvent> = conn
        .all(
            Query::select()
                .columns(
                    [
                        "at",
                        "action",
                        "from_state",
                        "to_state",
                        "comment",
                        "on_behalf",
                    ]
                    .map(|c| ("e", c)),
                )
                .expr_as(
                    Expr::cust("COALESCE(a.display_name, e.actor_name)"),
                    "actor_name",
                )
                .from_as("hazard_events", "e")
                .join_as(
                    JoinType::LeftJoin,
                    "accounts",
                    "a",
                    Expr::col(("a", "id")).equals(("e", "account_id")),
                )
                .and_where(Expr::col(("e", "hazard_id")).eq(id))
                .order_by(("e", "at"), Order::Asc)
                .order_by(("e", "id"), Order::Asc),
        )
        .await?;
    let plan: Option<HazardPlan> = conn
        .optional(
            Query::select()
                .columns([
                    "goals",
                    "methods",
                    "funds",
                    "organisation",
                    "timeline",
                    "safety_measures",
                    "submitted_at",
                ])
                .from("hazard_plans")
                .and_where(Expr::col("hazard_id").eq(id)),
        )
        .await?;
    let photos = photos::of_hazard(conn, id).await?;
    let facts = lifecycle::facts(actor, &hazard, plan.is_some());
    let actions = available(facts).into_iter().map(Action::as_str).collect();
    Ok(HazardDetail {
        hazard,
        timeline,
        plan,
        photos,
        actions,
    })
}
