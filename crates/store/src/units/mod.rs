//! The unit ledger (生产经营单位基础台账, R-LED-2): the census of every production and business
//! unit, placed in its village and its departments' grids, graded A/B/C by the county's rule.

use crate::audit::{self, Event, now};
use crate::db::{Conn, Store, county_of};
use crate::{Page, PageRequest, Result, StoreError, scope};
use chrono::{DateTime, Utc};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::geo::Location;
use safegrid_domain::invalid::{Invalid, Violation, optional_text};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::{RegionCode, RegionLevel};
use safegrid_domain::unit::grade::{Grade, GradeRule, Reason};
use safegrid_domain::unit::input::NewUnit;
pub use safegrid_domain::unit::input::UnitInput;
use safegrid_domain::unit::record::{UnitStatus, bigrams, initials, search_terms};
use safegrid_domain::unit::uscc::{Uscc, normalise};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;

mod documents;
pub(crate) mod grading;
mod hazard_sources;
mod own_grid;

pub use documents::{Document, NewDocument};
pub use hazard_sources::{
    HazardSource, HazardSourceDetail, HazardSourceFilter, HazardSourceInput, SubstanceInput,
    SubstanceRow,
};
pub use own_grid::{GridNode, GridNodeInput, SystemEntry, SystemInput};

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub county_code: String,
    pub name: String,
    pub uscc: Option<String>,
    pub no_uscc_reason: Option<String>,
    pub legal_rep: Option<String>,
    pub principal: Option<String>,
    pub safety_manager: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The village code.
    #[sqlx(rename = "region_code")]
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub industry_code: Option<String>,
    pub sector_code: Option<String>,
    pub approving_department_id: Option<i64>,
    pub employees: Option<i32>,
    pub standardisation: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: UnitStatus,
    #[sqlx(try_from = "String")]
    pub supervision_grade: Grade,
    #[sqlx(try_from = "String")]
    pub suggested_grade: Grade,
    pub grade_override_reason: Option<String>,
    pub is_key: bool,
    pub key_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct UnitChange {
    pub field: String,
    pub value: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: Unit,
    pub supervising_departments: Vec<crate::Department>,
    /// Why the rule suggests its grade (message keys with values).
    #[schema(value_type = Vec<Object>)]
    pub grade_reasons: Vec<Reason>,
    pub history: Vec<UnitChange>,
    /// What is worth a second look though accepted (a USCC registered in another province).
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Violation>,
}

/// Which units to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UnitFilter {
    /// A substring of the name or address, a USCC, or the pinyin initials of the name.
    pub q: Option<String>,
    /// A division: units in its subtree.
    pub region: Option<String>,
    pub department: Option<i64>,
    pub sector: Option<String>,
    pub grade: Option<String>,
    pub key: Option<bool>,
    pub status: Option<String>,
}

const UNIT_COLUMNS: [&str; 25] = [
    "id",
    "county_code",
    "name",
    "uscc",
    "no_uscc_reason",
    "legal_rep",
    "principal",
    "safety_manager",
    "phone",
    "address",
    "region_code",
    "longitude",
    "latitude",
    "industry_code",
    "sector_code",
    "approving_department_id",
    "employees",
    "standardisation",
    "status",
    "supervision_grade",
    "suggested_grade",
    "grade_override_reason",
    "is_key",
    "key_reason",
    "updated_at",
];

fn unit_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(UNIT_COLUMNS.map(|c| ("u", c)))
        .expr_as(Expr::col(("r", "name")), "region_name")
        .from_as("units", "u")
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("u", "region_code")),
        );
    q
}

/// Units matching a search: a USCC exactly; otherwise a substring of the name or address, or
/// the start of the name's pinyin initials. Candidates come from the bigram index and the
/// initials index, and LIKE confirms them; a one-character query falls back to LIKE alone.
fn search(q: &str) -> Cond {
    let code = normalise(q);
    if code.len() == 18 && code.is_ascii() {
        return Cond::all().add(Expr::col(("u", "uscc")).eq(code));
    }
    let pattern = format!("%{}%", q.replace(['%', '_'], ""));
    let initials = (q.is_ascii() && q.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| q.to_ascii_lowercase());
    let mut confirm = Cond::any()
        .add(Expr::col(("u", "name")).like(pattern.clone()))
        .add(Expr::col(("u", "address")).like(pattern));
    if let Some(prefix) = &initials {
        confirm = confirm.add(Expr::col(("u", "name_initials")).like(format!("{prefix}%")));
    }
    let terms = bigrams(q);
    if terms.is_empty() {
        return confirm;
    }
    let n = i64::try_from(terms.len()).unwrap_or(i64::MAX);
    let mut candidates = Query::select()
        .column(("t", "unit_id"))
        .from_as("unit_terms", "t")
        .and_where(Expr::col(("t", "term")).is_in(terms))
        .group_by_col(("t", "unit_id"))
        .and_having(Expr::cust("COUNT(*)").eq(n))
        .to_owned();
    if let Some(prefix) = initials {
        // The initials as an index range: everything from the prefix up to the prefix with
        // its last character's successor.
        let mut upper = prefix.clone();
        let last = upper
            .pop()
            .map_or('~', |c| char::from_u32(c as u32 + 1).unwrap_or(c));
        upper.push(last);
        candidates.union(
            sea_query::UnionType::Distinct,
            Query::select()
                .column(("i", "id"))
                .from_as("units", "i")
                .and_where(Expr::col(("i", "name_initials")).gte(prefix))
                .and_where(Expr::col(("i", "name_initials")).lt(upper))
                .to_owned(),
        );
    }
    Cond::all()
        .add(Expr::col(("u", "id")).in_subquery(candidates))
        .add(confirm)
}

