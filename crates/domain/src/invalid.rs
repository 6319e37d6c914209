//! Field-level validation errors. A violation names the field and a message key; the web layer
//! translates the key into the request's language, so no user-visible text lives in code.

use serde::Serialize;

/// One thing wrong with one field of the input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Violation {
    /// The input field at fault, as the client named it (`code`, `ended_on`, …).
    pub field: String,
    /// Message key in the locale catalogues (`error.region_code.format`, …).
    pub key: &'static str,
    /// Values to substitute into the message (`{max}` …).
    pub args: Vec<(&'static str, String)>,
}

impl Violation {
    pub fn new(field: impl Into<String>, key: &'static str) -> Self {
        Self {
            field: field.into(),
            key,
            args: Vec::new(),
        }
    }

    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.args.push((name, value.to_string()));
        self
    }

    /// The same fault, named as the field sits in a larger input (`items[2].result`).
    pub fn at(mut self, field: impl Into<String>) -> Self {
        self.field = field.into();
        self
    }
}

/// Input that was refused, with every reason found.
#[derive(Debug, Clone, PartialEq, Eq, Default, thiserror::Error)]
#[error("invalid input: {}", self.0.iter().map(|v| format!("{}: {}", v.field, v.key)).collect::<Vec<_>>().join(", "))]
pub struct Invalid(pub Vec<Violation>);

impl Invalid {
    pub fn one(field: impl Into<String>, key: &'static str) -> Self {
        Self(vec![Violation::new(field, key)])
    }

    pub fn push(&mut self, v: Violation) {
        self.0.push(v);
    }

    /// The value of a checked field, or `None` with its violation collected.
    pub fn keep<T>(&mut self, checked: Result<T, Violation>) -> Option<T> {
        checked.map_err(|v| self.0.push(v)).ok()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(())` when nothing was found wrong, so checks can end with `errors.into_result()?`.
    pub fn into_result(self) -> Result<(), Invalid> {
        if self.0.is_empty() { Ok(()) } else { Err(self) }
    }
}

impl From<Violation> for Invalid {
    fn from(v: Violation) -> Self {
        Self(vec![v])
    }
}

/// Trimmed, non-empty text of at most `max` characters.
pub fn required_text(field: &str, value: &str, max: usize) -> Result<String, Violation> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Violation::new(field, "error.required"));
    }
    if value.chars().count() > max {
        return Err(Violation::new(field, "error.too_long").with("max", max));
    }
    Ok(value.to_owned())
}

/// Trimmed optional text; empty becomes `None`.
pub fn optional_text(
    field: &str,
    value: Option<&str>,
    max: usize,
) -> Result<Option<String>, Violation> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > max => {
            Err(Violation::new(field, "error.too_long").with("max", max))
        }
        Some(v) => Ok(Some(v.to_owned())),
    }
}

/// An optional sum of money or quantity: finite and not negative.
pub fn optional_amount(field: &str, value: Option<f64>) -> Result<Option<f64>, Violation> {
    match value {
        Some(v) if !(v.is_finite() && v >= 0.0) => Err(Violation::new(field, "error.not_negative")),
        other => Ok(other),
    }
}

/// A mainland mobile or fixed-line phone number: digits, with optional `+86`, spaces and dashes.
pub fn optional_phone(field: &str, value: Option<&str>) -> Result<Option<String>, Violation> {
    let Some(raw) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return Ok(None);
    };
    let digits: String = raw.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    let body = digits.strip_prefix("+86").unwrap_or(&digits);
    if body.len() < 7 || body.len() > 12 || !body.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Violation::new(field, "error.phone"));
    }
    Ok(Some(digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_bounded() {
        assert_eq!(required_text("name", "  城关镇 ", 10), Ok("城关镇".into()));
        assert_eq!(
            required_text("name", "   ", 10).map_err(|e| e.key),
            Err("error.required")
        );
        assert_eq!(
            required_text("name", "一二三", 2).map_err(|e| e.key),
            Err("error.too_long")
        );
        assert_eq!(optional_text("x", Some("  "), 3), Ok(None));
    }

    #[test]
    fn phones() {
        assert_eq!(
            optional_phone("phone", Some("138 0000 1234")),
            Ok(Some("13800001234".into()))
        );
        assert_eq!(
            optional_phone("phone", Some("0915-5212345")),
            Ok(Some("09155212345".into()))
        );
        assert_eq!(
            optional_phone("phone", Some("+8613800001234")),
            Ok(Some("+8613800001234".into()))
        );
        assert!(optional_phone("phone", Some("call me")).is_err());
        assert_eq!(optional_phone("phone", None), Ok(None));
    }

    #[test]
    fn invalid_collects() {
        let mut e = Invalid::default();
        assert!(e.clone().into_result().is_ok());
        e.push(Violation::new("a", "error.required"));
        assert_eq!(e.into_result().map_err(|e| e.0.len()), Err(1));
    }
}
