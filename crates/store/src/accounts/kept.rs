//! Sessions read lately, kept in the process for a few seconds so that a request does not ask
//! the database who its sender is. Every request reads its session, and on SQLite each read
//! is a hand-off to a connection's thread and back: under load those hand-offs, not SQLite's
//! work, are most of a request's time.
//!
//! What keeps this safe: a session is kept at most [`KEEP`]; every change this process makes
//! to accounts or sessions (signing out, disabling an account, a new password, a second
//! factor) drops all of them at once; and a kept session is still checked against its end and
//! idle time on each use, and read afresh when its last-seen time is due to be written. A
//! change made by another process on the same database (a second server on PostgreSQL) takes
//! effect within [`KEEP`].

use super::rows::Account;
use chrono::{DateTime, Utc};
use std::collections::HashMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// How long a session read from the database is believed without asking again.
pub(crate) const KEEP: Duration = Duration::from_secs(5);
/// Sessions kept at most; past this the map starts afresh (a county has a few thousand
/// accounts, so this is reached only by a flood of tokens).
const CAPACITY: usize = 20_000;

/// A session's row as read: its account, CSRF token, end and last-seen time.
#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct SessionRecord {
    #[sqlx(flatten)]
    pub account: Account,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub last_seen_at: DateTime<Utc>,
}

#[derive(Default)]
pub(crate) struct KeptSessions {
    /// Moved on by every change, so a read that began before it is not kept after it.
    generation: AtomicU64,
    entries: Mutex<HashMap<(String, &'static str), Kept>>,
}

struct Kept {
    record: SessionRecord,
    at: Instant,
}

impl KeptSessions {
    /// The session with this token hash and kind, if it was read less than [`KEEP`] ago.
    pub(crate) fn get(&self, token_hash: &str, kind: &'static str) -> Option<SessionRecord> {
        let entries = self.lock();
        let kept = entries.get(&(token_hash.to_owned(), kind))?;
        (kept.at.elapsed() < KEEP).then(|| kept.record.clone())
    }

    /// Where the changes stand before a read: hand it to [`KeptSessions::keep`] after.
    pub(crate) fn generation(&self) -> u64 {
        self.generation.load(Ordering::Acquire)
    }

    /// Keeps a session read from the database, unless accounts or sessions changed since the
    /// read began (`generation`), or forgets it if the database no longer has it.
    pub(crate) fn keep(
        &self,
        token_hash: &str,
        kind: &'static str,
        record: Option<SessionRecord>,
        generation: u64,
    ) {
        let mut entries = self.lock();
        let key = (token_hash.to_owned(), kind);
        let Some(record) = record else {
            entries.remove(&key);
            return;
        };
        if self.generation() != generation {
            return;
        }
        if entries.len() >= CAPACITY {
            entries.retain(|_, kept| kept.at.elapsed() < KEEP);
            if entries.len() >= CAPACITY {
                entries.clear();
            }
        }
        entries.insert(
            key,
            Kept {
                record,
                at: Instant::now(),
            },
        );
    }

    /// Accounts or sessions changed: nothing kept is believed any more.
    pub(crate) fn forget_all(&self) {
        let mut entries = self.lock();
        self.generation.fetch_add(1, Ordering::AcqRel);
        entries.clear();
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, &'static str), Kept>> {
        // A panic while holding the lock leaves only a map of kept reads: still usable.
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record() -> SessionRecord {
        SessionRecord {
            account: Account {
                id: 1,
                username: "admin".into(),
                display_name: "管理员".into(),
                password_hash: String::new(),
                role: safegrid_domain::access::Role::CountyAdmin,
                county_code: Some("330102".into()),
                scope_region_code: None,
                scope_department_id: None,
                scope_unit_id: None,
                person_id: None,
                disabled: false,
                totp_secret: None,
                totp_enabled_at: None,
                totp_last_step: None,
            },
            csrf_token: "csrf".into(),
            expires_at: Utc::now(),
            last_seen_at: Utc::now(),
        }
    }

    #[test]
    fn a_read_that_began_before_a_change_is_not_kept() {
        let kept = KeptSessions::default();
        let before = kept.generation();
        kept.forget_all();
        kept.keep("t", "api", Some(record()), before);
        assert!(kept.get("t", "api").is_none());

        let now = kept.generation();
        kept.keep("t", "api", Some(record()), now);
        assert!(kept.get("t", "api").is_some());
        assert!(kept.get("t", "web").is_none(), "a kind is its own session");
    }

    #[test]
    fn a_change_forgets_every_session_and_a_gone_one_is_dropped() {
        let kept = KeptSessions::default();
        kept.keep("a", "api", Some(record()), kept.generation());
        kept.keep("b", "web", Some(record()), kept.generation());
        kept.keep("b", "web", None, kept.generation());
        assert!(kept.get("b", "web").is_none());
        assert!(kept.get("a", "api").is_some());
        kept.forget_all();
        assert!(kept.get("a", "api").is_none());
    }
}
