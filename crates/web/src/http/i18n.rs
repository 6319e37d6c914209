//! Translations. Every user-visible string lives in `locales/<lang>.toml`, keyed by dotted
//! names; zh-CN is the default and the fallback, en is complete too (a test checks both have
//! the same keys). The language is the `lang` cookie if set, else the best of Accept-Language.

use axum::extract::FromRequestParts;
use axum::http::header::{ACCEPT_LANGUAGE, COOKIE};
use axum::http::request::Parts;
use std::collections::HashMap;
use std::convert::Infallible;
use std::sync::LazyLock;

const ZH_CN: &str = include_str!("../../locales/zh-CN.toml");
const EN: &str = include_str!("../../locales/en.toml");

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Locale> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Locale::ZhCn)
        } else if tag.starts_with("en") {
            Some(Locale::En)
        } else {
            None
        }
    }

    /// The best supported language of an Accept-Language header, by quality.
    pub fn negotiate(header: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut pieces = part.split(';');
            let tag = pieces.next().unwrap_or_default();
            let q = pieces
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(locale) = Locale::from_tag(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, locale));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

type Catalog = HashMap<String, String>;

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalog) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::String(s) => {
                out.insert(full, s.clone());
            }
            toml::Value::Table(t) => flatten(&full, t, out),
            _ => {}
        }
    }
}

fn parse(source: &str) -> Catalog {
    let mut out = Catalog::new();
    match source.parse::<toml::Table>() {
        Ok(table) => flatten("", &table, &mut out),
        Err(e) => tracing::error!("locale catalogue does not parse: {e}"),
    }
    out
}

static CATALOGS: LazyLock<(Catalog, Catalog)> = LazyLock::new(|| (parse(ZH_CN), parse(EN)));

/// A translator for one request's language. Cheap to copy into every template.
#[derive(Debug, Clone, Copy, Default)]
pub struct Tr {
    pub locale: Locale,
}

impl Tr {
    pub fn new(locale: Locale) -> Self {
        Self { locale }
    }

    /// The text for `key`, falling back to zh-CN, then to the key itself.
    pub fn t<'a>(&self, key: &'a str) -> &'a str
    where
        'static: 'a,
    {
        let (zh, en) = &*CATALOGS;
        let primary = match self.locale {
            Locale::ZhCn => zh,
            Locale::En => en,
        };
        primary
            .get(key)
            .or_else(|| zh.get(key))
            .map_or(key, String::as_str)
    }

    /// The text for `key` with `{name}` placeholders filled in.
    pub fn f(&self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// The text for `key` with one placeholder filled in (handy in templates).
    pub fn f1(&self, key: &str, name: &str, value: impl std::fmt::Display) -> String {
        self.f(key, &[(name, value.to_string())])
    }

    /// A label for an enum value: `t(prefix.value)`.
    /// The name of a value of a closed set (`label("role", Role::Leader)`) or of a listed word.
    pub fn label(&self, prefix: &str, value: impl AsRef<str>) -> String {
        self.t(&format!("{prefix}.{}", value.as_ref())).to_owned()
    }

    pub fn tag(&self) -> &'static str {
        self.locale.tag()
    }
}

/// The request's language, as an extractor.
impl<S: Send + Sync> FromRequestParts<S> for Tr {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Tr::new(locale_of(parts)))
    }
}

/// The language a request asks for.
pub fn locale_of(parts: &Parts) -> Locale {
    let from_cookie = parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix("lang="))
        .and_then(Locale::from_tag);
    from_cookie.unwrap_or_else(|| {
        parts
            .headers
            .get(ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .map(Locale::negotiate)
            .unwrap_or_default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let (zh, en) = &*CATALOGS;
        assert!(zh.len() > 100, "zh-CN catalogue parsed: {} keys", zh.len());
        let mut missing_en: Vec<_> = zh.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_zh: Vec<_> = en.keys().filter(|k| !zh.contains_key(*k)).collect();
        missing_en.sort();
        missing_zh.sort();
        assert!(missing_en.is_empty(), "missing in en: {missing_en:?}");
        assert!(missing_zh.is_empty(), "missing in zh-CN: {missing_zh:?}");
    }

    #[test]
    fn negotiation() {
        assert_eq!(Locale::negotiate("en-US,en;q=0.9"), Locale::En);
        assert_eq!(Locale::negotiate("fr, en;q=0.5, zh-CN;q=0.8"), Locale::ZhCn);
        assert_eq!(Locale::negotiate("fr"), Locale::ZhCn);
        assert_eq!(Locale::negotiate(""), Locale::ZhCn);
    }

    #[test]
    fn placeholders_and_fallbacks() {
        let en = Tr::new(Locale::En);
        assert_eq!(en.t("no.such.key"), "no.such.key");
        assert!(
            en.f("error.too_long", &[("max", "10".into())])
                .contains("10")
        );
    }
}
