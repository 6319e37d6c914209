//! Production and business units (生产经营单位): their identity codes, supervision grades,
//! major hazard sources, own grids, management systems and documents.

pub mod census;
pub mod certificate;
pub mod check;
pub mod documents;
pub mod gb18218;
pub mod grade;
pub mod hazard_source;
pub mod industry;
pub mod input;
pub mod own_grid;
pub mod record;
pub mod systems;
pub mod training;
pub mod uscc;
