//! The two schemas agree: every table, column and column's nullability that the SQLite
//! migrations create, the PostgreSQL ones create too, with a matching kind of type. Each
//! migration is written twice, once per dialect; this catches the copy that forgot a column.

use crate::support::{Backend, TestApp, postgres_configured};
use std::collections::BTreeMap;

/// (table, column) → (type class, not null).
type Columns = BTreeMap<(String, String), (&'static str, bool)>;

/// Columns added to a table with rows by a SQLite migration that could not make them NOT NULL
/// (SQLite needs a default for that); the code always writes them, PostgreSQL enforces it.
const SQLITE_NULLABLE: [(&str, &str); 1] = [("sessions", "last_seen_at")];

/// What a declared type stores, in words both dialects share. SQLite keeps times and dates as
/// ISO text and booleans as integers; PostgreSQL has types of their own for them.
fn class(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" | "smallint" => "integer",
        "boolean" => "boolean",
        "real" | "double precision" | "numeric" => "real",
        "text" | "character varying" => "text",
        "timestamp with time zone" => "timestamp",
        "date" => "date",
        "blob" | "bytea" => "bytes",
        _ => "other",
    }
}

/// SQLite declares booleans, timestamps and dates as INTEGER or TEXT: a PostgreSQL column of
/// those types matches them.
fn compatible(sqlite: &str, postgres: &str) -> bool {
    sqlite == postgres
        || (sqlite == "integer" && postgres == "boolean")
        || (sqlite == "text" && matches!(postgres, "timestamp" | "date"))
}

async fn sqlite_columns(app: &TestApp) -> Columns {
    let pool = sqlx::SqlitePool::connect(&app.url).await.unwrap();
    // table_xinfo also lists generated columns; a primary key column is never null.
    let rows: Vec<(String, String, String, i64, i64)> = sqlx::query_as(
        "SELECT m.name, c.name, c.type, c.\"notnull\", c.pk
         FROM sqlite_master m, pragma_table_xinfo(m.name) c
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(t, c, ty, not_null, pk)| ((t, c), (class(&ty), not_null == 1 || pk > 0)))
        .collect()
}

async fn postgres_columns(app: &TestApp) -> Columns {
    let pool = sqlx::PgPool::connect(&app.url).await.unwrap();
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT table_name::text, column_name::text, data_type::text, is_nullable::text
         FROM information_schema.columns
         WHERE table_schema = current_schema() AND table_name NOT LIKE '_sqlx%'",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    pool.close().await;
    rows.into_iter()
        .map(|(t, c, ty, nullable)| ((t, c), (class(&ty), nullable == "NO")))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_and_postgresql_schemas_agree_table_by_table_and_column_by_column() {
    if !postgres_configured() {
        eprintln!("SAFEGRID_TEST_DATABASE_URL not set: PostgreSQL story skipped");
        return;
    }
    let sqlite = sqlite_columns(&TestApp::start(Backend::Sqlite).await).await;
    let postgres = postgres_columns(&TestApp::start(Backend::Postgres).await).await;
    assert!(
        sqlite.len() > 200,
        "the SQLite schema was read: {}",
        sqlite.len()
    );
    let mut differences = Vec::new();
    for (key, lite) in &sqlite {
        match postgres.get(key) {
            None => differences.push(format!("{}.{} only on SQLite", key.0, key.1)),
            Some(pg) if !compatible(lite.0, pg.0) => differences.push(format!(
                "{}.{}: SQLite {} but PostgreSQL {}",
                key.0, key.1, lite.0, pg.0
            )),
            Some(pg) if lite.1 != pg.1 && !SQLITE_NULLABLE.contains(&(&*key.0, &*key.1)) => {
                differences.push(format!(
                    "{}.{}: NOT NULL on {} only",
                    key.0,
                    key.1,
                    if lite.1 { "SQLite" } else { "PostgreSQL" }
                ));
            }
            Some(_) => {}
        }
    }
    for key in postgres.keys().filter(|k| !sqlite.contains_key(*k)) {
        differences.push(format!("{}.{} only on PostgreSQL", key.0, key.1));
    }
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

/// Every table that holds a county's data carries its county's code, so a province's database
/// can be partitioned by county. Only the deployment's own tables are exempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_table_of_county_data_carries_the_county_code() {
    let sqlite = sqlite_columns(&TestApp::start(Backend::Sqlite).await).await;
    let deployment = [
        // The national sector catalogue, the same for every county.
        "sectors",
        // Sign-in state and the audit trail belong to the deployment: one hash chain for all.
        "sessions",
        "audit_log",
        "audit_heads",
    ];
    let tables: std::collections::BTreeSet<&String> = sqlite.keys().map(|k| &k.0).collect();
    let missing: Vec<&&String> = tables
        .iter()
        .filter(|t| !deployment.contains(&t.as_str()))
        .filter(|t| !sqlite.contains_key(&((**t).clone(), "county_code".to_owned())))
        .collect();
    assert!(missing.is_empty(), "no county_code on {missing:?}");
    assert!(tables.len() > 30);
}
