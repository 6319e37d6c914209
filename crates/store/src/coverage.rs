//! The coverage audit (监管无盲区, R-PRIN-1): every unit not placed in a village, every unit no
//! department supervises, and every grid whose required posts are not filled, with the reason.

use crate::db::Store;
use crate::{Result, scope};
use safegrid_domain::access::Actor;
use safegrid_domain::org::StaffingGap;
use sea_query::{Cond, Expr, ExprTrait, Order, Query};
use serde::Serialize;

/// Rows of each kind looked at, at most (a county has a handful; a broken import could have
/// thousands, and the first thousand say enough).
const LIMIT: u64 = 1_000;

/// What breaks the rule.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageObject {
    /// `unit` or `grid`
    #[serde(rename = "type")]
    pub object_type: &'static str,
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CoverageItem {
    /// unit_without_village, unit_without_department, grid_understaffed
    pub kind: &'static str,
    pub object: CoverageObject,
    /// A message key; `gaps` carries the detail of an understaffed grid.
    pub reason: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<StaffingGap>,
}

impl Store {
    /// Everything in scope that breaks full coverage, units first.
    pub async fn coverage(&self, actor: &Actor) -> Result<Vec<CoverageItem>> {
        let mut items = Vec::new();
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let no_village: Vec<(i64, String)> = conn
            .all(
                Query::select()
                    .columns([("u", "id"), ("u", "name")])
                    .from_as("units", "u")
                    .cond_where(scope::units(&actor.scope))
                    .and_where(Expr::col(("u", "region_code")).is_null())
                    .and_where(Expr::col(("u", "status")).ne("closed"))
                    .order_by(("u", "id"), Order::Asc)
                    .limit(LIMIT),
            )
            .await?;
        items.extend(no_village.into_iter().map(|(id, name)| CoverageItem {
            kind: "unit_without_village",
            object: CoverageObject {
                object_type: "unit",
                id,
                name,
            },
            reason: "coverage.reason.unit_without_village",
            gaps: Vec::new(),
        }));
        let unsupervised: Vec<(i64, String)> = conn
            .all(
                Query::select()
                    .columns([("u", "id"), ("u", "name")])
                    .from_as("units", "u")
                    .cond_where(scope::units(&actor.scope))
                    .and_where(Expr::col(("u", "status")).ne("closed"))
                    .cond_where(
                        Cond::all().not().add(Expr::exists(
                            Query::select()
                                .expr(Expr::val(1))
                                .from_as("unit_departments", "ud")
                                .and_where(Expr::col(("ud", "unit_id")).equals(("u", "id")))
                                .to_owned(),
                        )),
                    )
                    .order_by(("u", "id"), Order::Asc)
                    .limit(LIMIT),
            )
            .await?;
        items.extend(unsupervised.into_iter().map(|(id, name)| CoverageItem {
            kind: "unit_without_department",
            object: CoverageObject {
                object_type: "unit",
                id,
                name,
            },
            reason: "coverage.reason.unit_without_department",
            gaps: Vec::new(),
        }));
        drop(c);
        let filter = crate::GridFilter {
            gaps_only: true,
            ..Default::default()
        };
        // Every understaffed grid, a page at a time (a province has more than one page).
        let mut page = 1;
        loop {
            let grids = self
                .grids(
                    actor,
                    &filter,
                    crate::PageRequest::new(Some(page), Some(crate::PageRequest::MAX_PER_PAGE)),
                )
                .await?;
            let pages = grids.pages();
            items.extend(grids.items.into_iter().map(|g| CoverageItem {
                kind: "grid_understaffed",
                object: CoverageObject {
                    object_type: "grid",
                    id: g.grid.id,
                    name: g.grid.name,
                },
                reason: "coverage.reason.grid_understaffed",
                gaps: g.gaps,
            }));
            if page >= pages {
                break;
            }
            page += 1;
        }
        Ok(items)
    }
}
