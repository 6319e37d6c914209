//! The county's outgoing webhook (design: notices forwarded to SMS or a messaging platform).
//! Its address and shared secret are a county setting; each notice goes into an outbox in the
//! same transaction as the notice itself, and a worker delivers it (see `safegrid::webhook`),
//! claiming each row with a guarded update so several processes never send one twice.

use crate::audit::{self, Event, now};
use crate::db::{Conn, Store};
use crate::{Result, StoreError, settings};
use chrono::{DateTime, Utc};
use safegrid_domain::access::Actor;
use safegrid_domain::invalid::{Invalid, Violation};
use safegrid_domain::policy::{Object, Verb, may};
use safegrid_domain::webhook::{MAX_ATTEMPTS, backoff, check_url, check_url_allowing_private};
use sea_query::{Expr, ExprTrait, Order, Query};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sqlx::FromRow;

const WEBHOOK: &str = "webhook";

/// The setting as stored.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
struct Stored {
    url: String,
    secret: String,
    enabled: bool,
}

/// The setting as shown: the secret is never given back.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct WebhookSettings {
    pub url: Option<String>,
    pub enabled: bool,
    pub has_secret: bool,
}

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
    conn.insert(
        Query::insert()
            .into_table("webhook_deliveries")
            .columns(["county_code", "payload", "created_at", "next_attempt_at"])
            .values_panic([
                county.into(),
                payload.to_string().into(),
                at.into(),
                at.into(),
            ]),
    )
    .await?;
    Ok(())
}

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
        audit::record(
            &mut conn,
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
        tx.commit().await?;
        Ok(WebhookSettings {
            url: Some(url),
            enabled,
            has_secret: true,
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

    /// Claims deliveries due at `at` for this worker: each is pushed two minutes on by a
    /// guarded update, so another worker skips it meanwhile (and retries it should this one
    /// stop before reporting).
    pub async fn claim_webhook_deliveries(
        &self,
        at: DateTime<Utc>,
        limit: u64,
    ) -> Result<Vec<Delivery>> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        type Due = (i64, String, String, i32, DateTime<Utc>);
        let due: Vec<Due> = conn
            .all(
                Query::select()
                    .columns([
                        "id",
                        "county_code",
                        "payload",
                        "attempts",
                        "next_attempt_at",
                    ])
                    .from("webhook_deliveries")
                    .and_where(Expr::col("delivered_at").is_null())
                    .and_where(Expr::col("failed_at").is_null())
                    .and_where(Expr::col("next_attempt_at").lte(at))
                    .order_by("next_attempt_at", Order::Asc)
                    .limit(limit),
            )
            .await?;
        let mut out = Vec::new();
        let mut settings: std::collections::HashMap<String, Option<Stored>> = Default::default();
        for (id, county, payload, attempts, next) in due {
            let mine = conn
                .update(
                    Query::update()
                        .table("webhook_deliveries")
                        .value("next_attempt_at", at + chrono::Duration::minutes(2))
                        .and_where(Expr::col("id").eq(id))
                        .and_where(Expr::col("next_attempt_at").eq(next)),
                )
                .await?
                == 1;
            if !mine {
                continue;
            }
            if !settings.contains_key(&county) {
                let s = stored(&mut conn, &county).await?;
                settings.insert(county.clone(), s);
            }
            match settings.get(&county).cloned().flatten() {
                Some(s) if s.enabled => out.push(Delivery {
                    id,
                    url: s.url,
                    secret: s.secret,
                    payload,
                    attempts,
                }),
                _ => {
                    // The county stopped forwarding: nothing to send it to.
                    conn.update(
                        Query::update()
                            .table("webhook_deliveries")
                            .values([
                                ("failed_at", at.into()),
                                ("last_error", "webhook disabled".into()),
                            ])
                            .and_where(Expr::col("id").eq(id)),
                    )
                    .await?;
                }
            }
        }
        tx.commit().await?;
        Ok(out)
    }

    /// Records how a delivery went: delivered, or failed and retried after a growing pause
    /// until given up.
    pub async fn webhook_attempted(
        &self,
        delivery: &Delivery,
        at: DateTime<Utc>,
        error: Option<String>,
    ) -> Result<()> {
        let mut tx = self.write().await?;
        let mut conn = tx.conn();
        let mut q = Query::update();
        q.table("webhook_deliveries")
            .and_where(Expr::col("id").eq(delivery.id));
        match error {
            None => {
                q.values([
                    ("delivered_at", at.into()),
                    ("attempts", (delivery.attempts + 1).into()),
                ]);
            }
            Some(e) => {
                let failures = u32::try_from(delivery.attempts + 1).unwrap_or(MAX_ATTEMPTS);
                let truncated: String = e.chars().take(300).collect();
                q.values([
                    ("attempts", (delivery.attempts + 1).into()),
                    ("last_error", truncated.into()),
                    ("next_attempt_at", (at + backoff(failures)).into()),
                ]);
                if failures >= MAX_ATTEMPTS {
                    q.value("failed_at", at);
                }
            }
        }
        conn.update(&q).await?;
        tx.commit().await
    }
}
