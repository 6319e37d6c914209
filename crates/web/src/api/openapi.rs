use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

/// The API's router and its description, built together.
pub fn router_and_description() -> (
    axum::Router<crate::http::state::AppState>,
    utoipa::openapi::OpenApi,
) {
    let (router, mut description) =
        utoipa_axum::router::OpenApiRouter::with_openapi(ApiDoc::openapi())
            .nest("/api/v1", super::router())
            .split_for_parts();
    // The error answers are added once every operation is known.
    ErrorAnswers.modify(&mut description);
    (router, description)
}

/// The API description served at `/api/openapi.json`: the title, tags and security here; the
/// operations come from the routes themselves (each handler's `#[utoipa::path]`, collected by
/// `utoipa_axum::routes!` as the router is built), so a route and its description are one
/// declaration.
#[derive(OpenApi)]
#[openapi(
    info(title = "safegrid API", description = "Grid-based safety-production supervision. Lists answer \
        `{items, total, page, per_page}`; errors answer `{errors: [{field, message}]}` with 422 for \
        refused input, 400 for malformed JSON, 401 without a valid bearer token, 404 for missing or \
        out-of-scope objects; messages follow Accept-Language (zh-CN by default)."),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "organisation"), (name = "accounts"), (name = "units"), (name = "hazard sources"), (name = "unit records"), (name = "hazards"), (name = "inspections"), (name = "duties"), (name = "calculations"), (name = "accidents"), (name = "assessment"), (name = "audit"))
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Documents the error answers every operation can give, where it can give them, so a client
/// (and a schema checker) knows them all: 401 where a token is needed, 403 where a role may
/// be refused a change, 404 for an object named in the path, 400/413/422 for input, 429 for
/// sign-in and imports, 503 for photo uploads. Each is `{errors: [{field, message}]}`.
pub(crate) struct ErrorAnswers;

impl Modify for ErrorAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder, path::ParameterIn};
        let answer = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/json",
                    ContentBuilder::new()
                        .schema(Some(Ref::from_schema_name("ErrorBody")))
                        .build(),
                )
                .build()
        };
        for (path, item) in &mut openapi.paths.paths {
            for (method, operation) in [
                ("get", item.get.as_mut()),
                ("post", item.post.as_mut()),
                ("put", item.put.as_mut()),
                ("patch", item.patch.as_mut()),
                ("delete", item.delete.as_mut()),
            ] {
                let Some(op) = operation else { continue };
                let secured = op.security.as_ref().is_some_and(|s| !s.is_empty());
                let has_query = op
                    .parameters
                    .as_ref()
                    .is_some_and(|ps| ps.iter().any(|p| p.parameter_in == ParameterIn::Query));
                let has_body = op.request_body.is_some();
                let mut add = |status: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| answer(description).into());
                };
                if secured {
                    add("401", "no valid bearer token (or the session ended)");
                }
                if secured && method != "get" {
                    add("403", "the account's role may not do this");
                }
                if path.contains('{') {
                    add("404", "no such object in the account's scope");
                }
                if has_body {
                    add("400", "the body could not be read");
                    add("413", "the body is too large");
                }
                if has_body || has_query || path.contains('{') {
                    add("422", "input refused, each error naming its field");
                }
                if path == "/api/v1/auth/login" || path.ends_with("/import") {
                    add(
                        "429",
                        "too many attempts, or an import of this account's still running",
                    );
                }
                if path.ends_with("/photos") {
                    add(
                        "503",
                        "photo decoding is at its limit; Retry-After says when to try again",
                    );
                }
            }
        }
    }
}
