//! The ledger in figures: the statistics API (`/api/v1/stats/hazards`) and the dashboard page
//! (驾驶舱) that draws it with ECharts, for the county and each town.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use safegrid_domain::access::Actor;
use safegrid_domain::hazard::stats::{FoundWindow, StatsGroup, on_time_percent};
use safegrid_domain::region::RegionCode;
use safegrid_store::HazardStat;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// What the statistics count and how they group it.
pub struct StatsQuery {
    /// town, village, department, sector, month, state or source
    pub group: Option<String>,
    /// A town or village (12 digits): hazards found there.
    pub region: Option<String>,
    /// Found on or after (YYYY-MM-DD).
    pub from: Option<String>,
    /// Found on or before (YYYY-MM-DD).
    pub to: Option<String>,
}

/// What a query asked, checked.
pub(crate) struct Asked {
    pub group: StatsGroup,
    pub region: Option<RegionCode>,
    pub window: FoundWindow,
}

/// A query value given, trimmed; none when absent or blank.
fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl StatsQuery {
    /// Every value checked, each refusal naming its field; the group is required.
    pub(crate) fn asked(&self) -> Result<Asked, WebError> {
        let mut errors = safegrid_domain::Invalid::default();
        let group = match given(&self.group) {
            Some(g) => errors.keep(StatsGroup::parse("group", g)),
            None => {
                errors.push(safegrid_domain::invalid::Violation::new(
                    "group",
                    "error.required",
                ));
                None
            }
        };
        let region = given(&self.region).and_then(|r| errors.keep(RegionCode::parse("region", r)));
        let window = match FoundWindow::parse(given(&self.from), given(&self.to)) {
            Ok(w) => Some(w),
            Err(e) => {
                e.0.into_iter().for_each(|v| errors.push(v));
                None
            }
        };
        errors.into_result()?;
        match (group, window) {
            (Some(group), Some(window)) => Ok(Asked {
                group,
                region,
                window,
            }),
            _ => Err(WebError::Internal),
        }
    }
}

/// One row of the statistics as the API answers it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct StatRow {
    /// The town's or village's code, the department's id, the sector's code, the month
    /// (`2026-11`), the state or the source; empty for hazards without one.
    pub key: String,
    /// The key by name, in the reader's language.
    pub label: String,
    /// Every hazard in the row, whatever its state (as the ledger counts them).
    pub total: i64,
    /// Not yet closed or rejected.
    pub open: i64,
    /// Open with the deadline passed.
    pub overdue: i64,
    /// Verified and closed (销号).
    pub closed: i64,
    /// Closed on or before the deadline day.
    pub closed_on_time: i64,
    /// `closed_on_time` of `closed`, in whole percent; null when none closed.
    pub on_time_percent: Option<i64>,
}

/// The statistics for the reader: counted in scope, named in the reader's language.
pub(crate) async fn stats(
    state: &AppState,
    t: &Tr,
    actor: &Actor,
    asked: &Asked,
) -> Result<Vec<StatRow>, WebError> {
    let rows = state
        .store
        .hazard_stats(actor, asked.group, asked.region.as_ref(), asked.window)
        .await?;
    let sectors = if asked.group == StatsGroup::Sector {
        state.store.sectors().await?
    } else {
        Vec::new()
    };
    Ok(rows
        .iter()
        .map(|r| StatRow {
            label: label(t, asked.group, &sectors, r),
            on_time_percent: on_time_percent(r.closed, r.closed_on_time),
            key: r.key.clone(),
            total: r.total,
            open: r.open,
            overdue: r.overdue,
            closed: r.closed,
            closed_on_time: r.closed_on_time,
        })
        .collect())
}

fn label(t: &Tr, group: StatsGroup, sectors: &[safegrid_store::Sector], r: &HazardStat) -> String {
    if r.key.is_empty() {
        return t.t(&format!("stats.none.{}", group.as_str())).to_owned();
    }
    match group {
        StatsGroup::Town | StatsGroup::Village | StatsGroup::Department => {
            r.name.clone().unwrap_or_else(|| r.key.clone())
        }
        StatsGroup::Sector => crate::ops::export::sector_name(t, sectors, &r.key),
        StatsGroup::Month => r.key.clone(),
        StatsGroup::State => t.t(&format!("hazard_state.{}", r.key)).to_owned(),
        StatsGroup::Source => t.t(&format!("hazard_source_name.{}", r.key)).to_owned(),
    }
}
