//! The hidden-hazard ledger: reports, the lifecycle, photos, notifications and the webhook —
//! API and pages.

pub mod api;
pub mod pages;
