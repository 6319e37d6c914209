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

pub use departments::NewDepartment;
pub use grids::GridFilter;
pub use leadership::{NewLeadershipMember, NewOffice};
pub use ledger::LedgerFilter;
pub use people::NewPerson;
pub use plans::{GridPlan, NewPlan, PlanBoard, PlanOwner};
pub use posts::{Appointment, PersonChoice, Replacement, Vacancy};
pub use regions::NewRegion;
pub(crate) use regions::find_region;