impl UnitFilter {
    /// The filter as a condition; a value outside its set is refused naming its field, never
    /// read as "nothing".
    fn condition(&self) -> Result<Cond> {
        let mut cond = Cond::all();
        if let Some(q) = self.q.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            cond = cond.add(search(q));
        }
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            cond = cond.add(scope::division(&RegionCode::parse("region", region)?, "u"));
        }
        if let Some(d) = self.department {
            cond = cond.add(scope::supervised_by(d));
        }
        if let Some(s) = self.sector.as_deref().filter(|s| !s.is_empty()) {
            cond = cond.add(Expr::col(("u", "sector_code")).eq(s));
        }
        if let Some(g) = self.grade.as_deref().filter(|s| !s.is_empty()) {
            let grade = Grade::parse_written("grade", g)?;
            cond = cond.add(Expr::col(("u", "supervision_grade")).eq(grade.as_str()));
        }
        if let Some(k) = self.key {
            cond = cond.add(Expr::col(("u", "is_key")).eq(k));
        }
        if let Some(s) = self.status.as_deref().filter(|s| !s.is_empty()) {
            let status = UnitStatus::parse("status", s)?;
            cond = cond.add(Expr::col(("u", "status")).eq(status.as_str()));
        }
        Ok(cond)
    }
}

/// Warnings about a unit as recorded: its USCC registered in another province than its county
/// (GB 32100 positions 3–8), which a branch of a company elsewhere may rightly carry.
fn unit_warnings(unit: &Unit) -> Vec<Violation> {
    let county = RegionCode::parse("county", &unit.county_code).ok();
    let uscc = unit
        .uscc
        .as_deref()
        .and_then(|u| Uscc::parse("uscc", u).ok());
    match (uscc, county) {
        (Some(code), Some(county)) => {
            safegrid_domain::unit::uscc::province_warning("uscc", &code, &county)
                .into_iter()
                .collect()
        }
        _ => Vec::new(),
    }
}

impl Store {
    /// Units in scope matching the filter, a page at a time.
    pub async fn units(
        &self,
        actor: &Actor,
        filter: &UnitFilter,
        page: PageRequest,
    ) -> Result<Page<Unit>> {
        let cond = Cond::all()
            .add(scope::units(&actor.scope))
            .add(filter.condition()?);
        let mut q = unit_select();
        q.cond_where(cond.clone())
            .order_by(("u", "name"), Order::Asc)
            .order_by(("u", "id"), Order::Asc);
        let count = Query::select()
            .expr(Expr::cust("COUNT(*)"))
            .from_as("units", "u")
            .cond_where(cond)
            .to_owned();
        let mut c = self.read().await?;
        c.conn().page_counted(&q, &count, page).await
    }

    /// Builds the search index of units that have none (a database from before the index).
    pub async fn reindex_unit_terms(&self) -> Result<u64> {
        let mut indexed = 0u64;
        let mut after = 0i64;
        loop {
            let batch: Vec<(i64, String, Option<String>, String)> = {
                let mut c = self.read().await?;
                c.conn()
                    .all(
                        Query::select()
                            .columns(["id", "name", "address", "county_code"])
                            .from_as("units", "u")
                            .and_where(Expr::col(("u", "id")).gt(after))
                            .and_where(
                                Expr::exists(
                                    Query::select()
                                        .expr(Expr::val(1))
                                        .from_as("unit_terms", "t")
                                        .and_where(Expr::col(("t", "unit_id")).equals(("u", "id")))
                                        .to_owned(),
                                )
                                .not(),
                            )
                            .order_by("id", Order::Asc)
                            .limit(2_000),
                    )
                    .await?
            };
            let Some(last) = batch.last() else { break };
            after = last.0;
            let mut tx = self.write().await?;
            let mut conn = tx.conn();
            let mut by_county: std::collections::BTreeMap<&str, FollowUps> = Default::default();
            for (id, name, address, county) in &batch {
                let texts = [name.as_str(), address.as_deref().unwrap_or_default()];
                by_county
                    .entry(county)
                    .or_insert_with(|| FollowUps::new(county))
                    .terms
                    .extend(search_terms(&texts).into_iter().map(|t| (t, *id)));
            }
            for follow in by_county.values_mut() {
                follow.flush(&mut conn, &Actor::system()).await?;
            }
            tx.commit().await?;
            indexed += batch.len() as u64;
        }
        Ok(indexed)
    }

