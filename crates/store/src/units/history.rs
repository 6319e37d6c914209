//! A unit's history: one line each time its status, grade or key listing changes, with the
//! reason, who and when. Written by a single change and by an import's thousands alike.

use crate::audit::now;
use crate::db::{Conn, county_of};
use crate::{Result, insert};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use sea_query::Expr;

/// Adds a line to a unit's history (its status, grade or key listing changed).
pub(crate) async fn history(
    conn: &mut Conn<'_>,
    actor: &Actor,
    unit: i64,
    field: &str,
    value: &str,
    reason: Option<String>,
) -> Result<()> {
    let county = county_of("units", unit);
    let line = history_line(actor, unit, field, value, reason.as_deref(), now(), county);
    conn.insert(insert::row("unit_history", line)).await?;
    Ok(())
}

/// A line of a unit's history as inserted, one shape for a single change and an import's
/// thousands.
pub(super) fn history_line(
    actor: &Actor,
    unit: i64,
    field: &str,
    value: &str,
    reason: Option<&str>,
    at: DateTime<Utc>,
    county: Expr,
) -> [insert::Pair; 7] {
    [
        ("unit_id", unit.into()),
        ("field", field.into()),
        ("value", value.into()),
        ("reason", reason.into()),
        ("at", at.into()),
        ("account_id", actor.account_id.into()),
        ("county_code", county),
    ]
}
