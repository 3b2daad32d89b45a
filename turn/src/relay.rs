//! The TURN relay's logic (RFC 8656), sans-IO: requests and data from clients in, replies
//! and relayed payloads out. The I/O layer (`server.rs`) owns the sockets; it binds a relay
//! socket when [`Relay::client_message`] asks through its `bind` callback.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use crate::allocation::{Allocation, Client, Totals};
use crate::auth::{long_term_key, Credentials, FailureLimit, NonceCheck, Nonces, Rejected};
use crate::peer_policy::PeerPolicy;
use crate::stun::{
    decode_xor_address, StunMessage, StunWriter, ATTR_CHANNEL_NUMBER, ATTR_DATA,
    ATTR_DONT_FRAGMENT, ATTR_EVEN_PORT, ATTR_LIFETIME, ATTR_MESSAGE_INTEGRITY,
    ATTR_MESSAGE_INTEGRITY_SHA256, ATTR_NONCE, ATTR_REALM, ATTR_REQUESTED_ADDRESS_FAMILY,
    ATTR_REQUESTED_TRANSPORT, ATTR_SOFTWARE, ATTR_UNKNOWN_ATTRIBUTES, ATTR_USERNAME,
    ATTR_XOR_PEER_ADDRESS, ATTR_XOR_RELAYED_ADDRESS, CLASS_ERROR, CLASS_INDICATION, CLASS_REQUEST,
    CLASS_SUCCESS, METHOD_ALLOCATE, METHOD_BINDING, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION,
    METHOD_DATA, METHOD_REFRESH, METHOD_SEND,
};

/// The relay's knobs; every one documented in `docs/turn.md`.
#[derive(Debug, Clone)]
pub struct RelayConfig {
    /// The REALM clients authenticate in.
    pub realm: String,
    /// Where passwords come from.
    pub credentials: Credentials,
    /// Which peers may be reached.
    pub policy: PeerPolicy,
    /// Lifetime granted when the client asks for none or less (RFC 8656: 600 s).
    pub default_lifetime: Duration,
    /// The longest lifetime granted.
    pub max_lifetime: Duration,
    /// Most allocations one username may hold at once.
    pub user_quota: usize,
    /// Bandwidth cap per allocation, bytes per second both ways together (0: none).
    pub bytes_per_second: u64,
    /// How long a nonce stays fresh.
    pub nonce_lifetime: Duration,
    /// Failed authentications one source IP may make in a burst before it is ignored…
    pub auth_failure_burst: u32,
    /// …refilled at this many per minute.
    pub auth_failures_per_minute: u32,
}

impl RelayConfig {
    /// Secure defaults for `realm` with `credentials`.
    pub fn new(realm: impl Into<String>, credentials: Credentials) -> Self {
        Self {
            realm: realm.into(),
            credentials,
            policy: PeerPolicy::new(),
            default_lifetime: Duration::from_secs(600),
            max_lifetime: Duration::from_secs(3600),
            user_quota: 10,
            bytes_per_second: 1_250_000,
            nonce_lifetime: Duration::from_secs(600),
            auth_failure_burst: 20,
            auth_failures_per_minute: 20,
        }
    }
}

/// What to do after a client's datagram or message.
#[derive(Debug, PartialEq, Eq)]
pub enum ClientAction<'a> {
    /// Nothing (dropped: malformed, unauthorised data, rate-limited).
    None,
    /// Send `out` back to the client.
    Reply,
    /// Send `out` back, then close this relay address: the allocation is gone.
    ReplyAndRelease(SocketAddr),
    /// Send `payload` from relay address `from` to `to`.
    Relay {
        /// The allocation's relayed address.
        from: SocketAddr,
        /// The peer.
        to: SocketAddr,
        /// The bytes, borrowed from the input.
        payload: &'a [u8],
    },
}

/// Why an allocation attempt failed (metric label).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Bad or missing credentials.
    Auth,
    /// The username holds its quota already.
    Quota,
    /// A malformed or unsupported request.
    BadRequest,
    /// The relay socket could not be bound.
    Bind,
    /// The 5-tuple holds an allocation already.
    Mismatch,
}

impl Refusal {
    /// Metric label.
    pub fn label(self) -> &'static str {
        match self {
            Refusal::Auth => "auth",
            Refusal::Quota => "quota",
            Refusal::BadRequest => "bad_request",
            Refusal::Bind => "bind",
            Refusal::Mismatch => "mismatch",
        }
    }
}

/// Something the I/O layer counts or logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Note {
    /// An allocation was made.
    Allocated,
    /// An Allocate failed.
    AllocateFailed(Refusal),
    /// A request failed authentication.
    AuthFailed,
    /// A source was ignored for too many failed authentications.
    AuthRateLimited,
    /// A peer address was refused by policy.
    PeerDenied(IpAddr, &'static str),
    /// A relayed packet was dropped (no permission, over the cap).
    Dropped,
    /// An allocation closed (deleted or expired), with its totals.
    Closed {
        /// The relay address.
        relay: SocketAddr,
        /// Its username (not a credential: the REST username is `expiry:identity`).
        username: String,
        /// How long it lived.
        lived: Duration,
        /// Its totals.
        totals: Totals,
    },
}

/// The relay state: every allocation, by client and by relayed address.
pub struct Relay {
    cfg: RelayConfig,
    nonces: Nonces,
    allocations: HashMap<Client, Allocation>,
    by_relay: HashMap<SocketAddr, Client>,
    per_user: HashMap<String, usize>,
    failures: FailureLimit,
    notes: Vec<Note>,
}

/// The attributes this relay understands in requests; others below 0x8000 get 420.
const KNOWN: &[u16] = &[
    ATTR_USERNAME,
    ATTR_MESSAGE_INTEGRITY,
    ATTR_MESSAGE_INTEGRITY_SHA256,
    ATTR_REALM,
    ATTR_NONCE,
    ATTR_LIFETIME,
    ATTR_REQUESTED_TRANSPORT,
    ATTR_REQUESTED_ADDRESS_FAMILY,
    ATTR_DONT_FRAGMENT,
    ATTR_EVEN_PORT,
    ATTR_XOR_PEER_ADDRESS,
    ATTR_CHANNEL_NUMBER,
    ATTR_DATA,
];

