//! The assessment pages: the year's table of towns and departments (the county's scheme below
//! it, which the county edits there), one party's page with the figures behind each score and
//! what it missed, and the table as a file.

use super::AssessmentQuery;
use crate::http::auth::{CsrfForm, PageUser};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other};
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::Response;
use axum::routing::get;
use safegrid_domain::access::Actor;
use safegrid_domain::accident::AccidentLevel;
use safegrid_domain::assessment::{AssessmentGrade, Indicator, IndicatorKey, Scheme};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_store::assessment::{Assessment, PartyAssessment, PartyDetail};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessment", get(table))
        .route("/assessment/export", get(export_page))
        .route("/assessment/{kind}/{key}", get(party))
        .route(
            "/settings/assessment-scheme",
            get(|| async { see_other("/assessment#scheme") }).post(set_scheme),
        )
}

/// Words and links the templates show.
pub struct Words;

impl Words {
    pub fn tone(grade: &AssessmentGrade) -> &'static str {
        match grade {
            AssessmentGrade::Excellent | AssessmentGrade::Good => "ok",
            AssessmentGrade::Pass => "warn",
            AssessmentGrade::Fail => "bad",
        }
    }

    /// Where a party's own page is.
    pub fn href(p: &PartyAssessment, year: &i32) -> String {
        match (&p.town_code, p.department_id) {
            (Some(code), _) => format!("/assessment/towns/{code}?year={year}"),
            (None, Some(id)) => format!("/assessment/departments/{id}?year={year}"),
            (None, None) => "/assessment".to_owned(),
        }
    }

    /// An indicator's figures as people read them: `12 / 15` (and `—` when nothing counted).
    pub fn figures(i: &Indicator) -> String {
        match i.key {
            IndicatorKey::Accidents => i.counted.to_string(),
            _ if i.counted == 0 => "—".to_owned(),
            _ => format!("{} / {}", i.met, i.counted),
        }
    }

    pub fn points(x: &f64) -> String {
        format!("{x:.1}")
    }
}

#[derive(Template)]
#[template(path = "assessment.html")]
struct TablePage {
    t: Tr,
    chrome: Chrome,
    a: Assessment,
    years: Vec<i32>,
    keys: Vec<IndicatorKey>,
    levels: Vec<AccidentLevel>,
    scheme: Scheme,
    can_edit: bool,
    saved: bool,
    errors: FormErrors,
}

impl TablePage {
    /// Whether the row at `i` is the first of its kind (towns, then departments).
    pub fn starts_group(&self, i: &usize) -> bool {
        let parties = &self.a.parties;
        *i == 0 || parties.get(*i - 1).map(|p| &p.party) != parties.get(*i).map(|p| &p.party)
    }
}

async fn table_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    year: i32,
    scheme: Option<Scheme>,
    saved: bool,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let a = state.store.assessment(&user.actor, year).await?;
    let this_year = chrono::Datelike::year(&a.as_of);
    let status = crate::pages::status_of(&errors);
    render_with(
        status,
        &TablePage {
            chrome: Chrome::new(&t, user, "assessment"),
            can_edit: may(&user.actor, Verb::Write, Object::Assessment),
            scheme: scheme.unwrap_or(a.scheme),
            years: (this_year - 4..=this_year).rev().collect(),
            keys: IndicatorKey::ALL.to_vec(),
            levels: AccidentLevel::ALL.to_vec(),
            t,
            a,
            saved,
            errors,
        },
    )
}

async fn table(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Read, Object::Assessment) {
        return Err(WebError::NotFound);
    }
    table_page(
        &state,
        t,
        &user,
        q.year()?,
        None,
        false,
        FormErrors::default(),
    )
    .await
}

