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
