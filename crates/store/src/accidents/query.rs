//! Reading the accident ledger: a page of accidents in scope and one accident with its chain,
//! supplements and photos.

use super::rows::{
    Accident, AccidentDetail, AccidentPhoto, AccidentStep, AccidentSupplement, select,
};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::accident::chain::{ChainParty, state};
use safegrid_domain::accident::input::EARLIEST;
use safegrid_domain::accident::{AccidentKind, AccidentLevel, last_supplement_day};
use safegrid_domain::invalid::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::{local_date, start_of_local_day};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query};

/// Which accidents to list.
#[derive(Debug, Clone, Default)]
pub struct AccidentFilter {
    /// Happened in this division's subtree.
    pub region: Option<String>,
    pub unit: Option<i64>,
    pub kind: Option<String>,
    pub level: Option<String>,
    /// The unit's sector at the time.
    pub sector: Option<String>,
    /// Happened on or after this day (China time).
    pub from: Option<NaiveDate>,
    /// Happened on or before this day.
    pub to: Option<NaiveDate>,
    /// Only those with a step of the chain overdue.
    pub overdue: Option<bool>,
}

impl AccidentFilter {
    pub(super) fn condition(&self, now: DateTime<Utc>) -> Result<Cond> {
        let mut c = Cond::all();
        let some = |v: &Option<String>| v.clone().filter(|s| !s.trim().is_empty());
        if let Some(r) = some(&self.region) {
            c = c.add(scope::division(&RegionCode::parse("region", &r)?, "a"));
        }
        if let Some(u) = self.unit {
            c = c.add(Expr::col(("a", "unit_id")).eq(u));
        }
        if let Some(k) = some(&self.kind) {
            c = c.add(Expr::col(("a", "kind")).eq(AccidentKind::parse("kind", &k)?.as_str()));
        }
        if let Some(l) = some(&self.level) {
            c = c.add(Expr::col(("a", "level")).eq(AccidentLevel::parse("level", &l)?.as_str()));
        }
        if let Some(s) = some(&self.sector) {
            c = c.add(Expr::col(("a", "sector_code")).eq(s.trim()));
        }
        // The ledger starts in 2000: an earlier bound is a typing error (and one near the
        // calendar's start would not survive the shift to UTC).
        for (field, day) in [("from", self.from), ("to", self.to)] {
            if day.is_some_and(|d| d < EARLIEST) {
                return Err(Violation::new(field, "error.date_too_early")
                    .with("min", EARLIEST)
                    .into());
            }
        }
        if let Some(d) = self.from {
            c = c.add(Expr::col(("a", "occurred_at")).gte(start_of_local_day(d)));
        }
        if let Some(d) = self.to.and_then(|d| d.succ_opt()) {
            c = c.add(Expr::col(("a", "occurred_at")).lt(start_of_local_day(d)));
        }
        if let Some(overdue) = self.overdue {
            let late = Expr::exists(
                Query::select()
                    .expr(Expr::val(1))
                    .from_as("accident_steps", "s")
                    .and_where(Expr::col(("s", "accident_id")).equals(("a", "id")))
                    .and_where(Expr::col(("s", "forwarded_at")).is_null())
                    .and_where(Expr::col(("s", "due_at")).lt(now))
                    .to_owned(),
            );
            c = c.add(if overdue { late } else { late.not() });
        }
        Ok(c)
    }
}

impl Store {
    /// Accidents in scope matching the filter, the latest first.
    pub async fn accidents(
        &self,
        actor: &Actor,
        filter: &AccidentFilter,
        page: PageRequest,
    ) -> Result<Page<Accident>> {
        let now = Utc::now();
        let condition = filter.condition(now)?;
        let mut q = select(now);
        q.cond_where(scope::accidents(&actor.scope))
            .cond_where(condition.clone())
            .order_by(("a", "occurred_at"), Order::Desc)
            .order_by(("a", "id"), Order::Desc);
        let mut count = Query::select();
        count
            .expr(Expr::cust("COUNT(*)"))
            .from_as("accidents", "a")
            .cond_where(scope::accidents(&actor.scope))
            .cond_where(condition);
        let mut c = self.read().await?;
        c.conn().page_counted(&q, &count, page).await
    }

