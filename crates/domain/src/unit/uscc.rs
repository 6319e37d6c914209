//! The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a set of
//! 31 (digits and capitals without I, O, S, V, Z). Position 1 is the registering authority,
//! 2 the kind of organisation, 3–8 the registering authority's division code, 9–17 the body's
//! identifier, and 18 a check character over the first 17 (weights 3^(i-1) mod 31).
//!
//! Besides the check character, the registering authority and organisation kind must be a pair
//! of the code table (GB 32100-2015 Appendix A with the authorities added since), and the
//! division code must be six digits in a province of GB/T 2260 (or 100000, the state level).
//! A code registered in another province than the county's is accepted with a warning
//! ([`province_warning`]): a unit may have been registered where its head office is.

use crate::invalid::Violation;
use crate::region::RegionCode;
use serde::Serialize;
use std::fmt;

/// The code's alphabet, in value order (GB 32100 Table 2).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights of positions 1–17 (GB 32100 Table 3): 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A unified social credit code whose characters and check character are right.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(into = "String")]
pub struct Uscc(String);

fn value_of(c: u8) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a == c)
        .and_then(|p| u32::try_from(p).ok())
}

/// The check character for the first 17 characters, or `None` if one is outside the alphabet.
pub fn check_character(first17: &[u8]) -> Option<char> {
    if first17.len() != 17 {
        return None;
    }
    let mut sum = 0u32;
    for (c, w) in first17.iter().zip(WEIGHTS) {
        sum += value_of(*c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET
        .get(usize::try_from(check).ok()?)
        .map(|&b| char::from(b))
}

/// The registering authorities (登记管理部门, position 1) and the organisation kinds
/// (机构类别, position 2) each may register.
pub const AUTHORITIES: &[(char, &str, &str)] = &[
    // 机构编制: 机关, 事业单位, 中央编办直接管理机构编制的群众团体, 其他.
    ('1', "机构编制", "1239"),
    // 外交: 外国常驻新闻机构, 其他.
    ('2', "外交", "19"),
    // 司法行政: 律师执业机构, 公证处, 基层法律服务所, 司法鉴定机构, 仲裁委员会, 其他.
    ('3', "司法行政", "123459"),
    // 文化: 外国在华文化中心, 其他.
    ('4', "文化", "19"),
    // 民政: 社会团体, 民办非企业单位, 基金会, 其他.
    ('5', "民政", "1239"),
    // 旅游: 外国旅游部门常驻代表机构, 港澳台地区旅游部门常驻内地(大陆)代表机构, 其他.
    ('6', "旅游", "129"),
    // 宗教: 宗教活动场所, 宗教院校, 其他.
    ('7', "宗教", "129"),
    // 工会: 基层工会, 其他.
    ('8', "工会", "19"),
    // 工商 (市场监管): 企业, 个体工商户, 农民专业合作社.
    ('9', "工商", "123"),
    // 中央军委改革和编制办公室: 军队事业单位, 其他.
    ('A', "中央军委改革和编制办公室", "19"),
    // 农业: 组级, 村级, 乡镇级集体经济组织, 其他.
    ('N', "农业", "1239"),
    // 其他: one kind only.
    ('Y', "其他", "1"),
];

/// The province parts (first two digits) of GB/T 2260 division codes.
const PROVINCES: &[&str] = &[
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41",
    "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
    "81", "82",
];

/// The division code of a registration at the state level.
const STATE_LEVEL: &str = "100000";

/// Whether six characters are a plausible registering division: digits, in a province of
/// GB/T 2260, or the state level.
fn plausible_division(division: &[u8]) -> bool {
    division.len() == 6
        && division.iter().all(u8::is_ascii_digit)
        && (division == STATE_LEVEL.as_bytes()
            || PROVINCES.iter().any(|p| p.as_bytes() == &division[..2]))
}

/// Normalises a code as people type or paste it: trims, drops inner spaces, turns full-width
/// characters half-width and letters upper-case.
pub fn normalise(raw: &str) -> String {
    raw.chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{3000}')
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

impl Uscc {
    /// Parses and checks a code; the violation says which rule it broke.
    pub fn parse(field: &str, raw: &str) -> Result<Self, Violation> {
        let code = normalise(raw);
        if code.chars().count() != 18 {
            return Err(Violation::new(field, "error.uscc.length"));
        }
        let bytes = code.as_bytes();
        if let Some(bad) = bytes.iter().find(|b| value_of(**b).is_none()) {
            return Err(
                Violation::new(field, "error.uscc.character").with("char", char::from(*bad))
            );
        }
        let authority = char::from(bytes[0]);
        let Some((_, _, kinds)) = AUTHORITIES.iter().find(|(a, _, _)| *a == authority) else {
            return Err(Violation::new(field, "error.uscc.authority").with("char", authority));
        };
        let kind = char::from(bytes[1]);
        if !kinds.contains(kind) {
            return Err(Violation::new(field, "error.uscc.kind")
                .with("char", kind)
                .with("authority", authority));
        }
        if !plausible_division(&bytes[2..8]) {
            return Err(Violation::new(field, "error.uscc.division").with("division", &code[2..8]));
        }
        let expected = check_character(&bytes[..17])
            .ok_or_else(|| Violation::new(field, "error.uscc.character"))?;
        if char::from(bytes[17]) != expected {
            return Err(Violation::new(field, "error.uscc.check"));
        }
        Ok(Self(code))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registering authority's division code (positions 3–8).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// Whether the code was registered at the state level (division 100000).
    pub fn is_state_level(&self) -> bool {
        self.division() == STATE_LEVEL
    }
}

/// A warning, not a refusal, when a code was registered in another province than the county's
/// (`warning.uscc_province`, naming the code's division): worth a second look, since a unit is
/// usually registered where it is, but a branch may carry its head office's code. Codes
/// registered at the state level draw no warning.
pub fn province_warning(field: &str, code: &Uscc, county: &RegionCode) -> Option<Violation> {
    let province = county.as_str().get(..2)?;
    (!code.is_state_level() && !code.division().starts_with(province))
        .then(|| Violation::new(field, "warning.uscc_province").with("division", code.division()))
}

impl fmt::Display for Uscc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<Uscc> for String {
    fn from(u: Uscc) -> String {
        u.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_powers_of_three_mod_31() {
        let mut w = 1u32;
        for expected in WEIGHTS {
            assert_eq!(w, expected);
            w = w * 3 % 31;
        }
    }

    #[test]
    fn the_standards_example_passes() {
        // The worked example in GB 32100-2015: check character 3.
        assert_eq!(check_character(&b"91350100M000100Y43"[..17]), Some('3'));
        assert!(Uscc::parse("uscc", "91350100M000100Y43").is_ok());
    }

    #[test]
    fn every_wrong_check_character_is_caught() {
        let good = "91350100M000100Y43";
        for c in ALPHABET
            .iter()
            .map(|&b| char::from(b))
            .filter(|&c| c != '3')
        {
            let bad = format!("{}{c}", &good[..17]);
            assert_eq!(
                Uscc::parse("uscc", &bad).map_err(|v| v.key),
                Err("error.uscc.check"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_changed_character_is_caught() {
        let good = b"91350100M000100Y43";
        for i in 0..17 {
            let mut bad = good.to_vec();
            bad[i] = if bad[i] == b'1' { b'2' } else { b'1' };
            let bad = String::from_utf8(bad).unwrap();
            assert!(Uscc::parse("uscc", &bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn typing_is_forgiven_but_not_bad_characters() {
        assert_eq!(
            Uscc::parse("uscc", " 91350100m000100y43 ")
                .unwrap()
                .as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            Uscc::parse("uscc", "９１３５０１００Ｍ０００１００Ｙ４３")
                .unwrap()
                .as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            Uscc::parse("uscc", "9135 0100 M000 100Y 43")
                .unwrap()
                .as_str(),
            "91350100M000100Y43"
        );
        assert_eq!(
            Uscc::parse("uscc", "91350100M000100Y4").map_err(|v| v.key),
            Err("error.uscc.length")
        );
        for letter in ["I", "O", "S", "V", "Z"] {
            let bad = format!("91350100M000100{letter}43");
            assert_eq!(
                Uscc::parse("uscc", &bad).map_err(|v| v.key),
                Err("error.uscc.character"),
                "{bad}"
            );
        }
        assert_eq!(
            Uscc::parse("uscc", "91350100M000100Y43")
                .unwrap()
                .division(),
            "350100"
        );
    }

    /// A code from its first 17 characters and the check character GB 32100 gives them.
    fn with_check(first17: &str) -> String {
        let check = check_character(first17.as_bytes()).unwrap();
        format!("{first17}{check}")
    }

    fn key(code: &str) -> Result<(), &'static str> {
        Uscc::parse("uscc", code).map(|_| ()).map_err(|v| v.key)
    }

    #[test]
    fn every_authority_with_every_kind_it_registers() {
        let mut pairs = 0;
        for (authority, _, kinds) in AUTHORITIES {
            for kind in kinds.chars() {
                let code = with_check(&format!("{authority}{kind}610921MA6X12345"));
                assert_eq!(key(&code), Ok(()), "{code}");
                pairs += 1;
            }
        }
        // 1: 4 kinds, 2: 2, 3: 6, 4: 2, 5: 4, 6: 3, 7: 3, 8: 2, 9: 3, A: 2, N: 4, Y: 1.
        assert_eq!(pairs, 36);
        // Real-looking codes: a company, a sole trader, a social group, a village collective.
        for first17 in [
            "91610921MA6X12345",
            "92610921MA6X1A2B3",
            "51610921MJ0000012",
            "N2610921MF1234567",
        ] {
            assert_eq!(key(&with_check(first17)), Ok(()), "{first17}");
        }
    }

    #[test]
    fn all_zeros_and_unknown_authorities_are_refused() {
        // All zeros has a right check character (0), but no authority 0.
        assert_eq!(check_character(b"00000000000000000"), Some('0'));
        assert_eq!(key("000000000000000000"), Err("error.uscc.authority"));
        for authority in ['0', 'B', 'C', 'M', 'X'] {
            let code = with_check(&format!("{authority}1610921MA6X12345"));
            assert_eq!(key(&code), Err("error.uscc.authority"), "{code}");
        }
    }

    #[test]
    fn a_kind_the_authority_does_not_register_is_refused() {
        for first2 in [
            "94", "99", "90", "54", "Y2", "Y9", "14", "A2", "N4", "1A", "2Y",
        ] {
            let code = with_check(&format!("{first2}610921MA6X12345"));
            let refused = Uscc::parse("uscc", &code).unwrap_err();
            assert_eq!(refused.key, "error.uscc.kind", "{code}");
            assert_eq!(refused.args[0].1, first2[1..2], "{code}");
        }
    }

    #[test]
    fn the_division_must_be_six_digits_in_a_province() {
        for division in [
            "000000", "990101", "101234", "160101", "241000", "390101", "470101", "550101",
            "660101", "720000", "800000", "830000", "61092A", "6109Y1", "M10921",
        ] {
            let code = with_check(&format!("91{division}MA6X12345"));
            assert_eq!(key(&code), Err("error.uscc.division"), "{code}");
        }
        for division in [
            "110000", "150100", "210200", "230100", "310000", "370100", "410100", "460100",
            "500000", "540100", "610921", "650100", "710000", "810000", "820000", "100000",
        ] {
            let code = with_check(&format!("91{division}MA6X12345"));
            assert_eq!(key(&code), Ok(()), "{code}");
        }
    }

    #[test]
    fn another_province_warns_but_is_accepted() {
        let county = RegionCode::parse("county", "610921000000").unwrap();
        let fujian = Uscc::parse("uscc", "91350100M000100Y43").unwrap();
        let warning = province_warning("uscc", &fujian, &county).unwrap();
        assert_eq!(warning.key, "warning.uscc_province");
        assert_eq!(warning.field, "uscc");
        assert_eq!(warning.args, [("division", "350100".to_owned())]);
        // Same province, another county or city: no warning.
        for first17 in [
            "91610921MA6X12345",
            "91610100MA6X12345",
            "91610000MA6X12345",
        ] {
            let code = Uscc::parse("uscc", &with_check(first17)).unwrap();
            assert_eq!(province_warning("uscc", &code, &county), None, "{first17}");
        }
        // Registered at the state level: no warning either.
        let state = Uscc::parse("uscc", &with_check("51100000500000123")).unwrap();
        assert!(state.is_state_level());
        assert_eq!(province_warning("uscc", &state, &county), None);
    }
}
