//! The county's outgoing webhook (design: notices forwarded to SMS or a messaging platform).
//! Its address and shared secret are a county setting; each notice goes into an outbox in the
//! same transaction as the notice itself, and a worker delivers it (see `safegrid::webhook`),
//! claiming each row with a guarded update so several processes never send one twice.

use crate::audit::now;
use crate::db::Conn;
use crate::insert;
use crate::{Result, settings};
use serde::{Deserialize, Serialize};

const WEBHOOK: &str = "webhook";

/// The setting as stored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct Stored {
    url: String,
    secret: String,
    enabled: bool,
}

mod outbox;
mod query;
mod rows;
mod write;

pub use rows::{Delivery, DeliveryRecord, WebhookSettings};
pub use write::WebhookInput;

async fn stored(conn: &mut Conn<'_>, county: &str) -> Result<Option<Stored>> {
    settings::read(conn, county, WEBHOOK).await
}

/// Puts a notice in the county's outbox, if the county forwards notices.
pub(crate) async fn enqueue(
    conn: &mut Conn<'_>,
    county: &str,
    payload: serde_json::Value,
) -> Result<()> {
    if !stored(conn, county).await?.is_some_and(|s| s.enabled) {
        return Ok(());
    }
    let at = now();
    conn.insert(insert::row(
        "webhook_deliveries",
        [
            ("county_code", county.into()),
            ("payload", payload.to_string().into()),
            ("created_at", at.into()),
            ("next_attempt_at", at.into()),
        ],
    ))
    .await?;
    Ok(())
}
