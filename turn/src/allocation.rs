//! One client's allocation (RFC 8656 §2.2): its relayed address, lifetime, permissions,
//! channel bindings, bandwidth budget and totals.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

/// How long a permission lives without refresh (RFC 8656 §9: 300 s, fixed).
pub const PERMISSION_LIFETIME: Duration = Duration::from_secs(300);
/// How long a channel binding lives without refresh (RFC 8656 §12: 600 s).
pub const CHANNEL_LIFETIME: Duration = Duration::from_secs(600);

/// The client side of an allocation: its address and the transport it talks to us over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Client {
    /// The client's address as we see it.
    pub addr: SocketAddr,
    /// The transport between client and server.
    pub transport: Transport,
}

/// Client-to-server transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Transport {
    /// UDP.
    Udp,
    /// TCP.
    Tcp,
    /// TLS over TCP.
    Tls,
}

impl Transport {
    /// Metric label.
    pub fn label(self) -> &'static str {
        match self {
            Transport::Udp => "udp",
            Transport::Tcp => "tcp",
            Transport::Tls => "tls",
        }
    }
}

/// A byte budget refilled continuously: the per-allocation bandwidth cap.
#[derive(Debug, Clone)]
struct Budget {
    per_second: f64,
    tokens: f64,
    last: Instant,
}

impl Budget {
    fn take(&mut self, bytes: usize, now: Instant) -> bool {
        if self.per_second <= 0.0 {
            return true;
        }
        let elapsed = now.saturating_duration_since(self.last).as_secs_f64();
        // Up to one second of burst.
        self.tokens = (self.tokens + elapsed * self.per_second).min(self.per_second);
        self.last = now;
        if self.tokens >= bytes as f64 {
            self.tokens -= bytes as f64;
            true
        } else {
            false
        }
    }
}

/// Totals of one allocation, logged when it closes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    /// Packets relayed client → peer.
    pub packets_to_peer: u64,
    /// Bytes relayed client → peer.
    pub bytes_to_peer: u64,
    /// Packets relayed peer → client.
    pub packets_to_client: u64,
    /// Bytes relayed peer → client.
    pub bytes_to_client: u64,
    /// Packets dropped: no permission, over the bandwidth cap.
    pub dropped: u64,
}

/// One allocation.
#[derive(Debug)]
pub struct Allocation {
    /// Who owns it.
    pub client: Client,
    /// The relayed transport address peers send to.
    pub relay: SocketAddr,
    /// The username that created it; later requests must use the same.
    pub username: String,
    /// The long-term key of that username, to sign responses and check requests.
    pub key: [u8; 16],
    /// When it expires unless refreshed.
    pub expires: Instant,
    /// Peer IP → permission expiry.
    permissions: HashMap<IpAddr, Instant>,
    /// Channel number → (peer, expiry).
    channels: HashMap<u16, (SocketAddr, Instant)>,
    /// Peer → channel number.
    channel_of: HashMap<SocketAddr, u16>,
    budget: Budget,
    /// The Allocate transaction and its success response, for retransmissions.
    pub allocate_txn: [u8; 12],
    /// The success response to resend for a retransmitted Allocate.
    pub allocate_response: Vec<u8>,
    /// Counters for the closing log line.
    pub totals: Totals,
    /// When it was created.
    pub created: Instant,
}

/// Why a channel could not be bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BindError {
    /// The number is bound to another peer, or the peer to another number.
    Conflict,
}

