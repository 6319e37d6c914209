//! The county's outgoing webhook: notices forwarded as JSON to its SMS gateway or messaging
//! platform, retried with growing pauses until delivered or given up.

use crate::invalid::Violation;
use chrono::Duration;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Attempts before a delivery is given up.
pub const MAX_ATTEMPTS: u32 = 8;

/// The pause before attempt `n + 1` after `n` failures: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(failures: u32) -> Duration {
    let minutes = 1_i64 << failures.min(16);
    Duration::minutes(minutes.min(6 * 60))
}

/// Checks a webhook address: http or https, a host, no credentials in it, and not a host on
/// this machine or a private network (`error.webhook_private`): a literal IPv4 or bracketed
/// IPv6 address that [`is_public_address`] refuses, an IPv4 address written the other ways a
/// resolver reads it (`2130706433`, `0x7f.1`, `017700000001`, `127.1`), or `localhost` and
/// names under it. The host must be ASCII (an international domain name is given in its
/// `xn--` form), so no look-alike digits or full stops slip through. A name may still resolve
/// to a private address: the delivery checks the resolved address with [`is_public_address`].
pub fn check_url(field: &str, raw: &str) -> Result<String, Violation> {
    checked_url(field, raw, false)
}

/// [`check_url`] for a deployment that explicitly allows a gateway on its own network (and for
/// tests that receive on 127.0.0.1): the same checks, except that a private, loopback or
/// otherwise non-public host is accepted. Odd forms of IPv4 addresses are still refused.
pub fn check_url_allowing_private(field: &str, raw: &str) -> Result<String, Violation> {
    checked_url(field, raw, true)
}

fn checked_url(field: &str, raw: &str, allow_private: bool) -> Result<String, Violation> {
    let url = raw.trim();
    let private = |ok: &str| {
        if allow_private {
            Ok(ok.to_owned())
        } else {
            Err(Violation::new(field, "error.webhook_private"))
        }
    };
    let bad = || Violation::new(field, "error.webhook_url");
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.is_empty()
        || authority.contains('@')
        || url.len() > 500
        || url.chars().any(char::is_whitespace)
    {
        return Err(bad());
    }
    match host_of(authority).ok_or_else(bad)? {
        Host::Ip(ip) if !is_public_address(ip) => private(url),
        Host::Ip(_) => Ok(url.to_owned()),
        Host::Name(name) if is_local_name(&name) => private(url),
        Host::Name(name) => match ipv4_as_resolvers_read_it(&name) {
            // A name ending in a number is read as an IPv4 address, or is no host at all.
            Some(None) => Err(bad()),
            Some(Some(ip)) if !is_public_address(IpAddr::V4(ip)) && !allow_private => {
                Err(Violation::new(field, "error.webhook_private"))
            }
            // A public address in an odd form: ask for the plain dotted quad.
            Some(Some(_)) => Err(bad()),
            None => Ok(url.to_owned()),
        },
    }
}

/// The host part of an address.
enum Host {
    Ip(IpAddr),
    /// A name, lower-cased, without a final dot.
    Name(String),
}

/// The host of `host[:port]` or `[ipv6][:port]`; `None` if malformed (a bad port, characters
/// no host name has, an unparsable bracketed address).
fn host_of(authority: &str) -> Option<Host> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inside, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            _ => Some(after.strip_prefix(':')?),
        };
        (Host::Ip(IpAddr::V6(inside.parse().ok()?)), port)
    } else {
        let (name, port) = match authority.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (authority, None),
        };
        let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
        if name.split('.').any(str::is_empty)
            || !name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'))
        {
            return None;
        }
        let host = match name.parse::<Ipv4Addr>() {
            Ok(ip) => Host::Ip(IpAddr::V4(ip)),
            Err(_) => Host::Name(name),
        };
        (host, port)
    };
    match port {
        None => Some(host),
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            (p.parse::<u32>().ok()? <= 65_535).then_some(host)
        }
        Some(_) => None,
    }
}

