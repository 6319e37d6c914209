//! Server-rendered pages. Every page reads without JavaScript; htmx only makes filters and
//! links quicker. Each handler gets the signed-in user, asks the store with the user's actor,
//! and renders an askama template with a translator `t` and the page `chrome`.

pub(crate) mod choices;
mod help;

use crate::http::auth::PageUser;
use crate::http::error::{Fault, WebError, translate};
use crate::http::i18n::{Tr, locale_of};
use crate::http::state::AppState;
use askama::Template;
use axum::Router;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use safegrid_domain::Invalid;
use safegrid_domain::policy::{Object, Verb, allowed};

/// Every page: each feature declares its own routes (`<feature>::pages::router()`), merged
/// here under the one fallback and the layer that turns faults into pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(crate::home::show))
        .merge(crate::dashboard::pages::router())
        .merge(help::router())
        .merge(crate::accounts::pages::router())
        .merge(crate::organisation::pages::router())
        .merge(crate::units::pages::router())
        .merge(crate::unit_records::pages::router())
        .merge(crate::hazards::pages::router())
        .merge(crate::inspections::pages::router())
        .merge(crate::duties::pages::router())
        .merge(crate::own_duties::pages::router())
        .merge(crate::accidents::pages::router())
        .merge(crate::assessment::pages::router())
        .merge(crate::reports::pages::router())
        .merge(crate::audit::pages::router())
        .fallback(|| async { WebError::NotFound })
        .layer(middleware::from_fn(page_faults))
}

/// One entry of the left menu.
pub struct MenuItem {
    pub key: &'static str,
    pub href: &'static str,
    pub label: String,
}

/// What every signed-in page shows around its content.
pub struct Chrome {
    pub user_name: String,
    /// Unread notifications, for the bell.
    pub unread: i64,
    pub role_label: String,
    pub csrf: String,
    pub menu: Vec<MenuItem>,
    pub active: &'static str,
    /// The other language's tag and name, for the switch in the header.
    pub other_lang: (&'static str, &'static str),
}

impl Chrome {
    pub fn new(t: &Tr, user: &PageUser, active: &'static str) -> Self {
        let role = user.actor.role;
        let mut menu = Vec::new();
        let mut add = |key: &'static str, href: &'static str| {
            menu.push(MenuItem {
                key,
                href,
                label: t.t(&format!("nav.{key}")).to_owned(),
            });
        };
        // The menu shows what the policy lets the role read (and, for settings, write).
        let reads = |object| allowed(role, Verb::Read, object);
        if reads(Object::Hazard) {
            add("home", "/");
            // The dashboard is the county's, a town's or a department's: a village or a unit
            // has its few hazards on its start page.
            let place = match &user.actor.scope {
                safegrid_domain::access::Scope::Region { root } => {
                    root.level() <= safegrid_domain::region::RegionLevel::Town
                }
                safegrid_domain::access::Scope::Department { .. } => true,
                _ => false,
            };
            if place {
                add("dashboard", "/dashboard");
            }
            add("hazards", "/hazards");
        }
        if reads(Object::Accident) {
            add("accidents", "/accidents");
        }
        if reads(Object::Assessment) {
            add("assessment", "/assessment");
        }
        if reads(Object::Inspection) {
            add("inspections", "/inspections");
            add("enforcement", "/enforcement");
        }
        if reads(Object::Duty) {
            add("duties", "/duties");
            // Which units check themselves: for those who supervise them, not the unit.
            if !matches!(
                user.actor.scope,
                safegrid_domain::access::Scope::Unit { .. }
            ) {
                add("own_checks", "/checks");
                add("certificates", "/certificates");
            }
        }
        if reads(Object::HazardReport) && reads(Object::Organisation) {
            add("reports", "/reports");
        }
        if reads(Object::Unit) {
            add("units", "/units");
            add("hazard_sources", "/hazard-sources");
        }
        if reads(Object::Organisation) {
            add("regions", "/regions");
            add("grids", "/grids");
            add("departments", "/departments");
            add("leadership", "/leadership");
            add("ledger", "/ledger");
            add("plans", "/plans");
            add("coverage", "/coverage");
            add("grade_rule", "/settings/grade-rule");
        }
        if allowed(role, Verb::Write, Object::Webhook) {
            add("webhook", "/settings/webhook");
        }
        if reads(Object::AuditLog) {
            add("audit", "/audit");
        }
        if reads(Object::Account) {
            add("accounts", "/accounts");
        }
        let other_lang = match t.locale {
            crate::http::i18n::Locale::ZhCn => ("en", "English"),
            crate::http::i18n::Locale::En => ("zh-CN", "中文"),
        };
        Self {
            user_name: user.account.display_name.clone(),
            unread: user.unread,
            role_label: t.label("role", role.as_str()),
            csrf: user.csrf.clone(),
            menu,
            active,
            other_lang,
        }
    }
}