    /// Units in scope matching the filter with ids above `after`, in id order: an export
    /// walks the whole ledger this way, a batch at a time, without holding it in memory.
    pub async fn units_after(
        &self,
        actor: &Actor,
        filter: &UnitFilter,
        after: i64,
        limit: u64,
    ) -> Result<Vec<Unit>> {
        let mut q = unit_select();
        q.cond_where(scope::units(&actor.scope))
            .cond_where(filter.condition()?)
            .and_where(Expr::col(("u", "id")).gt(after))
            .order_by(("u", "id"), Order::Asc)
            .limit(limit);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// One unit in scope with its departments, the reasons for its suggested grade and its
    /// history.
    pub async fn unit(&self, actor: &Actor, id: i64) -> Result<UnitDetail> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let unit = find_unit(&mut conn, actor, id).await?;
        let departments: Vec<crate::Department> = conn
            .all(
                Query::select()
                    .columns(
                        [
                            "id",
                            "county_code",
                            "name",
                            "short_name",
                            "is_committee_office",
                            "sort_order",
                        ]
                        .map(|c| ("d", c)),
                    )
                    .from_as("unit_departments", "ud")
                    .join_as(
                        JoinType::InnerJoin,
                        "departments",
                        "d",
                        Expr::col(("d", "id")).equals(("ud", "department_id")),
                    )
                    .and_where(Expr::col(("ud", "unit_id")).eq(id))
                    .order_by(("d", "sort_order"), Order::Asc),
            )
            .await?;
        let history: Vec<UnitChange> = conn
            .all(
                Query::select()
                    .columns(["field", "value", "reason", "at"])
                    .from("unit_history")
                    .and_where(Expr::col("unit_id").eq(id))
                    .order_by("at", Order::Desc)
                    .order_by("id", Order::Desc),
            )
            .await?;
        let rule = grading::grade_rule(&mut conn, &unit.county_code).await?;
        let records = grading::RecordFacts::of(&mut conn, id).await?;
        let (_, grade_reasons) =
            grading::suggestion(&rule, unit.sector_code.as_deref(), unit.employees, records);
        let warnings = unit_warnings(&unit);
        Ok(UnitDetail {
            unit,
            supervising_departments: departments,
            grade_reasons,
            history,
            warnings,
        })
    }

