//! Grid plans (网格化安全管理方案, R-GRID-8): who has filed, on time, late or not at all.

use crate::audit::{Event, now};
use crate::db::Store;
use crate::insert;
use crate::{Result, StoreError, scope};
use chrono::NaiveDate;
use safegrid_domain::access::{Actor, Role, Scope};
use safegrid_domain::invalid::Violation;
use safegrid_domain::org::input::NewGridPlan;
use safegrid_domain::plan::plan_state;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::{RegionCode, RegionLevel};
use safegrid_domain::tenure::parse_date;
use sea_query::{Expr, ExprTrait, OnConflict, Order, Query};
use serde::Serialize;
use serde_json::json;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct GridPlan {
    pub id: i64,
    pub county_code: String,
    pub department_id: Option<i64>,
    pub region_code: Option<String>,
    pub title: String,
    pub filed_on: NaiveDate,
    pub note: Option<String>,
}

/// One department or town and where it stands with its plan.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanOwner {
    /// `department` or `town`.
    pub owner_kind: &'static str,
    pub department_id: Option<i64>,
    pub region_code: Option<String>,
    pub name: String,
    /// filed, filed_late, missing, pending
    pub state: &'static str,
    pub first_filed_on: Option<NaiveDate>,
    pub latest: Option<GridPlan>,
    pub filings: i64,
}

/// Every owner in scope with its plan state, and the county's deadline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanBoard {
    pub due_on: Option<NaiveDate>,
    pub owners: Vec<PlanOwner>,
}

