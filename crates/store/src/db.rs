//! The two backends behind one seam. Queries are sea-query statements rendered for the backend
//! in use; rows are decoded by `FromRow` types that both backends can decode.

use crate::{Page, PageRequest, Result, StoreError};
use sea_query::{
    Expr, ExprTrait, InsertStatement, PostgresQueryBuilder, Query, SelectStatement,
    SqliteQueryBuilder, UpdateStatement,
};
use sea_query_sqlx::SqlxBinder;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions, PgRow};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteRow, SqliteSynchronous};
use sqlx::{FromRow, PgConnection, PgPool, Postgres, SqliteConnection};
// sea-query renders the SQL from identifiers in our code and binds every value, so the
// text handed to sqlx carries no user input.
use sqlx::AssertSqlSafe;
use std::borrow::Borrow;
use std::str::FromStr;
use std::time::Duration;

/// A row with the total number of rows its query matched, counted by the database in the same
/// pass (`COUNT(*) OVER ()`), so a page and its total take one query.
struct Counted<T> {
    row: T,
    total_rows: i64,
}

impl<'r, T: FromRow<'r, SqliteRow>> FromRow<'r, SqliteRow> for Counted<T> {
    fn from_row(row: &'r SqliteRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        Ok(Self {
            row: T::from_row(row)?,
            total_rows: row.try_get("total_rows")?,
        })
    }
}

impl<'r, T: FromRow<'r, PgRow>> FromRow<'r, PgRow> for Counted<T> {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        use sqlx::Row as _;
        Ok(Self {
            row: T::from_row(row)?,
            total_rows: row.try_get("total_rows")?,
        })
    }
}

/// A row type both backends can decode.
pub(crate) trait Row:
    for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{
}
impl<T> Row for T where T: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin
{}

#[derive(Clone)]
pub(crate) enum Backend {
    /// Readers share the pool; the one writer has a connection of its own (see `tx`).
    Sqlite(
        crate::readers::Readers,
        std::sync::Arc<tokio::sync::Mutex<crate::tx::Writer>>,
    ),
    Postgres(PgPool),
}

/// The database: cheap to clone, shared by every request.
#[derive(Clone)]
pub struct Store {
    pub(crate) backend: Backend,
    files: crate::files::FileStore,
    /// Ledger totals and counts, kept a few seconds (see `cache`).
    pub(crate) totals: std::sync::Arc<crate::cache::TallyCache<i64>>,
    pub(crate) counts: std::sync::Arc<crate::cache::TallyCache<crate::HazardCounts>>,
    /// The ledger's statistics per scope, grouping and window (the dashboard's charts).
    pub(crate) stats:
        std::sync::Arc<crate::cache::TallyCache<std::sync::Arc<Vec<crate::HazardStat>>>>,
    /// Duties derived for a scope and window, kept a few seconds (see `duties`).
    pub(crate) duties: std::sync::Arc<crate::cache::TallyCache<crate::duties::DutySet>>,
    /// Summaries of those sets, kept as long.
    pub(crate) duty_summaries:
        std::sync::Arc<crate::cache::TallyCache<std::sync::Arc<Vec<crate::DutySummaryRow>>>>,
    /// Sessions read lately (a few seconds), so a request need not ask who its sender is.
    pub(crate) sessions_kept: std::sync::Arc<crate::accounts::kept::KeptSessions>,
    /// Each scope's year assessed, kept as long as the duty sets it is counted from.
    pub(crate) assessments:
        std::sync::Arc<crate::cache::TallyCache<std::sync::Arc<crate::assessment::Assessing>>>,
    /// The units' check rates per scope and filter, kept as long as the duty sets.
    pub(crate) check_rates_kept:
        std::sync::Arc<crate::cache::TallyCache<std::sync::Arc<Vec<crate::CheckRateRow>>>>,
}

