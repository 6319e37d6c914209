//! The unit ledger's pages: the list with filters and a unit's record, the form to add or
//! change one, the census import, and the coverage audit.

mod form;
mod import;
mod list;

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use safegrid_store::{RegionNode, Sector};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/units", get(list::list).post(form::create))
        .route("/units/new", get(form::new_form))
        .route(
            "/units/import",
            get(import::import_form)
                .post(import::import)
                .layer(DefaultBodyLimit::max(crate::IMPORT_LIMIT)),
        )
        .route("/units/import/template", get(import::import_template))
        .route("/units/import/errors", get(import::import_errors))
        .route("/units/export", get(list::export))
        .route("/units/{id}", get(list::show).post(form::update))
        .route("/units/{id}/edit", get(form::edit_form))
        .route("/coverage", get(list::coverage))
}

pub(crate) fn grades(t: &Tr) -> Vec<(&'static str, String)> {
    ["A", "B", "C"]
        .into_iter()
        .map(|g| (g, t.label("grade", g)))
        .collect()
}

pub(crate) fn sector_label(t: &Tr, sectors: &[Sector], code: &str) -> String {
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
