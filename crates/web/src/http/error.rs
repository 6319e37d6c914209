//! The one error type of the web layer, and how it reaches people: the handler returns a
//! `WebError`; the response carries it as a `Fault` extension; a layer for the API turns it into
//! translated JSON, a layer for pages into a translated page. Internal detail is logged, never
//! shown.

use crate::http::i18n::{Tr, locale_of};
use axum::Json;
use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use safegrid_domain::{Invalid, Violation};
use safegrid_store::StoreError;
use serde::Serialize;

#[derive(Debug, Clone, thiserror::Error)]
pub enum WebError {
    #[error("not found")]
    NotFound,
    #[error("not signed in")]
    Unauthorized,
    /// A sign-in with a wrong username or password (401, said so).
    #[error("wrong credentials")]
    WrongCredentials,
    /// A right password for an account with a second factor, without its code (401 naming
    /// `totp`).
    #[error("second factor needed")]
    TotpRequired,
    /// A wrong or already used second-factor code (401 naming `totp`).
    #[error("wrong second factor")]
    WrongTotp,
    /// An account that must have a second factor has none yet: it may only enrol (403).
    #[error("second factor to enrol")]
    EnrolSecondFactor,
    /// Too many refused sign-ins for this username lately (429).
    #[error("too many sign-in attempts")]
    LoginLocked { minutes: i64 },
    #[error("forbidden")]
    Forbidden,
    /// Input refused, field by field (422).
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// Input that could not even be read (400): malformed JSON or form encoding.
    #[error("malformed request: {0:?}")]
    Malformed(Violation),
    #[error("request body too large")]
    TooLarge,
    /// An action the object's state or the account's part does not allow now (409).
    #[error("refused: {0}")]
    Refused(&'static str),
    /// An import of this account's is still running (429): one at a time per account.
    #[error("an import is running")]
    ImportRunning,
    /// The server is at its limit for this kind of work (503, with Retry-After).
    #[error("busy")]
    Busy { retry_after_secs: u64 },
    #[error("internal error")]
    Internal,
}

impl WebError {
    /// Refused input with every fault named `field`: a photo read from a form's file field
    /// named as the form shows it (`items[2].photo`, `sign_in_sheet`).
    pub fn naming(self, field: &str) -> WebError {
        match self {
            WebError::Invalid(safegrid_domain::Invalid(mut faults)) => {
                for f in &mut faults {
                    f.field = field.to_owned();
                }
                WebError::Invalid(safegrid_domain::Invalid(faults))
            }
            other => other,
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            WebError::NotFound => StatusCode::NOT_FOUND,
            WebError::Unauthorized
            | WebError::WrongCredentials
            | WebError::TotpRequired
            | WebError::WrongTotp => StatusCode::UNAUTHORIZED,
            WebError::EnrolSecondFactor => StatusCode::FORBIDDEN,
            WebError::Forbidden => StatusCode::FORBIDDEN,
            WebError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            WebError::Malformed(_) => StatusCode::BAD_REQUEST,
            WebError::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            WebError::Refused(_) => StatusCode::CONFLICT,
            WebError::LoginLocked { .. } | WebError::ImportRunning => StatusCode::TOO_MANY_REQUESTS,
            WebError::Busy { .. } => StatusCode::SERVICE_UNAVAILABLE,
            WebError::Internal => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// The field errors to show, translated.
    pub fn messages(&self, tr: &Tr) -> Vec<FieldMessage> {
        let one = |key: &str| {
            vec![FieldMessage {
                field: None,
                message: tr.t(key).to_owned(),
            }]
        };
        match self {
            WebError::Invalid(invalid) => invalid
                .0
                .iter()
                .map(|v| FieldMessage {
                    field: Some(v.field.clone()),
                    message: translate(tr, v),
                })
                .collect(),
            WebError::Malformed(v) => vec![FieldMessage {
                field: Some(v.field.clone()),
                message: translate(tr, v),
            }],
            WebError::NotFound => one("error.not_found"),
            WebError::Unauthorized => one("error.unauthorized"),
            WebError::WrongCredentials => one("login.failed"),
            WebError::TotpRequired => vec![FieldMessage {
                field: Some("totp".into()),
                message: tr.t("login.totp_required").to_owned(),
            }],
            WebError::WrongTotp => vec![FieldMessage {
                field: Some("totp".into()),
                message: tr.t("login.totp_wrong").to_owned(),
            }],
            WebError::EnrolSecondFactor => one("totp.enrol_first"),
            WebError::LoginLocked { minutes } => {
                vec![FieldMessage {
                    field: Some("username".into()),
                    message: tr.f1("login.locked", "minutes", minutes),
                }]
            }
            WebError::Forbidden => one("error.forbidden"),
            WebError::Refused(key) => vec![FieldMessage {
                field: Some("action".into()),
                message: tr.t(key).to_owned(),
            }],
            WebError::TooLarge => vec![FieldMessage {
                field: Some("body".into()),
                message: tr.t("error.too_large").to_owned(),
            }],
            WebError::ImportRunning => vec![FieldMessage {
                field: Some("file".into()),
                message: tr.t("error.import_running").to_owned(),
            }],
            WebError::Busy { .. } => one("error.busy"),
            WebError::Internal => one("error.internal"),
        }
    }

    /// When to ask again, for answers that say so (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            WebError::Busy { retry_after_secs } => Some(*retry_after_secs),
            WebError::ImportRunning => Some(5),
            WebError::LoginLocked { minutes } => Some(u64::try_from(*minutes * 60).unwrap_or(900)),
            _ => None,
        }
    }
}

/// A violation in the reader's language.
pub fn translate(tr: &Tr, v: &Violation) -> String {
    let args: Vec<(&str, String)> = v.args.iter().map(|(k, val)| (*k, val.clone())).collect();
    tr.f(v.key, &args)
}

impl From<StoreError> for WebError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::NotFound => WebError::NotFound,
            StoreError::Forbidden => WebError::Forbidden,
            StoreError::Invalid(invalid) => WebError::Invalid(invalid),
            StoreError::Refused(key) => WebError::Refused(key),
            other => {
                tracing::error!(error = %other, "store failure");
                WebError::Internal
            }
        }
    }
}

impl From<Violation> for WebError {
    fn from(v: Violation) -> Self {
        WebError::Invalid(v.into())
    }
}

/// The error travelling on a response until a layer renders it.
#[derive(Debug, Clone)]
pub struct Fault(pub WebError);

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let mut response = self.status().into_response();
        response.extensions_mut().insert(Fault(self));
        response
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// The input field at fault; absent for errors about the request as a whole.
    pub field: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ErrorBody {
    pub errors: Vec<FieldMessage>,
}

/// Renders faults of `/api` responses as `{"errors": [{"field", "message"}]}` in the
/// request's language.
pub async fn api_faults(request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let tr = Tr::new(locale_of(&parts));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if let Some(Fault(error)) = response.extensions_mut().remove::<Fault>() {
        let status = response.status();
        let mut rendered = (
            status,
            Json(ErrorBody {
                errors: error.messages(&tr),
            }),
        )
            .into_response();
        if let Some(secs) = error.retry_after() {
            rendered
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, secs.into());
        }
        if status == StatusCode::UNAUTHORIZED {
            rendered.headers_mut().insert(
                axum::http::header::WWW_AUTHENTICATE,
                axum::http::HeaderValue::from_static("Bearer"),
            );
        }
        return rendered;
    }
    response
}
