//! A unit's training on a phone (教育培训): the record of a pre-shift briefing, a monthly
//! exam, a publicity activity or the three posts' yearly training, with a photo of the signed
//! attendance sheet; and the unit's trainings, newest first, for the unit and its supervisors.

use crate::http::auth::{CsrfUpload, PageUser};
use crate::http::error::WebError;
use crate::http::extract::{FormPairs, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, Pager, render_with, see_other, status_of};
use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::Violation;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::unit::training::{TrainingInput, TrainingKind};
use safegrid_store::{PageRequest, Training};

#[derive(Template)]
#[template(path = "unit_trainings.html")]
struct TrainingsPage {
    t: Tr,
    chrome: Chrome,
    unit: safegrid_store::Unit,
    trainings: Vec<Training>,
    pager: Pager,
    /// The unit itself, or those who keep the unit ledger: shown the form.
    may_record: bool,
    kinds: &'static [TrainingKind],
    errors: FormErrors,
    form: FormPairs,
    today: chrono::NaiveDate,
}

impl TrainingsPage {
    fn v(&self, name: &str) -> String {
        self.form.get(name).unwrap_or_default()
    }

    /// The names of a training, as a line.
    fn names(training: &Training) -> String {
        serde_json::from_str::<Vec<String>>(&training.attendees)
            .unwrap_or_default()
            .join("、")
    }
}

async fn page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit_id: i64,
    page_no: Option<u64>,
    form: FormPairs,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let unit = state.store.unit(&user.actor, unit_id).await?.unit;
    let listed = state
        .store
        .trainings(&user.actor, unit_id, PageRequest::new(page_no, Some(30)))
        .await?;
    render_with(
        status_of(&errors),
        &TrainingsPage {
            chrome: Chrome::new(&t, user, "units"),
            pager: Pager::new(&listed, String::new()),
            trainings: listed.items,
            may_record: Party::of(user.actor.role) == Party::Unit
                || may(&user.actor, Verb::Write, Object::Unit),
            kinds: &TrainingKind::ALL,
            unit,
            errors,
            form,
            today: safegrid_domain::time::today(),
            t,
        },
    )
}

pub async fn trainings(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    Path(id): Path<String>,
    QueryArgs(q): QueryArgs<crate::http::answer::PageQuery>,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    page(
        &state,
        t,
        &user,
        id,
        q.page,
        FormPairs::default(),
        FormErrors::default(),
    )
    .await
}

/// Names typed one per line or separated by commas (either script) or 、.
fn names_of(raw: &str) -> Vec<String> {
    raw.split(['\n', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The form as the API's training; a number that is not one names its field.
fn training_input(form: &FormPairs) -> Result<TrainingInput, WebError> {
    let scores = form
        .get("scores")
        .map(|raw| {
            raw.split([',', '，', '、', ' ', '\n'])
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::parse::<f64>)
                .collect::<Result<Vec<f64>, _>>()
        })
        .transpose()
        .map_err(|_| Violation::new("scores", "error.number"))?
        .unwrap_or_default();
    Ok(TrainingInput {
        kind: form.get("kind"),
        held_on: form.get("held_on"),
        topic: form.get("topic"),
        hours: form.number("hours")?,
        attendee_count: form.number("attendee_count")?,
        attendees: form
            .get("attendees")
            .as_deref()
            .map(names_of)
            .unwrap_or_default(),
        scores,
        sign_in_sheet: None,
    })
}

/// Takes the training form (multipart: the fields and the sheet's photo in `file`).
pub async fn record(
    State(state): State<AppState>,
    t: Tr,
    Path(id): Path<String>,
    CsrfUpload { user, upload }: CsrfUpload,
) -> Result<Response, WebError> {
    let id = crate::http::answer::parse_id(&id)?;
    let form = upload.pairs();
    let made = async {
        let input = training_input(&form)?;
        let sheet = crate::ops::upload::photo_file(&upload)
            .await
            .map_err(|e| e.naming("sign_in_sheet"))?;
        Ok::<_, WebError>(
            state
                .store
                .add_training_with_sheet(&user.actor, id, input, sheet)
                .await?,
        )
    }
    .await;
    crate::pages::outcome(
        t,
        made,
        async |_| see_other(format!("/units/{id}/trainings")),
        async |errors| page(&state, t, &user, id, None, form.clone(), errors).await,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_split_on_either_script() {
        assert_eq!(
            names_of("张三，李四、王五\n赵六, 钱七"),
            ["张三", "李四", "王五", "赵六", "钱七"]
        );
        assert!(names_of(" ，、 ").is_empty());
    }

    #[test]
    fn a_score_that_is_not_a_number_names_the_field() {
        let form = FormPairs(vec![("scores".into(), "90, 八十".into())]);
        let Err(WebError::Invalid(e)) = training_input(&form) else {
            panic!("taken");
        };
        assert_eq!(e.0[0].field, "scores");
        let form = FormPairs(vec![("scores".into(), "90，85 70".into())]);
        assert_eq!(
            training_input(&form).map(|i| i.scores).ok(),
            Some(vec![90.0, 85.0, 70.0])
        );
    }
}
