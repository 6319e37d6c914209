//! Ledgers as files: units (摸底统计 out, in the import template's columns so an export can
//! be edited and imported again) and hazards are long, so they are fetched a batch at a time
//! and streamed; registers and reports are small tables built whole.

mod accidents;
mod certificates;
mod inspections;
mod sheet;

pub use accidents::accidents;
pub use certificates::certificates;
pub use inspections::{enforcement, inspections, party_name};
pub(crate) use sheet::scope_name;
pub use sheet::{Heading, PRINT_ROWS};

use crate::http::error::WebError;
use crate::http::i18n::{Locale, Tr};
use axum::body::{Body, Bytes};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use safegrid_domain::access::Actor;
use safegrid_domain::time::format_local;
use safegrid_store::{PageRequest, Sector, Store, StoreError, Unit, UnitFilter};
use std::sync::Arc;

/// Rows fetched per batch while exporting.
pub(super) const BATCH: u64 = 2_000;

/// The ledger's columns: the field each holds and its header's message key.
pub const UNIT_COLUMNS: &[(&str, &str)] = &[
    ("name", "field.name"),
    ("uscc", "field.uscc"),
    ("no_uscc_reason", "field.no_uscc_reason"),
    ("legal_rep", "field.legal_rep"),
    ("principal", "field.principal"),
    ("safety_manager", "field.safety_manager"),
    ("phone", "field.phone"),
    ("address", "field.address"),
    ("region", "units.village_code"),
    ("region_name", "units.village"),
    ("industry", "field.industry"),
    ("sector", "field.sector"),
    ("employees", "field.employees"),
    ("standardisation", "field.standardisation"),
    ("status", "field.status"),
    ("supervision_grade", "field.supervision_grade"),
    ("is_key", "field.is_key"),
    ("key_reason", "field.key_reason"),
];

pub fn headers(t: &Tr) -> Vec<String> {
    UNIT_COLUMNS
        .iter()
        .map(|(_, key)| t.t(key).to_owned())
        .collect()
}

pub(crate) fn sector_name(t: &Tr, sectors: &[Sector], code: &str) -> String {
    sectors.iter().find(|s| s.code == code).map_or_else(
        || code.to_owned(),
        |s| {
            if t.locale == Locale::En {
                s.name_en.clone()
            } else {
                s.name_zh.clone()
            }
        },
    )
}

/// A unit as a row of the ledger, in the reader's language.
pub fn row(t: &Tr, sectors: &[Sector], u: &Unit) -> Vec<String> {
    let o = |v: &Option<String>| v.clone().unwrap_or_default();
    vec![
        u.name.clone(),
        o(&u.uscc),
        o(&u.no_uscc_reason),
        o(&u.legal_rep),
        o(&u.principal),
        o(&u.safety_manager),
        o(&u.phone),
        o(&u.address),
        o(&u.region),
        o(&u.region_name),
        o(&u.industry_code),
        u.sector_code
            .as_deref()
            .map(|c| sector_name(t, sectors, c))
            .unwrap_or_default(),
        u.employees.map(|n| n.to_string()).unwrap_or_default(),
        u.standardisation
            .as_deref()
            .map(|s| t.label("standardisation", s))
            .unwrap_or_default(),
        t.label("unit_status", u.status),
        u.supervision_grade.to_string(),
        if u.is_key {
            t.t("units.bool.true").to_owned()
        } else {
            t.t("units.bool.false").to_owned()
        },
        o(&u.key_reason),
    ]
}

/// The file format asked for: `xlsx`, `csv` or `print` (the print view, also asked for with
/// `print=1`), anything else refused naming `format`.
/// Every row of a paginated list, read a page at a time (`fetch` reads one page): for the
/// ledgers a county holds in thousands, not millions (those stream, see `units`).
pub async fn every_page<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, WebError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = Result<safegrid_store::Page<T>, StoreError>>,
{
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let batch = fetch(PageRequest::new(
            Some(page),
            Some(PageRequest::MAX_PER_PAGE),
        ))
        .await?;
        let last = batch.page >= batch.pages();
        rows.extend(batch.items);
        if last {
            return Ok(rows);
        }
        page += 1;
    }
}

