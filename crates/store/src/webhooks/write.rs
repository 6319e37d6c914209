//! Setting the county's webhook.

use super::rows::WebhookSettings;
use super::{Stored, WEBHOOK, stored};
use crate::audit::Event;
use crate::db::Store;
use crate::{Result, StoreError, settings};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::webhook::{check_url, check_url_allowing_private};
use serde::Deserialize;
use serde_json::json;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct WebhookInput {
    /// http(s)://… receiving a JSON POST per notice.
    pub url: Option<String>,
    /// The shared secret the body is signed with (HMAC-SHA256); kept when left out.
    pub secret: Option<String>,
    pub enabled: Option<bool>,
    /// Whether this deployment lets the address be on a private network (its operator's
    /// setting, never the request's).
    #[serde(skip)]
    pub private_networks: bool,
}

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
        let mut errors = Invalid::default();
        let raw_url = input.url.as_deref().unwrap_or_default();
        let url = errors.keep(if input.private_networks {
            check_url_allowing_private("url", raw_url)
        } else {
            check_url("url", raw_url)
        });
        let secret = match input
            .secret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            Some(s) if s.len() < 16 || s.len() > 200 => {
                errors.push(Violation::new("secret", "error.webhook_secret"));
                None
            }
            Some(s) => Some(s.to_owned()),
            None => match before.as_ref().map(|b| b.secret.clone()) {
                Some(s) if !s.is_empty() => Some(s),
                _ => {
                    errors.push(Violation::new("secret", "error.required"));
                    None
                }
            },
        };
        errors.into_result()?;
        let (Some(url), Some(secret)) = (url, secret) else {
            return Err(Invalid::one("body", "error.body_unreadable").into());
        };
        let enabled = input.enabled.unwrap_or(true);
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
