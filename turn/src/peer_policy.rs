//! Which peer addresses the relay may reach (RFC 8656 §21: a TURN server must not become a
//! way into the operator's own network).
//!
//! A client names the peer in CreatePermission, ChannelBind and Send; every one of those
//! addresses passes [`PeerPolicy::allows`]. The default refuses everything that is not a
//! public unicast address, in every spelling: coturn's history shows the bypasses come from
//! IPv6 forms that embed an IPv4 address (CVE-2020-26262: `0.0.0.0` and `[::]` reaching
//! loopback; later `::ffff:127.0.0.1` and NAT64 forms), so embedded addresses are unpacked
//! and judged as IPv4.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// An IP network: an address and a prefix length (`ipnet`'s, which does the masking; this
/// adds the spellings an operator writes in `[turn]`: a bare address, an IPv6 address in
/// brackets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpNet(ipnet::IpNet);

/// Why a network could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("not an IP network (ADDRESS or ADDRESS/PREFIX): {0}")]
pub struct BadNet(pub String);

impl IpNet {
    /// `addr/prefix`; the prefix is clamped to the family's width.
    pub fn new(addr: IpAddr, prefix: u8) -> Self {
        let max = if addr.is_ipv4() { 32 } else { 128 };
        // Cannot fail: the prefix is within the family's width.
        Self(ipnet::IpNet::new(addr, prefix.min(max)).unwrap_or_else(|_| addr.into()))
    }

    /// Whether `ip` (of the same family) lies in this network. An address is judged in the
    /// spelling it is given; [`PeerPolicy::allows`] unpacks embedded IPv4 first.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip)
    }
}

impl std::str::FromStr for IpNet {
    type Err = BadNet;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || BadNet(s.to_owned());
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().map_err(|_| bad())?)),
            None => (s, None),
        };
        let addr: IpAddr = addr.trim_matches(['[', ']']).parse().map_err(|_| bad())?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        if prefix > max {
            return Err(bad());
        }
        Ok(Self::new(addr, prefix))
    }
}

impl std::fmt::Display for IpNet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.0.addr(), self.0.prefix_len())
    }
}

/// IPv4 networks no relay may reach by default, with why.
const DENIED_V4: &[(Ipv4Addr, u8, &str)] = &[
    (
        Ipv4Addr::new(0, 0, 0, 0),
        8,
        "this network (0.0.0.0 reaches the host)",
    ),
    (Ipv4Addr::new(10, 0, 0, 0), 8, "private (RFC 1918)"),
    (
        Ipv4Addr::new(100, 64, 0, 0),
        10,
        "shared address space (carrier NAT; cloud metadata)",
    ),
    (Ipv4Addr::new(127, 0, 0, 0), 8, "loopback"),
    (
        Ipv4Addr::new(169, 254, 0, 0),
        16,
        "link-local (cloud metadata 169.254.169.254)",
    ),
    (Ipv4Addr::new(172, 16, 0, 0), 12, "private (RFC 1918)"),
    (Ipv4Addr::new(192, 0, 0, 0), 24, "IETF protocol assignments"),
    (Ipv4Addr::new(192, 0, 2, 0), 24, "documentation"),
    (Ipv4Addr::new(192, 88, 99, 0), 24, "6to4 relay anycast"),
    (Ipv4Addr::new(192, 168, 0, 0), 16, "private (RFC 1918)"),
    (Ipv4Addr::new(198, 18, 0, 0), 15, "benchmarking"),
    (Ipv4Addr::new(198, 51, 100, 0), 24, "documentation"),
    (Ipv4Addr::new(203, 0, 113, 0), 24, "documentation"),
    (Ipv4Addr::new(224, 0, 0, 0), 4, "multicast"),
    (Ipv4Addr::new(240, 0, 0, 0), 4, "reserved and broadcast"),
];

