//! A unit's checks as its unit and supervisors read them again: the list, and one check with
//! its items as found, their photos, and the findings it entered in the hazard ledger.

use super::checks::UnitCheck;
use super::find_unit;
use super::photos::{self, PhotoOf, RecordPhoto};
use crate::db::{Conn, Store};
use crate::{Page, PageRequest, Result, StoreError};
use safegrid_domain::access::Actor;
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::Serialize;
use sqlx::FromRow;

/// The checks of a unit as listed, newest first.
fn listed(unit: i64) -> sea_query::SelectStatement {
    Query::select()
        .columns(
            [
                "id",
                "unit_id",
                "kind",
                "checked_on",
                "checked_by",
                "note",
                "created_at",
            ]
            .map(|col| ("c", col)),
        )
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM unit_check_items i WHERE i.check_id = c.id)"),
            "items",
        )
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM hazards h WHERE h.check_id = c.id)"),
            "findings",
        )
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM unit_record_photos p WHERE p.check_id = c.id)"),
            "photos",
        )
        .from_as("unit_checks", "c")
        .and_where(Expr::col(("c", "unit_id")).eq(unit))
        .order_by(("c", "checked_on"), Order::Desc)
        .order_by(("c", "id"), Order::Desc)
        .to_owned()
}

/// One check of the unit, as listed.
pub(crate) async fn check_row(
    conn: &mut Conn<'_>,
    unit: i64,
    id: i64,
) -> Result<Option<UnitCheck>> {
    let mut q = listed(unit);
    q.and_where(Expr::col(("c", "id")).eq(id));
    Ok(conn.all(&q).await?.into_iter().next())
}

/// A checked item.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct CheckItemRow {
    pub position: i32,
    pub item: String,
    pub node_id: Option<i64>,
    /// ok, hazard or na
    pub result: String,
    pub note: Option<String>,
}

/// A check with its items, photos and findings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CheckDetail {
    #[serde(flatten)]
    pub check: UnitCheck,
    pub item_rows: Vec<CheckItemRow>,
    pub item_photos: Vec<RecordPhoto>,
    pub hazard_ids: Vec<i64>,
    /// The findings with what was found and where each stands.
    pub finding_rows: Vec<CheckFinding>,
}

/// A finding of a check, as entered in the hazard ledger.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct CheckFinding {
    pub id: i64,
    pub description: String,
    /// The hazard's state in the ledger.
    pub state: String,
}

impl Store {
    /// A unit's checks in scope, newest first.
    pub async fn unit_checks(
        &self,
        actor: &Actor,
        unit_id: i64,
        page: PageRequest,
    ) -> Result<Page<UnitCheck>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let q = listed(unit.id);
        conn.page(&q, page).await
    }

    /// A check of a unit in scope; a check of another unit is not found.
    pub async fn unit_check(&self, actor: &Actor, unit_id: i64, id: i64) -> Result<CheckDetail> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let unit = find_unit(&mut conn, actor, unit_id).await?;
        let check = check_row(&mut conn, unit.id, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let item_rows = conn
            .all(
                Query::select()
                    .columns(["position", "item", "node_id", "result", "note"])
                    .from("unit_check_items")
                    .and_where(Expr::col("check_id").eq(id))
                    .order_by("position", Order::Asc),
            )
            .await?;
        let item_photos = photos::of_record(
            &mut conn,
            PhotoOf::CheckItem {
                check: id,
                position: 0,
            },
        )
        .await?;
        let findings: Vec<CheckFinding> = conn
            .all(
                Query::select()
                    .columns(["id", "description", "state"])
                    .from("hazards")
                    .and_where(Expr::col("check_id").eq(id))
                    .order_by("id", Order::Asc),
            )
            .await?;
        Ok(CheckDetail {
            check,
            item_rows,
            item_photos,
            hazard_ids: findings.iter().map(|f| f.id).collect(),
            finding_rows: findings,
        })
    }
}
