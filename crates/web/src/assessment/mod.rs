//! The annual assessment of towns and departments (R-ASSESS-1): each party's points by the
//! county's scheme, with the figures behind them and what it missed.

pub mod api;
pub mod pages;

use crate::http::error::WebError;
use safegrid_domain::Violation;
use safegrid_store::assessment::Assessed;
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

#[derive(Debug, Default, Clone, Deserialize, Serialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// The year assessed (2000 to this year); this year when absent, as far as it has gone.
    pub year: Option<String>,
}

impl AssessmentQuery {
    pub(crate) fn year(&self) -> Result<i32, WebError> {
        match self
            .year
            .as_deref()
            .map(str::trim)
            .filter(|y| !y.is_empty())
        {
            None => Ok(chrono::Datelike::year(&safegrid_domain::time::today())),
            Some(raw) => raw
                .parse::<i32>()
                .map_err(|_| Violation::new("year", "error.number").into()),
        }
    }
}

/// The party a path names: `towns/{code}` or `departments/{id}`; anything else is not found.
pub(crate) fn party(kind: &str, key: &str) -> Result<Assessed, WebError> {
    match kind {
        "towns" => safegrid_domain::duty::RegionCodeKey::new(key.trim())
            .map(Assessed::Town)
            .ok_or(WebError::NotFound),
        "departments" => Ok(Assessed::Department(crate::http::answer::parse_id(key)?)),
        _ => Err(WebError::NotFound),
    }
}
