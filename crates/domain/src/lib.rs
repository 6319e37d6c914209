//! The rules of grid-based safety-production supervision, pure and free of IO.
//!
//! Everything here is checked by unit tests built from the county plan and the national
//! rules (`shared/spec`). The store and the web layer call into this crate; it calls nothing.

pub mod access;
pub mod accident;
pub mod assessment;
pub mod closed_set;
pub mod duty;
pub mod geo;
pub mod hazard;
pub mod inspection;
pub mod invalid;
pub mod org;
pub mod plan;
pub mod policy;
pub mod region;
pub mod tenure;
pub mod time;
pub mod unit;
pub mod webhook;

pub use invalid::{Invalid, Violation};
