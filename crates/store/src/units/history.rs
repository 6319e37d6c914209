//! A unit's history: one line each time its status, grade or key listing changes, with the
//! reason, who and when. Written by a single change and by an import's thousands alike.

use crate::audit::now;
use crate::db::{Conn, county_of};
use crate::{Result, insert};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use sea_query::{Expr, ExprTrait};

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

impl crate::db::Store {
    /// Dates every unit's entry in the census back to `on` (the demo's census, loaded in
    /// seconds, stands for one taken more than a year ago, so its year of history is owed).
    /// The system only.
    pub async fn date_census_back(&self, actor: &Actor, on: DateTime<Utc>) -> Result<u64> {
        if actor.scope != safegrid_domain::access::Scope::All {
            return Err(crate::StoreError::Forbidden);
        }
        let mut tx = self.write().await?;
        let changed = tx
            .conn()
            .update(
                sea_query::Query::update()
                    .table("units")
                    .value("created_at", on)
                    .and_where(Expr::col("created_at").gt(on)),
            )
            .await?;
        tx.commit_unaudited("the demo's census is dated back before any county data is used")
            .await?;
        self.duties_changed();
        Ok(changed)
    }
}
