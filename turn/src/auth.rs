//! Long-term credentials (RFC 8489 §9.2) for the relay: who may allocate, and the stateless
//! nonces that make a captured request useless after a while.
//!
//! Two sources of passwords, as coturn has them: a static user list (tests, small installs)
//! and the TURN REST API scheme (draft-uberti-behave-turn-rest), where the portal mints a
//! username `expiry:identity` for each call and the password is
//! `base64(HMAC-SHA1(secret, username))`. The relay then needs no user database.
use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

use base64::Engine;
use hmac::{Hmac, Mac};

/// Where passwords come from.
#[derive(Clone)]
pub enum Credentials {
    /// Fixed users and passwords.
    Static(HashMap<String, String>),
    /// The TURN REST API shared secret.
    SharedSecret(String),
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print passwords or the secret.
        match self {
            Credentials::Static(users) => write!(f, "Static({} users)", users.len()),
            Credentials::SharedSecret(_) => f.write_str("SharedSecret(..)"),
        }
    }
}

/// Why a username is not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    /// No such user, or a REST username that is not `expiry:identity`.
    UnknownUser,
    /// A REST username whose expiry has passed.
    Expired,
}

impl Credentials {
    /// The password for `username` at `now` (seconds since the Unix epoch).
    pub fn password(&self, username: &str, now: u64) -> Result<String, Rejected> {
        match self {
            Credentials::Static(users) => users.get(username).cloned().ok_or(Rejected::UnknownUser),
            Credentials::SharedSecret(secret) => {
                let expiry = username
                    .split(':')
                    .next()
                    .and_then(|e| e.parse::<u64>().ok())
                    .ok_or(Rejected::UnknownUser)?;
                if expiry <= now {
                    return Err(Rejected::Expired);
                }
                Ok(rest_password(secret, username))
            }
        }
    }
}

/// The TURN REST API password of `username` under `secret`.
pub fn rest_password(secret: &str, username: &str) -> String {
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(username.as_bytes());
    base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes())
}

/// Mints REST API credentials valid for `ttl` from `now`: what the portal hands a browser.
pub fn rest_credentials(secret: &str, identity: &str, now: u64, ttl: Duration) -> (String, String) {
    let username = format!("{}:{identity}", now + ttl.as_secs());
    let password = rest_password(secret, &username);
    (username, password)
}

/// The long-term key: MD5(username ":" realm ":" SASLprep(password)) (RFC 5389 §15.4,
/// RFC 8489 §9.2.2). The password is prepared as RFC 5389, browsers and coturn do, so a
/// non-ASCII password keys the same on both ends; one SASLprep refuses (a control character)
/// is used as it is. SHA-256 keys (PASSWORD-ALGORITHM) are not offered: no browser or coturn
/// client asks for them.
pub fn long_term_key(username: &str, realm: &str, password: &str) -> [u8; 16] {
    use md5::Digest;
    let prepared = stringprep::saslprep(password).unwrap_or(std::borrow::Cow::Borrowed(password));
    let mut h = md5::Md5::new();
    h.update(username.as_bytes());
    h.update(b":");
    h.update(realm.as_bytes());
    h.update(b":");
    h.update(prepared.as_bytes());
    h.finalize().into()
}

/// Stateless nonces: the issue time and an HMAC of it under a per-process key, so the relay
/// keeps no nonce table and a nonce from elsewhere or from long ago is refused.
#[derive(Clone)]
pub struct Nonces {
    key: [u8; 32],
    lifetime: Duration,
}

/// What a presented nonce turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NonceCheck {
    /// Issued by us, still fresh.
    Fresh,
    /// Issued by us, too old: answer 438 Stale Nonce with a new one.
    Stale,
    /// Not one of ours: answer 401 with a new one.
    Invalid,
}

impl Nonces {
    /// Nonces valid for `lifetime` under a random key.
    pub fn new(lifetime: Duration) -> Self {
        Self {
            key: rand::random(),
            lifetime,
        }
    }

