//! The units' hidden-hazard statistics reports (R-LED-7): the figures of a quarter or a year
//! worked out from the ledger, submitted by the unit over its principal's name, and for towns
//! and departments the list of who reported on time, late, or not at all.

use super::stats::sum_when;
use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::units::find_unit;
use crate::{Page, PageRequest, Result, StoreError, scope};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::hazard::report::NewReport;
use safegrid_domain::hazard::report::{Period, Standing};
use safegrid_domain::invalid::Violation;
use safegrid_domain::region::RegionCode;
use safegrid_domain::time::{CHINA, local_date};
use sea_query::{Cond, Expr, ExprTrait, JoinType, Order, Query};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;

/// A unit's figures for a period: hazards found in it, by level, and where they stand.
#[derive(Debug, Clone, Default, PartialEq, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardStatistics {
    pub found_general: i64,
    pub found_major: i64,
    pub closed: i64,
    pub still_open: i64,
    pub overdue: i64,
    pub cost_yuan: f64,
}

/// A submitted report.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardReport {
    pub unit_id: i64,
    pub period: String,
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub figures: HazardStatistics,
    pub analysis: Option<String>,
    pub principal: String,
    pub submitted_at: DateTime<Utc>,
    /// Who recorded it on the unit's behalf (a supervisor's account); none when the unit
    /// submitted it itself, over its principal's name.
    pub recorded_by: Option<String>,
}

/// The recorder of a report filed on a unit's behalf: the submitting account unless it is the
/// unit's own.
fn recorder_of(report: &str) -> Expr {
    Expr::cust(format!(
        "(SELECT a.display_name FROM accounts a WHERE a.id = {report}.submitted_by \
         AND a.role <> 'unit_manager')"
    ))
}

pub use safegrid_domain::hazard::report::ReportInput;

/// A unit's standing for a period, in a town's or department's list.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct ReportStanding {
    pub unit_id: i64,
    pub unit_name: String,
    pub region_name: Option<String>,
    pub principal: Option<String>,
    pub submitted_at: Option<DateTime<Utc>>,
    /// Who recorded it on the unit's behalf, when not the unit itself.
    pub recorded_by: Option<String>,
    /// The figures as submitted (none when not submitted).
    pub found_general: Option<i64>,
    pub found_major: Option<i64>,
    pub closed: Option<i64>,
    pub still_open: Option<i64>,
    pub overdue: Option<i64>,
    pub cost_yuan: Option<f64>,
    /// not_due, on_time, late, missing
    #[sqlx(skip)]
    pub standing: &'static str,
}

#[derive(Debug, Clone, Default, Deserialize)]
pub struct StandingFilter {
    pub region: Option<String>,
    pub department: Option<i64>,
    /// on_time, late, missing, not_due
    pub standing: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct StandingCounts {
    pub units: i64,
    pub on_time: i64,
    pub late: i64,
    pub missing: i64,
}

/// The first instant after the due day ends in China: submissions before it are on time.
fn cutoff(period: Period) -> DateTime<Utc> {
    let next = period.due().succ_opt().unwrap_or(NaiveDate::MAX);
    CHINA
        .from_local_datetime(&next.and_time(chrono::NaiveTime::MIN))
        .single()
        .map_or(DateTime::<Utc>::MAX_UTC, |t| t.with_timezone(&Utc))
}

/// The first instant of a day in China, in UTC.
fn start_of(day: NaiveDate) -> DateTime<Utc> {
    CHINA
        .from_local_datetime(&day.and_time(chrono::NaiveTime::MIN))
        .single()
        .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
}

/// A unit's figures for a period, from its ledger.
async fn statistics(conn: &mut Conn<'_>, unit: i64, period: Period) -> Result<HazardStatistics> {
    let (first, last) = period.days();
    let today = local_date(Utc::now());
    let open = || Expr::col("state").is_not_in(["closed", "rejected"]);
    let q = Query::select()
        .expr_as(
            sum_when(Cond::all().add(Expr::col("level").eq("general"))),
            "found_general",
        )
        .expr_as(
            sum_when(Cond::all().add(Expr::col("level").eq("major"))),
            "found_major",
        )
        .expr_as(
            sum_when(Cond::all().add(Expr::col("state").eq("closed"))),
            "closed",
        )
        .expr_as(sum_when(Cond::all().add(open())), "still_open")
        .expr_as(
            sum_when(Cond::all().add(open()).add(Expr::col("deadline").lt(today))),
            "overdue",
        )
        .expr_as(Expr::cust("COALESCE(SUM(cost_yuan), 0.0)"), "cost_yuan")
        .from("hazards")
        .and_where(Expr::col("unit_id").eq(unit))
        .and_where(Expr::col("state").ne("rejected"))
        .and_where(Expr::col("found_at").gte(start_of(first)))
        .and_where(Expr::col("found_at").lt(start_of(last.succ_opt().unwrap_or(last))))
        .to_owned();
    conn.one(&q).await
}

/// A submitted report's columns, as read into [`HazardReport`].
const REPORT_COLUMNS: [&str; 11] = [
    "unit_id",
    "period",
    "found_general",
    "found_major",
    "closed",
    "still_open",
    "overdue",
    "cost_yuan",
    "analysis",
    "principal",
    "submitted_at",
];

/// The unit's submitted reports for the periods, in no particular order.
async fn submitted(
    conn: &mut Conn<'_>,
    unit: i64,
    periods: &[Period],
) -> Result<Vec<HazardReport>> {
    conn.all(
        Query::select()
            .columns(REPORT_COLUMNS)
            .expr_as(recorder_of("hazard_reports"), "recorded_by")
            .from("hazard_reports")
            .and_where(Expr::col("unit_id").eq(unit))
            .and_where(Expr::col("period").is_in(periods.iter().map(Period::code))),
    )
    .await
}

impl Store {
    /// A unit's figures for a period, from its ledger.
    pub async fn hazard_statistics(
        &self,
        actor: &Actor,
        unit: i64,
        period: Period,
    ) -> Result<HazardStatistics> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        statistics(&mut conn, unit, period).await
    }

