//! The UDP I/O around [`Relay`]: one listening socket for clients (STUN Binding and TURN),
//! one socket per allocation towards peers, and a once-a-second sweep for lifetimes.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use prometheus::IntCounter;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, UdpSocket};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use crate::allocation::{Client, Transport};
use crate::relay::{ClientAction, Note, Relay, RelayConfig};
use crate::udp::BatchSocket;
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
    /// TCP/TLS clients → their connection's outbound queue.
    streams: HashMap<SocketAddr, mpsc::Sender<Vec<u8>>>,
}

/// Frames queued towards one TCP/TLS client before further ones are dropped (a slow
/// client loses media, it does not stall the relay).
const STREAM_QUEUE: usize = 256;

/// A bound STUN/TURN server on UDP.
pub struct TurnServer {
    tcp: Option<TcpListener>,
    tls: Option<(TcpListener, TlsAcceptor)>,
    /// Shared with the TCP/TLS tasks; built once, not per datagram.
    ctx: Context,
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

/// Socket buffer asked for on the shared client socket.
const CLIENT_SOCKET_BUFFER: usize = 4 * 1024 * 1024;

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
        // Every UDP client shares this socket: at the default (~200 KiB) a few milliseconds
        // of the loop busy elsewhere overflowed it under load (`bench turn` lost 1.4 % of
        // 1200-byte packets, coturn 0.07 %). Best effort: the kernel caps it at
        // `net.core.rmem_max` / `wmem_max` (docs/install.md).
        #[cfg(target_os = "linux")]
        {
            use nix::sys::socket::{setsockopt, sockopt};
            let _ = setsockopt(&socket, sockopt::RcvBuf, &CLIENT_SOCKET_BUFFER);
            let _ = setsockopt(&socket, sockopt::SndBuf, &CLIENT_SOCKET_BUFFER);
        }
        Ok(Self {
            tcp: None,
            tls: None,
            ctx: Context {
                udp: Arc::new(socket),
                shared: Arc::new(Mutex::new(Shared {
                    relay: Relay::new(cfg),
                    sockets: HashMap::new(),
                    streams: HashMap::new(),
                })),
                relay_v4: relay.iter().copied().find(|r| r.bind.is_ipv4()),
                relay_v6: relay.iter().copied().find(|r| r.bind.is_ipv6()),
                relayed: Arc::new(Relayed::new(&metrics)),
                metrics,
            },
        })
    }

    /// The bound client address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.ctx.udp.local_addr()
    }

    /// Also serves clients over TCP on `listener` (RFC 8656 §3.1; firewalls that drop UDP).
    pub fn with_tcp(mut self, listener: TcpListener) -> Self {
        self.tcp = Some(listener);
        self
    }

    /// Also serves clients over TLS on `listener` (port 443 passes most firewalls).
    pub fn with_tls(mut self, listener: TcpListener, acceptor: TlsAcceptor) -> Self {
        self.tls = Some((listener, acceptor));
        self
    }

    /// Serves until `shutdown` completes; then releases every allocation.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        let mut acceptors = Vec::new();
        if let Some(listener) = self.tcp.take() {
            acceptors.push(tokio::spawn(accept_loop(listener, None, self.ctx.clone())));
        }
        if let Some((listener, tls)) = self.tls.take() {
            acceptors.push(tokio::spawn(accept_loop(
                listener,
                Some(tls),
                self.ctx.clone(),
            )));
        }
        self.run_udp(shutdown).await;
        for a in acceptors {
            a.abort();
        }
    }

    async fn run_udp(self, shutdown: impl Future<Output = ()>) {
        let mut socket = match BatchSocket::new(self.ctx.udp.clone(), crate::udp::MAX_BATCH) {
            Ok(s) => s,
            Err(e) => {
                tracing::error!(error = %e, "TURN client socket unusable");
                return;
            }
        };
        let mut out = Vec::with_capacity(1500);
        let mut sweep = tokio::time::interval(Duration::from_secs(1));
        tokio::pin!(shutdown);
        loop {
            tokio::select! {
                r = socket.readable() => {
                    if r.is_err() {
                        continue;
                    }
                    let ctx = &self.ctx;
                    let _ = socket.recv_batch(|source, data| {
                        serve_client(ctx, source, data, &mut out);
                    });
                }
                _ = sweep.tick() => {
                    let mut shared = lock(&self.ctx.shared);
                    let gone = shared.relay.expire(Instant::now());
                    for relay in gone {
                        if let Some((_, task)) = shared.sockets.remove(&relay) {
                            task.abort();
                        }
                    }
                    account(&self.ctx.metrics, &mut shared);
                }
                _ = &mut shutdown => break,
            }
        }
        let mut shared = lock(&self.ctx.shared);
        let all = shared.relay.release_all(Instant::now());
        for relay in all {
            if let Some((_, task)) = shared.sockets.remove(&relay) {
                task.abort();
            }
        }
        account(&self.ctx.metrics, &mut shared);
    }
}