impl Allocation {
    /// A new allocation.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        client: Client,
        relay: SocketAddr,
        username: String,
        key: [u8; 16],
        lifetime: Duration,
        bytes_per_second: u64,
        txn: [u8; 12],
        now: Instant,
    ) -> Self {
        Self {
            client,
            relay,
            username,
            key,
            expires: now + lifetime,
            permissions: HashMap::new(),
            channels: HashMap::new(),
            channel_of: HashMap::new(),
            budget: Budget {
                per_second: bytes_per_second as f64,
                tokens: bytes_per_second as f64,
                last: now,
            },
            allocate_txn: txn,
            allocate_response: Vec::new(),
            totals: Totals::default(),
            created: now,
        }
    }

    /// Installs or refreshes a permission for `peer`'s IP.
    pub fn permit(&mut self, peer: IpAddr, now: Instant) {
        self.permissions.insert(peer, now + PERMISSION_LIFETIME);
    }

    /// Whether `peer`'s IP has a live permission.
    pub fn permitted(&self, peer: IpAddr, now: Instant) -> bool {
        self.permissions.get(&peer).is_some_and(|t| *t > now)
    }

    /// Binds (or refreshes) `number` to `peer`; installs the permission too.
    pub fn bind(&mut self, number: u16, peer: SocketAddr, now: Instant) -> Result<(), BindError> {
        if let Some((bound, _)) = self.channels.get(&number) {
            if *bound != peer {
                return Err(BindError::Conflict);
            }
        }
        if let Some(n) = self.channel_of.get(&peer) {
            if *n != number {
                return Err(BindError::Conflict);
            }
        }
        self.channels.insert(number, (peer, now + CHANNEL_LIFETIME));
        self.channel_of.insert(peer, number);
        self.permit(peer.ip(), now);
        Ok(())
    }

    /// The peer bound to channel `number`, if live.
    pub fn channel_peer(&self, number: u16, now: Instant) -> Option<SocketAddr> {
        self.channels
            .get(&number)
            .filter(|(_, t)| *t > now)
            .map(|(p, _)| *p)
    }

    /// The live channel bound to `peer`.
    pub fn channel_for(&self, peer: SocketAddr, now: Instant) -> Option<u16> {
        let n = *self.channel_of.get(&peer)?;
        self.channel_peer(n, now).map(|_| n)
    }

    /// Spends `bytes` of the bandwidth budget; false if over the cap (drop the packet).
    pub fn spend(&mut self, bytes: usize, now: Instant) -> bool {
        self.budget.take(bytes, now)
    }

    /// Drops expired permissions and channels (a channel's number stays reserved for its
    /// peer for 5 more minutes, RFC 8656 §12, by keeping the reverse entry).
    pub fn prune(&mut self, now: Instant) {
        self.permissions.retain(|_, t| *t > now);
        let quarantine = Duration::from_secs(300);
        self.channels.retain(|_, (_, t)| *t + quarantine > now);
        let channels = &self.channels;
        self.channel_of.retain(|_, n| channels.contains_key(n));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alloc(now: Instant, cap: u64) -> Allocation {
        Allocation::new(
            Client {
                addr: "192.0.2.1:5000".parse().expect("addr"),
                transport: Transport::Udp,
            },
            "198.51.100.1:40000".parse().expect("addr"),
            "alice".into(),
            [0; 16],
            Duration::from_secs(600),
            cap,
            [0; 12],
            now,
        )
    }

    #[test]
    fn permissions_and_channels_expire_and_conflicts_are_refused() {
        let t0 = Instant::now();
        let mut a = alloc(t0, 0);
        let peer: SocketAddr = "203.0.113.5:6000".parse().expect("peer");
        let other: SocketAddr = "203.0.113.6:6000".parse().expect("peer");
        assert!(!a.permitted(peer.ip(), t0));
        a.bind(0x4000, peer, t0).expect("bind");
        assert!(a.permitted(peer.ip(), t0), "binding installs a permission");
        assert_eq!(a.channel_peer(0x4000, t0), Some(peer));
        assert_eq!(a.channel_for(peer, t0), Some(0x4000));
        assert_eq!(a.bind(0x4000, other, t0), Err(BindError::Conflict));
        assert_eq!(a.bind(0x4001, peer, t0), Err(BindError::Conflict));
        a.bind(0x4000, peer, t0).expect("refresh");
        let later = t0 + PERMISSION_LIFETIME + Duration::from_secs(1);
        assert!(!a.permitted(peer.ip(), later), "permission ran out");
        assert_eq!(
            a.channel_peer(0x4000, later),
            Some(peer),
            "channel lives longer"
        );
        let gone = t0 + CHANNEL_LIFETIME + Duration::from_secs(1);
        assert_eq!(a.channel_peer(0x4000, gone), None);
        a.prune(gone);
        // Still reserved for the same peer during the quarantine.
        assert_eq!(a.bind(0x4000, other, gone), Err(BindError::Conflict));
        a.prune(gone + Duration::from_secs(301));
        a.bind(0x4000, other, gone + Duration::from_secs(301))
            .expect("free after the quarantine");
    }

    #[test]
    fn the_bandwidth_cap_allows_a_second_of_burst_then_the_rate() {
        let t0 = Instant::now();
        let mut a = alloc(t0, 10_000);
        let sent = (0..20).filter(|_| a.spend(1000, t0)).count();
        assert_eq!(sent, 10, "one second of budget");
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!((0..20).filter(|_| a.spend(1000, t1)).count(), 5);
        let mut free = alloc(t0, 0);
        assert!((0..1000).all(|_| free.spend(1500, t0)), "0 = no cap");
    }
}
