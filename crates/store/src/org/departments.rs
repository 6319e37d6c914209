use crate::audit::{Event, now};
use crate::db::{Conn, Store};
use crate::insert;
use crate::{Department, DepartmentSector, Result, StoreError, scope};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::org::GridKind;
use safegrid_domain::org::input::NewDepartment;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::region::RegionLevel;
use sea_query::{Expr, ExprTrait, JoinType, Order, Query, SelectStatement};
use serde_json::json;

fn department_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(
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
    .from_as("departments", "d");
    q
}

impl Store {
    /// The departments of the account's county, committee office first.
    pub async fn departments(&self, actor: &Actor) -> Result<Vec<Department>> {
        let mut q = department_select();
        q.cond_where(scope::county_column(&actor.scope, ("d", "county_code")))
            .order_by(("d", "sort_order"), Order::Asc)
            .order_by(("d", "id"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// The departments an account administrator may give accounts to: those of every county
    /// the deployment serves (its administrators set up the accounts of all of them), and to
    /// nobody else.
    pub async fn departments_to_assign(&self, actor: &Actor) -> Result<Vec<Department>> {
        if !may(actor, Verb::Write, Object::Account) {
            return Err(crate::StoreError::Forbidden);
        }
        let mut q = department_select();
        q.order_by(("d", "county_code"), Order::Asc)
            .order_by(("d", "sort_order"), Order::Asc)
            .order_by(("d", "id"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    pub async fn department(&self, actor: &Actor, id: i64) -> Result<Department> {
        let mut q = department_select();
        q.and_where(Expr::col(("d", "id")).eq(id))
            .cond_where(scope::county_column(&actor.scope, ("d", "county_code")));
        let mut c = self.read().await?;
        c.conn().one(&q).await
    }

    /// The sectors supervised by the given departments (one query for a whole list).
    pub async fn department_sectors(
        &self,
        department_ids: &[i64],
    ) -> Result<Vec<DepartmentSector>> {
        if department_ids.is_empty() {
            return Ok(Vec::new());
        }
        let mut q = Query::select();
        q.columns([("ds", "department_id")])
            .columns([("s", "code"), ("s", "name_zh"), ("s", "name_en")])
            .from_as("department_sectors", "ds")
            .join_as(
                JoinType::InnerJoin,
                "sectors",
                "s",
                Expr::col(("s", "code")).equals(("ds", "sector_code")),
            )
            .and_where(Expr::col(("ds", "department_id")).is_in(department_ids.iter().copied()))
            .order_by(("ds", "department_id"), Order::Asc)
            .order_by(("s", "sort_order"), Order::Asc);
        let mut c = self.read().await?;
        c.conn().all(&q).await
    }

    /// Adds a department to a county, with its supervision grid in every town of the county.
    pub async fn create_department(
        &self,
        actor: &Actor,
        input: NewDepartment,
    ) -> Result<Department> {
        if !may(actor, Verb::Write, Object::Organisation) {
            return Err(StoreError::Forbidden);
        }
        let county = input.county.clone();
        let name = input.name.clone();
        let short = input.short_name.clone();

        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let county_region = super::regions::find_region(&mut conn, actor, &county).await?;
        if county_region.map(|r| r.level) != Some(RegionLevel::County.number()) {
            return Err(Invalid::one("county_code", "error.county_unknown").into());
        }
        let known: Vec<(String,)> = conn
            .all(
                Query::select()
                    .column("code")
                    .from("sectors")
                    .and_where(Expr::col("code").is_in(input.sectors.iter().map(String::as_str))),
            )
            .await?;
        if let Some(bad) = input
            .sectors
            .iter()
            .find(|s| !known.iter().any(|k| &k.0 == *s))
        {
            return Err(Violation::new("sectors", "error.sector_unknown")
                .with("code", bad)
                .into());
        }
        let id = conn
            .insert_id(
                insert::row(
                    "departments",
                    [
                        ("county_code", county.as_str().into()),
                        ("name", name.clone().into()),
                        ("short_name", short.clone().into()),
                        ("is_committee_office", input.is_committee_office.into()),
                        ("sort_order", input.sort_order.into()),
                        ("created_at", now().into()),
                    ],
                )
                .returning_col("id"),
            )
            .await
            .map_err(|e| e.unique_as("name", "error.department_taken"))?;
        for sector in &input.sectors {
            conn.insert(insert::row(
                "department_sectors",
                [
                    ("department_id", id.into()),
                    ("sector_code", sector.as_str().into()),
                    ("county_code", county.as_str().into()),
                ],
            ))
            .await?;
        }
        // A grid for this department in every town-level division of the county.
        let towns: Vec<(String, String)> = conn
            .all(
                Query::select()
                    .columns(["code", "name"])
                    .from("regions")
                    .and_where(Expr::col("county_code").eq(county.as_str()))
                    .and_where(Expr::col("level").eq(RegionLevel::Town.number()))
                    .order_by("code", Order::Asc),
            )
            .await?;
        for (town_code, town_name) in &towns {
            let grid_name = format!("{town_name} · {short}");
            super::grids::insert_grid(
                &mut conn,
                county.as_str(),
                GridKind::DepartmentTown,
                &grid_name,
                town_code,
                Some(id),
            )
            .await?;
        }
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "department.create",
                object_type: "department",
                object_id: Some(id.to_string()),
                detail: json!({ "name": name, "sectors": input.sectors, "grids": towns.len() }),
                outcome: "ok",
            },
        )
        .await?;
        self.department(&Actor::system(), id).await
    }
}

/// Gives every department of the county a grid in a newly added town.
pub(crate) async fn add_department_grids_for_town(
    conn: &mut Conn<'_>,
    county: &str,
    town_code: &str,
    town_name: &str,
) -> Result<()> {
    let departments: Vec<(i64, String)> = conn
        .all(
            Query::select()
                .columns(["id", "short_name"])
                .from("departments")
                .and_where(Expr::col("county_code").eq(county))
                .order_by("id", Order::Asc),
        )
        .await?;
    for (id, short) in departments {
        let name = format!("{town_name} · {short}");
        super::grids::insert_grid(
            conn,
            county,
            GridKind::DepartmentTown,
            &name,
            town_code,
            Some(id),
        )
        .await?;
    }
    Ok(())
}