/// One datagram from a UDP client.
fn serve_client(ctx: &Context, source: SocketAddr, data: &[u8], out: &mut Vec<u8>) {
    let client = Client {
        addr: source,
        transport: Transport::Udp,
    };
    if ctx.handle(client, data, out) {
        // A reply lost to a full send buffer is retransmitted by the client (RFC 8489 §6.2.1).
        let _ = ctx.udp.try_send_to(out, source);
    }
}

/// What every transport's task needs to hand a client message to the relay.
#[derive(Clone)]
struct Context {
    udp: Arc<UdpSocket>,
    shared: Arc<Mutex<Shared>>,
    relay_v4: Option<RelayAddress>,
    relay_v6: Option<RelayAddress>,
    metrics: TurnMetrics,
    relayed: Arc<Relayed>,
}

/// The relayed-packet counters, looked up once: a label lookup per packet hashes and
/// locks inside the metrics library.
struct Relayed {
    /// [direction][transport] → (packets, bytes); direction 0 to the peer, 1 to the client.
    counters: [[(IntCounter, IntCounter); 3]; 2],
}

impl Relayed {
    fn new(m: &TurnMetrics) -> Self {
        let pair = |direction: &str, transport: Transport| {
            let labels = [direction, transport.label()];
            (
                m.relayed_packets.with_label_values(&labels),
                m.relayed_bytes.with_label_values(&labels),
            )
        };
        let both = |direction: &str| {
            [
                pair(direction, Transport::Udp),
                pair(direction, Transport::Tcp),
                pair(direction, Transport::Tls),
            ]
        };
        Self {
            counters: [both("to_peer"), both("to_client")],
        }
    }

    fn count(&self, to_client: bool, transport: Transport, bytes: usize) {
        let t = match transport {
            Transport::Udp => 0,
            Transport::Tcp => 1,
            Transport::Tls => 2,
        };
        let (packets, total) = &self.counters[usize::from(to_client)][t];
        packets.inc();
        total.inc_by(bytes as u64);
    }
}

impl Context {
    /// Hands one message to the relay; sends relayed data to its peer itself and returns
    /// whether `out` holds a reply for the client.
    fn handle(&self, client: Client, data: &[u8], out: &mut Vec<u8>) -> bool {
        let mut opened: Vec<(SocketAddr, std::net::UdpSocket)> = Vec::new();
        {
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
            let reply = match action {
                ClientAction::None => false,
                ClientAction::Reply => true,
                ClientAction::ReplyAndRelease(relay) => {
                    if let Some((_, task)) = shared.sockets.remove(&relay) {
                        task.abort();
                    }
                    true
                }
                ClientAction::Relay { from, to, payload } => {
                    self.relayed.count(false, client.transport, payload.len());
                    // Sent under the lock, straight from the receive buffer: a non-blocking
                    // send is one system call, cheaper than a payload copy and a second
                    // lock round.
                    if let Some((socket, _)) = shared.sockets.get(&from) {
                        if socket.try_send_to(payload, to).is_err() {
                            // Send buffer full: UDP drops here as it would on the wire.
                            self.metrics.dropped.inc();
                        }
                    }
                    false
                }
            };
            for (announced, socket) in opened.drain(..) {
                match UdpSocket::from_std(socket) {
                    Ok(socket) => {
                        let socket = Arc::new(socket);
                        let task = tokio::spawn(peer_loop(socket.clone(), announced, self.clone()));
                        shared.sockets.insert(announced, (socket, task));
                    }
                    Err(e) => tracing::warn!(error = %e, "relay socket could not be registered"),
                }
            }
            account(&self.metrics, &mut shared);
            reply
        }
    }
}

