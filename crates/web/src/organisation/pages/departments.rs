//! County departments (the vertical strips, 条): the list with their sectors, and a
//! department's page with its grid in every town.

use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::organisation::GridQuery;
use crate::pages::{Chrome, Pager, query_of, render};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_store::{Department, DepartmentSector, GridListItem, PageRequest};

pub struct DepartmentRow {
    pub department: Department,
    pub sectors: Vec<DepartmentSector>,
}

#[derive(Template)]
#[template(path = "departments.html")]
struct DepartmentsPage {
    t: Tr,
    chrome: Chrome,
    rows: Vec<DepartmentRow>,
}

fn sector_name(t: &Tr, s: &DepartmentSector) -> String {
    match t.locale {
        crate::http::i18n::Locale::En => s.name_en.clone(),
        crate::http::i18n::Locale::ZhCn => s.name_zh.clone(),
    }
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let departments = state.store.departments(&user.actor).await?;
    let ids: Vec<i64> = departments.iter().map(|d| d.id).collect();
    let sectors = state.store.department_sectors(&ids).await?;
    let rows = departments
        .into_iter()
        .map(|department| DepartmentRow {
            sectors: sectors
                .iter()
                .filter(|s| s.department_id == department.id)
                .map(|s| DepartmentSector {
                    name_zh: sector_name(&t, s),
                    ..s.clone()
                })
                .collect(),
            department,
        })
        .collect();
    render(&DepartmentsPage {
        chrome: Chrome::new(&t, &user, "departments"),
        t,
        rows,
    })
}

#[derive(Template)]
#[template(path = "department.html")]
struct DepartmentPage {
    t: Tr,
    chrome: Chrome,
    department: Department,
    sectors: Vec<String>,
    grids: Vec<GridListItem>,
    pager: Pager,
    gaps_only: bool,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<GridQuery>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let department = state.store.department(&user.actor, id).await?;
    let sectors = state
        .store
        .department_sectors(&[id])
        .await?
        .iter()
        .map(|s| sector_name(&t, s))
        .collect();
    let gaps_only = q.gaps_only == Some(true);
    // The department's grids, filtered as the grid list is; the department is the path's.
    let pager_base = query_of(&GridQuery {
        department: None,
        ..q.clone()
    });
    let filter = GridQuery {
        department: Some(id),
        ..q.clone()
    }
    .filter()?;
    let grids = state
        .store
        .grids(&user.actor, &filter, PageRequest::new(q.page, Some(50)))
        .await?;
    let pager = Pager::new(&grids, pager_base);
    render(&DepartmentPage {
        chrome: Chrome::new(&t, &user, "departments"),
        t,
        department,
        sectors,
        grids: grids.items,
        pager,
        gaps_only,
    })
}
