//! The units' own duties (R-CAL-2, R-CAL-3): the checks a unit makes of itself each working
//! day and each month. Supervisors see them on the duty calendar (kinds `daily_check`,
//! `monthly_patrol`).

pub mod api;
mod certificate_pages;
mod check_form;
pub mod pages;
mod training_pages;
