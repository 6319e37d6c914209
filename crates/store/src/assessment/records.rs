//! A scope's year counted: each record of the year (a duty fallen due, a hazard whose deadline
//! passed, an accident) tied to the parties that answer for it, and the parties' names.

use super::{Assessed, MissedHazard, YearAccident, year_filter};
use crate::db::Store;
use crate::{Result, StoreError, scope};
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::Invalid;
use safegrid_domain::access::{Actor, Scope};
use safegrid_domain::accident::AccidentLevel;
use safegrid_domain::assessment::{PartyYear, Scheme};
use safegrid_domain::duty::inspection::town_of;
use safegrid_domain::duty::{Duty, DutyState, Party, RegionCodeKey};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::time::{local_date, start_of_local_day};
use sea_query::{Expr, ExprTrait, JoinType, Order, Query};
use std::collections::{BTreeMap, HashMap};

/// A scope's year assessed: the scheme, the day, the records by party and the parties' names.
/// Kept a few seconds per scope, year and day with the duty sets it is counted from, and
/// dropped with them when duties, hazards, accidents or the scheme change: a county's year
/// is some 750,000 duties to count, and its table is what every town and department looks
/// at before an assessment.
pub(crate) struct Assessing {
    pub(super) scheme: Scheme,
    pub(super) as_of: NaiveDate,
    pub(super) records: YearRecords,
    pub(super) names: BTreeMap<Assessed, String>,
}

/// The year's records, each tied to the parties that answer for it.
#[derive(Default)]
pub(super) struct YearRecords {
    pub(super) years: HashMap<Assessed, PartyYear>,
    pub(super) missed_duties: HashMap<Assessed, Vec<Duty>>,
    pub(super) missed_unit_duties: HashMap<Assessed, BTreeMap<String, u64>>,
    pub(super) missed_hazards: HashMap<Assessed, Vec<MissedHazard>>,
    pub(super) accidents: HashMap<Assessed, Vec<YearAccident>>,
}

type HazardRow = (
    i64,
    Option<i64>,
    Option<String>,
    Option<i64>,
    String,
    NaiveDate,
    Option<DateTime<Utc>>,
);
type AccidentRow = (
    i64,
    Option<i64>,
    String,
    Option<i64>,
    String,
    String,
    DateTime<Utc>,
    Option<String>,
);

impl Store {
    /// The scope's year assessed from its records.
    pub(super) async fn assess_afresh(
        &self,
        actor: &Actor,
        year: i32,
        as_of: NaiveDate,
    ) -> Result<Assessing> {
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let scheme = self.assessment_scheme(actor).await?;
        let names = self.assessed_parties(actor, county.as_str()).await?;
        let set = self.duty_set_for(actor, &year_filter(year)).await?;
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let supervisors =
            crate::duties::departments_of(&mut conn, scope::units(&actor.scope)).await?;
        let mut records = YearRecords::default();
        // Who answers for a record: the town where it is, the unit's supervisors, and
        // `department` beside them (a hazard's referral, the department that reported an
        // accident at an unregistered site).
        let answering = |unit: Option<i64>, town: Option<&str>, department: Option<i64>| {
            let mut who: Vec<Assessed> = town
                .and_then(RegionCodeKey::new)
                .map(Assessed::Town)
                .into_iter()
                .collect();
            if let Some(departments) = unit.and_then(|u| supervisors.get(&u)) {
                who.extend(departments.iter().map(|d| Assessed::Department(*d)));
            }
            if let Some(d) = department.map(Assessed::Department)
                && !who.contains(&d)
            {
                who.push(d);
            }
            who
        };
        // Duties: a party's own, and its units' (the unit's town, its supervisors).
        for duty in &set.duties {
            if duty.state == DutyState::Due {
                continue;
            }
            let (who, own) = match duty.party {
                Party::Town { town_code } => (vec![Assessed::Town(town_code)], true),
                Party::Department { department_id } => {
                    (vec![Assessed::Department(department_id)], true)
                }
                Party::Unit { unit_id } => {
                    let town = set
                        .village_of(unit_id)
                        .and_then(RegionCodeKey::new)
                        .map(town_of);
                    (
                        answering(
                            Some(unit_id),
                            town.as_ref().map(RegionCodeKey::as_str),
                            None,
                        ),
                        false,
                    )
                }
            };
            for party in who {
                let year = records.years.entry(party).or_default();
                if own {
                    year.duties.add(duty.state);
                } else {
                    year.unit_duties.add(duty.state);
                }
                if duty.state == DutyState::Overdue {
                    if own {
                        records
                            .missed_duties
                            .entry(party)
                            .or_default()
                            .push(duty.clone());
                    } else {
                        *records
                            .missed_unit_duties
                            .entry(party)
                            .or_default()
                            .entry(duty.kind.as_str().to_owned())
                            .or_default() += 1;
                    }
                }
            }
        }
        // Hazards whose deadline passed in the year (its last day, or yesterday).
        let first = NaiveDate::from_ymd_opt(year, 1, 1).ok_or(StoreError::NotFound)?;
        let last = NaiveDate::from_ymd_opt(year, 12, 31).ok_or(StoreError::NotFound)?;
        let last = std::cmp::min(last, as_of.pred_opt().unwrap_or(as_of));
        let hazards: Vec<HazardRow> = conn
            .all(
                Query::select()
                    .column(("h", "id"))
                    .column(("h", "unit_id"))
                    .column(("h", "town_code"))
                    .column(("h", "department_id"))
                    .column(("h", "description"))
                    .column(("h", "deadline"))
                    .column(("h", "closed_at"))
                    .from_as("hazards", "h")
                    .cond_where(scope::hazards_counted(&actor.scope))
                    .and_where(Expr::col(("h", "county_code")).eq(county.as_str()))
                    .and_where(Expr::col(("h", "state")).ne("rejected"))
                    .and_where(Expr::col(("h", "deadline")).gte(first))
                    .and_where(Expr::col(("h", "deadline")).lte(last))
                    .order_by(("h", "deadline"), Order::Asc)
                    .order_by(("h", "id"), Order::Asc),
            )
            .await?;
        for (id, unit, town, department, description, deadline, closed_at) in hazards {
            let in_time = closed_at.is_some_and(|at| local_date(at) <= deadline);
            for party in answering(unit, town.as_deref(), department) {
                let year = records.years.entry(party).or_default();
                year.hazards_due += 1;
                if in_time {
                    year.hazards_closed_in_time += 1;
                } else {
                    records
                        .missed_hazards
                        .entry(party)
                        .or_default()
                        .push(MissedHazard {
                            id,
                            description: description.clone(),
                            deadline,
                            closed_at,
                        });
                }
            }
        }
        // Accidents of the year, China time.
        let next = NaiveDate::from_ymd_opt(year + 1, 1, 1).ok_or(StoreError::NotFound)?;
        let accidents: Vec<AccidentRow> = conn
            .all(
                Query::select()
                    .column(("a", "id"))
                    .column(("a", "unit_id"))
                    .column(("a", "town_code"))
                    .column(("a", "department_id"))
                    .column(("a", "level"))
                    .column(("a", "kind"))
                    .column(("a", "occurred_at"))
                    .expr(Expr::cust("COALESCE(u.name, a.unregistered_unit)"))
                    .from_as("accidents", "a")
                    .join_as(
                        JoinType::LeftJoin,
                        "units",
                        "u",
                        Expr::col(("u", "id")).equals(("a", "unit_id")),
                    )
                    .cond_where(scope::accidents(&actor.scope))
                    .and_where(Expr::col(("a", "county_code")).eq(county.as_str()))
                    .and_where(Expr::col(("a", "occurred_at")).gte(start_of_local_day(first)))
                    .and_where(Expr::col(("a", "occurred_at")).lt(start_of_local_day(next)))
                    .order_by(("a", "occurred_at"), Order::Asc),
            )
            .await?;
        for (id, unit, town, department, level, kind, occurred_at, unit_name) in accidents {
            let level = AccidentLevel::parse("level", &level).map_err(Invalid::from)?;
            // The department that reported an accident at a unit answers for it only as
            // that unit's supervisor.
            let reporter = department.filter(|_| unit.is_none());
            for party in answering(unit, Some(&town), reporter) {
                records
                    .years
                    .entry(party)
                    .or_default()
                    .accidents
                    .push(level);
                records
                    .accidents
                    .entry(party)
                    .or_default()
                    .push(YearAccident {
                        id,
                        occurred_at,
                        level,
                        kind: kind.clone(),
                        unit_name: unit_name.clone(),
                    });
            }
        }
        Ok(Assessing {
            scheme,
            as_of,
            records,
            names,
        })
    }

