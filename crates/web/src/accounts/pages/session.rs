//! Signing in and out, and choosing the language.

use crate::http::auth::CsrfForm;
use crate::http::auth::{self, SESSION_COOKIE};
use crate::http::error::WebError;
use crate::http::extract::{FormBody, QueryArgs};
use crate::http::i18n::{Locale, Tr};
use crate::http::state::AppState;
use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use chrono::{Duration, Utc};
use safegrid_store::{NewSession, SessionKind};
use serde::Deserialize;

const LOGIN_CSRF_COOKIE: &str = "sg_login";

/// A demo account shown on the login page in demo mode.
pub struct DemoAccount {
    pub username: String,
    pub display_name: String,
    pub role_label: String,
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    csrf: String,
    next: String,
    username: String,
    error: Option<String>,
    demo: Vec<DemoAccount>,
    other_lang: (&'static str, &'static str),
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

/// Only same-site paths are followed after signing in: a path starting with one `/`, with no
/// backslash, whitespace or control character anywhere (browsers drop tabs and newlines from
/// addresses, so `/\t/evil.example` would lead to `//evil.example`, another site).
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n)
            if n.starts_with('/')
                && !n.starts_with("//")
                && !n
                    .chars()
                    .any(|c| c == '\\' || c.is_whitespace() || c.is_control()) =>
        {
            n.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn other_lang(t: &Tr) -> (&'static str, &'static str) {
    match t.locale {
        Locale::ZhCn => ("en", "English"),
        Locale::En => ("zh-CN", "中文"),
    }
}

// The demo's login page lists its accounts to sign in as: the one place the web layer acts as
// the system, and only in demo mode.
#[allow(clippy::disallowed_methods)]
async fn demo_accounts(state: &AppState, t: &Tr) -> Vec<DemoAccount> {
    if !state.config.demo {
        return Vec::new();
    }
    match state
        .store
        .accounts(
            &safegrid_domain::access::Actor::system(),
            safegrid_store::PageRequest::new(Some(1), Some(50)),
        )
        .await
    {
        Ok(list) => list
            .items
            .into_iter()
            .map(|a| DemoAccount {
                role_label: t.label("role", a.role),
                username: a.username,
                display_name: a.display_name,
            })
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "could not list demo accounts");
            Vec::new()
        }
    }
}

async fn login_page(
    state: &AppState,
    t: Tr,
    jar: CookieJar,
    next: String,
    username: String,
    error: Option<String>,
) -> Result<Response, WebError> {
    // A pre-session CSRF token, double-submitted as cookie and form field.
    let csrf = jar
        .get(LOGIN_CSRF_COOKIE)
        .map_or_else(auth::new_token, |c| c.value().to_owned());
    let cookie = Cookie::build((LOGIN_CSRF_COOKIE, csrf.clone()))
        .path("/login")
        .http_only(true)
        .same_site(SameSite::Strict)
        .secure(state.config.secure_cookies)
        .build();
    let page = LoginPage {
        t,
        csrf,
        next,
        username,
        demo: demo_accounts(state, &t).await,
        other_lang: other_lang(&t),
        error: error.clone(),
    };
    let status = if error.is_some() {
        StatusCode::UNAUTHORIZED
    } else {
        StatusCode::OK
    };
    let body = crate::pages::render_with(status, &page)?;
    Ok((jar.add(cookie), body).into_response())
}

pub async fn login_form(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    QueryArgs(q): QueryArgs<NextQuery>,
) -> Result<Response, WebError> {
    login_page(
        &state,
        t,
        jar,
        safe_next(q.next.as_deref()),
        String::new(),
        None,
    )
    .await
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    csrf: String,
    next: Option<String>,
    /// The second factor's code, for accounts that have one.
    totp: Option<String>,
}

pub async fn login(
    State(state): State<AppState>,
    t: Tr,
    jar: CookieJar,
    auth::ClientAddr(from): auth::ClientAddr,
    headers: HeaderMap,
    FormBody(form): FormBody<LoginForm>,
) -> Result<Response, WebError> {
    let next = safe_next(form.next.as_deref());
    let expected = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    if expected.is_empty() || !auth::same_secret(&expected, &form.csrf) {
        let message = t.t("login.expired").to_owned();
        return login_page(&state, t, jar, next, form.username, Some(message)).await;
    }
    let checked = crate::accounts::check_credentials(
        &state,
        &form.username,
        &form.password,
        form.totp.as_deref(),
        from.clone(),
    )
    .await;
    let account = match checked {
        Ok(a) => a,
        // Refusals get the form again, saying why (and for how long, when locked), with
        // their status: 401, or 429 for a locked name or address.
        Err(
            e @ (WebError::WrongCredentials
            | WebError::TotpRequired
            | WebError::WrongTotp
            | WebError::LoginLocked { .. }),
        ) => {
            let message = e
                .messages(&t)
                .into_iter()
                .next()
                .map(|m| m.message)
                .unwrap_or_default();
            let mut page = login_page(&state, t, jar, next, form.username, Some(message)).await?;
            *page.status_mut() = e.status();
            return Ok(page);
        }
        Err(e) => return Err(e),
    };
    let token = auth::new_token();
    let hours = state.config.session_hours.max(1);
    let agent = headers
        .get(header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let session = NewSession {
        kind: SessionKind::Web,
        token_hash: auth::token_hash(&token),
        csrf_token: auth::new_token(),
        expires_at: Utc::now() + Duration::hours(hours),
        from,
        user_agent: agent,
    };
    state.store.create_session(&account, session).await?;
    let cookie = Cookie::build((SESSION_COOKIE, token))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build();
    let jar = jar
        .add(cookie)
        .remove(Cookie::build(LOGIN_CSRF_COOKIE).path("/login"));
    Ok((jar, Redirect::to(&next)).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    CsrfForm { user, .. }: CsrfForm<crate::http::extract::FormPairs>,
) -> Result<Response, WebError> {
    state
        .store
        .end_session(&user.actor, &user.token_hash)
        .await?;
    let jar = jar.remove(Cookie::build(SESSION_COOKIE).path("/"));
    Ok((jar, Redirect::to("/login")).into_response())
}

pub async fn switch_language(
    Path(tag): Path<String>,
    jar: CookieJar,
    headers: HeaderMap,
) -> Response {
    let locale = Locale::from_tag(&tag).unwrap_or_default();
    let cookie = Cookie::build(("lang", locale.tag()))
        .path("/")
        .same_site(SameSite::Lax)
        .permanent()
        .build();
    // Back to the page the switch was clicked on, if it was ours.
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.find("://").map(|i| &r[i + 3..]))
        .and_then(|r| r.find('/').map(|i| r[i..].to_owned()));
    (jar.add(cookie), Redirect::to(&safe_next(back.as_deref()))).into_response()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(
            safe_next(Some("/hazards?state=rectifying")),
            "/hazards?state=rectifying"
        );
        for away in [
            "//evil.example",
            "/\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/ /evil.example",
            "/\u{0}/x",
            "https://evil.example",
            "evil.example",
            "",
        ] {
            assert_eq!(safe_next(Some(away)), "/", "{away:?}");
        }
        assert_eq!(safe_next(None), "/");
    }
}