/// IPv6 networks no relay may reach by default (the ones embedding IPv4 are judged by the
/// embedded address instead, see [`embedded_v4`]).
const DENIED_V6: &[(Ipv6Addr, u8, &str)] = &[
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 0), 128, "unspecified"),
    (Ipv6Addr::new(0, 0, 0, 0, 0, 0, 0, 1), 128, "loopback"),
    (
        Ipv6Addr::new(0x64, 0xff9b, 1, 0, 0, 0, 0, 0),
        48,
        "local-use NAT64",
    ),
    (
        Ipv6Addr::new(0x100, 0, 0, 0, 0, 0, 0, 0),
        64,
        "discard-only",
    ),
    (
        Ipv6Addr::new(0x2001, 0x2, 0, 0, 0, 0, 0, 0),
        48,
        "benchmarking",
    ),
    (
        Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0),
        32,
        "documentation",
    ),
    (
        Ipv6Addr::new(0xfc00, 0, 0, 0, 0, 0, 0, 0),
        7,
        "unique local (AWS metadata fd00:ec2::254)",
    ),
    (Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), 10, "link-local"),
    (
        Ipv6Addr::new(0xfec0, 0, 0, 0, 0, 0, 0, 0),
        10,
        "site-local (deprecated)",
    ),
    (Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0), 8, "multicast"),
];

/// The IPv4 address an IPv6 address stands for, where it embeds one: IPv4-mapped
/// (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated), IPv4-translated
/// (`::ffff:0:a.b.c.d`), NAT64 well-known prefix (`64:ff9b::a.b.c.d`), 6to4
/// (`2002:AABB:CCDD::/48`) and Teredo (`2001:0::/32`, client address inverted in the last
/// 32 bits).
pub fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    let s = ip.segments();
    let last32 = Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8);
    match s {
        // ::ffff:a.b.c.d (mapped)
        [0, 0, 0, 0, 0, 0xffff, _, _] => Some(last32),
        // ::ffff:0:a.b.c.d (translated, RFC 2765)
        [0, 0, 0, 0, 0xffff, 0, _, _] => Some(last32),
        // ::a.b.c.d (compatible) except :: and ::1, which are judged as IPv6
        [0, 0, 0, 0, 0, 0, hi, lo] if hi != 0 || lo > 1 => Some(last32),
        // 64:ff9b::a.b.c.d (NAT64 well-known prefix, RFC 6052)
        [0x64, 0xff9b, 0, 0, 0, 0, _, _] => Some(last32),
        // 2002:AABB:CCDD::/48 (6to4, RFC 3056)
        [0x2002, hi, lo, ..] => Some(Ipv4Addr::new(
            (hi >> 8) as u8,
            hi as u8,
            (lo >> 8) as u8,
            lo as u8,
        )),
        // 2001:0:SERVER:…:~CLIENT (Teredo, RFC 4380): the client's address, inverted
        [0x2001, 0, ..] => Some(Ipv4Addr::from(!u32::from(last32))),
        _ => None,
    }
}

/// The relay's rule for peer addresses: a default deny list of non-public ranges, minus
/// what the operator allows, plus what it denies in addition.
#[derive(Debug, Clone, Default)]
pub struct PeerPolicy {
    allow_loopback: bool,
    allowed: Vec<IpNet>,
    denied: Vec<IpNet>,
}

/// Why a peer address was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused {
    /// The address as judged (an IPv6 form that embeds IPv4 is judged as the IPv4 one).
    pub judged: IpAddr,
    /// What the range is.
    pub why: &'static str,
}

impl PeerPolicy {
    /// Secure defaults: only public unicast peers.
    pub fn new() -> Self {
        Self::default()
    }

    /// Allows loopback peers (tests and benchmarks on one machine; never in production).
    pub fn allow_loopback(mut self, yes: bool) -> Self {
        self.allow_loopback = yes;
        self
    }

    /// Allows a network the defaults deny (an office LAN the relay must reach, say).
    pub fn allow(mut self, net: IpNet) -> Self {
        self.allowed.push(net);
        self
    }

    /// Denies a network the defaults allow.
    pub fn deny(mut self, net: IpNet) -> Self {
        self.denied.push(net);
        self
    }

