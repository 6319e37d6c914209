//! Reading the county's webhook setting and its latest deliveries.

use super::rows::{DeliveryRecord, WebhookSettings};
use super::stored;
use crate::db::Store;
use crate::{Result, StoreError};
use safegrid_domain::access::Actor;
use safegrid_domain::policy::{Object, Verb, may};
use sea_query::{Expr, ExprTrait, Order, Query};

impl Store {
    /// The county's webhook, for those who may set it (its address is not for every account).
    pub async fn webhook_settings(&self, actor: &Actor) -> Result<WebhookSettings> {
        if !may(actor, Verb::Write, Object::Webhook) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::NotFound)?;
        let mut c = self.read().await?;
        let s = stored(&mut c.conn(), county.as_str()).await?;
        Ok(match s {
            Some(s) => WebhookSettings {
                url: Some(s.url),
                enabled: s.enabled,
                has_secret: !s.secret.is_empty(),
            },
            None => WebhookSettings::default(),
        })
    }

    /// The county's latest deliveries, newest first.
    pub async fn webhook_deliveries(
        &self,
        actor: &Actor,
        limit: u64,
    ) -> Result<Vec<DeliveryRecord>> {
        if !may(actor, Verb::Write, Object::Webhook) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut c = self.read().await?;
        c.conn()
            .all(
                Query::select()
                    .columns([
                        "id",
                        "payload",
                        "created_at",
                        "attempts",
                        "next_attempt_at",
                        "delivered_at",
                        "failed_at",
                        "last_error",
                    ])
                    .from("webhook_deliveries")
                    .and_where(Expr::col("county_code").eq(county.as_str()))
                    .order_by("id", Order::Desc)
                    .limit(Ord::min(limit, 200)),
            )
            .await
    }
}
