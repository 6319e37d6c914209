//! Major hazard sources (重大危险源, R-LED-6): each identification of a unit's site by
//! GB 18218 — its substances, S, R and level — with the date the next identification is due
//! and the county's supervision measures. Lists run per department and per town through the
//! unit's scope. A changed source grades its unit again.

use super::{find_unit, grading};
use crate::audit::{Event, now};
use crate::db::{Conn, Store, county_of};
use crate::insert;
use crate::{Page, PageRequest, Result, StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Violation, required_text};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::today;
use safegrid_domain::unit::gb18218::{self, Substance, next_identification_due};
use safegrid_domain::unit::hazard_source::NewHazardSource;
pub use safegrid_domain::unit::hazard_source::{HazardSourceInput, SubstanceInput};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardSource {
    pub id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's village.
    pub region: Option<String>,
    pub name: String,
    pub people_within_500m: i32,
    pub s: f64,
    pub alpha: f64,
    pub r: f64,
    pub is_major: bool,
    /// 1–4 for a major hazard source.
    pub level: Option<i32>,
    pub identified_on: NaiveDate,
    /// Three years after the identification.
    pub next_due: NaiveDate,
    pub filed_on: Option<NaiveDate>,
    pub measures: Option<String>,
    pub retired_at: Option<DateTime<Utc>>,
    pub retired_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
}

/// The register's tags, by the rules of `gb18218`; a retired source carries none.
impl HazardSource {
    fn standing(&self, on: NaiveDate) -> Option<gb18218::IdentificationStanding> {
        self.retired_at
            .is_none()
            .then(|| gb18218::identification_standing(self.next_due, on))
    }

    /// Identification is due again soon, or overdue.
    pub fn due_soon(&self, on: NaiveDate) -> bool {
        self.standing(on)
            .is_some_and(|s| s != gb18218::IdentificationStanding::Current)
    }

    pub fn overdue(&self, on: NaiveDate) -> bool {
        self.standing(on) == Some(gb18218::IdentificationStanding::Overdue)
    }

    pub fn filing_late(&self, on: NaiveDate) -> bool {
        self.retired_at.is_none() && gb18218::filing_late(self.identified_on, self.filed_on, on)
    }
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct SubstanceRow {
    pub name: String,
    pub cas: Option<String>,
    pub q: f64,
    pub critical_q: f64,
    pub beta: f64,
}

#[derive(FromRow)]
struct SourceSubstance {
    source_id: i64,
    #[sqlx(flatten)]
    substance: SubstanceRow,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HazardSourceDetail {
    #[serde(flatten)]
    pub source: HazardSource,
    pub substances: Vec<SubstanceRow>,
}

/// Which hazard sources to list.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct HazardSourceFilter {
    /// Units in this division's subtree.
    pub region: Option<String>,
    /// Units this department supervises.
    pub department: Option<i64>,
    pub unit: Option<i64>,
    /// 1–4
    pub level: Option<i32>,
    /// Only major hazard sources (true) or only sites found not to be (false).
    pub major: Option<bool>,
    /// Identification due again on or before this day.
    pub due_by: Option<NaiveDate>,
    /// Include retired sources.
    pub retired: Option<bool>,
}

const COLUMNS: [&str; 17] = [
    "id",
    "unit_id",
    "name",
    "people_within_500m",
    "s",
    "alpha",
    "r",
    "is_major",
    "level",
    "identified_on",
    "next_due",
    "filed_on",
    "measures",
    "retired_at",
    "retired_reason",
    "updated_at",
    "created_at",
];

fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS[..16].iter().map(|c| ("hs", *c)))
        .expr_as(Expr::col(("u", "name")), "unit_name")
        .expr_as(Expr::col(("u", "region_code")), "region")
        .from_as("hazard_sources", "hs")
        .join_as(
            JoinType::InnerJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("hs", "unit_id")),
        )
        .to_owned()
}

impl HazardSourceFilter {
    fn apply(&self, q: &mut SelectStatement) -> Result<()> {
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            q.cond_where(scope::division(&RegionCode::parse("region", region)?, "u"));
        }
        if let Some(d) = self.department {
            q.and_where(scope::supervised_by(d));
        }
        if let Some(u) = self.unit {
            q.and_where(Expr::col(("hs", "unit_id")).eq(u));
        }
        if let Some(l) = self.level {
            q.and_where(Expr::col(("hs", "level")).eq(l));
        }
        if let Some(m) = self.major {
            q.and_where(Expr::col(("hs", "is_major")).eq(m));
        }
        if let Some(d) = self.due_by {
            q.and_where(Expr::col(("hs", "next_due")).lte(d));
        }
        if self.retired != Some(true) {
            q.and_where(Expr::col(("hs", "retired_at")).is_null());
        }
        Ok(())
    }
}

