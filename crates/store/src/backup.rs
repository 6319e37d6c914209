//! What a backup needs from the database: a consistent copy taken while the server runs, and
//! the rows per table that a restore is checked against. Packing the copy with the uploaded
//! files is the program's (`safegrid backup`).

use crate::db::{Conn, Store};
use crate::{Result, StoreError};
use sqlx::AssertSqlSafe;
use std::collections::BTreeMap;
use std::path::Path;

impl Store {
    /// Writes a consistent copy of the whole SQLite database to `path` (which must not exist)
    /// while others go on reading and writing: `VACUUM INTO` reads in one transaction and
    /// writes a compact file. A PostgreSQL database is copied with pg_dump instead.
    pub async fn snapshot_into(&self, path: &Path) -> Result<()> {
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Files(std::io::Error::other("backup path is not UTF-8")))?
            .to_owned();
        let mut c = self.read().await?;
        match c.conn() {
            Conn::Sqlite(conn, _) => {
                sqlx::query("VACUUM INTO ?")
                    .bind(target)
                    .execute(&mut *conn)
                    .await?;
                Ok(())
            }
            Conn::Postgres(_) => Err(StoreError::Unsupported(
                "a PostgreSQL database is backed up with pg_dump",
            )),
        }
    }

    /// How many rows each table holds, by name: what a restored database must hold again.
    pub async fn table_counts(&self) -> Result<BTreeMap<String, i64>> {
        let mut c = self.read().await?;
        let mut conn = c.conn();
        let names: Vec<(String,)> = match &mut conn {
            Conn::Sqlite(c, _) => {
                sqlx::query_as(
                    "SELECT name FROM sqlite_master WHERE type = 'table' \
                     AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                )
                .fetch_all(&mut **c)
                .await?
            }
            Conn::Postgres(c) => {
                sqlx::query_as(
                    "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() \
                     ORDER BY tablename",
                )
                .fetch_all(&mut **c)
                .await?
            }
        };
        let mut counts = BTreeMap::new();
        for (name,) in names {
            // The names come from the database's own catalogue, quoted as identifiers.
            let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
            let (n,): (i64,) = match &mut conn {
                Conn::Sqlite(c, _) => {
                    sqlx::query_as(AssertSqlSafe(sql))
                        .fetch_one(&mut **c)
                        .await?
                }
                Conn::Postgres(c) => {
                    sqlx::query_as(AssertSqlSafe(sql))
                        .fetch_one(&mut **c)
                        .await?
                }
            };
            counts.insert(name, n);
        }
        Ok(counts)
    }
}