/// Accepts TCP (or, with `tls`, TLS) clients.
async fn accept_loop(listener: TcpListener, tls: Option<TlsAcceptor>, ctx: Context) {
    loop {
        let Ok((stream, addr)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        let ctx = ctx.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            match tls {
                None => serve_stream(stream, addr, Transport::Tcp, ctx).await,
                Some(acceptor) => {
                    let handshake =
                        tokio::time::timeout(Duration::from_secs(10), acceptor.accept(stream));
                    match handshake.await {
                        Ok(Ok(tls)) => serve_stream(tls, addr, Transport::Tls, ctx).await,
                        _ => tracing::debug!(client = %addr, "TLS handshake failed"),
                    }
                }
            }
        });
    }
}

/// Largest message accepted over a stream: a STUN message or ChannelData with a UDP
/// datagram's worth of payload.
const MAX_STREAM_MESSAGE: usize = 4 + 65535 + 3;

/// One TCP/TLS client: STUN messages and ChannelData framed back to back (RFC 8656 §12.5).
async fn serve_stream<S>(stream: S, addr: SocketAddr, transport: Transport, ctx: Context)
where
    S: AsyncRead + AsyncWrite + Send + 'static,
{
    let client = Client { addr, transport };
    let (mut rd, mut wr) = tokio::io::split(stream);
    let (tx, mut rx) = mpsc::channel::<Vec<u8>>(STREAM_QUEUE);
    lock(&ctx.shared).streams.insert(addr, tx.clone());
    let writer = tokio::spawn(async move {
        while let Some(frame) = rx.recv().await {
            if wr.write_all(&frame).await.is_err() {
                break;
            }
        }
    });
    let mut buf = vec![0u8; MAX_STREAM_MESSAGE];
    let mut out = Vec::with_capacity(1500);
    // Idle connections without an allocation are closed after the lifetime a request
    // would get anyway; with one, the relay's own expiry applies.
    let idle = Duration::from_secs(600);
    loop {
        let mut header = [0u8; 4];
        match tokio::time::timeout(idle, rd.read_exact(&mut header)).await {
            Ok(Ok(_)) => {}
            _ => break,
        }
        let len = usize::from(u16::from_be_bytes([header[2], header[3]]));
        let total = match header[0] & 0xC0 {
            0x00 => 20 + len,
            // ChannelData is padded to four bytes on streams.
            0x40 => 4 + ((len + 3) & !3),
            _ => break, // not TURN: the stream cannot be resynchronised
        };
        if total < 4 || total > buf.len() {
            break;
        }
        buf[..4].copy_from_slice(&header);
        if rd.read_exact(&mut buf[4..total]).await.is_err() {
            break;
        }
        if ctx.handle(client, &buf[..total], &mut out) && tx.try_send(out.clone()).is_err() {
            break;
        }
    }
    {
        let mut shared = lock(&ctx.shared);
        shared.streams.remove(&addr);
        if let Some(relay) = shared.relay.connection_closed(client, Instant::now()) {
            if let Some((_, task)) = shared.sockets.remove(&relay) {
                task.abort();
            }
        }
        account(&ctx.metrics, &mut shared);
    }
    drop(tx);
    let _ = writer.await;
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

/// Datagrams one relay socket takes per receive call: a few, so that a busy allocation
/// shares the wake-up and system call, while an idle one keeps only 8 × 2 KiB of buffer.
const PEER_BATCH: usize = 8;

/// Reads what peers send to one relay address and passes it to its client.
async fn peer_loop(socket: Arc<UdpSocket>, relay: SocketAddr, ctx: Context) {
    let mut socket = match BatchSocket::new(socket, PEER_BATCH) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!(error = %e, relay = %relay, "relay socket unusable");
            return;
        }
    };
    let mut out = Vec::with_capacity(1500);
    loop {
        if socket.readable().await.is_err() {
            continue;
        }
        let _ = socket.recv_batch(|peer, data| {
            // One lock per datagram; the stream client's queue is looked up under it too.
            let mut shared = lock(&ctx.shared);
            let Some(client) =
                shared
                    .relay
                    .peer_datagram(Instant::now(), relay, peer, data, &mut out)
            else {
                account(&ctx.metrics, &mut shared);
                return;
            };
            ctx.relayed.count(true, client.transport, data.len());
            if client.transport == Transport::Udp {
                drop(shared);
                if ctx.udp.try_send_to(&out, client.addr).is_err() {
                    ctx.metrics.dropped.inc();
                }
            } else if let Some(tx) = shared.streams.get(&client.addr) {
                // A full queue drops this packet: the client reads too slowly.
                let _ = tx.try_send(out.clone());
            }
        });
    }
}
