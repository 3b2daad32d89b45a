//! Anti-hoarding at the door: who a request comes from (behind trusted reverse proxies),
//! and how many bookings each address may attempt per hour, with and without a
//! proof of work. Sans-IO: the caller passes the time.
//!
//! The limits live in this node's memory (a sliding hour per address). With several portal
//! nodes each counts its own share; the per-e-mail limit and the claims are in the database.
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};

/// An address or network (`10.0.0.0/8`, `::1`) whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net {
    addr: IpAddr,
    prefix: u8,
}

impl Net {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, `x::y` or `x::y/n`.
    pub fn parse(s: &str) -> Option<Self> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr: IpAddr = a.trim().parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = p.unwrap_or(max);
        (prefix <= max).then_some(Self { addr, prefix })
    }

    /// Whether `ip` lies in this network.
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        match (self.addr, ip) {
            (IpAddr::V4(n), IpAddr::V4(i)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(n) & mask == u32::from(i) & mask
            }
            (IpAddr::V6(n), IpAddr::V6(i)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(n) & mask == u128::from(i) & mask
            }
            _ => false,
        }
    }
}

/// The client's address: the peer, or — when the peer is a trusted proxy — the last
/// address in `X-Forwarded-For` that is not a trusted proxy itself (the left part of the
/// header is whatever the client wrote, so it is never believed).
pub fn client_ip(
    peer: Option<IpAddr>,
    forwarded_for: Option<&str>,
    trusted: &[Net],
) -> Option<IpAddr> {
    let peer = peer?.to_canonical();
    let is_trusted = |ip: IpAddr| trusted.iter().any(|n| n.contains(ip));
    if !is_trusted(peer) {
        return Some(peer);
    }
    let mut client = peer;
    if let Some(header) = forwarded_for {
        for hop in header.rsplit(',') {
            let Ok(ip) = hop.trim().parse::<IpAddr>() else {
                break; // garbage: stop believing the chain here
            };
            client = ip.to_canonical();
            if !is_trusted(client) {
                break;
            }
        }
    }
    Some(client)
}

/// The attempts of the last hour, per address.
#[derive(Debug, Default)]
pub struct HourlyLimit {
    seen: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
}

impl HourlyLimit {
    /// Counts an attempt from `ip` at `now` if fewer than `limit` were made in the hour
    /// before; returns whether it was allowed.
    pub fn allow(&self, ip: IpAddr, now: DateTime<Utc>, limit: u32) -> bool {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let since = now - Duration::hours(1);
        // Forget quiet addresses now and then, so the map does not grow with every visitor.
        if seen.len() > 10_000 {
            seen.retain(|_, v| v.back().is_some_and(|t| *t > since));
        }
        let times = seen.entry(ip).or_default();
        while times.front().is_some_and(|t| *t <= since) {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            return false;
        }
        times.push_back(now);
        true
    }
}

/// What the door says to a booking attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Go on.
    Pass,
    /// This address made too many attempts this hour.
    TooMany,
    /// Without a proof of work this address has had its share; with one it may go on.
    ProofNeeded,
}

/// The two hourly limits of booking attempts.
#[derive(Debug, Default)]
pub struct Door {
    all: HourlyLimit,
    unproven: HourlyLimit,
}

impl Door {
    /// Judges an attempt from `ip` (`None`: unknown, judged as one address) that carries a
    /// valid proof of work or not.
    pub fn judge(
        &self,
        ip: Option<IpAddr>,
        proven: bool,
        now: DateTime<Utc>,
        per_hour: u32,
        unproven_per_hour: u32,
    ) -> Verdict {
        let ip = ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        if !proven && !self.unproven.allow(ip, now, unproven_per_hour) {
            return Verdict::ProofNeeded;
        }
        if !self.all.allow(ip, now, per_hour) {
            return Verdict::TooMany;
        }
        Verdict::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    #[test]
    fn only_trusted_proxies_may_name_the_client() {
        let trusted: Vec<Net> = ["127.0.0.1", "10.0.0.0/8", "::1"]
            .iter()
            .filter_map(|s| Net::parse(s))
            .collect();
        // Direct: the peer, whatever the header claims.
        assert_eq!(
            client_ip(Some(ip("203.0.113.7")), Some("1.2.3.4"), &trusted),
            Some(ip("203.0.113.7"))
        );
        // Through the proxy: the hop the proxy saw, not what the client prepended.
        assert_eq!(
            client_ip(
                Some(ip("127.0.0.1")),
                Some("6.6.6.6, 198.51.100.9"),
                &trusted
            ),
            Some(ip("198.51.100.9"))
        );
        // Through two trusted proxies.
        assert_eq!(
            client_ip(Some(ip("::1")), Some("198.51.100.9, 10.1.2.3"), &trusted),
            Some(ip("198.51.100.9"))
        );
        // An IPv4-mapped peer is the IPv4 address.
        assert_eq!(
            client_ip(Some(ip("::ffff:127.0.0.1")), Some("198.51.100.9"), &trusted),
            Some(ip("198.51.100.9"))
        );
        // Garbage in the header: the last believable hop.
        assert_eq!(
            client_ip(Some(ip("127.0.0.1")), Some("x, y"), &trusted),
            Some(ip("127.0.0.1"))
        );
        assert!(Net::parse("10.0.0.0/33").is_none());
        assert!(Net::parse("nonsense").is_none());
    }

    #[test]
    fn the_door_counts_an_hour_per_address() {
        let door = Door::default();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let a = Some(ip("198.51.100.1"));
        let b = Some(ip("198.51.100.2"));
        for _ in 0..2 {
            assert_eq!(door.judge(a, false, t0, 5, 2), Verdict::Pass);
        }
        assert_eq!(door.judge(a, false, t0, 5, 2), Verdict::ProofNeeded);
        assert_eq!(
            door.judge(b, false, t0, 5, 2),
            Verdict::Pass,
            "another address"
        );
        for _ in 0..3 {
            assert_eq!(door.judge(a, true, t0, 5, 2), Verdict::Pass);
        }
        assert_eq!(door.judge(a, true, t0, 5, 2), Verdict::TooMany);
        let later = t0 + Duration::minutes(61);
        assert_eq!(
            door.judge(a, false, later, 5, 2),
            Verdict::Pass,
            "an hour on"
        );
    }
}
