//! The town → village choice every list page filters by. One select with a group per town
//! (the town itself, then its villages) works without script, on a phone's native picker, and
//! sends the code the API's `region` filter takes.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::state::AppState;
use safegrid_domain::region::RegionLevel;

/// A town with its villages, as a filter lists them.
pub struct TownChoice {
    pub code: String,
    pub name: String,
    pub villages: Vec<(String, String)>,
}

/// The towns and villages an account may filter by, and the one chosen.
pub struct RegionFilter {
    pub towns: Vec<TownChoice>,
    pub selected: String,
}

impl RegionFilter {
    /// A village's account has nothing to choose: its lists are its village already.
    pub async fn load(
        state: &AppState,
        user: &PageUser,
        selected: String,
    ) -> Result<RegionFilter, WebError> {
        let mut towns: Vec<TownChoice> = Vec::new();
        for region in state.store.region_choices(&user.actor).await? {
            if region.level == RegionLevel::Town as i32 {
                towns.push(TownChoice {
                    code: region.code,
                    name: region.name,
                    villages: Vec::new(),
                });
            } else if let Some(town) = towns
                .last_mut()
                .filter(|t| region.parent_code.as_deref() == Some(t.code.as_str()))
            {
                town.villages.push((region.code, region.name));
            }
        }
        Ok(RegionFilter { towns, selected })
    }

    pub fn is_empty(&self) -> bool {
        self.towns.is_empty()
    }
}

/// Where a report (a hazard, an accident) is: what its form offers to choose the unit from,
/// or the village of a site not in the census.
pub struct UnitPicker {
    /// The scope's units, listed to pick from (a village's, a unit's own).
    pub units: Vec<safegrid_store::Unit>,
    /// The units the search found (a town or the county search instead of scrolling).
    pub found: Vec<safegrid_store::Unit>,
    /// Towns with their villages, to place an unregistered site.
    pub places: Vec<TownChoice>,
    /// The chosen unit's own grid, to say where in the unit.
    pub nodes: Vec<safegrid_store::GridNode>,
    /// A village account's own village: an unregistered site is placed there.
    pub village: Option<String>,
}

impl UnitPicker {
    /// For `unit` chosen already, its grid. Otherwise the scope's units when `list` (few
    /// enough to pick from), else the units `q` finds and the towns to place a site in.
    pub async fn load(
        state: &AppState,
        user: &PageUser,
        unit: Option<&safegrid_store::Unit>,
        list: bool,
        q: &str,
    ) -> Result<UnitPicker, WebError> {
        use safegrid_store::{PageRequest, UnitFilter};
        let village = match &user.actor.scope {
            safegrid_domain::access::Scope::Region { root }
                if root.level() == RegionLevel::Village =>
            {
                Some(root.as_str().to_owned())
            }
            _ => None,
        };
        let mut picker = UnitPicker {
            units: Vec::new(),
            found: Vec::new(),
            places: Vec::new(),
            nodes: Vec::new(),
            village,
        };
        if let Some(u) = unit {
            picker.nodes = state.store.grid_nodes(&user.actor, u.id).await?;
            return Ok(picker);
        }
        if list {
            let all = PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE));
            picker.units = (state.store)
                .units(&user.actor, &UnitFilter::default(), all)
                .await?
                .items;
        } else {
            picker.places = RegionFilter::load(state, user, String::new()).await?.towns;
        }
        if picker.units.is_empty() && !q.trim().is_empty() {
            let filter = UnitFilter {
                q: Some(q.trim().to_owned()),
                ..Default::default()
            };
            let first = PageRequest::new(Some(1), Some(20));
            picker.found = state.store.units(&user.actor, &filter, first).await?.items;
        }
        Ok(picker)
    }
}
