//! The report form, for supervisors and units (the full form) and village members (the phone
//! page): the unit found by name, address, credit code or pinyin initials as one types, or an
//! unregistered site placed by choosing its town and village.

use crate::http::auth::{CsrfUpload, PageUser};
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::{TownChoice, UnitPicker};
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_domain::hazard::lifecycle::Party;
use safegrid_store::{HazardInput, Unit};
use serde::Deserialize;

/// The report form, for supervisors and units (the full form) and village members (the phone
/// page): the same fields, the village page with fewer of them.
#[derive(Template)]
#[template(path = "hazard_report.html")]
struct ReportPage {
    t: Tr,
    chrome: Chrome,
    party: &'static str,
    units: Vec<Unit>,
    unit: Option<Unit>,
    /// The unit's own grid, to say where in the unit.
    nodes: Vec<safegrid_store::GridNode>,
    sources: Vec<(&'static str, String)>,
    values: Vec<(String, String)>,
    errors: FormErrors,
    village: Option<String>,
    /// The unit search typed, and the units it found.
    q: String,
    found: Vec<Unit>,
    /// Towns with their villages, to place an unregistered site.
    places: Vec<TownChoice>,
}

impl ReportPage {
    pub fn v(&self, name: &str) -> String {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    }
}

#[derive(Deserialize, Default)]
pub struct ReportQuery {
    pub unit: Option<String>,
    /// Finds the unit by name, address, credit code or pinyin initials.
    pub q: Option<String>,
}

async fn report_page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit: Option<i64>,
    q: String,
    values: Vec<(String, String)>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let party = Party::of(user.actor.role);
    if party == Party::Reader {
        return Err(WebError::Forbidden);
    }
    let unit = match unit {
        Some(id) => Some(state.store.unit(&user.actor, id).await?.unit),
        None => None,
    };
    // A village member or a unit picks from its units; others come from a unit's page or
    // search for it.
    let list = party == Party::Village || party == Party::Unit;
    let picker = UnitPicker::load(state, user, unit.as_ref(), list, &q).await?;
    let sources = safegrid_domain::hazard::HazardSource::ALL
        .into_iter()
        .filter(|s| safegrid_domain::hazard::lifecycle::may_report(party, *s))
        .map(|s| (s.as_str(), t.label("hazard_source_name", s.as_str())))
        .collect();
    let status = crate::pages::status_of(&errors);
    render_with(
        status,
        &ReportPage {
            chrome: Chrome::new(&t, user, "hazards"),
            party: match party {
                Party::Village => "village",
                Party::Unit => "unit",
                _ => "supervisor",
            },
            t,
            units: picker.units,
            unit,
            nodes: picker.nodes,
            sources,
            values,
            errors,
            village: picker.village,
            q,
            found: picker.found,
            places: picker.places,
        },
    )
}

pub async fn report_form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<ReportQuery>,
) -> Result<Response, WebError> {
    let unit = q.unit.as_deref().and_then(|u| u.parse().ok());
    let search = q.q.unwrap_or_default();
    report_page(
        &state,
        t,
        &user,
        unit,
        search,
        Vec::new(),
        FormErrors::default(),
    )
    .await
}

/// Takes the report form (multipart: the fields and, from phones, a photo). The form reads
/// into the API's input type, and the hazard and its photo are kept in one transaction.
pub async fn report(
    State(state): State<AppState>,
    t: Tr,
    CsrfUpload { user, upload }: CsrfUpload,
) -> Result<Response, WebError> {
    let values: Vec<(String, String)> = upload.pairs().0;
    let unit = upload.id("unit_id").ok().flatten();
    let made = async {
        let mut input: HazardInput = upload.form()?;
        // A village member is not asked to judge the level: the supervisor does on acceptance.
        input.level.get_or_insert_with(|| "general".to_owned());
        let photo = crate::ops::upload::photo_file(&upload).await?;
        Ok::<_, WebError>(
            state
                .store
                .report_hazard_with_photos(&user.actor, input, photo.into_iter().collect())
                .await?,
        )
    }
    .await;
    outcome(
        t,
        made,
        async |made| see_other(format!("/hazards/{}", made.hazard.id)),
        async |errors| report_page(&state, t, &user, unit, String::new(), values, errors).await,
    )
    .await
}
