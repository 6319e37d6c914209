//! The unit ledger: the census import the page and the API share, and their API and pages.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use crate::http::state::AppState;
use axum::response::IntoResponse;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The import template in the reader's language.
pub(crate) async fn import_template_for(
    state: &AppState,
    t: &crate::http::i18n::Tr,
    actor: &safegrid_domain::access::Actor,
) -> Result<axum::response::Response, WebError> {
    let columns = crate::ops::import::template_columns();
    let headers: Vec<String> = columns.iter().map(|(_, key)| t.t(key).to_owned()).collect();
    let sectors = state.store.sectors().await?;
    let position = |field: &str| columns.iter().position(|(f, _)| *f == field).unwrap_or(0);
    let label =
        |prefix: &str, codes: &[&str]| codes.iter().map(|c| t.label(prefix, c)).collect::<Vec<_>>();
    // The villages the account may place units in, by town and name.
    let villages = vec![(
        position("region"),
        state.store.import_villages(actor).await?,
    )];
    let lists = vec![
        (
            position("sector"),
            sectors
                .iter()
                .map(|s| {
                    if t.locale == crate::http::i18n::Locale::En {
                        s.name_en.clone()
                    } else {
                        s.name_zh.clone()
                    }
                })
                .collect(),
        ),
        (
            position("supervision_grade"),
            vec!["A".to_owned(), "B".to_owned(), "C".to_owned()],
        ),
        (
            position("status"),
            label(
                "unit_status",
                &["operating", "suspended", "closed", "moved"],
            ),
        ),
        (
            position("standardisation"),
            label(
                "standardisation",
                &safegrid_domain::unit::record::STANDARDISATION,
            ),
        ),
        (
            position("is_key"),
            vec![
                t.t("units.bool.true").to_owned(),
                t.t("units.bool.false").to_owned(),
            ],
        ),
    ];
    let bytes = safegrid_office::template_xlsx(&headers, &lists, &villages).map_err(|e| {
        tracing::error!(error = %e, "template failed");
        WebError::Internal
    })?;
    let mut response = bytes.into_response();
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
    );
    response.headers_mut().insert(
        axum::http::header::CONTENT_DISPOSITION,
        axum::http::HeaderValue::from_static("attachment; filename=\"units-template.xlsx\""),
    );
    Ok(response)
}

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
/// The unit list's filters, as the API and the list page read them.
pub struct UnitQuery {
    /// A substring of the name or address, a USCC, or the pinyin initials of the name.
    pub q: Option<String>,
    /// Units in this division's subtree (12-digit code).
    pub region: Option<String>,
    /// Units this department supervises.
    pub department: Option<i64>,
    pub sector: Option<String>,
    /// A, B or C
    pub grade: Option<String>,
    /// Key supervised units only (true) or the others (false).
    #[serde(default, deserialize_with = "crate::http::extract::flag")]
    pub key: Option<bool>,
    /// operating, suspended, closed, moved
    pub status: Option<String>,
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

impl UnitQuery {
    pub(crate) fn filter(&self) -> Result<safegrid_store::UnitFilter, WebError> {
        if let Some(region) = self.region.as_deref().filter(|s| !s.is_empty()) {
            safegrid_domain::region::RegionCode::parse("region", region)?;
        }
        Ok(safegrid_store::UnitFilter {
            q: self.q.clone(),
            region: self.region.clone(),
            department: self.department,
            sector: self.sector.clone(),
            grade: self.grade.clone(),
            key: self.key,
            status: self.status.clone(),
        })
    }
}

/// Adds a unit (`id` none) or changes one: what the API's POST and PATCH and the unit form do.
pub(crate) async fn save_unit(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: Option<i64>,
    input: safegrid_store::UnitInput,
) -> Result<safegrid_store::UnitDetail, WebError> {
    Ok(match id {
        Some(id) => state.store.update_unit(actor, id, input).await?,
        None => state.store.create_unit(actor, input).await?,
    })
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportRowError {
    pub row: u32,
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ImportAnswer {
    pub total_rows: u32,
    pub imported: u32,
    /// The errors of the first 1,000 rows refused, in row order.
    pub errors: Vec<ImportRowError>,
    /// Every error, of every row refused.
    pub error_count: u64,
    /// Rows refused.
    pub refused_rows: u64,
    /// Whether `errors` stops short of them all; the whole list is at `errors_download`.
    pub errors_truncated: bool,
    /// Where this account's last import's whole error list is downloaded (`format=xlsx|csv`).
    pub errors_download: Option<String>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ModeQuery {
    /// dry_run, all_or_nothing (default) or valid_rows
    pub mode: Option<String>,
}

/// Reads the multipart upload (`file`, and `mode` as a field or in the query) and imports it.
pub(crate) async fn import_from(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::http::i18n::Tr,
    mode: Option<String>,
    multipart: axum::extract::Multipart,
) -> Result<ImportAnswer, WebError> {
    let form = crate::ops::upload::read(multipart, "file").await?;
    let mode = form.fields.get("mode").cloned().or(mode);
    import_file(state, actor, t, mode, form.file.map(|f| f.bytes)).await
}

/// Imports a spreadsheet of units in the given mode, reporting every refused row. One import
/// per account at a time; the file is read off the async threads within `office::limits`.
pub(crate) async fn import_file(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::http::i18n::Tr,
    mode: Option<String>,
    file: Option<Vec<u8>>,
) -> Result<ImportAnswer, WebError> {
    let mode = safegrid_store::ImportMode::parse("mode", mode.as_deref())?;
    let bytes = file.ok_or_else(|| safegrid_domain::Violation::new("file", "error.required"))?;
    let account = actor.account_id.unwrap_or_default();
    let _ticket = crate::ops::import::ImportDesk::start(&state.imports, account)
        .ok_or(WebError::ImportRunning)?;
    let started = std::time::Instant::now();
    let sectors = state.store.sectors().await?;
    let rows = tokio::task::spawn_blocking(move || {
        let table = safegrid_office::read_table(&bytes).map_err(|e| {
            use safegrid_office::ReadError;
            let limit = |key: &'static str, limit: u64| {
                safegrid_domain::Violation::new("file", key).with("limit", limit)
            };
            match e {
                ReadError::TooLarge {
                    what: "rows",
                    limit: n,
                } => limit("error.import_rows", n),
                ReadError::TooLarge {
                    what: "columns",
                    limit: n,
                } => limit("error.import_columns", n),
                ReadError::TooLarge {
                    what: "cells",
                    limit: n,
                } => limit("error.import_cells", n),
                ReadError::TooLarge { limit: n, .. } => limit("error.import_unpacked", n),
                ReadError::Unreadable | ReadError::Empty => {
                    safegrid_domain::Violation::new("file", "error.import_unreadable")
                }
            }
        })?;
        crate::ops::import::rows(&table, &sectors)
    })
    .await
    .map_err(|_| WebError::Internal)??;
    let read_ms = started.elapsed().as_millis();
    let read_rows = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    // A row the reader refused is checked by the store all the same, so its every error is
    // reported at once; it is never imported, and in all-or-nothing mode nothing is.
    let strict = mode == safegrid_store::ImportMode::AllOrNothing
        && rows.iter().any(|r| !r.reader_errors.is_empty());
    let store_mode = if strict {
        safegrid_store::ImportMode::DryRun
    } else {
        mode
    };
    let report = state.store.import_units(actor, rows, store_mode).await?;
    tracing::info!(
        rows = read_rows,
        imported = report.imported,
        read_ms,
        stored_ms = started.elapsed().as_millis(),
        "unit import"
    );
    let mut errors: Vec<ImportRowError> = report
        .errors
        .iter()
        .map(|e| ImportRowError {
            row: e.row,
            field: e.violation.field.clone(),
            message: crate::http::error::translate(t, &e.violation),
        })
        .collect();
    errors.sort_by_key(|e| e.row);
    let error_count = errors.len() as u64;
    let mut refused: Vec<u32> = errors.iter().map(|e| e.row).collect();
    refused.dedup();
    // The answer lists the errors of the first rows refused; the whole list is kept for the
    // account to download.
    let shown = match refused.get(crate::ops::import::ERROR_ROWS_SHOWN) {
        Some(first_hidden) => errors.partition_point(|e| e.row < *first_hidden),
        None => errors.len(),
    };
    let errors_truncated = shown < errors.len();
    let errors_download = (!errors.is_empty()).then(|| "/api/v1/units/import/errors".to_owned());
    if !errors.is_empty() {
        state.imports.keep(account, errors.clone());
    }
    errors.truncate(shown);
    Ok(ImportAnswer {
        total_rows: read_rows,
        imported: report.imported,
        errors,
        error_count,
        refused_rows: refused.len() as u64,
        errors_truncated,
        errors_download,
    })
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportFormat {
    /// xlsx (default) or csv
    pub format: Option<String>,
}

/// The account's last import's whole error list, as a table.
pub(crate) async fn import_errors_for(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    t: &crate::http::i18n::Tr,
    format: Option<&str>,
) -> Result<axum::response::Response, WebError> {
    let rows: Vec<Vec<String>> = state
        .imports
        .report(actor.account_id.unwrap_or_default())
        .ok_or(WebError::NotFound)?
        .into_iter()
        .map(|mut r| {
            // The field as the page names it (统一社会信用代码), not as the API does (uscc).
            if let Some(field) = r.get_mut(1) {
                *field = t.t(&format!("field.{field}")).to_owned();
            }
            r
        })
        .collect();
    let headers: Vec<String> = ["import.row", "import.column", "import.problem"]
        .iter()
        .map(|k| t.t(k).to_owned())
        .collect();
    let heading = crate::ops::export::Heading::of(
        &state.store,
        actor,
        *t,
        "import-errors",
        t.t("import.errors_title"),
    )
    .await;
    crate::ops::export::table(&heading, &headers, &rows, format.unwrap_or("xlsx"))
}
