//! The leadership group (领导小组) as an organisation chart: leader, deputies with the
//! departments in their portfolios, members, and the office.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_store::{LeadershipMember, LeadershipOffice};

pub struct MemberView {
    pub member: LeadershipMember,
    pub portfolio: Vec<String>,
}

#[derive(Template)]
#[template(path = "leadership.html")]
struct LeadershipPage {
    t: Tr,
    chrome: Chrome,
    leaders: Vec<MemberView>,
    deputies: Vec<MemberView>,
    members: Vec<MemberView>,
    office: Option<LeadershipOffice>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let group = state.store.leadership(&user.actor).await?;
    let view = |role: &str| -> Vec<MemberView> {
        group
            .members
            .iter()
            .filter(|m| m.group_role == role)
            .map(|m| MemberView {
                member: m.clone(),
                portfolio: group
                    .portfolios
                    .iter()
                    .filter(|p| p.member_id == m.id)
                    .map(|p| p.department_name.clone())
                    .collect(),
            })
            .collect()
    };
    render(&LeadershipPage {
        chrome: Chrome::new(&t, &user, "leadership"),
        leaders: view("leader"),
        deputies: view("deputy"),
        members: view("member"),
        office: group.office.clone(),
        t,
    })
}
