//! The hidden-hazard ledger (事故隐患台账, R-LED-5): hazards in scope, listed and counted by
//! state, each with its timeline; reporting one; and moving it along its lifecycle
//! (`lifecycle.rs`). The same rows make the unit's, town's, department's and county's ledgers:
//! only the scope differs.

mod lifecycle;
mod notify;
mod photos;
mod reports;

pub use notify::{Notification, Sweep};
pub use photos::{HazardPhoto, NewPhoto, PhotoFile};
pub use reports::{
    HazardReport, HazardStatistics, ReportInput, ReportStanding, StandingCounts, StandingFilter,
};
pub use safegrid_domain::hazard::input::{HazardInput, PlanInput, TransitionInput};

use crate::audit::{self, Event, now};
use crate::db::{Conn, Store};
use crate::units::find_unit;
use crate::{Page, PageRequest, Result, StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::geo::Location;
use safegrid_domain::hazard::deadline::is_overdue;
use safegrid_domain::hazard::input::{NewHazard, ReportRefused, Subject};
use safegrid_domain::hazard::lifecycle::{Action, Party, State, available};
use safegrid_domain::hazard::{HazardLevel, HazardSource};
use safegrid_domain::invalid::Violation;
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::local_date;
use safegrid_domain::unit::grade::Grade;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;

/// A hazard in a ledger.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Hazard {
    pub id: i64,
    pub county_code: String,
    pub region_code: String,
    pub region_name: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's name, or the reporter's description of an unregistered one.
    pub unit_name: Option<String>,
    pub unregistered_unit: Option<String>,
    pub department_id: Option<i64>,
    pub node_id: Option<i64>,
    /// The node of the unit's own grid it was found at, with its responsible person.
    pub node_name: Option<String>,
    pub place: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    #[sqlx(try_from = "String")]
    pub source: HazardSource,
    #[sqlx(try_from = "String")]
    pub level: HazardLevel,
    pub category: Option<String>,
    pub description: String,
    pub found_at: DateTime<Utc>,
    pub found_by: Option<String>,
    pub responsible_person: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
    pub made_known: bool,
    pub reported_to_supervisor_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub state: State,
    pub listed: bool,
    pub listed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Past its deadline and still open (computed on reading, on the local calendar).
    #[sqlx(skip)]
    pub overdue: bool,
}

/// One step of a hazard's way.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardEvent {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
}

/// The six-part plan as filed.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardPlan {
    pub goals: String,
    pub methods: String,
    pub funds: String,
    pub organisation: String,
    pub timeline: String,
    pub safety_measures: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HazardDetail {
    #[serde(flatten)]
    pub hazard: Hazard,
    pub timeline: Vec<HazardEvent>,
    pub plan: Option<HazardPlan>,
    pub photos: Vec<HazardPhoto>,
    /// What the reader may do now (action names).
    #[schema(value_type = Vec<String>)]
    pub actions: Vec<&'static str>,
}

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
}

/// How many hazards stand in each state, and how many are overdue.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HazardCounts {
    pub total: i64,
    pub overdue: i64,
    #[schema(value_type = Object)]
    pub by_state: std::collections::BTreeMap<String, i64>,
}

const COLUMNS: [&str; 28] = [
    "id",
    "county_code",
    "region_code",
    "unit_id",
    "unregistered_unit",
    "department_id",
    "node_id",
    "place",
    "longitude",
    "latitude",
    "source",
    "level",
    "category",
    "description",
    "found_at",
    "found_by",
    "responsible_person",
    "deadline",
    "measures",
    "cost_yuan",
    "made_known",
    "reported_to_supervisor_at",
    "state",
    "listed",
    "listed_at",
    "closed_at",
    "updated_at",
    "reported_by",
];

fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS[..27].iter().map(|c| ("h", *c)))
        .expr_as(
            Expr::cust("COALESCE(u.name, h.unregistered_unit)"),
            "unit_name",
        )
        .expr_as(Expr::col(("r", "name")), "region_name")
        .expr_as(
            Expr::cust(
                "CASE WHEN gn.id IS NULL THEN NULL ELSE gn.name || '（' || gn.person || '）' END",
            ),
            "node_name",
        )
        .from_as("hazards", "h")
        .join_as(
            JoinType::LeftJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("h", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("h", "region_code")),
        )
        .join_as(
            JoinType::LeftJoin,
            "unit_grid_nodes",
            "gn",
            Expr::col(("gn", "id")).equals(("h", "node_id")),
        )
        .to_owned()
}

const OPEN: [&str; 5] = [
    "reported",
    "rectifying",
    "awaiting_verification",
    "assessed",
    "resumption_applied",
];

/// Open hazards whose deadline has passed on the local calendar.
fn overdue_condition(today: NaiveDate) -> Cond {
    Cond::all()
        .add(Expr::col(("h", "state")).is_in(OPEN))
        .add(Expr::col(("h", "deadline")).lt(today))
}

