//! The UDP I/O around [`Relay`]: one listening socket for clients (STUN Binding and TURN),
//! one socket per allocation towards peers, and a once-a-second sweep for lifetimes.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::net::UdpSocket;
use tokio::task::JoinHandle;

use crate::allocation::{Client, Transport};
use crate::relay::{ClientAction, Note, Relay, RelayConfig};
use crate::TurnMetrics;

/// Where relay sockets are bound and which address is announced for them.
#[derive(Debug, Clone, Copy)]
pub struct RelayAddress {
    /// The local IP relay sockets bind to.
    pub bind: IpAddr,
    /// The IP announced in XOR-RELAYED-ADDRESS (a cloud host's public IP behind 1:1 NAT);
    /// the bound one when `None`.
    pub external: Option<IpAddr>,
}

struct Shared {
    relay: Relay,
    /// Announced relay address → its socket and reader task.
    sockets: HashMap<SocketAddr, (Arc<UdpSocket>, JoinHandle<()>)>,
}

/// A bound STUN/TURN server on UDP.
pub struct TurnServer {
    socket: Arc<UdpSocket>,
    shared: Arc<Mutex<Shared>>,
    relay_v4: Option<RelayAddress>,
    relay_v6: Option<RelayAddress>,
    metrics: TurnMetrics,
}

fn wall() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    // Every update under the lock is a single map operation: a panic leaves it usable.
    shared.lock().unwrap_or_else(|p| p.into_inner())
}

impl TurnServer {
    /// Binds the client socket on `listen`. Relay sockets bind to `relay` (IPv4 and/or
    /// IPv6); without one for a family, allocations of that family get 440.
    pub async fn bind(
        listen: SocketAddr,
        cfg: RelayConfig,
        relay: &[RelayAddress],
        metrics: TurnMetrics,
    ) -> io::Result<Self> {
        let socket = UdpSocket::bind(listen).await?;
        Ok(Self {
            socket: Arc::new(socket),
            shared: Arc::new(Mutex::new(Shared {
                relay: Relay::new(cfg),
                sockets: HashMap::new(),
            })),
            relay_v4: relay.iter().copied().find(|r| r.bind.is_ipv4()),
            relay_v6: relay.iter().copied().find(|r| r.bind.is_ipv6()),
            metrics,
        })
    }

    /// The bound client address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.socket.local_addr()
    }

    /// Serves until `shutdown` completes; then releases every allocation.
    pub async fn run(self, shutdown: impl Future<Output = ()>) {
        let mut buf = vec![0u8; 65536];
        let mut out = Vec::with_capacity(1500);
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                r = self.socket.recv_from(&mut buf) => {
                    let Ok((n, source)) = r else { continue };
                    self.serve_client(source, &buf[..n], &mut out).await;
                }
                _ = sweep.tick() => {
                    let mut shared = lock(&self.shared);
                    let gone = shared.relay.expire(Instant::now());
                    for relay in gone {
                        if let Some((_, task)) = shared.sockets.remove(&relay) {
                            task.abort();
                        }
                    }
                    account(&self.metrics, &mut shared);
                }
                _ = &mut shutdown => break,
            }
        }
        let mut shared = lock(&self.shared);
        let all = shared.relay.release_all(Instant::now());
        for relay in all {
            if let Some((_, task)) = shared.sockets.remove(&relay) {
                task.abort();
            }
        }
        account(&self.metrics, &mut shared);
    }

    async fn serve_client(&self, source: SocketAddr, data: &[u8], out: &mut Vec<u8>) {
        let client = Client {
            addr: source,
            transport: Transport::Udp,
        };
        let mut opened: Vec<(SocketAddr, std::net::UdpSocket)> = Vec::new();
        let send = {
            let mut shared = lock(&self.shared);
            let (v4, v6) = (self.relay_v4, self.relay_v6);
            let mut bind = |ipv6: bool, even: bool| {
                let at = if ipv6 { v6 } else { v4 }?;
                // An even port takes a few tries at most; the odd ones are closed again.
                let (socket, port) = (0..32).find_map(|_| {
                    let socket = std::net::UdpSocket::bind(SocketAddr::new(at.bind, 0)).ok()?;
                    let port = socket.local_addr().ok()?.port();
                    (!even || port % 2 == 0).then_some((socket, port))
                })?;
                socket.set_nonblocking(true).ok()?;
                let announced = SocketAddr::new(at.external.unwrap_or(at.bind), port);
                opened.push((announced, socket));
                Some(announced)
            };
            let action =
                shared
                    .relay
                    .client_message(Instant::now(), wall(), client, data, out, &mut bind);
            let send = match action {
                ClientAction::None => None,
                ClientAction::Reply => Some(Send::Reply),
                ClientAction::ReplyAndRelease(relay) => {
                    if let Some((_, task)) = shared.sockets.remove(&relay) {
                        task.abort();
                    }
                    Some(Send::Reply)
                }
                ClientAction::Relay { from, to, payload } => {
                    self.metrics
                        .relayed_packets
                        .with_label_values(&["to_peer", "udp"])
                        .inc();
                    self.metrics
                        .relayed_bytes
                        .with_label_values(&["to_peer", "udp"])
                        .inc_by(payload.len() as u64);
                    shared
                        .sockets
                        .get(&from)
                        .map(|(s, _)| Send::Peer(s.clone(), to, payload.to_vec()))
                }
            };
            for (announced, socket) in opened.drain(..) {
                match UdpSocket::from_std(socket) {
                    Ok(socket) => {
                        let socket = Arc::new(socket);
                        let task = tokio::spawn(peer_loop(
                            socket.clone(),
                            announced,
                            self.socket.clone(),
                            self.shared.clone(),
                            self.metrics.clone(),
                        ));
                        shared.sockets.insert(announced, (socket, task));
                    }
                    Err(e) => tracing::warn!(error = %e, "relay socket could not be registered"),
                }
            }
            account(&self.metrics, &mut shared);
            send
        };
        match send {
            Some(Send::Reply) => {
                let _ = self.socket.send_to(out, source).await;
            }
            Some(Send::Peer(socket, to, payload)) => {
                let _ = socket.send_to(&payload, to).await;
            }
            None => {}
        }
    }
}

