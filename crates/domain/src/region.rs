//! Administrative divisions (行政区划) with their 12-digit statistical codes (统计用区划代码).
//!
//! A code is `PPCCDDTTTVVV`: province, city, county, town (3 digits), village (3 digits). The
//! level of a division follows from where its trailing zeros start, and its parent's code from
//! zeroing its own part, so both are checked rather than trusted.

use crate::invalid::Violation;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A validated 12-digit division code.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct RegionCode(String);

/// The five levels of the division tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegionLevel {
    Province = 1,
    City = 2,
    County = 3,
    Town = 4,
    Village = 5,
}

impl RegionLevel {
    pub fn from_number(n: i32) -> Option<Self> {
        Some(match n {
            1 => Self::Province,
            2 => Self::City,
            3 => Self::County,
            4 => Self::Town,
            5 => Self::Village,
            _ => return None,
        })
    }

    pub fn number(self) -> i32 {
        self as i32
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::City => "city",
            Self::County => "county",
            Self::Town => "town",
            Self::Village => "village",
        }
    }

    /// How many leading digits of the code are significant at this level.
    fn significant_digits(self) -> usize {
        match self {
            Self::Province => 2,
            Self::City => 4,
            Self::County => 6,
            Self::Town => 9,
            Self::Village => 12,
        }
    }

    /// The grid level (四级网格) that governs a division of this level: the county is level 1,
    /// a town (or park) level 2, a village or community level 3.
    pub fn grid_level(self) -> Option<i32> {
        match self {
            Self::County => Some(1),
            Self::Town => Some(2),
            Self::Village => Some(3),
            Self::Province | Self::City => None,
        }
    }
}

crate::closed_set! {
    invalid = "error.region_kind";
    /// What a division is, beyond its level: a town-level division can be a town, a street office
    /// or a park; a village-level one a village or an urban community.
    pub enum RegionKind {
        Province = "province",
        City = "city",
        County = "county",
        Town = "town",
        Street = "street",
        Park = "park",
        Village = "village",
        Community = "community",
    }
}

impl RegionKind {
    /// The level a division of this kind sits at.
    pub fn level(self) -> RegionLevel {
        match self {
            Self::Province => RegionLevel::Province,
            Self::City => RegionLevel::City,
            Self::County => RegionLevel::County,
            Self::Town | Self::Street | Self::Park => RegionLevel::Town,
            Self::Village | Self::Community => RegionLevel::Village,
        }
    }
}

impl RegionCode {
    /// Parses a code as users type it: surrounding spaces and full-width digits are accepted.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let code: String = raw
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
                _ => c,
            })
            .collect();
        if code.len() != 12 || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(Violation::new(field, "error.region_code.format"));
        }
        if &code[..2] == "00" {
            return Err(Violation::new(field, "error.region_code.format"));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The level implied by the code's trailing zeros.
    pub fn level(&self) -> RegionLevel {
        let c = self.0.as_bytes();
        let zero = |from: usize, to: usize| c[from..to].iter().all(|&b| b == b'0');
        if zero(2, 12) {
            RegionLevel::Province
        } else if zero(4, 12) {
            RegionLevel::City
        } else if zero(6, 12) {
            RegionLevel::County
        } else if zero(9, 12) {
            RegionLevel::Town
        } else {
            RegionLevel::Village
        }
    }

    /// The code of the division this one belongs to, by the code's own structure.
    /// (A county directly under a province has a city part of `00`; we keep the structural
    /// parent and let the tree's stored parent decide.)
    pub fn structural_parent(&self) -> Option<RegionCode> {
        let keep = match self.level() {
            RegionLevel::Province => return None,
            RegionLevel::City => 2,
            RegionLevel::County => 4,
            RegionLevel::Town => 6,
            RegionLevel::Village => 9,
        };
        let mut s = self.0[..keep].to_owned();
        s.extend(std::iter::repeat_n('0', 12 - keep));
        Some(RegionCode(s))
    }

    /// Whether `self` lies inside `ancestor` by code (same significant prefix).
    pub fn is_within(&self, ancestor: &RegionCode) -> bool {
        let n = ancestor.level().significant_digits();
        self.0[..n] == ancestor.0[..n]
    }

    /// The lowest and highest codes of this division's subtree (itself included). Codes carry
    /// their ancestors' digits, so a subtree is one index range: this is the tree's
    /// materialised path, checked on every insert by [`check_child`].
    pub fn subtree_bounds(&self) -> (String, String) {
        let n = self.level().significant_digits();
        let prefix = &self.0[..n];
        let low = format!("{prefix}{}", "0".repeat(12 - n));
        let high = format!("{prefix}{}", "9".repeat(12 - n));
        (low, high)
    }

    /// The county this division belongs to (itself for a county): big tables are keyed by it.
    pub fn county(&self) -> Option<RegionCode> {
        if self.level() < RegionLevel::County {
            return None;
        }
        let mut s = self.0[..6].to_owned();
        s.push_str("000000");
        Some(RegionCode(s))
    }

    /// The town this division belongs to (itself for a town); none above town level.
    pub fn town(&self) -> Option<RegionCode> {
        if self.level() < RegionLevel::Town {
            return None;
        }
        let mut s = self.0[..9].to_owned();
        s.push_str("000");
        Some(RegionCode(s))
    }
}

