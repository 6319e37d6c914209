//! What a unit keeps on record: its hazard sources (GB 18218), documents, own grid and
//! management systems, and the county's grading rule — API and pages.

pub mod api;
pub mod pages;
