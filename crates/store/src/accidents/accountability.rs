//! The record as of an accident, for the investigation team (R-ASSESS-2): the grids covering
//! where it happened, each post with whoever held it on that day (from the post history, not
//! today's holders), and the unit's inspections, hazards and statistics reports of the twelve
//! months before.

use super::query::find;
use super::rows::Accident;
use crate::db::Store;
use crate::org::{Grid, grid_select, holdings_of};
use crate::{Result, StoreError};
use chrono::{DateTime, Months, NaiveDate, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::org::{GridKind, PostKind};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::time::{local_date, start_of_local_day};
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sqlx::FromRow;

/// The record as of the accident's day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Accountability {
    pub accident: Accident,
    /// The accident's day (China time): holders are those of this day.
    pub as_of: NaiveDate,
    /// The first day of the twelve months whose records are listed.
    pub since: NaiveDate,
    pub grids: Vec<AccountableGrid>,
    /// The unit's own grid from its top down to the node where it happened, when the report
    /// named one: each node's responsible person as the unit keeps it now (its grid keeps no
    /// history).
    pub own_grid: Vec<crate::GridNode>,
    pub inspections: Vec<InspectionOnRecord>,
    pub hazards: Vec<HazardOnRecord>,
    pub reports: Vec<ReportOnRecord>,
}

