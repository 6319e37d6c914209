//! The worker's side of the outbox: claiming due deliveries and recording how each went.

use super::rows::Delivery;
use super::{Stored, stored};
use crate::Result;
use crate::db::Store;
use chrono::{DateTime, Utc};
use safegrid_domain::webhook::{MAX_ATTEMPTS, backoff};
use sea_query::{Expr, ExprTrait, Order, Query};

impl Store {
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
        tx.commit_unaudited("deliveries taken for sending (the change was audited when made)")
            .await?;
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
        tx.commit_unaudited("how a delivery went, kept on the delivery itself")
            .await
    }
}
