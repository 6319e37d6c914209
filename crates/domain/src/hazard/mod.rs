//! Hidden hazards (事故隐患, SAWS Order No. 16): their levels and sources, the life of each from
//! report to closing (销号) as a table of allowed actions, and when one is overdue.

pub mod deadline;
pub mod lifecycle;
pub mod report;

use crate::invalid::Violation;
use serde::Serialize;

/// General hazards can be removed at once; major ones need production stopped, time, or help
/// from outside (Art. 3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardLevel {
    General,
    Major,
}

impl HazardLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            HazardLevel::General => "general",
            HazardLevel::Major => "major",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        match raw.trim() {
            "general" => Ok(HazardLevel::General),
            "major" => Ok(HazardLevel::Major),
            _ => Err(Violation::new(field, "error.choice")),
        }
    }
}

/// Who found the hazard.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HazardSource {
    /// The unit's own check (自查自报).
    SelfCheck,
    /// A supervision inspection (执法检查).
    Inspection,
    /// A village grid member's report.
    VillageReport,
    /// A report from the public.
    PublicReport,
}

impl HazardSource {
    pub const ALL: [HazardSource; 4] = [
        HazardSource::SelfCheck,
        HazardSource::Inspection,
        HazardSource::VillageReport,
        HazardSource::PublicReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HazardSource::SelfCheck => "self_check",
            HazardSource::Inspection => "inspection",
            HazardSource::VillageReport => "village_report",
            HazardSource::PublicReport => "public_report",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| Violation::new(field, "error.choice"))
    }
}
