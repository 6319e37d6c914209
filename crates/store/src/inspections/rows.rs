//! Inspections as they are read: the inspection with its unit's and department's names, and
//! its checklist items.

use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::duty::PartyKind;
use safegrid_domain::inspection::ItemResult;
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

/// An inspection of a unit.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub county_code: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// The unit's village when it was inspected.
    pub region_code: String,
    pub region_name: Option<String>,
    /// Whose duty it discharges: the unit's town or a department.
    #[sqlx(try_from = "String")]
    pub party: PartyKind,
    pub department_id: Option<i64>,
    pub department_name: Option<String>,
    /// The unit's town, whose duty a town's inspection discharges.
    pub town_name: Option<String>,
    pub inspected_on: NaiveDate,
    pub enforcement: bool,
    /// The inspectors' names.
    #[sqlx(try_from = "String")]
    #[schema(value_type = Vec<String>)]
    pub inspectors: Names,
    pub summary: Option<String>,
    pub created_at: DateTime<Utc>,
    /// How many hazards its findings entered in the ledger.
    pub findings: i64,
    /// How many enforcement documents were issued from it.
    pub documents: i64,
}

/// Names kept as a JSON array in one column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Names(pub Vec<String>);

impl TryFrom<String> for Names {
    type Error = serde_json::Error;
    fn try_from(stored: String) -> Result<Self, Self::Error> {
        serde_json::from_str(&stored).map(Names)
    }
}

/// One checklist item as it was inspected.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct InspectionItem {
    pub position: i32,
    pub checklist_item_id: Option<i64>,
    pub item: String,
    #[sqlx(try_from = "String")]
    pub result: ItemResult,
    pub note: Option<String>,
}

/// An inspection with its items and the hazards it found.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InspectionDetail {
    #[serde(flatten)]
    pub inspection: Inspection,
    pub items: Vec<InspectionItem>,
    /// The hazards entered in the ledger from its findings, in the order given.
    pub hazard_ids: Vec<i64>,
    /// The enforcement documents issued from it, in the order issued.
    pub document_ids: Vec<i64>,
}

/// The select every read of an inspection starts from (`i` the inspection).
pub(super) fn select() -> SelectStatement {
    let mut q = Query::select()
        .columns(
            [
                "id",
                "county_code",
                "unit_id",
                "region_code",
                "party",
                "department_id",
                "inspected_on",
                "enforcement",
                "inspectors",
                "summary",
                "created_at",
            ]
            .map(|c| ("i", c)),
        )
        .expr_as(
            Expr::cust("(SELECT COUNT(*) FROM hazards h WHERE h.inspection_id = i.id)"),
            "findings",
        )
        .expr_as(
            Expr::cust(
                "(SELECT COUNT(*) FROM enforcement_documents e WHERE e.inspection_id = i.id)",
            ),
            "documents",
        )
        .from_as("inspections", "i")
        .to_owned();
    with_names(&mut q);
    q
}

/// Joins the names every read of an inspection (`i`) shows onto a select that reads from `i`:
/// its unit (`u`), village (`r`), department (`d`) and town (`tn`).
pub(super) fn with_names(q: &mut SelectStatement) {
    q.expr_as(Expr::col(("u", "name")), "unit_name")
        .expr_as(Expr::col(("r", "name")), "region_name")
        .expr_as(Expr::col(("d", "name")), "department_name")
        .expr_as(Expr::col(("tn", "name")), "town_name")
        .join_as(
            JoinType::InnerJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("i", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("i", "region_code")),
        )
        .join_as(
            JoinType::LeftJoin,
            "departments",
            "d",
            Expr::col(("d", "id")).equals(("i", "department_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "tn",
            Expr::col(("tn", "code")).equals(("i", "town_code")),
        );
}