/// `localhost`, names under it, and the loopback names of common hosts files.
fn is_local_name(name: &str) -> bool {
    name == "localhost"
        || name.ends_with(".localhost")
        || matches!(
            name,
            "localhost.localdomain" | "ip6-localhost" | "ip6-loopback"
        )
}

/// How a resolver (inet_aton, and the URL standard browsers and HTTP clients follow) reads a
/// host whose last label is a number: one to four parts, each decimal, octal with a leading
/// 0, or hexadecimal with 0x, the last filling the remaining bytes. `None` if the host is a
/// name; `Some(None)` if it is numeric but no address (a part too large).
fn ipv4_as_resolvers_read_it(host: &str) -> Option<Option<Ipv4Addr>> {
    /// A part's value; `None` if it is not a number in any of the three forms (or too large).
    fn number(part: &str) -> Option<u64> {
        let (digits, radix) = if let Some(hex) = part.strip_prefix("0x") {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
        if digits.is_empty() {
            // "0x" alone is zero; an empty part is no number.
            return (radix == 16).then_some(0);
        }
        if !digits.chars().all(|c| c.is_digit(radix)) {
            return None;
        }
        u64::from_str_radix(digits, radix).ok()
    }
    let parts: Vec<&str> = host.split('.').collect();
    let last = parts.last()?;
    let numeric = !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit())
        || last
            .strip_prefix("0x")
            .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()));
    if !numeric {
        return None;
    }
    if parts.len() > 4 {
        return Some(None);
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        match number(part) {
            Some(v) => values.push(v),
            None => return Some(None),
        }
    }
    let (init, last) = values.split_at(values.len() - 1);
    if init.iter().any(|v| *v > 255) {
        return Some(None);
    }
    let room = 8 * (4 - init.len() as u32);
    let last = last.first().copied().unwrap_or_default();
    if last >= 1u64 << room {
        return Some(None);
    }
    let mut address: u64 = 0;
    for v in init {
        address = (address << 8) | v;
    }
    address = (address << room) | last;
    Some(u32::try_from(address).ok().map(Ipv4Addr::from))
}

/// Whether an address is a public one a webhook may be delivered to: not this machine, a
/// private or carrier-grade NAT network, link-local, unique-local, multicast, broadcast,
/// unspecified, reserved or documentation space, and no IPv6 form of such an IPv4 address
/// (mapped, compatible, NAT64, 6to4). IPv6 must be global unicast (2000::/3) outside the
/// special-purpose blocks. Used on the address in the URL and again, at delivery, on every
/// address the host name resolves to.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn in_v4(ip: Ipv4Addr, net: [u8; 4], prefix: u32) -> bool {
    let mask = u32::MAX.checked_shl(32 - prefix).unwrap_or(0);
    u32::from(ip) & mask == u32::from(Ipv4Addr::from(net)) & mask
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    const NOT_PUBLIC: [([u8; 4], u32); 16] = [
        ([0, 0, 0, 0], 8),          // "this network", unspecified
        ([10, 0, 0, 0], 8),         // private
        ([100, 64, 0, 0], 10),      // carrier-grade NAT
        ([127, 0, 0, 0], 8),        // loopback
        ([169, 254, 0, 0], 16),     // link-local
        ([172, 16, 0, 0], 12),      // private
        ([192, 0, 0, 0], 24),       // IETF protocol assignments
        ([192, 0, 2, 0], 24),       // documentation (TEST-NET-1)
        ([192, 88, 99, 0], 24),     // 6to4 relay anycast
        ([192, 168, 0, 0], 16),     // private
        ([198, 18, 0, 0], 15),      // benchmarking
        ([198, 51, 100, 0], 24),    // documentation (TEST-NET-2)
        ([203, 0, 113, 0], 24),     // documentation (TEST-NET-3)
        ([224, 0, 0, 0], 4),        // multicast
        ([240, 0, 0, 0], 4),        // reserved
        ([255, 255, 255, 255], 32), // broadcast
    ];
    !NOT_PUBLIC
        .iter()
        .any(|(net, prefix)| in_v4(ip, *net, *prefix))
}