/// Which SQL dialect a store speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Store {
    /// Connects to `sqlite://path` (created if missing) or `postgres://…`, with uploaded files
    /// kept in `files`.
    pub async fn connect(url: &str, files: crate::files::FileStore) -> Result<Self> {
        let backend = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10))
                .pragma("cache_size", "-32000")
                // A log grown large (an import, a burst of writes) is cut back to this when it
                // starts over, rather than kept at its largest.
                .pragma("journal_size_limit", "67108864");
            let readers = crate::readers::pool(options.clone(), 8, crate::readers::WAIT)?;
            let writer = crate::tx::Writer::open(options, readers.clone()).await?;
            Backend::Sqlite(
                readers,
                std::sync::Arc::new(tokio::sync::Mutex::new(writer)),
            )
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .min_connections(1)
                .connect_with(options)
                .await?;
            Backend::Postgres(pool)
        } else {
            return Err(StoreError::UnsupportedUrl);
        };
        Ok(Self {
            backend,
            files,
            totals: Default::default(),
            counts: Default::default(),
            // A dashboard on a wall refreshes every few minutes and its figures are dropped
            // whenever this process changes a hazard: a county's tallies of 100,000 hazards
            // (a tenth of a second each) are counted at most twice a minute.
            stats: std::sync::Arc::new(
                crate::cache::TallyCache::default().keeping_for(std::time::Duration::from_secs(30)),
            ),
            duties: std::sync::Arc::new(crate::cache::TallyCache::with_capacity(
                crate::duties::KEPT_SETS,
            )),
            duty_summaries: Default::default(),
            check_rates_kept: Default::default(),
            assessments: Default::default(),
            sessions_kept: Default::default(),
        })
    }

    /// Applies the migrations of this dialect that have not run yet.
    pub async fn migrate(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(readers, _) => {
                let mut conn = crate::readers::get(readers).await?;
                sqlx::migrate!("./migrations/sqlite")
                    .run(&mut *conn)
                    .await?;
            }
            Backend::Postgres(pool) => sqlx::migrate!("./migrations/postgres").run(pool).await?,
        }
        Ok(())
    }

    pub(crate) fn files(&self) -> &crate::files::FileStore {
        &self.files
    }

    /// Where uploaded files are kept (for backups).
    pub fn files_root(&self) -> &std::path::Path {
        self.files.root()
    }

    /// Hazards changed: the kept totals and counts are stale.
    pub(crate) fn hazards_changed(&self) {
        self.totals.invalidate();
        self.counts.invalidate();
        self.stats.invalidate();
        self.assessments.invalidate();
    }

    /// Accounts or sessions changed: no kept session is believed any more.
    pub(crate) fn sessions_changed(&self) {
        self.sessions_kept.forget_all();
    }

    /// Forgets the sessions kept in this process, as if their few seconds had passed: for a
    /// test that changes sessions behind the store's back.
    pub fn forget_kept_sessions(&self) {
        self.sessions_changed();
    }

    /// Units or their records changed: the kept duties are stale.
    pub(crate) fn duties_changed(&self) {
        self.duties.invalidate();
        self.duty_summaries.invalidate();
        self.check_rates_kept.invalidate();
        self.assessments.invalidate();
    }

    pub fn dialect(&self) -> Dialect {
        match self.backend {
            Backend::Sqlite(..) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Refreshes the planner's statistics after a bulk load (demo data, a large import), so
    /// queries do not run on estimates from an empty table.
    pub async fn analyze(&self) -> Result<()> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        match conn {
            Conn::Sqlite(..) => conn.raw_execute("ANALYZE").await?,
            Conn::Postgres(_) => {
                conn.raw_execute("ANALYZE regions, grids, posts, holdings, people, units, unit_terms, unit_departments")
                    .await?
            }
        };
        Ok(())
    }

    /// Whether the database answers, for `/readyz`.
    pub async fn ping(&self) -> Result<()> {
        let mut c = self.read().await?;
        c.conn().raw_execute("SELECT 1").await.map(|_| ())
    }

    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(readers, writer) => {
                crate::readers::close(readers).await;
                writer.lock().await.close().await;
            }
            Backend::Postgres(p) => p.close().await,
        }
    }

    /// A connection for reads outside a transaction.
    pub(crate) async fn read(&self) -> Result<Pooled> {
        Ok(match &self.backend {
            Backend::Sqlite(readers, _) => Pooled::Sqlite(crate::readers::get(readers).await?),
            Backend::Postgres(p) => Pooled::Postgres(p.acquire().await?),
        })
    }
}

