//! The sixteen safety management systems (安全管理制度) every unit keeps (R-UNIT-1), in the order
//! of the county plan. Screens name them through the message keys `system.<code>`.

use crate::invalid::Violation;

/// The systems' codes, in the plan's order.
pub const SYSTEMS: [&str; 16] = [
    "fire",                 // 消防安全
    "electricity",          // 用电安全
    "site_traffic",         // 厂内交通安全
    "flammables",           // 易燃易爆物品
    "toxic_substances",     // 有毒有害物品
    "dangerous_places",     // 危险场所
    "special_equipment",    // 特种设备
    "hot_work",             // 动火作业
    "labour_protection",    // 劳动防护用品
    "occupational_health",  // 职业卫生
    "training",             // 安全教育培训
    "accident_reporting",   // 事故报告和调查处理
    "duty_rota",            // 值班
    "rewards_penalties",    // 安全生产奖惩
    "special_operations",   // 特种作业人员管理
    "three_simultaneities", // 建设项目安全设施"三同时"
];

/// A system's code as given, checked against the list.
pub fn parse_system(field: &str, raw: &str) -> Result<&'static str, Violation> {
    let raw = raw.trim();
    SYSTEMS
        .iter()
        .copied()
        .find(|s| *s == raw)
        .ok_or_else(|| Violation::new(field, "error.choice"))
}

/// Whether a unit has one of the systems, as typed.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct SystemInput {
    pub system: Option<String>,
    pub in_place: Option<bool>,
    /// YYYY-MM-DD
    pub adopted_on: Option<String>,
    pub note: Option<String>,
}

/// Whether a unit has one of the systems, checked: a known system, adopted no later than
/// `today`.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemChange {
    pub system: &'static str,
    pub in_place: bool,
    pub adopted_on: Option<chrono::NaiveDate>,
    pub note: Option<String>,
}

impl SystemInput {
    pub fn parse(&self, today: chrono::NaiveDate) -> Result<SystemChange, crate::invalid::Invalid> {
        use crate::invalid::{Invalid, optional_text};
        use crate::tenure::parse_date;
        let mut errors = Invalid::default();
        let system = errors.keep(parse_system(
            "system",
            self.system.as_deref().unwrap_or_default(),
        ));
        let adopted_on = match self.adopted_on.as_deref().map(str::trim) {
            None | Some("") => Some(None),
            Some(raw) => errors.keep(parse_date("adopted_on", raw).and_then(|d| {
                if d > today {
                    Err(Violation::new("adopted_on", "error.future_date"))
                } else {
                    Ok(Some(d))
                }
            })),
        };
        let note = errors.keep(optional_text("note", self.note.as_deref(), 200));
        errors.into_result()?;
        match (system, adopted_on, note) {
            (Some(system), Some(adopted_on), Some(note)) => Ok(SystemChange {
                system,
                in_place: self.in_place.unwrap_or(false),
                adopted_on,
                note,
            }),
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_distinct_systems() {
        let mut codes = SYSTEMS.to_vec();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), 16);
        assert_eq!(parse_system("system", " hot_work ").unwrap(), "hot_work");
        assert_eq!(
            parse_system("system", "karaoke").unwrap_err().field,
            "system"
        );
    }

    #[test]
    fn a_system_is_known_and_not_adopted_tomorrow() {
        let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
        let e = SystemInput {
            system: Some("tea_breaks".into()),
            adopted_on: Some("2026-12-03".into()),
            ..Default::default()
        }
        .parse(today)
        .unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|v| v.field.as_str()).collect();
        assert_eq!(fields, ["system", "adopted_on"]);
        let ok = SystemInput {
            system: Some(SYSTEMS[0].into()),
            in_place: Some(true),
            adopted_on: Some(" ".into()),
            note: None,
        }
        .parse(today)
        .unwrap();
        assert!(ok.in_place && ok.adopted_on.is_none());
    }
}
