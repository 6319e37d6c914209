//! The census import: the upload page, its answer, the template and the error list.

use crate::http::auth::CsrfUpload;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_domain::policy::{Object, Verb, may};

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
    // Done or refused, the answer is the import page: with the rows' errors, or the form's.
    let page = |answer, errors| {
        render(&ImportPage {
            chrome: Chrome::new(&t, &user, "units"),
            t,
            mode: mode.clone(),
            answer,
            errors,
        })
    };
    outcome(
        t,
        result,
        async |answer| page(Some(answer), FormErrors::default()),
        async |errors| page(None, errors),
    )
    .await
}

/// The account's last import's every error, as a spreadsheet.
pub async fn import_errors(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<crate::units::ExportFormat>,
) -> Result<Response, WebError> {
    crate::units::import_errors_for(&state, &user.actor, &t, q.format.as_deref()).await
}

pub async fn import_template(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
) -> Result<Response, WebError> {
    crate::units::import_template_for(&state, &t, &user.actor).await
}
