use safegrid_domain::{Invalid, Violation};

/// What can go wrong in the store. Out-of-scope rows are `NotFound`, never `Forbidden`, so
/// nobody learns that something exists outside their part of the county.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// The account can see the object but its role may not do this to it.
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Invalid(#[from] Invalid),
    /// An action the object's state or the account's part does not allow now (409), with the
    /// reason's message key.
    #[error("refused: {0}")]
    Refused(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    /// A stored word outside its closed set: the data is damaged, never read as a default.
    #[error("stored value: {0}")]
    Corrupt(#[from] safegrid_domain::closed_set::Unknown),
    #[error("migration: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("files: {0}")]
    Files(#[from] std::io::Error),
    /// A multi-row insert given a row whose columns differ from the first row's (a bug, caught
    /// before the statement runs).
    #[error("insert into {0}: a row's columns differ from the first row's")]
    Misaligned(&'static str),
    /// An audit record built on the head of another chain (a bug, caught before it is
    /// written: it would fork the chain).
    #[error("audit: a record of chain {0} built on another chain's head")]
    WrongHead(String),
    #[error("unsupported database URL (use sqlite:// or postgres://)")]
    UnsupportedUrl,
    /// An operation this backend does not offer, with what to do instead.
    #[error("not supported here: {0}")]
    Unsupported(&'static str),
}

impl From<Violation> for StoreError {
    fn from(v: Violation) -> Self {
        Self::Invalid(v.into())
    }
}

impl StoreError {
    /// Turns a unique-constraint failure into a field error; anything else stays as it is.
    pub(crate) fn unique_as(self, field: &str, key: &'static str) -> Self {
        match &self {
            StoreError::Database(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Violation::new(field, key).into()
            }
            _ => self,
        }
    }
}
