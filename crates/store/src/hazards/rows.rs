//! The hazard ledger's rows as they are read: a hazard with its unit, its timeline, its plan,
//! and the one select every read of a hazard starts from.

use super::HazardPhoto;
use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::hazard::lifecycle::State;
use safegrid_domain::hazard::{HazardLevel, HazardSource};
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

/// A hazard in a ledger.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Hazard {
    pub id: i64,
    pub county_code: String,
    pub region_code: String,
    pub region_name: Option<String>,
    pub unit_id: Option<i64>,
    /// The unit's name, or the reporter's description of an unregistered one.
    pub unit_name: Option<String>,
    pub unregistered_unit: Option<String>,
    pub department_id: Option<i64>,
    pub node_id: Option<i64>,
    /// The node of the unit's own grid it was found at, with its responsible person.
    pub node_name: Option<String>,
    pub place: Option<String>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    #[sqlx(try_from = "String")]
    pub source: HazardSource,
    #[sqlx(try_from = "String")]
    pub level: HazardLevel,
    pub category: Option<String>,
    pub description: String,
    pub found_at: DateTime<Utc>,
    pub found_by: Option<String>,
    pub responsible_person: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub measures: Option<String>,
    pub cost_yuan: Option<f64>,
    pub made_known: bool,
    pub reported_to_supervisor_at: Option<DateTime<Utc>>,
    #[sqlx(try_from = "String")]
    pub state: State,
    pub listed: bool,
    pub listed_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
    /// Past its deadline and still open (computed on reading, on the local calendar).
    #[sqlx(skip)]
    pub overdue: bool,
}

/// One step of a hazard's way.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardEvent {
    pub at: DateTime<Utc>,
    pub actor_name: String,
    pub action: String,
    pub from_state: Option<String>,
    pub to_state: String,
    pub comment: Option<String>,
    /// A unit's own step recorded by a supervisor on the unit's behalf (代录).
    pub on_behalf: bool,
}

/// The six-part plan as filed.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct HazardPlan {
    pub goals: String,
    pub methods: String,
    pub funds: String,
    pub organisation: String,
    pub timeline: String,
    pub safety_measures: String,
    pub submitted_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HazardDetail {
    #[serde(flatten)]
    pub hazard: Hazard,
    pub timeline: Vec<HazardEvent>,
    pub plan: Option<HazardPlan>,
    pub photos: Vec<HazardPhoto>,
    /// What the reader may do now (action names).
    #[schema(value_type = Vec<String>)]
    pub actions: Vec<&'static str>,
}

/// How many hazards stand in each state, and how many are overdue.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct HazardCounts {
    pub total: i64,
    pub overdue: i64,
    #[schema(value_type = Object)]
    pub by_state: std::collections::BTreeMap<String, i64>,
}

pub(super) const COLUMNS: [&str; 28] = [
    "id",
    "county_code",
    "region_code",
    "unit_id",
    "unregistered_unit",
    "department_id",
    "node_id",
    "place",
    "longitude",
    "latitude",
    "source",
    "level",
    "category",
    "description",
    "found_at",
    "found_by",
    "responsible_person",
    "deadline",
    "measures",
    "cost_yuan",
    "made_known",
    "reported_to_supervisor_at",
    "state",
    "listed",
    "listed_at",
    "closed_at",
    "updated_at",
    "reported_by",
];

pub(super) fn select() -> SelectStatement {
    Query::select()
        .columns(COLUMNS[..27].iter().map(|c| ("h", *c)))
        .expr_as(
            Expr::cust("COALESCE(u.name, h.unregistered_unit)"),
            "unit_name",
        )
        .expr_as(Expr::col(("r", "name")), "region_name")
        .expr_as(
            Expr::cust(
                "CASE WHEN gn.id IS NULL THEN NULL ELSE gn.name || '（' || gn.person || '）' END",
            ),
            "node_name",
        )
        .from_as("hazards", "h")
        .join_as(
            JoinType::LeftJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("h", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("h", "region_code")),
        )
        .join_as(
            JoinType::LeftJoin,
            "unit_grid_nodes",
            "gn",
            Expr::col(("gn", "id")).equals(("h", "node_id")),
        )
        .to_owned()
}
