//! Which units check themselves (企业自查情况): the town's, department's or county's list of
//! its operating units by their daily-check rate over the last 30 days, those that stopped
//! first.

use super::api::RateQuery;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::QueryArgs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::choices::RegionFilter;
use crate::pages::{Chrome, Pager, Shown, query_of, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;
use safegrid_store::{CheckRateRow, Department, PageRequest, RATE_DAYS};

pub fn router() -> Router<AppState> {
    Router::new().route("/checks", get(rates))
}

#[derive(Template)]
#[template(path = "check_rates.html")]
struct RatesPage {
    t: Tr,
    chrome: Chrome,
    rows: Vec<CheckRateRow>,
    pager: Pager,
    region_filter: RegionFilter,
    departments: Vec<Department>,
    q: RateQuery,
    days: u32,
}

/// A rate as a whole percentage.
pub(crate) fn percent(row: &CheckRateRow) -> u32 {
    (row.rate * 100.0).round().clamp(0.0, 100.0) as u32
}

async fn rates(
    State(state): State<AppState>,
    t: Tr,
    user: PageUser,
    QueryArgs(q): QueryArgs<RateQuery>,
) -> Result<Response, WebError> {
    let region = q.region()?;
    let page = state
        .store
        .check_rates(
            &user.actor,
            region.as_ref(),
            q.department,
            PageRequest::new(q.page, Some(50)),
        )
        .await?;
    render(&RatesPage {
        chrome: Chrome::new(&t, &user, "own_checks"),
        pager: Pager::new(
            &page,
            query_of(&RateQuery {
                page: None,
                ..q.clone()
            }),
        ),
        rows: page.items,
        region_filter: RegionFilter::load(&state, &user, q.region.shown()).await?,
        departments: state.store.departments(&user.actor).await?,
        days: RATE_DAYS,
        t,
        q,
    })
}
