//! Signing in and knowing who is asking. Passwords are Argon2id; a session is a random token
//! whose SHA-256 is stored. Browsers carry it in an HttpOnly, SameSite=Lax cookie and prove
//! every form with the session's CSRF token; API clients send it as `Authorization: Bearer`.

use crate::http::error::WebError;
use crate::http::state::AppState;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE, USER_AGENT};
use axum::http::request::Parts;
use base64::Engine;
use rand::RngCore;
use safegrid_domain::access::Actor;
use safegrid_store::{Account, SessionKind};
use sha2::{Digest, Sha256};

pub const SESSION_COOKIE: &str = "sg_session";

/// Hashes a password with Argon2id and a fresh salt (a PHC string).
pub fn hash_password(password: &str) -> Result<String, WebError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|_| WebError::Internal)?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|_| WebError::Internal)
}

/// Hashes a password off the async threads.
pub async fn hash_password_blocking(password: String) -> Result<String, WebError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|_| WebError::Internal)?
}

/// Checks a password against a stored hash, off the async threads (it is slow on purpose).
pub async fn verify_password(hash: String, password: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&hash).is_ok_and(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
    })
    .await
    .unwrap_or(false)
}

/// A hash to check against when the account does not exist, so a wrong name takes as long
/// as a wrong password.
pub fn dummy_hash() -> String {
    static DUMMY: std::sync::LazyLock<String> =
        std::sync::LazyLock::new(|| hash_password("not a password of anyone").unwrap_or_default());
    DUMMY.clone()
}

/// A new random token (256 bits, URL-safe).
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Compares two secrets in time independent of where they differ (`subtle`; the length of a
/// token is no secret).
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.as_bytes().ct_eq(b.as_bytes()).into()
}

/// The client's address as the server saw it (X-Forwarded-For is not trusted).
pub fn client_address(parts: &Parts) -> Option<String> {
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip().to_string())
}

/// The client's address, as an extractor (absent when the server runs without connect info,
/// as in tests).
pub struct ClientAddr(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(client_address(parts)))
    }
}

pub fn user_agent(parts: &Parts) -> Option<String> {
    parts
        .headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

pub fn cookie_value(parts: &Parts, name: &str) -> Option<String> {
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            c.trim()
                .strip_prefix(name)
                .and_then(|r| r.strip_prefix('='))
                .map(str::to_owned)
        })
}

/// Whether an account must enrol a second factor before it does anything else: the county
/// administrator and the three administrators, where the deployment asks for it (not in the
/// demo), until theirs is on.
pub fn must_enrol(state: &AppState, account: &Account) -> bool {
    state.config.require_second_factor
        && account.totp_enabled_at.is_none()
        && safegrid_domain::access::must_use_second_factor(account.role)
}

/// What an account that must enrol may still reach: its own account and enrolment, and
/// signing out.
fn enrolment_path(path: &str) -> bool {
    matches!(
        path,
        "/api/v1/me"
            | "/api/v1/me/totp"
            | "/api/v1/me/totp/confirm"
            | "/api/v1/me/password"
            | "/api/v1/auth/logout"
            | "/me/security"
            | "/me/security/totp"
            | "/me/security/totp/confirm"
            | "/me/security/password"
            | "/logout"
    )
}

/// The request's whole path, also inside a nested router (which sees its own part only).
fn full_path(parts: &Parts) -> String {
    parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path().to_owned(), |u| u.0.path().to_owned())
}

/// An API client, signed in with a bearer token.
pub struct ApiUser {
    pub actor: Actor,
    pub account: Account,
    pub token_hash: String,
}

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.strip_prefix("Bearer ")
                    .or_else(|| v.strip_prefix("bearer "))
            })
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or(WebError::Unauthorized)?;
        let hash = token_hash(token);
        let session = state
            .store
            .session(&hash, SessionKind::Api, state.config.session_idle())
            .await?
            .ok_or(WebError::Unauthorized)?;
        if must_enrol(state, &session.account) && !enrolment_path(&full_path(parts)) {
            return Err(WebError::EnrolSecondFactor);
        }
        let actor = session.account.actor(client_address(parts));
        Ok(ApiUser {
            actor,
            account: session.account,
            token_hash: hash,
        })
    }
}

