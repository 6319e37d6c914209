//! A county's own settings (`county_settings`): one JSON value per county and key, such as its
//! grading rule or its webhook.

use crate::Result;
use crate::audit::now;
use crate::db::Conn;
use crate::insert;
use sea_query::{Expr, ExprTrait, OnConflict, Query};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// The county's setting under `key`, or `None` when it has none. A stored value that no longer
/// reads as `T` counts as none (the caller's default applies), and is logged.
pub(crate) async fn read<T: DeserializeOwned>(
    conn: &mut Conn<'_>,
    county: &str,
    key: &str,
) -> Result<Option<T>> {
    let row: Option<(String,)> = conn
        .optional(
            Query::select()
                .column("value")
                .from("county_settings")
                .and_where(Expr::col("county_code").eq(county))
                .and_where(Expr::col("key").eq(key)),
        )
        .await?;
    Ok(row.and_then(|(value,)| {
        serde_json::from_str(&value)
            .inspect_err(|e| tracing::warn!(county, key, error = %e, "county setting unreadable"))
            .ok()
    }))
}

/// Sets the county's setting under `key`, replacing what was there.
pub(crate) async fn write<T: Serialize>(
    conn: &mut Conn<'_>,
    county: &str,
    key: &str,
    value: &T,
) -> Result<()> {
    let value = serde_json::to_string(value).map_err(std::io::Error::other)?;
    conn.insert(
        &insert::row(
            "county_settings",
            [
                ("county_code", county.into()),
                ("key", key.into()),
                ("value", value.into()),
                ("updated_at", now().into()),
            ],
        )
        .on_conflict(
            OnConflict::columns(["county_code", "key"])
                .update_columns(["value", "updated_at"])
                .to_owned(),
        )
        .to_owned(),
    )
    .await
    .map(|_| ())
}
