//! The audit log as the audit administrator reads it — API and page.

pub mod api;
pub mod pages;