impl Store {
    /// The plan board of the account's part of the county.
    pub async fn plan_board(&self, actor: &Actor, today: NaiveDate) -> Result<PlanBoard> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let county_cond = scope::county_column(&actor.scope, ("x", "county_code"));
        let departments: Vec<(i64, String)> = match &actor.scope {
            Scope::Department { department_id, .. } => {
                conn.all(
                    Query::select()
                        .columns([("x", "id"), ("x", "name")])
                        .from_as("departments", "x")
                        .and_where(Expr::col(("x", "id")).eq(*department_id)),
                )
                .await?
            }
            Scope::Region { root } if root.level() > RegionLevel::County => Vec::new(),
            // A unit files no grid plan and sees none of the county's.
            Scope::Unit { .. } | Scope::Administration => {
                return Ok(PlanBoard {
                    due_on: None,
                    owners: Vec::new(),
                });
            }
            _ => {
                conn.all(
                    Query::select()
                        .columns([("x", "id"), ("x", "name")])
                        .from_as("departments", "x")
                        .cond_where(county_cond.clone())
                        .order_by(("x", "sort_order"), Order::Asc)
                        .order_by(("x", "id"), Order::Asc),
                )
                .await?
            }
        };
        let towns: Vec<(String, String)> = match &actor.scope {
            Scope::Department { .. } => Vec::new(),
            _ => {
                conn.all(
                    Query::select()
                        .columns([("x", "code"), ("x", "name")])
                        .from_as("regions", "x")
                        .and_where(Expr::col(("x", "level")).eq(RegionLevel::Town.number()))
                        .cond_where(scope::region_column(&actor.scope, ("x", "code")))
                        .order_by(("x", "sort_order"), Order::Asc)
                        .order_by(("x", "code"), Order::Asc),
                )
                .await?
            }
        };
        let plans: Vec<GridPlan> = conn
            .all(
                Query::select()
                    .columns(
                        [
                            "id",
                            "county_code",
                            "department_id",
                            "region_code",
                            "title",
                            "filed_on",
                            "note",
                        ]
                        .map(|c| ("x", c)),
                    )
                    .from_as("grid_plans", "x")
                    .cond_where(county_cond.clone())
                    .order_by(("x", "filed_on"), Order::Asc)
                    .order_by(("x", "id"), Order::Asc),
            )
            .await?;
        let due_on: Option<NaiveDate> = match actor.scope.county() {
            Some(county) => conn
                .optional::<(NaiveDate,)>(
                    Query::select()
                        .column("due_on")
                        .from("plan_deadlines")
                        .and_where(Expr::col("county_code").eq(county.as_str())),
                )
                .await?
                .map(|r| r.0),
            None => None,
        };
        let owner = |kind: &'static str,
                     department_id: Option<i64>,
                     region_code: Option<String>,
                     name: String| {
            let filed: Vec<&GridPlan> = plans
                .iter()
                .filter(|p| p.department_id == department_id && p.region_code == region_code)
                .collect();
            let first_filed_on = filed.first().map(|p| p.filed_on);
            PlanOwner {
                owner_kind: kind,
                state: plan_state(first_filed_on, due_on, today).as_str(),
                first_filed_on,
                latest: filed.last().map(|p| (*p).clone()),
                filings: i64::try_from(filed.len()).unwrap_or(i64::MAX),
                department_id,
                region_code,
                name,
            }
        };
        let mut owners: Vec<PlanOwner> = departments
            .into_iter()
            .map(|(id, name)| owner("department", Some(id), None, name))
            .collect();
        owners.extend(
            towns
                .into_iter()
                .map(|(code, name)| owner("town", None, Some(code), name)),
        );
        Ok(PlanBoard { due_on, owners })
    }

    /// Files a department's or town's grid plan (a revision is another filing; all are kept).
    pub async fn file_plan(&self, actor: &Actor, input: NewGridPlan) -> Result<GridPlan> {
        let NewGridPlan {
            title,
            filed_on,
            note,
            ..
        } = input;

        // Whose plan: the account's own department or town, or the owner the county names.
        let (department_id, region_code) = match (&actor.scope, actor.role) {
            (Scope::Department { department_id, .. }, Role::DepartmentStaff) => {
                (Some(*department_id), None)
            }
            (Scope::Region { root }, Role::TownStaff) if root.level() == RegionLevel::Town => {
                (None, Some(root.to_string()))
            }
            // The county files for any department or town.
            _ if may(actor, Verb::Write, Object::Organisation) => {
                match (input.department_id, input.region_code.as_deref()) {
                    (Some(d), None) => {
                        self.department(actor, d).await.map_err(|_| {
                            StoreError::from(Violation::new(
                                "department_id",
                                "error.department_unknown",
                            ))
                        })?;
                        (Some(d), None)
                    }
                    (None, Some(code)) => {
                        let region = self.region(actor, code).await.map_err(|_| {
                            StoreError::from(Violation::new("region_code", "error.region_unknown"))
                        })?;
                        if region.level != RegionLevel::Town.number() {
                            return Err(
                                Violation::new("region_code", "error.plan_owner_town").into()
                            );
                        }
                        (None, Some(region.code))
                    }
                    _ => return Err(Violation::new("owner", "error.plan_owner").into()),
                }
            }
            _ => return Err(StoreError::Forbidden),
        };
        let county = match (&region_code, department_id) {
            (Some(code), _) => RegionCode::parse("region_code", code)?
                .county()
                .map(|c| c.to_string()),
            (None, Some(d)) => Some(self.department(&Actor::system(), d).await?.county_code),
            (None, None) => None,
        }
        .ok_or(StoreError::NotFound)?;

        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let id = conn
            .insert_id(
                insert::row(
                    "grid_plans",
                    [
                        ("county_code", county.as_str().into()),
                        ("department_id", department_id.into()),
                        ("region_code", region_code.clone().into()),
                        ("title", title.clone().into()),
                        ("filed_on", filed_on.into()),
                        ("note", note.into()),
                        ("created_at", now().into()),
                        ("created_by", actor.account_id.into()),
                    ],
                )
                .returning_col("id"),
            )
            .await?;
        let plan: GridPlan = conn
            .one(
                Query::select()
                    .columns([
                        "id",
                        "county_code",
                        "department_id",
                        "region_code",
                        "title",
                        "filed_on",
                        "note",
                    ])
                    .from("grid_plans")
                    .and_where(Expr::col("id").eq(id)),
            )
            .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: &county,
                action: "plan.file",
                object_type: "grid_plan",
                object_id: Some(id.to_string()),
                detail: json!({ "department": department_id, "region": region_code, "title": title, "filed_on": filed_on }),
                outcome: "ok",
            },
        ).await?;
        Ok(plan)
    }

    /// Sets the county's deadline for filing grid plans.
    pub async fn set_plan_deadline(&self, actor: &Actor, due_on: &str) -> Result<NaiveDate> {
        if !may(actor, Verb::Write, Object::PlanDeadline) {
            return Err(StoreError::Forbidden);
        }
        let due = parse_date("due_on", due_on)?;
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        conn.insert(
            insert::row(
                "plan_deadlines",
                [
                    ("county_code", county.as_str().into()),
                    ("due_on", due.into()),
                ],
            )
            .on_conflict(
                OnConflict::column("county_code")
                    .update_column("due_on")
                    .to_owned(),
            ),
        )
        .await?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "plan.deadline",
                object_type: "plan_deadline",
                object_id: Some(county.to_string()),
                detail: json!({ "due_on": due }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(due)
    }
}