/// Turns the core's notes into metrics and log lines.
fn account(m: &TurnMetrics, shared: &mut Shared) {
    m.allocations.set(shared.relay.allocation_count() as i64);
    for note in shared.relay.drain_notes() {
        match note {
            Note::Allocated => m.allocations_created.inc(),
            Note::AllocateFailed(why) => m
                .allocation_failures
                .with_label_values(&[why.label()])
                .inc(),
            Note::AuthFailed => m.auth_failures.inc(),
            Note::AuthRateLimited => m.auth_rate_limited.inc(),
            Note::PeerDenied(ip, why) => {
                m.peer_denied.inc();
                tracing::info!(peer = %ip, why, "peer address refused");
            }
            Note::Dropped => m.dropped.inc(),
            Note::Closed {
                relay,
                username,
                lived,
                totals,
            } => {
                tracing::info!(
                    relay = %relay,
                    username = %username,
                    seconds = lived.as_secs(),
                    packets_to_peer = totals.packets_to_peer,
                    bytes_to_peer = totals.bytes_to_peer,
                    packets_to_client = totals.packets_to_client,
                    bytes_to_client = totals.bytes_to_client,
                    dropped = totals.dropped,
                    "allocation closed"
                );
            }
        }
    }
}

enum Send {
    Reply,
    Peer(Arc<UdpSocket>, SocketAddr, Vec<u8>),
}

/// Reads what peers send to one relay address and passes it to its client.
async fn peer_loop(
    socket: Arc<UdpSocket>,
    relay: SocketAddr,
    clients: Arc<UdpSocket>,
    shared: Arc<Mutex<Shared>>,
    metrics: TurnMetrics,
) {
    let mut buf = vec![0u8; 65536];
    let mut out = Vec::with_capacity(1500);
    loop {
        let Ok((n, peer)) = socket.recv_from(&mut buf).await else {
            continue;
        };
        let to = {
            let mut shared = lock(&shared);
            let to = shared
                .relay
                .peer_datagram(Instant::now(), relay, peer, &buf[..n], &mut out);
            if to.is_none() {
                account(&metrics, &mut shared);
            }
            to
        };
        if let Some(client) = to {
            metrics
                .relayed_packets
                .with_label_values(&["to_client", client.transport.label()])
                .inc();
            metrics
                .relayed_bytes
                .with_label_values(&["to_client", client.transport.label()])
                .inc_by(n as u64);
            let _ = clients.send_to(&out, client.addr).await;
        }
    }
}
