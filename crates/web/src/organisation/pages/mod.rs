//! The organisation's pages.

pub mod departments;
pub mod grids;
pub mod leadership;
pub mod ledger;
pub mod plans;
pub mod regions;
