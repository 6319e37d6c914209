//! The form that adds a unit or changes one.

use super::{grades, sector_label};
use crate::http::answer::parse_id;
use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::FormPairs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other, status_of};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_store::{Department, UnitDetail, UnitInput};

/// The values of the unit form, kept as typed so a refused form comes back as it was.
#[derive(Default, Clone)]
pub struct UnitForm {
    pub values: Vec<(String, String)>,
    pub supervising: Vec<String>,
}

impl UnitForm {
    pub fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }

    pub fn checked(&self, id: &i64) -> bool {
        self.supervising.iter().any(|s| s == &id.to_string())
    }

    fn of_unit(d: &UnitDetail) -> Self {
        let u = &d.unit;
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let values = vec![
            ("name".into(), u.name.clone()),
            ("uscc".into(), opt(&u.uscc)),
            ("no_uscc_reason".into(), opt(&u.no_uscc_reason)),
            ("legal_rep".into(), opt(&u.legal_rep)),
            ("principal".into(), opt(&u.principal)),
            ("safety_manager".into(), opt(&u.safety_manager)),
            ("phone".into(), opt(&u.phone)),
            ("address".into(), opt(&u.address)),
            ("region".into(), opt(&u.region)),
            ("industry".into(), opt(&u.industry_code)),
            ("sector".into(), opt(&u.sector_code)),
            (
                "employees".into(),
                u.employees.map(|n| n.to_string()).unwrap_or_default(),
            ),
            ("standardisation".into(), opt(&u.standardisation)),
            ("status".into(), u.status.to_string()),
            (
                "is_key".into(),
                if u.is_key { "1".into() } else { String::new() },
            ),
            ("key_reason".into(), opt(&u.key_reason)),
            (
                "approving_department_id".into(),
                u.approving_department_id
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            ),
        ];
        Self {
            values,
            supervising: d
                .supervising_departments
                .iter()
                .map(|d| d.id.to_string())
                .collect(),
        }
    }

    /// The form read into the API's input type, the same way; what a form says differently
    /// is in its checkboxes (a box left unticked is "no", a ticked department is one of many)
    /// and, on a change, a code emptied on purpose.
    fn input(&self, editing: bool) -> Result<UnitInput, WebError> {
        let fields: Vec<(String, String)> = self
            .values
            .iter()
            .filter(|(k, _)| k != "is_key" && k != "supervising_department_ids")
            .cloned()
            .collect();
        let mut input: UnitInput = crate::http::extract::form_from_pairs(&fields)?;
        if editing {
            input.uscc = Some(self.v("uscc"));
        }
        input.is_key = Some(!self.v("is_key").is_empty());
        let supervising: Result<Vec<i64>, _> =
            self.supervising.iter().map(|s| s.parse::<i64>()).collect();
        input.supervising_department_ids = Some(supervising.map_err(|_| {
            Violation::new("supervising_department_ids", "error.department_unknown")
        })?);
        Ok(input)
    }
}

#[derive(Template)]
#[template(path = "unit_form.html")]
struct UnitFormPage {
    t: Tr,
    chrome: Chrome,
    /// The unit being changed, or none for a new one.
    id: Option<i64>,
    form: UnitForm,
    errors: FormErrors,
    departments: Vec<Department>,
    sectors: Vec<(String, String)>,
    statuses: Vec<(&'static str, String)>,
    levels: Vec<(&'static str, String)>,
    grades: Vec<(&'static str, String)>,
    /// The villages a unit can be placed in, by town.
    places: RegionFilter,
}

async fn form_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: Option<i64>,
    form: UnitForm,
    errors: FormErrors,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Write, Object::Unit) {
        return Err(WebError::Forbidden);
    }
    let all_sectors = state.store.sectors().await?;
    render_with(
        status_of(&errors),
        &UnitFormPage {
            chrome: Chrome::new(&t, user, "units"),
            departments: state.store.departments(&user.actor).await?,
            sectors: all_sectors
                .iter()
                .map(|s| (s.code.clone(), sector_label(&t, &all_sectors, &s.code)))
                .collect(),
            statuses: safegrid_domain::unit::record::UnitStatus::ALL
                .iter()
                .map(|s| (s.as_str(), t.label("unit_status", s.as_str())))
                .collect(),
            levels: safegrid_domain::unit::record::STANDARDISATION
                .iter()
                .map(|l| (*l, t.label("standardisation", l)))
                .collect(),
            grades: grades(&t),
            places: RegionFilter::load(state, user, form.v("region").clone()).await?,
            t,
            id,
            form,
            errors,
        },
    )
}

pub async fn new_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    form_page(
        &state,
        t,
        &user,
        None,
        UnitForm::default(),
        FormErrors::default(),
    )
    .await
}

pub async fn edit_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = state.store.unit(&user.actor, id).await?;
    form_page(
        &state,
        t,
        &user,
        Some(id),
        UnitForm::of_unit(&d),
        FormErrors::default(),
    )
    .await
}

fn read_form(pairs: &FormPairs) -> UnitForm {
    UnitForm {
        values: pairs
            .0
            .iter()
            .filter(|(k, _)| k != "supervising")
            .cloned()
            .collect(),
        supervising: pairs.all("supervising"),
    }
}

async fn save(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: Option<i64>,
    pairs: FormPairs,
) -> Result<Response, WebError> {
    let form = read_form(&pairs);
    let result = match form.input(id.is_some()) {
        Ok(input) => crate::units::save_unit(state, &user.actor, id, input).await,
        Err(e) => Err(e),
    };
    outcome(
        t,
        result,
        async |d| see_other(format!("/units/{}", d.unit.id)),
        async |errors| form_page(state, t, user, id, form, errors).await,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    save(&state, t, &user, None, pairs).await
}

pub async fn update(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    save(&state, t, &user, Some(id), pairs).await
}
