//! Reading what a window's duties rest on — the units in scope, their departments, the
//! county's cadence, the records of the window and the names to show — and deriving them.

use crate::db::Conn;
use crate::{Result, scope, settings};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::duty::accident_report::report_duties;
use safegrid_domain::duty::certificate::certificate_duties;
use safegrid_domain::duty::hazard_source::{SourceFacts, hazard_source_duties};
use safegrid_domain::duty::inspection::{
    InspectedUnit, InspectionCadence, InspectionMark, inspection_duties, town_of,
};
use safegrid_domain::duty::own_check::{
    CheckMonths, CheckingUnit, daily_check_duties, monthly_patrol_duties,
};
use safegrid_domain::duty::rectification_review::{OrderFacts, review_duties};
use safegrid_domain::duty::statistics_report::{
    report_period, report_periods, statistics_report_duties,
};
use safegrid_domain::duty::training::{pre_shift_duties, training_duties};
use safegrid_domain::duty::{Cadence, Duty, DutyKind, Party, Period, RegionCodeKey};
use safegrid_domain::inspection::document::DocumentKind;
use safegrid_domain::time::local_date;
use safegrid_domain::unit::check::WorkingDays;
use safegrid_domain::unit::grade::Grade;
use sea_query::{Cond, Expr, ExprTrait, JoinType, Query};
use std::collections::HashMap;

use super::own::{certificates_due, check_months, trainings_held};
use super::{DutyFilter, DutySetData, GridKey, UnitFacts};

type UnitRow = (
    i64,
    String,
    String,
    String,
    bool,
    String,
    String,
    DateTime<Utc>,
    String,
);

