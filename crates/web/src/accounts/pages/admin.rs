//! The accounts page of the system and security administrators; it shows no supervision
//! data.

use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, Pager, outcome, render_with, see_other, status_of};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_domain::access::{Role, may_lock_accounts};
use safegrid_store::{Account, PageRequest, ScopeRegion, ScopeUnit};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Template)]
#[template(path = "accounts.html")]
struct AccountsPage {
    t: Tr,
    chrome: Chrome,
    accounts: Vec<Account>,
    pager: Pager,
    /// The system administrator creates accounts and resets passwords.
    creates: bool,
    /// The security administrator disables and enables them.
    locks: bool,
    roles: Vec<(&'static str, String)>,
    departments: Vec<(i64, String)>,
    /// The county, its towns and each town's villages, for the region scope.
    regions: Vec<ScopeRegion>,
    /// Units found by the search, for a unit manager's scope.
    units: Vec<ScopeUnit>,
    /// Names of the scopes the listed accounts have.
    names: HashMap<String, String>,
    errors: FormErrors,
    form: AccountForm,
    own_id: i64,
}

#[derive(Deserialize, Default, Clone)]
pub struct AccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    scope_region_code: String,
    #[serde(default)]
    scope_department_id: String,
    #[serde(default)]
    scope_unit_id: String,
    /// The unit search typed (name, address, credit code or pinyin initials).
    #[serde(default)]
    unit_q: String,
}

/// The unit search of the scope choice (`GET /accounts?unit_q=…`).
#[derive(Deserialize, Default)]
pub struct UnitSearch {
    #[serde(default)]
    unit_q: String,
}

impl AccountsPage {
    /// An account's scope by name: 城关镇, 县安监局, 汉阴县城关镇惠民超市.
    pub fn scope_label(&self, a: &Account) -> String {
        let named = |key: String| self.names.get(&key).cloned();
        let unit = self.t.t("accounts.unit");
        a.scope_region_code
            .clone()
            .and_then(|r| named(r.clone()).or(Some(r)))
            .or_else(|| a.scope_department_id.and_then(|d| named(format!("d{d}"))))
            .or_else(|| {
                a.scope_unit_id
                    .map(|u| named(format!("u{u}")).unwrap_or_else(|| format!("{unit} {u}")))
            })
            .unwrap_or_default()
    }

    /// Whether a region is picked in the form.
    pub fn region_chosen(&self, code: &str) -> bool {
        self.form.scope_region_code == code
    }
}

async fn accounts_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    page: Option<u64>,
    errors: FormErrors,
    form: AccountForm,
) -> Result<Response, WebError> {
    let list = state
        .store
        .accounts(&user.actor, PageRequest::new(page, Some(100)))
        .await?;
    let pager = Pager::new(&list, String::new());
    let role = user.actor.role;
    // The scope is chosen by name: divisions and departments of every county the accounts
    // serve, units by a search.
    let departments: Vec<(i64, String)> = state
        .store
        .departments_to_assign(&user.actor)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
    let regions = state.store.regions_to_assign(&user.actor).await?;
    let units = state
        .store
        .units_to_assign(&user.actor, &form.unit_q)
        .await?;
    let unit_ids: Vec<i64> = list.items.iter().filter_map(|a| a.scope_unit_id).collect();
    let mut names: HashMap<String, String> = regions
        .iter()
        .map(|r| (r.code.clone(), r.name.clone()))
        .collect();
    names.extend(
        departments
            .iter()
            .map(|(id, n)| (format!("d{id}"), n.clone())),
    );
    names.extend(
        state
            .store
            .unit_names(&user.actor, &unit_ids)
            .await?
            .into_iter()
            .map(|(id, n)| (format!("u{id}"), n)),
    );
    render_with(
        status_of(&errors),
        &AccountsPage {
            chrome: Chrome::new(&t, user, "accounts"),
            roles: Role::ALL
                .iter()
                .filter(|r| !r.is_separated_admin())
                .map(|r| (r.as_str(), t.label("role", r.as_str())))
                .collect(),
            t,
            accounts: list.items,
            pager,
            creates: role == Role::SystemAdmin,
            locks: may_lock_accounts(role),
            departments,
            regions,
            units,
            names,
            errors,
            form,
            own_id: user.account.id,
        },
    )
}

pub async fn accounts(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
    QueryArgs(search): QueryArgs<UnitSearch>,
) -> Result<Response, WebError> {
    let form = AccountForm {
        unit_q: search.unit_q,
        ..AccountForm::default()
    };
    accounts_page(&state, t, &user, q.page, FormErrors::default(), form).await
}

pub async fn create_account(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form }: CsrfForm<AccountForm>,
) -> Result<Response, WebError> {
    let result = crate::accounts::create_account_from(
        &state,
        &user.actor,
        safegrid_domain::access::input::AccountInput {
            username: form.username.clone(),
            display_name: form.display_name.clone(),
            password: form.password.clone(),
            role: form.role.clone(),
            scope_region_code: Some(form.scope_region_code.clone())
                .filter(|s| !s.trim().is_empty()),
            scope_department_id: form.scope_department_id.parse().ok(),
            scope_unit_id: form.scope_unit_id.parse().ok(),
            ..Default::default()
        },
    )
    .await;
    // A refused form comes back without the password typed.
    let kept = AccountForm {
        password: String::new(),
        ..form
    };
    outcome(
        t,
        result,
        async |_| see_other("/accounts"),
        async |errors| accounts_page(&state, t, &user, None, errors, kept).await,
    )
    .await
}

#[derive(Deserialize, Default)]
pub struct LockForm {
    #[serde(default)]
    disabled: String,
}

pub async fn lock_account(
    State(state): State<AppState>,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<LockForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    state
        .store
        .set_account_disabled(&user.actor, id, form.disabled == "1")
        .await?;
    Ok(Redirect::to("/accounts").into_response())
}

#[derive(Deserialize, Default)]
pub struct PasswordForm {
    #[serde(default)]
    password: String,
}

pub async fn reset_password(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form }: CsrfForm<PasswordForm>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let result = crate::accounts::reset_password_of(&state, &user.actor, id, &form.password).await;
    outcome(
        t,
        result,
        async |()| see_other("/accounts"),
        async |errors| accounts_page(&state, t, &user, None, errors, AccountForm::default()).await,
    )
    .await
}
