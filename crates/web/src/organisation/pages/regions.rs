//! The division tree: the top of the user's scope, and a division's page with what sits
//! under it (a county's towns, a town's villages and zones) and its grids.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::organisation::GridQuery;
use crate::pages::{Chrome, Pager, query_of, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_domain::org::{GridKind, default_posts};
use safegrid_domain::region::RegionLevel;
use safegrid_domain::time::today;
use safegrid_store::{GridFilter, GridListItem, LedgerFilter, PageRequest, Region, RegionNode};

/// A town's responsibility zone as one row: its village and who holds each of its posts.
pub struct ZoneRow {
    pub grid_id: i64,
    pub village: String,
    /// Holders' names per post, in the order of the zone's posts (empty: vacant).
    pub holders: Vec<Vec<String>>,
}

impl ZoneRow {
    pub fn short(&self) -> bool {
        self.holders.iter().any(Vec::is_empty)
    }
}

/// The zones of a town with their people, from the ledger (one query for the whole town).
async fn zones(state: &AppState, user: &PageUser, town: &str) -> Result<Vec<ZoneRow>, WebError> {
    let filter = LedgerFilter {
        grids: GridFilter {
            region: Some(town.to_owned()),
            kind: Some(GridKind::TownZone.as_str().into()),
            ..Default::default()
        },
        ..Default::default()
    };
    let lines = state
        .store
        .ledger_all(&user.actor, &filter, today(), 5_000)
        .await?;
    let posts: Vec<&str> = default_posts(GridKind::TownZone)
        .iter()
        .map(|r| r.post.as_str())
        .collect();
    let mut rows: Vec<ZoneRow> = Vec::new();
    for line in lines {
        if rows.last().map(|r| r.grid_id) != Some(line.grid_id) {
            rows.push(ZoneRow {
                grid_id: line.grid_id,
                village: line.region_name.clone(),
                holders: vec![Vec::new(); posts.len()],
            });
        }
        if let (Some(row), Some(i), Some(name)) = (
            rows.last_mut(),
            posts.iter().position(|p| line.post_kind == *p),
            line.person_name,
        ) {
            row.holders[i].push(name);
        }
    }
    Ok(rows)
}

#[derive(Template)]
#[template(path = "region.html")]
struct RegionPage {
    t: Tr,
    chrome: Chrome,
    region: Region,
    trail: Vec<Region>,
    children: Vec<RegionNode>,
    grids: Vec<GridListItem>,
    pager: Pager,
    kind: String,
    grid_kinds: Vec<(&'static str, String)>,
    zones: Vec<ZoneRow>,
    zone_posts: Vec<String>,
}

/// `/regions`: straight to the top of the user's scope.
pub async fn top(State(state): State<AppState>, user: PageUser) -> Result<Response, WebError> {
    let roots = state.store.region_children(&user.actor, None).await?;
    match roots.first() {
        Some(root) => Ok(Redirect::to(&format!("/regions/{}", root.code)).into_response()),
        None => Err(WebError::NotFound),
    }
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(code): Path<String>,
    QueryArgs(q): QueryArgs<GridQuery>,
) -> Result<Response, WebError> {
    let region = state.store.region(&user.actor, &code).await?;
    let trail = state.store.region_trail(&user.actor, &code).await?;
    let children = state
        .store
        .region_children(&user.actor, Some(&code))
        .await?;
    // The division's grids, filtered as the grid list is; the division is the path's.
    let pager_base = query_of(&GridQuery {
        region: None,
        ..q.clone()
    });
    let filter = GridQuery {
        region: Some(region.code.clone()),
        ..q.clone()
    }
    .filter()?;
    let grids = state
        .store
        .grids(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let pager = Pager::new(&grids, pager_base);
    let zones = if region.level == RegionLevel::Town.number() {
        zones(&state, &user, &region.code).await?
    } else {
        Vec::new()
    };
    let zone_posts = default_posts(GridKind::TownZone)
        .iter()
        .map(|r| t.label("post", r.post.as_str()))
        .collect();
    let grid_kinds = GridKind::ALL
        .iter()
        .map(|k| (k.as_str(), t.label("grid_kind", k.as_str())))
        .collect();
    render(&RegionPage {
        chrome: Chrome::new(&t, &user, "regions"),
        t,
        region,
        trail,
        children,
        grids: grids.items,
        pager,
        kind: q.kind.unwrap_or_default(),
        grid_kinds,
        zones,
        zone_posts,
    })
}

/// Who holds a post, as the chart shows it: the post's label and its holders ("name phone").
pub struct PostNames {
    pub label: String,
    pub names: Vec<String>,
}

/// One village in the town's structure: its zone's posts and its own grid's posts.
pub struct VillageBox {
    pub code: String,
    pub name: String,
    pub zone_grid: Option<i64>,
    pub zone: Vec<PostNames>,
    pub village_grid: Option<i64>,
    pub village: Vec<PostNames>,
}

impl VillageBox {
    /// Holders of one post of the village's own grid or its zone, for the registration form.
    pub fn holders(&self, post: &str, t: &Tr) -> String {
        let label = t.label("post", post);
        self.zone
            .iter()
            .chain(self.village.iter())
            .filter(|p| p.label == label)
            .flat_map(|p| p.names.iter().cloned())
            .collect::<Vec<_>>()
            .join("、")
    }
}

#[derive(Template)]
#[template(path = "structure.html")]
struct StructurePage {
    t: Tr,
    chrome: Chrome,
    region: Region,
    town: Vec<PostNames>,
    villages: Vec<VillageBox>,
    as_of: chrono::NaiveDate,
}

fn push_line(posts: &mut Vec<PostNames>, t: &Tr, line: &safegrid_store::LedgerLine) {
    let label = t.label("post", line.post_kind);
    let name = match (&line.person_name, &line.phone) {
        (Some(n), Some(p)) => Some(format!("{n} {p}")),
        (Some(n), None) => Some(n.clone()),
        _ => None,
    };
    match posts.iter_mut().find(|p| p.label == label) {
        Some(p) => p.names.extend(name),
        None => posts.push(PostNames {
            label,
            names: name.into_iter().collect(),
        }),
    }
}

/// `/regions/{town}/structure`: the town's grid structure chart (镇安全管理网格结构图) and the
/// registration form of the villages' responsible people (网格责任人备案登记表), for print.
pub async fn structure(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(code): Path<String>,
) -> Result<Response, WebError> {
    let region = state.store.region(&user.actor, &code).await?;
    if region.level != RegionLevel::Town.number() {
        return Err(WebError::NotFound);
    }
    let as_of = today();
    let filter = LedgerFilter {
        grids: GridFilter {
            region: Some(region.code.clone()),
            ..Default::default()
        },
        ..Default::default()
    };
    let lines = state
        .store
        .ledger_all(&user.actor, &filter, as_of, 20_000)
        .await?;
    let mut town = Vec::new();
    let mut villages: Vec<VillageBox> = state
        .store
        .region_children(&user.actor, Some(&region.code))
        .await?
        .into_iter()
        .map(|c| VillageBox {
            code: c.code,
            name: c.name,
            zone_grid: None,
            zone: Vec::new(),
            village_grid: None,
            village: Vec::new(),
        })
        .collect();
    for line in &lines {
        let kind = Some(line.grid_kind);
        match kind {
            Some(GridKind::Town) => push_line(&mut town, &t, line),
            Some(GridKind::TownZone) | Some(GridKind::Village) => {
                if let Some(v) = villages.iter_mut().find(|v| v.code == line.region_code) {
                    if kind == Some(GridKind::TownZone) {
                        v.zone_grid = Some(line.grid_id);
                        push_line(&mut v.zone, &t, line);
                    } else {
                        v.village_grid = Some(line.grid_id);
                        push_line(&mut v.village, &t, line);
                    }
                }
            }
            _ => {}
        }
    }
    render(&StructurePage {
        chrome: Chrome::new(&t, &user, "regions"),
        t,
        region,
        town,
        villages,
        as_of,
    })
}
