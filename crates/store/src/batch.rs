//! Statements sent together: a write's last statements, whose answers it does not need in
//! between, go to the database in one trip where the driver allows.

use crate::Result;
use crate::db::{Conn, Row};
use sea_query::{InsertStatement, PostgresQueryBuilder, SqliteQueryBuilder, UpdateStatement};
use sea_query_sqlx::SqlxBinder;
use sqlx::AssertSqlSafe;

impl Conn<'_> {
    /// Runs writes whose answers are not needed in between, the last of them (if it has a
    /// `RETURNING`) answering one row. SQLite takes them in one call (the connection's thread
    /// binds each statement's values in turn), so a write's follow-up statements cost one
    /// hand-off to that thread instead of one each — under load the hand-offs, not SQLite,
    /// are most of a write's time. PostgreSQL runs them one after another.
    pub(crate) async fn batch<T: Row>(
        &mut self,
        statements: &[Statement<'_>],
    ) -> Result<Option<T>> {
        match self {
            Conn::Sqlite(c, opening) => {
                let (sql, values) = sqlite_text(statements);
                let rows: Vec<T> =
                    sqlx::query_as_with::<_, T, _>(AssertSqlSafe(opening.lead(sql)), values)
                        .fetch_all(&mut **c)
                        .await?;
                Ok(rows.into_iter().next())
            }
            Conn::Postgres(c) => {
                let Some((last, first)) = statements.split_last() else {
                    return Ok(None);
                };
                for s in first {
                    let (sql, values) = s.build(PostgresQueryBuilder);
                    sqlx::query_with(AssertSqlSafe(sql), values)
                        .execute(&mut **c)
                        .await?;
                }
                let (sql, values) = last.build(PostgresQueryBuilder);
                Ok(sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_optional(&mut **c)
                    .await?)
            }
        }
    }
}

impl Conn<'_> {
    /// Inserts a row answering its id (`RETURNING id`) and runs `then`, which answers one row
    /// of its own: on SQLite in one trip, so a write can take what its last trip needs (the
    /// audit chain's head) with its first statement.
    pub(crate) async fn insert_id_then<T: Row>(
        &mut self,
        insert: &InsertStatement,
        then: Statement<'_>,
    ) -> Result<(i64, T)> {
        match self {
            Conn::Sqlite(c, opening) => {
                let (sql, values) = sqlite_text(&[Statement::Insert(insert), then]);
                let rows = sqlx::query_with(AssertSqlSafe(opening.lead(sql)), values)
                    .fetch_all(&mut **c)
                    .await?;
                let [inserted, answer] = rows.as_slice() else {
                    return Err(crate::StoreError::NotFound);
                };
                let id: i64 = sqlx::Row::try_get(inserted, 0)?;
                Ok((id, T::from_row(answer)?))
            }
            Conn::Postgres(c) => {
                let (sql, values) = insert.build_sqlx(PostgresQueryBuilder);
                let (id,): (i64,) = sqlx::query_as_with(AssertSqlSafe(sql), values)
                    .fetch_one(&mut **c)
                    .await?;
                let (sql, values) = then.build(PostgresQueryBuilder);
                let answer = sqlx::query_as_with::<_, T, _>(AssertSqlSafe(sql), values)
                    .fetch_one(&mut **c)
                    .await?;
                Ok((id, answer))
            }
        }
    }
}

/// The statements as one SQLite text, each ending in `;`, with their values in order (the
/// connection's thread binds each statement's share in turn).
pub(crate) fn sqlite_text(statements: &[Statement<'_>]) -> (String, sea_query_sqlx::SqlxValues) {
    let mut sql = String::new();
    let mut values = Vec::new();
    for s in statements {
        let (text, v) = s.build(SqliteQueryBuilder);
        sql.push_str(&text);
        sql.push_str(";\n");
        values.extend(v.0.0);
    }
    (sql, sea_query_sqlx::SqlxValues(sea_query::Values(values)))
}

/// A statement of a [`Conn::batch`].
#[derive(Clone, Copy)]
pub(crate) enum Statement<'a> {
    Insert(&'a InsertStatement),
    Update(&'a UpdateStatement),
}

impl Statement<'_> {
    fn build<B: sea_query::QueryBuilder>(
        &self,
        builder: B,
    ) -> (String, sea_query_sqlx::SqlxValues) {
        match self {
            Statement::Insert(s) => s.build_sqlx(builder),
            Statement::Update(s) => s.build_sqlx(builder),
        }
    }
}
