//! The unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters from a set of
//! 31 (digits and capitals without I, O, S, V, Z). Position 1 is the registering authority,
//! 2 the kind of organisation, 3–8 the registering authority's division code, 9–17 the body's
//! identifier, and 18 a check character over the first 17 (weights 3^(i-1) mod 31).

use crate::invalid::Violation;
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
}
