//! The unit ledger's pages: the list with filters, a unit's record, the form to add or change
//! one, and the coverage audit.

use crate::http::answer::parse_id;
use crate::http::auth::PageUser;
use crate::http::auth::{CsrfForm, CsrfUpload};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, Pager, filled, query_base, render, render_with};
use crate::units::api::UnitQuery;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use safegrid_domain::Violation;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_store::{
    CoverageItem, Department, PageRequest, RegionNode, Sector, Unit, UnitDetail, UnitInput,
};
use serde::Deserialize;

fn grades(t: &Tr) -> Vec<(&'static str, String)> {
    ["A", "B", "C"]
        .into_iter()
        .map(|g| (g, t.label("grade", g)))
        .collect()
}

fn sector_label(t: &Tr, sectors: &[Sector], code: &str) -> String {
    sectors.iter().find(|s| s.code == code).map_or_else(
        || code.to_owned(),
        |s| {
            if t.locale == crate::http::i18n::Locale::En {
                s.name_en.clone()
            } else {
                s.name_zh.clone()
            }
        },
    )
}

/// The sectors as (code, name in the reader's language), for a filter.
pub(crate) fn sector_options(t: &Tr, sectors: &[Sector]) -> Vec<(String, String)> {
    sectors
        .iter()
        .map(|s| (s.code.clone(), sector_label(t, sectors, &s.code)))
        .collect()
}

#[derive(Template)]
#[template(path = "units.html")]
struct UnitsPage {
    t: Tr,
    chrome: Chrome,
    units: Vec<Unit>,
    pager: Pager,
    export_query: String,
    q: UnitListQuery,
    towns: Vec<RegionNode>,
    departments: Vec<Department>,
    sectors: Vec<(String, String)>,
    grades: Vec<(&'static str, String)>,
    can_edit: bool,
}

#[derive(Deserialize, Default, Clone)]
pub struct UnitListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub region: String,
    #[serde(default)]
    pub department: String,
    #[serde(default)]
    pub sector: String,
    #[serde(default)]
    pub grade: String,
    #[serde(default)]
    pub key: String,
    #[serde(default)]
    pub status: String,
    pub page: Option<u64>,
}

impl UnitListQuery {
    fn api(&self) -> UnitQuery {
        UnitQuery {
            q: filled(&self.q),
            region: filled(&self.region),
            department: self.department.parse().ok(),
            sector: filled(&self.sector),
            grade: filled(&self.grade),
            key: match self.key.as_str() {
                "1" => Some(true),
                "0" => Some(false),
                _ => None,
            },
            status: filled(&self.status),
            page: self.page,
            per_page: Some(50),
        }
    }
}

/// The towns of the account's county for the filter (a town's own account sees its own).
pub(crate) async fn towns(state: &AppState, user: &PageUser) -> Result<Vec<RegionNode>, WebError> {
    let top = state.store.region_children(&user.actor, None).await?;
    let mut towns = Vec::new();
    for root in top {
        if root.level == 4 {
            towns.push(root);
        } else if root.level < 4 {
            towns.extend(
                state
                    .store
                    .region_children(&user.actor, Some(&root.code))
                    .await?,
            );
        }
    }
    Ok(towns)
}