    /// Where a photo (or its thumbnail) of an accident in scope is stored.
    pub async fn accident_photo_file(
        &self,
        actor: &Actor,
        id: i64,
        thumbnail: bool,
    ) -> Result<std::path::PathBuf> {
        self.photo_path(
            ("accident_photos", "accident_id"),
            ("accidents", "a"),
            scope::accidents(&actor.scope),
            id,
            thumbnail,
        )
        .await
    }

    /// One accident in scope, with its chain, supplements and photos.
    pub async fn accident(&self, actor: &Actor, id: i64) -> Result<AccidentDetail> {
        let mut c = self.read().await?;
        detail(&mut c.conn(), actor, id).await
    }
}

/// An accident in scope, or `NotFound`.
pub(super) async fn find(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Accident> {
    let mut q = select(Utc::now());
    q.and_where(Expr::col(("a", "id")).eq(id))
        .cond_where(scope::accidents(&actor.scope));
    conn.one(&q).await
}

/// The steps of an accident's chain in order, each with where it stands at `now`.
pub(super) async fn steps_of(
    conn: &mut Conn<'_>,
    accident: i64,
    now: DateTime<Utc>,
) -> Result<Vec<AccidentStep>> {
    let mut steps: Vec<AccidentStep> = conn
        .all(
            Query::select()
                .columns(
                    [
                        "id",
                        "round",
                        "party",
                        "due_at",
                        "received_at",
                        "forwarded_at",
                        "note",
                        "recorded_at",
                        "started_at",
                    ]
                    .map(|c| ("s", c)),
                )
                .expr_as(Expr::col(("p", "username")), "recorded_by_name")
                .from_as("accident_steps", "s")
                .join_as(
                    JoinType::LeftJoin,
                    "accounts",
                    "p",
                    Expr::col(("p", "id")).equals(("s", "recorded_by")),
                )
                .and_where(Expr::col(("s", "accident_id")).eq(accident))
                .order_by(("s", "round"), Order::Asc)
                .order_by(("s", "position"), Order::Asc),
        )
        .await?;
    for s in &mut steps {
        s.reports_to = s.party.reports_to().to_owned();
        s.state = Some(state(s.due_at, s.forwarded_at, now));
    }
    Ok(steps)
}

pub(super) async fn detail(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<AccidentDetail> {
    let accident = find(conn, actor, id).await?;
    detail_of(conn, actor, accident).await
}

/// An accident already read in scope, with the rest of its record.
pub(super) async fn detail_of(
    conn: &mut Conn<'_>,
    actor: &Actor,
    accident: Accident,
) -> Result<AccidentDetail> {
    let id = accident.id;
    let reports = steps_of(conn, id, Utc::now()).await?;
    let supplements: Vec<AccidentSupplement> = conn
        .all(
            Query::select()
                .columns(
                    [
                        "at",
                        "deaths",
                        "missing",
                        "serious_injuries",
                        "direct_loss_yuan",
                        "level_before",
                        "level",
                        "reason",
                    ]
                    .map(|c| ("s", c)),
                )
                .expr_as(Expr::col(("p", "username")), "recorded_by_name")
                .from_as("accident_supplements", "s")
                .join_as(
                    JoinType::LeftJoin,
                    "accounts",
                    "p",
                    Expr::col(("p", "id")).equals(("s", "recorded_by")),
                )
                .and_where(Expr::col(("s", "accident_id")).eq(id))
                .order_by(("s", "at"), Order::Asc)
                .order_by(("s", "id"), Order::Asc),
        )
        .await?;
    let photos: Vec<AccidentPhoto> = conn
        .all(
            Query::select()
                .columns(["id", "width", "height"])
                .from("accident_photos")
                .and_where(Expr::col("accident_id").eq(id))
                .order_by("id", Order::Asc),
        )
        .await?;
    let writes = may(actor, Verb::Write, Object::Accident);
    let may_record = ChainParty::ALL
        .into_iter()
        .filter(|p| writes && reports.iter().any(|s| s.party == *p) && p.recorded_by(actor.role))
        .collect();
    let supplement_until = last_supplement_day(accident.kind, local_date(accident.occurred_at));
    Ok(AccidentDetail {
        may_supplement: writes && local_date(Utc::now()) <= supplement_until,
        accident,
        reports,
        supplements,
        photos,
        supplement_until,
        may_record,
    })
}