    /// Whether the relay may send to `ip`; `Err` says why not.
    pub fn allows(&self, ip: IpAddr) -> Result<(), Refused> {
        // Judge what the packet would really reach.
        let judged = match ip {
            IpAddr::V6(v6) => embedded_v4(v6).map_or(ip, IpAddr::V4),
            v4 => v4,
        };
        // Operator's explicit choices first, in both spellings.
        let listed = |nets: &[IpNet]| nets.iter().any(|n| n.contains(ip) || n.contains(judged));
        if listed(&self.denied) {
            return Err(Refused {
                judged,
                why: "denied by configuration",
            });
        }
        if listed(&self.allowed) {
            return Ok(());
        }
        if self.allow_loopback && judged.is_loopback() {
            return Ok(());
        }
        let why = match judged {
            IpAddr::V4(v4) => DENIED_V4
                .iter()
                .find(|(net, prefix, _)| IpNet::new(IpAddr::V4(*net), *prefix).contains(v4.into()))
                .map(|(_, _, why)| *why),
            IpAddr::V6(v6) => DENIED_V6
                .iter()
                .find(|(net, prefix, _)| IpNet::new(IpAddr::V6(*net), *prefix).contains(v6.into()))
                .map(|(_, _, why)| *why),
        };
        match why {
            Some(why) => Err(Refused { judged, why }),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("address")
    }

    #[test]
    fn every_spelling_of_a_private_or_local_address_is_refused() {
        let policy = PeerPolicy::new();
        for bad in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.5.4",
            "172.31.255.255",
            "192.168.1.1",
            "100.64.0.1",
            "100.100.100.200",
            "169.254.169.254",
            "169.254.0.1",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
            "192.0.0.170",
            "198.18.0.1",
            "::",
            "::1",
            "::ffff:127.0.0.1",
            "::ffff:7f00:1",
            "::ffff:10.1.2.3",
            "::ffff:169.254.169.254",
            "::ffff:0.0.0.0",
            "::ffff:0:127.0.0.1",
            "::127.0.0.1",
            "::10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "64:ff9b:1::1",
            "2002:7f00:1::1",
            "2002:a00:1::",
            "2002:a9fe:a9fe::1",
            "2001:0:4136:e378:8000:63bf:80ff:fffe", // Teredo, client 127.0.0.1
            "fc00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "100::1",
        ] {
            assert!(policy.allows(ip(bad)).is_err(), "{bad} must be refused");
        }
    }

    #[test]
    fn public_unicast_addresses_pass() {
        let policy = PeerPolicy::new();
        for good in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "172.32.0.1",
            "100.128.0.1",
            "192.169.0.1",
            "2a00:1450:4001:80b::200e",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
            "64:ff9b::8.8.8.8",
            "2002:808:808::1",
        ] {
            assert_eq!(policy.allows(ip(good)), Ok(()), "{good} must pass");
        }
    }

    #[test]
    fn the_judged_address_is_the_embedded_one() {
        let refused = PeerPolicy::new()
            .allows(ip("::ffff:127.0.0.1"))
            .expect_err("refused");
        assert_eq!(refused.judged, ip("127.0.0.1"));
        assert_eq!(refused.why, "loopback");
        assert_eq!(
            embedded_v4("2001:0:4136:e378:8000:63bf:3fff:fdd2".parse().expect("v6")),
            Some(Ipv4Addr::new(192, 0, 2, 45)),
            "RFC 4380's example Teredo client"
        );
    }

    #[test]
    fn loopback_only_when_asked_and_operator_lists_win() {
        let test = PeerPolicy::new().allow_loopback(true);
        for lo in ["127.0.0.1", "::1", "::ffff:127.0.0.1"] {
            assert_eq!(test.allows(ip(lo)), Ok(()), "{lo}");
        }
        assert!(test.allows(ip("10.0.0.1")).is_err(), "only loopback");

        let office = PeerPolicy::new()
            .allow("10.20.0.0/16".parse().expect("net"))
            .deny("8.8.8.0/24".parse().expect("net"));
        assert_eq!(office.allows(ip("10.20.3.4")), Ok(()));
        assert_eq!(office.allows(ip("::ffff:10.20.3.4")), Ok(()));
        assert!(office.allows(ip("10.21.0.1")).is_err());
        assert!(office.allows(ip("8.8.8.8")).is_err());
        assert!(office.allows(ip("::ffff:8.8.8.8")).is_err());
    }

    #[test]
    fn networks_parse_and_refuse_nonsense() {
        let net: IpNet = "192.168.0.0/16".parse().expect("net");
        assert!(net.contains(ip("192.168.200.1")));
        assert!(!net.contains(ip("192.169.0.1")));
        assert!(!net.contains(ip("::1")), "other family");
        let host: IpNet = "[2001:db8::1]".parse().expect("host");
        assert_eq!(host.to_string(), "2001:db8::1/128");
        let all: IpNet = "0.0.0.0/0".parse().expect("all");
        assert!(all.contains(ip("203.0.113.9")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "x/8",
            "10.0.0.0/-1",
        ] {
            assert!(bad.parse::<IpNet>().is_err(), "{bad:?}");
        }
    }
}