pub(crate) enum Pooled {
    Sqlite(crate::readers::Reader),
    Postgres(sqlx::pool::PoolConnection<Postgres>),
}

impl Pooled {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Pooled::Sqlite(c) => Conn::Sqlite(c, Opening::begun()),
            Pooled::Postgres(c) => Conn::Postgres(c),
        }
    }
}

/// One connection of either backend; every query runs through here.
pub(crate) enum Conn<'a> {
    /// A SQLite connection, and whether a write transaction's `BEGIN` is still to be sent
    /// with the next statement (see `tx`).
    Sqlite(&'a mut SqliteConnection, Opening<'a>),
    Postgres(&'a mut PgConnection),
}

/// A SQLite write transaction not begun yet: its `BEGIN IMMEDIATE` goes to the connection's
/// thread in front of the first statement, in the same trip.
pub(crate) struct Opening<'a>(Option<&'a mut bool>);

impl<'a> Opening<'a> {
    /// Nothing to begin: a connection for reads, or a transaction already under way.
    pub(crate) fn begun() -> Self {
        Opening(None)
    }

    pub(crate) fn pending(flag: &'a mut bool) -> Self {
        Opening(Some(flag))
    }

    /// Whether the `BEGIN` is still to be sent; it counts as sent from here on. If the trip
    /// that carries it fails, the transaction is dropped as begun and its connection closed,
    /// which rolls back whatever ran.
    fn take(&mut self) -> bool {
        match self.0.as_deref_mut() {
            Some(pending) if *pending => {
                *pending = false;
                true
            }
            _ => false,
        }
    }

    /// `sql`, led by the transaction's `BEGIN` if it has not been sent. Only for statements
    /// whose rows are read: SQLite reports a `BEGIN`'s count of changed rows as the previous
    /// statement's, which would be added to the count of the statement behind it.
    pub(crate) fn lead(&mut self, sql: String) -> String {
        if self.take() {
            format!("BEGIN IMMEDIATE;\n{sql}")
        } else {
            sql
        }
    }

    /// Sends the `BEGIN` on its own if it has not been sent: before a statement whose count
    /// of changed rows is wanted.
    async fn begin_alone(&mut self, c: &mut SqliteConnection) -> Result<()> {
        if self.take() {
            sqlx::query("BEGIN IMMEDIATE").execute(c).await?;
        }
        Ok(())
    }
}

macro_rules! run {
    ($conn:expr, $stmt:expr, |$sql:ident, $values:ident, $c:ident| $body:expr) => {
        match $conn {
            Conn::Sqlite($c, opening) => {
                let (sql, $values) = $stmt.build_sqlx(SqliteQueryBuilder);
                let $sql = opening.lead(sql);
                $body
            }
            Conn::Postgres($c) => {
                let ($sql, $values) = $stmt.build_sqlx(PostgresQueryBuilder);
                $body
            }
        }
    };
}

