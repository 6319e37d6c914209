//! The responsibility ledger (监管责任台账): every post of every grid in scope with its holder
//! on a date, filtered as on screen, and the same rows as an Excel workbook.

use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::organisation::LedgerQuery;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use safegrid_domain::org::{GridKind, PostKind};
use safegrid_store::{Department, LedgerLine, PageRequest};

/// Rows an export may hold; a county's ledger is a few thousand lines.
const EXPORT_LIMIT: u64 = 100_000;

#[derive(Template)]
#[template(path = "ledger.html")]
struct LedgerPage {
    t: Tr,
    chrome: Chrome,
    lines: Vec<LedgerLine>,
    pager: Pager,
    form: LedgerQuery,
    departments: Vec<Department>,
    grid_kinds: Vec<(&'static str, String)>,
    region_filter: RegionFilter,
    post_kinds: Vec<(&'static str, String)>,
    as_of: NaiveDate,
    export_query: String,
}

pub async fn show(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(form): QueryArgs<LedgerQuery>,
    QueryArgs(f): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    // `?print=1`: the list as the paper form, from the same rows as its export.
    if f.printing() {
        return export(State(state), t, user, QueryArgs(form), QueryArgs(f)).await;
    }
    let (filter, as_of) = form.filter()?;
    let page = state
        .store
        .ledger(
            &user.actor,
            &filter,
            as_of,
            PageRequest::new(form.page, Some(100)),
        )
        .await?;
    let pager = Pager::new(&page, query_of(&form));
    render(&LedgerPage {
        chrome: Chrome::new(&t, &user, "ledger"),
        departments: state.store.departments(&user.actor).await?,
        grid_kinds: GridKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.label("grid_kind", k.as_str())))
            .collect(),
        post_kinds: PostKind::ALL
            .iter()
            .map(|k| (k.as_str(), t.label("post", k.as_str())))
            .collect(),
        region_filter: RegionFilter::load(&state, &user, form.region.shown()).await?,
        export_query: query_of(&form),
        t,
        lines: page.items,
        pager,
        form,
        as_of,
    })
}

/// `GET /ledger/export?format=xlsx|csv&…filters`: the filtered ledger as a file.
pub async fn export(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(form): QueryArgs<LedgerQuery>,
    QueryArgs(format): QueryArgs<crate::http::answer::FormatQuery>,
) -> Result<Response, WebError> {
    let (filter, as_of) = form.filter()?;
    let lines = state
        .store
        .ledger_all(&user.actor, &filter, as_of, EXPORT_LIMIT)
        .await?;
    let headers: Vec<String> = [
        "ledger.col.level",
        "ledger.col.grid_kind",
        "ledger.col.region",
        "ledger.col.grid",
        "ledger.col.department",
        "ledger.col.post",
        "ledger.col.person",
        "ledger.col.job_title",
        "ledger.col.phone",
        "ledger.col.since",
        "ledger.col.duties",
    ]
    .iter()
    .map(|k| t.t(k).to_owned())
    .collect();
    let rows: Vec<Vec<String>> = lines
        .iter()
        .map(|l| {
            vec![
                t.label("grid_level", l.grid_level.to_string()),
                t.label("grid_kind", l.grid_kind),
                l.region_name.clone(),
                l.grid_name.clone(),
                l.department_name.clone().unwrap_or_default(),
                t.label("post", l.post_kind),
                l.person_name
                    .clone()
                    .unwrap_or_else(|| t.t("ledger.vacant").to_owned()),
                l.job_title.clone().unwrap_or_default(),
                l.phone.clone().unwrap_or_default(),
                l.started_on.map(|d| d.to_string()).unwrap_or_default(),
                l.post_duties
                    .clone()
                    .unwrap_or_else(|| t.label("duty", l.post_kind)),
            ]
        })
        .collect();
    let title = t.f("ledger.export_title", &[("date", as_of.to_string())]);
    let heading =
        crate::ops::export::Heading::of(&state.store, &user.actor, t, "ledger", &title).await;
    let format = crate::ops::export::format_of(format.format())?;
    crate::ops::export::table(&heading, &headers, &rows, format)
}
