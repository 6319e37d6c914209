//! Body extractors that turn unreadable input into field-level errors instead of plain-text
//! rejections: JSON (400 when it does not parse, 422 naming the field when it does not fit) and
//! URL-encoded forms. A NUL character anywhere in text input is refused here, naming its field:
//! no text column can hold one (PostgreSQL refuses it outright), and no person types one.

use crate::http::error::WebError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{FromRequest, Request};
use safegrid_domain::Violation;
use serde::de::DeserializeOwned;

/// A JSON body deserialised with the path of any field that did not fit.
pub struct JsonBody<T>(pub T);

fn bytes_error(e: BytesRejection) -> WebError {
    if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        WebError::TooLarge
    } else {
        WebError::Malformed(Violation::new("body", "error.body_unreadable"))
    }
}

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(bytes_error)?;
        parse_json(&bytes).map(JsonBody)
    }
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, WebError> {
    refuse_json_nul(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => Ok(value),
        Err(err) => {
            let path = err.path().to_string();
            let inner = err.into_inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(WebError::Malformed(Violation::new(
                    "body",
                    "error.json_syntax",
                )));
            }
            // A missing field is reported by serde at the parent's path with the name in the
            // message; dig it out so the client sees which field.
            let message = inner.to_string();
            let field = message
                .strip_prefix("missing field `")
                .and_then(|rest| rest.split('`').next())
                .map_or_else(
                    || {
                        if path == "." {
                            "body".to_owned()
                        } else {
                            path.clone()
                        }
                    },
                    |name| {
                        if path == "." {
                            name.to_owned()
                        } else {
                            format!("{path}.{name}")
                        }
                    },
                );
            let key = if message.starts_with("missing field") {
                "error.required"
            } else {
                "error.json_type"
            };
            Err(WebError::Invalid(Violation::new(field, key).into()))
        }
    }
}

/// Refuses a JSON text holding a NUL character in any string (a key or a value), naming where.
/// The bytes are scanned first, so only a body that mentions `\u0000` is parsed twice.
fn refuse_json_nul(bytes: &[u8]) -> Result<(), WebError> {
    let mentions = bytes.contains(&0)
        || bytes
            .windows(6)
            .any(|w| w[0] == b'\\' && w[1] == b'u' && w[2..].iter().all(|b| *b == b'0'));
    if !mentions {
        return Ok(());
    }
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        // Not JSON at all: the real parse names the syntax error.
        return Ok(());
    };
    match nul_path(&value, String::new()) {
        Some(path) => Err(nul_error(if path.is_empty() { "body" } else { &path })),
        None => Ok(()),
    }
}

/// Where in a JSON value a string holds a NUL, as `field`, `items[2].note` and the like.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    let join = |key: &str| {
        if at.is_empty() {
            key.to_owned()
        } else {
            format!("{at}.{key}")
        }
    };
    match value {
        serde_json::Value::String(s) => s.contains('\0').then_some(at),
        serde_json::Value::Array(items) => items
            .iter()
            .enumerate()
            .find_map(|(i, v)| nul_path(v, format!("{at}[{i}]"))),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, v)| {
            if k.contains('\0') {
                Some(join(&k.replace('\0', "")))
            } else {
                nul_path(v, join(k))
            }
        }),
        _ => None,
    }
}

fn nul_error(field: &str) -> WebError {
    WebError::Invalid(Violation::new(field, "error.nul").into())
}

/// Refuses name–value pairs (a form or a query string) with a NUL in a name or a value.
pub fn refuse_pairs_nul<'a>(
    pairs: impl IntoIterator<Item = (&'a str, &'a str)>,
) -> Result<(), WebError> {
    for (name, value) in pairs {
        if name.contains('\0') || value.contains('\0') {
            let field = name.replace('\0', "");
            return Err(nul_error(if field.is_empty() { "body" } else { &field }));
        }
    }
    Ok(())
}

