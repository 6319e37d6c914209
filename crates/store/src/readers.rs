//! SQLite's readers: the connections kept for reads, handed out and taken back without a
//! trip to the database.
//!
//! sqlx's own pool pings every connection given back — a round trip through the connection's
//! worker thread and a spawned task after every read — so that a connection left mid-query by
//! a dropped future is not handed to the next reader. A SQLite connection needs no such check:
//! its worker thread runs commands one after another and resets a statement whose reader went
//! away, so the next reader's query simply runs after it. Readers never open a transaction
//! (writes go through the one writer, see `tx`). On a busy server that ping was one hand-off
//! between threads in four for a unit's daily check.

use deadpool::managed::{self, Metrics, PoolError, RecycleResult};
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection, SqliteConnection};
use std::time::Duration;

/// The readers' pool.
pub(crate) type Readers = managed::Pool<Opener>;

/// A reader handed out; back in the pool when dropped.
pub(crate) type Reader = managed::Object<Opener>;

/// Opens readers as they are first wanted, up to the pool's size.
pub(crate) struct Opener(SqliteConnectOptions);

impl managed::Manager for Opener {
    type Type = SqliteConnection;
    type Error = sqlx::Error;

    async fn create(&self) -> Result<SqliteConnection, sqlx::Error> {
        self.0.connect().await
    }

    async fn recycle(&self, _: &mut SqliteConnection, _: &Metrics) -> RecycleResult<sqlx::Error> {
        Ok(())
    }
}

/// How long a read waits for a reader when all are out before it fails, as sqlx's pool would.
pub(crate) const WAIT: Duration = Duration::from_secs(30);

/// At most `size` readers on `options`; a read waits at most `wait` for one.
pub(crate) fn pool(
    options: SqliteConnectOptions,
    size: usize,
    wait: Duration,
) -> crate::Result<Readers> {
    managed::Pool::builder(Opener(options))
        .max_size(size)
        .wait_timeout(Some(wait))
        .runtime(deadpool::Runtime::Tokio1)
        .build()
        .map_err(|_| sqlx::Error::PoolClosed.into())
}

/// A reader, waiting for one if all are out.
pub(crate) async fn get(readers: &Readers) -> crate::Result<Reader> {
    readers.get().await.map_err(|e| match e {
        PoolError::Backend(e) => e.into(),
        PoolError::Closed => sqlx::Error::PoolClosed.into(),
        _ => sqlx::Error::PoolTimedOut.into(),
    })
}

/// Closes the readers not handed out and refuses any more; those still out close when given
/// back.
pub(crate) async fn close(readers: &Readers) {
    let idle = readers.retain(|_, _| false).removed;
    readers.close();
    for reader in idle {
        if let Err(e) = reader.close().await {
            tracing::warn!(error = %e, "closing a reader");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::future::Future;
    use std::str::FromStr;

    #[tokio::test]
    async fn a_reader_left_mid_query_answers_the_next_one() {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").unwrap();
        let readers = pool(options, 1, WAIT).unwrap();
        // A long query, sent to the connection's thread and then abandoned (as when the
        // client of a request goes away mid-read).
        {
            let mut reader = get(&readers).await.unwrap();
            let mut slow = Box::pin(
                sqlx::query_scalar::<_, i64>(
                    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n \
                     WHERE i < 3000000) SELECT COUNT(*) FROM n",
                )
                .fetch_one(&mut *reader),
            );
            std::future::poll_fn(|cx| {
                assert!(slow.as_mut().poll(cx).is_pending());
                std::task::Poll::Ready(())
            })
            .await;
        }
        // The one reader is handed out again at once, and answers its own query.
        let mut reader = get(&readers).await.unwrap();
        let n: i64 = sqlx::query_scalar("SELECT 41 + 1")
            .fetch_one(&mut *reader)
            .await
            .unwrap();
        assert_eq!(n, 42);
        drop(reader);
        close(&readers).await;
        assert!(get(&readers).await.is_err(), "a closed pool hands out none");
    }

    #[tokio::test]
    async fn a_read_waits_for_a_reader_no_longer_than_its_limit() {
        let options = SqliteConnectOptions::from_str("sqlite::memory:").unwrap();
        let readers = pool(options, 1, Duration::from_millis(20)).unwrap();
        let held = get(&readers).await.unwrap();
        assert!(matches!(
            get(&readers).await,
            Err(crate::StoreError::Database(sqlx::Error::PoolTimedOut))
        ));
        drop(held);
        assert!(get(&readers).await.is_ok(), "given back, it is handed out");
        close(&readers).await;
        assert!(get(&readers).await.is_err(), "a closed pool hands out none");
    }
}