impl Store {
    /// Hazard sources of units in scope, the most severe first, then by the next
    /// identification's due date.
    pub async fn hazard_sources(
        &self,
        actor: &Actor,
        filter: &HazardSourceFilter,
        page: PageRequest,
    ) -> Result<Page<HazardSource>> {
        let mut q = select();
        q.cond_where(scope::units(&actor.scope));
        filter.apply(&mut q)?;
        q.order_by_expr(Expr::col(("hs", "level")).is_null(), Order::Asc)
            .order_by(("hs", "level"), Order::Asc)
            .order_by(("hs", "next_due"), Order::Asc)
            .order_by(("hs", "id"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().page(&q, page).await
    }

    /// One hazard source in scope with its substances.
    pub async fn hazard_source(&self, actor: &Actor, id: i64) -> Result<HazardSourceDetail> {
        let mut c = self.read().await?;
        detail(&mut c.conn(), actor, id).await
    }

    /// The substances of several sources in scope, by source (for a register's export).
    pub async fn hazard_source_substances(
        &self,
        actor: &Actor,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Vec<SubstanceRow>>> {
        let mut out: std::collections::HashMap<i64, Vec<SubstanceRow>> = Default::default();
        if ids.is_empty() {
            return Ok(out);
        }
        let mut q = Query::select();
        q.column(("x", "source_id"))
            .columns(["name", "cas", "q", "critical_q", "beta"].map(|c| ("x", c)))
            .from_as("hazard_source_substances", "x")
            .join_as(
                JoinType::InnerJoin,
                "hazard_sources",
                "hs",
                Expr::col(("hs", "id")).equals(("x", "source_id")),
            )
            .join_as(
                JoinType::InnerJoin,
                "units",
                "u",
                Expr::col(("u", "id")).equals(("hs", "unit_id")),
            )
            .and_where(Expr::col(("x", "source_id")).is_in(ids.iter().copied()))
            .cond_where(scope::units(&actor.scope))
            .order_by(("x", "source_id"), Order::Asc)
            .order_by(("x", "position"), Order::Asc);
        let mut c = self.read().await?;
        let rows: Vec<SourceSubstance> = c.conn().all(&q).await?;
        for r in rows {
            out.entry(r.source_id).or_default().push(r.substance);
        }
        Ok(out)
    }

    /// Files an identification of one of the unit's sites.
    pub async fn create_hazard_source(
        &self,
        actor: &Actor,
        input: HazardSourceInput,
    ) -> Result<HazardSourceDetail> {
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let unit_id = input
            .unit_id
            .ok_or_else(|| Violation::new("unit_id", "error.required"))?;
        let checked = input.parse(today())?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, unit_id)
            .await
            .map_err(|e| match e {
                StoreError::NotFound => Violation::new("unit_id", "error.unit_unknown").into(),
                other => other,
            })?;
        let g = grading_of(&checked)?;
        let at = now();
        let id = conn
            .insert_id(
                insert::row(
                    "hazard_sources",
                    [
                        ("unit_id", unit_id.into()),
                        ("name", checked.name.clone().into()),
                        ("people_within_500m", i64::from(checked.people).into()),
                        ("s", g.s.into()),
                        ("alpha", g.alpha.into()),
                        ("r", g.r.into()),
                        ("is_major", g.is_major.into()),
                        ("level", g.level.map(i32::from).into()),
                        ("identified_on", checked.identified_on.into()),
                        (
                            "next_due",
                            next_identification_due(checked.identified_on).into(),
                        ),
                        ("filed_on", checked.filed_on.into()),
                        ("measures", checked.measures.clone().into()),
                        ("updated_at", at.into()),
                        ("created_at", at.into()),
                        ("county_code", county_of("units", unit_id)),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        write_substances(&mut conn, id, &checked).await?;
        let rule = grading::grade_rule(&mut conn, &unit.county_code).await?;
        grading::regrade(&mut conn, actor, unit_id, &rule).await?;
        let out = detail(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "hazard_source.create",
                object_type: "hazard_source",
                object_id: Some(id.to_string()),
                detail: json!({ "unit": unit_id, "name": checked.name, "s": g.s, "r": g.r, "level": g.level }),
                outcome: "ok",
            },
        ).await?;
        Ok(out)
    }

    /// Records a new identification of a source (changed substances, people nearby, the
    /// three-yearly review): the grading is worked out again.
    pub async fn update_hazard_source(
        &self,
        actor: &Actor,
        id: i64,
        patch: HazardSourceInput,
    ) -> Result<HazardSourceDetail> {
        let before = self.hazard_source(actor, id).await?;
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        let old = &before.source;
        let merged = HazardSourceInput {
            unit_id: Some(old.unit_id),
            name: patch.name.or_else(|| Some(old.name.clone())),
            people_within_500m: patch
                .people_within_500m
                .or(Some(i64::from(old.people_within_500m))),
            substances: patch.substances.or_else(|| {
                Some(
                    before
                        .substances
                        .iter()
                        .map(|s| SubstanceInput {
                            name: Some(s.name.clone()),
                            cas: s.cas.clone(),
                            q: Some(s.q),
                            critical_q: Some(s.critical_q),
                            beta: Some(s.beta),
                        })
                        .collect(),
                )
            }),
            identified_on: patch
                .identified_on
                .or_else(|| Some(old.identified_on.to_string())),
            filed_on: patch
                .filed_on
                .or_else(|| old.filed_on.map(|d| d.to_string())),
            measures: patch.measures.or_else(|| old.measures.clone()),
        };
        let checked = merged.parse(today())?;
        let g = grading_of(&checked)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, old.unit_id).await?;
        conn.update(
            Query::update()
                .table("hazard_sources")
                .values([
                    ("name", checked.name.clone().into()),
                    ("people_within_500m", i64::from(checked.people).into()),
                    ("s", g.s.into()),
                    ("alpha", g.alpha.into()),
                    ("r", g.r.into()),
                    ("is_major", g.is_major.into()),
                    ("level", g.level.map(i32::from).into()),
                    ("identified_on", checked.identified_on.into()),
                    (
                        "next_due",
                        next_identification_due(checked.identified_on).into(),
                    ),
                    ("filed_on", checked.filed_on.into()),
                    ("measures", checked.measures.clone().into()),
                    ("updated_at", now().into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        conn.delete(
            Query::delete()
                .from_table("hazard_source_substances")
                .and_where(Expr::col("source_id").eq(id)),
        )
        .await?;
        write_substances(&mut conn, id, &checked).await?;
        let rule = grading::grade_rule(&mut conn, &unit.county_code).await?;
        grading::regrade(&mut conn, actor, old.unit_id, &rule).await?;
        let out = detail(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "hazard_source.update",
                object_type: "hazard_source",
                object_id: Some(id.to_string()),
                detail: json!({ "name": checked.name, "s": g.s, "r": g.r, "level": g.level, "identified_on": checked.identified_on }),
                outcome: "ok",
            },
        ).await?;
        Ok(out)
    }

    /// Takes a source off the register (the installation was dismantled, the stock removed),
    /// keeping its record.
    pub async fn retire_hazard_source(
        &self,
        actor: &Actor,
        id: i64,
        reason: Option<&str>,
    ) -> Result<HazardSourceDetail> {
        let before = self.hazard_source(actor, id).await?;
        if !may(actor, Verb::Write, Object::UnitRecord) {
            return Err(StoreError::Forbidden);
        }
        if before.source.retired_at.is_some() {
            return Err(Violation::new("reason", "error.already_retired").into());
        }
        let reason = required_text("reason", reason.unwrap_or_default(), 200)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let unit = find_unit(&mut conn, actor, before.source.unit_id).await?;
        conn.update(
            Query::update()
                .table("hazard_sources")
                .values([
                    ("retired_at", now().into()),
                    ("retired_reason", reason.clone().into()),
                    ("updated_at", now().into()),
                ])
                .and_where(Expr::col("id").eq(id)),
        )
        .await?;
        let rule = grading::grade_rule(&mut conn, &unit.county_code).await?;
        grading::regrade(&mut conn, actor, unit.id, &rule).await?;
        let out = detail(&mut conn, actor, id).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &unit.county_code,
                action: "hazard_source.retire",
                object_type: "hazard_source",
                object_id: Some(id.to_string()),
                detail: json!({ "reason": reason }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(out)
    }
}

fn grading_of(checked: &NewHazardSource) -> Result<gb18218::Grading> {
    let only: Vec<Substance> = checked.substances.iter().map(|s| s.2).collect();
    Ok(gb18218::grade(checked.people, &only)?)
}

async fn detail(conn: &mut Conn<'_>, actor: &Actor, id: i64) -> Result<HazardSourceDetail> {
    let mut q = select();
    q.and_where(Expr::col(("hs", "id")).eq(id))
        .cond_where(scope::units(&actor.scope));
    let source: HazardSource = conn.one(&q).await?;
    let substances: Vec<SubstanceRow> = conn
        .all(
            Query::select()
                .columns(["name", "cas", "q", "critical_q", "beta"])
                .from("hazard_source_substances")
                .and_where(Expr::col("source_id").eq(id))
                .order_by("position", Order::Asc),
        )
        .await?;
    Ok(HazardSourceDetail { source, substances })
}

async fn write_substances(conn: &mut Conn<'_>, id: i64, checked: &NewHazardSource) -> Result<()> {
    let mut rows = insert::Rows::new("hazard_source_substances");
    for (i, (name, cas, s)) in checked.substances.iter().enumerate() {
        rows.push([
            ("source_id", id.into()),
            ("position", (i as i64).into()),
            ("name", name.clone().into()),
            ("cas", cas.clone().into()),
            ("q", s.q.into()),
            ("critical_q", s.critical_q.into()),
            ("beta", s.beta.into()),
            ("county_code", county_of("hazard_sources", id)),
        ])?;
    }
    if !rows.is_empty() {
        conn.insert(rows.statement()).await?;
    }
    Ok(())
}
