//! Write transactions. On PostgreSQL, sqlx's own. On SQLite, kept here by hand: its
//! `BEGIN IMMEDIATE` rides with the first statement and its `COMMIT` with the last batch, so
//! a typical write (its row, its follow-up rows with the audit head, the audit entry) is three
//! trips to the connection's thread instead of five. Under load those hand-offs between the
//! server's threads and the connection's, not SQLite's work, are most of a write's time.

use crate::Result;
use crate::batch::{self, Statement};
use crate::db::{Backend, Conn, Opening, Store};
use safegrid_domain::access::Actor;
use sqlx::pool::PoolConnection;
use sqlx::{AssertSqlSafe, Postgres, Sqlite, Transaction};
use tokio::sync::OwnedMutexGuard;

impl Store {
    /// A write transaction. On SQLite it waits its turn in the process's writer queue, then
    /// takes the write lock at once (`BEGIN IMMEDIATE`, sent with its first statement), so no
    /// two writers meet in SQLite's busy handler or fail when one upgrades its lock.
    pub(crate) async fn write(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite(p) => {
                let turn = self.writer.clone().lock_owned().await;
                Tx::Sqlite(SqliteTx {
                    conn: p.acquire().await?,
                    opening: true,
                    committed: false,
                    _turn: turn,
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

/// A SQLite write transaction and the writer's turn it holds until it ends.
pub(crate) struct SqliteTx {
    conn: PoolConnection<Sqlite>,
    /// `BEGIN` not sent yet.
    opening: bool,
    committed: bool,
    _turn: OwnedMutexGuard<()>,
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        // Dropped begun but not committed (an error on the way): closing the connection rolls
        // the transaction back, where returning it to the pool would hand the next user a
        // connection still inside it, holding the write lock.
        if !self.opening && !self.committed {
            self.conn.close_on_drop();
        }
    }
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(&mut t.conn, Opening::pending(&mut t.opening)),
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
                    .execute(&mut *t.conn)
                    .await?;
                t.committed = true;
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

    async fn store(name: &str) -> Store {
        let dir = std::env::temp_dir().join(format!("safegrid-tx-{name}-{}", std::process::id()));
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
}