    /// The towns and departments the scope assesses, with their names: a county's towns and
    /// the departments that supervise units or keep grids; a town itself; a department itself.
    async fn assessed_parties(
        &self,
        actor: &Actor,
        county: &str,
    ) -> Result<BTreeMap<Assessed, String>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let mut towns = Query::select();
        towns
            .column("code")
            .column("name")
            .from("regions")
            .and_where(Expr::col("county_code").eq(county))
            .and_where(Expr::col("level").eq(RegionLevel::Town as i32));
        let mut departments = Query::select();
        departments
            .column(("d", "id"))
            .column(("d", "name"))
            .from_as("departments", "d")
            .and_where(Expr::col(("d", "county_code")).eq(county))
            .cond_where(
                sea_query::Cond::any()
                    .add(Expr::exists(
                        Query::select()
                            .expr(Expr::val(1))
                            .from_as("unit_departments", "ud")
                            .and_where(Expr::col(("ud", "department_id")).equals(("d", "id")))
                            .to_owned(),
                    ))
                    .add(Expr::exists(
                        Query::select()
                            .expr(Expr::val(1))
                            .from_as("grids", "g")
                            .and_where(Expr::col(("g", "department_id")).equals(("d", "id")))
                            .to_owned(),
                    )),
            );
        let (towns, departments) = match &actor.scope {
            Scope::Region { root } if root.level() == RegionLevel::County => {
                (Some(towns), Some(departments))
            }
            Scope::Region { root } if root.level() == RegionLevel::Town => {
                towns.and_where(Expr::col("code").eq(root.as_str()));
                (Some(towns), None)
            }
            // A department is assessed whether or not it has units or grids yet.
            Scope::Department { department_id, .. } => {
                departments = Query::select()
                    .column(("d", "id"))
                    .column(("d", "name"))
                    .from_as("departments", "d")
                    .and_where(Expr::col(("d", "id")).eq(*department_id))
                    .to_owned();
                (None, Some(departments))
            }
            // A village, a unit: nothing of theirs is assessed here.
            _ => return Err(StoreError::Forbidden),
        };
        let mut names = BTreeMap::new();
        if let Some(q) = towns {
            for (code, name) in conn.all::<(String, String)>(&q).await? {
                if let Some(key) = RegionCodeKey::new(&code) {
                    names.insert(Assessed::Town(key), name);
                }
            }
        }
        if let Some(q) = departments {
            for (id, name) in conn.all::<(i64, String)>(&q).await? {
                names.insert(Assessed::Department(id), name);
            }
        }
        Ok(names)
    }
}
