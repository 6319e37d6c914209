//! The division tree: the top of the user's scope, and a division's page with what sits
//! under it (a county's towns, a town's villages and zones) and its grids.

use super::{Chrome, Pager, query_base, render};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::QueryArgs;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_store::{GridFilter, GridListItem, PageRequest, Region, RegionNode};
use serde::Deserialize;

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
}

/// `/regions`: straight to the top of the user's scope.
pub async fn top(State(state): State<AppState>, user: PageUser) -> Result<Response, WebError> {
    let roots = state.store.region_children(&user.actor, None).await?;
    match roots.first() {
        Some(root) => Ok(Redirect::to(&format!("/regions/{}", root.code)).into_response()),
        None => Err(WebError::NotFound),
    }
}

#[derive(Deserialize, Default)]
pub struct RegionQuery {
    kind: Option<String>,
    page: Option<u64>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(code): Path<String>,
    QueryArgs(q): QueryArgs<RegionQuery>,
) -> Result<Response, WebError> {
    let region = state.store.region(&user.actor, &code).await?;
    let trail = state.store.region_trail(&user.actor, &code).await?;
    let children = state
        .store
        .region_children(&user.actor, Some(&code))
        .await?;
    let kind = q.kind.clone().filter(|k| !k.is_empty());
    let filter = GridFilter {
        region: Some(region.code.clone()),
        kind: kind.clone(),
        ..Default::default()
    };
    let grids = state
        .store
        .grids(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let pager = Pager::new(&grids, query_base(&[("kind", kind.clone())]));
    let grid_kinds = safegrid_domain::org::GridKind::ALL
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
        kind: kind.unwrap_or_default(),
        grid_kinds,
    })
}
