//! The second factor (TOTP, RFC 6238): six digits from an authenticator app, a new code every
//! 30 seconds, one step of clock drift either way, each code used once. The county
//! administrator and the three separated administrators must have one (`access::
//! must_use_second_factor`); anyone may turn one on.

use rand::RngCore;
use totp_rs::{Algorithm, Secret, TOTP};

/// The name authenticator apps show beside the account.
pub const ISSUER: &str = "safegrid";
const DIGITS: usize = 6;
const STEP_SECONDS: u64 = 30;
const SKEW_STEPS: u64 = 1;

/// A new secret: 160 random bits (RFC 4226's recommendation), in base32 for the apps.
pub fn new_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill_bytes(&mut bytes);
    match Secret::Raw(bytes.to_vec()).to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => String::new(),
    }
}

fn totp(secret: &str, account: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    // A name with a colon cannot be a label; names are letters, digits, `_ - .` anyway.
    let label = account.replace(':', "_");
    TOTP::new(
        Algorithm::SHA1,
        DIGITS,
        1,
        STEP_SECONDS,
        bytes,
        Some(ISSUER.to_owned()),
        label,
    )
    .ok()
}

/// The `otpauth://totp/…` address an authenticator app reads (from the QR code).
pub fn otpauth_uri(secret: &str, account: &str) -> Option<String> {
    totp(secret, account).map(|t| t.get_url())
}

/// The time step of `code` if it is right at `unix_seconds` (within one step either way).
pub fn matching_step(secret: &str, account: &str, code: &str, unix_seconds: u64) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != DIGITS || !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let totp = totp(secret, account)?;
    let now = unix_seconds / STEP_SECONDS;
    (now.saturating_sub(SKEW_STEPS)..=now + SKEW_STEPS)
        .find(|step| crate::http::auth::same_secret(&totp.generate(step * STEP_SECONDS), &code))
        .and_then(|step| i64::try_from(step).ok())
}

/// The code an authenticator app shows at `unix_seconds` (for an account's own tools and for
/// tests; the server only ever checks codes).
pub fn code_at(secret: &str, account: &str, unix_seconds: u64) -> Option<String> {
    totp(secret, account).map(|t| t.generate(unix_seconds))
}

/// The current Unix time in seconds.
pub fn now_seconds() -> u64 {
    u64::try_from(chrono::Utc::now().timestamp()).unwrap_or_default()
}

/// A QR code of `text` as an inline SVG (crisp at any size, printable, no image request).
pub fn qr_svg(text: &str) -> Option<String> {
    let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).ok()?;
    let border = 4;
    let size = qr.size() + border * 2;
    let mut path = String::new();
    for y in 0..qr.size() {
        for x in 0..qr.size() {
            if qr.get_module(x, y) {
                path.push_str(&format!("M{},{}h1v1h-1z", x + border, y + border));
            }
        }
    }
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {size} {size}\" width=\"220\" height=\"220\" role=\"img\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" fill=\"#fff\"/><path d=\"{path}\" fill=\"#000\"/></svg>"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 6238 Appendix B: the SHA-1 secret "12345678901234567890", eight digits there; the
    /// last six are what a six-digit code shows.
    #[test]
    fn codes_follow_rfc_6238() {
        let secret = match Secret::Raw(b"12345678901234567890".to_vec()).to_encoded() {
            Secret::Encoded(s) => s,
            Secret::Raw(_) => unreachable!(),
        };
        for (time, eight) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            let six = &eight[2..];
            assert_eq!(
                matching_step(&secret, "admin", six, time),
                Some((time / 30) as i64),
                "{time}"
            );
        }
        // One step of drift either way, not two.
        assert!(matching_step(&secret, "admin", "287082", 59 + 30).is_some());
        assert!(matching_step(&secret, "admin", "287082", 59 + 60).is_none());
        assert!(matching_step(&secret, "admin", "28708", 59).is_none());
        assert!(matching_step(&secret, "admin", "abcdef", 59).is_none());
    }

    #[test]
    fn secrets_and_addresses() {
        let secret = new_secret();
        assert_eq!(secret.len(), 32, "160 bits in base32");
        assert_ne!(secret, new_secret());
        let uri = otpauth_uri(&secret, "admin").unwrap();
        assert!(uri.starts_with("otpauth://totp/safegrid:admin?"), "{uri}");
        assert!(uri.contains(&format!("secret={secret}")));
        let svg = qr_svg(&uri).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<path"));
    }
}