fn refuse_encoded_nul(encoded: &[u8]) -> Result<(), WebError> {
    // A NUL arrives percent-encoded (%00) or raw; decoding is only needed when one may be there.
    let may = encoded.contains(&0) || encoded.windows(3).any(|w| w == b"%00");
    if !may {
        return Ok(());
    }
    let pairs: Vec<(String, String)> = form_urlencoded::parse(encoded).into_owned().collect();
    refuse_pairs_nul(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// An `application/x-www-form-urlencoded` body.
pub struct FormBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for FormBody<T> {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(bytes_error)?;
        refuse_encoded_nul(&bytes)?;
        serde_urlencoded::from_bytes(&bytes)
            .map(FormBody)
            .map_err(|_| WebError::Malformed(Violation::new("body", "error.form_unreadable")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)]
    struct Login {
        username: String,
        password: String,
        remember: Option<bool>,
    }

    fn field_of(e: WebError) -> (u16, String) {
        match e {
            WebError::Invalid(i) => (422, i.0[0].field.clone()),
            WebError::Malformed(v) => (400, v.field),
            other => (other.status().as_u16(), String::new()),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            field_of(parse_json::<Login>(b"{").unwrap_err()),
            (400, "body".into())
        );
        assert_eq!(
            field_of(parse_json::<Login>(b"not json").unwrap_err()),
            (400, "body".into())
        );
        assert_eq!(
            field_of(parse_json::<Login>(br#"{"username":"a"}"#).unwrap_err()),
            (422, "password".into())
        );
        assert_eq!(
            field_of(
                parse_json::<Login>(br#"{"username":"a","password":"b","remember":"x"}"#)
                    .unwrap_err()
            ),
            (422, "remember".into())
        );
        assert!(parse_json::<Login>(br#"{"username":"a","password":"b"}"#).is_ok());
    }

    #[test]
    fn a_nul_anywhere_names_its_field() {
        assert_eq!(
            field_of(parse_json::<Login>(br#"{"username":"a\u0000","password":"b"}"#).unwrap_err()),
            (422, "username".into())
        );
        let nested =
            parse_json::<serde_json::Value>(br#"{"items":[{"note":"ok"},{"note":"x\u0000"}]}"#);
        assert_eq!(field_of(nested.unwrap_err()), (422, "items[1].note".into()));
        // The six characters of an escaped backslash followed by u0000 are text, not a NUL.
        assert!(parse_json::<Login>(br#"{"username":"\\u0000","password":"b"}"#).is_ok());
        assert_eq!(
            field_of(refuse_encoded_nul(b"name=ok&note=a%00b").unwrap_err()),
            (422, "note".into())
        );
        assert!(refuse_encoded_nul(b"name=ok&note=a%2500b").is_ok());
    }
}

/// Query-string parameters, with a field-level error for a value of the wrong type
/// (`?page=abc`) instead of a plain-text rejection.
pub struct QueryArgs<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for QueryArgs<T> {
    type Rejection = WebError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        _: &S,
    ) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        refuse_encoded_nul(query.as_bytes())?;
        // A filter left blank on a page (`?department=&state=`) is no filter, as in forms.
        let pairs: Vec<(String, String)> = form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let kept = filled_pairs(&pairs);
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(kept.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de)
            .map(QueryArgs)
            .map_err(|e| {
                let field = e.path().to_string();
                let field = if field == "." {
                    "query".to_owned()
                } else {
                    field
                };
                WebError::Invalid(Violation::new(field, "error.query_value").into())
            })
    }
}

/// The pairs with a value, trimmed, encoded again: a blank value counts as absent, as a
/// person leaving a box blank (or a select on "any") means.
fn filled_pairs(pairs: &[(String, String)]) -> String {
    let kept = pairs
        .iter()
        .filter(|(_, v)| !v.trim().is_empty())
        .map(|(k, v)| (k.as_str(), v.trim()));
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(kept)
        .finish()
}

/// A yes-or-no filter as the API writes it (`true`, `false`) and as a page's checkbox or
/// select sends it (`1`, `0`, `on`); anything else is refused naming the field. Use with
/// `#[serde(default, deserialize_with = "crate::http::extract::flag")]`.
pub fn flag<'de, D: serde::Deserializer<'de>>(de: D) -> Result<Option<bool>, D::Error> {
    let raw = <String as serde::Deserialize>::deserialize(de)?;
    match raw.as_str() {
        "true" | "1" | "on" => Ok(Some(true)),
        "false" | "0" => Ok(Some(false)),
        _ => Err(serde::de::Error::invalid_value(
            serde::de::Unexpected::Str(&raw),
            &"true or false",
        )),
    }
}

/// A form's pairs read into `T` (the API's input type, or [`FormPairs`] itself); a value of
/// the wrong type is refused naming its field. Empty values count as absent, as a person
/// leaving a box blank means.
pub fn form_from_pairs<T: DeserializeOwned>(pairs: &[(String, String)]) -> Result<T, WebError> {
    let encoded = filled_pairs(pairs);
    let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
    serde_path_to_error::deserialize::<_, T>(de).map_err(|e| {
        let field = e.path().to_string();
        let field = if field == "." {
            "body".to_owned()
        } else {
            field
        };
        WebError::Invalid(Violation::new(field, "error.number").into())
    })
}

/// A form body as its name–value pairs in order, for forms with repeated names (checkboxes).
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(transparent)]
pub struct FormPairs(pub Vec<(String, String)>);

impl FormPairs {
    /// The first value of a field, trimmed; empty counts as absent.
    pub fn get(&self, name: &str) -> Option<String> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    /// A number typed into a field: absent when empty, an error naming the field when it is
    /// not a number.
    pub fn number<T: std::str::FromStr>(&self, name: &str) -> Result<Option<T>, WebError> {
        match self.get(name) {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| Violation::new(name, "error.number").into()),
        }
    }

    /// Every value of a repeated field.
    pub fn all(&self, name: &str) -> Vec<String> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect()
    }
}

impl<S: Send + Sync> FromRequest<S> for FormPairs {
    type Rejection = WebError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = Bytes::from_request(req, state).await.map_err(bytes_error)?;
        let pairs: Vec<(String, String)> = form_urlencoded::parse(&bytes).into_owned().collect();
        refuse_pairs_nul(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))?;
        Ok(FormPairs(pairs))
    }
}
