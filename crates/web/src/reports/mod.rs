//! Units' monthly hazard statistics reports — API and pages.

pub mod api;
pub mod pages;