fn in_v6(ip: Ipv6Addr, net: [u16; 8], prefix: u32) -> bool {
    let mask = u128::MAX.checked_shl(128 - prefix).unwrap_or(0);
    u128::from(ip) & mask == u128::from(Ipv6Addr::from(net)) & mask
}

/// IPv6 ranges outside the public internet within global unicast.
const NOT_PUBLIC: [([u16; 8], u32); 3] = [
    ([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), // IETF protocol assignments (Teredo …)
    ([0x2001, 0x0db8, 0, 0, 0, 0, 0, 0], 32), // documentation
    ([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), // documentation
];

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let bits = u128::from(ip);
    // IPv4 inside IPv6: mapped (::ffff:0:0/96), compatible (::/96), NAT64 (64:ff9b::/96).
    let low32 = Ipv4Addr::from(u32::try_from(bits & 0xffff_ffff).unwrap_or_default());
    if in_v6(ip, [0, 0, 0, 0, 0, 0xffff, 0, 0], 96)
        || in_v6(ip, [0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96)
    {
        return is_public_v4(low32);
    }
    // 6to4 (2002::/16) carries an IPv4 address in bits 16–47.
    if in_v6(ip, [0x2002, 0, 0, 0, 0, 0, 0, 0], 16) {
        let embedded = u32::try_from((bits >> 80) & 0xffff_ffff).unwrap_or_default();
        return is_public_v4(Ipv4Addr::from(embedded));
    }
    // Global unicast only: everything outside 2000::/3 is unspecified, loopback, compatible,
    // discard, link-local, unique-local, site-local or multicast.
    in_v6(ip, [0x2000, 0, 0, 0, 0, 0, 0, 0], 3)
        && !NOT_PUBLIC
            .iter()
            .any(|(net, prefix)| in_v6(ip, *net, *prefix))
}

#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
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

/// The county's webhook, checked: an address it may post to and a secret of 16 to 200
/// characters (the one kept from before when none is given).
#[derive(Debug, Clone, PartialEq)]
pub struct WebhookChange {
    pub url: String,
    pub secret: String,
    pub enabled: bool,
}

impl WebhookInput {
    /// Checks the setting; `previous_secret` is the secret already kept, if any.
    pub fn parse(
        &self,
        previous_secret: Option<&str>,
    ) -> Result<WebhookChange, crate::invalid::Invalid> {
        use crate::invalid::Invalid;
        let mut errors = Invalid::default();
        let raw_url = self.url.as_deref().unwrap_or_default();
        let url = errors.keep(if self.private_networks {
            check_url_allowing_private("url", raw_url)
        } else {
            check_url("url", raw_url)
        });
        let secret = match self
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
            None => match previous_secret {
                Some(s) if !s.is_empty() => Some(s.to_owned()),
                _ => {
                    errors.push(Violation::new("secret", "error.required"));
                    None
                }
            },
        };
        errors.into_result()?;
        match (url, secret) {
            (Some(url), Some(secret)) => Ok(WebhookChange {
                url,
                secret,
                enabled: self.enabled.unwrap_or(true),
            }),
            _ => Err(Invalid::one("body", "error.body_unreadable")),
        }
    }
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
        assert!(check_url("url", "https://sms.example.gov.cn:8443/hook?x=1").is_ok());
        assert!(check_url("url", "http://203.119.25.1/in").is_ok());
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

    fn key(url: &str) -> Result<(), &'static str> {
        check_url("url", url).map(|_| ()).map_err(|v| {
            assert_eq!(v.field, "url");
            v.key
        })
    }

    #[test]
    fn private_ipv4_hosts_are_refused_with_or_without_a_port() {
        for host in [
            "10.0.0.5", // private 10/8
            "10.255.255.255",
            "172.16.0.1", // private 172.16/12
            "172.31.255.254",
            "192.168.1.10", // private 192.168/16
            "127.0.0.1",    // loopback
            "127.8.9.10",
            "169.254.169.254", // link-local (cloud metadata)
            "100.64.0.1",      // CGNAT 100.64/10
            "100.127.255.255",
            "0.0.0.0", // unspecified
            "0.1.2.3",
            "255.255.255.255", // broadcast
            "224.0.0.1",       // multicast
            "239.255.255.250",
            "240.0.0.1",  // reserved
            "192.0.2.10", // documentation
            "198.51.100.7",
            "203.0.113.99",
            "192.0.0.8",  // IETF protocol assignments
            "198.18.0.1", // benchmarking
        ] {
            for url in [
                format!("http://{host}/in"),
                format!("https://{host}:8080/in"),
                format!("http://{host}"),
                format!("http://{host}?a=1"),
            ] {
                assert_eq!(key(&url), Err("error.webhook_private"), "{url}");
            }
        }
        // The neighbours just outside each private range are public.
        for host in [
            "9.255.255.255",
            "11.0.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "100.63.255.255",
            "100.128.0.0",
            "169.253.255.255",
            "126.255.255.255",
            "128.0.0.0",
            "223.255.255.255",
            "8.8.8.8",
        ] {
            assert_eq!(key(&format!("https://{host}:443/")), Ok(()), "{host}");
        }
    }

    #[test]
    fn private_ipv6_hosts_are_refused() {
        for host in [
            "[::1]",     // loopback
            "[::]",      // unspecified
            "[fe80::1]", // link-local
            "[febf:ffff::1]",
            "[fc00::1]", // unique-local
            "[fd12:3456:789a::1]",
            "[ff02::1]",          // multicast
            "[2001:db8::1]",      // documentation
            "[::ffff:127.0.0.1]", // IPv4-mapped loopback
            "[::ffff:10.0.0.5]",  // IPv4-mapped private
            "[::ffff:7f00:1]",
            "[::ffff:169.254.169.254]",
            "[::127.0.0.1]",          // IPv4-compatible
            "[64:ff9b::192.168.0.1]", // NAT64 of a private address
            "[2002:c0a8:0101::1]",    // 6to4 of 192.168.1.1
            "[2001::1]",              // Teredo
            "[fec0::1]",              // site-local
        ] {
            for url in [
                format!("http://{host}/in"),
                format!("https://{host}:8443/in"),
            ] {
                assert_eq!(key(&url), Err("error.webhook_private"), "{url}");
            }
        }
        for host in ["[2400:3200::1]", "[::ffff:8.8.8.8]", "[2002:0808:0808::1]"] {
            assert_eq!(key(&format!("https://{host}:443/in")), Ok(()), "{host}");
        }
        // Not an address, a zone, or a bad port.
        for bad in [
            "http://[::1/in",
            "http://[fe80::1%25eth0]/in",
            "http://[gggg::1]/",
            "http://[2400:3200::1]x/",
            "http://[2400:3200::1]:99999/",
        ] {
            assert_eq!(key(bad), Err("error.webhook_url"), "{bad}");
        }
    }

    #[test]
    fn local_names_are_refused() {
        for url in [
            "http://localhost/in",
            "http://LOCALHOST:8080/in",
            "http://localhost./in",
            "http://api.localhost/in",
            "http://localhost.localdomain/",
        ] {
            assert_eq!(key(url), Err("error.webhook_private"), "{url}");
        }
        assert_eq!(key("https://localhost.example.cn/in"), Ok(()));
        assert_eq!(key("https://notlocalhost.cn/in"), Ok(()));
    }

    #[test]
    fn other_ways_of_writing_an_ipv4_address_are_refused() {
        for url in [
            "http://2130706433/", // 127.0.0.1 as one number
            "http://0x7f.1/",     // 127.0.0.1
            "http://0x7F000001/",
            "http://017700000001/", // octal
            "http://0177.0.0.1/",
            "http://127.1/",
            "http://127.0.1/",
            "http://10.1:8080/",
            "http://0/",          // 0.0.0.0
            "http://0x0a.0.0.5/", // 10.0.0.5
            "http://3232235777/", // 192.168.1.1
            "http://127.0.0.1./",
            "http://0xa9fea9fe/", // 169.254.169.254
        ] {
            assert_eq!(key(url), Err("error.webhook_private"), "{url}");
        }
        // A public address in an odd form, or a number no resolver makes an address of, is
        // no address to keep either.
        for url in [
            "http://134744072/", // 8.8.8.8
            "http://08.8.8.8/",
            "http://1.2.3.4.5/",
            "http://256.1.1.1/",
            "http://1.2.3.256/",
            "http://4294967296/",
            "http://example.123/",
        ] {
            assert_eq!(key(url), Err("error.webhook_url"), "{url}");
        }
        // A name that merely starts with digits or hex letters is a name.
        for url in [
            "https://0x7f.example.cn/",
            "https://127.example.cn/",
            "https://cafe.cn/",
        ] {
            assert_eq!(key(url), Ok(()), "{url}");
        }
    }

    #[test]
    fn hosts_that_are_not_plain_ascii_names_are_refused() {
        for url in [
            "http://１２７.０.０.１/",
            "http://127。0。0。1/",
            "http://%31%32%37.0.0.1/",
            "http://127.0.0.1\\.example.cn/",
            "http://a..b/",
            "http://.example.cn/",
            "http://example.cn:/",
            "http://example.cn:http/",
            "http://example.cn:65536/",
            "http://::1/",
        ] {
            assert_eq!(key(url), Err("error.webhook_url"), "{url}");
        }
        assert_eq!(key("http://example.cn:65535/"), Ok(()));
        assert_eq!(key("https://xn--fiqs8s.cn/hook"), Ok(()));
    }

    #[test]
    fn addresses_found_at_delivery() {
        use std::net::IpAddr;
        let public = |s: &str| is_public_address(s.parse::<IpAddr>().unwrap());
        assert!(public("8.8.8.8"));
        assert!(public("2400:3200::1"));
        assert!(!public("127.0.0.1"));
        assert!(!public("10.1.2.3"));
        assert!(!public("::1"));
        assert!(!public("::ffff:192.168.0.1"));
        assert!(!public("fd00::1"));
    }

    #[test]
    fn a_deployment_may_allow_its_own_network() {
        for url in [
            "http://127.0.0.1:41234/hook",
            "http://10.0.0.5:8080/in",
            "http://[::1]:8080/in",
            "http://localhost:8080/in",
        ] {
            assert_eq!(key(url), Err("error.webhook_private"), "{url}");
            assert!(check_url_allowing_private("url", url).is_ok(), "{url}");
        }
        for bad in ["ftp://x", "http://0x7f.1/", "http://user@127.0.0.1/"] {
            assert_eq!(
                check_url_allowing_private("url", bad).map_err(|v| v.key),
                Err("error.webhook_url"),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_webhook_keeps_its_secret_unless_given_a_new_one() {
        let input = WebhookInput {
            url: Some("https://sms.example.com/hook".into()),
            ..Default::default()
        };
        let e = input.parse(None).unwrap_err();
        assert_eq!(e.0[0].field, "secret");
        let kept = input.parse(Some("0123456789abcdef")).unwrap();
        assert_eq!(kept.secret, "0123456789abcdef");
        assert!(kept.enabled);
        let short = WebhookInput {
            secret: Some("short".into()),
            url: Some("http://127.0.0.1/hook".into()),
            ..Default::default()
        };
        let fields: Vec<String> = short
            .parse(None)
            .unwrap_err()
            .0
            .into_iter()
            .map(|v| v.field)
            .collect();
        assert_eq!(fields, ["url", "secret"]);
    }
}
