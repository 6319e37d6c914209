//! Delivers the county's webhook notices: each claimed delivery is POSTed as JSON, signed with
//! the county's shared secret so the receiver can tell it came from here and was not replayed:
//!
//! ```text
//! X-Safegrid-Delivery:  <delivery id>
//! X-Safegrid-Timestamp: <unix seconds>
//! X-Safegrid-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>
//! ```
//! A 2xx answer within ten seconds is delivered; anything else is tried again later.

use chrono::{DateTime, Utc};
use hmac::{Hmac, Mac};
use safegrid_store::{Delivery, Store};
use sha2::Sha256;
use std::time::Duration;

/// Deliveries claimed per round.
const PER_ROUND: u64 = 50;

/// The client the worker posts with. Unless the deployment allows private networks, it
/// posts only to public addresses: names are resolved by [`PublicOnly`], which drops every
/// loopback, private, link-local … address after resolution (a public name pointed at
/// 127.0.0.1 is refused at delivery as at saving), literal addresses are checked in `post`,
/// and redirects are not followed (a redirect would lead around both checks).
pub fn client(private_networks: bool) -> anyhow::Result<Client> {
    let mut builder = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("safegrid/", env!("CARGO_PKG_VERSION")));
    if !private_networks {
        builder = builder.dns_resolver(std::sync::Arc::new(PublicOnly));
    }
    Ok(Client {
        http: builder.build()?,
        private_networks,
    })
}

/// The worker's HTTP client and whether it may post into private networks.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    private_networks: bool,
}

/// A resolver answering only the public addresses of a name.
struct PublicOnly;

impl reqwest::dns::Resolve for PublicOnly {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let public: Vec<std::net::SocketAddr> = tokio::net::lookup_host((host.as_str(), 0))
                .await?
                .filter(|a| safegrid_domain::webhook::is_public_address(a.ip()))
                .collect();
            if public.is_empty() {
                return Err(format!("{host} has no public address").into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(public.into_iter());
            Ok(addrs)
        })
    }
}

/// Refuses a literal address outside the public internet (the resolver never sees those).
fn literal_address_allowed(url: &str, private_networks: bool) -> Result<(), String> {
    if private_networks {
        return Ok(());
    }
    let parsed = reqwest::Url::parse(url).map_err(|e| e.to_string())?;
    let host = parsed.host_str().unwrap_or_default();
    let Ok(ip) = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .parse::<std::net::IpAddr>()
    else {
        return Ok(());
    };
    if safegrid_domain::webhook::is_public_address(ip) {
        Ok(())
    } else {
        Err(format!("{ip} is not a public address"))
    }
}

/// The signature of a body sent at `timestamp`.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    // HMAC takes keys of any length, so this cannot fail; an empty tag would only fail checks.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

async fn post(client: &Client, d: &Delivery, at: DateTime<Utc>) -> Result<(), String> {
    literal_address_allowed(&d.url, client.private_networks)?;
    let timestamp = at.timestamp();
    let response = client
        .http
        .post(&d.url)
        .header("content-type", "application/json")
        .header("x-safegrid-delivery", d.id.to_string())
        .header("x-safegrid-timestamp", timestamp.to_string())
        .header(
            "x-safegrid-signature",
            signature(&d.secret, timestamp, &d.payload),
        )
        .body(d.payload.clone())
        .send()
        .await
        .map_err(|e| describe(&e))?;
    if response.status().is_success() {
        Ok(())
    } else {
        Err(format!("HTTP {}", response.status()))
    }
}

/// An error with its causes, for the delivery list ("error sending request …: … has no
/// public address"): reqwest's own message names only the request.
fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// One round: delivers what is due at `at`. Answers how many were delivered and how many
/// failed this time.
pub async fn deliver_due(
    store: &Store,
    client: &Client,
    at: DateTime<Utc>,
) -> anyhow::Result<(u32, u32)> {
    // Posted together, so a round ends within one timeout, well inside the two minutes a claim
    // holds; one by one, a dead endpoint would outlast the claim and another process would send
    // the same notices again.
    let mut posts = tokio::task::JoinSet::new();
    for d in store.claim_webhook_deliveries(at, PER_ROUND).await? {
        let client = client.clone();
        posts.spawn(async move {
            let outcome = post(&client, &d, at).await;
            (d, outcome)
        });
    }
    let mut delivered = 0;
    let mut failed = 0;
    while let Some(posted) = posts.join_next().await {
        let (d, outcome) = posted?;
        match &outcome {
            Ok(()) => delivered += 1,
            Err(e) => {
                failed += 1;
                tracing::warn!(delivery = d.id, error = %e, "webhook delivery failed");
            }
        }
        store
            .webhook_attempted(&d, Utc::now(), outcome.err())
            .await?;
    }
    Ok((delivered, failed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_sha256_matches_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let mut mac = Hmac::<Sha256>::new_from_slice(b"Jefe").unwrap();
        mac.update(b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(mac.finalize().into_bytes()),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn signs_timestamp_dot_body_with_hmac_sha256() {
        // Worked out independently (Python: hmac.new(secret, b"1764403200." + body, sha256)).
        assert_eq!(
            signature(
                "county-shared-secret-0001",
                1_764_403_200,
                r#"{"kind":"overdue"}"#
            ),
            "sha256=fbdf61ba56ed14d473a2ed7fdac6c9c18fe2dcfea29d06a84d2a9758b02c89c4"
        );
    }
}