impl HazardFilter {
    fn condition(&self, today: NaiveDate) -> Result<Cond> {
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
        match self.overdue {
            Some(true) => c = c.add(overdue_condition(today)),
            Some(false) => c = c.add(overdue_condition(today).not()),
            None => {}
        }
        Ok(c)
    }
}

fn with_overdue(mut h: Hazard, at: DateTime<Utc>) -> Hazard {
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
            .cond_where(scope::hazards(&actor.scope))
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
            q.cond_where(scope::hazards(&actor.scope))
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
        q.cond_where(scope::hazards(&actor.scope))
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

    /// Moves a hazard `days` into the past, its steps spread over the `span` days after it was
    /// found. The demo county uses it to lay out a year of history; only the system may.
    pub async fn backdate_hazard(
        &self,
        actor: &Actor,
        id: i64,
        days: i64,
        span: i64,
    ) -> Result<()> {
        if actor.scope != Scope::All || actor.account_id.is_some() {
            return Err(StoreError::Forbidden);
        }
        let shift = chrono::Duration::days(days);
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        type Dates = (
            DateTime<Utc>,
            Option<NaiveDate>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
            Option<DateTime<Utc>>,
        );
        let (found, deadline, closed, listed, reported): Dates = conn
            .one(
                Query::select()
                    .columns([
                        "found_at",
                        "deadline",
                        "closed_at",
                        "listed_at",
                        "reported_to_supervisor_at",
                    ])
                    .from("hazards")
                    .and_where(Expr::col("id").eq(id)),
            )
            .await?;
        conn.update(
            Query::update()
                .table("hazards")
                .values([
                    ("found_at", (found - shift).into()),
                    ("created_at", (found - shift).into()),
                    ("deadline", deadline.map(|d| d - shift).into()),
                    ("closed_at", closed.map(|d| d - shift).into()),
                    ("listed_at", listed.map(|d| d - shift).into()),
                    (
                        "reported_to_supervisor_at",
                        reported.map(|d| d - shift).into(),
                    ),
                    ("updated_at", (closed.unwrap_or(found) - shift).into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        let events: Vec<(i64,)> = conn
            .all(
                Query::select()
                    .column("id")
                    .from("hazard_events")
                    .and_where(Expr::col("hazard_id").eq(id))
                    .order_by("id", Order::Asc),
            )
            .await?;
        let found = found - shift;
        let steps = i32::try_from(events.len().saturating_sub(1).max(1)).unwrap_or(1);
        let mut last = found;
        for (i, (event,)) in events.iter().enumerate() {
            let i = i32::try_from(i).unwrap_or(0);
            last = found + chrono::Duration::hours(i64::from(i) * span * 24 / i64::from(steps));
            conn.update(
                Query::update()
                    .table("hazard_events")
                    .value("at", last)
                    .and_where(Expr::col("id").eq(*event)),
            )
            .await?;
        }
        if closed.is_some() {
            conn.update(
                Query::update()
                    .table("hazards")
                    .values([("closed_at", last.into()), ("updated_at", last.into())])
                    .and_where(Expr::col("id").eq(id)),
            )
            .await?;
        }
        conn.update(
            Query::update()
                .table("hazard_photos")
                .value("uploaded_at", now() - shift)
                .and_where(Expr::col("hazard_id").eq(id)),
        )
        .await?;
        tx.commit().await?;
        self.hazards_changed();
        Ok(())
    }

    /// One hazard in scope with its timeline, plan, photos and what the reader may do.
    pub async fn hazard(&self, actor: &Actor, id: i64) -> Result<HazardDetail> {
        let mut c = self.read().await?;
        detail(&mut c.conn(), actor, id).await
    }

    /// Reports a hazard.
    pub async fn report_hazard(&self, actor: &Actor, input: HazardInput) -> Result<HazardDetail> {
        self.report_hazard_with_photos(actor, input, Vec::new())
            .await
    }

    /// Reports a hazard with the photos taken when it was found (stage `before`): the hazard,
    /// its photos, its timeline, notices and audit commit together or not at all.
    pub async fn report_hazard_with_photos(
        &self,
        actor: &Actor,
        input: HazardInput,
        photos: Vec<PhotoFile>,
    ) -> Result<HazardDetail> {
        let party = Party::of(actor.role);
        let today = local_date(Utc::now());
        let new = NewHazard::parse(&input, party, today).map_err(|r| match r {
            ReportRefused::NotAReporter => StoreError::Forbidden,
            ReportRefused::Invalid(e) => e.into(),
        })?;
        if photos.len() > photos::MAX_PHOTOS {
            return Err(Violation::new("file", "error.too_many")
                .with("max", photos::MAX_PHOTOS)
                .into());
        }
        let mut kept = Vec::with_capacity(photos.len());
        for p in photos {
            let size = (p.width, p.height);
            kept.push((self.keep_photo_files(p.image, p.thumbnail).await?, size));
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        // Where: the unit's village, or a village in the reporter's scope.
        let (county, region, unit_id, unregistered) = match &new.subject {
            Subject::Unit(unit) => {
                let u = find_unit(&mut conn, actor, *unit)
                    .await
                    .map_err(|e| match e {
                        StoreError::NotFound => {
                            Violation::new("unit_id", "error.unit_unknown").into()
                        }
                        other => other,
                    })?;
                let region = u
                    .region
                    .clone()
                    .ok_or_else(|| Violation::new("unit_id", "error.unit_without_village"))?;
                (u.county_code.clone(), region, Some(*unit), None)
            }
            Subject::Unregistered {
                description,
                village,
            } => {
                let county = village
                    .county()
                    .filter(|_| actor.scope.may_place_in(village))
                    .ok_or_else(|| Violation::new("region", "error.region_unknown"))?;
                (
                    county.as_str().to_owned(),
                    village.as_str().to_owned(),
                    None,
                    Some(description.clone()),
                )
            }
        };
        if let Some(node) = new.node_id {
            let ok = match unit_id {
                Some(u) => {
                    conn.scalar(
                        Query::select()
                            .expr(Expr::cust("COUNT(*)"))
                            .from("unit_grid_nodes")
                            .and_where(Expr::col("id").eq(node))
                            .and_where(Expr::col("unit_id").eq(u)),
                    )
                    .await?
                        > 0
                }
                None => false,
            };
            if !ok {
                return Err(Violation::new("node_id", "error.choice").into());
            }
        }
        let department = match &actor.scope {
            Scope::Department { department_id, .. } => Some(*department_id),
            _ => None,
        };
        let at = now();
        let id = conn
            .insert_id(
                Query::insert()
                    .into_table("hazards")
                    .columns([
                        "county_code",
                        "region_code",
                        "unit_id",
                        "unregistered_unit",
                        "department_id",
                        "node_id",
                        "place",
                        "longitude",
                        "latitude",
                        "source",
                        "level",
                        "category",
                        "description",
                        "found_at",
                        "found_by",
                        "reported_by",
                        "responsible_person",
                        "deadline",
                        "measures",
                        "cost_yuan",
                        "made_known",
                        "reported_to_supervisor_at",
                        "state",
                        "created_at",
                        "updated_at",
                    ])
                    .values_panic([
                        county.clone().into(),
                        region.into(),
                        unit_id.into(),
                        unregistered.into(),
                        department.into(),
                        new.node_id.into(),
                        new.place.into(),
                        Location::longitude(new.location).into(),
                        Location::latitude(new.location).into(),
                        new.source.as_str().into(),
                        new.level.as_str().into(),
                        new.category.into(),
                        new.description.into(),
                        at.into(),
                        new.found_by.into(),
                        actor.account_id.into(),
                        new.responsible_person.into(),
                        new.deadline.into(),
                        new.measures.into(),
                        new.cost_yuan.into(),
                        new.made_known.into(),
                        // A unit's own major hazard goes to its supervisors at once (Art. 41).
                        (party == Party::Unit && new.level == HazardLevel::Major)
                            .then_some(at)
                            .into(),
                        new.initial.as_str().into(),
                        at.into(),
                        at.into(),
                    ])
                    .returning_col("id"),
            )
            .await?;
        lifecycle::record_event(&mut conn, actor, id, "report", None, new.initial, None).await?;
        let made = find(&mut conn, actor, id).await?;
        for (files, size) in &kept {
            photos::insert(&mut conn, actor, &made, "before", files, *size).await?;
        }
        let (kind, audience) = if new.initial == State::Rectifying {
            ("assigned", notify::Audience::Unit)
        } else {
            ("reported", notify::Audience::Supervisors)
        };
        notify::notify(&mut conn, actor, &made, kind, audience).await?;
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: &county,
                action: "hazard.report",
                object_type: "hazard",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": unit_id, "source": new.source.as_str(), "level": new.level.as_str(), "state": new.initial.as_str() }),
                outcome: "ok",
            },
        )
        .await?;
        if new.level == HazardLevel::Major
            && let Some(unit) = unit_id
        {
            // A major hazard grades its unit A for a year (the rule's 12-month clause).
            crate::units::grading::regrade_after_hazard(&mut conn, actor, &county, unit).await?;
        }
        let out = detail_of(&mut conn, actor, made).await?;
        tx.commit().await?;
        self.hazards_changed();
        Ok(out)
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

async fn detail(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<HazardDetail> {
    let hazard = find(conn, actor, id).await?;
    detail_of(conn, actor, hazard).await
}

/// A hazard already read in scope, with its timeline, plan, photos and what the reader may do.
async fn detail_of(conn: &mut Conn<'_>, actor: &Actor, hazard: Hazard) -> Result<HazardDetail> {
    let id = hazard.id;
    let timeline: Vec<HazardEvent> = conn
        .all(
            Query::select()
                .columns(["at", "action", "from_state", "to_state", "comment"].map(|c| ("e", c)))
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
