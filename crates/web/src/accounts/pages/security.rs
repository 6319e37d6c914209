//! The signed-in person's own account (账号安全): two-step sign-in with an authenticator app,
//! and the password, changed with the old one. The operations are the API's.

use crate::http::auth::CsrfForm;
use crate::http::auth::PageUser;
use crate::http::error::WebError;
use crate::http::extract::FormPairs;
use crate::http::i18n::Tr;
use crate::http::state::AppState;
use crate::pages::{Chrome, FormErrors, outcome, render_with, status_of};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

/// A second factor being enrolled: its key and the QR code of its address.
pub struct Enrolment {
    pub secret: String,
    pub qr_svg: String,
}

#[derive(Template)]
#[template(path = "me_security.html")]
struct SecurityPage {
    t: Tr,
    chrome: Chrome,
    /// When two-step sign-in was turned on (local time), if it is on.
    enabled_at: Option<String>,
    /// Whether the account's role must have it.
    required: bool,
    enrolment: Option<Enrolment>,
    /// What was just done, as a message key.
    done: Option<&'static str>,
    errors: FormErrors,
}

fn page(
    t: Tr,
    user: &PageUser,
    enabled: bool,
    enrolment: Option<Enrolment>,
    done: Option<&'static str>,
    errors: FormErrors,
) -> Result<Response, WebError> {
    let enabled_at = enabled.then(|| {
        // Just turned on, the account read at the request's start does not know when yet.
        safegrid_domain::time::format_local(
            user.account
                .totp_enabled_at
                .unwrap_or_else(chrono::Utc::now),
        )
    });
    let status = status_of(&errors);
    render_with(
        status,
        &SecurityPage {
            chrome: Chrome::new(&t, user, "security"),
            required: safegrid_domain::access::must_use_second_factor(user.actor.role),
            enabled_at,
            enrolment,
            done,
            errors,
            t,
        },
    )
}

fn enrolment_of(secret: &str, username: &str) -> Option<Enrolment> {
    let uri = crate::http::second_factor::otpauth_uri(secret, username)?;
    Some(Enrolment {
        secret: secret.to_owned(),
        qr_svg: crate::http::second_factor::qr_svg(&uri)?,
    })
}

pub async fn show(t: Tr, user: PageUser) -> Result<Response, WebError> {
    let enabled = user.account.totp_enabled_at.is_some();
    page(t, &user, enabled, None, None, FormErrors::default())
}

pub async fn begin_totp(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: _pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let begun = crate::accounts::begin_totp(&state, &user.account, &user.actor).await?;
    let enrolment = enrolment_of(&begun.secret, &user.account.username);
    page(t, &user, false, enrolment, None, FormErrors::default())
}

pub async fn confirm_totp(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let code = pairs.get("code").unwrap_or_default();
    let result = crate::accounts::confirm_totp(&state, &user.account, &user.actor, &code)
        .await
        .map_err(|e| match e {
            // On the page the code is the second factor's, not a division's `code`.
            WebError::Invalid(mut invalid) => {
                for v in &mut invalid.0 {
                    if v.field == "code" {
                        v.field = "totp".into();
                    }
                }
                WebError::Invalid(invalid)
            }
            other => other,
        });
    outcome(
        t,
        result,
        async |()| {
            page(
                t,
                &user,
                true,
                None,
                Some("totp.turned_on"),
                FormErrors::default(),
            )
        },
        async |errors| {
            let enrolment = user
                .account
                .totp_secret
                .as_deref()
                .and_then(|s| enrolment_of(s, &user.account.username));
            page(t, &user, false, enrolment, None, errors)
        },
    )
    .await
}

pub async fn change_password(
    State(state): State<AppState>,
    t: Tr,
    CsrfForm { user, form: pairs }: CsrfForm<FormPairs>,
) -> Result<Response, WebError> {
    let input = crate::accounts::OwnPasswordRequest {
        current_password: pairs.get("current_password").unwrap_or_default(),
        new_password: pairs.get("new_password").unwrap_or_default(),
    };
    let enabled = user.account.totp_enabled_at.is_some();
    let result = crate::accounts::change_own_password(
        &state,
        &user.account,
        &user.actor,
        &user.token_hash,
        input,
    )
    .await;
    outcome(
        t,
        result,
        async |()| {
            let done = Some("totp.password_changed");
            page(t, &user, enabled, None, done, FormErrors::default())
        },
        async |errors| page(t, &user, enabled, None, None, errors),
    )
    .await
}
