//! Write transactions. On PostgreSQL, sqlx's own. On SQLite, kept here by hand, on the one
//! writer connection the process keeps apart from the readers' pool: its `BEGIN IMMEDIATE`
//! rides with the first statement and its `COMMIT` with the last batch, so a typical write
//! (its row with the audit chain's head, then its follow-up rows with the audit entry) is two
//! trips to the connection's thread. Under load those hand-offs between the server's threads
//! and the connection's, not SQLite's work, are most of a write's time — and a pooled
//! connection would cost a wait behind the readers for a free one, inside the writers' queue.

use crate::Result;
use crate::batch::{self, Statement};
use crate::db::{Backend, Conn, Opening, Store};
use safegrid_domain::access::Actor;
use sqlx::{AssertSqlSafe, ConnectOptions, Connection, Postgres, SqliteConnection, Transaction};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::{Mutex, OwnedMutexGuard};

/// SQLite's one writer: its connection and whether a transaction on it was left unfinished.
/// Writes wait for it in order (a `tokio` mutex is a queue) rather than in SQLite's busy
/// handler, which sleeps in growing steps (up to 100 ms a try) and lets a late comer
/// overtake; fifty writers at once then wait the sum of the writes ahead of them. Other
/// processes (the CLI, a backup) still meet the busy timeout.
pub(crate) struct Writer {
    conn: SqliteConnection,
    /// How the connection is opened (again, after an abandoned transaction).
    options: sqlx::sqlite::SqliteConnectOptions,
    /// The readers' pool, where the write-ahead log is checkpointed.
    readers: crate::readers::Readers,
    /// A transaction was dropped after it began (an error on the way): the connection is
    /// replaced before the next write, which rolls it back.
    abandoned: bool,
    /// Writes committed since the last checkpoint was started.
    since_checkpoint: u32,
    /// A checkpoint is running.
    checkpointing: Arc<AtomicBool>,
}

/// Writes between checkpoints of the write-ahead log: some 10 to 20 pages each, so the log
/// stays within a few tens of megabytes.
const CHECKPOINT_EVERY: u32 = 256;

impl Writer {
    pub(crate) async fn open(
        options: sqlx::sqlite::SqliteConnectOptions,
        readers: crate::readers::Readers,
    ) -> Result<Self> {
        Ok(Writer {
            conn: Self::connect(&options).await?,
            options,
            readers,
            abandoned: false,
            since_checkpoint: 0,
            checkpointing: Default::default(),
        })
    }

    /// The writer's connection. SQLite would checkpoint the write-ahead log inside the commit
    /// that fills it past a thousand pages — copying them into the database and syncing it,
    /// milliseconds inside the writers' queue several times a second under load. The writer
    /// leaves that to a checkpoint run beside it (see `committed`), which holds up writes only
    /// for the few pages added while it ran.
    async fn connect(options: &sqlx::sqlite::SqliteConnectOptions) -> Result<SqliteConnection> {
        let mut conn = options.connect().await?;
        sqlx::query("PRAGMA wal_autocheckpoint = 0")
            .execute(&mut conn)
            .await?;
        Ok(conn)
    }

    /// A write committed: every so many, the write-ahead log is checkpointed beside the
    /// writer (see [`checkpoint`]), one checkpoint at a time.
    fn committed(&mut self, slot: &Arc<Mutex<Writer>>) {
        self.since_checkpoint += 1;
        if self.since_checkpoint < CHECKPOINT_EVERY {
            return;
        }
        self.since_checkpoint = 0;
        if self.checkpointing.swap(true, Ordering::AcqRel) {
            return;
        }
        let readers = self.readers.clone();
        let slot = slot.clone();
        // However the checkpoint ends (done, failed, its task dropped), the next may start.
        let running = Running(self.checkpointing.clone());
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let _running = running;
                if let Err(e) = checkpoint(&readers, &slot).await {
                    tracing::warn!(error = %e, "checkpointing the write-ahead log");
                }
            });
        }
    }

    /// A fresh connection in place of one whose transaction was abandoned; closing the old
    /// one rolls that transaction back and gives up the write lock.
    async fn recover(&mut self) -> Result<()> {
        if self.abandoned {
            let fresh = Self::connect(&self.options).await?;
            let old = std::mem::replace(&mut self.conn, fresh);
            self.abandoned = false;
            if let Err(e) = old.close().await {
                // Its handle is released either way, rolling back what it held.
                tracing::warn!(error = %e, "closing an abandoned writer connection");
            }
        }
        Ok(())
    }

    /// At shutdown, after the readers: moves the log's pages into the database file, so the
    /// file alone is whole (what closing the last connection would do).
    pub(crate) async fn close(&mut self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&mut self.conn)
            .await
        {
            tracing::warn!(error = %e, "checkpointing the write-ahead log at shutdown");
        }
    }
}

/// A checkpoint under way; when dropped, another may start.
struct Running(Arc<AtomicBool>);