pub async fn list(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<UnitListQuery>,
) -> Result<Response, WebError> {
    let api = q.api();
    let page = state
        .store
        .units(
            &user.actor,
            &api.filter()?,
            PageRequest::new(api.page, api.per_page),
        )
        .await?;
    let base = query_base(&[
        ("q", Some(q.q.clone())),
        ("region", Some(q.region.clone())),
        ("department", Some(q.department.clone())),
        ("sector", Some(q.sector.clone())),
        ("grade", Some(q.grade.clone())),
        ("key", Some(q.key.clone())),
        ("status", Some(q.status.clone())),
    ]);
    let pager = Pager::new(
        &page,
        query_base(&[
            ("q", Some(q.q.clone())),
            ("region", Some(q.region.clone())),
            ("department", Some(q.department.clone())),
            ("sector", Some(q.sector.clone())),
            ("grade", Some(q.grade.clone())),
            ("key", Some(q.key.clone())),
            ("status", Some(q.status.clone())),
        ]),
    );
    let all_sectors = state.store.sectors().await?;
    render(&UnitsPage {
        chrome: Chrome::new(&t, &user, "units"),
        towns: towns(&state, &user).await?,
        departments: state.store.departments(&user.actor).await?,
        sectors: sector_options(&t, &all_sectors),
        can_edit: may(&user.actor, Verb::Write, Object::Unit),
        grades: grades(&t),
        t,
        units: page.items,
        pager,
        export_query: base,
        q,
    })
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    t: Tr,
    chrome: Chrome,
    d: UnitDetail,
    unit: Unit,
    tab: &'static str,
    sources: Vec<safegrid_store::HazardSource>,
    /// The approving department's name.
    approving: Option<String>,
    sector: String,
    industry: String,
    can_edit: bool,
    can_keep: bool,
    /// Warnings about the record, translated (a USCC from another province).
    warnings: Vec<String>,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
) -> Result<Response, WebError> {
    let id = parse_id(&id)?;
    let d = state.store.unit(&user.actor, id).await?;
    let sectors = state.store.sectors().await?;
    let sector = d
        .unit
        .sector_code
        .as_deref()
        .map(|c| sector_label(&t, &sectors, c))
        .unwrap_or_default();
    let industry = d
        .unit
        .industry_code
        .as_deref()
        .and_then(safegrid_domain::unit::industry::division_of)
        .map(|(code, zh, en)| {
            format!(
                "{code} {}",
                if t.locale == crate::http::i18n::Locale::En {
                    en
                } else {
                    zh
                }
            )
        })
        .unwrap_or_default();
    let approving = match d.unit.approving_department_id {
        Some(a) => state
            .store
            .departments(&user.actor)
            .await?
            .into_iter()
            .find(|dep| dep.id == a)
            .map(|dep| dep.name),
        None => None,
    };
    let sources = state
        .store
        .hazard_sources(
            &user.actor,
            &safegrid_store::HazardSourceFilter {
                unit: Some(id),
                ..Default::default()
            },
            PageRequest::new(Some(1), Some(PageRequest::MAX_PER_PAGE)),
        )
        .await?
        .items;
    let warnings = d
        .warnings
        .iter()
        .map(|w| crate::http::error::translate(&t, w))
        .collect();
    render(&UnitPage {
        chrome: Chrome::new(&t, &user, "units"),
        warnings,
        can_edit: may(&user.actor, Verb::Write, Object::Unit),
        can_keep: may(&user.actor, Verb::Write, Object::UnitRecord),
        approving,
        unit: d.unit.clone(),
        tab: "info",
        sources,
        t,
        d,
        sector,
        industry,
    })
}

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

    /// The form as unit input: empty fields are absent, numbers parsed.
    fn input(&self, editing: bool) -> Result<UnitInput, WebError> {
        let get = |k: &str| Some(self.v(k).trim().to_owned()).filter(|s| !s.is_empty());
        let employees = match get("employees") {
            Some(n) => Some(
                n.parse::<i64>()
                    .map_err(|_| Violation::new("employees", "error.number"))?,
            ),
            None => None,
        };
        let supervising: Result<Vec<i64>, _> =
            self.supervising.iter().map(|s| s.parse::<i64>()).collect();
        let approving = match get("approving_department_id") {
            Some(d) => Some(d.parse::<i64>().map_err(|_| {
                Violation::new("approving_department_id", "error.department_unknown")
            })?),
            None => None,
        };
        Ok(UnitInput {
            name: get("name"),
            uscc: if editing {
                Some(self.v("uscc"))
            } else {
                get("uscc")
            },
            no_uscc_reason: get("no_uscc_reason"),
            legal_rep: get("legal_rep"),
            principal: get("principal"),
            safety_manager: get("safety_manager"),
            phone: get("phone"),
            address: get("address"),
            region: get("region"),
            industry: get("industry"),
            sector: get("sector"),
            employees,
            standardisation: get("standardisation"),
            status: get("status"),
            status_reason: get("status_reason"),
            supervision_grade: get("supervision_grade"),
            grade_reason: get("grade_reason"),
            is_key: Some(!self.v("is_key").is_empty()),
            key_reason: get("key_reason"),
            supervising_department_ids: Some(supervising.map_err(|_| {
                Violation::new("supervising_department_ids", "error.department_unknown")
            })?),
            approving_department_id: approving,
            ..Default::default()
        })
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
}

