//! Accounts and signing in: the operations the sign-in page, the security page, the account
//! administration and the API share (credentials and lock-outs, second factor, passwords,
//! creating accounts), and their API and pages.

pub mod api;
pub mod pages;

use crate::http::auth::{self};
use crate::http::error::WebError;
use crate::http::state::AppState;
use chrono::Utc;
use safegrid_domain::access::input::AccountInput;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Refused sign-ins allowed per account name within the window; then the name is locked.
pub const LOGIN_ATTEMPTS: i64 = 5;

/// Refused sign-ins allowed from one client address within the window, whatever the names:
/// enough for an office behind one address, too few to guess across accounts or lock them all.
pub const LOGIN_ATTEMPTS_PER_ADDRESS: i64 = 30;

pub const LOGIN_WINDOW_MINUTES: i64 = 15;

/// Checks a username and password, and the second factor's code for an account that has one;
/// answers the account if they match. A wrong code counts as a refused sign-in, like a wrong
/// password, so codes cannot be guessed either.
pub(crate) async fn check_credentials(
    state: &AppState,
    username: &str,
    password: &str,
    totp: Option<&str>,
    from: Option<String>,
) -> Result<safegrid_store::Account, WebError> {
    // The name is counted, locked and looked up in the one form the store gives it, so
    // " admin" and "admin" are the same name to the lock as they are to the lookup.
    let name = safegrid_store::login_name(username);
    let since = Utc::now() - chrono::Duration::minutes(LOGIN_WINDOW_MINUTES);
    let locked = WebError::LoginLocked {
        minutes: LOGIN_WINDOW_MINUTES,
    };
    if let Some(address) = &from
        && state.store.failed_logins_from(address, since).await? >= LOGIN_ATTEMPTS_PER_ADDRESS
    {
        return Err(locked);
    }
    if state.store.failed_logins_since(&name, since).await? >= LOGIN_ATTEMPTS {
        return Err(locked);
    }
    let account = state.store.account_by_username(&name).await?;
    let hash = account
        .as_ref()
        .map_or_else(auth::dummy_hash, |a| a.password_hash.clone());
    let ok = auth::verify_password(hash, password.to_owned()).await;
    let account = match account {
        Some(a) if ok && !a.disabled => a,
        _ => {
            state.store.record_failed_login(&name, from).await?;
            return Err(WebError::WrongCredentials);
        }
    };
    let (Some(secret), Some(_)) = (&account.totp_secret, account.totp_enabled_at) else {
        return Ok(account);
    };
    let code = totp.map(str::trim).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Err(WebError::TotpRequired);
    };
    let step = crate::http::second_factor::matching_step(
        secret,
        &account.username,
        code,
        crate::http::second_factor::now_seconds(),
    );
    match step {
        Some(step) if state.store.use_totp_step(account.id, step).await? => Ok(account),
        _ => {
            state.store.record_failed_login(&name, from).await?;
            Err(WebError::WrongTotp)
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TotpEnrolment {
    /// The new secret in base32, to type into an authenticator app.
    pub secret: String,
    /// The same as an `otpauth://totp/…` address (what the QR code holds).
    pub otpauth_uri: String,
}

/// Starts enrolling the account's second factor: a new secret, on once a code from it is
/// confirmed.
pub(crate) async fn begin_totp(
    state: &AppState,
    user_account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
) -> Result<TotpEnrolment, WebError> {
    let secret = crate::http::second_factor::new_secret();
    let otpauth_uri = crate::http::second_factor::otpauth_uri(&secret, &user_account.username)
        .ok_or(WebError::Internal)?;
    state.store.begin_totp(actor, &secret).await?;
    Ok(TotpEnrolment {
        secret,
        otpauth_uri,
    })
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TotpConfirmation {
    /// Six digits from the authenticator app.
    pub code: String,
}

/// Turns the second factor on with a code from the secret being enrolled.
pub(crate) async fn confirm_totp(
    state: &AppState,
    user_account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
    code: &str,
) -> Result<(), WebError> {
    if user_account.totp_enabled_at.is_some() {
        return Err(WebError::Refused("totp.already_on"));
    }
    let secret = user_account
        .totp_secret
        .as_deref()
        .ok_or(WebError::Refused("totp.not_begun"))?;
    let step = crate::http::second_factor::matching_step(
        secret,
        &user_account.username,
        code,
        crate::http::second_factor::now_seconds(),
    )
    .ok_or_else(|| safegrid_domain::Violation::new("code", "totp.code_wrong"))?;
    state.store.enable_totp(actor, step).await?;
    Ok(())
}

/// Checks the input and the password, hashes it and creates the account.
pub(crate) async fn create_account_from(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    input: AccountInput,
) -> Result<safegrid_store::Account, WebError> {
    // Only a role that may create some account gets as far as the input.
    if !safegrid_domain::access::Role::ALL
        .into_iter()
        .any(|role| safegrid_domain::access::may_create_account(actor.role, role))
    {
        return Err(WebError::Forbidden);
    }
    let account = input.parse(true)?;
    let hash = auth::hash_password_blocking(input.password).await?;
    Ok(state.store.create_account(actor, account, &hash).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PasswordRequest {
    pub password: String,
}

pub(crate) async fn reset_password_of(
    state: &AppState,
    actor: &safegrid_domain::access::Actor,
    id: i64,
    password: &str,
) -> Result<(), WebError> {
    // Who may reset whose password is the domain's table; the new one must not be the name.
    let target = state
        .store
        .account_to_act_on(
            actor,
            id,
            safegrid_domain::access::AccountAction::ResetPassword,
        )
        .await?;
    safegrid_domain::access::check_password("password", password, &target.username)?;
    let hash = auth::hash_password_blocking(password.to_owned()).await?;
    state.store.set_password(actor, id, &hash).await?;
    Ok(())
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct OwnPasswordRequest {
    /// The password the account has now.
    pub current_password: String,
    /// The new one: at least 10 characters of three kinds (upper and lower case, digits,
    /// symbols), not the account name, not a common password.
    pub new_password: String,
}

/// Changes the signed-in account's own password, proved with the current one; its other
/// sessions end.
pub(crate) async fn change_own_password(
    state: &AppState,
    account: &safegrid_store::Account,
    actor: &safegrid_domain::access::Actor,
    token_hash: &str,
    input: OwnPasswordRequest,
) -> Result<(), WebError> {
    if !auth::verify_password(account.password_hash.clone(), input.current_password).await {
        return Err(
            safegrid_domain::Violation::new("current_password", "error.password_wrong").into(),
        );
    }
    safegrid_domain::access::check_password(
        "new_password",
        &input.new_password,
        &account.username,
    )?;
    let hash = auth::hash_password_blocking(input.new_password).await?;
    state
        .store
        .change_own_password(actor, &hash, token_hash)
        .await?;
    Ok(())
}
