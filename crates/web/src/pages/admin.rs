//! The administrators' pages: the audit log (audit administrator) and the accounts (system
//! and security administrators). Neither shows supervision data.

use super::{Chrome, Pager, render};
use crate::auth::PageUser;
use crate::error::WebError;
use crate::extract::QueryArgs;
use crate::i18n::Tr;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_store::{Account, AuditEntry, PageRequest};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    t: Tr,
    chrome: Chrome,
    entries: Vec<AuditEntry>,
    pager: Pager,
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<u64>,
}

pub async fn audit(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<PageQuery>,
) -> Result<Response, WebError> {
    let page = state
        .store
        .audit_log(&user.actor, PageRequest::new(q.page, Some(100)))
        .await?;
    let pager = Pager::new(&page, String::new());
    render(&AuditPage {
        chrome: Chrome::new(&t, &user, "audit"),
        t,
        entries: page.items,
        pager,
    })
}

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    t: Tr,
    chrome: Chrome,
    accounts: Vec<Account>,
}

pub async fn accounts(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let accounts = state.store.accounts(&user.actor).await?;
    render(&AccountsPage {
        chrome: Chrome::new(&t, &user, "accounts"),
        t,
        accounts,
    })
}