    /// The unit's report for a period, if submitted.
    pub async fn hazard_report(
        &self,
        actor: &Actor,
        unit: i64,
        period: Period,
    ) -> Result<Option<HazardReport>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        Ok(submitted(&mut conn, unit, &[period]).await?.pop())
    }

    /// For each period, the unit's figures from its ledger and its report if submitted: the
    /// unit's reports tab, read on one connection.
    pub async fn hazard_report_history(
        &self,
        actor: &Actor,
        unit: i64,
        periods: &[Period],
    ) -> Result<Vec<(HazardStatistics, Option<HazardReport>)>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        find_unit(&mut conn, actor, unit).await?;
        let mut reports = submitted(&mut conn, unit, periods).await?;
        let mut out = Vec::with_capacity(periods.len());
        for period in periods {
            let figures = statistics(&mut conn, unit, *period).await?;
            let code = period.code();
            let report = reports
                .iter()
                .position(|r| r.period == code)
                .map(|i| reports.swap_remove(i));
            out.push((figures, report));
        }
        Ok(out)
    }

    /// Submits the unit's report for an ended period: the figures are worked out now and kept
    /// as submitted. Once per unit and period.
    pub async fn submit_hazard_report(
        &self,
        actor: &Actor,
        unit: i64,
        input: ReportInput,
    ) -> Result<HazardReport> {
        if !matches!(
            Party::of(actor.role),
            Party::Unit | Party::Supervisor | Party::County
        ) {
            return Err(StoreError::Forbidden);
        }
        let NewReport {
            period,
            principal,
            analysis,
        } = input.parse(local_date(Utc::now()))?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let u = find_unit(&mut conn, actor, unit).await?;
        if !submitted(&mut conn, unit, &[period]).await?.is_empty() {
            return Err(Violation::new("period", "error.report_submitted").into());
        }
        let filing = Filing {
            county: u.county_code.as_str(),
            unit,
            period,
            principal: &principal,
            analysis: analysis.as_deref(),
            at: now(),
            by: actor.account_id,
        };
        file(&mut conn, filing)
            .await
            .map_err(|e| e.unique_as("period", "error.report_submitted"))?;
        tx.commit_audited(
            actor,
            Event {
                chain: &u.county_code,
                action: "hazard_report.submit",
                object_type: "unit",
                object_id: Some(unit.to_string()),
                detail: json!({ "period": period.code(), "principal": principal }),
                outcome: "ok",
            },
        )
        .await?;
        self.hazard_report(actor, unit, period)
            .await?
            .ok_or(StoreError::NotFound)
    }

    /// Units in scope (those operating) with where each stands for the period.
    pub async fn report_standings(
        &self,
        actor: &Actor,
        period: Period,
        filter: &StandingFilter,
        page: PageRequest,
    ) -> Result<(Page<ReportStanding>, StandingCounts)> {
        let today = local_date(Utc::now());
        let cutoff = cutoff(period);
        let due_passed = today > period.due();
        let mut base = Cond::all()
            .add(scope::units(&actor.scope))
            .add(Expr::col(("u", "status")).eq("operating"));
        if let Some(r) = filter.region.as_deref().filter(|r| !r.is_empty()) {
            base = base.add(scope::division(&RegionCode::parse("region", r)?, "u"));
        }
        if let Some(d) = filter.department {
            base = base.add(scope::supervised_by(d));
        }
        let standing = match filter.standing.as_deref().filter(|s| !s.is_empty()) {
            None => Cond::all(),
            Some("on_time") => Cond::all().add(Expr::col(("r", "submitted_at")).lt(cutoff)),
            Some("late") => Cond::all().add(Expr::col(("r", "submitted_at")).gte(cutoff)),
            Some("missing") if due_passed => Cond::all().add(Expr::col(("r", "id")).is_null()),
            Some("not_due") if !due_passed => Cond::all().add(Expr::col(("r", "id")).is_null()),
            Some("missing" | "not_due") => scope::nothing(),
            Some(_) => return Err(Violation::new("standing", "error.choice").into()),
        };
        let joined = |q: &mut sea_query::SelectStatement| {
            q.from_as("units", "u").join_as(
                JoinType::LeftJoin,
                "hazard_reports",
                "r",
                Cond::all()
                    .add(Expr::col(("r", "unit_id")).equals(("u", "id")))
                    .add(Expr::col(("r", "period")).eq(period.code())),
            );
        };
        let mut q = Query::select();
        q.expr_as(Expr::col(("u", "id")), "unit_id")
            .expr_as(Expr::col(("u", "name")), "unit_name")
            .expr_as(Expr::col(("g", "name")), "region_name")
            .columns(
                [
                    "principal",
                    "submitted_at",
                    "found_general",
                    "found_major",
                    "closed",
                    "still_open",
                    "overdue",
                    "cost_yuan",
                ]
                .map(|c| ("r", c)),
            )
            .expr_as(recorder_of("r"), "recorded_by");
        joined(&mut q);
        q.join_as(
            JoinType::LeftJoin,
            "regions",
            "g",
            Expr::col(("g", "code")).equals(("u", "region_code")),
        )
        .cond_where(base.clone())
        .cond_where(standing.clone())
        .order_by(("u", "region_code"), Order::Asc)
        .order_by(("u", "name"), Order::Asc);
        let mut count = Query::select();
        count.expr(Expr::cust("COUNT(*)"));
        joined(&mut count);
        count.cond_where(base.clone()).cond_where(standing);
        let mut totals = Query::select();
        totals
            .expr(Expr::cust("COUNT(*)"))
            .expr(sum_when(
                Cond::all().add(Expr::col(("r", "submitted_at")).lt(cutoff)),
            ))
            .expr(sum_when(
                Cond::all().add(Expr::col(("r", "submitted_at")).gte(cutoff)),
            ))
            .expr(sum_when(Cond::all().add(Expr::col(("r", "id")).is_null())));
        joined(&mut totals);
        totals.cond_where(base);
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let mut page = conn
            .page_counted::<ReportStanding>(&q, &count, page)
            .await?;
        let (units, on_time, late, unsubmitted): (i64, i64, i64, i64) = conn.one(&totals).await?;
        for s in &mut page.items {
            s.standing = Standing::of(period, s.submitted_at.map(local_date), today).as_str();
        }
        Ok((
            page,
            StandingCounts {
                units,
                on_time,
                late,
                missing: if due_passed { unsubmitted } else { 0 },
            },
        ))
    }
}

