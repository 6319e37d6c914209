//! The accident ledger's rows as they are read, and the one select every read starts from.

use chrono::{DateTime, NaiveDate, Utc};
use safegrid_domain::accident::chain::{ChainParty, StepState};
use safegrid_domain::accident::{AccidentKind, AccidentLevel};
use sea_query::{Expr, ExprTrait, JoinType, Query, SelectStatement};
use serde::Serialize;
use sqlx::FromRow;

/// An accident in the ledger, with its figures as last confirmed.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct Accident {
    pub id: i64,
    pub county_code: String,
    /// The village where it happened.
    pub region_code: String,
    pub region_name: Option<String>,
    pub town_code: String,
    pub unit_id: Option<i64>,
    /// The unit's name, or the reporter's description of an unregistered site.
    pub unit_name: Option<String>,
    pub unregistered_unit: Option<String>,
    /// The unit's sector when it happened.
    pub sector_code: Option<String>,
    pub place: Option<String>,
    /// Where in the unit's own grid, when the reporter named it.
    pub node_id: Option<i64>,
    pub longitude: Option<f64>,
    pub latitude: Option<f64>,
    #[sqlx(try_from = "String")]
    pub kind: AccidentKind,
    #[sqlx(try_from = "String")]
    pub level: AccidentLevel,
    pub occurred_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub deaths: i64,
    pub missing: i64,
    pub serious_injuries: i64,
    pub direct_loss_yuan: f64,
    pub description: String,
    pub measures: Option<String>,
    pub updated_at: DateTime<Utc>,
    /// Steps of its chain not passed on in time and still open (as of reading).
    pub overdue_steps: i64,
}

/// One level's part in passing the report on.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct AccidentStep {
    pub id: i64,
    /// 1 for the first report; each raised level starts another round.
    pub round: i64,
    #[sqlx(try_from = "String")]
    pub party: ChainParty,
    /// Whom it reports to: county, city, province or state_council.
    #[sqlx(skip)]
    pub reports_to: String,
    pub due_at: DateTime<Utc>,
    pub received_at: Option<DateTime<Utc>>,
    pub forwarded_at: Option<DateTime<Utc>>,
    pub note: Option<String>,
    pub recorded_by_name: Option<String>,
    pub recorded_at: Option<DateTime<Utc>>,
    /// done, late, due or overdue (as of reading).
    #[sqlx(skip)]
    #[schema(value_type = String)]
    pub state: Option<StepState>,
    #[serde(skip)]
    pub started_at: DateTime<Utc>,
}

/// Casualties as a supplement confirmed them.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct AccidentSupplement {
    pub at: DateTime<Utc>,
    pub deaths: i64,
    pub missing: i64,
    pub serious_injuries: i64,
    pub direct_loss_yuan: f64,
    #[sqlx(try_from = "String")]
    pub level_before: AccidentLevel,
    #[sqlx(try_from = "String")]
    pub level: AccidentLevel,
    pub reason: Option<String>,
    pub recorded_by_name: Option<String>,
}

/// A photo of the scene.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct AccidentPhoto {
    pub id: i64,
    pub width: i32,
    pub height: i32,
}

/// An accident with its chain, supplements and photos.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AccidentDetail {
    #[serde(flatten)]
    pub accident: Accident,
    /// The chain the report travels, each step with its time.
    pub reports: Vec<AccidentStep>,
    pub supplements: Vec<AccidentSupplement>,
    pub photos: Vec<AccidentPhoto>,
    /// The last day a supplement is taken (30 days, 7 for road traffic and fire).
    pub supplement_until: NaiveDate,
    /// The parties whose steps this reader may record.
    pub may_record: Vec<ChainParty>,
    /// Whether this reader may add a supplement.
    pub may_supplement: bool,
}

pub(super) const COLUMNS: [&str; 22] = [
    "id",
    "county_code",
    "region_code",
    "town_code",
    "unit_id",
    "unregistered_unit",
    "sector_code",
    "place",
    "node_id",
    "longitude",
    "latitude",
    "kind",
    "level",
    "occurred_at",
    "reported_at",
    "deaths",
    "missing",
    "serious_injuries",
    "direct_loss_yuan",
    "description",
    "measures",
    "updated_at",
];

/// Accidents `a` with their unit's and village's names and the count of overdue steps at `now`.
pub(super) fn select(now: DateTime<Utc>) -> SelectStatement {
    Query::select()
        .columns(COLUMNS.iter().map(|c| ("a", *c)))
        .expr_as(
            Expr::cust("COALESCE(u.name, a.unregistered_unit)"),
            "unit_name",
        )
        .expr_as(Expr::col(("r", "name")), "region_name")
        .expr_as(
            Expr::SubQuery(
                None,
                Box::new(
                    Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from_as("accident_steps", "s")
                        .and_where(Expr::col(("s", "accident_id")).equals(("a", "id")))
                        .and_where(Expr::col(("s", "forwarded_at")).is_null())
                        .and_where(Expr::col(("s", "due_at")).lt(now))
                        .to_owned()
                        .into(),
                ),
            ),
            "overdue_steps",
        )
        .from_as("accidents", "a")
        .join_as(
            JoinType::LeftJoin,
            "units",
            "u",
            Expr::col(("u", "id")).equals(("a", "unit_id")),
        )
        .join_as(
            JoinType::LeftJoin,
            "regions",
            "r",
            Expr::col(("r", "code")).equals(("a", "region_code")),
        )
        .to_owned()
}
