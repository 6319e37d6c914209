//! Closed sets: enums whose values travel as short snake_case words — in JSON, in forms, in
//! query strings and in database columns. [`closed_set!`] writes, once for every such enum, the
//! list of values, the word of each, a parse that names the field at fault, serde, sqlx
//! decoding (`#[sqlx(try_from = "String")]`) and the OpenAPI schema, so no enum carries its own
//! hand-written copy and none falls back to a default on a word it does not know.

use std::fmt;

/// A stored or received word that is not in the set: a decoding error, never a default.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unknown {
    /// The enum's name (`State`, `Role`, …).
    pub set: &'static str,
    pub value: String,
}

impl fmt::Display for Unknown {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} is not a {}", self.value, self.set)
    }
}

impl std::error::Error for Unknown {}

/// Declares a closed set. Each variant is written `Variant = "word"`; the optional
/// `invalid = "error.key";` first line names the message a bad word gets (default
/// `error.choice`), and an optional `schema = "Name";` after it renames the set in the OpenAPI
/// description where its own name is taken.
///
/// ```ignore
/// closed_set! {
///     /// How serious a hazard is.
///     pub enum HazardLevel { General = "general", Major = "major" }
/// }
/// ```
#[macro_export]
macro_rules! closed_set {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $crate::closed_set! {
            invalid = "error.choice";
            $(#[$meta])*
            $vis enum $name { $( $(#[$vmeta])* $variant = $word ),+ }
        }
    };
    (
        invalid = $key:literal;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $crate::closed_set! {
            invalid = $key;
            schema = "";
            $(#[$meta])*
            $vis enum $name { $( $(#[$vmeta])* $variant = $word ),+ }
        }
    };
    (
        invalid = $key:literal;
        schema = $schema:literal;
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $word:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order (the order lists and menus show them in).
            pub const ALL: [$name; { let words: &[&str] = &[$($word),+]; words.len() }] =
                [$($name::$variant),+];

            /// The words, in the same order.
            pub const WORDS: &'static [&'static str] = &[$($word),+];

            /// The word this value travels as.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $word),+
                }
            }

            /// The value of an exact word.
            pub fn from_word(word: &str) -> Option<Self> {
                match word {
                    $($word => Some($name::$variant),)+
                    _ => None,
                }
            }

            /// Input from a person or client: trimmed, and refused naming `field`.
            pub fn parse(field: &str, raw: &str) -> Result<Self, $crate::invalid::Violation> {
                Self::from_word(raw.trim())
                    .ok_or_else(|| $crate::invalid::Violation::new(field, $key))
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = $crate::closed_set::Unknown;
            fn from_str(word: &str) -> Result<Self, Self::Err> {
                Self::from_word(word).ok_or_else(|| $crate::closed_set::Unknown {
                    set: stringify!($name),
                    value: word.to_owned(),
                })
            }
        }

        /// Decoding a stored column: an unknown word is an error.
        impl ::std::convert::TryFrom<String> for $name {
            type Error = $crate::closed_set::Unknown;
            fn try_from(word: String) -> Result<Self, Self::Error> {
                word.parse()
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, word: &&str) -> bool {
                self.as_str() == *word
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, word: &str) -> bool {
                self.as_str() == word
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let word = <::std::borrow::Cow<'de, str> as ::serde::Deserialize>::deserialize(d)?;
                Self::from_word(&word)
                    .ok_or_else(|| ::serde::de::Error::unknown_variant(&word, Self::WORDS))
            }
        }

        impl ::utoipa::PartialSchema for $name {
            fn schema() -> ::utoipa::openapi::RefOr<::utoipa::openapi::schema::Schema> {
                ::utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(::utoipa::openapi::schema::Type::String)
                    .enum_values(Some(Self::WORDS.iter().copied()))
                    .into()
            }
        }

        impl ::utoipa::ToSchema for $name {
            fn name() -> ::std::borrow::Cow<'static, str> {
                // An empty schema name means the enum's own.
                ::std::borrow::Cow::Borrowed(if $schema.is_empty() {
                    stringify!($name)
                } else {
                    $schema
                })
            }
        }
    };
}

#[cfg(test)]
mod tests {
    closed_set! {
        invalid = "error.colour";
        /// A test set.
        pub enum Colour {
            Red = "red",
            /// Documented variant.
            DarkBlue = "dark_blue",
        }
    }

    #[test]
    fn every_word_round_trips() {
        assert_eq!(Colour::ALL.len(), 2);
        for c in Colour::ALL {
            assert_eq!(Colour::from_word(c.as_str()), Some(c));
            assert_eq!(c.to_string(), c.as_str());
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
            assert_eq!(serde_json::from_str::<Colour>(&json).unwrap(), c);
        }
        assert_eq!(Colour::parse("colour", " dark_blue "), Ok(Colour::DarkBlue));
    }

    #[test]
    fn an_unknown_word_is_refused_never_defaulted() {
        let v = Colour::parse("colour", "green").map_err(|v| (v.field, v.key));
        assert_eq!(v, Err(("colour".to_owned(), "error.colour")));
        let stored = Colour::try_from("Red".to_owned());
        assert_eq!(
            stored.map_err(|e| e.to_string()),
            Err("\"Red\" is not a Colour".to_owned())
        );
        assert!(Colour::from_word("").is_none());
        assert!(serde_json::from_str::<Colour>("\"green\"").is_err());
    }
}
