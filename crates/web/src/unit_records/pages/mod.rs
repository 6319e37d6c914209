//! The unit records' pages.

pub mod hazard_sources;
pub mod records;
