//! The county's A/B/C grading rule (`/settings/grade-rule`).

use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::FormPairs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render_with};
use crate::units::pages::sector_label;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_domain::Violation;
use safegrid_domain::policy::{Object, Verb, may};

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

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    let rule = state.store.grade_rule(&user.actor).await?;
    grade_rule_page(&state, t, &user, rule, None, FormErrors::default()).await
}

pub async fn set(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let employees = pairs.number::<u32>("employees_for_b");
    let rule = safegrid_domain::unit::grade::GradeRule {
        high_risk_sectors: pairs.all("high_risk"),
        key_sectors: pairs.all("key"),
        employees_for_b: employees
            .as_ref()
            .ok()
            .copied()
            .flatten()
            .unwrap_or(u32::MAX),
    };
    let result = async {
        employees?.ok_or_else(|| Violation::new("employees_for_b", "error.number"))?;
        Ok::<_, WebError>(
            state
                .store
                .set_grade_rule(&user.actor, rule.clone())
                .await?,
        )
    }
    .await;
    outcome(
        t,
        result,
        async |n| {
            grade_rule_page(
                &state,
                t,
                &user,
                rule.clone(),
                Some(n),
                FormErrors::default(),
            )
            .await
        },
        async |errors| grade_rule_page(&state, t, &user, rule.clone(), None, errors).await,
    )
    .await
}