/// A person in a browser, signed in with the session cookie.
#[derive(Clone)]
pub struct PageUser {
    pub actor: Actor,
    pub account: Account,
    pub csrf: String,
    pub token_hash: String,
    /// Unread notifications, for the bell on every page.
    pub unread: i64,
}

impl PageUser {
    /// Refuses a form whose CSRF token is not this session's.
    fn check_csrf(&self, token: Option<&str>) -> Result<(), WebError> {
        if same_secret(&self.csrf, token.unwrap_or_default()) {
            Ok(())
        } else {
            Err(WebError::Forbidden)
        }
    }
}

/// CSRF is structural: on a page, only a safe request (GET, HEAD) yields a [`PageUser`] by
/// itself. A request that changes something gets its user from [`CsrfForm`] or
/// [`CsrfUpload`], which check the form's `csrf` field first, so a handler cannot forget it.
impl FromRequestParts<AppState> for PageUser {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        if !parts.method.is_safe() {
            return Err(WebError::Forbidden);
        }
        session_user(parts, state).await
    }
}

/// A form posted by a signed-in person, its CSRF token checked: `T` is the form's type
/// (the API's input type, or [`crate::http::extract::FormPairs`] for forms with repeated names).
pub struct CsrfForm<T> {
    pub user: PageUser,
    pub form: T,
}

impl<T: serde::de::DeserializeOwned> axum::extract::FromRequest<AppState> for CsrfForm<T> {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let user = session_user(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let crate::http::extract::FormPairs(pairs) =
            crate::http::extract::FormPairs::from_request(req, state).await?;
        let token = pairs
            .iter()
            .find(|(k, _)| k == "csrf")
            .map(|(_, v)| v.as_str());
        user.check_csrf(token)?;
        let form = crate::http::extract::form_from_pairs(&pairs)?;
        Ok(Self { user, form })
    }
}

/// A multipart form (a file and fields) posted by a signed-in person, its CSRF token checked.
/// The file is read from the field `file`, within the route's body limit.
pub struct CsrfUpload {
    pub user: PageUser,
    pub upload: crate::ops::upload::Upload,
}

impl axum::extract::FromRequest<AppState> for CsrfUpload {
    type Rejection = WebError;

    async fn from_request(req: axum::extract::Request, state: &AppState) -> Result<Self, WebError> {
        let (mut parts, body) = req.into_parts();
        let user = session_user(&mut parts, state).await?;
        let req = axum::extract::Request::from_parts(parts, body);
        let multipart = axum::extract::Multipart::from_request(req, state)
            .await
            .map_err(|_| {
                WebError::Malformed(safegrid_domain::Violation::new(
                    "body",
                    "error.form_unreadable",
                ))
            })?;
        let upload = crate::ops::upload::read(multipart, "file").await?;
        user.check_csrf(upload.field("csrf").as_deref())?;
        Ok(Self { user, upload })
    }
}

/// The person signed in with the session cookie, whatever the method.
async fn session_user(parts: &mut Parts, state: &AppState) -> Result<PageUser, WebError> {
    {
        let token = cookie_value(parts, SESSION_COOKIE).ok_or(WebError::Unauthorized)?;
        let hash = token_hash(&token);
        let session = state
            .store
            .session(&hash, SessionKind::Web, state.config.session_idle())
            .await?
            .ok_or(WebError::Unauthorized)?;
        if must_enrol(state, &session.account) && !enrolment_path(&full_path(parts)) {
            return Err(WebError::EnrolSecondFactor);
        }
        let actor = session.account.actor(client_address(parts));
        let unread = state.store.unread_notifications(&actor).await?;
        Ok(PageUser {
            actor,
            account: session.account,
            csrf: session.csrf_token,
            token_hash: hash,
            unread,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_round_trip() {
        let hash = hash_password("correct horse").unwrap();
        assert!(hash.starts_with("$argon2id$"));
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        assert!(rt.block_on(verify_password(hash.clone(), "correct horse".into())));
        assert!(!rt.block_on(verify_password(hash, "wrong".into())));
        assert!(!rt.block_on(verify_password(dummy_hash(), "anything".into())));
    }

    #[test]
    fn tokens_and_secrets() {
        let a = new_token();
        assert_eq!(a.len(), 43);
        assert_ne!(a, new_token());
        assert_eq!(token_hash("x").len(), 64);
        assert!(same_secret("abc", "abc"));
        assert!(!same_secret("abc", "abd"));
        assert!(!same_secret("abc", "ab"));
    }
}