async fn set_scheme(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let year = chrono::Datelike::year(&safegrid_domain::time::today());
    let weight = |name: &str| pairs.number::<u32>(name);
    let fields = [
        ("duties", weight("duties")),
        ("rectification", weight("rectification")),
        ("unit_duties", weight("unit_duties")),
        ("accidents", weight("accidents")),
        ("per_accident", weight("per_accident")),
    ];
    let value = |i: usize| fields[i].1.as_ref().ok().copied().flatten().unwrap_or(0);
    let veto = pairs
        .get("veto_from")
        .map(|v| AccidentLevel::parse("veto_from", &v));
    let scheme = Scheme {
        duties: value(0),
        rectification: value(1),
        unit_duties: value(2),
        accidents: value(3),
        per_accident: value(4),
        veto_from: veto
            .clone()
            .and_then(Result::ok)
            .unwrap_or(AccidentLevel::Larger),
    };
    let result = async {
        let mut errors = safegrid_domain::Invalid::default();
        for (name, parsed) in &fields {
            if !matches!(parsed, Ok(Some(_))) {
                errors.push(safegrid_domain::Violation::new(*name, "error.number"));
            }
        }
        match veto {
            Some(Err(v)) => errors.push(v),
            None => errors.push(safegrid_domain::Violation::new(
                "veto_from",
                "error.required",
            )),
            Some(Ok(_)) => {}
        }
        errors.into_result()?;
        Ok::<_, WebError>(
            state
                .store
                .set_assessment_scheme(&user.actor, scheme)
                .await?,
        )
    }
    .await;
    outcome(
        t,
        result,
        async |saved| {
            table_page(
                &state,
                t,
                &user,
                year,
                Some(saved),
                true,
                FormErrors::default(),
            )
            .await
        },
        async |errors| table_page(&state, t, &user, year, Some(scheme), false, errors).await,
    )
    .await
}

#[derive(Template)]
#[template(path = "assessment_party.html")]
struct PartyPage {
    t: Tr,
    chrome: Chrome,
    d: PartyDetail,
}

impl PartyPage {
    /// The duty calendar's list of the year's overdue duties of a kind, where the party is.
    pub fn calendar(&self, kind: &str) -> String {
        let where_ = match (&self.d.result.town_code, self.d.result.department_id) {
            (Some(code), _) => format!("region={code}"),
            (None, Some(id)) => format!("department={id}"),
            (None, None) => String::new(),
        };
        format!(
            "/duties?kind={kind}&state=overdue&period={}&{where_}",
            self.d.year
        )
    }
}

async fn party(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path((kind, key)): Path<(String, String)>,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
) -> Result<Response, WebError> {
    if !may(&user.actor, Verb::Read, Object::Assessment) {
        return Err(WebError::NotFound);
    }
    let party = super::party(&kind, &key)?;
    let d = state
        .store
        .assessment_of(&user.actor, q.year()?, party)
        .await?;
    render_with(
        axum::http::StatusCode::OK,
        &PartyPage {
            chrome: Chrome::new(&t, &user, "assessment"),
            t,
            d,
        },
    )
}

async fn export_page(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    export(&state, &user.actor, t, q.year()?, f.format()).await
}

/// The year's results as `xlsx`, `csv` or `print`: one row per party, each indicator's points
/// with its figures.
pub(crate) async fn export(
    state: &AppState,
    actor: &Actor,
    t: Tr,
    year: i32,
    format: &str,
) -> Result<Response, WebError> {
    let format = crate::ops::export::format_of(format)?;
    let a = state.store.assessment(actor, year).await?;
    let mut headers: Vec<String> = ["assessment.rank", "assessment.party", "assessment.name"]
        .iter()
        .map(|k| t.t(k).to_owned())
        .collect();
    for key in IndicatorKey::ALL {
        let name = t.label("assessment.indicator", key.as_str());
        headers.push(format!("{name} ({})", t.t("assessment.points")));
        headers.push(format!("{name} ({})", t.t("assessment.figures")));
    }
    headers.extend(
        ["assessment.total", "assessment.grade"]
            .iter()
            .map(|k| t.t(k).to_owned()),
    );
    let rows: Vec<Vec<String>> = a
        .parties
        .iter()
        .map(|p| {
            let mut row = vec![
                p.rank.to_string(),
                t.label("assessment.party_kind", &p.party),
                p.name.clone(),
            ];
            for i in &p.score.indicators {
                row.push(Words::points(&i.score));
                row.push(Words::figures(i));
            }
            row.push(Words::points(&p.score.total));
            let mut grade = t.label("assessment.grade_name", p.score.grade.as_str());
            if p.score.vetoed {
                grade = format!("{grade} ({})", t.t("assessment.vetoed"));
            }
            row.push(grade);
            row
        })
        .collect();
    let title = t.f1("assessment.file_title", "year", year);
    let heading =
        crate::ops::export::Heading::of(&state.store, actor, t, "assessment", &title).await;
    crate::ops::export::table(&heading, &headers, &rows, format)
}
