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

/// An address or network (`10.0.0.0/8`, `::1`) whose `X-Forwarded-For` is believed
/// (`ipnet`'s, which does the masking).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Net(ipnet::IpNet);

impl Net {
    /// Parses `a.b.c.d`, `a.b.c.d/n`, `x::y` or `x::y/n` (a bare address is its own
    /// network).
    pub fn parse(s: &str) -> Option<Self> {
        let (a, p) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (s, None),
        };
        let addr: IpAddr = a.trim().parse().ok()?;
        let net = match p {
            Some(prefix) => ipnet::IpNet::new(addr, prefix).ok()?,
            None => addr.into(),
        };
        Some(Self(net))
    }

    /// Whether `ip` lies in this network; an IPv4 address written as IPv6
    /// (`::ffff:a.b.c.d`) counts as its IPv4 self.
    pub fn contains(&self, ip: IpAddr) -> bool {
        self.0.contains(&ip.to_canonical())
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

/// The bucket an address is counted in: an IPv4 address is itself, an IPv6 address its
/// /64. A home or mobile connection gets a whole /64 (RFC 6177), so counting single IPv6
/// addresses would give one client 2^64 fresh buckets for the asking.
pub fn bucket(ip: IpAddr) -> IpAddr {
    match ip.to_canonical() {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !(u128::from(u64::MAX));
            IpAddr::V6(std::net::Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// What a limit counts by: a client's bucket (see [`bucket`]), or any other key (an e-mail
/// address's blind index, an account name).
pub trait LimitKey: std::hash::Hash + Eq + Clone {
    /// The key its attempts are counted under.
    fn counted_as(&self) -> Self;
}

impl LimitKey for IpAddr {
    fn counted_as(&self) -> Self {
        bucket(*self)
    }
}

impl LimitKey for String {
    fn counted_as(&self) -> Self {
        self.clone()
    }
}

/// The attempts of a sliding window (an hour unless told), per key.
#[derive(Debug)]
pub struct HourlyLimit<K = IpAddr> {
    seen: Mutex<HashMap<K, VecDeque<DateTime<Utc>>>>,
}

impl<K> Default for HourlyLimit<K> {
    fn default() -> Self {
        Self {
            seen: Mutex::new(HashMap::new()),
        }
    }
}

impl<K: LimitKey> HourlyLimit<K> {
    /// Counts an attempt by `key` at `now` if fewer than `limit` were made in the hour
    /// before; returns whether it was allowed.
    pub fn allow(&self, key: K, now: DateTime<Utc>, limit: u32) -> bool {
        self.allow_within(key, now, limit, Duration::hours(1))
    }

    /// Counts an attempt by `key` at `now` if fewer than `limit` were made in the `window`
    /// before; returns whether it was allowed. One map keeps one window length.
    pub fn allow_within(&self, key: K, now: DateTime<Utc>, limit: u32, window: Duration) -> bool {
        let key = key.counted_as();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        let since = now - window;
        // Forget quiet keys now and then, so the map does not grow with every visitor.
        if seen.len() > 10_000 {
            seen.retain(|_, v| v.back().is_some_and(|t| *t > since));
        }
        let times = seen.entry(key).or_default();
        while times.front().is_some_and(|t| *t <= since) {
            times.pop_front();
        }
        if times.len() >= limit as usize {
            return false;
        }
        times.push_back(now);
        true
    }

    /// How many attempts `key` made in the `window` before `now`.
    pub fn count(&self, key: K, now: DateTime<Utc>, window: Duration) -> usize {
        let seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.get(&key.counted_as())
            .map_or(0, |t| t.iter().filter(|t| **t > now - window).count())
    }

    /// Forgets one attempt by `key` made at `at`.
    pub fn forget(&self, key: K, at: DateTime<Utc>) {
        let key = key.counted_as();
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(times) = seen.get_mut(&key) {
            if let Some(i) = times.iter().rposition(|t| *t == at) {
                times.remove(i);
            }
        }
    }

    /// Forgets every attempt by `key` (a sign-in that succeeded).
    pub fn clear(&self, key: K) {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.remove(&key.counted_as());
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

/// The two hourly limits of booking attempts, and the unconfirmed holds per client.
#[derive(Debug, Default)]
pub struct Door {
    all: HourlyLimit,
    unproven: HourlyLimit,
    holds: HourlyLimit,
    /// When the door last refused attempts (the last minute's), to tell when it is under
    /// pressure as a whole.
    refused: Mutex<VecDeque<DateTime<Utc>>>,
}

/// Refusals per minute from which the whole door counts as under pressure. A release storm
/// of honest citizens is refused little (each address books once or twice); a bot farm
/// rotating addresses is refused all the time.
pub const PRESSURE_REFUSALS_PER_MINUTE: usize = 30;

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
        let verdict = if !proven && !self.unproven.allow(ip, now, unproven_per_hour) {
            Verdict::ProofNeeded
        } else if !self.all.allow(ip, now, per_hour) {
            Verdict::TooMany
        } else {
            return Verdict::Pass;
        };
        let mut refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        while refused
            .front()
            .is_some_and(|t| *t <= now - Duration::minutes(1))
        {
            refused.pop_front();
        }
        if refused.len() < PRESSURE_REFUSALS_PER_MINUTE * 4 {
            refused.push_back(now);
        }
        verdict
    }

    /// How many times the usual work the proof of work asks of `ip` now: 1; 4 once it has
    /// used half its attempts of the hour; 4 more while the whole door is under pressure
    /// (at least [`PRESSURE_REFUSALS_PER_MINUTE`] refusals in the last minute). A phone
    /// needs about a second for the usual work, so an honest citizen waits a few seconds
    /// at worst, while a bot pays 16 times for every attempt.
    pub fn difficulty(&self, ip: Option<IpAddr>, now: DateTime<Utc>, per_hour: u32) -> u64 {
        let ip = ip.unwrap_or(IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED));
        let mut factor = 1;
        if self.all.count(ip, now, Duration::hours(1)) * 2 >= per_hour as usize {
            factor *= 4;
        }
        let refused = self.refused.lock().unwrap_or_else(|p| p.into_inner());
        let recent = refused
            .iter()
            .filter(|t| **t > now - Duration::minutes(1))
            .count();
        if recent >= PRESSURE_REFUSALS_PER_MINUTE {
            factor *= 4;
        }
        factor
    }

    /// Takes one of `ip`'s `limit` places for unconfirmed holds within `window` (the time a
    /// hold waits for its confirmation); `false` if all are taken.
    pub fn take_hold(&self, ip: IpAddr, now: DateTime<Utc>, limit: u32, window: Duration) -> bool {
        self.holds.allow_within(ip, now, limit, window)
    }

    /// Gives back the place taken at `at` by an attempt that held nothing.
    pub fn give_back_hold(&self, ip: IpAddr, at: DateTime<Utc>) {
        self.holds.forget(ip, at);
    }
}

/// Back-off after failed sign-ins, per key (an account name, a client's bucket). The
/// first `free` failures cost nothing; after them each attempt must wait twice as long as
/// the one before (1 s, 2 s, 4 s … up to [`BACKOFF_MAX`]) after the last failure, and is
/// refused unchecked until then, so a guesser gets a few dozen tries a day instead of
/// thousands an hour, and a refused attempt costs the server no password hash. A failure
/// an hour old is forgotten; a success forgets them all.
#[derive(Debug)]
pub struct Backoff<K> {
    failures: Mutex<HashMap<K, (u32, DateTime<Utc>)>>,
    free: u32,
}

/// The longest wait between two sign-in attempts of one account or client.
pub const BACKOFF_MAX: Duration = Duration::minutes(15);

impl<K: LimitKey> Backoff<K> {
    /// A back-off that lets `free` failures pass without waiting.
    pub fn new(free: u32) -> Self {
        Self {
            failures: Mutex::new(HashMap::new()),
            free,
        }
    }

    /// `Err(wait)` while `key` must still wait before its next attempt.
    pub fn check(&self, key: &K, now: DateTime<Utc>) -> Result<(), Duration> {
        let failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let Some((n, last)) = failures.get(&key.counted_as()) else {
            return Ok(());
        };
        if *last <= now - Duration::hours(1) || *n < self.free {
            return Ok(());
        }
        let exp = (*n - self.free).min(20);
        let wait = Duration::seconds(1i64 << exp).min(BACKOFF_MAX);
        let until = *last + wait;
        if now < until {
            Err(until - now)
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt of `key` at `now`.
    pub fn failed(&self, key: &K, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if failures.len() > 10_000 {
            failures.retain(|_, (_, last)| *last > now - Duration::hours(1));
        }
        let entry = failures.entry(key.counted_as()).or_insert((0, now));
        if entry.1 <= now - Duration::hours(1) {
            entry.0 = 0;
        }
        entry.0 = entry.0.saturating_add(1);
        entry.1 = now;
    }

    /// Forgets `key`'s failures (it signed in).
    pub fn succeeded(&self, key: &K) {
        let mut failures = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        failures.remove(&key.counted_as());
    }
}

/// The clerk sign-in's two back-offs: per account (a guesser spread over many addresses)
/// and per client (one source trying many accounts, or one shared NAT).
#[derive(Debug)]
pub struct SignIn {
    /// Per account name, as typed (lower case), known or not: an unknown name backs off
    /// like a known one, so the answer tells nobody which names exist.
    pub accounts: Backoff<String>,
    /// Per client bucket; more lenient, since an office shares one address.
    pub clients: Backoff<IpAddr>,
}

impl Default for SignIn {
    fn default() -> Self {
        Self {
            accounts: Backoff::new(5),
            clients: Backoff::new(20),
        }
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
    fn the_proof_gets_harder_for_a_busy_client_and_a_door_under_pressure() {
        let door = Door::default();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let a = Some(ip("198.51.100.1"));
        assert_eq!(door.difficulty(a, t0, 10), 1);
        for _ in 0..5 {
            assert_eq!(door.judge(a, true, t0, 10, 2), Verdict::Pass);
        }
        assert_eq!(
            door.difficulty(a, t0, 10),
            4,
            "half the hour's attempts used"
        );
        assert_eq!(door.difficulty(Some(ip("198.51.100.2")), t0, 10), 1);
        // A farm of addresses, each refused: the whole door is under pressure.
        for i in 0..PRESSURE_REFUSALS_PER_MINUTE as u32 {
            let bot = Some(IpAddr::V4(std::net::Ipv4Addr::from(0xC000_0200 + i)));
            door.judge(bot, false, t0, 10, 0);
        }
        assert_eq!(door.difficulty(Some(ip("198.51.100.2")), t0, 10), 4);
        assert_eq!(door.difficulty(a, t0, 10), 16);
        let later = t0 + Duration::minutes(2);
        assert_eq!(door.difficulty(Some(ip("198.51.100.2")), later, 10), 1);
    }

    #[test]
    fn sign_in_backs_off_after_a_few_failures_and_forgives_a_success() {
        let b: Backoff<String> = Backoff::new(3);
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let k = "clerk".to_owned();
        for _ in 0..3 {
            assert_eq!(b.check(&k, t0), Ok(()));
            b.failed(&k, t0);
        }
        assert_eq!(b.check(&k, t0), Err(Duration::seconds(1)));
        assert_eq!(b.check(&k, t0 + Duration::seconds(1)), Ok(()));
        let mut t = t0;
        for _ in 0..8 {
            t += Duration::seconds(1);
            b.failed(&k, t);
        }
        assert_eq!(b.check(&k, t), Err(Duration::seconds(1 << 8)));
        // The wait is capped, and an hour of quiet forgets it all.
        for _ in 0..20 {
            b.failed(&k, t);
        }
        assert_eq!(b.check(&k, t), Err(BACKOFF_MAX));
        assert_eq!(b.check(&k, t + Duration::minutes(61)), Ok(()));
        b.failed(&k, t + Duration::minutes(61));
        assert_eq!(
            b.check(&k, t + Duration::minutes(61)),
            Ok(()),
            "counting anew"
        );
        b.succeeded(&k);
        assert_eq!(b.check(&k, t), Ok(()));
        assert_eq!(b.check(&"other".to_owned(), t), Ok(()));
    }

    #[test]
    fn ipv6_clients_are_counted_per_64() {
        assert_eq!(
            bucket(ip("2001:db8:1:2:aaaa::1")),
            bucket(ip("2001:db8:1:2:ffff::9"))
        );
        assert_ne!(bucket(ip("2001:db8:1:2::1")), bucket(ip("2001:db8:1:3::1")));
        assert_eq!(bucket(ip("::ffff:198.51.100.1")), ip("198.51.100.1"));
        // The attack: a fresh address of one's own /64 for every attempt.
        let door = Door::default();
        let t0 = DateTime::from_timestamp(1_800_000_000, 0).expect("t");
        let mut verdicts = Vec::new();
        for i in 0..4u16 {
            let a = std::net::Ipv6Addr::new(0x2001, 0xdb8, 1, 2, i, i, i, i + 1);
            verdicts.push(door.judge(Some(IpAddr::V6(a)), false, t0, 5, 2));
        }
        assert_eq!(
            verdicts,
            [
                Verdict::Pass,
                Verdict::Pass,
                Verdict::ProofNeeded,
                Verdict::ProofNeeded
            ]
        );
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