pub fn format_of(raw: &str) -> Result<&'static str, WebError> {
    match raw.trim() {
        "" | "xlsx" => Ok("xlsx"),
        "csv" => Ok("csv"),
        "print" => Ok("print"),
        _ => Err(
            safegrid_domain::Invalid::from(safegrid_domain::invalid::Violation::new(
                "format",
                "error.file_format",
            ))
            .into(),
        ),
    }
}

/// Marks a response as a file download named `name.ext`, with `stem.ext` for old browsers.
fn attachment(response: &mut Response, mime: &'static str, (stem, name): (&str, &str), ext: &str) {
    let h = response.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    let ascii = format!("{stem}.{ext}");
    let encoded: String =
        form_urlencoded::byte_serialize(format!("{name}.{ext}").as_bytes()).collect();
    if let Ok(v) = HeaderValue::from_str(&format!(
        "attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}"
    )) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
}

/// Streams the units in scope matching the filter as `csv` or `xlsx`.
pub async fn units(
    store: Store,
    actor: Actor,
    t: Tr,
    filter: UnitFilter,
    format: &str,
) -> Result<Response, WebError> {
    let heading = Heading::of(&store, &actor, t, "units", t.t("units.title")).await;
    let sectors = Arc::new(store.sectors().await?);
    let filter = Arc::new(filter);
    let next = move |after: i64| {
        let (store, actor, filter, sectors) = (
            store.clone(),
            actor.clone(),
            filter.clone(),
            sectors.clone(),
        );
        async move {
            let batch = store.units_after(&actor, &filter, after, BATCH).await?;
            let last = batch.last().map(|u| u.id);
            let rows = batch.iter().map(|u| row(&t, &sectors, u)).collect();
            Ok((rows, last))
        }
    };
    batched(format, headers(&t), heading, next).await
}

