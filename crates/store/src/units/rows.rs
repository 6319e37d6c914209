//! The unit ledger's rows as they are read, and the one select every read of a unit starts
//! from.

use chrono::{DateTime, Utc};
use safegrid_domain::invalid::Violation;
use safegrid_domain::unit::grade::{Grade, Reason};
use safegrid_domain::unit::record::UnitStatus;
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Unit {
    pub id: i64,
    pub county_code: String,
    pub name: String,
    pub uscc: Option<String>,
    pub no_uscc_reason: Option<String>,
    pub legal_rep: Option<String>,
    pub principal: Option<String>,
    pub safety_manager: Option<String>,
    pub phone: Option<String>,
    pub address: Option<String>,
    /// The village code.
    #[sqlx(rename = "region_code")]
    pub region: Option<String>,
    pub region_name: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    pub industry_code: Option<String>,
    pub sector_code: Option<String>,
    pub approving_department_id: Option<i64>,
    pub employees: Option<i32>,
    pub standardisation: Option<String>,
    #[sqlx(try_from = "String")]
    pub status: UnitStatus,
    #[sqlx(try_from = "String")]
    pub supervision_grade: Grade,
    #[sqlx(try_from = "String")]
    pub suggested_grade: Grade,
    pub grade_override_reason: Option<String>,
    pub is_key: bool,
    pub key_reason: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// When it entered the census: none of its records is dated before.
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct UnitChange {
    pub field: String,
    pub value: String,
    pub reason: Option<String>,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    #[serde(flatten)]
    pub unit: Unit,
    pub supervising_departments: Vec<crate::Department>,
    /// Why the rule suggests its grade (message keys with values).
    #[schema(value_type = Vec<Object>)]
    pub grade_reasons: Vec<Reason>,
    pub history: Vec<UnitChange>,
    /// What is worth a second look though accepted (a USCC registered in another province).
    #[schema(value_type = Vec<Object>)]
    pub warnings: Vec<Violation>,
}

pub(super) const UNIT_COLUMNS: [&str; 26] = [
    "id",
    "county_code",
    "name",
    "uscc",
    "no_uscc_reason",
    "legal_rep",
    "principal",
    "safety_manager",
    "phone",
    "address",
    "region_code",
    "longitude",
    "latitude",
    "industry_code",
    "sector_code",
    "approving_department_id",
    "employees",
    "standardisation",
    "status",
    "supervision_grade",
    "suggested_grade",
    "grade_override_reason",
    "is_key",
    "key_reason",
    "updated_at",
    "created_at",
];

pub(super) fn unit_select() -> SelectStatement {
    let mut q = Query::select();
    q.columns(UNIT_COLUMNS.map(|c| ("u", c)))
        .expr_as(Expr::col(("r", "name")), "region_name")
        .from_as("units", "u")
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("u", "region_code")),
        );
    q
}
