//! Machinery the features share for files: spreadsheet and CSV export, the census import's
//! reading, uploads and photos.

pub mod export;
pub mod import;
pub mod upload;
