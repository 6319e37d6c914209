//! The supervision grade as the county's rule gives it: the rule is the county's own setting
//! (`county_settings`, key `grade_rule`) or the default of regulations.md §6, and the facts
//! are the unit's sector, size, major hazard sources and major hidden hazards of the last year.

use super::history;
use crate::audit::Event;
use crate::db::{Conn, Store};
use crate::{Result, StoreError};
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::hazard::HazardLevel;
use safegrid_domain::hazard::lifecycle::State;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::unit::grade::{Grade, GradeFacts, GradeRule, Reason, suggest};
use sea_query::{Expr, ExprTrait, Query};
use serde_json::json;

const GRADE_RULE: &str = "grade_rule";

/// The county's grading rule.
pub(crate) async fn grade_rule(conn: &mut Conn<'_>, county: &str) -> Result<GradeRule> {
    Ok(crate::settings::read(conn, county, GRADE_RULE)
        .await?
        .unwrap_or_default())
}

/// Whether the unit has a major hazard source on file that has not been retired.
pub(crate) async fn has_major_source(conn: &mut Conn<'_>, unit: i64) -> Result<bool> {
    let n = conn
        .scalar(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from("hazard_sources")
                .and_where(Expr::col("unit_id").eq(unit))
                .and_where(Expr::col("is_major").eq(true))
                .and_where(Expr::col("retired_at").is_null()),
        )
        .await?;
    Ok(n > 0)
}

/// Whether the unit had a major hidden hazard found (one refused as no hazard at all does not
/// count) or an accident in the last 12 months: the rule's "major hazard or accident in the
/// last 12 months" clause.
pub(crate) async fn recent_major_hazard_or_accident(
    conn: &mut Conn<'_>,
    unit: i64,
) -> Result<bool> {
    let now = chrono::Utc::now();
    let since = now
        .checked_sub_months(chrono::Months::new(12))
        .unwrap_or(now);
    let n = conn
        .scalar(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from("hazards")
                .and_where(Expr::col("unit_id").eq(unit))
                .and_where(Expr::col("level").eq(HazardLevel::Major.as_str()))
                .and_where(Expr::col("state").ne(State::Rejected.as_str()))
                .and_where(Expr::col("found_at").gte(since)),
        )
        .await?;
    if n > 0 {
        return Ok(true);
    }
    // An accident at the unit counts the same (the rule's 12-month clause).
    let accidents = conn
        .scalar(
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from("accidents")
                .and_where(Expr::col("unit_id").eq(unit))
                .and_where(Expr::col("occurred_at").gte(since)),
        )
        .await?;
    Ok(accidents > 0)
}

/// What the rule looks at besides the unit's own fields, read from its records.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct RecordFacts {
    pub major_hazard_source: bool,
    pub recent_major_hazard_or_accident: bool,
}

impl RecordFacts {
    pub(crate) async fn of(conn: &mut Conn<'_>, unit: i64) -> Result<Self> {
        Ok(Self {
            major_hazard_source: has_major_source(conn, unit).await?,
            recent_major_hazard_or_accident: recent_major_hazard_or_accident(conn, unit).await?,
        })
    }
}

/// The suggested grade and its reasons for a unit's facts.
pub(crate) fn suggestion(
    rule: &GradeRule,
    sector: Option<&str>,
    employees: Option<i32>,
    records: RecordFacts,
) -> (Grade, Vec<Reason>) {
    let sectors: Vec<String> = sector.iter().map(|s| (*s).to_owned()).collect();
    suggest(
        rule,
        &GradeFacts {
            sectors: &sectors,
            employees: employees.and_then(|n| u32::try_from(n).ok()),
            has_major_hazard_source: records.major_hazard_source,
            major_hazard_or_accident_in_12_months: records.recent_major_hazard_or_accident,
        },
    )
}

/// Grades a unit again after one of its hazards changed or an accident happened there, by its
/// county's rule.
pub(crate) async fn regrade_after_hazard(
    conn: &mut Conn<'_>,
    actor: &Actor,
    county: &str,
    unit: i64,
) -> Result<()> {
    let rule = grade_rule(conn, county).await?;
    regrade(conn, actor, unit, &rule).await
}

/// Grades a unit again after something the rule looks at changed (a hazard source, the rule):
/// the suggestion is refreshed, and the grade follows it unless it was set by hand. A changed
/// grade goes into the unit's history.
pub(crate) async fn regrade(
    conn: &mut Conn<'_>,
    actor: &Actor,
    unit: i64,
    rule: &GradeRule,
) -> Result<()> {
    type Facts = (Option<String>, Option<i32>, String, Option<String>);
    let (sector, employees, current, override_reason): Facts = conn
        .one(
            Query::select()
                .columns([
                    "sector_code",
                    "employees",
                    "supervision_grade",
                    "grade_override_reason",
                ])
                .from("units")
                .and_where(Expr::col("id").eq(unit)),
        )
        .await?;
    let records = RecordFacts::of(conn, unit).await?;
    let (suggested, _) = suggestion(rule, sector.as_deref(), employees, records);
    let grade = if override_reason.is_some() {
        current.clone()
    } else {
        suggested.as_str().to_owned()
    };
    conn.update(
        Query::update()
            .table("units")
            .values([
                ("suggested_grade", suggested.as_str().into()),
                ("supervision_grade", grade.clone().into()),
            ])
            .and_where(Expr::col("id").eq(unit)),
    )
    .await?;
    if grade != current {
        history(conn, actor, unit, "grade", &grade, None).await?;
    }
    Ok(())
}

impl Store {
    /// The grading rule of the account's county.
    pub async fn grade_rule(&self, actor: &Actor) -> Result<GradeRule> {
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let mut c = self.read().await?;
        grade_rule(&mut c.conn(), county.as_str()).await
    }

    /// Sets the county's grading rule and grades every unit of the county again by it.
    pub async fn set_grade_rule(&self, actor: &Actor, rule: GradeRule) -> Result<u64> {
        // The system has no county of its own to set a rule for.
        if !may(actor, Verb::Write, Object::GradeRule) || matches!(actor.scope, Scope::All) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut errors = Invalid::default();
        let known: Vec<(String,)> = {
            let mut c = self.read().await?;
            c.conn()
                .all(Query::select().column("code").from("sectors"))
                .await?
        };
        for (field, list) in [
            ("high_risk_sectors", &rule.high_risk_sectors),
            ("key_sectors", &rule.key_sectors),
        ] {
            for code in list.iter().filter(|c| !known.iter().any(|k| &k.0 == *c)) {
                errors.push(Violation::new(field, "error.sector_unknown").with("code", code));
            }
        }
        errors.into_result()?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        crate::settings::write(&mut conn, county.as_str(), GRADE_RULE, &rule).await?;
        let units: Vec<(i64,)> = conn
            .all(
                Query::select()
                    .column("id")
                    .from("units")
                    .and_where(Expr::col("county_code").eq(county.as_str())),
            )
            .await?;
        for (id,) in &units {
            regrade(&mut conn, actor, *id, &rule).await?;
        }
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "settings.grade_rule",
                object_type: "county",
                object_id: Some(county.as_str().to_owned()),
                detail: json!({ "rule": rule, "units": units.len() }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(units.len() as u64)
    }
}
