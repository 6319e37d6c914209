//! The accident ledger as a file (or its print view): a county records a few dozen a year,
//! read a page at a time.

use crate::http::error::WebError;
use crate::http::i18n::Tr;
use axum::response::Response;
use safegrid_domain::access::Actor;
use safegrid_domain::time::format_local;
use safegrid_store::{AccidentFilter, Store};

/// The accidents in scope matching the filter, as `xlsx`, `csv` or `print`.
pub async fn accidents(
    store: &Store,
    actor: &Actor,
    t: Tr,
    filter: &AccidentFilter,
    format: &str,
) -> Result<Response, WebError> {
    let format = super::format_of(format)?;
    let items = super::every_page(|page| store.accidents(actor, filter, page)).await?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|a| {
            vec![
                format_local(a.occurred_at),
                a.unit_name.clone().unwrap_or_default(),
                a.region_name.clone().unwrap_or_default(),
                t.label("accident_kind", a.kind.as_str()),
                t.label("accident_level", a.level.as_str()),
                a.deaths.to_string(),
                a.missing.to_string(),
                a.serious_injuries.to_string(),
                a.direct_loss_yuan.to_string(),
                a.description.clone(),
                format_local(a.reported_at),
                a.overdue_steps.to_string(),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "accidents.occurred_at",
        "hazard_sources.unit",
        "units.village",
        "accidents.kind",
        "accidents.level",
        "accidents.deaths",
        "accidents.missing",
        "accidents.serious_injuries",
        "accidents.direct_loss_yuan",
        "accidents.description",
        "accidents.reported_at",
        "accidents.overdue_levels",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let heading = super::Heading::of(store, actor, t, "accidents", t.t("accidents.title")).await;
    super::table(&heading, &headers, &rows, format)
}