/// UDP's protocol number in REQUESTED-TRANSPORT.
const UDP: u8 = 17;

impl Relay {
    /// A relay with `cfg`.
    pub fn new(cfg: RelayConfig) -> Self {
        let nonces = Nonces::new(cfg.nonce_lifetime);
        let failures = FailureLimit::new(cfg.auth_failure_burst, cfg.auth_failures_per_minute);
        Self {
            cfg,
            nonces,
            allocations: HashMap::new(),
            by_relay: HashMap::new(),
            per_user: HashMap::new(),
            failures,
            notes: Vec::new(),
        }
    }

    /// Current allocations.
    pub fn allocation_count(&self) -> usize {
        self.allocations.len()
    }

    /// What happened since the last call: for metrics and logs.
    pub fn drain_notes(&mut self) -> std::vec::Drain<'_, Note> {
        self.notes.drain(..)
    }

    /// Handles one datagram (UDP) or framed message (TCP/TLS) from `client`. `wall` is the
    /// time in seconds since the Unix epoch (credentials, nonces); `bind(ipv6, even)` binds a
    /// relay socket of the family asked for (on an even port if `even`) and returns its
    /// address.
    pub fn client_message<'a>(
        &mut self,
        now: Instant,
        wall: u64,
        client: Client,
        data: &'a [u8],
        out: &mut Vec<u8>,
        bind: &mut dyn FnMut(bool, bool) -> Option<SocketAddr>,
    ) -> ClientAction<'a> {
        // ChannelData: 0b01 in the first two bits (RFC 8656 §12.4).
        if data.first().is_some_and(|b| b & 0xC0 == 0x40) {
            return self.channel_data(now, client, data);
        }
        let Ok(msg) = StunMessage::parse(data) else {
            return ClientAction::None;
        };
        match (msg.class(), msg.method()) {
            (CLASS_REQUEST, METHOD_BINDING) => {
                match crate::binding::handle(data, client.addr, out) {
                    crate::binding::Reply::Send => ClientAction::Reply,
                    crate::binding::Reply::Drop => ClientAction::None,
                }
            }
            (CLASS_INDICATION, METHOD_SEND) => self.send_indication(now, client, &msg),
            (
                CLASS_REQUEST,
                method @ (METHOD_ALLOCATE
                | METHOD_REFRESH
                | METHOD_CREATE_PERMISSION
                | METHOD_CHANNEL_BIND),
            ) => self.request(now, wall, client, &msg, method, out, bind),
            // Responses and other indications from a client mean nothing here.
            _ => ClientAction::None,
        }
    }

    /// A datagram from `peer` arrived at relay address `relay`: what to send to which
    /// client (written into `out`), if the peer is permitted.
    pub fn peer_datagram(
        &mut self,
        now: Instant,
        relay: SocketAddr,
        peer: SocketAddr,
        data: &[u8],
        out: &mut Vec<u8>,
    ) -> Option<Client> {
        let client = *self.by_relay.get(&relay)?;
        let alloc = self.allocations.get_mut(&client)?;
        if !alloc.permitted(peer.ip(), now) || !alloc.spend(data.len(), now) {
            alloc.totals.dropped += 1;
            self.notes.push(Note::Dropped);
            return None;
        }
        alloc.totals.packets_to_client += 1;
        alloc.totals.bytes_to_client += data.len() as u64;
        out.clear();
        if let Some(number) = alloc.channel_for(peer, now) {
            out.extend_from_slice(&number.to_be_bytes());
            out.extend_from_slice(&(data.len() as u16).to_be_bytes());
            out.extend_from_slice(data);
            // Over TCP/TLS, ChannelData is padded to four bytes (RFC 8656 §12.5).
            if client.transport != crate::allocation::Transport::Udp {
                while !out.len().is_multiple_of(4) {
                    out.push(0);
                }
            }
        } else {
            let txn: [u8; 12] = rand::random();
            StunWriter::new(out, METHOD_DATA, CLASS_INDICATION, &txn)
                .xor_address(ATTR_XOR_PEER_ADDRESS, peer)
                .attribute(ATTR_DATA, data);
        }
        Some(client)
    }

    /// Removes allocations whose lifetime ran out; returns their relay addresses to close.
    pub fn expire(&mut self, now: Instant) -> Vec<SocketAddr> {
        let gone: Vec<Client> = self
            .allocations
            .iter()
            .filter(|(_, a)| a.expires <= now)
            .map(|(c, _)| *c)
            .collect();
        for a in self.allocations.values_mut() {
            a.prune(now);
        }
        self.failures.forget_idle(now);
        gone.into_iter()
            .filter_map(|c| self.release(c, now))
            .collect()
    }

    /// Removes every allocation (shutdown); returns the relay addresses.
    pub fn release_all(&mut self, now: Instant) -> Vec<SocketAddr> {
        let all: Vec<Client> = self.allocations.keys().copied().collect();
        all.into_iter()
            .filter_map(|c| self.release(c, now))
            .collect()
    }

    /// The client's TCP or TLS connection closed: its allocation goes with it (RFC 8656
    /// §3.1). Returns the relay address to close.
    pub fn connection_closed(&mut self, client: Client, now: Instant) -> Option<SocketAddr> {
        self.release(client, now)
    }

    fn release(&mut self, client: Client, now: Instant) -> Option<SocketAddr> {
        let a = self.allocations.remove(&client)?;
        self.by_relay.remove(&a.relay);
        if let Some(n) = self.per_user.get_mut(&a.username) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                self.per_user.remove(&a.username);
            }
        }
        self.notes.push(Note::Closed {
            relay: a.relay,
            username: a.username.clone(),
            lived: now.saturating_duration_since(a.created),
            totals: a.totals,
        });
        Some(a.relay)
    }

    fn channel_data<'a>(
        &mut self,
        now: Instant,
        client: Client,
        data: &'a [u8],
    ) -> ClientAction<'a> {
        if data.len() < 4 {
            return ClientAction::None;
        }
        let number = u16::from_be_bytes([data[0], data[1]]);
        let len = usize::from(u16::from_be_bytes([data[2], data[3]]));
        let Some(payload) = data.get(4..4 + len) else {
            return ClientAction::None;
        };
        let Some(alloc) = self.allocations.get_mut(&client) else {
            return ClientAction::None;
        };
        let Some(peer) = alloc.channel_peer(number, now) else {
            return ClientAction::None;
        };
        self.forward(now, client, peer, payload)
    }

    fn send_indication<'a>(
        &mut self,
        now: Instant,
        client: Client,
        msg: &StunMessage<'a>,
    ) -> ClientAction<'a> {
        let (Some(peer), Some(payload)) = (
            msg.attribute(ATTR_XOR_PEER_ADDRESS)
                .and_then(|v| decode_xor_address(v, msg.transaction_id())),
            msg.attribute(ATTR_DATA),
        ) else {
            return ClientAction::None;
        };
        self.forward(now, client, peer, payload)
    }

    fn forward<'a>(
        &mut self,
        now: Instant,
        client: Client,
        peer: SocketAddr,
        payload: &'a [u8],
    ) -> ClientAction<'a> {
        let Some(alloc) = self.allocations.get_mut(&client) else {
            return ClientAction::None;
        };
        if !alloc.permitted(peer.ip(), now) || !alloc.spend(payload.len(), now) {
            alloc.totals.dropped += 1;
            self.notes.push(Note::Dropped);
            return ClientAction::None;
        }
        alloc.totals.packets_to_peer += 1;
        alloc.totals.bytes_to_peer += payload.len() as u64;
        ClientAction::Relay {
            from: alloc.relay,
            to: peer,
            payload,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn request<'a>(
        &mut self,
        now: Instant,
        wall: u64,
        client: Client,
        msg: &StunMessage<'a>,
        method: u16,
        out: &mut Vec<u8>,
        bind: &mut dyn FnMut(bool, bool) -> Option<SocketAddr>,
    ) -> ClientAction<'a> {
        let txn = msg.transaction_id();
        // A source that failed too often is not answered at all for a while, unless the
        // request is signed for the allocation its 5-tuple holds: failures are counted per
        // IP, and an IP may be a shared NAT or spoofed, so they must not cut another user's
        // live allocation off from its Refresh, CreatePermission and ChannelBind. A new
        // Allocate still waits.
        if self.failures.exhausted(client.addr.ip(), now)
            && !signed_for_allocation(self.allocations.get(&client), msg, method)
        {
            self.notes.push(Note::AuthRateLimited);
            return ClientAction::None;
        }
        let unknown = msg.unknown_required(KNOWN);
        if !unknown.is_empty() {
            tracing::debug!(
                ?unknown,
                method,
                "request with unknown comprehension-required attributes"
            );
            let list: Vec<u8> = unknown.iter().flat_map(|t| t.to_be_bytes()).collect();
            StunWriter::new(out, method, CLASS_ERROR, txn)
                .error_code(420, "Unknown Attribute")
                .attribute(ATTR_UNKNOWN_ATTRIBUTES, &list)
                .fingerprint();
            if method == METHOD_ALLOCATE {
                self.notes.push(Note::AllocateFailed(Refusal::BadRequest));
            }
            return ClientAction::Reply;
        }
        // A retransmitted Allocate gets the same answer (RFC 8656 §7.2).
        if method == METHOD_ALLOCATE {
            if let Some(a) = self.allocations.get(&client) {
                if a.allocate_txn == txn {
                    out.clear();
                    out.extend_from_slice(&a.allocate_response);
                    return ClientAction::Reply;
                }
            }
        }
        // Long-term credentials (RFC 8489 §9.2.4).
        let has_integrity = msg.attribute(ATTR_MESSAGE_INTEGRITY).is_some()
            || msg.attribute(ATTR_MESSAGE_INTEGRITY_SHA256).is_some();
        if !has_integrity {
            self.challenge(out, method, txn, wall, 401, "Unauthorized");
            return ClientAction::Reply;
        }
        let (Some(username), Some(_), Some(nonce)) = (
            msg.attribute(ATTR_USERNAME),
            msg.attribute(ATTR_REALM),
            msg.attribute(ATTR_NONCE),
        ) else {
            self.bad_request(out, method, txn, "Missing USERNAME, REALM or NONCE");
            return ClientAction::Reply;
        };
        if self.nonces.check(nonce, wall) != NonceCheck::Fresh {
            self.challenge(out, method, txn, wall, 438, "Stale Nonce");
            return ClientAction::Reply;
        }
        let username = String::from_utf8_lossy(username).into_owned();
        let key = match self.cfg.credentials.password(&username, wall) {
            Ok(password) => long_term_key(&username, &self.cfg.realm, &password),
            Err(Rejected::UnknownUser | Rejected::Expired) => {
                return self.auth_failed(now, wall, client, msg, method, out);
            }
        };
        let sha256 = match msg.verify_integrity(&key) {
            Ok(Some(sha256)) => sha256,
            _ => return self.auth_failed(now, wall, client, msg, method, out),
        };
        match method {
            METHOD_ALLOCATE => self.allocate(now, client, msg, username, key, sha256, out, bind),
            _ => {
                let Some(alloc) = self.allocations.get(&client) else {
                    self.error(out, method, txn, 437, "Allocation Mismatch", &key, sha256);
                    return ClientAction::Reply;
                };
                if alloc.username != username {
                    self.error(out, method, txn, 441, "Wrong Credentials", &key, sha256);
                    return ClientAction::Reply;
                }
                match method {
                    METHOD_REFRESH => self.refresh(now, client, msg, &key, sha256, out),
                    METHOD_CREATE_PERMISSION => {
                        self.create_permission(now, client, msg, &key, sha256, out)
                    }
                    _ => self.channel_bind(now, client, msg, &key, sha256, out),
                }
            }
        }
    }

    /// An error that asks for (new) credentials: REALM and a fresh NONCE.
    #[allow(clippy::too_many_arguments)]
    fn challenge(
        &self,
        out: &mut Vec<u8>,
        method: u16,
        txn: &[u8],
        wall: u64,
        code: u16,
        reason: &str,
    ) {
        StunWriter::new(out, method, CLASS_ERROR, txn)
            .error_code(code, reason)
            .attribute(ATTR_REALM, self.cfg.realm.as_bytes())
            .attribute(ATTR_NONCE, self.nonces.issue(wall).as_bytes())
            .attribute(ATTR_SOFTWARE, b"vamt")
            .fingerprint();
    }

    fn auth_failed<'a>(
        &mut self,
        now: Instant,
        wall: u64,
        client: Client,
        msg: &StunMessage<'_>,
        method: u16,
        out: &mut Vec<u8>,
    ) -> ClientAction<'a> {
        self.notes.push(Note::AuthFailed);
        if method == METHOD_ALLOCATE {
            self.notes.push(Note::AllocateFailed(Refusal::Auth));
        }
        self.failures.failed(client.addr.ip(), now);
        self.challenge(out, method, msg.transaction_id(), wall, 401, "Unauthorized");
        ClientAction::Reply
    }

    fn bad_request(&self, out: &mut Vec<u8>, method: u16, txn: &[u8], reason: &str) {
        StunWriter::new(out, method, CLASS_ERROR, txn)
            .error_code(400, reason)
            .fingerprint();
    }

    #[allow(clippy::too_many_arguments)]
    fn error(
        &self,
        out: &mut Vec<u8>,
        method: u16,
        txn: &[u8],
        code: u16,
        reason: &str,
        key: &[u8],
        sha256: bool,
    ) {
        StunWriter::new(out, method, CLASS_ERROR, txn)
            .error_code(code, reason)
            .integrity(key, sha256)
            .fingerprint();
    }

    fn lifetime(&self, msg: &StunMessage<'_>) -> Duration {
        let asked = msg
            .attribute(ATTR_LIFETIME)
            .filter(|v| v.len() == 4)
            .map(|v| Duration::from_secs(u64::from(u32::from_be_bytes([v[0], v[1], v[2], v[3]]))));
        match asked {
            Some(d) => d.clamp(self.cfg.default_lifetime, self.cfg.max_lifetime),
            None => self.cfg.default_lifetime,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn allocate<'a>(
        &mut self,
        now: Instant,
        client: Client,
        msg: &StunMessage<'_>,
        username: String,
        key: [u8; 16],
        sha256: bool,
        out: &mut Vec<u8>,
        bind: &mut dyn FnMut(bool, bool) -> Option<SocketAddr>,
    ) -> ClientAction<'a> {
        let txn = msg.transaction_id();
        let fail = |s: &mut Self, out: &mut Vec<u8>, code: u16, reason: &str, why: Refusal| {
            s.error(out, METHOD_ALLOCATE, txn, code, reason, &key, sha256);
            s.notes.push(Note::AllocateFailed(why));
            ClientAction::Reply
        };
        if self.allocations.contains_key(&client) {
            return fail(self, out, 437, "Allocation Mismatch", Refusal::Mismatch);
        }
        match msg.attribute(ATTR_REQUESTED_TRANSPORT) {
            None => {
                return fail(
                    self,
                    out,
                    400,
                    "Missing REQUESTED-TRANSPORT",
                    Refusal::BadRequest,
                )
            }
            Some(v) if v.first() != Some(&UDP) => {
                return fail(
                    self,
                    out,
                    442,
                    "Unsupported Transport Protocol",
                    Refusal::BadRequest,
                )
            }
            Some(_) => {}
        }
        let ipv6 = match msg
            .attribute(ATTR_REQUESTED_ADDRESS_FAMILY)
            .map(|v| v.first().copied())
        {
            None => client.addr.is_ipv6() && !client.addr.ip().to_canonical().is_ipv4(),
            Some(Some(0x01)) => false,
            Some(Some(0x02)) => true,
            Some(_) => {
                return fail(
                    self,
                    out,
                    440,
                    "Address Family not Supported",
                    Refusal::BadRequest,
                )
            }
        };
        if self.per_user.get(&username).copied().unwrap_or(0) >= self.cfg.user_quota {
            return fail(self, out, 486, "Allocation Quota Reached", Refusal::Quota);
        }
        // EVEN-PORT (RTP): an even port; its R bit (reserve the next one for RTCP) is not
        // honoured, so no RESERVATION-TOKEN is returned and the client allocates RTCP apart.
        let even = msg.attribute(ATTR_EVEN_PORT).is_some();
        let Some(relay) = bind(ipv6, even) else {
            return fail(self, out, 508, "Insufficient Capacity", Refusal::Bind);
        };
        let lifetime = self.lifetime(msg);
        let mut txn_id = [0u8; 12];
        txn_id.copy_from_slice(txn);
        let mut alloc = Allocation::new(
            client,
            relay,
            username.clone(),
            key,
            lifetime,
            self.cfg.bytes_per_second,
            txn_id,
            now,
        );
        StunWriter::new(out, METHOD_ALLOCATE, CLASS_SUCCESS, txn)
            .xor_address(ATTR_XOR_RELAYED_ADDRESS, relay)
            .attribute(ATTR_LIFETIME, &(lifetime.as_secs() as u32).to_be_bytes())
            .xor_mapped_address(client.addr)
            .attribute(ATTR_SOFTWARE, b"vamt")
            .integrity(&key, sha256)
            .fingerprint();
        alloc.allocate_response = out.clone();
        self.allocations.insert(client, alloc);
        self.by_relay.insert(relay, client);
        *self.per_user.entry(username).or_default() += 1;
        self.notes.push(Note::Allocated);
        ClientAction::Reply
    }

    fn refresh<'a>(
        &mut self,
        now: Instant,
        client: Client,
        msg: &StunMessage<'_>,
        key: &[u8],
        sha256: bool,
        out: &mut Vec<u8>,
    ) -> ClientAction<'a> {
        let txn = msg.transaction_id();
        let zero = msg
            .attribute(ATTR_LIFETIME)
            .is_some_and(|v| v == [0, 0, 0, 0]);
        if zero {
            StunWriter::new(out, METHOD_REFRESH, CLASS_SUCCESS, txn)
                .attribute(ATTR_LIFETIME, &0u32.to_be_bytes())
                .integrity(key, sha256)
                .fingerprint();
            return match self.release(client, now) {
                Some(relay) => ClientAction::ReplyAndRelease(relay),
                None => ClientAction::Reply,
            };
        }
        let lifetime = self.lifetime(msg);
        if let Some(a) = self.allocations.get_mut(&client) {
            a.expires = now + lifetime;
        }
        StunWriter::new(out, METHOD_REFRESH, CLASS_SUCCESS, txn)
            .attribute(ATTR_LIFETIME, &(lifetime.as_secs() as u32).to_be_bytes())
            .integrity(key, sha256)
            .fingerprint();
        ClientAction::Reply
    }

    /// The peers a request names, each checked against the relay's family and the policy.
    fn peers(
        &mut self,
        client: Client,
        msg: &StunMessage<'_>,
    ) -> Result<Vec<SocketAddr>, (u16, &'static str)> {
        let relay_v6 = self
            .allocations
            .get(&client)
            .is_some_and(|a| a.relay.is_ipv6());
        let mut peers = Vec::new();
        for v in msg.attributes(ATTR_XOR_PEER_ADDRESS) {
            let peer =
                decode_xor_address(v, msg.transaction_id()).ok_or((400, "Bad XOR-PEER-ADDRESS"))?;
            if peer.is_ipv6() != relay_v6 {
                return Err((443, "Peer Address Family Mismatch"));
            }
            if let Err(refused) = self.cfg.policy.allows(peer.ip()) {
                self.notes
                    .push(Note::PeerDenied(refused.judged, refused.why));
                return Err((403, "Forbidden"));
            }
            peers.push(peer);
        }
        if peers.is_empty() {
            return Err((400, "Missing XOR-PEER-ADDRESS"));
        }
        Ok(peers)
    }

    fn create_permission<'a>(
        &mut self,
        now: Instant,
        client: Client,
        msg: &StunMessage<'_>,
        key: &[u8],
        sha256: bool,
        out: &mut Vec<u8>,
    ) -> ClientAction<'a> {
        let txn = msg.transaction_id();
        match self.peers(client, msg) {
            Err((code, reason)) => self.error(
                out,
                METHOD_CREATE_PERMISSION,
                txn,
                code,
                reason,
                key,
                sha256,
            ),
            Ok(peers) => {
                if let Some(a) = self.allocations.get_mut(&client) {
                    for p in peers {
                        a.permit(p.ip(), now);
                    }
                }
                StunWriter::new(out, METHOD_CREATE_PERMISSION, CLASS_SUCCESS, txn)
                    .integrity(key, sha256)
                    .fingerprint();
            }
        }
        ClientAction::Reply
    }

    fn channel_bind<'a>(
        &mut self,
        now: Instant,
        client: Client,
        msg: &StunMessage<'_>,
        key: &[u8],
        sha256: bool,
        out: &mut Vec<u8>,
    ) -> ClientAction<'a> {
        let txn = msg.transaction_id();
        let number = msg
            .attribute(ATTR_CHANNEL_NUMBER)
            .filter(|v| v.len() == 4)
            .map(|v| u16::from_be_bytes([v[0], v[1]]))
            // RFC 8656 narrowed the range to 0x4FFF; RFC 5766 clients (coturn's own) still
            // use up to 0x7FFE, and ChannelData framing tells them apart from STUN either way.
            .filter(|n| (0x4000..=0x7FFE).contains(n));
        let Some(number) = number else {
            self.error(
                out,
                METHOD_CHANNEL_BIND,
                txn,
                400,
                "Bad CHANNEL-NUMBER",
                key,
                sha256,
            );
            return ClientAction::Reply;
        };
        let peer = match self.peers(client, msg) {
            Ok(p) if p.len() == 1 => p[0],
            Ok(_) => {
                self.error(
                    out,
                    METHOD_CHANNEL_BIND,
                    txn,
                    400,
                    "One XOR-PEER-ADDRESS",
                    key,
                    sha256,
                );
                return ClientAction::Reply;
            }
            Err((code, reason)) => {
                self.error(out, METHOD_CHANNEL_BIND, txn, code, reason, key, sha256);
                return ClientAction::Reply;
            }
        };
        let bound = self
            .allocations
            .get_mut(&client)
            .map(|a| a.bind(number, peer, now));
        match bound {
            Some(Ok(())) => {
                StunWriter::new(out, METHOD_CHANNEL_BIND, CLASS_SUCCESS, txn)
                    .integrity(key, sha256)
                    .fingerprint();
            }
            _ => self.error(
                out,
                METHOD_CHANNEL_BIND,
                txn,
                400,
                "Channel in use",
                key,
                sha256,
            ),
        }
        ClientAction::Reply
    }
}

