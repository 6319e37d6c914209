//! The register of three-post certificates as a file (or its print view): a county holds a
//! few thousand, read a page at a time.

use crate::http::error::WebError;
use crate::http::i18n::Tr;
use axum::response::Response;
use safegrid_domain::access::Actor;
use safegrid_store::{CertificateFilter, Store};

/// The certificates in scope matching the filter, as `xlsx`, `csv` or `print`.
pub async fn certificates(
    store: &Store,
    actor: &Actor,
    t: Tr,
    filter: &CertificateFilter,
    format: &str,
) -> Result<Response, WebError> {
    let format = super::format_of(format)?;
    let items = super::every_page(|page| store.certificates(actor, filter, page)).await?;
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|c| {
            vec![
                c.unit_name.clone(),
                c.region_name.clone().unwrap_or_default(),
                c.holder.clone(),
                t.label("certificate_kind", c.kind.as_str()),
                c.category
                    .as_deref()
                    .map(|k| t.label("special_operation", k))
                    .unwrap_or_default(),
                c.number.clone(),
                c.issued_on.to_string(),
                c.expires_on.to_string(),
                c.review_due.to_string(),
            ]
        })
        .collect();
    let headers: Vec<String> = [
        "hazard_sources.unit",
        "units.village",
        "certificates.holder",
        "certificates.kind",
        "certificates.category",
        "certificates.number",
        "certificates.issued_on",
        "certificates.expires_on",
        "certificates.review_due",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let heading =
        super::Heading::of(store, actor, t, "certificates", t.t("certificates.title")).await;
    super::table(&heading, &headers, &rows, format)
}
