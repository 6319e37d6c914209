//! The stories: the system driven from outside, as its users and clients drive it. Every story
//! runs on SQLite, and on PostgreSQL when `SAFEGRID_TEST_DATABASE_URL` is set (CI sets it).
//! Browser journeys run when `SAFEGRID_BROWSER_TESTS=1` (CI sets it) or chromedriver is found.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access;
mod accidents;
mod accounts;
mod api;
mod assessment;
mod audit;
mod backup;
mod bad_input;
mod browser;
mod browser_accident;
mod browser_assessment;
mod browser_home;
mod browser_own_checks;
mod enforcement;
mod hazard_access;
mod hazards;
mod import;
mod inspections;
mod jobs;
mod own_duties;
mod own_records;
mod pages;
mod plans;
mod schema;
mod sign_in;
mod stats;
mod unit_records;
mod units;