    /// A nonce issued at `now` (seconds since the Unix epoch): 16 hex digits of time and
    /// 16 of HMAC.
    pub fn issue(&self, now: u64) -> String {
        format!("{now:016x}{:016x}", self.tag(now))
    }

    /// Checks a nonce presented at `now`.
    pub fn check(&self, nonce: &[u8], now: u64) -> NonceCheck {
        let Some(text) = std::str::from_utf8(nonce).ok().filter(|t| t.len() == 32) else {
            return NonceCheck::Invalid;
        };
        let (Ok(issued), Ok(tag)) = (
            u64::from_str_radix(&text[..16], 16),
            u64::from_str_radix(&text[16..], 16),
        ) else {
            return NonceCheck::Invalid;
        };
        // Compared as whole integers: no early exit on a prefix.
        if tag != self.tag(issued) || issued > now + 5 {
            return NonceCheck::Invalid;
        }
        if now - issued.min(now) >= self.lifetime.as_secs() {
            NonceCheck::Stale
        } else {
            NonceCheck::Fresh
        }
    }

    fn tag(&self, issued: u64) -> u64 {
        let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(&self.key) else {
            return 0;
        };
        mac.update(&issued.to_be_bytes());
        let out = mac.finalize().into_bytes();
        let mut first = [0u8; 8];
        first.copy_from_slice(&out[..8]);
        u64::from_be_bytes(first)
    }
}

/// The limit on failed authentications, per source IP: `burst` failures at once, then
/// `per_minute` (a token bucket, kept as the time at which the source's failures will all
/// have been forgiven, so it is exact: no float drift at the boundary). While a source has
/// no attempt left the relay ignores its requests (no 401 to learn from, no password
/// derivation and HMAC spent on it), which slows password guessing to the refill rate.
/// Sans-IO: the caller passes the time.
///
/// The relay asks [`FailureLimit::exhausted`] first and lets through, even from an
/// exhausted source, a request signed with the key of the allocation its 5-tuple already
/// holds: one address is many users behind a NAT, and a source address can be spoofed, so
/// failures counted against an address must not cut someone else's live call off.
#[derive(Debug, Clone)]
pub struct FailureLimit {
    /// How long one failure takes to be forgiven: a minute / `per_minute`.
    interval: Duration,
    /// `burst` intervals: how far ahead a source's debt may run while it still has an attempt.
    allowance: Duration,
    /// Per source that failed: when all its failures will have been forgiven.
    forgiven_at: HashMap<IpAddr, Instant>,
}

impl FailureLimit {
    /// `burst` failures at once, then `per_minute` (at least one).
    pub fn new(burst: u32, per_minute: u32) -> Self {
        let interval = Duration::from_secs(60) / per_minute.max(1);
        Self {
            interval,
            allowance: interval * burst,
            forgiven_at: HashMap::new(),
        }
    }

    /// Whether `ip` has no failed attempt left at `now`: its requests are to be ignored
    /// (except those signed for an allocation it holds).
    pub fn exhausted(&self, ip: IpAddr, now: Instant) -> bool {
        self.forgiven_at
            .get(&ip)
            .is_some_and(|t| t.saturating_duration_since(now) + self.interval > self.allowance)
    }

    /// Counts one failed authentication from `ip` at `now`.
    pub fn failed(&mut self, ip: IpAddr, now: Instant) {
        let t = self.forgiven_at.entry(ip).or_insert(now);
        *t = (*t).max(now) + self.interval;
    }

    /// Forgets sources whose failures are all forgiven (they have their full burst again).
    pub fn forget_idle(&mut self, now: Instant) {
        self.forgiven_at.retain(|_, t| *t > now);
    }