impl Drop for Running {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// Copies the write-ahead log's pages into the database so the log starts over. A passive
/// checkpoint alone, run beside writes that never pause, never catches up with them: SQLite
/// starts the log afresh only at a write that begins when every page has been copied, so
/// under steady writes it grew by gigabytes (some 60 kB a check) until the kernel held
/// writes back to flush it, halving their rate. So the pages are copied in two steps: first
/// beside the writes (most of them, while writes go on), then in the writers' turn what
/// they added meanwhile (a few hundred pages), so the next write finds the log copied and
/// starts it over. A reader still on an older snapshot keeps its pages in the log; the next
/// checkpoint tries again.
async fn checkpoint(readers: &crate::readers::Readers, slot: &Mutex<Writer>) -> Result<()> {
    {
        let mut reader = crate::readers::get(readers).await?;
        sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
            .execute(&mut *reader)
            .await?;
    }
    let mut writer = slot.lock().await;
    writer.recover().await?;
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(&mut writer.conn)
        .await?;
    Ok(())
}

impl Store {
    /// A write transaction. On SQLite it waits its turn for the writer, then takes the write
    /// lock at once (`BEGIN IMMEDIATE`, sent with its first statement), so no two writers
    /// meet in SQLite's busy handler or fail when one upgrades its lock.
    pub(crate) async fn write(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite(_, writer) => {
                let mut turn = writer.clone().lock_owned().await;
                turn.recover().await?;
                Tx::Sqlite(SqliteTx {
                    writer: turn,
                    slot: writer.clone(),
                    opening: true,
                    committed: false,
                })
            }
            Backend::Postgres(p) => Tx::Postgres(p.begin().await?),
        })
    }
}

