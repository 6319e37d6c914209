//! What every API handler shares: the answer type, ids in paths, pages of a list, and the
//! format an export answers with.

use crate::http::error::WebError;
use axum::Json;
use safegrid_store::Page;
use serde::Deserialize;
use utoipa::IntoParams;

pub(crate) type ApiResult<T> = Result<Json<T>, WebError>;

pub(crate) fn whole<T>(items: Vec<T>) -> Page<T> {
    let n = items.len() as u64;
    Page {
        total: n as i64,
        page: 1,
        per_page: n.max(1),
        items,
    }
}

/// Ids in paths are parsed here so a malformed one answers 404 like a missing one.
pub(crate) fn parse_id(raw: &str) -> Result<i64, WebError> {
    raw.trim().parse::<i64>().map_err(|_| WebError::NotFound)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<u64>,
    pub per_page: Option<u64>,
}

/// Which file an export answers with; every export, API and page, reads it.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    /// xlsx (default) or csv
    pub format: Option<String>,
    /// `1`: the print view, an HTML page for people (the ledger as the paper form, A4
    /// landscape), so not part of the API's description.
    #[param(ignore)]
    pub print: Option<String>,
}

impl FormatQuery {
    pub fn format(&self) -> &str {
        if self.printing() {
            return "print";
        }
        self.format.as_deref().unwrap_or("xlsx")
    }

    /// Whether the print view is asked for.
    pub fn printing(&self) -> bool {
        matches!(
            self.print.as_deref().map(str::trim),
            Some("1" | "true" | "on")
        )
    }
}
