//! The start page: what needs attention in the user's part of the county.

use super::{Chrome, render};
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_domain::policy::{Object, Verb, allowed};
use safegrid_store::{GridFilter, GridListItem, PageRequest};

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    t: Tr,
    chrome: Chrome,
    scope_name: String,
    grids_total: i64,
    gaps_total: i64,
    grids: Vec<GridListItem>,
    /// This month's inspection duties in scope: (due, overdue, done).
    inspections: Option<(u64, u64, u64)>,
    month: String,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let role = user.actor.role;
    if !role.sees_supervision_data() {
        let to = if allowed(role, Verb::Read, Object::AuditLog) {
            "/audit"
        } else {
            "/accounts"
        };
        return Ok(Redirect::to(to).into_response());
    }
    let all = state
        .store
        .grids(
            &user.actor,
            &GridFilter::default(),
            PageRequest::new(Some(1), Some(1)),
        )
        .await?;
    let gaps_filter = GridFilter {
        gaps_only: true,
        ..Default::default()
    };
    let gaps = state
        .store
        .grids(
            &user.actor,
            &gaps_filter,
            PageRequest::new(Some(1), Some(10)),
        )
        .await?;
    let scope_name = match &user.actor.scope {
        safegrid_domain::access::Scope::Region { root } => state
            .store
            .region(&user.actor, root.as_str())
            .await
            .map(|r| r.name)
            .unwrap_or_default(),
        safegrid_domain::access::Scope::Department { department_id, .. } => state
            .store
            .department(&user.actor, *department_id)
            .await
            .map(|d| d.name)
            .unwrap_or_default(),
        _ => String::new(),
    };
    let month = safegrid_domain::time::today().format("%Y-%m").to_string();
    let inspections = if allowed(role, Verb::Read, Object::Duty)
        && !matches!(
            user.actor.scope,
            safegrid_domain::access::Scope::Unit { .. }
        ) {
        let filter = safegrid_store::DutyFilter {
            kind: Some(safegrid_domain::duty::DutyKind::Inspection),
            ..Default::default()
        };
        let rows = state
            .store
            .duty_summary(
                &user.actor,
                &filter,
                safegrid_domain::duty::SummaryGroup::Kind,
            )
            .await?;
        Some(rows.iter().fold((0, 0, 0), |(due, overdue, done), r| {
            (due + r.due, overdue + r.overdue, done + r.done)
        }))
    } else {
        None
    };
    render(&HomePage {
        inspections,
        month,
        chrome: Chrome::new(&t, &user, "home"),
        t,
        scope_name,
        grids_total: all.total,
        gaps_total: gaps.total,
        grids: gaps.items,
    })
}
