//! Hidden hazards (事故隐患, SAWS Order No. 16): their levels and sources, the life of each from
//! report to closing (销号) as a table of allowed actions, and when one is overdue.

pub mod deadline;
pub mod input;
pub mod lifecycle;
pub mod notices;
pub mod report;
pub mod stats;

crate::closed_set! {
    /// General hazards can be removed at once; major ones need production stopped, time, or
    /// help from outside (Art. 3).
    pub enum HazardLevel {
        General = "general",
        Major = "major",
    }
}

crate::closed_set! {
    invalid = "error.choice";
    // `HazardSource` in the API description is a major hazard source (重大危险源).
    schema = "HazardFoundBy";
    /// Who found the hazard.
    pub enum HazardSource {
        /// The unit's own check (自查自报).
        SelfCheck = "self_check",
        /// A supervision inspection (执法检查).
        Inspection = "inspection",
        /// A village grid member's report.
        VillageReport = "village_report",
        /// A report from the public.
        PublicReport = "public_report",
    }
}
