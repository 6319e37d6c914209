//! Production and business units (生产经营单位): their identity codes, supervision grades and
//! major hazard sources.

pub mod gb18218;
pub mod grade;
pub mod industry;
pub mod record;
pub mod uscc;
