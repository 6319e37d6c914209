//! The audit log as the audit administrator reads it (its page is among the administrators'
//! pages in `accounts`).

pub mod api;
