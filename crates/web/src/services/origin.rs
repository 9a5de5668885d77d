//! Where a request comes from, as the limits see it. The peer address is the client unless it
//! is a trusted proxy (`TRUSTED_PROXIES`, CIDR ranges); then the client is the rightmost
//! `X-Forwarded-For` address that is not itself a trusted proxy (each proxy appends the
//! address it saw, so only the entries right of the first untrusted one can be believed), and
//! only then is `X-Forwarded-Proto` believed.
//!
//! The address is then normalised into a limit key: an IPv4-mapped IPv6 address is its IPv4
//! address, and an IPv6 address stands for its whole /64 (by default), the block one
//! subscriber is usually given.

use crate::config::OriginRules;
use axum::http::HeaderMap;
use ipnet::Ipv6Net;
use std::net::IpAddr;

/// Where one request came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// The client's limit key: its address, normalised.
    pub client: IpAddr,
    /// Whether it came over HTTPS: said by a trusted proxy's `X-Forwarded-Proto`.
    pub https: bool,
}

/// An IPv4-mapped IPv6 address as the IPv4 address it is.
fn unmapped(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// One `X-Forwarded-For` entry: an address, possibly with a port (`1.2.3.4:80`, `[::1]:80`).
fn parse_hop(entry: &str) -> Option<IpAddr> {
    let entry = entry.trim();
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<std::net::SocketAddr>().ok().map(|s| s.ip()))
        .map(unmapped)
}

impl OriginRules {
    fn trusted(&self, ip: IpAddr) -> bool {
        self.trusted_proxies.iter().any(|net| net.contains(&ip))
    }

    /// The limit key of an address.
    pub fn key(&self, ip: IpAddr) -> IpAddr {
        match unmapped(ip) {
            IpAddr::V6(v6) => Ipv6Net::new(v6, self.ipv6_prefix.min(128))
                .map_or(IpAddr::V6(v6), |net| IpAddr::V6(net.trunc().addr())),
            v4 => v4,
        }
    }

    /// Where a request from `peer` with these headers came from.
    pub fn origin(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> Origin {
        let peer = unmapped(peer.unwrap_or(IpAddr::from([0, 0, 0, 0])));
        if !self.trusted(peer) {
            return Origin {
                client: self.key(peer),
                https: false,
            };
        }
        // Every X-Forwarded-For line, in order, then walked from the right.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            match parse_hop(hop) {
                Some(ip) if self.trusted(ip) => client = ip,
                Some(ip) => {
                    client = ip;
                    break;
                }
                // Garbage from beyond the last trusted hop: the client is that hop.
                None => break,
            }
        }
        let https = headers
            .get("x-forwarded-proto")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https"));
        Origin {
            client: self.key(client),
            https,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;
    use proptest::prelude::*;

    fn rules(proxies: &[&str]) -> OriginRules {
        OriginRules {
            trusted_proxies: proxies.iter().map(|p| p.parse().unwrap()).collect(),
            ipv6_prefix: 64,
        }
    }

    fn xff(values: &[&'static str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_static(v));
        }
        h
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn a_mapped_address_is_its_ipv4_address() {
        let r = rules(&[]);
        let o = r.origin(Some(ip("::ffff:198.51.100.7")), &HeaderMap::new());
        assert_eq!(o.client, ip("198.51.100.7"));
    }

    #[test]
    fn ipv6_clients_are_counted_by_their_64() {
        let r = rules(&[]);
        let a = r.origin(Some(ip("2001:db8:1:2:aaaa::1")), &HeaderMap::new());
        let b = r.origin(Some(ip("2001:db8:1:2:ffff:1:2:3")), &HeaderMap::new());
        let c = r.origin(Some(ip("2001:db8:1:3::1")), &HeaderMap::new());
        assert_eq!(a.client, ip("2001:db8:1:2::"));
        assert_eq!(a.client, b.client);
        assert_ne!(a.client, c.client);
        let every = OriginRules {
            ipv6_prefix: 128,
            ..rules(&[])
        };
        assert_eq!(
            every
                .origin(Some(ip("2001:db8::5")), &HeaderMap::new())
                .client,
            ip("2001:db8::5")
        );
    }

    #[test]
    fn forwarded_for_is_ignored_from_anyone_else() {
        let r = rules(&["10.0.0.0/8"]);
        let mut h = xff(&["203.0.113.9"]);
        h.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        let o = r.origin(Some(ip("198.51.100.1")), &h);
        assert_eq!(o.client, ip("198.51.100.1"));
        assert!(!o.https, "X-Forwarded-Proto believed from a client");
    }

    #[test]
    fn behind_proxies_the_client_is_the_rightmost_untrusted_hop() {
        let r = rules(&["10.0.0.0/8", "192.168.1.1/32"]);
        // The client wrote "1.1.1.1" itself; the first proxy appended what it saw.
        let h = xff(&["1.1.1.1, 203.0.113.9, 10.2.3.4"]);
        let o = r.origin(Some(ip("192.168.1.1")), &h);
        assert_eq!(o.client, ip("203.0.113.9"));
        // The same, split over two header lines.
        let h = xff(&["1.1.1.1", "203.0.113.9", "10.2.3.4"]);
        assert_eq!(r.origin(Some(ip("10.9.9.9")), &h).client, ip("203.0.113.9"));
        // Only trusted hops: the leftmost of them is as far as can be known.
        let h = xff(&["10.1.1.1, 10.2.2.2"]);
        assert_eq!(r.origin(Some(ip("10.9.9.9")), &h).client, ip("10.1.1.1"));
        // Garbage to the left of a trusted hop stops the walk there.
        let h = xff(&["not-an-ip, 10.2.2.2"]);
        assert_eq!(r.origin(Some(ip("10.9.9.9")), &h).client, ip("10.2.2.2"));
        // Ports and mapped forms are understood.
        let h = xff(&["[2001:db8::1]:443, [::ffff:203.0.113.5]:80"]);
        assert_eq!(r.origin(Some(ip("10.9.9.9")), &h).client, ip("203.0.113.5"));
    }

    #[test]
    fn the_proto_of_a_trusted_proxy_is_believed() {
        let r = rules(&["127.0.0.1/32"]);
        let mut h = xff(&["203.0.113.9"]);
        h.insert("x-forwarded-proto", HeaderValue::from_static("HTTPS"));
        assert!(r.origin(Some(ip("127.0.0.1")), &h).https);
    }

    proptest! {
        /// Whatever a client puts left of what the proxy appended, it is counted as the
        /// address the proxy saw.
        #[test]
        fn a_client_cannot_choose_its_key(forged in proptest::collection::vec(any::<u32>(), 0..5), real in any::<u32>()) {
            let r = rules(&["10.0.0.1/32"]);
            let real = IpAddr::from(std::net::Ipv4Addr::from(real));
            prop_assume!(!r.trusted(real));
            let mut line: Vec<String> = forged.iter().map(|n| std::net::Ipv4Addr::from(*n).to_string()).collect();
            line.push(real.to_string());
            let mut h = HeaderMap::new();
            h.insert("x-forwarded-for", HeaderValue::from_str(&line.join(", ")).unwrap());
            prop_assert_eq!(r.origin(Some(ip("10.0.0.1")), &h).client, real);
        }
    }
}
