//! What a unit's record holds beyond its codes: its status, standardisation level, and the
//! pinyin initials people search by (`hyx` finds 汉阴县…).

use crate::invalid::Violation;
use pinyin::ToPinyin;
use serde::Serialize;

/// Whether a unit is operating (its history is kept: status changes never overwrite).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitStatus {
    Operating,
    Suspended,
    Closed,
    Moved,
}

impl UnitStatus {
    pub const ALL: [UnitStatus; 4] = [Self::Operating, Self::Suspended, Self::Closed, Self::Moved];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Operating => "operating",
            Self::Suspended => "suspended",
            Self::Closed => "closed",
            Self::Moved => "moved",
        }
    }

    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| Violation::new(field, "error.unit_status"))
    }
}

/// Work safety standardisation level (安全生产标准化等级).
pub const STANDARDISATION: [&str; 4] = ["level1", "level2", "level3", "none"];

pub fn parse_standardisation(field: &str, raw: &str) -> Result<String, Violation> {
    let v = raw.trim();
    if STANDARDISATION.contains(&v) {
        Ok(v.to_owned())
    } else {
        Err(Violation::new(field, "error.standardisation"))
    }
}

/// The lower-case pinyin initials of a name's Chinese characters, with its ASCII letters and
/// digits kept: 汉阴县恒达建材厂 → `hyxhdjcc`.
pub fn initials(name: &str) -> String {
    name.chars()
        .filter_map(|c| {
            if c.is_ascii_alphanumeric() {
                Some(c.to_ascii_lowercase())
            } else {
                c.to_pinyin().and_then(|p| p.first_letter().chars().next())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_of_names() {
        assert_eq!(initials("汉阴县恒达建材厂"), "hyxhdjcc");
        assert_eq!(initials("城关镇A区3号加油站"), "cgzaq3hjyz");
        assert_eq!(initials("（个体）"), "gt");
    }

    #[test]
    fn statuses_and_levels() {
        for s in UnitStatus::ALL {
            assert_eq!(UnitStatus::parse("status", s.as_str()), Ok(s));
        }
        assert!(UnitStatus::parse("status", "bankrupt").is_err());
        assert!(parse_standardisation("s", "level2").is_ok());
        assert!(parse_standardisation("s", "gold").is_err());
    }
}
