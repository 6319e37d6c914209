//! Grid plans (网格化安全管理方案): the board of who has filed, the filing form for a
//! department or town, and the county office's deadline.

use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other, status_of};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use safegrid_domain::access::Role;
use safegrid_domain::org::input::GridPlanInput;
use safegrid_domain::policy::{Object, Verb, allowed};
use safegrid_domain::time::today;
use safegrid_store::PlanOwner;
use serde::Deserialize;

#[derive(Template)]
#[template(path = "plans.html")]
struct PlansPage {
    t: Tr,
    chrome: Chrome,
    due_on: Option<NaiveDate>,
    owners: Vec<PlanOwner>,
    /// Files for itself (a department or a town).
    files_own: bool,
    /// The county office: names the owner, sets the deadline.
    county: bool,
    today: NaiveDate,
    errors: FormErrors,
    form: PlanForm,
}

impl PlansPage {
    // A method so the template can call it.
    #[allow(clippy::unused_self)]
    fn key(&self, owner: &PlanOwner) -> String {
        owner_key(owner)
    }
}

#[derive(Deserialize, Default, Clone)]
pub struct PlanForm {
    /// `d:<id>` or `r:<code>` when the county office files for an owner.
    #[serde(default)]
    owner: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    filed_on: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    due_on: String,
}

impl PlanForm {
    pub fn is_owner(&self, owner: &PlanOwner) -> bool {
        self.owner == owner_key(owner)
    }
}

/// The value of an owner in the filing form's select.
pub fn owner_key(owner: &PlanOwner) -> String {
    match (&owner.department_id, &owner.region_code) {
        (Some(d), _) => format!("d:{d}"),
        (None, Some(r)) => format!("r:{r}"),
        (None, None) => String::new(),
    }
}

async fn page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    errors: FormErrors,
    form: PlanForm,
) -> Result<Response, WebError> {
    let board = state.store.plan_board(&user.actor, today()).await?;
    let role = user.actor.role;
    render_with(
        status_of(&errors),
        &PlansPage {
            chrome: Chrome::new(&t, user, "plans"),
            t,
            due_on: board.due_on,
            owners: board.owners,
            files_own: matches!(role, Role::DepartmentStaff | Role::TownStaff),
            county: allowed(role, Verb::Write, Object::PlanDeadline),
            today: today(),
            errors,
            form,
        },
    )
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    page(&state, t, &user, FormErrors::default(), PlanForm::default()).await
}

pub async fn file(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form }: CsrfForm<PlanForm>,
) -> Result<Response, WebError> {
    let (department_id, region_code) = match form.owner.split_once(':') {
        Some(("d", id)) => (id.parse().ok(), None),
        Some(("r", code)) => (None, Some(code.to_owned())),
        _ => (None, None),
    };
    let input = GridPlanInput {
        department_id,
        region_code,
        title: form.title.clone(),
        filed_on: form.filed_on.clone(),
        note: Some(form.note.clone()),
    };
    let result = match input.parse(today()) {
        Ok(plan) => state
            .store
            .file_plan(&user.actor, plan)
            .await
            .map_err(WebError::from),
        Err(invalid) => Err(WebError::from(invalid)),
    };
    outcome(
        t,
        result,
        async |_| see_other("/plans"),
        async |errors| page(&state, t, &user, errors, form).await,
    )
    .await
}

pub async fn deadline(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form }: CsrfForm<PlanForm>,
) -> Result<Response, WebError> {
    let result = state
        .store
        .set_plan_deadline(&user.actor, &form.due_on)
        .await;
    outcome(
        t,
        result,
        async |_| see_other("/plans"),
        async |errors| page(&state, t, &user, errors, form).await,
    )
    .await
}