/// Checks that a new division fits under its parent: the kind matches the code's level, the
/// parent is one level up, and the code carries the parent's prefix.
pub fn check_child(
    code: &RegionCode,
    kind: RegionKind,
    parent: Option<(&RegionCode, RegionLevel)>,
) -> Result<(), Violation> {
    if kind.level() != code.level() {
        return Err(
            Violation::new("kind", "error.region_kind_level").with("level", code.level().as_str())
        );
    }
    match parent {
        None if code.level() != RegionLevel::Province => {
            Err(Violation::new("parent", "error.region_parent_required"))
        }
        None => Ok(()),
        Some((parent_code, parent_level)) => {
            if parent_level >= code.level() || !code.is_within(parent_code) {
                Err(Violation::new("code", "error.region_code.not_under_parent")
                    .with("parent", parent_code.as_str()))
            } else {
                Ok(())
            }
        }
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for RegionCode {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse("code", &s).map_err(|v| v.key.to_owned())
    }
}

impl From<RegionCode> for String {
    fn from(c: RegionCode) -> String {
        c.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_of_villages() {
        let code = |c: &str| RegionCode::parse("c", c).unwrap();
        assert_eq!(code("610921100202").town(), Some(code("610921100000")));
        assert_eq!(code("610921100000").town(), Some(code("610921100000")));
        assert_eq!(code("610921000000").town(), None);
    }

    fn code(s: &str) -> RegionCode {
        RegionCode::parse("code", s).unwrap()
    }

    #[test]
    fn levels_follow_trailing_zeros() {
        assert_eq!(code("610000000000").level(), RegionLevel::Province);
        assert_eq!(code("610900000000").level(), RegionLevel::City);
        assert_eq!(code("610921000000").level(), RegionLevel::County);
        assert_eq!(code("610921100000").level(), RegionLevel::Town);
        assert_eq!(code("610921100201").level(), RegionLevel::Village);
    }

    #[test]
    fn malformed_codes_are_refused() {
        for bad in [
            "",
            "610921",
            "6109210000001",
            "61092100000a",
            "000000000000",
            "6109 2100000",
        ] {
            assert_eq!(
                RegionCode::parse("code", bad).map_err(|v| v.key),
                Err("error.region_code.format"),
                "{bad:?}"
            );
        }
        assert_eq!(
            code(" ６１０９２１０００００ ０".replace(' ', "").as_str()).as_str(),
            "610921000000"
        );
    }

    #[test]
    fn parents_and_counties() {
        assert_eq!(
            code("610921100201").structural_parent(),
            Some(code("610921100000"))
        );
        assert_eq!(
            code("610921100000").structural_parent(),
            Some(code("610921000000"))
        );
        assert_eq!(code("610000000000").structural_parent(), None);
        assert_eq!(code("610921100201").county(), Some(code("610921000000")));
        assert_eq!(code("610900000000").county(), None);
        assert!(code("610921100201").is_within(&code("610921000000")));
        assert!(!code("610922100201").is_within(&code("610921000000")));
    }

    #[test]
    fn subtrees_are_code_ranges() {
        assert_eq!(
            code("610921100000").subtree_bounds(),
            ("610921100000".to_owned(), "610921100999".to_owned())
        );
        assert_eq!(
            code("610921000000").subtree_bounds(),
            ("610921000000".to_owned(), "610921999999".to_owned())
        );
        let v = code("610921100201");
        assert_eq!(v.subtree_bounds(), (v.to_string(), v.to_string()));
    }

    #[test]
    fn children_must_fit_their_parent() {
        let county = code("610921000000");
        let town = code("610921100000");
        assert!(
            check_child(
                &town,
                RegionKind::Town,
                Some((&county, RegionLevel::County))
            )
            .is_ok()
        );
        assert!(
            check_child(
                &town,
                RegionKind::Park,
                Some((&county, RegionLevel::County))
            )
            .is_ok()
        );
        assert_eq!(
            check_child(
                &town,
                RegionKind::Village,
                Some((&county, RegionLevel::County))
            )
            .map_err(|v| v.field),
            Err("kind".to_owned())
        );
        let other = code("610922000000");
        assert_eq!(
            check_child(&town, RegionKind::Town, Some((&other, RegionLevel::County)))
                .map_err(|v| v.key),
            Err("error.region_code.not_under_parent")
        );
        assert_eq!(
            check_child(&town, RegionKind::Town, None).map_err(|v| v.key),
            Err("error.region_parent_required")
        );
    }
}