/// A grid covering the place, with its posts as staffed on the day.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountableGrid {
    pub grid: Grid,
    pub posts: Vec<AccountablePost>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountablePost {
    #[schema(value_type = String)]
    pub kind: PostKind,
    pub duties: Option<String>,
    /// Who held the post on the day (none: it stood empty).
    pub holders: Vec<AccountableHolder>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccountableHolder {
    pub person_name: String,
    pub phone: Option<String>,
    pub job_title: Option<String>,
    pub started_on: NaiveDate,
    /// The first day no longer held, if the person has since left the post.
    pub ended_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct InspectionOnRecord {
    pub id: i64,
    pub inspected_on: NaiveDate,
    /// town or department.
    pub party: String,
    pub department_name: Option<String>,
    pub inspectors: String,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardOnRecord {
    pub id: i64,
    pub found_at: DateTime<Utc>,
    pub level: String,
    pub source: String,
    pub state: String,
    pub description: String,
    pub deadline: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct ReportOnRecord {
    pub period: String,
    pub found_general: i64,
    pub found_major: i64,
    pub closed: i64,
    pub still_open: i64,
    pub overdue: i64,
    pub submitted_at: DateTime<Utc>,
}

impl Store {
    /// The record as of accident `id` (in scope): who was responsible there on that day, and
    /// what was on record in the year before.
    pub async fn accountability(&self, actor: &Actor, id: i64) -> Result<Accountability> {
        if !may(actor, Verb::Read, Object::Accident) {
            return Err(StoreError::NotFound);
        }
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let accident = find(&mut conn, actor, id).await?;
        let as_of = local_date(accident.occurred_at);
        let since = as_of.checked_sub_months(Months::new(12)).unwrap_or(as_of);
        let mut covering = Cond::any()
            .add(
                Cond::all()
                    .add(Expr::col(("g", "kind")).eq(GridKind::County.as_str()))
                    .add(Expr::col(("g", "region_code")).eq(accident.county_code.as_str())),
            )
            .add(
                Cond::all()
                    .add(Expr::col(("g", "kind")).eq(GridKind::Town.as_str()))
                    .add(Expr::col(("g", "region_code")).eq(accident.town_code.as_str())),
            )
            .add(
                Cond::all()
                    .add(
                        Expr::col(("g", "kind"))
                            .is_in([GridKind::TownZone.as_str(), GridKind::Village.as_str()]),
                    )
                    .add(Expr::col(("g", "region_code")).eq(accident.region_code.as_str())),
            );
        if let Some(unit) = accident.unit_id {
            covering = covering.add(
                Cond::all()
                    .add(Expr::col(("g", "kind")).eq(GridKind::DepartmentTown.as_str()))
                    .add(Expr::col(("g", "region_code")).eq(accident.town_code.as_str()))
                    .add(
                        Expr::col(("g", "department_id")).in_subquery(
                            Query::select()
                                .column("department_id")
                                .from("unit_departments")
                                .and_where(Expr::col("unit_id").eq(unit))
                                .to_owned(),
                        ),
                    ),
            );
        }
        let mut q = grid_select();
        q.cond_where(covering)
            .order_by(("g", "level"), Order::Asc)
            .order_by(("g", "id"), Order::Asc);
        let found: Vec<Grid> = conn.all(&q).await?;
        type PostRow = (i64, i64, String, Option<String>);
        let posts: Vec<PostRow> = if found.is_empty() {
            Vec::new()
        } else {
            conn.all(
                Query::select()
                    .columns(["id", "grid_id", "kind", "duties"])
                    .from("posts")
                    .and_where(Expr::col("grid_id").is_in(found.iter().map(|g| g.id)))
                    .order_by("grid_id", Order::Asc)
                    .order_by("sort_order", Order::Asc),
            )
            .await?
        };
        let holdings = holdings_of(&mut conn, posts.iter().map(|p| p.0).collect()).await?;
        let grids = found
            .into_iter()
            .map(|grid| AccountableGrid {
                posts: posts
                    .iter()
                    .filter(|p| p.1 == grid.id)
                    .filter_map(|(post, _, kind, duties)| {
                        Some(AccountablePost {
                            kind: PostKind::from_word(kind)?,
                            duties: duties.clone(),
                            holders: holdings
                                .iter()
                                .filter(|h| h.post_id == *post && h.held_on(as_of))
                                .map(|h| AccountableHolder {
                                    person_name: h.person_name.clone(),
                                    phone: h.phone.clone(),
                                    job_title: h.job_title.clone(),
                                    started_on: h.started_on,
                                    ended_on: h.ended_on,
                                })
                                .collect(),
                        })
                    })
                    .collect(),
                grid,
            })
            .collect();
        let own_grid = match (accident.unit_id, accident.node_id) {
            (Some(unit), Some(node)) => own_grid_path(&mut conn, unit, node).await?,
            _ => Vec::new(),
        };
        let (inspections, hazards, reports) = match accident.unit_id {
            None => (Vec::new(), Vec::new(), Vec::new()),
            Some(unit) => {
                let inspections = conn
                    .all(
                        Query::select()
                            .columns(
                                ["id", "inspected_on", "party", "inspectors", "summary"]
                                    .map(|c| ("i", c)),
                            )
                            .expr_as(Expr::col(("d", "short_name")), "department_name")
                            .from_as("inspections", "i")
                            .join_as(
                                sea_query::JoinType::LeftJoin,
                                "departments",
                                "d",
                                Expr::col(("d", "id")).equals(("i", "department_id")),
                            )
                            .and_where(Expr::col(("i", "unit_id")).eq(unit))
                            .and_where(Expr::col(("i", "inspected_on")).gte(since))
                            .and_where(Expr::col(("i", "inspected_on")).lte(as_of))
                            .order_by(("i", "inspected_on"), Order::Desc),
                    )
                    .await?;
                // What was on record when it happened: found or filed before the accident.
                let before = accident.occurred_at;
                let hazards = conn
                    .all(
                        Query::select()
                            .columns([
                                "id",
                                "found_at",
                                "level",
                                "source",
                                "state",
                                "description",
                                "deadline",
                                "closed_at",
                            ])
                            .from("hazards")
                            .and_where(Expr::col("unit_id").eq(unit))
                            .and_where(Expr::col("found_at").gte(start_of_local_day(since)))
                            .and_where(Expr::col("found_at").lt(before))
                            .order_by("found_at", Order::Desc),
                    )
                    .await?;
                let reports = conn
                    .all(
                        Query::select()
                            .columns([
                                "period",
                                "found_general",
                                "found_major",
                                "closed",
                                "still_open",
                                "overdue",
                                "submitted_at",
                            ])
                            .from("hazard_reports")
                            .and_where(Expr::col("unit_id").eq(unit))
                            .and_where(Expr::col("submitted_at").gte(start_of_local_day(since)))
                            .and_where(Expr::col("submitted_at").lt(before))
                            .order_by("period", Order::Desc),
                    )
                    .await?;
                (inspections, hazards, reports)
            }
        };
        Ok(Accountability {
            accident,
            as_of,
            since,
            grids,
            own_grid,
            inspections,
            hazards,
            reports,
        })
    }
}

/// The unit's own-grid nodes from the top down to `node`.
async fn own_grid_path(
    conn: &mut crate::db::Conn<'_>,
    unit: i64,
    node: i64,
) -> Result<Vec<crate::GridNode>> {
    let nodes = crate::units::own_grid::nodes_of(conn, unit, true).await?;
    let mut path = Vec::new();
    let mut next = Some(node);
    // A parent is always an earlier node of the same grid; the bound guards a loop anyway.
    while let Some(id) = next
        && path.len() < nodes.len()
    {
        let Some(found) = nodes.iter().find(|n| n.id == id) else {
            break;
        };
        next = found.parent_id;
        path.push(found.clone());
    }
    path.reverse();
    Ok(path)
}
