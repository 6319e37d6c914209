//! The county's organisation: divisions, departments, grids, posts, people, the leadership
//! group, and the responsibility ledger built from them.

mod departments;
mod grids;
mod leadership;
mod ledger;
mod people;
mod plans;
mod posts;
mod regions;
mod rows;

pub use grids::GridFilter;
pub(crate) use grids::{grid_select, holdings_of};
pub use leadership::NewOffice;
pub use ledger::LedgerFilter;
pub use plans::{GridPlan, PlanBoard, PlanOwner};
pub(crate) use regions::find_region;
pub use rows::*;
