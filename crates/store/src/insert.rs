//! Inserts written as column–value pairs. Each value sits beside its column, so an insert whose
//! column list and value list drift apart cannot be written; a multi-row insert refuses a row
//! whose columns differ from the first row's instead of running misaligned.

use crate::{Result, StoreError};
use sea_query::{Expr, InsertStatement, Query};

/// A column and the value it takes.
pub(crate) type Pair = (&'static str, Expr);

/// An insert of one row into `table`.
pub(crate) fn row(table: &'static str, pairs: impl IntoIterator<Item = Pair>) -> InsertStatement {
    let (columns, values): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
    let mut q = Query::insert();
    q.into_table(table).columns(columns);
    // Both lists come from one list of pairs, so they are the same length: the one case in
    // which sea-query's length check cannot fail.
    q.values_panic(values);
    q
}

/// An insert of many rows into one table, one statement.
pub(crate) struct Rows {
    table: &'static str,
    columns: Vec<&'static str>,
    statement: InsertStatement,
    len: usize,
}

impl Rows {
    pub(crate) fn new(table: &'static str) -> Self {
        Self {
            table,
            columns: Vec::new(),
            statement: Query::insert(),
            len: 0,
        }
    }

    /// Adds a row; its columns must be the first row's, in the same order.
    pub(crate) fn push(&mut self, pairs: impl IntoIterator<Item = Pair>) -> Result<()> {
        let (columns, values): (Vec<_>, Vec<_>) = pairs.into_iter().unzip();
        if self.len == 0 {
            self.statement
                .into_table(self.table)
                .columns(columns.iter().copied());
            self.columns = columns;
        } else if columns != self.columns {
            return Err(StoreError::Misaligned(self.table));
        }
        self.statement
            .values(values)
            .map_err(|_| StoreError::Misaligned(self.table))?;
        self.len += 1;
        Ok(())
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn statement(&self) -> &InsertStatement {
        &self.statement
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sea_query::SqliteQueryBuilder;

    #[test]
    fn a_row_keeps_each_value_beside_its_column() {
        let q = row("t", [("a", 1.into()), ("b", "x".into())]);
        assert_eq!(
            q.to_string(SqliteQueryBuilder),
            r#"INSERT INTO "t" ("a", "b") VALUES (1, 'x')"#
        );
    }

    #[test]
    fn rows_refuse_a_row_with_other_columns() {
        let mut rows = Rows::new("t");
        rows.push([("a", 1.into()), ("b", 2.into())]).unwrap();
        rows.push([("a", 3.into()), ("b", 4.into())]).unwrap();
        assert!(matches!(
            rows.push([("b", 5.into()), ("a", 6.into())]),
            Err(StoreError::Misaligned("t"))
        ));
        assert!(rows.push([("a", 7.into())]).is_err());
        assert_eq!(
            rows.statement().to_string(SqliteQueryBuilder),
            r#"INSERT INTO "t" ("a", "b") VALUES (1, 2), (3, 4)"#
        );
    }
}
