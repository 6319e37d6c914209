//! Recording an inspection on a phone: find the unit, then walk its checklist (the general
//! list and the unit's sector's) one item at a time — compliant, a hazard, or not applicable —
//! with a description, deadline and photo for each finding. The form reads into the API's
//! `InspectionInput`; the inspection, its items and its findings with their photos are kept in
//! one transaction.

use super::ledger::enforces;
use crate::http::auth::{CsrfUpload, PageUser};
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::ops::upload::{Upload, named_photo};
use crate::pages::{Chrome, FormErrors, outcome, render_with, see_other};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use safegrid_domain::Invalid;
use safegrid_domain::inspection::checklist::{ChecklistItem, GENERAL};
use safegrid_domain::inspection::{FindingInput, InspectionInput, ItemInput, MAX_ITEMS};
use safegrid_store::{PageRequest, Unit, UnitFilter};
use serde::Deserialize;
use std::collections::HashMap;

#[derive(Deserialize, Default)]
pub struct RecordQuery {
    pub unit: Option<String>,
    /// A unit search: name, address, USCC or pinyin initials.
    pub q: Option<String>,
}

#[derive(Template)]
#[template(path = "inspection_new.html")]
struct RecordPage {
    t: Tr,
    chrome: Chrome,
    unit: Option<Unit>,
    /// Units found by the search, when no unit is chosen yet.
    found: Vec<Unit>,
    q: String,
    checklist: Vec<ChecklistItem>,
    values: HashMap<String, String>,
    errors: FormErrors,
    today: String,
}

impl RecordPage {
    pub fn v(&self, name: &str) -> String {
        self.values.get(name).cloned().unwrap_or_default()
    }

    /// Whether item `i` was given `result` when the form comes back.
    pub fn picked(&self, i: &&usize, result: &str) -> bool {
        self.values.get(&format!("result_{i}")).map(String::as_str) == Some(result)
    }

    /// A field of item `i` as typed, or its default.
    pub fn vi(&self, field: &str, i: &&usize, default: &str) -> String {
        self.values
            .get(&format!("{field}_{i}"))
            .cloned()
            .unwrap_or_else(|| default.to_owned())
    }
}

async fn page(
    state: &AppState,
    t: Tr,
    user: &PageUser,
    unit: Option<i64>,
    q: String,
    values: HashMap<String, String>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    if !enforces(user) {
        return Err(WebError::Forbidden);
    }
    let unit = match unit {
        Some(id) => Some(state.store.unit(&user.actor, id).await?.unit),
        None => None,
    };
    let found = match (&unit, q.trim()) {
        (None, search) if !search.is_empty() => {
            state
                .store
                .units(
                    &user.actor,
                    &UnitFilter {
                        q: Some(search.to_owned()),
                        ..UnitFilter::default()
                    },
                    PageRequest::new(Some(1), Some(20)),
                )
                .await?
                .items
        }
        _ => Vec::new(),
    };
    let mut checklist = Vec::new();
    if let Some(u) = &unit {
        checklist = state.store.checklist(&user.actor, GENERAL).await?.items;
        if let Some(sector) = &u.sector_code {
            // A sector without a list of its own is walked with the general list alone.
            match state.store.checklist(&user.actor, sector).await {
                Ok(own) => checklist.extend(own.items),
                Err(safegrid_store::StoreError::NotFound) => {}
                Err(e) => return Err(e.into()),
            }
        }
        checklist.truncate(MAX_ITEMS);
    }
    let mut values = values;
    values
        .entry("inspectors".to_owned())
        .or_insert_with(|| user.account.display_name.clone());
    render_with(
        crate::pages::status_of(&errors),
        &RecordPage {
            chrome: Chrome::new(&t, user, "inspections"),
            today: safegrid_domain::time::today().to_string(),
            t,
            unit,
            found,
            q,
            checklist,
            values,
            errors,
        },
    )
}

