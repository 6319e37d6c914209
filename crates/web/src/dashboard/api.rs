//! The statistics over the API: hazards in scope counted by town, village, department, sector,
//! month, state or source — what the dashboard's charts draw.

use super::{StatRow, StatsQuery, stats};
use crate::http::answer::ApiResult;
use crate::http::auth::ApiUser;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(hazard_stats))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HazardStats {
    pub items: Vec<StatRow>,
}

#[utoipa::path(get, path = "/stats/hazards", tag = "hazards", params(StatsQuery), security(("bearer" = [])),
    responses((status = 200, body = HazardStats, description = "Hazards in scope counted per group: `total`, `open`, `overdue`, `closed`, `closed_on_time`. Town, village, sector, month, state and source rows add up to the ledger's total; a department's row is what the ledger filtered by that department counts"),
        (status = 422, body = crate::http::error::ErrorBody)))]
async fn hazard_stats(
    State(state): State<AppState>,
    t: Tr,
    user: ApiUser,
    QueryArgs(q): QueryArgs<StatsQuery>,
) -> ApiResult<HazardStats> {
    let asked = q.asked()?;
    Ok(Json(HazardStats {
        items: stats(&state, &t, &user.actor, &asked).await?,
    }))
}