    /// Adds a unit to the census. Refuses a second unit with the same USCC, or with the same
    /// name at the same address.
    pub async fn create_unit(&self, actor: &Actor, input: UnitInput) -> Result<UnitDetail> {
        if !may(actor, Verb::Write, Object::Unit) {
            return Err(StoreError::Forbidden);
        }
        let checked = NewUnit::parse(&input)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let (county, supervising) = place(&mut conn, actor, &checked).await?;
        duplicates(&mut conn, &checked, None).await?;
        let id = insert_unit(&mut conn, actor, &county, &checked, &supervising).await?;
        let grade = unit_grade(&mut conn, id).await?;
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: &county,
                action: "unit.create",
                object_type: "unit",
                object_id: Some(id.to_string()),
                detail: json!({ "name": checked.name, "uscc": checked.uscc, "region": checked.region, "grade": grade.as_str() }),
                outcome: "ok",
            },
        )
        .await?;
        tx.commit().await?;
        self.unit(&Actor::system(), id).await
    }

    /// Changes the fields given; status, grade and key-unit changes are kept in the history
    /// with their reasons.
    pub async fn update_unit(
        &self,
        actor: &Actor,
        id: i64,
        patch: UnitInput,
    ) -> Result<UnitDetail> {
        let before = self.unit(actor, id).await?;
        if !may(actor, Verb::Write, Object::Unit) {
            return Err(StoreError::Forbidden);
        }
        let u = &before.unit;
        let keep = |new: &Option<String>, old: &Option<String>| new.clone().or_else(|| old.clone());
        let merged = UnitInput {
            name: patch.name.clone().or_else(|| Some(u.name.clone())),
            uscc: keep(&patch.uscc, &u.uscc),
            no_uscc_reason: keep(&patch.no_uscc_reason, &u.no_uscc_reason),
            legal_rep: keep(&patch.legal_rep, &u.legal_rep),
            principal: keep(&patch.principal, &u.principal),
            safety_manager: keep(&patch.safety_manager, &u.safety_manager),
            phone: keep(&patch.phone, &u.phone),
            address: keep(&patch.address, &u.address),
            region: keep(&patch.region, &u.region),
            longitude: patch.longitude.or(u.longitude),
            latitude: patch.latitude.or(u.latitude),
            industry: keep(&patch.industry, &u.industry_code),
            sector: keep(&patch.sector, &u.sector_code),
            approving_department_id: patch.approving_department_id.or(u.approving_department_id),
            supervising_department_ids: patch.supervising_department_ids.clone().or_else(|| {
                Some(
                    before
                        .supervising_departments
                        .iter()
                        .map(|d| d.id)
                        .collect(),
                )
            }),
            employees: patch.employees.or(u.employees.map(i64::from)),
            standardisation: keep(&patch.standardisation, &u.standardisation),
            status: keep(&patch.status, &Some(u.status.as_str().to_owned())),
            status_reason: patch.status_reason.clone(),
            supervision_grade: patch.supervision_grade.clone(),
            grade_reason: patch.grade_reason.clone(),
            is_key: patch.is_key.or(Some(u.is_key)),
            key_reason: keep(&patch.key_reason, &u.key_reason),
        };
        let checked = NewUnit::parse(&merged)?;
        let status_changed = checked.status != u.status;
        let status_reason = optional_text("status_reason", patch.status_reason.as_deref(), 200)?;
        if status_changed && status_reason.is_none() {
            return Err(Invalid::one("status_reason", "error.status_reason_required").into());
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let (_, supervising) = place(&mut conn, actor, &checked).await?;
        duplicates(&mut conn, &checked, Some(id)).await?;
        let rule = grading::grade_rule(&mut conn, &u.county_code).await?;
        let records = grading::RecordFacts::of(&mut conn, id).await?;
        let (suggested, _) =
            grading::suggestion(&rule, checked.sector.as_deref(), checked.employees, records);
        // A grade set by hand stays until changed by hand; otherwise it follows the rule.
        let (grade, grade_reason) = match (&checked.grade_override, &u.grade_override_reason) {
            (Some((g, r)), _) => (*g, Some(r.clone())),
            (None, Some(r)) => (u.supervision_grade, Some(r.clone())),
            (None, None) => (suggested, None),
        };
        conn.update(
            Query::update()
                .table("units")
                .values([
                    ("name", checked.name.clone().into()),
                    ("name_initials", initials(&checked.name).into()),
                    ("uscc", checked.uscc.clone().into()),
                    ("no_uscc_reason", checked.no_uscc_reason.clone().into()),
                    ("legal_rep", checked.legal_rep.clone().into()),
                    ("principal", checked.principal.clone().into()),
                    ("safety_manager", checked.safety_manager.clone().into()),
                    ("phone", checked.phone.clone().into()),
                    ("address", checked.address.clone().into()),
                    ("region_code", checked.region.clone().into()),
                    ("longitude", Location::longitude(checked.location).into()),
                    ("latitude", Location::latitude(checked.location).into()),
                    ("industry_code", checked.industry.clone().into()),
                    ("sector_code", checked.sector.clone().into()),
                    (
                        "approving_department_id",
                        checked.approving_department_id.into(),
                    ),
                    ("employees", checked.employees.into()),
                    ("standardisation", checked.standardisation.clone().into()),
                    ("status", checked.status.as_str().into()),
                    ("supervision_grade", grade.as_str().into()),
                    ("suggested_grade", suggested.as_str().into()),
                    ("grade_override_reason", grade_reason.clone().into()),
                    ("is_key", checked.is_key.into()),
                    ("key_reason", checked.key_reason.clone().into()),
                    ("updated_at", now().into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await
        .map_err(|e| e.unique_as("uscc", "error.uscc.taken"))?;
        conn.delete(
            Query::delete()
                .from_table("unit_departments")
                .and_where(Expr::col("unit_id").eq(id)),
        )
        .await?;
        conn.delete(
            Query::delete()
                .from_table("unit_terms")
                .and_where(Expr::col("unit_id").eq(id)),
        )
        .await?;
        let mut follow = FollowUps::new(&u.county_code);
        follow.add_terms(id, &checked);
        follow
            .departments
            .extend(supervising.iter().map(|d| (id, *d)));
        follow.flush(&mut conn, actor).await?;
        if status_changed {
            history(
                &mut conn,
                actor,
                id,
                "status",
                checked.status.as_str(),
                status_reason,
            )
            .await?;
        }
        if grade != u.supervision_grade {
            history(&mut conn, actor, id, "grade", grade.as_str(), grade_reason).await?;
        }
        if checked.is_key != u.is_key {
            history(
                &mut conn,
                actor,
                id,
                "key",
                if checked.is_key { "true" } else { "false" },
                checked.key_reason.clone(),
            )
            .await?;
        }
        audit::record(
            &mut conn,
            actor,
            Event {
                chain: &u.county_code,
                action: "unit.update",
                object_type: "unit",
                object_id: Some(id.to_string()),
                detail: json!({ "name": checked.name, "status": checked.status.as_str(), "grade": grade.as_str() }),
                outcome: "ok",
            },
        )
        .await?;
        tx.commit().await?;
        self.unit(&Actor::system(), id).await
    }
}

/// The grade a unit was given.
async fn unit_grade(conn: &mut Conn<'_>, id: i64) -> Result<String> {
    let (g,): (String,) = conn
        .one(
            Query::select()
                .column("supervision_grade")
                .from("units")
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
    Ok(g)
}

/// The columns of a unit's row as inserted.
const INSERT_COLUMNS: [&str; 26] = [
    "county_code",
    "name",
    "name_initials",
    "uscc",
    "no_uscc_reason",
    "legal_rep",
    "principal",
    "safety_manager",
    "phone",
    "address",
    "region_code",
    "longitude",
    "latitude",
    "industry_code",
    "sector_code",
    "approving_department_id",
    "employees",
    "standardisation",
    "status",
    "supervision_grade",
    "suggested_grade",
    "grade_override_reason",
    "is_key",
    "key_reason",
    "created_at",
    "updated_at",
];

/// A unit's row in the order of [`INSERT_COLUMNS`], graded by the rule unless a grade was set
/// by hand.
fn unit_row(county: &str, rule: &GradeRule, checked: &NewUnit) -> (Vec<Expr>, Grade) {
    let (suggested, _) = grading::suggestion(
        rule,
        checked.sector.as_deref(),
        checked.employees,
        grading::RecordFacts::default(),
    );
    let grade = checked.grade_override.as_ref().map_or(suggested, |g| g.0);
    let at = now();
    let values: Vec<Expr> = vec![
        county.into(),
        checked.name.clone().into(),
        initials(&checked.name).into(),
        checked.uscc.clone().into(),
        checked.no_uscc_reason.clone().into(),
        checked.legal_rep.clone().into(),
        checked.principal.clone().into(),
        checked.safety_manager.clone().into(),
        checked.phone.clone().into(),
        checked.address.clone().into(),
        checked.region.clone().into(),
        Location::longitude(checked.location).into(),
        Location::latitude(checked.location).into(),
        checked.industry.clone().into(),
        checked.sector.clone().into(),
        checked.approving_department_id.into(),
        checked.employees.into(),
        checked.standardisation.clone().into(),
        checked.status.as_str().into(),
        grade.as_str().into(),
        suggested.as_str().into(),
        checked.grade_override.as_ref().map(|g| g.1.clone()).into(),
        checked.is_key.into(),
        checked.key_reason.clone().into(),
        at.into(),
        at.into(),
    ];
    (values, grade)
}

/// Inserts a unit's own row.
async fn insert_unit_row(
    conn: &mut Conn<'_>,
    county: &str,
    rule: &GradeRule,
    checked: &NewUnit,
) -> Result<(i64, Grade)> {
    let (values, grade) = unit_row(county, rule, checked);
    let id = conn
        .insert_id(
            Query::insert()
                .into_table("units")
                .columns(INSERT_COLUMNS)
                .values_panic(values)
                .returning_col("id"),
        )
        .await
        .map_err(|e| e.unique_as("uscc", "error.uscc.taken"))?;
    Ok((id, grade))
}

/// The rows that follow a unit's insert (its departments, its first history), gathered so an
/// import writes them a few hundred at a time.
struct FollowUps {
    /// The county of every unit gathered (a flush writes one county's rows).
    county: String,
    departments: Vec<(i64, i64)>,
    history: Vec<(i64, &'static str, String, Option<String>)>,
    terms: Vec<(String, i64)>,
}

impl FollowUps {
    fn new(county: &str) -> Self {
        Self {
            county: county.to_owned(),
            departments: Vec::new(),
            history: Vec::new(),
            terms: Vec::new(),
        }
    }

    fn add(&mut self, id: i64, checked: &NewUnit, supervising: &[i64], grade: Grade) {
        self.add_terms(id, checked);
        self.departments
            .extend(supervising.iter().map(|d| (id, *d)));
        self.history
            .push((id, "status", checked.status.as_str().to_owned(), None));
        self.history.push((
            id,
            "grade",
            grade.as_str().to_owned(),
            checked.grade_override.as_ref().map(|g| g.1.clone()),
        ));
        if checked.is_key {
            self.history
                .push((id, "key", "true".to_owned(), checked.key_reason.clone()));
        }
    }

    fn add_terms(&mut self, id: i64, checked: &NewUnit) {
        let texts = [
            checked.name.as_str(),
            checked.address.as_deref().unwrap_or_default(),
        ];
        self.terms
            .extend(search_terms(&texts).into_iter().map(|t| (t, id)));
    }

    fn len(&self) -> usize {
        self.departments.len() + self.history.len() + self.terms.len()
    }

    async fn flush(&mut self, conn: &mut Conn<'_>, actor: &Actor) -> Result<()> {
        for chunk in self.departments.chunks(5_000) {
            let mut q = Query::insert();
            q.into_table("unit_departments")
                .columns(["unit_id", "department_id", "county_code"]);
            for (unit, department) in chunk {
                q.values_panic([
                    (*unit).into(),
                    (*department).into(),
                    self.county.as_str().into(),
                ]);
            }
            conn.insert(&q).await?;
        }
        let at = now();
        for chunk in self.history.chunks(2_000) {
            let mut q = Query::insert();
            q.into_table("unit_history").columns([
                "unit_id",
                "field",
                "value",
                "reason",
                "at",
                "account_id",
                "county_code",
            ]);
            for (unit, field, value, reason) in chunk {
                q.values_panic([
                    (*unit).into(),
                    (*field).into(),
                    value.clone().into(),
                    reason.clone().into(),
                    at.into(),
                    actor.account_id.into(),
                    self.county.as_str().into(),
                ]);
            }
            conn.insert(&q).await?;
        }
        conn.insert_pairs("unit_terms", ["term", "unit_id"], &self.county, &self.terms)
            .await?;
        self.departments.clear();
        self.history.clear();
        self.terms.clear();
        Ok(())
    }
}

/// Inserts a checked unit with its departments and first history, graded by the rule unless
/// a grade was set by hand.
async fn insert_unit(
    conn: &mut Conn<'_>,
    actor: &Actor,
    county: &str,
    checked: &NewUnit,
    supervising: &[i64],
) -> Result<i64> {
    let rule = grading::grade_rule(conn, county).await?;
    let (id, grade) = insert_unit_row(conn, county, &rule, checked).await?;
    let mut follow = FollowUps::new(county);
    follow.add(id, checked, supervising, grade);
    follow.flush(conn, actor).await?;
    Ok(id)
}

/// Inserts many checked units (an import): ids reserved up front, rows a few hundred to a
/// statement, follow-up rows in large batches.
async fn insert_units(
    conn: &mut Conn<'_>,
    actor: &Actor,
    county: &str,
    rows: &[(NewUnit, Vec<i64>)],
) -> Result<u32> {
    /// Rows per statement: 27 values each stays well inside both databases' limits.
    const PER_STATEMENT: usize = 500;
    let rule = grading::grade_rule(conn, county).await?;
    let ids = conn.reserve_ids("units", rows.len()).await?;
    let mut follow = FollowUps::new(county);
    for (chunk, chunk_ids) in rows.chunks(PER_STATEMENT).zip(ids.chunks(PER_STATEMENT)) {
        let mut q = Query::insert();
        q.into_table("units")
            .columns(std::iter::once("id").chain(INSERT_COLUMNS));
        for ((checked, supervising), id) in chunk.iter().zip(chunk_ids) {
            let (mut values, grade) = unit_row(county, &rule, checked);
            values.insert(0, (*id).into());
            q.values_panic(values);
            follow.add(*id, checked, supervising, grade);
        }
        conn.insert(&q)
            .await
            .map_err(|e| e.unique_as("uscc", "error.uscc.taken"))?;
        if follow.len() >= 50_000 {
            follow.flush(conn, actor).await?;
        }
    }
    follow.flush(conn, actor).await?;
    Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
}

pub(crate) async fn find_unit(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Unit> {
    let mut q = unit_select();
    q.and_where(Expr::col(("u", "id")).eq(id))
        .cond_where(scope::units(&actor.scope));
    conn.one(&q).await
}

/// Where the unit belongs: its county from the account (or its village), its village inside
/// the account's scope, and its supervising departments (a department's own staff always
/// supervise what they add).
async fn place(
    conn: &mut Conn<'_>,
    actor: &Actor,
    checked: &NewUnit,
) -> Result<(String, Vec<i64>)> {
    let mut supervising = checked.supervising.clone();
    if let Scope::Department { department_id, .. } = actor.scope
        && !supervising.contains(&department_id)
    {
        supervising.push(department_id);
    }
    let county = match (&checked.region, actor.scope.county()) {
        (Some(region), _) => {
            let code = RegionCode::parse("region", region)?;
            let scope_for_region = match &actor.scope {
                Scope::Department { county, .. } => Actor {
                    scope: Scope::Region {
                        root: county.clone(),
                    },
                    ..actor.clone()
                },
                _ => actor.clone(),
            };
            if crate::org::find_region(conn, &scope_for_region, &code)
                .await?
                .is_none()
            {
                return Err(Invalid::one("region", "error.region_unknown").into());
            }
            code.county()
                .map(|c| c.to_string())
                .ok_or(StoreError::NotFound)?
        }
        (None, Some(county)) => match &actor.scope {
            // A town's or village's account must place the unit in one of its villages.
            Scope::Region { root } if root.level() > RegionLevel::County => {
                return Err(Invalid::one("region", "error.required").into());
            }
            _ => county.to_string(),
        },
        (None, None) => return Err(Invalid::one("region", "error.required").into()),
    };
    if !supervising.is_empty() {
        let known: Vec<(i64,)> = conn
            .all(
                Query::select()
                    .column("id")
                    .from("departments")
                    .and_where(Expr::col("county_code").eq(county.as_str()))
                    .and_where(Expr::col("id").is_in(supervising.iter().copied())),
            )
            .await?;
        if let Some(bad) = supervising
            .iter()
            .find(|d| !known.iter().any(|k| k.0 == **d))
        {
            return Err(
                Violation::new("supervising_department_ids", "error.department_unknown")
                    .with("id", bad)
                    .into(),
            );
        }
    }
    if let Some(sector) = &checked.sector {
        let n = conn
            .scalar(
                Query::select()
                    .expr(Expr::col("code").count())
                    .from("sectors")
                    .and_where(Expr::col("code").eq(sector.as_str())),
            )
            .await?;
        if n == 0 {
            return Err(Violation::new("sector", "error.sector_unknown")
                .with("code", sector)
                .into());
        }
    }
    Ok((county, supervising))
}

/// Refuses a unit that is already in the census: same USCC, or same name and address.
async fn duplicates(conn: &mut Conn<'_>, checked: &NewUnit, except: Option<i64>) -> Result<()> {
    let not_self = |q: &mut SelectStatement| {
        if let Some(id) = except {
            q.and_where(Expr::col("id").ne(id));
        }
    };
    if let Some(uscc) = &checked.uscc {
        let mut q = Query::select();
        q.expr(Expr::col("id").count())
            .from("units")
            .and_where(Expr::col("uscc").eq(uscc.as_str()));
        not_self(&mut q);
        if conn.scalar(&q).await? > 0 {
            return Err(Invalid::one("uscc", "error.uscc.taken").into());
        }
    }
    if let Some(address) = &checked.address {
        let mut q = Query::select();
        q.expr(Expr::col("id").count())
            .from("units")
            .and_where(Expr::col("name").eq(checked.name.as_str()))
            .and_where(Expr::col("address").eq(address.as_str()));
        not_self(&mut q);
        if conn.scalar(&q).await? > 0 {
            return Err(Invalid::one("name", "error.unit_duplicate").into());
        }
    }
    Ok(())
}

pub(crate) async fn history(
    conn: &mut Conn<'_>,
    actor: &Actor,
    unit: i64,
    field: &str,
    value: &str,
    reason: Option<String>,
) -> Result<()> {
    conn.insert(
        Query::insert()
            .into_table("unit_history")
            .columns([
                "unit_id",
                "field",
                "value",
                "reason",
                "at",
                "account_id",
                "county_code",
            ])
            .values_panic([
                unit.into(),
                field.into(),
                value.into(),
                reason.into(),
                now().into(),
                actor.account_id.into(),
                county_of("units", unit),
            ]),
    )
    .await?;
    Ok(())
}

/// How an import treats rows with errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImportMode {
    /// Check every row, change nothing.
    DryRun,
    /// Import only if every row is good (the default).
    AllOrNothing,
    /// Import the good rows, report the bad.
    ValidRows,
}

impl ImportMode {
    pub fn parse(field: &str, raw: Option<&str>) -> Result<Self, Violation> {
        match raw.map_or("all_or_nothing", str::trim) {
            "dry_run" => Ok(Self::DryRun),
            "all_or_nothing" | "" => Ok(Self::AllOrNothing),
            "valid_rows" => Ok(Self::ValidRows),
            _ => Err(Violation::new(field, "error.import_mode")),
        }
    }
}

/// One refused row: its number in the spreadsheet and what is wrong with it.
#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    pub row: u32,
    pub violation: Violation,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub total_rows: u32,
    pub imported: u32,
    pub errors: Vec<RowError>,
}

/// A row of an import: its number in the spreadsheet, the unit, and the names of its
/// supervising departments as written in the file.
#[derive(Debug, Clone)]
pub struct ImportRow {
    pub row: u32,
    pub unit: UnitInput,
    pub departments: Vec<String>,
    /// What the file's reader already refused in this row (a sector or status it could not
    /// read): reported with the row's other errors, and the row is never imported.
    pub reader_errors: Vec<Violation>,
}

impl Store {
    /// Imports units from spreadsheet rows: every row is checked as a form would be, against
    /// the account's scope, the file's other rows and the census; then, by the mode, all rows,
    /// the good rows or none are added in one transaction. A row is never half imported.
    pub async fn import_units(
        &self,
        actor: &Actor,
        rows: Vec<ImportRow>,
        mode: ImportMode,
    ) -> Result<ImportReport> {
        if !may(actor, Verb::Write, Object::Unit) || actor.scope == Scope::All {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let total_rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        let mut c = self.read().await?;
        let mut conn = c.conn();
        // What the rows are checked against, read once.
        let region_scope = match &actor.scope {
            Scope::Department { county, .. } => Scope::Region {
                root: county.clone(),
            },
            other => other.clone(),
        };
        let villages: std::collections::HashSet<String> = conn
            .all::<(String,)>(
                Query::select()
                    .column(("r", "code"))
                    .from_as("regions", "r")
                    .and_where(Expr::col(("r", "level")).eq(RegionLevel::Village.number()))
                    .cond_where(scope::region_column(&region_scope, ("r", "code"))),
            )
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        let departments: Vec<(i64, String, String)> = conn
            .all(
                Query::select()
                    .columns(["id", "name", "short_name"])
                    .from("departments")
                    .and_where(Expr::col("county_code").eq(county.as_str())),
            )
            .await?;
        let sectors: std::collections::HashSet<String> = conn
            .all::<(String,)>(Query::select().column("code").from("sectors"))
            .await?
            .into_iter()
            .map(|r| r.0)
            .collect();
        let known: std::collections::HashSet<(String, String)> = conn
            .all::<(String, Option<String>)>(
                Query::select()
                    .columns(["name", "address"])
                    .from("units")
                    .and_where(Expr::col("county_code").eq(county.as_str())),
            )
            .await?
            .into_iter()
            .filter_map(|(n, a)| a.map(|a| (n, a)))
            .collect();

        let mut errors: Vec<RowError> = Vec::new();
        let mut good: Vec<(NewUnit, Vec<i64>)> = Vec::new();
        let mut seen_uscc = std::collections::HashSet::new();
        let mut seen_place = std::collections::HashSet::new();
        let mut codes: Vec<String> = Vec::new();
        let mut good_rows: Vec<u32> = Vec::new();
        for row in rows {
            // Every error of a row is reported at once: the reader's, the fields', and the
            // checks against the county, whichever of them fail.
            let mut ok = row.reader_errors.is_empty();
            let mut bad = |v: Violation| {
                errors.push(RowError {
                    row: row.row,
                    violation: v,
                });
            };
            row.reader_errors.iter().cloned().for_each(&mut bad);
            let mut supervising = Vec::new();
            for name in row
                .departments
                .iter()
                .map(|n| n.trim())
                .filter(|n| !n.is_empty())
            {
                match departments.iter().find(|d| d.1 == name || d.2 == name) {
                    Some(d) if !supervising.contains(&d.0) => supervising.push(d.0),
                    Some(_) => {}
                    None => {
                        bad(
                            Violation::new("supervising_departments", "error.department_unknown")
                                .with("id", name),
                        );
                        ok = false;
                    }
                }
            }
            let checked = match NewUnit::parse(&row.unit) {
                Ok(c) => c,
                Err(invalid) => {
                    invalid.0.into_iter().for_each(&mut bad);
                    continue;
                }
            };
            match &checked.region {
                Some(code) if !villages.contains(code) => {
                    bad(Violation::new("region", "error.region_unknown"));
                    ok = false;
                }
                None if !matches!(&actor.scope, Scope::Region { root } if root.level() <= RegionLevel::County) =>
                {
                    bad(Violation::new("region", "error.required"));
                    ok = false;
                }
                _ => {}
            }
            for id in &checked.supervising {
                if !supervising.contains(id) {
                    supervising.push(*id);
                }
            }
            if let Scope::Department { department_id, .. } = actor.scope
                && !supervising.contains(&department_id)
            {
                supervising.push(department_id);
            }
            if let Some(s) = &checked.sector
                && !sectors.contains(s)
            {
                bad(Violation::new("sector", "error.sector_unknown").with("code", s));
                ok = false;
            }
            if let Some(u) = &checked.uscc
                && !seen_uscc.insert(u.clone())
            {
                bad(Violation::new("uscc", "error.uscc.repeated"));
                ok = false;
            }
            if let Some(a) = &checked.address {
                let key = (checked.name.clone(), a.clone());
                if known.contains(&key) || !seen_place.insert(key) {
                    bad(Violation::new("name", "error.unit_duplicate"));
                    ok = false;
                }
            }
            if ok {
                if let Some(u) = &checked.uscc {
                    codes.push(u.clone());
                }
                good_rows.push(row.row);
                good.push((checked, supervising));
            }
        }
        // Codes already in the census, asked in chunks.
        let mut taken = std::collections::HashSet::new();
        for chunk in codes.chunks(500) {
            let rows: Vec<(String,)> = conn
                .all(
                    Query::select()
                        .column("uscc")
                        .from("units")
                        .and_where(Expr::col("uscc").is_in(chunk.iter().cloned())),
                )
                .await?;
            taken.extend(rows.into_iter().map(|r| r.0));
        }
        drop(c);
        let mut keep = Vec::new();
        for ((checked, supervising), row) in good.into_iter().zip(good_rows) {
            if checked.uscc.as_ref().is_some_and(|u| taken.contains(u)) {
                errors.push(RowError {
                    row,
                    violation: Violation::new("uscc", "error.uscc.taken"),
                });
            } else {
                keep.push((checked, supervising));
            }
        }
        errors.sort_by_key(|e| e.row);
        let write = match mode {
            ImportMode::DryRun => false,
            ImportMode::AllOrNothing => errors.is_empty(),
            ImportMode::ValidRows => true,
        };
        let mut imported = 0u32;
        if write && !keep.is_empty() {
            let mut tx = self.write().await?;
            let mut conn = tx.conn();
            imported = insert_units(&mut conn, actor, county.as_str(), &keep).await?;
            audit::record(
                &mut conn,
                actor,
                Event {
                    chain: county.as_str(),
                    action: "unit.import",
                    object_type: "unit",
                    object_id: None,
                    detail: json!({ "rows": total_rows, "imported": imported, "refused": errors.len() }),
                    outcome: "ok",
                },
            )
            .await?;
            tx.commit().await?;
            if imported >= 1_000 {
                self.analyze().await?;
            }
        }
        Ok(ImportReport {
            total_rows,
            imported,
            errors,
        })
    }
}