impl Conn<'_> {
    /// Reserves `n` new ids of `table` for rows the caller then inserts with those ids (a bulk
    /// insert without a round trip per row). On SQLite the write transaction holds the only
    /// write lock, so the ids after the largest are free; on PostgreSQL they come from the
    /// table's identity sequence, safe beside other writers.
    pub(crate) async fn reserve_ids(&mut self, table: &'static str, n: usize) -> Result<Vec<i64>> {
        if n == 0 {
            return Ok(Vec::new());
        }
        let count = i64::try_from(n).unwrap_or(i64::MAX);
        match self {
            Conn::Sqlite(..) => {
                let next = self
                    .scalar(
                        Query::select()
                            .expr(Expr::cust("COALESCE(MAX(id), 0) + 1"))
                            .from(table),
                    )
                    .await?;
                Ok((next..next + count).collect())
            }
            Conn::Postgres(c) => {
                let sql = format!(
                    "SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, $1)"
                );
                let rows: Vec<(i64,)> = sqlx::query_as(AssertSqlSafe(sql))
                    .bind(count)
                    .fetch_all(&mut **c)
                    .await?;
                Ok(rows.into_iter().map(|r| r.0).collect())
            }
        }
    }

    /// Inserts many `(text, id)` pairs of one county into a two-column table (with its
    /// `county_code`): on PostgreSQL as two arrays in one statement (`UNNEST`), on SQLite in
    /// multi-row statements. For derived rows such as search terms, where hundreds of
    /// thousands arrive at once.
    pub(crate) async fn insert_pairs(
        &mut self,
        table: &'static str,
        columns: [&'static str; 2],
        county: &str,
        rows: &[(String, i64)],
    ) -> Result<()> {
        match self {
            Conn::Sqlite(..) => {
                for chunk in rows.chunks(10_000) {
                    let mut q = crate::insert::Rows::new(table);
                    for (text, id) in chunk {
                        q.push([
                            (columns[0], text.clone().into()),
                            (columns[1], (*id).into()),
                            ("county_code", county.into()),
                        ])?;
                    }
                    self.insert(q.statement()).await?;
                }
            }
            Conn::Postgres(c) => {
                let sql = format!(
                    "INSERT INTO {table} ({}, {}, county_code) \
                     SELECT r.*, $3 FROM UNNEST($1::text[], $2::bigint[]) AS r",
                    columns[0], columns[1]
                );
                for chunk in rows.chunks(100_000) {
                    let texts: Vec<&str> = chunk.iter().map(|r| r.0.as_str()).collect();
                    let ids: Vec<i64> = chunk.iter().map(|r| r.1).collect();
                    sqlx::query(AssertSqlSafe(sql.clone()))
                        .bind(texts)
                        .bind(ids)
                        .bind(county)
                        .execute(&mut **c)
                        .await?;
                }
            }
        }
        Ok(())
    }

    pub(crate) async fn all<T: Row>(&mut self, q: &SelectStatement) -> Result<Vec<T>> {
        Ok(run!(self, q, |sql, values, c| {
            sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                .fetch_all(&mut **c)
                .await?
        }))
    }

    pub(crate) async fn optional<T: Row>(&mut self, q: &SelectStatement) -> Result<Option<T>> {
        Ok(run!(self, q, |sql, values, c| {
            sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                .fetch_optional(&mut **c)
                .await?
        }))
    }

    /// Exactly one row, or `NotFound`.
    pub(crate) async fn one<T: Row>(&mut self, q: &SelectStatement) -> Result<T> {
        self.optional(q).await?.ok_or(StoreError::NotFound)
    }

    /// One page of a query's rows, with the total from a separate count over the base table
    /// (cheaper than counting the joined rows when the joins only add columns).
    pub(crate) async fn page_counted<T: Row>(
        &mut self,
        q: &SelectStatement,
        count: &SelectStatement,
        page: PageRequest,
    ) -> Result<Page<T>> {
        let total = self.scalar(count).await?;
        let items: Vec<T> = if total > 0 && page.offset() < u64::try_from(total).unwrap_or(0) {
            let mut paged = q.clone();
            paged.limit(page.per_page).offset(page.offset());
            self.all(&paged).await?
        } else {
            Vec::new()
        };
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// One page of a query's rows and the total it matched. On PostgreSQL the total rides on
    /// the rows (`COUNT(*) OVER ()`, one round trip); SQLite's window functions cost more than
    /// a second, in-process count over the same index, so there the count is its own query.
    pub(crate) async fn page<T: Row>(
        &mut self,
        q: &SelectStatement,
        page: PageRequest,
    ) -> Result<Page<T>> {
        let count = |q: &SelectStatement| {
            let mut inner = q.clone();
            inner.clear_order_by();
            Query::select()
                .expr(Expr::cust("COUNT(*)"))
                .from_subquery(inner, "counted")
                .to_owned()
        };
        let mut paged = q.clone();
        paged.limit(page.per_page).offset(page.offset());
        let (items, total) = match self {
            Conn::Sqlite(..) => {
                let total = self.scalar(&count(q)).await?;
                let items: Vec<T> = if total > 0 {
                    self.all(&paged).await?
                } else {
                    Vec::new()
                };
                (items, total)
            }
            Conn::Postgres(_) => {
                paged.expr_as(Expr::cust("COUNT(*) OVER ()"), "total_rows");
                let rows: Vec<Counted<T>> = self.all(&paged).await?;
                let total = match rows.first() {
                    Some(first) => first.total_rows,
                    None if page.page == 1 => 0,
                    None => self.scalar(&count(q)).await?,
                };
                (rows.into_iter().map(|r| r.row).collect(), total)
            }
        };
        Ok(Page {
            items,
            total,
            page: page.page,
            per_page: page.per_page,
        })
    }

    /// A single integer (a count, an id).
    pub(crate) async fn scalar(&mut self, q: &SelectStatement) -> Result<i64> {
        let row: (i64,) = run!(self, q, |sql, values, c| {
            sqlx::query_as_with::<_, (i64,), _>(AssertSqlSafe(sql), values)
                .fetch_one(&mut **c)
                .await?
        });
        Ok(row.0)
    }

    /// Inserts one row and answers its new `id` (the statement must return `id`).
    pub(crate) async fn insert_id(&mut self, q: impl Borrow<InsertStatement>) -> Result<i64> {
        let q = q.borrow();
        let row: (i64,) = run!(self, q, |sql, values, c| {
            sqlx::query_as_with::<_, (i64,), _>(AssertSqlSafe(sql), values)
                .fetch_one(&mut **c)
                .await?
        });
        Ok(row.0)
    }

    /// Runs an insert (built by `insert::row` or `insert::Rows`, or borrowed).
    pub(crate) async fn insert(&mut self, q: impl Borrow<InsertStatement>) -> Result<u64> {
        let q = q.borrow();
        self.begin_alone().await?;
        Ok(run!(self, q, |sql, values, c| sqlx::query_with(
            AssertSqlSafe(sql),
            values
        )
        .execute(&mut **c)
        .await?
        .rows_affected()))
    }

    pub(crate) async fn update(&mut self, q: &UpdateStatement) -> Result<u64> {
        self.begin_alone().await?;
        Ok(run!(self, q, |sql, values, c| sqlx::query_with(
            AssertSqlSafe(sql),
            values
        )
        .execute(&mut **c)
        .await?
        .rows_affected()))
    }

    pub(crate) async fn delete(&mut self, q: &sea_query::DeleteStatement) -> Result<u64> {
        self.begin_alone().await?;
        Ok(run!(self, q, |sql, values, c| sqlx::query_with(
            AssertSqlSafe(sql),
            values
        )
        .execute(&mut **c)
        .await?
        .rows_affected()))
    }

    /// A pending SQLite `BEGIN`, sent on its own (see `Opening::lead`).
    async fn begin_alone(&mut self) -> Result<()> {
        match self {
            Conn::Sqlite(c, opening) => opening.begin_alone(c).await,
            Conn::Postgres(_) => Ok(()),
        }
    }

    /// A fixed statement with no parameters (dialect-specific locking and the like).
    pub(crate) async fn raw_execute(&mut self, sql: &'static str) -> Result<u64> {
        Ok(match self {
            Conn::Sqlite(c, opening) => {
                opening.begin_alone(c).await?;
                sqlx::query(sql).execute(&mut **c).await?.rows_affected()
            }
            Conn::Postgres(c) => sqlx::query(sql).execute(&mut **c).await?.rows_affected(),
        })
    }
}

/// The county of the row `id` of `table`, as a value to insert: a child row copies its
/// parent's county key in the same statement, so the two cannot disagree.
pub(crate) fn county_of(table: &'static str, id: i64) -> Expr {
    Expr::SubQuery(
        None,
        Box::new(
            Query::select()
                .column("county_code")
                .from(table)
                .and_where(Expr::col("id").eq(id))
                .to_owned()
                .into(),
        ),
    )
}
