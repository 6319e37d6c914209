//! The supervision grade (监管等级) A (高危) / B (中危) / C (低危). No national rule exists, so
//! the county's rule is data with a default (regulations.md §6): A for a major hazard source,
//! a high-risk sector, or a major hazard or accident in the last 12 months; B for another key
//! sector or at least 100 employees; otherwise C. Officials may override it with a reason.

use crate::invalid::Violation;
use serde::{Deserialize, Serialize};

crate::closed_set! {
    invalid = "error.grade";
    pub enum Grade {
        A = "A",
        B = "B",
        C = "C",
    }
}

impl Grade {
    /// A grade as people type it in a form or a census sheet: `b` and the full-width `Ｂ` count.
    pub fn parse_written(field: &str, raw: &str) -> Result<Self, Violation> {
        let letter = match raw.trim() {
            "Ａ" | "ａ" => "A",
            "Ｂ" | "ｂ" => "B",
            "Ｃ" | "ｃ" => "C",
            other => other,
        };
        Self::parse(field, &letter.to_ascii_uppercase())
    }
}

/// The county's grading rule; `Default` is the rule of regulations.md §6.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRule {
    /// Sectors whose units are A (mines, hazardous chemicals, fireworks, metal smelting).
    pub high_risk_sectors: Vec<String>,
    /// Other key sectors, whose units are at least B.
    pub key_sectors: Vec<String>,
    /// Employees from which a unit is at least B.
    pub employees_for_b: u32,
}

impl Default for GradeRule {
    fn default() -> Self {
        let list = |s: &[&str]| s.iter().map(|x| (*x).to_owned()).collect();
        Self {
            high_risk_sectors: list(&[
                "non_coal_mine",
                "hazardous_chemicals",
                "fireworks",
                "metal_smelting",
            ]),
            key_sectors: list(&[
                "industry_trade",
                "machinery",
                "construction",
                "road_transport",
                "fire_safety",
                "town_gas",
                "special_equipment",
            ]),
            employees_for_b: 100,
        }
    }
}

/// What the rule looks at.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GradeFacts<'a> {
    pub sectors: &'a [String],
    pub employees: Option<u32>,
    pub has_major_hazard_source: bool,
    /// A major hidden hazard or an accident in the last 12 months.
    pub major_hazard_or_accident_in_12_months: bool,
}

/// Why the rule suggested a grade: message keys with their values, shown beside the grade.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reason {
    pub key: &'static str,
    pub value: Option<String>,
}

/// The suggested grade and every reason that led to it.
pub fn suggest(rule: &GradeRule, facts: &GradeFacts<'_>) -> (Grade, Vec<Reason>) {
    let mut a = Vec::new();
    if facts.has_major_hazard_source {
        a.push(Reason {
            key: "grade.reason.major_hazard_source",
            value: None,
        });
    }
    for s in facts
        .sectors
        .iter()
        .filter(|s| rule.high_risk_sectors.contains(s))
    {
        a.push(Reason {
            key: "grade.reason.high_risk_sector",
            value: Some(s.clone()),
        });
    }
    if facts.major_hazard_or_accident_in_12_months {
        a.push(Reason {
            key: "grade.reason.recent_major",
            value: None,
        });
    }
    if !a.is_empty() {
        return (Grade::A, a);
    }
    let mut b = Vec::new();
    for s in facts
        .sectors
        .iter()
        .filter(|s| rule.key_sectors.contains(s))
    {
        b.push(Reason {
            key: "grade.reason.key_sector",
            value: Some(s.clone()),
        });
    }
    if let Some(n) = facts.employees.filter(|n| *n >= rule.employees_for_b) {
        b.push(Reason {
            key: "grade.reason.employees",
            value: Some(n.to_string()),
        });
    }
    if !b.is_empty() {
        return (Grade::B, b);
    }
    (
        Grade::C,
        vec![Reason {
            key: "grade.reason.none",
            value: None,
        }],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sectors(s: &[&str]) -> Vec<String> {
        s.iter().map(|x| (*x).to_owned()).collect()
    }

    #[test]
    fn the_default_rule() {
        let rule = GradeRule::default();
        let chem = sectors(&["hazardous_chemicals"]);
        let (g, why) = suggest(
            &rule,
            &GradeFacts {
                sectors: &chem,
                ..Default::default()
            },
        );
        assert_eq!(g, Grade::A);
        assert_eq!(why[0].key, "grade.reason.high_risk_sector");

        let none: Vec<String> = Vec::new();
        let source = GradeFacts {
            sectors: &none,
            has_major_hazard_source: true,
            ..Default::default()
        };
        assert_eq!(suggest(&rule, &source).0, Grade::A);
        let recent = GradeFacts {
            sectors: &none,
            major_hazard_or_accident_in_12_months: true,
            ..Default::default()
        };
        assert_eq!(suggest(&rule, &recent).0, Grade::A);

        let building = sectors(&["construction"]);
        assert_eq!(
            suggest(
                &rule,
                &GradeFacts {
                    sectors: &building,
                    ..Default::default()
                }
            )
            .0,
            Grade::B
        );
        // 100 employees is the bound: 99 stays C, 100 is B.
        let shop = GradeFacts {
            sectors: &none,
            employees: Some(99),
            ..Default::default()
        };
        assert_eq!(suggest(&rule, &shop).0, Grade::C);
        let bigger = GradeFacts {
            employees: Some(100),
            ..shop.clone()
        };
        let (g, why) = suggest(&rule, &bigger);
        assert_eq!(
            (g, why[0].key, why[0].value.as_deref()),
            (Grade::B, "grade.reason.employees", Some("100"))
        );
        assert_eq!(suggest(&rule, &shop).1[0].key, "grade.reason.none");
    }

    #[test]
    fn a_county_can_tune_the_rule() {
        let rule = GradeRule {
            employees_for_b: 50,
            key_sectors: Vec::new(),
            ..GradeRule::default()
        };
        let building = sectors(&["construction"]);
        let facts = GradeFacts {
            sectors: &building,
            employees: Some(60),
            ..Default::default()
        };
        let (g, why) = suggest(&rule, &facts);
        assert_eq!(g, Grade::B);
        assert_eq!(why.len(), 1, "construction is no longer a key sector here");
    }

    #[test]
    fn grades_parse_as_typed() {
        assert_eq!(Grade::parse_written("g", " b "), Ok(Grade::B));
        assert_eq!(Grade::parse_written("g", "Ａ"), Ok(Grade::A));
        assert!(Grade::parse_written("g", "D").is_err());
        assert!(
            Grade::parse("g", "b").is_err(),
            "stored and API values are exact"
        );
    }
}