/// Reads what the duties of the window rest on and derives them, with the parties' own duties
/// (their grid plans) derived beforehand.
pub(super) async fn derive(
    conn: &mut Conn<'_>,
    actor: &Actor,
    filter: &DutyFilter,
    (window, today): (Period, NaiveDate),
    own: Vec<Duty>,
) -> Result<DutySetData> {
    let wants = |kind: DutyKind| filter.kind.is_none_or(|k| k == kind);
    // Units that owe duties: placed in a village, and not closed or moved away.
    let mut units_in = Cond::all()
        .add(scope::units(&actor.scope))
        .add(Expr::col(("u", "region_code")).is_not_null())
        .add(Expr::col(("u", "status")).is_in(["operating", "suspended"]));
    if let Some(r) = &filter.region {
        units_in = units_in.add(scope::division(r, "u"));
    }
    if let Some(u) = filter.unit_id {
        units_in = units_in.add(Expr::col(("u", "id")).eq(u));
    }
    if let Some(d) = filter.department_id {
        units_in = units_in.add(scope::supervised_by(d));
    }
    let units: Vec<UnitRow> = conn
        .all(
            Query::select()
                .columns(
                    [
                        "id",
                        "county_code",
                        "name",
                        "region_code",
                        "is_key",
                        "supervision_grade",
                        "status",
                        "created_at",
                        "working_days",
                    ]
                    .map(|c| ("u", c)),
                )
                .from_as("units", "u")
                .cond_where(units_in.clone()),
        )
        .await?;
    let departments_of = departments_of(conn, units_in.clone()).await?;
    let mut counties: Vec<String> = units.iter().map(|u| u.1.clone()).collect();
    counties.sort();
    counties.dedup();
    let mut cadences: HashMap<String, InspectionCadence> = HashMap::new();
    for county in &counties {
        let cadence = settings::read(conn, county, InspectionCadence::SETTING)
            .await?
            .unwrap_or_default();
        cadences.insert(county.clone(), cadence);
    }
    // The records that may discharge a duty of the window: from the start of the earliest
    // period of any cadence in use to the end of the latest.
    let used: Vec<Cadence> = cadences
        .values()
        .flat_map(|c| [c.key_units, c.grade_a, c.grade_b, c.grade_c])
        .collect();
    let from = used
        .iter()
        .map(|c| Period::of(*c, window.first_day()).first_day())
        .min()
        .unwrap_or(window.first_day());
    let to = used
        .iter()
        .map(|c| Period::of(*c, window.last_day()).last_day())
        .max()
        .unwrap_or(window.last_day());
    // Inspections are read only when their duties are asked for.
    let marks: Vec<(i64, i64, NaiveDate, String, Option<i64>, String)> =
        if !wants(DutyKind::Inspection) {
            Vec::new()
        } else {
            conn.all(
                Query::select()
                    .columns(
                        [
                            "id",
                            "unit_id",
                            "inspected_on",
                            "party",
                            "department_id",
                            "region_code",
                        ]
                        .map(|c| ("i", c)),
                    )
                    .from_as("inspections", "i")
                    .join_as(
                        JoinType::InnerJoin,
                        "units",
                        "u",
                        Expr::col(("u", "id")).equals(("i", "unit_id")),
                    )
                    .cond_where(units_in.clone())
                    .and_where(Expr::col(("i", "inspected_on")).gte(from))
                    .and_where(Expr::col(("i", "inspected_on")).lte(to)),
            )
            .await?
        };
    let marks: Vec<InspectionMark> = marks
        .into_iter()
        .filter_map(|(id, unit_id, inspected_on, party, department, village)| {
            let party = match (party.as_str(), department) {
                ("department", Some(department_id)) => Party::Department { department_id },
                ("town", _) => Party::Town {
                    town_code: town_of(RegionCodeKey::new(&village)?),
                },
                _ => return None,
            };
            Some(InspectionMark {
                id,
                unit_id,
                inspected_on,
                party,
            })
        })
        .collect();
    let mut data = DutySetData::default();
    for county in &counties {
        let subjects: Vec<InspectedUnit> = units
            .iter()
            .filter(|u| &u.1 == county)
            .filter_map(|u| {
                let mut departments = departments_of.get(&u.0).cloned().unwrap_or_default();
                departments.sort_unstable();
                Some(InspectedUnit {
                    unit_id: u.0,
                    village: RegionCodeKey::new(&u.3)?,
                    is_key: u.4,
                    grade: Grade::from_word(&u.5)?,
                    departments,
                    since: local_date(u.7),
                })
            })
            .collect();
        let cadence = cadences.get(county).copied().unwrap_or_default();
        if wants(DutyKind::Inspection) {
            data.duties.extend(inspection_duties(
                &subjects, &marks, window, today, &cadence,
            ));
        }
    }
    if wants(DutyKind::StatisticsReport) {
        // Operating units report (a suspended one has nothing to count).
        let reporting: Vec<i64> = units
            .iter()
            .filter(|u| u.6 == "operating")
            .map(|u| u.0)
            .collect();
        let submitted = submitted_reports(conn, &units_in, window).await?;
        data.duties.extend(statistics_report_duties(
            &reporting, &submitted, window, today,
        ));
    }
    // The units' own checks, from the monthly rollup. A day's duties for every unit are many
    // (a county's year is 750,000), so they are derived for windows of up to a quarter, or
    // when asked for by kind.
    let daily = wants(DutyKind::DailyCheck)
        && (filter.kind == Some(DutyKind::DailyCheck)
            || window.last_day() - window.first_day() <= chrono::Duration::days(92));
    let briefings = wants(DutyKind::PreShift)
        && (filter.kind == Some(DutyKind::PreShift)
            || window.last_day() - window.first_day() <= chrono::Duration::days(92));
    let trained = [
        DutyKind::MonthlyExam,
        DutyKind::Publicity,
        DutyKind::ThreePost,
    ]
    .into_iter()
    .any(&wants);
    if daily || briefings || trained || wants(DutyKind::MonthlyPatrol) {
        let checking: Vec<CheckingUnit> = units
            .iter()
            .filter(|u| u.6 == "operating")
            .map(|u| CheckingUnit {
                unit_id: u.0,
                working: WorkingDays::parse("working_days", &u.8).unwrap_or_default(),
                since: local_date(u.7),
            })
            .collect();
        let months = if daily || briefings || wants(DutyKind::MonthlyPatrol) {
            check_months(conn, &units_in, window).await?
        } else {
            CheckMonths::new()
        };
        if daily {
            data.duties
                .extend(daily_check_duties(&checking, &months, window, today));
        }
        if wants(DutyKind::MonthlyPatrol) {
            data.duties
                .extend(monthly_patrol_duties(&checking, &months, window, today));
        }
        if briefings {
            data.duties
                .extend(pre_shift_duties(&checking, &months, window, today));
        }
        if trained {
            let (marks, holders) = trainings_held(conn, &units_in, window).await?;
            data.duties.extend(training_duties(
                &checking, &holders, &marks, window, today, wants,
            ));
        }
    }
    if wants(DutyKind::CertificateReview) {
        let certs = certificates_due(conn, &units_in, window).await?;
        data.duties
            .extend(certificate_duties(&certs, window, today));
    }
    if wants(DutyKind::HazardSourceReview) || wants(DutyKind::HazardSourceFiling) {
        let sources = active_sources(conn, &units_in).await?;
        data.duties.extend(
            hazard_source_duties(&sources, window, today)
                .into_iter()
                .filter(|d| wants(d.kind)),
        );
    }
    if wants(DutyKind::RectificationReview) {
        let orders = orders_due(conn, &units_in, window).await?;
        data.duties.extend(review_duties(&orders, window, today));
    }
    if wants(DutyKind::AccidentReport) {
        let steps =
            super::accident::steps_due(conn, actor, filter, window, &departments_of).await?;
        data.duties
            .extend(report_duties(&steps, window, chrono::Utc::now()));
    }
    data.duties.extend(own);
    if let Some(d) = filter.department_id {
        data.duties
            .retain(|duty| duty.party == Party::Department { department_id: d });
    }
    data.duties.sort_by(|a, b| {
        (a.due_on, a.unit_id, a.party, a.period).cmp(&(b.due_on, b.unit_id, b.party, b.period))
    });
    data.units = units
        .into_iter()
        .map(|u| {
            (
                u.0,
                UnitFacts {
                    name: u.2,
                    village: u.3,
                },
            )
        })
        .collect();
    names(conn, &counties, &mut data).await?;
    Ok(data)
}