/// Renders a template as an HTML response.
pub fn render<T: Template>(template: &T) -> Result<Response, WebError> {
    render_with(StatusCode::OK, template)
}

pub fn render_with<T: Template>(status: StatusCode, template: &T) -> Result<Response, WebError> {
    match template.render() {
        Ok(html) => Ok((status, Html(html)).into_response()),
        Err(e) => {
            tracing::error!(error = %e, "template failed to render");
            Err(WebError::Internal)
        }
    }
}

/// Translated messages of refused input, each naming its field: "开始日期：…".
#[derive(Debug, Default, Clone)]
pub struct FormErrors {
    pub items: Vec<(String, String)>,
}

impl FormErrors {
    pub fn of(t: &Tr, invalid: &Invalid) -> Self {
        Self {
            items: invalid
                .0
                .iter()
                .map(|v| {
                    let label = field_label(t, &v.field);
                    // The colon of the reader's language: full width in Chinese.
                    let colon = t.t("punct.colon");
                    (
                        v.field.clone(),
                        format!("{label}{colon}{}", translate(t, v)),
                    )
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.items.iter().any(|(f, _)| f == field)
    }
}

/// A field's name for people: `substances[2].q` reads "危险化学品 3 实际存在量（吨）".
fn field_label(t: &Tr, field: &str) -> String {
    let indexed = field.split_once('[').and_then(|(base, rest)| {
        let (index, sub) = rest.split_once("].")?;
        let n: usize = index.parse().ok()?;
        Some(format!(
            "{} {} {}",
            t.t(&format!("field.{base}")),
            n + 1,
            t.t(&format!("field.{sub}"))
        ))
    });
    indexed.unwrap_or_else(|| t.t(&format!("field.{field}")).to_owned())
}

/// What a page form's change came to, answered the one way every form answers: done, `done`
/// says where to see it (mostly [`see_other`]); refused input, the same form again from
/// `again` with each message beside its field, 422; anything else, the error page.
pub async fn outcome<T, E: Into<WebError>>(
    t: Tr,
    result: Result<T, E>,
    done: impl AsyncFnOnce(T) -> Result<Response, WebError>,
    again: impl AsyncFnOnce(FormErrors) -> Result<Response, WebError>,
) -> Result<Response, WebError> {
    match result.map_err(Into::into) {
        Ok(value) => done(value).await,
        Err(WebError::Invalid(invalid)) => {
            let mut page = again(FormErrors::of(&t, &invalid)).await?;
            *page.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(page)
        }
        Err(e) => Err(e),
    }
}

/// A change done: see it at `to` (303 See Other, so reloading the page does not post again).
pub fn see_other(to: impl AsRef<str>) -> Result<Response, WebError> {
    Ok(Redirect::to(to.as_ref()).into_response())
}

/// A page shown again with refused input answers 422; otherwise 200.
pub fn status_of(errors: &FormErrors) -> StatusCode {
    if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    }
}

/// A file size for people: "320 KB", "4.2 MB".
pub fn size_label(bytes: i64) -> String {
    let kb = bytes as f64 / 1024.0;
    if kb < 1024.0 {
        format!("{} KB", kb.ceil() as i64)
    } else {
        format!("{:.1} MB", kb / 1024.0)
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    t: Tr,
    status: u16,
    title: String,
    messages: Vec<String>,
}

/// Turns faults of page handlers into pages: sign-in for the unsigned, a translated error
/// page for the rest (a missing and an out-of-scope object look the same).
async fn page_faults(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let t = Tr::new(locale_of(&parts));
    let target = parts
        .uri
        .path_and_query()
        .map_or_else(|| "/".into(), |p| p.as_str().to_owned());
    let is_get = parts.method == axum::http::Method::GET;
    let mut response = next.run(Request::from_parts(parts, body)).await;
    let Some(Fault(error)) = response.extensions_mut().remove::<Fault>() else {
        return response;
    };
    if matches!(error, WebError::Unauthorized) {
        let next_param = if is_get {
            format!("?next={}", urlencode(&target))
        } else {
            String::new()
        };
        return Redirect::to(&format!("/login{next_param}")).into_response();
    }
    if matches!(error, WebError::EnrolSecondFactor) {
        return Redirect::to("/me/security").into_response();
    }
    let status = error.status();
    let page = ErrorPage {
        t,
        status: status.as_u16(),
        title: t.t(&format!("error.page.{}", status.as_u16())).to_owned(),
        messages: error.messages(&t).into_iter().map(|m| m.message).collect(),
    };
    let mut rendered = render_with(status, &page).unwrap_or_else(|_| status.into_response());
    if let Some(secs) = error.retry_after() {
        rendered
            .headers_mut()
            .insert(axum::http::header::RETRY_AFTER, secs.into());
    }
    rendered
}

pub fn urlencode(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Page numbers and links for a list.
pub struct Pager {
    pub page: u64,
    pub pages: u64,
    pub total: i64,
    /// The query string without `page`, ending in `&` or empty.
    pub base: String,
}

impl Pager {
    pub fn new<T>(page: &safegrid_store::Page<T>, base: String) -> Self {
        Self {
            page: page.page,
            pages: page.pages(),
            total: page.total,
            base,
        }
    }

    pub fn prev(&self) -> Option<u64> {
        (self.page > 1).then(|| self.page - 1)
    }

    pub fn next(&self) -> Option<u64> {
        (self.page < self.pages).then(|| self.page + 1)
    }

    /// "Page 2 of 5, 230 in all", in the reader's language.
    pub fn position(&self, t: &Tr) -> String {
        t.f(
            "pager.position",
            &[
                ("page", self.page.to_string()),
                ("pages", self.pages.to_string()),
                ("total", self.total.to_string()),
            ],
        )
    }
}

/// A filter's value as a page shows it in its box or select: empty when not given.
pub trait Shown {
    fn shown(&self) -> String;
}

impl<T: std::fmt::Display> Shown for Option<T> {
    fn shown(&self) -> String {
        self.as_ref().map(ToString::to_string).unwrap_or_default()
    }
}

/// A list's filters as a query string for its page links and export, without the page
/// (`state=rectifying&region=…&`, ending in `&`, or empty): the filter type written back the
/// way the page and the API read it.
pub fn query_of<T: serde::Serialize>(filters: &T) -> String {
    let encoded = serde_urlencoded::to_string(filters).unwrap_or_default();
    let mut s = String::new();
    for pair in encoded.split('&').filter(|p| !p.is_empty()) {
        let name = pair.split('=').next().unwrap_or_default();
        if name != "page" && name != "per_page" {
            s.push_str(pair);
            s.push('&');
        }
    }
    s
}

/// Rebuilds a query string from filter pairs, leaving out empty values.
pub fn query_base(pairs: &[(&str, Option<String>)]) -> String {
    let mut s = String::new();
    for (k, v) in pairs {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            s.push_str(k);
            s.push('=');
            s.push_str(&urlencode(v));
            s.push('&');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::extract::QueryArgs;
    use axum::extract::FromRequestParts;

    async fn read<T: serde::de::DeserializeOwned>(query: &str) -> Result<T, WebError> {
        let request = axum::http::Request::get(format!("/x?{query}"))
            .body(())
            .unwrap();
        let (mut parts, ()) = request.into_parts();
        QueryArgs::<T>::from_request_parts(&mut parts, &())
            .await
            .map(|QueryArgs(q)| q)
    }

    #[tokio::test]
    async fn one_filter_reads_a_page_and_the_api_alike() {
        // A page's blank selects are no filter; its checkboxes say 1, the API says true.
        let q: crate::hazards::HazardQuery =
            read("state=&department=&overdue=1&page=2").await.unwrap();
        assert_eq!((q.state, q.department, q.overdue), (None, None, Some(true)));
        let q: crate::units::UnitQuery = read("key=false&region=%20610921100000%20").await.unwrap();
        assert_eq!(q.key, Some(false));
        assert_eq!(q.region.as_deref(), Some("610921100000"));
        // A value of the wrong kind is refused naming its field.
        for bad in ["department=x", "overdue=maybe"] {
            match read::<crate::hazards::HazardQuery>(bad).await {
                Err(WebError::Invalid(invalid)) => {
                    assert_eq!(Some(invalid.0[0].field.as_str()), bad.split('=').next());
                }
                other => panic!("{bad}: {other:?}"),
            }
        }
    }

    #[test]
    fn links_carry_the_filters_without_the_page() {
        let q = crate::hazards::HazardQuery {
            state: Some("reported".into()),
            department: Some(3),
            overdue: Some(true),
            page: Some(2),
            per_page: Some(50),
            ..Default::default()
        };
        assert_eq!(query_of(&q), "state=reported&department=3&overdue=true&");
        assert_eq!(query_of(&crate::hazards::HazardQuery::default()), "");
    }
}
