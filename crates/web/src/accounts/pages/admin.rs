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
use safegrid_store::{Account, PageRequest};
use serde::Deserialize;

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
    // Department names for the scope choice come from every county the accounts serve.
    let departments = state
        .store
        .departments_to_assign(&user.actor)
        .await?
        .into_iter()
        .map(|d| (d.id, d.name))
        .collect();
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
) -> Result<Response, WebError> {
    accounts_page(
        &state,
        t,
        &user,
        q.page,
        FormErrors::default(),
        AccountForm::default(),
    )
    .await
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