/// The statistics reports submitted by the units for the report periods of the window: unit
/// and period code to the report's id.
async fn submitted_reports(
    conn: &mut Conn<'_>,
    units_in: &Cond,
    window: Period,
) -> Result<HashMap<(i64, String), i64>> {
    let codes: Vec<String> = report_periods(window)
        .into_iter()
        .filter_map(report_period)
        .map(|p| p.code())
        .collect();
    let rows: Vec<(i64, i64, String)> = conn
        .all(
            Query::select()
                .columns([("hr", "id"), ("hr", "unit_id"), ("hr", "period")])
                .from_as("hazard_reports", "hr")
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("hr", "unit_id")),
                )
                .cond_where(units_in.clone())
                .and_where(Expr::col(("hr", "period")).is_in(codes)),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(|(id, unit, period)| ((unit, period), id))
        .collect())
}

/// The rectification orders to the units in scope whose deadline falls in the window, with
/// the review issued against each.
async fn orders_due(
    conn: &mut Conn<'_>,
    units_in: &Cond,
    window: Period,
) -> Result<Vec<OrderFacts>> {
    type OrderRow = (
        i64,
        i64,
        String,
        Option<i64>,
        String,
        NaiveDate,
        Option<i64>,
    );
    let rows: Vec<OrderRow> = conn
        .all(
            Query::select()
                .column(("e", "id"))
                .columns(["unit_id", "party", "department_id", "region_code"].map(|c| ("i", c)))
                .column(("e", "deadline"))
                .expr(Expr::cust(
                    "(SELECT MIN(r.id) FROM enforcement_documents r WHERE r.order_id = e.id)",
                ))
                .from_as("enforcement_documents", "e")
                .join_as(
                    JoinType::InnerJoin,
                    "inspections",
                    "i",
                    Expr::col(("i", "id")).equals(("e", "inspection_id")),
                )
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("i", "unit_id")),
                )
                .cond_where(units_in.clone())
                .and_where(Expr::col(("e", "kind")).eq(DocumentKind::RectificationOrder.as_str()))
                .and_where(Expr::col(("e", "deadline")).gte(window.first_day()))
                .and_where(Expr::col(("e", "deadline")).lte(window.last_day())),
        )
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(
            |(order_id, unit_id, party, department, village, deadline, reviewed_by)| {
                let party = match (party.as_str(), department) {
                    ("department", Some(department_id)) => Party::Department { department_id },
                    _ => Party::Town {
                        town_code: town_of(RegionCodeKey::new(&village)?),
                    },
                };
                Some(OrderFacts {
                    order_id,
                    unit_id,
                    party,
                    deadline,
                    reviewed_by,
                })
            },
        )
        .collect())
}