    /// Sources remembered now.
    pub fn sources(&self) -> usize {
        self.forgiven_at.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rest_api_credentials_check_out_until_they_expire() {
        let creds = Credentials::SharedSecret("north".into());
        let (user, pass) = rest_credentials("north", "call:RM_x", 1000, Duration::from_secs(600));
        assert_eq!(user, "1600:call:RM_x");
        assert_eq!(creds.password(&user, 1599), Ok(pass.clone()));
        assert_eq!(creds.password(&user, 1600), Err(Rejected::Expired));
        assert_eq!(
            creds.password("call:RM_x", 1000),
            Err(Rejected::UnknownUser)
        );
        // The scheme coturn implements: base64(HMAC-SHA1(secret, username)).
        assert_eq!(rest_password("secret", "1600:alice").len(), 28);
        assert_ne!(
            rest_password("secret", "1600:alice"),
            rest_password("other", "1600:alice")
        );
    }

    #[test]
    fn static_users_and_the_long_term_key() {
        let creds = Credentials::Static(HashMap::from([("alice".into(), "wonder".into())]));
        assert_eq!(creds.password("alice", 0), Ok("wonder".into()));
        assert_eq!(creds.password("bob", 0), Err(Rejected::UnknownUser));
        assert!(
            !format!("{creds:?}").contains("wonder"),
            "passwords never printed"
        );
        // RFC 8489 §9.2.2: MD5 of "user:realm:pass".
        let key = long_term_key("user", "realm", "pass");
        use md5::Digest;
        let expected: [u8; 16] = md5::Md5::digest(b"user:realm:pass").into();
        assert_eq!(key, expected);
    }

    #[test]
    fn nonces_are_fresh_then_stale_and_foreign_ones_invalid() {
        let nonces = Nonces::new(Duration::from_secs(600));
        let n = nonces.issue(10_000);
        assert_eq!(nonces.check(n.as_bytes(), 10_000), NonceCheck::Fresh);
        assert_eq!(nonces.check(n.as_bytes(), 10_599), NonceCheck::Fresh);
        assert_eq!(nonces.check(n.as_bytes(), 10_600), NonceCheck::Stale);
        let other = Nonces::new(Duration::from_secs(600));
        assert_eq!(other.check(n.as_bytes(), 10_000), NonceCheck::Invalid);
        let mut forged = n.clone().into_bytes();
        forged[3] = if forged[3] == b'0' { b'1' } else { b'0' };
        assert_eq!(nonces.check(&forged, 10_000), NonceCheck::Invalid);
        for junk in [&b""[..], b"short", &[0xff; 32]] {
            assert_eq!(nonces.check(junk, 10_000), NonceCheck::Invalid);
        }
    }

    #[test]
    fn the_failure_limit_empties_after_the_burst_and_refills_at_the_rate() {
        let t0 = Instant::now();
        let (a, b): (IpAddr, IpAddr) = (
            "192.0.2.1".parse().expect("ip"),
            "192.0.2.2".parse().expect("ip"),
        );
        let mut limit = FailureLimit::new(3, 20);
        assert!(!limit.exhausted(a, t0), "a source that never failed");
        for _ in 0..3 {
            assert!(!limit.exhausted(a, t0));
            limit.failed(a, t0);
        }
        assert!(limit.exhausted(a, t0), "the burst is spent");
        assert!(!limit.exhausted(b, t0), "per source");
        // 20 a minute: one attempt back after 3 s, not before.
        assert!(limit.exhausted(a, t0 + Duration::from_millis(2900)));
        assert!(!limit.exhausted(a, t0 + Duration::from_secs(3)));
        limit.failed(a, t0 + Duration::from_secs(3));
        assert!(limit.exhausted(a, t0 + Duration::from_secs(3)));
        // Never more than the burst, however long it waited.
        let later = t0 + Duration::from_secs(3600);
        for _ in 0..3 {
            limit.failed(a, later);
        }
        assert!(limit.exhausted(a, later));
        // Forgiven 9 s later (3 × 3 s), and then forgotten.
        assert!(!limit.exhausted(a, later + Duration::from_secs(3)));
        limit.forget_idle(later + Duration::from_millis(8999));
        assert_eq!(limit.sources(), 1);
        limit.forget_idle(later + Duration::from_secs(9));
        assert_eq!(limit.sources(), 0);
    }
}
