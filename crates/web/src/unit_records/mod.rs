//! What a unit keeps on record: its hazard sources (GB 18218), documents, own grid and
//! management systems, and the county's grading rule — API and pages.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use chrono::NaiveDate;
use safegrid_domain::Violation;
use safegrid_domain::tenure::parse_date;
use safegrid_store::HazardSourceFilter;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The hazard-source register's filters, as the API and the register page read them.
pub struct HazardSourceQuery {
    /// Sources of units in this division's subtree (a town's list).
    pub region: Option<String>,
    /// Sources of units this department supervises (a department's list).
    pub department: Option<i64>,
    pub unit: Option<i64>,
    /// 1–4
    pub level: Option<i32>,
    /// Major hazard sources only (true), or sites found not to be one (false).
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub major: Option<bool>,
    /// Next identification due on or before this day (YYYY-MM-DD).
    pub due_by: Option<String>,
    /// Include retired sources.
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub retired: Option<bool>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl HazardSourceQuery {
    pub(crate) fn filter(&self) -> Result<HazardSourceFilter, WebError> {
        let due_by: Option<NaiveDate> = match self.due_by.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(parse_date("due_by", raw)?),
        };
        if let Some(l) = self.level
            && !(1..=4).contains(&l)
        {
            return Err(Violation::new("level", "error.hazard_level").into());
        }
        Ok(HazardSourceFilter {
            region: self.region.clone().filter(|s| !s.trim().is_empty()),
            department: self.department,
            unit: self.unit,
            level: self.level,
            major: self.major,
            due_by,
            retired: self.retired,
        })
    }
}

/// Records a hazard source (`id` none) or changes one: what the API's POST and PATCH and the
/// identification form do. S, R, the level and the unit's grade follow in the store.
pub(crate) async fn save_hazard_source(
    state: &crate::http::state::AppState,
    actor: &safegrid_domain::access::Actor,
    id: Option<i64>,
    input: safegrid_store::HazardSourceInput,
) -> Result<safegrid_store::HazardSourceDetail, WebError> {
    Ok(match id {
        Some(id) => state.store.update_hazard_source(actor, id, input).await?,
        None => state.store.create_hazard_source(actor, input).await?,
    })
}

/// An upload form read into a new document of the unit: what the API and the unit's pages
/// (its grid, systems and archive, a hazard source's papers) take.
pub(crate) fn new_document(
    unit: i64,
    upload: crate::ops::upload::Upload,
) -> Result<safegrid_store::NewDocument, WebError> {
    let node_id = upload.id("node_id")?;
    let hazard_source_id = upload.id("hazard_source_id")?;
    let kind = upload.field("kind").unwrap_or_default();
    let system = upload.field("system");
    let title = upload.field("title");
    let file = upload
        .file
        .ok_or_else(|| Violation::new("file", "error.required"))?;
    Ok(safegrid_store::NewDocument {
        unit_id: unit,
        kind,
        system,
        node_id,
        hazard_source_id,
        title,
        file_name: file.file_name,
        media_type: file.media_type,
        bytes: file.bytes,
    })
}

/// A document's file in the reader's scope, served with the type sniffed at upload (the page's
/// download link and the API's `/documents/{id}/file`).
pub(crate) async fn serve_document(
    state: &crate::http::state::AppState,
    actor: &safegrid_domain::access::Actor,
    id: &str,
) -> Result<axum::response::Response, WebError> {
    let id = crate::http::answer::parse_id(id)?;
    let (doc, path) = state.store.document_file(actor, id).await?;
    crate::ops::upload::serve(&path, &doc.media_type, &doc.file_name).await
}
