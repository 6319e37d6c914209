//! Adding and changing units: where a unit belongs, the duplicate check, its row with the
//! grade the rule gives, its history, and the batched rows an import writes.

use super::history::{history, history_line};
use super::query::unit_grade;
use super::rows::UnitDetail;
use super::{UnitInput, grading};
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Result, StoreError};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::geo::Location;
use safegrid_domain::invalid::{Invalid, Violation, optional_text};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::{RegionCode, RegionLevel};
use safegrid_domain::unit::grade::{Grade, GradeRule};
use safegrid_domain::unit::input::NewUnit;
use safegrid_domain::unit::record::{initials, search_terms};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde_json::json;

impl Store {
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
            tx.commit_unaudited("search terms derived from the units' names")
                .await?;
            indexed += batch.len() as u64;
        }
        Ok(indexed)
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
        tx.commit_audited(
            actor,
            Event {
                chain: &county,
                action: "unit.create",
                object_type: "unit",
                object_id: Some(id.to_string()),
                detail: json!({ "name": checked.name, "uscc": checked.uscc, "region": checked.region, "grade": grade.as_str() }),
                outcome: "ok",
            },
        ).await?;
        self.duties_changed();
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
                .values(
                    unit_columns(&checked, grade, suggested, grade_reason.clone())
                        .into_iter()
                        .chain([("updated_at", now().into())]),
                )
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
        tx.commit_audited(
            actor,
            Event {
                chain: &u.county_code,
                action: "unit.update",
                object_type: "unit",
                object_id: Some(id.to_string()),
                detail: json!({ "name": checked.name, "status": checked.status.as_str(), "grade": grade.as_str() }),
                outcome: "ok",
            },
        ).await?;
        self.duties_changed();
        self.unit(&Actor::system(), id).await
    }
}

/// The columns a unit's insert and its change both write: the census fields as checked and the
/// grade it is given.
fn unit_columns(
    checked: &NewUnit,
    grade: Grade,
    suggested: Grade,
    grade_reason: Option<String>,
) -> Vec<insert::Pair> {
    vec![
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
        ("grade_override_reason", grade_reason.into()),
        ("is_key", checked.is_key.into()),
        ("key_reason", checked.key_reason.clone().into()),
    ]
}

/// A unit's row, graded by the rule unless a grade was set by hand.
pub(super) fn unit_row(
    county: &str,
    rule: &GradeRule,
    checked: &NewUnit,
) -> (Vec<insert::Pair>, Grade) {
    let (suggested, _) = grading::suggestion(
        rule,
        checked.sector.as_deref(),
        checked.employees,
        grading::RecordFacts::default(),
    );
    let grade = checked.grade_override.as_ref().map_or(suggested, |g| g.0);
    let at = now();
    let reason = checked.grade_override.as_ref().map(|g| g.1.clone());
    let row = std::iter::once(("county_code", county.into()))
        .chain(unit_columns(checked, grade, suggested, reason))
        .chain([("created_at", at.into()), ("updated_at", at.into())])
        .collect();
    (row, grade)
}

/// Inserts a unit's own row.
pub(super) async fn insert_unit_row(
    conn: &mut Conn<'_>,
    county: &str,
    rule: &GradeRule,
    checked: &NewUnit,
) -> Result<(i64, Grade)> {
    let (row, grade) = unit_row(county, rule, checked);
    let id = conn
        .insert_id(insert::row("units", row).returning_col("id"))
        .await
        .map_err(|e| e.unique_as("uscc", "error.uscc.taken"))?;
    Ok((id, grade))
}

/// The rows that follow a unit's insert (its departments, its first history), gathered so an
/// import writes them a few hundred at a time.
pub(super) struct FollowUps {
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
            let mut rows = insert::Rows::new("unit_departments");
            for (unit, department) in chunk {
                rows.push([
                    ("unit_id", (*unit).into()),
                    ("department_id", (*department).into()),
                    ("county_code", self.county.as_str().into()),
                ])?;
            }
            conn.insert(rows.statement()).await?;
        }
        let at = now();
        for chunk in self.history.chunks(2_000) {
            let mut rows = insert::Rows::new("unit_history");
            for (unit, field, value, reason) in chunk {
                let county = self.county.as_str().into();
                rows.push(history_line(
                    actor,
                    *unit,
                    field,
                    value,
                    reason.as_deref(),
                    at,
                    county,
                ))?;
            }
            conn.insert(rows.statement()).await?;
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
pub(super) async fn insert_unit(
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
pub(super) async fn insert_units(
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
        let mut units = insert::Rows::new("units");
        for ((checked, supervising), id) in chunk.iter().zip(chunk_ids) {
            let (row, grade) = unit_row(county, &rule, checked);
            units.push(std::iter::once(("id", (*id).into())).chain(row))?;
            follow.add(*id, checked, supervising, grade);
        }
        conn.insert(units.statement())
            .await
            .map_err(|e| e.unique_as("uscc", "error.uscc.taken"))?;
        if follow.len() >= 50_000 {
            follow.flush(conn, actor).await?;
        }
    }
    follow.flush(conn, actor).await?;
    Ok(u32::try_from(rows.len()).unwrap_or(u32::MAX))
}

/// Where the unit belongs: its county from the account (or its village), its village inside
/// the account's scope, and its supervising departments (a department's own staff always
/// supervise what they add).
pub(super) async fn place(
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
pub(super) async fn duplicates(
    conn: &mut Conn<'_>,
    checked: &NewUnit,
    except: Option<i64>,
) -> Result<()> {
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