pub async fn form(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<RecordQuery>,
) -> Result<Response, WebError> {
    let unit = q.unit.as_deref().and_then(|u| u.trim().parse().ok());
    let search = q.q.unwrap_or_default();
    page(
        &state,
        t,
        &user,
        unit,
        search,
        HashMap::new(),
        FormErrors::default(),
    )
    .await
}

/// The inspection as the form gives it, with the form's item index of each finding.
fn input_of(upload: &Upload) -> Result<(InspectionInput, Vec<usize>), WebError> {
    let inspectors = upload
        .field("inspectors")
        .unwrap_or_default()
        .split(|c: char| matches!(c, ',' | '，' | '、' | ';' | '；') || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    let mut input = InspectionInput {
        unit_id: upload.id("unit_id")?,
        inspected_on: upload.field("inspected_on"),
        inspectors,
        enforcement: Some(upload.field("enforcement").is_some()),
        summary: upload.field("summary"),
        ..InspectionInput::default()
    };
    let mut finding_items = Vec::new();
    for i in 0..MAX_ITEMS {
        let Some(item) = upload.field(&format!("item_{i}")) else {
            break;
        };
        // An item left without a result was not checked.
        let Some(result) = upload.field(&format!("result_{i}")) else {
            continue;
        };
        let note = upload.field(&format!("note_{i}"));
        if result == "hazard" {
            input.hazards.push(FindingInput {
                description: upload
                    .field(&format!("finding_{i}"))
                    .or_else(|| note.clone().map(|n| format!("{item}：{n}")))
                    .or_else(|| Some(item.clone())),
                // The form's select starts at general; a form without it means the same.
                level: upload
                    .field(&format!("level_{i}"))
                    .or_else(|| Some("general".to_owned())),
                deadline: upload.field(&format!("deadline_{i}")),
                ..FindingInput::default()
            });
            finding_items.push(i);
        }
        input.items.push(ItemInput {
            checklist_item_id: None,
            item: Some(item),
            result: Some(result),
            note,
        });
    }
    Ok((input, finding_items))
}

/// Faults of finding `k` name the checklist item it came from (`items[i].deadline`), so the
/// message says which item of the walk to look at again.
fn by_item(e: WebError, finding_items: &[usize]) -> WebError {
    let WebError::Invalid(Invalid(faults)) = e else {
        return e;
    };
    let renamed = faults
        .into_iter()
        .map(|mut v| {
            if let Some(rest) = v.field.strip_prefix("hazards[")
                && let Some((k, sub)) = rest.split_once("].")
                && let Some(i) = k.parse::<usize>().ok().and_then(|k| finding_items.get(k))
            {
                v.field = format!("items[{i}].{sub}");
            }
            if let Some(i) = v.field.strip_prefix("photo_") {
                v.field = format!("items[{i}].photo");
            }
            v
        })
        .collect();
    WebError::Invalid(Invalid(renamed))
}

/// Takes the walked checklist (multipart: the fields and a photo per finding).
pub async fn record(
    State(state): State<AppState>,
    t: Tr,
    CsrfUpload { user, upload }: CsrfUpload,
) -> Result<Response, WebError> {
    let values: HashMap<String, String> = upload
        .fields
        .iter()
        .filter(|(k, _)| k.as_str() != "csrf")
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let unit = upload.id("unit_id").ok().flatten();
    let (made, finding_items) = match input_of(&upload) {
        Ok((input, finding_items)) => {
            let made = async {
                let mut photos = Vec::with_capacity(finding_items.len());
                for i in &finding_items {
                    photos.push(named_photo(&upload, &format!("photo_{i}")).await?);
                }
                Ok::<_, WebError>(
                    state
                        .store
                        .record_inspection_with_photos(&user.actor, input, photos)
                        .await?,
                )
            }
            .await;
            (made, finding_items)
        }
        Err(e) => (Err(e), Vec::new()),
    };
    outcome(
        t,
        made.map_err(|e| by_item(e, &finding_items)),
        async |made| see_other(format!("/inspections/{}", made.inspection.id)),
        async |errors| page(&state, t, &user, unit, String::new(), values, errors).await,
    )
    .await
}
