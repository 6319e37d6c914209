//! What a unit's record holds beyond its codes: its status, standardisation level, and the
//! pinyin initials people search by (`hyx` finds 汉阴县…).

use crate::invalid::Violation;
use pinyin::ToPinyin;

crate::closed_set! {
    invalid = "error.unit_status";
    /// Whether a unit is operating (its history is kept: status changes never overwrite).
    pub enum UnitStatus {
        Operating = "operating",
        Suspended = "suspended",
        Closed = "closed",
        Moved = "moved",
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

/// The search terms of a unit: every pair of neighbouring characters (bigram) of its name and
/// address, lower-cased, without spaces. Chinese users search by two or more characters, so a
/// query's bigrams all being terms of a unit finds it from an index on any database.
pub fn search_terms(texts: &[&str]) -> Vec<String> {
    let mut terms: Vec<String> = texts.iter().flat_map(|t| bigrams(t)).collect();
    terms.sort();
    terms.dedup();
    terms
}

/// The bigrams of a query; none for a query of one character.
pub fn bigrams(text: &str) -> Vec<String> {
    let chars: Vec<char> = text
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .flat_map(char::to_lowercase)
        .collect();
    let mut out: Vec<String> = chars.windows(2).map(|w| w.iter().collect()).collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod term_tests {
    use super::*;

    #[test]
    fn bigrams_of_names_and_queries() {
        assert_eq!(bigrams("恒达"), vec!["恒达"]);
        assert_eq!(bigrams("恒 达化"), vec!["恒达", "达化"]);
        assert!(bigrams("恒").is_empty());
        let terms = search_terms(&["汉阴县恒达化工", "工业路8号"]);
        for q in ["恒达", "达化工", "业路8", "汉阴"] {
            assert!(bigrams(q).iter().all(|b| terms.contains(b)), "{q}");
        }
        assert_eq!(bigrams("AB"), vec!["ab"]);
    }
}
