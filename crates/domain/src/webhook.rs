//! The county's outgoing webhook: notices forwarded as JSON to its SMS gateway or messaging
//! platform, retried with growing pauses until delivered or given up.

use crate::invalid::Violation;
use chrono::Duration;

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// The pause before attempt `n + 1` after `n` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(failures: u32) -> Duration {
    let minutes = 1_i64 << failures.min(16);
    Duration::minutes(minutes.min(6 * 60))
}

/// Checks a webhook address: http or https, a host, no credentials in it.
pub fn check_url(field: &str, raw: &str) -> Result<String, Violation> {
    let url = raw.trim();
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(|| Violation::new(field, "error.webhook_url"))?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if host.is_empty()
        || host.contains('@')
        || url.len() > 500
        || url.chars().any(char::is_whitespace)
    {
        return Err(Violation::new(field, "error.webhook_url"));
    }
    Ok(url.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_grow_and_stop_growing() {
        assert_eq!(backoff(0), Duration::minutes(1));
        assert_eq!(backoff(1), Duration::minutes(2));
        assert_eq!(backoff(3), Duration::minutes(8));
        assert_eq!(backoff(9), Duration::minutes(360));
        assert_eq!(backoff(40), Duration::minutes(360));
    }

    #[test]
    fn addresses() {
        assert!(check_url("url", "https://sms.example.gov.cn/hook").is_ok());
        assert!(check_url("url", "http://10.0.0.5:8080/in").is_ok());
        for bad in [
            "ftp://x",
            "https://",
            "https://user:pw@host/",
            "javascript:alert(1)",
            "https://a b",
        ] {
            assert!(check_url("url", bad).is_err(), "{bad}");
        }
    }
}
