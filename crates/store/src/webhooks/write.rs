//! Setting the county's webhook.

use super::rows::WebhookSettings;
use super::{Stored, WEBHOOK, stored};
use crate::audit::Event;
use crate::db::Store;
use crate::{Result, StoreError, settings};
use safegrid_domain::access::Actor;
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::webhook::WebhookChange;
use serde_json::json;

pub use safegrid_domain::webhook::WebhookInput;

impl Store {
    /// Sets the county's webhook. The secret is required the first time and kept after.
    pub async fn set_webhook(&self, actor: &Actor, input: WebhookInput) -> Result<WebhookSettings> {
        if !may(actor, Verb::Write, Object::Webhook) {
            return Err(StoreError::Forbidden);
        }
        let county = actor.scope.county().ok_or(StoreError::Forbidden)?;
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let before = stored(&mut conn, county.as_str()).await?;
        let previous = before.as_ref().map(|b| b.secret.as_str());
        let WebhookChange {
            url,
            secret,
            enabled,
        } = input.parse(previous)?;
        let stored = Stored {
            url: url.clone(),
            secret,
            enabled,
        };
        settings::write(&mut conn, county.as_str(), WEBHOOK, &stored).await?;
        tx.commit_audited(
            actor,
            Event {
                chain: county.as_str(),
                action: "settings.webhook",
                object_type: "county",
                object_id: Some(county.as_str().to_owned()),
                detail: json!({ "url": url, "enabled": enabled }),
                outcome: "ok",
            },
        )
        .await?;
        Ok(WebhookSettings {
            url: Some(url),
            enabled,
            has_secret: true,
        })
    }
}
