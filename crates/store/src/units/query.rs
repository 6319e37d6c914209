//! Reading the census: units in scope by filter and search, a batch walk for export, and one
//! unit with its departments, grade reasons and history.

use super::grading;
use super::rows::{Unit, UnitChange, UnitDetail, unit_select};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, scope};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::Violation;
use safegrid_domain::region::RegionCode;
use safegrid_domain::unit::grade::Grade;
use safegrid_domain::unit::record::{UnitStatus, bigrams};
use safegrid_domain::unit::uscc::{Uscc, normalise};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query};
use serde::Deserialize;

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

/// Units matching a search: a USCC exactly; otherwise a substring of the name or address, or
/// the start of the name's pinyin initials. Candidates come from the bigram index and the
/// initials index, and LIKE confirms them; a one-character query falls back to LIKE alone.
pub(super) fn search(q: &str) -> Cond {
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
    pub(super) fn condition(&self) -> Result<Cond> {
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
pub(super) fn unit_warnings(unit: &Unit) -> Vec<Violation> {
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
}

/// The grade a unit was given.
pub(super) async fn unit_grade(conn: &mut Conn<'_>, id: i64) -> Result<String> {
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

pub(crate) async fn find_unit(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<Unit> {
    let mut q = unit_select();
    q.and_where(Expr::col(("u", "id")).eq(id))
        .cond_where(scope::units(&actor.scope));
    conn.one(&q).await
}