/// The hazard sources of the units in scope that are still in use.
async fn active_sources(conn: &mut Conn<'_>, units_in: &Cond) -> Result<Vec<SourceFacts>> {
    type SourceRow = (i64, i64, bool, NaiveDate, NaiveDate, Option<NaiveDate>);
    let rows: Vec<SourceRow> = conn
        .all(
            Query::select()
                .columns(
                    [
                        "id",
                        "unit_id",
                        "is_major",
                        "identified_on",
                        "next_due",
                        "filed_on",
                    ]
                    .map(|c| ("hs", c)),
                )
                .from_as("hazard_sources", "hs")
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("hs", "unit_id")),
                )
                .cond_where(units_in.clone())
                .and_where(Expr::col(("hs", "retired_at")).is_null()),
        )
        .await?;
    Ok(rows
        .into_iter()
        .map(
            |(source_id, unit_id, is_major, identified_on, next_due, filed_on)| SourceFacts {
                source_id,
                unit_id,
                is_major,
                identified_on,
                next_due,
                filed_on,
            },
        )
        .collect())
}

/// The names of the departments, divisions and grids the duties mention.
async fn names(conn: &mut Conn<'_>, counties: &[String], data: &mut DutySetData) -> Result<()> {
    if counties.is_empty() {
        return Ok(());
    }
    let departments: Vec<(i64, String)> = conn
        .all(
            Query::select()
                .columns(["id", "name"])
                .from("departments")
                .and_where(Expr::col("county_code").is_in(counties.iter().cloned())),
        )
        .await?;
    data.departments = departments.into_iter().collect();
    let regions: Vec<(String, String)> = conn
        .all(
            Query::select()
                .columns(["code", "name"])
                .from("regions")
                .and_where(Expr::col("county_code").is_in(counties.iter().cloned())),
        )
        .await?;
    data.regions = regions.into_iter().collect();
    let grids: Vec<(i64, String, String, String, Option<i64>)> = conn
        .all(
            Query::select()
                .columns(["id", "name", "kind", "region_code", "department_id"])
                .from("grids")
                .and_where(Expr::col("county_code").is_in(counties.iter().cloned()))
                .and_where(Expr::col("kind").is_in(["town_zone", "department_town"])),
        )
        .await?;
    data.grids = grids
        .into_iter()
        .filter_map(|(id, name, kind, region, department)| {
            let key = match (kind.as_str(), department) {
                ("town_zone", _) => GridKey::Zone(region),
                ("department_town", Some(d)) => GridKey::DepartmentTown(d, region),
                _ => return None,
            };
            Some((key, (id, name)))
        })
        .collect();
    Ok(())
}

/// The departments supervising each unit `u` matching `units_in`.
pub(crate) async fn departments_of(
    conn: &mut Conn<'_>,
    units_in: Cond,
) -> Result<HashMap<i64, Vec<i64>>> {
    let links: Vec<(i64, i64)> = conn
        .all(
            Query::select()
                .columns([("ud", "unit_id"), ("ud", "department_id")])
                .from_as("unit_departments", "ud")
                .join_as(
                    JoinType::InnerJoin,
                    "units",
                    "u",
                    Expr::col(("u", "id")).equals(("ud", "unit_id")),
                )
                .cond_where(units_in),
        )
        .await?;
    let mut departments_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (unit, department) in links {
        departments_of.entry(unit).or_default().push(department);
    }
    Ok(departments_of)
}
