//! The assessment over the API: the year's results, one party's with what it missed, the
//! results as a file, and the county's scheme.

use super::AssessmentQuery;
use crate::http::answer::{ApiResult, FormatQuery};
use crate::http::auth::ApiUser;
use crate::http::error::WebError;
use crate::http::extract::{JsonBody, QueryArgs};
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use axum::Json;
use axum::extract::{Path, State};
use axum::response::Response;
use safegrid_domain::assessment::Scheme;
use safegrid_store::assessment::{Assessment, PartyDetail};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assessment))
        .routes(routes!(export))
        .routes(routes!(party))
        .routes(routes!(scheme, set_scheme))
}

#[utoipa::path(get, path = "/assessment", tag = "assessment", params(AssessmentQuery), security(("bearer" = [])),
    responses((status = 200, body = Assessment, description = "The year's assessment of the towns and departments in scope (a county's all, a town or department itself): each party's `total`, `grade` (excellent, good, pass, fail), `vetoed` and `rank`, and each indicator's `score` with the figures it came from (`met` of `counted`); the `scheme` it was scored by"),
        (status = 422, body = crate::http::error::ErrorBody, description = "A year before 2000, after this one, or not a number"), (status = 403)))]
async fn assessment(
    State(state): State<AppState>,
    user: ApiUser,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
) -> ApiResult<Assessment> {
    Ok(Json(state.store.assessment(&user.actor, q.year()?).await?))
}

#[utoipa::path(get, path = "/assessment/export", tag = "assessment", params(AssessmentQuery, FormatQuery), security(("bearer" = [])),
    responses((status = 200, description = "The year's results in scope as .xlsx or .csv: one row per party with each indicator's points and figures"),
        (status = 422, body = crate::http::error::ErrorBody), (status = 403)))]
async fn export(
    State(state): State<AppState>,
    user: ApiUser,
    t: Tr,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
    QueryArgs(f): QueryArgs<FormatQuery>,
) -> Result<Response, WebError> {
    super::pages::export(&state, &user.actor, t, q.year()?, f.format()).await
}

#[utoipa::path(get, path = "/assessment/{kind}/{key}", tag = "assessment", params(("kind" = String, Path, description = "towns or departments"), ("key" = String, Path, description = "the town's code or the department's id"), AssessmentQuery), security(("bearer" = [])),
    responses((status = 200, body = PartyDetail, description = "One party's result with what it missed: its own overdue duties, its units' overdue duties by kind, the hazards not closed by their deadline and the accidents it answers for"),
        (status = 404, description = "No such party, or not in scope"), (status = 422, body = crate::http::error::ErrorBody)))]
async fn party(
    State(state): State<AppState>,
    user: ApiUser,
    Path((kind, key)): Path<(String, String)>,
    QueryArgs(q): QueryArgs<AssessmentQuery>,
) -> ApiResult<PartyDetail> {
    let party = super::party(&kind, &key)?;
    Ok(Json(
        state
            .store
            .assessment_of(&user.actor, q.year()?, party)
            .await?,
    ))
}

#[utoipa::path(get, path = "/settings/assessment-scheme", tag = "assessment", security(("bearer" = [])),
    responses((status = 200, body = Scheme, description = "The county's scheme: the points of `duties`, `rectification`, `unit_duties` and `accidents` (adding up to 100), `per_accident` off for each accident below `veto_from`, the level from which one accident fails the year")))]
async fn scheme(State(state): State<AppState>, user: ApiUser) -> ApiResult<Scheme> {
    Ok(Json(state.store.assessment_scheme(&user.actor).await?))
}

#[utoipa::path(put, path = "/settings/assessment-scheme", tag = "assessment", request_body = Scheme, security(("bearer" = [])),
    responses((status = 200, body = Scheme), (status = 422, body = crate::http::error::ErrorBody, description = "Weights not adding up to 100 (naming `duties`), a deduction above the accident points, an unknown level"), (status = 403)))]
async fn set_scheme(
    State(state): State<AppState>,
    user: ApiUser,
    JsonBody(scheme): JsonBody<Scheme>,
) -> ApiResult<Scheme> {
    Ok(Json(
        state
            .store
            .set_assessment_scheme(&user.actor, scheme)
            .await?,
    ))
}