pub(crate) enum Tx {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

/// A SQLite write transaction: the writer, held until it ends.
pub(crate) struct SqliteTx {
    writer: OwnedMutexGuard<Writer>,
    slot: Arc<Mutex<Writer>>,
    /// `BEGIN` not sent yet.
    opening: bool,
    committed: bool,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        // Dropped begun but not committed (an error on the way): the writer's connection is
        // still inside the transaction, holding the write lock. The next write replaces it
        // before it begins, and so does a task started now, so the lock is given up at once
        // even when no write follows.
        if !self.opening && !self.committed {
            self.writer.abandoned = true;
            if let Ok(runtime) = tokio::runtime::Handle::try_current() {
                let slot = self.slot.clone();
                runtime.spawn(async move {
                    if let Err(e) = slot.lock().await.recover().await {
                        tracing::warn!(error = %e, "replacing an abandoned writer connection");
                    }
                });
            }
        }
    }
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.writer.conn, Opening::pending(&mut t.opening)),
            Tx::Postgres(t) => Conn::Postgres(t),
        }
    }

    /// Writes the change's audit record and commits: how a change to county data is
    /// committed, so no write can forget its record. A write that makes several changes records
    /// the others with `audit::record` first.
    pub(crate) async fn commit_audited(
        self,
        actor: &Actor,
        event: crate::audit::Event<'_>,
    ) -> Result<()> {
        self.commit_audited_after(actor, event, &[]).await
    }

    /// Runs the write's last statements (whose answers it does not need) with its audit record
    /// and commits: two trips, the statements with the audit chain's head, then the entry with
    /// the head moved on and the commit.
    pub(crate) async fn commit_audited_after(
        mut self,
        actor: &Actor,
        event: crate::audit::Event<'_>,
        leading: &[Statement<'_>],
    ) -> Result<()> {
        let entry = crate::audit::prepare(&mut self.conn(), actor, event, leading).await?;
        self.commit_after(&entry.statements()).await
    }

    /// As [`Tx::commit_audited_after`], on the chain's head taken with the write's first row
    /// (`audit::insert_taking_head`): one trip, the statements with the entry and the commit.
    pub(crate) async fn commit_audited_on(
        self,
        head: crate::audit::Head,
        actor: &Actor,
        event: crate::audit::Event<'_>,
        leading: &[Statement<'_>],
    ) -> Result<()> {
        let entry = crate::audit::prepare_on(head, actor, event)?;
        let mut last = leading.to_vec();
        last.extend(entry.statements());
        self.commit_after(&last).await
    }

    /// Commits a write that is not itself a change to county data, and says why (`_because`
    /// is read by people, not by the code): a session, a notice read, a delivery attempt, the
    /// demo's own history. Everything else commits with `commit_audited`.
    pub(crate) async fn commit_unaudited(self, _because: &'static str) -> Result<()> {
        self.commit_after(&[]).await
    }

    /// Runs `last` and commits, on SQLite in one trip.
    async fn commit_after(self, last: &[Statement<'_>]) -> Result<()> {
        match self {
            Tx::Sqlite(mut t) => {
                if t.opening && last.is_empty() {
                    // Nothing was written: there is nothing to commit.
                    t.committed = true;
                    return Ok(());
                }
                let (mut sql, values) = batch::sqlite_text(last);
                sql.push_str("COMMIT;");
                let sql = Opening::pending(&mut t.opening).lead(sql);
                sqlx::query_with(AssertSqlSafe(sql), values)
                    .execute(&mut t.writer.conn)
                    .await?;
                t.committed = true;
                t.writer.committed(&t.slot);
            }
            Tx::Postgres(mut t) => {
                if !last.is_empty() {
                    Conn::Postgres(&mut t).batch::<(i64,)>(last).await?;
                }
                t.commit().await?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::files::FileStore;
    use sea_query::{Expr, ExprTrait, Query};

    fn store_path(name: &str) -> std::path::PathBuf {
        std::env::temp_dir().join(format!("safegrid-tx-{name}-{}", std::process::id()))
    }

    /// How many times the write-ahead log has started over: its header's checkpoint
    /// sequence number, counted up each time the log is begun again from its start.
    fn wal_restarts(wal: &std::path::Path) -> u32 {
        use std::io::Read;
        let mut header = [0u8; 16];
        match std::fs::File::open(wal) {
            Ok(mut f) => f.read_exact(&mut header).unwrap(),
            Err(_) => return 0,
        }
        u32::from_be_bytes([header[12], header[13], header[14], header[15]])
    }

    async fn store(name: &str) -> Store {
        let dir = store_path(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let url = format!("sqlite://{}", dir.join("db.sqlite").display());
        let store = Store::connect(&url, FileStore::new(dir.join("files")))
            .await
            .unwrap();
        store.migrate().await.unwrap();
        store
    }

    fn claim(notice: &str) -> sea_query::InsertStatement {
        crate::insert::row(
            "notices_sent",
            [
                ("county_code", "x".into()),
                ("notice", notice.into()),
                ("sent_at", crate::audit::now().into()),
            ],
        )
    }

    async fn claimed(store: &Store) -> i64 {
        let mut c = store.read().await.unwrap();
        c.conn()
            .scalar(
                Query::select()
                    .expr(Expr::cust("COUNT(*)"))
                    .from("notices_sent")
                    .and_where(Expr::col("county_code").eq("x")),
            )
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn a_dropped_sqlite_write_leaves_nothing_and_the_next_write_goes_on() {
        let store = store("dropped").await;
        // Dropped after a counted statement (its BEGIN sent alone) and after a read statement
        // (its BEGIN sent in front of it): nothing stays, and no later write finds itself
        // inside a leftover transaction.
        for _ in 0..3 {
            let mut tx = store.write().await.unwrap();
            assert_eq!(tx.conn().insert(claim("a")).await.unwrap(), 1);
            drop(tx);
            let mut tx = store.write().await.unwrap();
            let n = tx
                .conn()
                .scalar(
                    Query::select()
                        .expr(Expr::cust("COUNT(*)"))
                        .from("notices_sent"),
                )
                .await
                .unwrap();
            assert_eq!(n, 0);
            tx.conn().insert(claim("b")).await.unwrap();
            drop(tx);
        }
        assert_eq!(claimed(&store).await, 0);
        // A failing statement inside the transaction is rolled back with what ran before it.
        let mut tx = store.write().await.unwrap();
        tx.conn().insert(claim("c")).await.unwrap();
        assert!(
            tx.conn().insert(claim("c")).await.is_err(),
            "a duplicate key"
        );
        drop(tx);
        assert_eq!(claimed(&store).await, 0);
        // A committed write stays, its count of changed rows is its own (not its BEGIN's),
        // and a transaction that wrote nothing commits as nothing.
        let mut tx = store.write().await.unwrap();
        assert_eq!(tx.conn().insert(claim("d")).await.unwrap(), 1);
        tx.commit_unaudited("a test").await.unwrap();
        let tx = store.write().await.unwrap();
        tx.commit_unaudited("a test").await.unwrap();
        let mut tx = store.write().await.unwrap();
        let ignored = claim("d")
            .on_conflict(
                sea_query::OnConflict::columns(["county_code", "notice"])
                    .do_nothing()
                    .to_owned(),
            )
            .to_owned();
        assert_eq!(tx.conn().insert(&ignored).await.unwrap(), 0);
        tx.commit_unaudited("a test").await.unwrap();
        assert_eq!(claimed(&store).await, 1);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_write_ahead_log_starts_over_under_steady_writes() {
        let store = store("steady").await;
        let wal = store_path("steady").join("db.sqlite-wal");
        let before = wal_restarts(&wal);
        // Eight writers that never pause, 4,000 writes of a few pages each: some 50 MB of log
        // if it never started over.
        let writers: Vec<_> = (0..8)
            .map(|w| {
                let store = store.clone();
                tokio::spawn(async move {
                    for i in 0..500 {
                        let mut tx = store.write().await.unwrap();
                        tx.conn()
                            .insert(claim(&format!("steady-{w}-{i}-{}", "x".repeat(200))))
                            .await
                            .unwrap();
                        tx.commit_unaudited("a test").await.unwrap();
                    }
                })
            })
            .collect();
        for w in writers {
            w.await.unwrap();
        }
        assert_eq!(claimed(&store).await, 4000);
        let restarts = wal_restarts(&wal) - before;
        let size = std::fs::metadata(&wal).unwrap().len();
        assert!(
            restarts >= 2,
            "the log started over {restarts} times and grew to {size} bytes"
        );
    }
}