/// Whether `msg` belongs to `alloc`, the allocation of the 5-tuple it came from, and is
/// signed with that allocation's key: a request of its holder, which the failure limit lets
/// through. One HMAC against the stored key, no password derivation, so an exhausted source
/// costs little more than before; everything else (nonce, credentials) is checked after as
/// for any request. An Allocate qualifies only as a retransmission of the one that made it.
fn signed_for_allocation(alloc: Option<&Allocation>, msg: &StunMessage<'_>, method: u16) -> bool {
    let Some(alloc) = alloc else {
        return false;
    };
    if method == METHOD_ALLOCATE && msg.transaction_id() != alloc.allocate_txn {
        return false;
    }
    msg.attribute(ATTR_USERNAME) == Some(alloc.username.as_bytes())
        && matches!(msg.verify_integrity(&alloc.key), Ok(Some(_)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::allocation::Transport;
    use crate::stun::{ATTR_ERROR_CODE, ATTR_XOR_MAPPED_ADDRESS};

    const REALM: &str = "vamt.test";

    fn relay() -> Relay {
        let creds = Credentials::Static(HashMap::from([("alice".into(), "secret".into())]));
        let mut cfg = RelayConfig::new(REALM, creds);
        cfg.user_quota = 2;
        cfg.auth_failure_burst = 3;
        Relay::new(cfg)
    }

    fn client(port: u16) -> Client {
        Client {
            addr: SocketAddr::new("192.0.2.10".parse().expect("ip"), port),
            transport: Transport::Udp,
        }
    }

    struct Session {
        nonce: Vec<u8>,
        key: [u8; 16],
        next_port: u16,
    }

    fn code(reply: &[u8]) -> Option<u16> {
        let m = StunMessage::parse(reply).expect("reply parses");
        m.attribute(ATTR_ERROR_CODE)
            .map(|v| u16::from(v[2]) * 100 + u16::from(v[3]))
    }

    impl Session {
        /// Sends a signed request with `add`'s attributes; returns the action and reply.
        #[allow(clippy::too_many_arguments)]
        fn request(
            &mut self,
            r: &mut Relay,
            now: Instant,
            wall: u64,
            c: Client,
            method: u16,
            txn: [u8; 12],
            add: impl Fn(&mut StunWriter<'_>),
        ) -> (String, Vec<u8>) {
            let mut req = Vec::new();
            {
                let mut w = StunWriter::new(&mut req, method, CLASS_REQUEST, &txn);
                add(&mut w);
                w.attribute(ATTR_USERNAME, b"alice")
                    .attribute(ATTR_REALM, REALM.as_bytes())
                    .attribute(ATTR_NONCE, &self.nonce)
                    .integrity(&self.key, false)
                    .fingerprint();
            }
            let mut out = Vec::new();
            let port = &mut self.next_port;
            let mut bind = |v6: bool, even: bool| {
                *port += if even { 2 - (*port % 2) } else { 1 };
                let ip = if v6 { "2001:db8::1" } else { "198.51.100.1" };
                Some(SocketAddr::new(ip.parse().expect("ip"), *port))
            };
            let action = format!(
                "{:?}",
                r.client_message(now, wall, c, &req, &mut out, &mut bind)
            );
            (action, out)
        }
    }

    fn start(r: &mut Relay, now: Instant, wall: u64, c: Client) -> Session {
        // The first, unsigned Allocate is challenged with REALM and NONCE.
        let mut req = Vec::new();
        StunWriter::new(&mut req, METHOD_ALLOCATE, CLASS_REQUEST, &[1; 12])
            .attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0])
            .fingerprint();
        let mut out = Vec::new();
        let action = r.client_message(now, wall, c, &req, &mut out, &mut |_, _| None);
        assert_eq!(action, ClientAction::Reply);
        assert_eq!(code(&out), Some(401));
        let m = StunMessage::parse(&out).expect("401");
        assert_eq!(m.attribute(ATTR_REALM), Some(REALM.as_bytes()));
        Session {
            nonce: m.attribute(ATTR_NONCE).expect("nonce").to_vec(),
            key: long_term_key("alice", REALM, "secret"),
            next_port: 50000,
        }
    }

    fn udp(w: &mut StunWriter<'_>) {
        w.attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0]);
    }

    #[test]
    fn allocate_permission_send_data_channel_and_release() {
        let (t0, wall) = (Instant::now(), 1_000_000);
        let mut r = relay();
        let c = client(40000);
        let mut s = start(&mut r, t0, wall, c);
        let (action, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(action, "Reply");
        let m = StunMessage::parse(&reply).expect("success");
        assert_eq!(m.class(), CLASS_SUCCESS, "{:?}", code(&reply));
        assert_eq!(
            m.verify_integrity(&s.key),
            Ok(Some(false)),
            "signed with the user's key"
        );
        let relayed = decode_xor_address(
            m.attribute(ATTR_XOR_RELAYED_ADDRESS).expect("relayed"),
            &[2; 12],
        )
        .expect("addr");
        assert_eq!(relayed, "198.51.100.1:50001".parse().expect("addr"));
        assert_eq!(
            decode_xor_address(
                m.attribute(ATTR_XOR_MAPPED_ADDRESS).expect("mapped"),
                &[2; 12]
            ),
            Some(c.addr)
        );
        assert_eq!(m.attribute(ATTR_LIFETIME), Some(&600u32.to_be_bytes()[..]));
        // A retransmission gets the same answer, not a second allocation.
        let (_, again) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(again, reply);
        assert_eq!(r.allocation_count(), 1);

        // No permission yet: sends are dropped, so is what a peer sends in.
        let peer: SocketAddr = "8.8.8.8:3478".parse().expect("peer");
        let mut send = Vec::new();
        StunWriter::new(&mut send, METHOD_SEND, CLASS_INDICATION, &[3; 12])
            .xor_address(ATTR_XOR_PEER_ADDRESS, peer)
            .attribute(ATTR_DATA, b"hello");
        let mut out = Vec::new();
        assert_eq!(
            r.client_message(t0, wall, c, &send, &mut out, &mut |_, _| None),
            ClientAction::None
        );
        assert_eq!(r.peer_datagram(t0, relayed, peer, b"hi", &mut out), None);

        let (_, reply) = s.request(
            &mut r,
            t0,
            wall,
            c,
            METHOD_CREATE_PERMISSION,
            [4; 12],
            |w| {
                w.xor_address(ATTR_XOR_PEER_ADDRESS, peer);
            },
        );
        assert_eq!(
            StunMessage::parse(&reply).expect("ok").class(),
            CLASS_SUCCESS
        );
        assert_eq!(
            r.client_message(t0, wall, c, &send, &mut out, &mut |_, _| None),
            ClientAction::Relay {
                from: relayed,
                to: peer,
                payload: b"hello"
            }
        );
        assert_eq!(
            r.peer_datagram(t0, relayed, peer, b"back", &mut out),
            Some(c)
        );
        let data = StunMessage::parse(&out).expect("data indication");
        assert_eq!(
            (data.class(), data.method()),
            (CLASS_INDICATION, METHOD_DATA)
        );
        assert_eq!(data.attribute(ATTR_DATA), Some(&b"back"[..]));

        // A channel: ChannelData both ways.
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_CHANNEL_BIND, [5; 12], |w| {
            w.attribute(ATTR_CHANNEL_NUMBER, &[0x40, 0x01, 0, 0])
                .xor_address(ATTR_XOR_PEER_ADDRESS, peer);
        });
        assert_eq!(
            StunMessage::parse(&reply).expect("ok").class(),
            CLASS_SUCCESS
        );
        let frame = [0x40, 0x01, 0, 3, b'a', b'b', b'c', 0];
        assert_eq!(
            r.client_message(t0, wall, c, &frame, &mut out, &mut |_, _| None),
            ClientAction::Relay {
                from: relayed,
                to: peer,
                payload: b"abc"
            }
        );
        assert_eq!(
            r.peer_datagram(t0, relayed, peer, b"xyz", &mut out),
            Some(c)
        );
        assert_eq!(out, [0x40, 0x01, 0, 3, b'x', b'y', b'z']);
        // Truncated or unbound ChannelData is dropped.
        for bad in [
            &[0x40u8, 0x01, 0, 9, 1][..],
            &[0x40, 0x02, 0, 1, 1],
            &[0x40],
        ] {
            assert_eq!(
                r.client_message(t0, wall, c, bad, &mut out, &mut |_, _| None),
                ClientAction::None
            );
        }

        // Refresh with LIFETIME 0 releases it; the totals are noted.
        let (action, _) = s.request(&mut r, t0, wall, c, METHOD_REFRESH, [6; 12], |w| {
            w.attribute(ATTR_LIFETIME, &[0, 0, 0, 0]);
        });
        assert_eq!(action, format!("ReplyAndRelease({relayed})"));
        assert_eq!(r.allocation_count(), 0);
        let closed = r.drain_notes().find_map(|n| match n {
            Note::Closed { totals, .. } => Some(totals),
            _ => None,
        });
        let totals = closed.expect("closing totals");
        assert_eq!((totals.packets_to_peer, totals.packets_to_client), (2, 2));
        assert_eq!(totals.dropped, 2);
    }

    #[test]
    fn loopback_private_and_metadata_peers_get_403_in_every_spelling() {
        let (t0, wall) = (Instant::now(), 1_000_000);
        let mut r = relay();
        let c = client(40001);
        let mut s = start(&mut r, t0, wall, c);
        s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], udp);
        for peer in [
            "127.0.0.1:80",
            "10.0.0.1:80",
            "169.254.169.254:80",
            "0.0.0.0:80",
        ] {
            let peer: SocketAddr = peer.parse().expect("peer");
            let (_, reply) = s.request(
                &mut r,
                t0,
                wall,
                c,
                METHOD_CREATE_PERMISSION,
                [4; 12],
                |w| {
                    w.xor_address(ATTR_XOR_PEER_ADDRESS, peer);
                },
            );
            assert_eq!(code(&reply), Some(403), "{peer}");
        }
        // IPv6 spellings on an IPv6 allocation.
        let c6 = Client {
            addr: "[2001:db8::10]:40000".parse().expect("addr"),
            transport: Transport::Udp,
        };
        let mut s6 = start(&mut r, t0, wall, c6);
        s6.request(&mut r, t0, wall, c6, METHOD_ALLOCATE, [7; 12], udp);
        for peer in [
            "[::1]:80",
            "[::ffff:127.0.0.1]:80",
            "[64:ff9b::a9fe:a9fe]:80",
            "[fe80::1]:80",
        ] {
            let peer: SocketAddr = peer.parse().expect("peer");
            let (_, reply) = s6.request(&mut r, t0, wall, c6, METHOD_CHANNEL_BIND, [8; 12], |w| {
                w.attribute(ATTR_CHANNEL_NUMBER, &[0x40, 0x00, 0, 0])
                    .xor_address(ATTR_XOR_PEER_ADDRESS, peer);
            });
            assert_eq!(code(&reply), Some(403), "{peer}");
        }
        // A v4 peer on a v6 relay is a family mismatch.
        let (_, reply) = s6.request(
            &mut r,
            t0,
            wall,
            c6,
            METHOD_CREATE_PERMISSION,
            [9; 12],
            |w| {
                w.xor_address(ATTR_XOR_PEER_ADDRESS, "8.8.8.8:53".parse().expect("peer"));
            },
        );
        assert_eq!(code(&reply), Some(443));
        assert!(r.drain_notes().any(|n| matches!(n, Note::PeerDenied(ip, "loopback") if ip == "127.0.0.1".parse::<IpAddr>().expect("ip"))));
    }

    #[test]
    fn bad_credentials_stale_nonces_quota_and_unknown_attributes() {
        let (t0, wall) = (Instant::now(), 1_000_000);
        let mut r = relay();
        let c = client(40002);
        let mut s = start(&mut r, t0, wall, c);

        // Unknown comprehension-required attribute: 420.
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], |w| {
            udp(w);
            w.attribute(0x0010, &[0, 0, 0, 1]); // BANDWIDTH, of an old draft
        });
        assert_eq!(code(&reply), Some(420));
        // TCP relaying is not offered: 442. No transport: 400.
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], |w| {
            w.attribute(ATTR_REQUESTED_TRANSPORT, &[6, 0, 0, 0]);
        });
        assert_eq!(code(&reply), Some(442));
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], |_| {});
        assert_eq!(code(&reply), Some(400));

        // A stale nonce: 438 with a fresh one.
        let (_, reply) = s.request(&mut r, t0, wall + 601, c, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(code(&reply), Some(438));
        let fresh = StunMessage::parse(&reply)
            .expect("438")
            .attribute(ATTR_NONCE)
            .expect("nonce")
            .to_vec();
        assert_ne!(fresh, s.nonce);

        // Refresh before any allocation: 437.
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_REFRESH, [3; 12], |_| {});
        assert_eq!(code(&reply), Some(437));

        // Quota: two allocations per user here, the third is refused.
        for port in [40010, 40011] {
            let (_, reply) = s.request(
                &mut r,
                t0,
                wall,
                client(port),
                METHOD_ALLOCATE,
                [2; 12],
                udp,
            );
            assert_eq!(
                StunMessage::parse(&reply).expect("ok").class(),
                CLASS_SUCCESS
            );
        }
        let (_, reply) = s.request(
            &mut r,
            t0,
            wall,
            client(40012),
            METHOD_ALLOCATE,
            [2; 12],
            udp,
        );
        assert_eq!(code(&reply), Some(486));
        assert!(r
            .drain_notes()
            .any(|n| n == Note::AllocateFailed(Refusal::Quota)));

        // A wrong password: 401, and after the burst the source is ignored.
        s.key = long_term_key("alice", REALM, "guess");
        for _ in 0..3 {
            let (action, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], udp);
            assert_eq!(action, "Reply");
            assert_eq!(code(&reply), Some(401));
        }
        let (action, _) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(action, "None", "ignored after the burst of failures");
        // A minute later it may try again.
        let (action, _) = s.request(
            &mut r,
            t0 + Duration::from_secs(60),
            wall,
            c,
            METHOD_ALLOCATE,
            [2; 12],
            udp,
        );
        assert_eq!(action, "Reply");
    }

    fn class(reply: &[u8]) -> u16 {
        StunMessage::parse(reply).expect("reply parses").class()
    }

    #[test]
    fn failures_from_an_address_do_not_silence_allocations_held_there() {
        // Issue 18: 21 failed authentications from one address (a shared NAT, or a spoofed
        // source) also silenced the Refresh of another user's live allocation from it.
        let (t0, wall) = (Instant::now(), 1_000_000);
        let creds = Credentials::Static(HashMap::from([("alice".into(), "secret".into())]));
        let cfg = RelayConfig::new(REALM, creds);
        assert_eq!(cfg.auth_failure_burst, 20, "the default limit");
        let mut r = Relay::new(cfg);
        let (holder, guesser) = (client(40020), client(40021));
        let mut s = start(&mut r, t0, wall, holder);
        let (_, allocated) = s.request(&mut r, t0, wall, holder, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(class(&allocated), CLASS_SUCCESS, "{:?}", code(&allocated));

        // Another port of the same address guesses passwords: 20 answers, then silence.
        let mut g = Session {
            nonce: s.nonce.clone(),
            key: long_term_key("alice", REALM, "guess"),
            next_port: 51000,
        };
        let answered = (0..25u8)
            .filter(|n| {
                let (action, _) = g.request(
                    &mut r,
                    t0,
                    wall,
                    guesser,
                    METHOD_ALLOCATE,
                    [100 + n; 12],
                    udp,
                );
                action == "Reply"
            })
            .count();
        assert_eq!(answered, 20);
        let _ = r.drain_notes().count();

        // The holder's own requests, signed with its allocation's key, still pass; a second
        // later, with the address still over its limit.
        let t1 = t0 + Duration::from_secs(1);
        let (action, reply) = s.request(&mut r, t1, wall, holder, METHOD_REFRESH, [3; 12], |w| {
            w.attribute(ATTR_LIFETIME, &600u32.to_be_bytes());
        });
        assert_eq!(action, "Reply", "Refresh of a live allocation answered");
        assert_eq!(class(&reply), CLASS_SUCCESS, "{:?}", code(&reply));
        let peer: SocketAddr = "8.8.8.8:3478".parse().expect("peer");
        let (_, reply) = s.request(
            &mut r,
            t1,
            wall,
            holder,
            METHOD_CREATE_PERMISSION,
            [4; 12],
            |w| {
                w.xor_address(ATTR_XOR_PEER_ADDRESS, peer);
            },
        );
        assert_eq!(class(&reply), CLASS_SUCCESS, "{:?}", code(&reply));
        let (_, reply) = s.request(
            &mut r,
            t1,
            wall,
            holder,
            METHOD_CHANNEL_BIND,
            [5; 12],
            |w| {
                w.attribute(ATTR_CHANNEL_NUMBER, &[0x40, 0x01, 0, 0])
                    .xor_address(ATTR_XOR_PEER_ADDRESS, peer);
            },
        );
        assert_eq!(class(&reply), CLASS_SUCCESS, "{:?}", code(&reply));
        // A retransmitted Allocate (its success was lost) gets the same success again.
        let (_, again) = s.request(&mut r, t1, wall, holder, METHOD_ALLOCATE, [2; 12], udp);
        assert_eq!(again, allocated);
        assert!(
            !r.drain_notes().any(|n| n == Note::AuthRateLimited),
            "none of the holder's requests was ignored"
        );

        // New Allocates from the address still back off, even with the right password, and
        // so does a request at the holder's 5-tuple that its allocation's key does not sign.
        for (c, txn) in [
            (guesser, [6; 12]),
            (client(40022), [7; 12]),
            (holder, [8; 12]),
        ] {
            let (action, _) = s.request(&mut r, t1, wall, c, METHOD_ALLOCATE, txn, udp);
            assert_eq!(action, "None", "{c:?}");
        }
        let (action, _) = g.request(&mut r, t1, wall, holder, METHOD_REFRESH, [9; 12], |_| {});
        assert_eq!(action, "None", "a forged Refresh at the holder's address");
        let (action, _) = s.request(&mut r, t1, wall, guesser, METHOD_REFRESH, [9; 12], |_| {});
        assert_eq!(
            action, "None",
            "the right key, but no allocation at that 5-tuple"
        );
        assert_eq!(
            r.drain_notes()
                .filter(|n| *n == Note::AuthRateLimited)
                .count(),
            5
        );

        // The Refresh at t1 counted: the allocation lives until t1 + 600 s.
        assert!(r.expire(t0 + Duration::from_secs(600)).is_empty());
        assert_eq!(r.expire(t1 + Duration::from_secs(600)).len(), 1);
    }

    #[test]
    fn allocations_expire_and_free_the_quota() {
        let (t0, wall) = (Instant::now(), 1_000_000);
        let mut r = relay();
        let c = client(40003);
        let mut s = start(&mut r, t0, wall, c);
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [2; 12], |w| {
            udp(w);
            w.attribute(ATTR_LIFETIME, &30u32.to_be_bytes());
        });
        // Asking for less than the default gets the default; more than the maximum, the max.
        assert_eq!(
            StunMessage::parse(&reply)
                .expect("ok")
                .attribute(ATTR_LIFETIME),
            Some(&600u32.to_be_bytes()[..])
        );
        assert!(r.expire(t0 + Duration::from_secs(599)).is_empty());
        assert_eq!(r.expire(t0 + Duration::from_secs(600)).len(), 1);
        assert_eq!(r.allocation_count(), 0);
        let (_, reply) = s.request(&mut r, t0, wall, c, METHOD_ALLOCATE, [9; 12], |w| {
            udp(w);
            w.attribute(ATTR_LIFETIME, &100_000u32.to_be_bytes());
        });
        assert_eq!(
            StunMessage::parse(&reply)
                .expect("ok")
                .attribute(ATTR_LIFETIME),
            Some(&3600u32.to_be_bytes()[..])
        );
    }
}