async fn form_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    id: Option<i64>,
    form: UnitForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Write, Object::Unit) {
        return Err(WebError::Forbidden);
    }
    let all_sectors = state.store.sectors().await?;
    render_with(
        status,
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
        StatusCode::OK,
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
        StatusCode::OK,
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
        Ok(input) => match id {
            Some(id) => state
                .store
                .update_unit(&user.actor, id, input)
                .await
                .map_err(WebError::from),
            None => state
                .store
                .create_unit(&user.actor, input)
                .await
                .map_err(WebError::from),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(d) => Ok(Redirect::to(&format!("/units/{}", d.unit.id)).into_response()),
        Err(WebError::Invalid(invalid)) => {
            let errors = FormErrors::of(&t, &invalid);
            form_page(
                state,
                t,
                user,
                id,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(e) => Err(e),
    }
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

#[derive(Template)]
#[template(path = "coverage.html")]
struct CoveragePage {
    t: Tr,
    chrome: Chrome,
    items: Vec<CoverageItem>,
}

pub async fn coverage(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let items = state.store.coverage(&user.actor).await?;
    render(&CoveragePage {
        chrome: Chrome::new(&t, &user, "coverage"),
        t,
        items,
    })
}

/// `/units/export?format=xlsx|csv&…filters`: the list on screen as a file.
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<UnitListQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let filter = q.api().filter()?;
    crate::ops::export::units(
        state.store.clone(),
        user.actor.clone(),
        t,
        filter,
        f.format(),
    )
    .await
}

#[derive(Template)]
#[template(path = "unit_import.html")]
struct ImportPage {
    t: Tr,
    chrome: Chrome,
    mode: String,
    answer: Option<crate::units::ImportAnswer>,
    errors: FormErrors,
}

impl ImportPage {
    pub fn summary(&self) -> String {
        match &self.answer {
            Some(a) => self.t.f(
                "import.summary",
                &[
                    ("total", a.total_rows.to_string()),
                    ("imported", a.imported.to_string()),
                    ("errors", a.error_count.to_string()),
                ],
            ),
            None => String::new(),
        }
    }

    pub fn column(&self, field: &str) -> String {
        self.t.t(&format!("field.{field}")).to_owned()
    }

    /// Errors shown on the page: those of the first refused rows (all are downloadable).
    pub fn shown_errors(&self) -> &[crate::units::ImportRowError] {
        match &self.answer {
            Some(a) => &a.errors,
            None => &[],
        }
    }

    /// Says how many errors are not shown, when some are not.
    pub fn truncated(&self) -> Option<String> {
        let a = self.answer.as_ref().filter(|a| a.errors_truncated)?;
        Some(self.t.f(
            "import.truncated",
            &[
                ("shown", crate::ops::import::ERROR_ROWS_SHOWN.to_string()),
                ("rows", a.refused_rows.to_string()),
                ("errors", a.error_count.to_string()),
            ],
        ))
    }
}

pub async fn import_form(t: Tr, user: PageUser) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Write, Object::Unit) {
        return Err(WebError::Forbidden);
    }
    render(&ImportPage {
        chrome: Chrome::new(&t, &user, "units"),
        t,
        mode: "dry_run".to_owned(),
        answer: None,
        errors: FormErrors::default(),
    })
}

