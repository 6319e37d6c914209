//! What every handler stands on: the application state, errors and their answers, extractors
//! (JSON, forms, queries, CSRF), who is signed in, translations, static assets.

pub mod answer;
pub mod assets;
pub mod auth;
pub mod error;
pub mod extract;
pub mod i18n;
pub mod second_factor;
pub mod state;
