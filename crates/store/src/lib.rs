//! Data access for safegrid: one [`Store`] over SQLite or PostgreSQL.
//!
//! The backend is chosen once, from the database URL. Queries are built once with sea-query
//! and rendered for the backend in use; raw SQL appears only where a dialect needs its own.
//! Every read and write takes the acting account's [`Scope`](safegrid_domain::access::Scope):
//! rows outside it are never returned, counted or changed, and every change writes its audit
//! record in the same transaction.

mod accidents;
pub mod assessment;
mod audit;
pub use accidents::{
    Accident, AccidentDetail, AccidentFilter, AccidentInput, AccidentPhoto, AccidentStat,
    AccidentStep, AccidentSupplement, Accountability, AccountableGrid, AccountableHolder,
    AccountablePost, HazardOnRecord, InspectionOnRecord, ReportOnRecord, StepInput,
    SupplementInput,
};
pub use audit::{AuditEntry, AuditFilter, ChainBreak};
mod backup;
mod batch;
mod cache;
mod coverage;
mod db;
pub mod duties;
mod error;
mod files;
mod hazards;
mod insert;
pub mod inspections;
mod org;
mod readers;
mod scope;
mod settings;
mod tx;

pub mod accounts;
pub mod reference;
pub mod units;
pub mod webhooks;

pub use accounts::{
    Account, NewAccount, NewSession, ScopeRegion, ScopeUnit, Session, SessionKind, USERNAME_MAX,
    login_name,
};
pub use coverage::{CoverageItem, CoverageObject};
pub use db::Store;
pub use duties::{DutyFilter, DutyMatrix, DutyRow, DutySummaryRow, MatrixRow};
pub use error::StoreError;
pub use files::FileStore;
pub use hazards::{
    Hazard, HazardCounts, HazardDetail, HazardEvent, HazardFilter, HazardInput, HazardPhoto,
    HazardPlan, HazardReport, HazardStat, HazardStatistics, NewPhoto, NoticeRound, Notification,
    PhotoFile, PlanInput, ReportInput, ReportStanding, StandingCounts, StandingFilter, Sweep,
    TransitionInput,
};
pub use inspections::{
    DocumentFilter, EnforcementDocument, Inspection, InspectionDetail, InspectionFilter,
    InspectionItem,
};
pub use org::*;
pub use units::{
    Certificate, CertificateFilter, CheckDetail, CheckItemRow, CheckPhotos, CheckRateRow,
    CheckRecorded, Document, GridNode, GridNodeInput, HazardSource, HazardSourceDetail,
    HazardSourceFilter, HazardSourceInput, ImportMode, ImportReport, ImportRow, MAX_RECORD_PHOTOS,
    NewDocument, PastCheck, RATE_DAYS, RecordPhoto, RowError, SubstanceInput, SubstanceRow,
    SystemEntry, SystemInput, Training, Unit, UnitChange, UnitCheck, UnitDetail, UnitFilter,
    UnitInput,
};
pub use webhooks::{Delivery, DeliveryRecord, WebhookInput, WebhookSettings};

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A page of a list: which page (from 1) and how many rows per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u64,
    pub per_page: u64,
}

impl PageRequest {
    pub const MAX_PER_PAGE: u64 = 200;
    /// Past this page every list is empty anyway; the bound keeps offsets far from overflow.
    pub const MAX_PAGE: u64 = 1_000_000;

    /// Clamps what a client asked for to sensible bounds.
    pub fn new(page: Option<u64>, per_page: Option<u64>) -> Self {
        Self {
            page: page.unwrap_or(1).clamp(1, Self::MAX_PAGE),
            per_page: per_page.unwrap_or(50).clamp(1, Self::MAX_PER_PAGE),
        }
    }

    pub fn offset(&self) -> u64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// One page of results and the total count of rows in scope matching the filter.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub page: u64,
    pub per_page: u64,
}

impl<T> Page<T> {
    pub fn pages(&self) -> u64 {
        (self.total.max(0) as u64)
            .div_ceil(self.per_page.max(1))
            .max(1)
    }
}
