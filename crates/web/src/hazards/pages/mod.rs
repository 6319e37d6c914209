//! The hazard ledger's pages and the notifications.

pub mod ledger;
pub mod notifications;
