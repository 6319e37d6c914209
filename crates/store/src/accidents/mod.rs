//! The accident ledger (R-VIL-3, R-ASSESS-2): a quick report from whoever learns of an
//! accident, its level by Order 493, the chain of reports up the levels with each level's
//! times, supplements of casualties, and the record as of the accident for the investigation
//! (`accountability`). Scoped like hazards: the town or village where it happened, the unit's
//! supervising departments, the unit, the county.

mod accountability;
mod notify;
mod query;
mod rows;
mod stats;
mod write;

pub use accountability::{
    Accountability, AccountableGrid, AccountableHolder, AccountablePost, HazardOnRecord,
    InspectionOnRecord, ReportOnRecord,
};
pub use query::AccidentFilter;
pub use rows::{Accident, AccidentDetail, AccidentPhoto, AccidentStep, AccidentSupplement};
pub use safegrid_domain::accident::input::{AccidentInput, StepInput, SupplementInput};
pub use stats::AccidentStat;
