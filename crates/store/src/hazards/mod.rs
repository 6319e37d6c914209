//! The hidden-hazard ledger (事故隐患台账, R-LED-5): hazards in scope, listed and counted by
//! state, each with its timeline; reporting one; and moving it along its lifecycle
//! (`lifecycle.rs`). The same rows make the unit's, town's, department's and county's ledgers:
//! only the scope differs.

mod lifecycle;
mod notices;
mod notify;
mod photos;
mod reports;

pub use notices::NoticeRound;
pub use notify::{Notification, Sweep};
pub(crate) use photos::KeptFiles;
pub use photos::{HazardPhoto, NewPhoto, PhotoFile};
pub use reports::{
    HazardReport, HazardStatistics, ReportInput, ReportStanding, StandingCounts, StandingFilter,
};
pub use safegrid_domain::hazard::input::{HazardInput, PlanInput, TransitionInput};
mod query;
mod rows;
mod stats;
mod write;

pub use query::HazardFilter;
pub(crate) use query::{detail, find};
pub use rows::{Hazard, HazardCounts, HazardDetail, HazardEvent, HazardPlan};
pub use stats::HazardStat;
pub(crate) use write::{audit_finding, insert_reported};