pub async fn import(
    State(state): State<AppState>,
    t: Tr,
    CsrfUpload { user, upload: form }: CsrfUpload,
) -> Result<Response, WebError> {
    let mode = form.field("mode").unwrap_or_else(|| "dry_run".to_owned());
    let result = crate::units::import_file(
        &state,
        &user.actor,
        &t,
        Some(mode.clone()),
        form.file.map(|f| f.bytes),
    )
    .await;
    let (answer, errors, status) = match result {
        Ok(a) => (Some(a), FormErrors::default(), StatusCode::OK),
        Err(WebError::Invalid(invalid)) => (
            None,
            FormErrors::of(&t, &invalid),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e),
    };
    render_with(
        status,
        &ImportPage {
            chrome: Chrome::new(&t, &user, "units"),
            t,
            mode,
            answer,
            errors,
        },
    )
}

/// The account's last import's every error, as a spreadsheet.
pub async fn import_errors(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::units::ExportFormat>,
) -> Result<Response, WebError> {
    crate::units::import_errors_for(&state, &user.actor, &t, q.format.as_deref())
}

pub async fn import_template(
    State(state): State<AppState>,
    t: Tr,
    _user: PageUser,
) -> Result<Response, WebError> {
    crate::units::import_template_for(&state, &t).await
}

#[derive(Template)]
#[template(path = "grade_rule.html")]
struct GradeRulePage {
    t: Tr,
    chrome: Chrome,
    rule: safegrid_domain::unit::grade::GradeRule,
    sectors: Vec<(String, String)>,
    can_edit: bool,
    regraded: Option<u64>,
    errors: FormErrors,
}

impl GradeRulePage {
    pub fn high(&self, code: &str) -> bool {
        self.rule.high_risk_sectors.iter().any(|s| s == code)
    }

    pub fn key(&self, code: &str) -> bool {
        self.rule.key_sectors.iter().any(|s| s == code)
    }
}

async fn grade_rule_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    rule: safegrid_domain::unit::grade::GradeRule,
    regraded: Option<u64>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let sectors = state
        .store
        .sectors()
        .await?
        .iter()
        .map(|s| {
            (
                s.code.clone(),
                sector_label(&t, std::slice::from_ref(s), &s.code),
            )
        })
        .collect();
    let status = crate::pages::status_of(&errors);
    render_with(
        status,
        &GradeRulePage {
            chrome: Chrome::new(&t, user, "grade_rule"),
            can_edit: may(&user.actor, Verb::Write, Object::GradeRule),
            t,
            rule,
            sectors,
            regraded,
            errors,
        },
    )
}

pub async fn grade_rule(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let rule = state.store.grade_rule(&user.actor).await?;
    grade_rule_page(&state, t, &user, rule, None, FormErrors::default()).await
}

pub async fn set_grade_rule(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let employees = pairs.get("employees_for_b").unwrap_or_default();
    let rule = safegrid_domain::unit::grade::GradeRule {
        high_risk_sectors: pairs.all("high_risk"),
        key_sectors: pairs.all("key"),
        employees_for_b: employees.trim().parse().unwrap_or(u32::MAX),
    };
    if employees.trim().parse::<u32>().is_err() {
        let invalid = safegrid_domain::Invalid::one("employees_for_b", "error.number");
        let errors = FormErrors::of(&t, &invalid);
        return grade_rule_page(&state, t, &user, rule, None, errors).await;
    }
    match state.store.set_grade_rule(&user.actor, rule.clone()).await {
        Ok(n) => grade_rule_page(&state, t, &user, rule, Some(n), FormErrors::default()).await,
        Err(safegrid_store::StoreError::Invalid(invalid)) => {
            let errors = FormErrors::of(&t, &invalid);
            grade_rule_page(&state, t, &user, rule, None, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