/// The register of major hazard sources in scope matching the filter, as `csv` or `xlsx`:
/// a county holds dozens to hundreds, so the file is built whole.
pub async fn hazard_sources(
    store: &Store,
    actor: &Actor,
    t: &Tr,
    filter: &safegrid_store::HazardSourceFilter,
    format: &str,
) -> Result<Response, WebError> {
    let headers: Vec<String> = [
        "hazard_sources.unit",
        "units.village_code",
        "hazard_sources.site",
        "hazard_sources.level",
        "field.people_within_500m",
        "field.substances",
        "field.identified_on",
        "hazard_sources.next_due",
        "field.filed_on",
        "field.measures",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let mut rows = Vec::new();
    let mut page = 1;
    loop {
        let batch = store
            .hazard_sources(
                actor,
                filter,
                safegrid_store::PageRequest::new(
                    Some(page),
                    Some(safegrid_store::PageRequest::MAX_PER_PAGE),
                ),
            )
            .await?;
        let ids: Vec<i64> = batch.items.iter().map(|s| s.id).collect();
        let mut substances_of = store.hazard_source_substances(actor, &ids).await?;
        for s in &batch.items {
            let substances: Vec<String> = substances_of
                .remove(&s.id)
                .unwrap_or_default()
                .iter()
                .map(|x| format!("{} {} t / {} t, β {}", x.name, x.q, x.critical_q, x.beta))
                .collect();
            rows.push(vec![
                s.unit_name.clone(),
                s.region.clone().unwrap_or_default(),
                s.name.clone(),
                match s.level {
                    Some(l) => t.label("hazard_level", l.to_string()),
                    None => t.t("hazard_sources.not_major").to_owned(),
                },
                s.people_within_500m.to_string(),
                substances.join("；"),
                s.identified_on.to_string(),
                s.next_due.to_string(),
                s.filed_on.map(|d| d.to_string()).unwrap_or_default(),
                s.measures.clone().unwrap_or_default(),
            ]);
        }
        if batch.page >= batch.pages() {
            break;
        }
        page += 1;
    }
    let heading = Heading::of(
        store,
        actor,
        *t,
        "hazard-sources",
        t.t("hazard_sources.title"),
    )
    .await;
    table(&heading, &headers, &rows, format)
}

/// The hazard ledger's columns: the hazard, then its way (who did what when).
const HAZARD_COLUMNS: &[&str] = &[
    "hazards.one",
    "hazard_sources.unit",
    "units.village",
    "field.source",
    "hazards.level",
    "field.category",
    "field.description",
    "hazards.found_at",
    "field.responsible_person",
    "field.deadline",
    "hazards.measures",
    "field.cost_yuan",
    "hazards.state",
    "hazards.overdue",
    "hazards.export.reported",
    "hazards.export.accepted",
    "hazards.export.completed",
    "hazards.export.closed",
    "hazards.timeline",
];

fn hazard_row(
    t: &Tr,
    h: &safegrid_store::Hazard,
    timeline: &[safegrid_store::HazardEvent],
) -> Vec<String> {
    // The system's own steps (the deadline sweep) are named in the reader's language.
    let who = |e: &safegrid_store::HazardEvent| {
        if e.actor_name == "system" {
            t.t("hazards.by_system").to_owned()
        } else if e.on_behalf {
            format!("{} · {}", e.actor_name, t.t("hazards.on_behalf"))
        } else {
            e.actor_name.clone()
        }
    };
    let step = |action: &str| {
        timeline
            .iter()
            .rev()
            .find(|e| e.action == action)
            .map(|e| format!("{} {}", format_local(e.at), who(e)))
            .unwrap_or_default()
    };
    let way: Vec<String> = timeline
        .iter()
        .map(|e| {
            let mut line = format!(
                "{} {} {}",
                format_local(e.at),
                who(e),
                t.label("hazard_action", &e.action)
            );
            if let Some(c) = &e.comment {
                line.push_str(t.t("punct.colon"));
                line.push_str(c);
            }
            line
        })
        .collect();
    let yes_no = |b: bool| {
        t.t(if b {
            "units.bool.true"
        } else {
            "units.bool.false"
        })
        .to_owned()
    };
    vec![
        h.id.to_string(),
        h.unit_name.clone().unwrap_or_default(),
        h.region_name.clone().unwrap_or_default(),
        t.label("hazard_source_name", h.source),
        t.label("hazard_level_name", h.level),
        h.category.clone().unwrap_or_default(),
        h.description.clone(),
        format_local(h.found_at),
        h.responsible_person.clone().unwrap_or_default(),
        h.deadline.map(|d| d.to_string()).unwrap_or_default(),
        h.measures.clone().unwrap_or_default(),
        h.cost_yuan.map(|c| c.to_string()).unwrap_or_default(),
        t.label("hazard_state", h.state),
        yes_no(h.overdue),
        step("report"),
        step("accept"),
        step("complete"),
        step("verify"),
        way.join("\n"),
    ]
}

/// The hazards in scope matching the filter, with their whole way, as `csv` or `xlsx`.
pub async fn hazards(
    store: Store,
    actor: Actor,
    t: Tr,
    filter: safegrid_store::HazardFilter,
    format: &str,
) -> Result<Response, WebError> {
    // The whole way of each hazard is the workbook's; a printed page cannot hold it.
    let heading = Heading::of(&store, &actor, t, "hazards", t.t("hazards.title"))
        .await
        .not_printing(&[HAZARD_COLUMNS.len() - 1]);
    let filter = Arc::new(filter);
    let next = move |after: i64| {
        let (store, actor, filter) = (store.clone(), actor.clone(), filter.clone());
        async move {
            let batch = store.hazards_after(&actor, &filter, after, BATCH).await?;
            let ids: Vec<i64> = batch.iter().map(|h| h.id).collect();
            let timelines = store.hazard_timelines(&actor, &ids).await?;
            let rows = batch
                .iter()
                .map(|h| hazard_row(&t, h, timelines.get(&h.id).map_or(&[], Vec::as_slice)))
                .collect();
            Ok((rows, ids.last().copied()))
        }
    };
    let headers = HAZARD_COLUMNS.iter().map(|k| t.t(k).to_owned()).collect();
    batched(format, headers, heading, next).await
}

const AUDIT_COLUMNS: &[&str] = &[
    "audit.at",
    "audit.who",
    "audit.action",
    "audit.object",
    "audit.from",
    "audit.outcome",
    "audit.detail",
    "audit.chain",
    "audit.hash",
];

/// The audit records matching the query's filters, oldest first, with each record's chain and
/// hash so the file can be checked against the log. Only the audit administrator gets one: the
/// store refuses the first batch, which is read before answering.
pub async fn audit(
    store: Store,
    actor: Actor,
    t: Tr,
    query: &crate::audit::AuditQuery,
) -> Result<Response, WebError> {
    let filter = Arc::new(query.filter()?);
    let format = query.format.as_deref().unwrap_or("xlsx");
    let heading = Heading::of(&store, &actor, t, "audit", t.t("nav.audit")).await;
    let next = move |after: i64| {
        let (store, actor, filter) = (store.clone(), actor.clone(), filter.clone());
        async move {
            let batch = store.audit_after(&actor, &filter, after, BATCH).await?;
            let rows = batch
                .iter()
                .map(|e| {
                    vec![
                        format_local(e.at),
                        e.username.clone().unwrap_or_default(),
                        t.label("audit_action", &e.action),
                        format!(
                            "{}{}",
                            e.object_type,
                            e.object_id
                                .as_deref()
                                .map(|o| format!(" #{o}"))
                                .unwrap_or_default()
                        ),
                        e.ip.clone().unwrap_or_default(),
                        t.t(if e.outcome == "ok" {
                            "audit.ok"
                        } else {
                            "audit.denied"
                        })
                        .to_owned(),
                        e.detail.clone().unwrap_or_default(),
                        e.chain.clone(),
                        e.hash.clone(),
                    ]
                })
                .collect();
            Ok((rows, batch.last().map(|e| e.id)))
        }
    };
    let headers = AUDIT_COLUMNS.iter().map(|k| t.t(k).to_owned()).collect();
    batched(format, headers, heading, next).await
}

/// A long list as a file, fetched a batch at a time by `next(after)`, which answers the
/// batch's rows and the id to continue after (`None` once there are no more). CSV is streamed
/// to the client as each batch arrives; the workbook is written in constant memory to a
/// temporary file and streamed from it; the print view takes the first [`PRINT_ROWS`].
pub(super) async fn batched<F, Fut>(
    format: &str,
    headers: Vec<String>,
    heading: Heading,
    next: F,
) -> Result<Response, WebError>
where
    F: Fn(i64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(Vec<Vec<String>>, Option<i64>), StoreError>> + Send + 'static,
{
    let file_name = heading.file_name();
    if format == "print" {
        let mut printed = Vec::new();
        let mut after = Some(0i64);
        while let Some(cursor) = after.filter(|_| printed.len() < PRINT_ROWS) {
            let (rows, last) = next(cursor).await?;
            after = continue_after(&rows, last);
            printed.extend(rows);
        }
        // Said when the print stops at its bound with rows possibly left (a list of exactly
        // the bound is told so too: cheaper than fetching a batch to find out).
        let more = printed.len() >= PRINT_ROWS && after.is_some();
        return heading.print_view(&headers, &printed, more);
    }
    if format == "csv" {
        // The first batch is fetched before answering, so a failing export is an error page
        // rather than a file that stops after its header.
        let (rows, last) = next(0).await?;
        let mut first = format!("\u{feff}{}", safegrid_office::csv_line(&headers));
        first.extend(rows.iter().map(|r| safegrid_office::csv_line(r)));
        // The state: the fetcher, where to continue (None once done), and the first chunk unsent.
        let start = (next, continue_after(&rows, last), Some(first));
        let stream = futures_util::stream::unfold(start, |(next, after, first)| async move {
            if let Some(first) = first {
                return Some((Ok(Bytes::from(first)), (next, after, None)));
            }
            match next(after?).await {
                Ok((rows, last)) => {
                    let chunk: String = rows.iter().map(|r| safegrid_office::csv_line(r)).collect();
                    let after = continue_after(&rows, last);
                    (!rows.is_empty()).then(|| (Ok(Bytes::from(chunk)), (next, after, None)))
                }
                Err(e) => {
                    tracing::error!(error = %e, "export stopped");
                    Some((
                        Err(std::io::Error::other("export failed")),
                        (next, None, None),
                    ))
                }
            }
        });
        // Fused: a compressing layer polls once more after the end to finish its own frame,
        // and an unfused unfold panics when polled past its end.
        let mut response = Body::from_stream(futures_util::StreamExt::fuse(stream)).into_response();
        attachment(&mut response, "text/csv; charset=utf-8", file_name, "csv");
        return Ok(response);
    }
    let internal = |e: safegrid_office::XlsxError| {
        tracing::error!(error = %e, "export failed");
        WebError::Internal
    };
    let mut book =
        safegrid_office::XlsxStream::new(&heading.letterhead(), &headers).map_err(internal)?;
    let mut after = Some(0i64);
    while let Some(cursor) = after {
        let (rows, last) = next(cursor).await?;
        after = continue_after(&rows, last);
        // The rows spill to a temporary file: written off the request threads.
        book = tokio::task::spawn_blocking(move || {
            rows.iter().try_for_each(|row| book.row(row)).map(|()| book)
        })
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(internal)?;
    }
    let file = tokio::task::spawn_blocking(move || book.finish())
        .await
        .map_err(|_| WebError::Internal)?
        .map_err(internal)?;
    // Open it, then let the path go: the open handle keeps the data until streamed.
    let handle = file.reopen().map_err(|_| WebError::Internal)?;
    drop(file);
    let stream = tokio_util::io::ReaderStream::new(tokio::fs::File::from_std(handle));
    let mut response = Body::from_stream(stream).into_response();
    attachment(
        &mut response,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file_name,
        "xlsx",
    );
    Ok(response)
}

/// Where the next batch starts: after the last row of this one, unless it was the last.
fn continue_after(rows: &[Vec<String>], last: Option<i64>) -> Option<i64> {
    last.filter(|_| !rows.is_empty())
}

/// A small table as a file under its heading: `xlsx`, `csv` (with a BOM for Excel) or the
/// print view.
pub fn table(
    heading: &Heading,
    headers: &[String],
    rows: &[Vec<String>],
    format: &str,
) -> Result<Response, WebError> {
    let mut response = match format {
        "print" => return heading.print_view(headers, rows, rows.len() > PRINT_ROWS),
        "csv" => {
            // table_csv starts with the byte-order mark Excel needs.
            let mut r = safegrid_office::table_csv(headers, rows).into_response();
            attachment(
                &mut r,
                "text/csv; charset=utf-8",
                heading.file_name(),
                "csv",
            );
            r
        }
        _ => {
            let bytes =
                safegrid_office::table_xlsx(&heading.letterhead(), headers, rows).map_err(|e| {
                    tracing::error!(error = %e, "table export failed");
                    WebError::Internal
                })?;
            let mut r = bytes.into_response();
            attachment(
                &mut r,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                heading.file_name(),
                "xlsx",
            );
            r
        }
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}
