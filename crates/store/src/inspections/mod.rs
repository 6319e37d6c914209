//! Inspections (执法检查, R-CAL-1): a town's or department's visit to a unit, its checklist and
//! findings. Each inspection discharges its party's inspection duty for the period it falls
//! in (`crate::duties`).

mod documents;
mod query;
mod rows;
mod seed;
mod settings;
mod write;

pub use documents::{DocumentFilter, EnforcementDocument};
pub use query::InspectionFilter;
pub use rows::{Inspection, InspectionDetail, InspectionItem, Names};
pub use seed::PastInspection;
pub use settings::Checklist;
