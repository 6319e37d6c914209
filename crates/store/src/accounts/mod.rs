//! Accounts and sessions. Passwords arrive already hashed (the web layer owns hashing);
//! session tokens are stored only as hashes.

mod choices;
pub(crate) mod kept;
mod query;
mod rows;
mod sessions;
mod write;

pub use choices::{ScopeRegion, ScopeUnit};
pub use rows::Account;
pub use sessions::{NewSession, Session, SessionKind};
pub use write::NewAccount;

/// A sign-in name in the one form it is looked up, counted and locked under: trimmed, and cut
/// to the longest name an account can have (so a longer one cannot dodge its count).
pub fn login_name(raw: &str) -> String {
    raw.trim().chars().take(USERNAME_MAX).collect()
}

pub use safegrid_domain::access::input::USERNAME_MAX;
