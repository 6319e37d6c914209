//! The unit ledger (生产经营单位基础台账, R-LED-2): the census of every production and business
//! unit, placed in its village and its departments' grids, graded A/B/C by the county's rule.

pub use safegrid_domain::unit::input::UnitInput;

mod certificates;
mod check_rates;
mod check_reads;
mod checks;
mod documents;
pub(crate) mod grading;
mod hazard_sources;
pub(crate) mod own_grid;
mod photos;
mod trainings;

pub use certificates::{Certificate, CertificateFilter};
pub use check_reads::{CheckDetail, CheckItemRow};
pub use checks::{CheckPhotos, CheckRateRow, CheckRecorded, PastCheck, RATE_DAYS, UnitCheck};
pub use documents::{Document, NewDocument};
pub use hazard_sources::{
    HazardSource, HazardSourceDetail, HazardSourceFilter, HazardSourceInput, SubstanceInput,
    SubstanceRow,
};
pub use own_grid::{GridNode, GridNodeInput, SystemEntry, SystemInput};
pub use photos::{MAX_RECORD_PHOTOS, RecordPhoto};
pub use trainings::Training;
mod history;
mod import;
mod query;
mod rows;
mod write;

pub(crate) use history::history;
pub use import::{ImportMode, ImportReport, ImportRow, RowError};
pub use query::UnitFilter;
pub(crate) use query::find_unit;
pub use rows::{Unit, UnitChange, UnitDetail};