impl Store {
    /// Files the demo's statistics reports in one transaction: each unit's figures counted from
    /// its ledger as a real submission would, signed by its principal, submitted at the time
    /// given (some after the due day). The system only; a unit that has filed is skipped.
    pub async fn seed_hazard_reports(
        &self,
        actor: &Actor,
        period: Period,
        filings: &[(i64, String, DateTime<Utc>)],
    ) -> Result<u64> {
        if actor.scope != safegrid_domain::access::Scope::All {
            return Err(StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let mut filed = 0;
        for (unit, principal, at) in filings {
            if !submitted(&mut conn, *unit, &[period]).await?.is_empty() {
                continue;
            }
            let u = find_unit(&mut conn, actor, *unit).await?;
            let filing = Filing {
                county: u.county_code.as_str(),
                unit: *unit,
                period,
                principal,
                analysis: None,
                at: *at,
                by: None,
            };
            file(&mut conn, filing).await?;
            filed += 1;
        }
        tx.commit_unaudited("the demo's reports, filed as the units would have")
            .await?;
        self.duties_changed();
        Ok(filed)
    }
}

/// A report as filed: whose, for which period, signed by whom, when and through which account.
struct Filing<'a> {
    county: &'a str,
    unit: i64,
    period: Period,
    principal: &'a str,
    analysis: Option<&'a str>,
    at: DateTime<Utc>,
    by: Option<i64>,
}

/// Files a report with the unit's figures for the period counted from its ledger now.
async fn file(conn: &mut Conn<'_>, f: Filing<'_>) -> Result<()> {
    let figures = statistics(conn, f.unit, f.period).await?;
    conn.insert(insert::row(
        "hazard_reports",
        [
            ("unit_id", f.unit.into()),
            ("period", f.period.code().into()),
            ("found_general", figures.found_general.into()),
            ("found_major", figures.found_major.into()),
            ("closed", figures.closed.into()),
            ("still_open", figures.still_open.into()),
            ("overdue", figures.overdue.into()),
            ("cost_yuan", figures.cost_yuan.into()),
            ("analysis", f.analysis.map(str::to_owned).into()),
            ("principal", f.principal.to_owned().into()),
            ("submitted_at", f.at.into()),
            ("submitted_by", f.by.into()),
            ("county_code", f.county.to_owned().into()),
        ],
    ))
    .await?;
    Ok(())
}
