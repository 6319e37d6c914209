//! The webhook setting as shown, and deliveries as claimed and as listed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::FromRow;

/// The setting as shown: the secret is never given back.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct WebhookSettings {
    pub url: Option<String>,
    pub enabled: bool,
    pub has_secret: bool,
}

/// A delivery claimed by a worker.
#[derive(Debug, Clone)]
pub struct Delivery {
    pub id: i64,
    pub url: String,
    pub secret: String,
    pub payload: String,
    pub attempts: i32,
}

/// A delivery as listed for the county.
#[derive(Debug, Clone, FromRow, Serialize, utoipa::ToSchema)]
pub struct DeliveryRecord {
    pub id: i64,
    pub payload: String,
    pub created_at: DateTime<Utc>,
    pub attempts: i32,
    pub next_attempt_at: DateTime<Utc>,
    pub delivered_at: Option<DateTime<Utc>>,
    pub failed_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}
