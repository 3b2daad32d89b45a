//! The thin I/O loop around [`Sfu`]: one UDP socket, the clock, and a command channel from
//! signalling. All media logic stays in the core.
//!
//! With several shards ([`spawn`]) each runs this loop on a thread of its own over its own
//! core; the first shard also reads the socket and the TCP listener and hands each datagram
//! to the shard holding its participant (see [`crate::shard`]). Every shard sends on the
//! shared socket itself.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use str0m::net::{Protocol, Transmit};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, oneshot, watch};

use crate::shard::{binding_ufrag, Dispatch, Placement};
use crate::timer::Timer;
use crate::udp::MediaSocket;
use crate::{ParticipantId, RoomId, Sfu, SfuError, SfuEvent, SfuMetrics};

enum Command {
    Offer {
        room: RoomId,
        participant: ParticipantId,
        sdp: String,
        events: mpsc::UnboundedSender<SfuEvent>,
        reply: oneshot::Sender<Result<String, SfuError>>,
    },
    Answer {
        participant: ParticipantId,
        sdp: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Candidate {
        participant: ParticipantId,
        candidate: String,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Redirect {
        participant: ParticipantId,
        events: mpsc::UnboundedSender<SfuEvent>,
    },
    RenderedSize {
        participant: ParticipantId,
        mid: String,
        width: u32,
        height: u32,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
    Remove {
        participant: ParticipantId,
    },
    Mute {
        participant: ParticipantId,
        muted: bool,
        reply: oneshot::Sender<Result<(), SfuError>>,
    },
}

/// Signalling's handle on a running media server. Cheap to clone.
#[derive(Clone)]
pub struct SfuHandle {
    /// Each shard's command channel.
    shards: Arc<[mpsc::UnboundedSender<Command>]>,
    placement: Arc<Mutex<Placement>>,
    local_addr: SocketAddr,
}

impl SfuHandle {
    /// Sends a participant's SDP offer; the first one creates the participant. `events`
    /// receives everything the SFU later says about this participant.
    pub async fn offer(
        &self,
        room: RoomId,
        participant: ParticipantId,
        sdp: String,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> Result<String, SfuError> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Offer {
            room,
            participant,
            sdp,
            events,
            reply,
        })?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }

    /// Sends the browser's answer to the SFU's last offer.
    pub async fn answer(&self, participant: ParticipantId, sdp: String) -> Result<(), SfuError> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Answer {
            participant,
            sdp,
            reply,
        })?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }

    /// Adds a trickled ICE candidate.
    pub async fn add_candidate(
        &self,
        participant: ParticipantId,
        candidate: String,
    ) -> Result<(), SfuError> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Candidate {
            participant,
            candidate,
            reply,
        })?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }

    /// Sends a participant's future events to `events` (its signalling session was
    /// replaced after a resume); an offer it has not answered is sent there again.
    pub fn redirect(&self, participant: ParticipantId, events: mpsc::UnboundedSender<SfuEvent>) {
        let _ = self.send(Command::Redirect {
            participant,
            events,
        });
    }

    /// How large the participant shows the video it receives on `mid` (device pixels).
    pub async fn set_rendered_size(
        &self,
        participant: ParticipantId,
        mid: String,
        width: u32,
        height: u32,
    ) -> Result<(), SfuError> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::RenderedSize {
            participant,
            mid,
            width,
            height,
            reply,
        })?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }

    /// Mutes (or unmutes) a participant's audio: the SFU drops it on arrival.
    pub async fn set_muted(&self, participant: ParticipantId, muted: bool) -> Result<(), SfuError> {
        let (reply, rx) = oneshot::channel();
        self.send(Command::Mute {
            participant,
            muted,
            reply,
        })?;
        rx.await.map_err(|_| SfuError::Stopped)?
    }

    /// Removes a participant; unknown ones are ignored.
    pub fn remove(&self, participant: ParticipantId) {
        let _ = self.send(Command::Remove { participant });
    }

    /// The UDP address the media socket is bound to.
    pub fn local_addr(&self) -> SocketAddr {
        self.local_addr
    }

    /// Whether the media loop still runs (every shard of it).
    pub fn is_running(&self) -> bool {
        self.shards.iter().all(|tx| !tx.is_closed())
    }

    /// Participants on each shard.
    pub fn shard_load(&self) -> Vec<usize> {
        lock(&self.placement).load().to_vec()
    }

    /// Hands a command to the shard of its participant; a new participant's offer places
    /// it (with its room). Commands for unknown participants go to the first shard, which
    /// answers them as such.
    fn send(&self, cmd: Command) -> Result<(), SfuError> {
        let shard = {
            let mut placement = lock(&self.placement);
            match &cmd {
                Command::Offer {
                    room, participant, ..
                } => placement.place(room, participant),
                Command::Remove { participant } => {
                    let shard = placement.shard_of(participant);
                    placement.forget(participant);
                    shard.unwrap_or(0)
                }
                Command::Answer { participant, .. }
                | Command::Candidate { participant, .. }
                | Command::Redirect { participant, .. }
                | Command::RenderedSize { participant, .. }
                | Command::Mute { participant, .. } => placement.shard_of(participant).unwrap_or(0),
            }
        };
        self.shards
            .get(shard)
            .ok_or(SfuError::Stopped)?
            .send(cmd)
            .map_err(|_| SfuError::Stopped)
    }
}

fn lock(placement: &Mutex<Placement>) -> std::sync::MutexGuard<'_, Placement> {
    // The placement stays consistent across a panic elsewhere: each change is one call.
    placement.lock().unwrap_or_else(|p| p.into_inner())
}

/// A bound, not yet running media server (one shard of it).
pub struct SfuServer {
    socket: MediaSocket,
    /// UDP datagrams of one flush, kept between flushes for its allocation.
    outgoing: Vec<Transmit>,
    /// The ICE-TCP listener; only the reading shard has it.
    tcp: Option<TcpListener>,
    /// The addresses announced in candidates, one per family. Datagrams are handed to the
    /// core as sent to the one of their family: str0m matches them to its local candidate by
    /// this address, and behind 0.0.0.0 or a NAT 1:1 the socket's own address is not it.
    announced_v4: Option<SocketAddr>,
    announced_v6: Option<SocketAddr>,
    /// Bound to `::`: IPv4 peers appear as IPv4-mapped addresses and are sent to as such.
    dual_stack: bool,
    sfu: Sfu,
    rx: mpsc::UnboundedReceiver<Command>,
    /// This shard's number.
    index: usize,
    placement: Arc<Mutex<Placement>>,
    /// What this shard does beside its own rooms: read the socket for all shards, or be
    /// handed its datagrams.
    role: ShardRole,
}

/// A shard's part in sharing the one socket.
enum ShardRole {
    /// The only shard: reads the socket and serves everything itself.
    Alone,
    /// Reads the socket and the TCP listener, and hands other shards their input.
    Reader {
        dispatch: Dispatch,
        /// Every shard's inbound queue (this one's slot unused).
        shards: Vec<mpsc::Sender<Inbound>>,
        /// Datagrams of the current receive batch for each shard, sent when it ends.
        pending: Vec<Datagrams>,
        /// ICE-TCP connections another shard owns.
        tcp_owner: HashMap<SocketAddr, usize>,
        /// Tells the other shards to stop when this one does.
        stop: watch::Sender<bool>,
    },
    /// Gets its datagrams and TCP frames from the reading shard.
    Fed { inbound: mpsc::Receiver<Inbound> },
}

/// Datagrams read by the reading shard for another one: contents back to back, one
/// allocation per receive batch rather than per datagram.
#[derive(Default)]
struct Datagrams {
    data: Vec<u8>,
    /// Source and length of each datagram in `data`, in order.
    packets: Vec<(SocketAddr, usize)>,
}

/// What the reading shard hands another.
enum Inbound {
    Datagrams(Datagrams),
    /// A frame or the close of an ICE-TCP connection this shard owns; the first frame
    /// brings the connection itself.
    Tcp(TcpEvent, Option<TcpPeer>),
}

/// Batches queued towards one shard before datagrams for it are dropped (as a full socket
/// buffer would drop them).
const INBOUND_QUEUE: usize = 1024;

/// Most ICE-TCP connections held at once; more are refused until some close.
const MAX_TCP_CONNECTIONS: usize = 4096;

/// Receive batches (each up to 32 datagrams) taken per wake-up of the loop. One: four
/// gave the same CPU figure in `bench sfu` and twice the p99 delay (a frame's packets
/// waited behind the whole batch's processing).
const RECEIVE_BATCHES: usize = 1;

/// Due timeouts handled back to back before the loop listens to the sockets again: enough
/// to release a paced video frame, few enough that input is never starved.
const MAX_IMMEDIATE_ROUNDS: usize = 64;
/// Frames queued towards one TCP peer; beyond it media is dropped (as UDP would lose it)
/// rather than stalling the loop for everyone.
const TCP_SEND_QUEUE: usize = 256;
/// A new TCP connection must present an accepted ICE binding request this soon.
const TCP_FIRST_FRAME_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// Binds the media sockets: UDP and a TCP listener (ICE-TCP, RFC 6544) on the same address
/// and port. `announce` lists the addresses browsers reach them at (the public or NAT 1:1
/// address, at most one per family); without any, the bound address is announced, which
/// must then be concrete. Bound to `::`, one socket serves IPv4 and IPv6.
pub async fn bind(
    addr: SocketAddr,
    announce: &[IpAddr],
    metrics: SfuMetrics,
) -> io::Result<(SfuHandle, SfuServer)> {
    // Port 0 asks the kernel for a free UDP port, whose TCP twin may be taken: try another
    // (tests and tools bind many servers at once). A fixed port is the operator's: no retry.
    let mut tries = if addr.port() == 0 { 16 } else { 1 };
    let (socket, tcp) = loop {
        let udp = UdpSocket::bind(addr).await?;
        match TcpListener::bind(udp.local_addr()?).await {
            Ok(tcp) => break (udp, tcp),
            Err(e) if e.kind() == io::ErrorKind::AddrInUse && tries > 1 => tries -= 1,
            Err(e) => return Err(e),
        }
    };
    let socket = MediaSocket::new(socket)?;
    let local_addr = socket.local_addr()?;
    let ips: Vec<IpAddr> = if announce.is_empty() {
        vec![local_addr.ip()]
    } else {
        announce.to_vec()
    };
    if ips.iter().any(|ip| ip.is_unspecified()) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "media socket bound to an unspecified address needs an address to announce",
        ));
    }
    let port = local_addr.port();
    let announced_v4 = ips
        .iter()
        .find(|ip| ip.is_ipv4())
        .map(|ip| SocketAddr::new(*ip, port));
    let announced_v6 = ips
        .iter()
        .find(|ip| ip.is_ipv6())
        .map(|ip| SocketAddr::new(*ip, port));
    let candidates: Vec<SocketAddr> = announced_v4.into_iter().chain(announced_v6).collect();
    let (tx, rx) = mpsc::unbounded_channel();
    let sfu = Sfu::new(candidates.clone(), candidates, metrics)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
    let placement = Arc::new(Mutex::new(Placement::new(1)));
    Ok((
        SfuHandle {
            shards: Arc::from(vec![tx]),
            placement: placement.clone(),
            local_addr,
        },
        SfuServer {
            socket,
            tcp: Some(tcp),
            announced_v4,
            announced_v6,
            dual_stack: local_addr.is_ipv6(),
            sfu,
            rx,
            outgoing: Vec::new(),
            index: 0,
            placement,
            role: ShardRole::Alone,
        },
    ))
}

impl SfuServer {
    /// Splits this bound server into `shards` (at least one): it stays the first shard and
    /// reads the socket; the others get a duplicate of the socket to send on, a core of their
    /// own, and their input from it. Call before [`SfuServer::run`], then run each shard on
    /// a thread of its own.
    fn into_shards(
        mut self,
        handle: &mut SfuHandle,
        shards: usize,
        metrics: &SfuMetrics,
    ) -> io::Result<Vec<ShardParts>> {
        let shards = shards.max(1);
        let placement = Arc::new(Mutex::new(Placement::new(shards)));
        self.placement = placement.clone();
        handle.placement = placement.clone();
        if shards == 1 {
            return Ok(vec![ShardParts::Ready(Box::new(self))]);
        }
        let candidates: Vec<SocketAddr> = self
            .announced_v4
            .into_iter()
            .chain(self.announced_v6)
            .collect();
        let (stop, stopped) = watch::channel(false);
        let mut senders = vec![handle.shards[0].clone()];
        let mut inbound_tx = Vec::with_capacity(shards);
        let mut others = Vec::with_capacity(shards - 1);
        // The first shard's inbound slot is never used; a closed channel marks it.
        inbound_tx.push(mpsc::channel(1).0);
        for index in 1..shards {
            let (tx, rx) = mpsc::unbounded_channel();
            let (in_tx, inbound) = mpsc::channel(INBOUND_QUEUE);
            senders.push(tx);
            inbound_tx.push(in_tx);
            let sfu = Sfu::new(candidates.clone(), candidates.clone(), metrics.clone())
                .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.to_string()))?;
            others.push(ShardParts::Unbound {
                socket: self.socket.try_clone_std()?,
                template: Box::new(FedShard {
                    announced_v4: self.announced_v4,
                    announced_v6: self.announced_v6,
                    dual_stack: self.dual_stack,
                    sfu,
                    rx,
                    index,
                    placement: placement.clone(),
                    inbound,
                    stopped: stopped.clone(),
                }),
            });
        }
        handle.shards = Arc::from(senders);
        self.role = ShardRole::Reader {
            dispatch: Dispatch::new(Instant::now()),
            shards: inbound_tx,
            pending: (0..shards).map(|_| Datagrams::default()).collect(),
            tcp_owner: HashMap::new(),
            stop,
        };
        let mut parts = vec![ShardParts::Ready(Box::new(self))];
        parts.extend(others);
        Ok(parts)
    }
}

/// A shard before it runs.
enum ShardParts {
    /// The first shard, bound on the caller's runtime thread.
    Ready(Box<SfuServer>),
    /// Another shard: its socket is registered on its own thread's runtime.
    Unbound {
        socket: std::net::UdpSocket,
        template: Box<FedShard>,
    },
}

/// Everything of a fed shard but its socket.
struct FedShard {
    announced_v4: Option<SocketAddr>,
    announced_v6: Option<SocketAddr>,
    dual_stack: bool,
    sfu: Sfu,
    rx: mpsc::UnboundedReceiver<Command>,
    index: usize,
    placement: Arc<Mutex<Placement>>,
    inbound: mpsc::Receiver<Inbound>,
    stopped: watch::Receiver<bool>,
}

impl FedShard {
    /// Registers the socket on the current runtime; returns the shard and its stop signal.
    fn bind(
        self: Box<Self>,
        socket: std::net::UdpSocket,
    ) -> io::Result<(SfuServer, watch::Receiver<bool>)> {
        let this = *self;
        let socket = MediaSocket::new(UdpSocket::from_std(socket)?)?;
        Ok((
            SfuServer {
                socket,
                outgoing: Vec::new(),
                tcp: None,
                announced_v4: this.announced_v4,
                announced_v6: this.announced_v6,
                dual_stack: this.dual_stack,
                sfu: this.sfu,
                rx: this.rx,
                index: this.index,
                placement: this.placement,
                role: ShardRole::Fed {
                    inbound: this.inbound,
                },
            },
            this.stopped,
        ))
    }
}

/// The threads of a running media server, one per shard.
pub struct MediaThreads {
    threads: Vec<std::thread::JoinHandle<()>>,
}

impl MediaThreads {
    /// Waits until every shard has stopped.
    pub fn join(self) -> std::thread::Result<()> {
        let mut result = Ok(());
        for t in self.threads {
            if let Err(e) = t.join() {
                result = Err(e);
            }
        }
        result
    }

    /// How many shards run.
    pub fn shards(&self) -> usize {
        self.threads.len()
    }
}

/// Binds like [`bind`] and runs the media loop in `shards` shards (0: one per core), each
/// on a thread of its own with a single-threaded runtime, until `shutdown` completes. The
/// packet path of a shard never hops between threads but for the hand-over from the
/// reading shard: the socket's readiness and the loop are on the same thread, which cost a
/// tenth of the CPU in cross-thread wake-ups on a shared multi-threaded runtime.
pub fn spawn(
    addr: SocketAddr,
    announce: Vec<IpAddr>,
    shards: usize,
    metrics: SfuMetrics,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<(SfuHandle, MediaThreads)> {
    let shards = if shards == 0 {
        std::thread::available_parallelism().map_or(1, |n| n.get())
    } else {
        shards
    };
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let first = std::thread::Builder::new()
        .name("vamt-media-0".into())
        .spawn(move || {
            let runtime = match single_threaded() {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                let parts = match bind(addr, &announce, metrics.clone()).await {
                    Ok((mut handle, server)) => server
                        .into_shards(&mut handle, shards, &metrics)
                        .map(|parts| (handle, parts)),
                    Err(e) => Err(e),
                };
                match parts {
                    Ok((handle, mut parts)) => {
                        let first = parts.remove(0);
                        let _ = ready_tx.send(Ok((handle, parts)));
                        if let ShardParts::Ready(server) = first {
                            (*server).run(shutdown).await;
                        }
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
    let (handle, others) = match ready_rx.recv() {
        Ok(Ok(ready)) => ready,
        Ok(Err(e)) => return Err(e),
        Err(_) => return Err(io::Error::other("media thread ended before binding")),
    };
    let mut threads = vec![first];
    for part in others {
        let ShardParts::Unbound { socket, template } = part else {
            continue;
        };
        let name = format!("vamt-media-{}", template.index);
        threads.push(std::thread::Builder::new().name(name).spawn(move || {
            let runtime = match single_threaded() {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "media shard could not start its runtime");
                    return;
                }
            };
            runtime.block_on(async move {
                match template.bind(socket) {
                    Ok((server, mut stopped)) => {
                        server
                            .run(async move {
                                let _ = stopped.wait_for(|stop| *stop).await;
                            })
                            .await
                    }
                    Err(e) => {
                        tracing::error!(error = %e, "media shard could not register its socket")
                    }
                }
            });
        })?);
    }
    Ok((handle, MediaThreads { threads }))
}

fn single_threaded() -> io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
}

/// An IPv4 peer seen through a dual-stack socket as `::ffff:a.b.c.d` is an IPv4 peer.
fn unmap(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        SocketAddr::V4(_) => addr,
    }
}

/// What a TCP connection task reports to the media loop.
enum TcpEvent {
    Frame(SocketAddr, Vec<u8>),
    Closed(SocketAddr),
}

struct TcpPeer {
    tx: mpsc::Sender<Vec<u8>>,
    reader: tokio::task::JoinHandle<()>,
    verified: bool,
    opened: Instant,
}

impl SfuServer {
    /// Runs until `shutdown` completes or every handle is dropped. On the way out every
    /// participant's peer connection is closed.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        match self.socket.local_addr() {
            Ok(bound) => tracing::info!(
                bound = %bound,
                ipv4 = ?self.announced_v4,
                ipv6 = ?self.announced_v6,
                shard = self.index,
                reads = !matches!(self.role, ShardRole::Fed { .. }),
                "media server running (UDP and ICE-TCP)"
            ),
            Err(e) => {
                tracing::error!(error = %e, "media socket has no local address");
                return;
            }
        }
        let mut listeners: HashMap<ParticipantId, mpsc::UnboundedSender<SfuEvent>> = HashMap::new();
        let mut tcp_peers: HashMap<SocketAddr, TcpPeer> = HashMap::new();
        let (tcp_tx, mut tcp_rx) = mpsc::channel::<TcpEvent>(1024);
        let reads = !matches!(self.role, ShardRole::Fed { .. });
        let shard_gauge = self
            .sfu
            .metrics()
            .shard_participants
            .with_label_values(&[&self.index.to_string()]);
        let mut timer = match Timer::new() {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "media loop timer unavailable");
                return;
            }
        };
        tokio::pin!(shutdown);
        loop {
            let mut now = Instant::now();
            let mut deadline = self.sfu.poll(now);
            // A timeout that is already due (str0m's pacer asks for one after each packet
            // it releases) is handled here, not by the runtime's timer: that rounds up to the
            // next millisecond, which added a millisecond per packet of every video frame.
            for _ in 0..MAX_IMMEDIATE_ROUNDS {
                if deadline > now {
                    break;
                }
                self.sfu.handle_timeout(now);
                now = Instant::now();
                deadline = self.sfu.poll(now);
            }
            self.flush(&mut listeners, &mut tcp_peers).await;
            // Strangers who connect over TCP and never authenticate are dropped.
            tcp_peers.retain(|addr, p| {
                let keep = p.verified || now.saturating_duration_since(p.opened) < TCP_FIRST_FRAME_TIMEOUT;
                if !keep {
                    tracing::debug!(peer = %addr, "ICE-TCP connection without a valid check: closed");
                    p.reader.abort();
                }
                keep
            });
            if let ShardRole::Reader { dispatch, .. } = &mut self.role {
                dispatch.sweep(now, &self.placement);
            }
            shard_gauge.set(self.sfu.participant_count() as i64);
            if let Err(e) = timer.arm(deadline) {
                tracing::warn!(error = %e, "media loop timer could not be set");
            }
            tokio::select! {
                r = self.socket.readable(), if reads => match r {
                    Ok(()) => self.receive_batches(),
                    Err(e) => tracing::debug!(error = %e, "media socket receive error"),
                },
                accepted = accept(self.tcp.as_ref()) => match accepted {
                    Ok((stream, peer)) if tcp_peers.len() + self.tcp_owned_elsewhere() < MAX_TCP_CONNECTIONS => {
                        let peer = unmap(peer);
                        let _ = stream.set_nodelay(true);
                        tcp_peers.insert(peer, spawn_tcp_peer(stream, peer, tcp_tx.clone()));
                    }
                    Ok((_, peer)) => tracing::warn!(peer = %peer, "too many ICE-TCP connections: refused"),
                    Err(e) => tracing::debug!(error = %e, "ICE-TCP accept failed"),
                },
                Some(ev) = tcp_rx.recv() => self.tcp_event(ev, &mut tcp_peers),
                Some(input) = inbound(&mut self.role) => self.take_inbound(input, &mut tcp_peers),
                cmd = self.rx.recv() => match cmd {
                    Some(cmd) => self.handle_command(cmd, &mut listeners),
                    None => break,
                },
                _ = timer.fired() => {
                    self.sfu.handle_timeout(Instant::now());
                }
                _ = &mut shutdown => break,
            }
        }
        let ids: Vec<ParticipantId> = listeners.keys().cloned().collect();
        for id in ids {
            self.sfu.remove(&id);
            lock(&self.placement).forget(&id);
        }
        self.sfu.poll(Instant::now());
        self.flush(&mut listeners, &mut tcp_peers).await;
        for p in tcp_peers.values() {
            p.reader.abort();
        }
        if let ShardRole::Reader { stop, .. } = &self.role {
            let _ = stop.send(true);
        }
        shard_gauge.set(0);
        tracing::info!(shard = self.index, "media server stopped");
    }

    /// Hands what the socket has queued to the cores, a bounded number of batches at a
    /// time so commands and timers are not starved under load. The reading shard of several
    /// keeps its own datagrams and sends each other shard its share once per batch.
    fn receive_batches(&mut self) {
        let (v4, v6) = (self.announced_v4, self.announced_v6);
        let index = self.index;
        for _ in 0..RECEIVE_BATCHES {
            let Self {
                sfu,
                socket,
                role,
                placement,
                ..
            } = self;
            let received = socket.recv_batch(|source, data| {
                let source = unmap(source);
                let Some(local) = (if source.is_ipv4() { v4 } else { v6 }) else {
                    return;
                };
                if let ShardRole::Reader {
                    dispatch, pending, ..
                } = role
                {
                    match dispatch.shard_for(source, data, placement) {
                        Some(s) if s != index => {
                            if let Some(p) = pending.get_mut(s) {
                                p.data.extend_from_slice(data);
                                p.packets.push((source, data.len()));
                            }
                            return;
                        }
                        Some(_) => {}
                        None => return, // no participant's: a stranger
                    }
                }
                sfu.handle_receive(Instant::now(), Protocol::Udp, source, local, data);
            });
            if let ShardRole::Reader {
                shards, pending, ..
            } = role
            {
                for (s, p) in pending.iter_mut().enumerate() {
                    if !p.packets.is_empty() {
                        let batch = std::mem::take(p);
                        let count = batch.packets.len() as u64;
                        // A full queue drops the batch, as a full socket buffer would.
                        let handed = shards
                            .get(s)
                            .is_some_and(|tx| tx.try_send(Inbound::Datagrams(batch)).is_ok());
                        if !handed {
                            sfu.metrics().handoff_dropped.inc_by(count);
                        }
                    }
                }
            }
            match received {
                Ok(0) => break,
                Ok(_) => {}
                // ICMP port-unreachable from a vanished peer surfaces here on Linux: it
                // concerns that peer only, the socket stays good.
                Err(e) => {
                    tracing::debug!(error = %e, "media socket receive error");
                    break;
                }
            }
        }
    }

    /// ICE-TCP connections the reading shard accepted and another shard owns.
    fn tcp_owned_elsewhere(&self) -> usize {
        match &self.role {
            ShardRole::Reader { tcp_owner, .. } => tcp_owner.len(),
            _ => 0,
        }
    }

    /// What the reading shard handed this one.
    fn take_inbound(&mut self, input: Inbound, tcp_peers: &mut HashMap<SocketAddr, TcpPeer>) {
        match input {
            Inbound::Datagrams(batch) => {
                let mut at = 0;
                for (source, len) in batch.packets {
                    let Some(data) = batch.data.get(at..at + len) else {
                        break;
                    };
                    at += len;
                    if let Some(local) = self.announced_for(source) {
                        self.sfu
                            .handle_receive(Instant::now(), Protocol::Udp, source, local, data);
                    }
                }
            }
            Inbound::Tcp(ev, connection) => {
                if let (TcpEvent::Frame(peer, _), Some(c)) = (&ev, connection) {
                    tcp_peers.insert(*peer, c);
                }
                self.tcp_event(ev, tcp_peers);
            }
        }
    }

    /// A frame or close of an ICE-TCP connection. The reading shard of several passes a
    /// connection to the shard its first check names, and its later events after it.
    fn tcp_event(&mut self, ev: TcpEvent, tcp_peers: &mut HashMap<SocketAddr, TcpPeer>) {
        if let ShardRole::Reader {
            shards, tcp_owner, ..
        } = &mut self.role
        {
            let peer = match &ev {
                TcpEvent::Frame(p, _) | TcpEvent::Closed(p) => *p,
            };
            let owner = match (&ev, tcp_owner.get(&peer)) {
                (_, Some(owner)) => Some(*owner),
                (TcpEvent::Frame(_, data), None) => binding_ufrag(data)
                    .and_then(|u| lock(&self.placement).ufrag_shard(u))
                    .filter(|s| *s != self.index),
                (TcpEvent::Closed(_), None) => None,
            };
            if let Some(owner) = owner {
                let connection = tcp_peers.remove(&peer);
                match ev {
                    TcpEvent::Closed(_) => tcp_owner.remove(&peer),
                    TcpEvent::Frame(..) => tcp_owner.insert(peer, owner),
                };
                if let Some(tx) = shards.get(owner) {
                    // A full queue loses the frame, as a congested link would.
                    let _ = tx.try_send(Inbound::Tcp(ev, connection));
                }
                return;
            }
        }
        match ev {
            TcpEvent::Frame(peer, data) => {
                let accepted = self.announced_for(peer).is_some_and(|local| {
                    self.sfu
                        .handle_receive(Instant::now(), Protocol::Tcp, peer, local, &data)
                });
                if let Some(p) = tcp_peers.get_mut(&peer) {
                    if accepted {
                        p.verified = true;
                    } else if !p.verified {
                        // The first frame must be an ICE check for a known participant.
                        p.reader.abort();
                        tcp_peers.remove(&peer);
                    }
                }
            }
            TcpEvent::Closed(peer) => {
                tcp_peers.remove(&peer);
            }
        }
    }

    /// The announced address of `peer`'s family; `None` if this node announces none for it.
    fn announced_for(&self, peer: SocketAddr) -> Option<SocketAddr> {
        if peer.is_ipv4() {
            self.announced_v4
        } else {
            self.announced_v6
        }
    }

    fn handle_command(
        &mut self,
        cmd: Command,
        listeners: &mut HashMap<ParticipantId, mpsc::UnboundedSender<SfuEvent>>,
    ) {
        match cmd {
            Command::Offer {
                room,
                participant,
                sdp,
                events,
                reply,
            } => {
                let result = self.sfu.offer(Instant::now(), &room, &participant, &sdp);
                if result.is_ok() {
                    // The reading shard routes new sources by this ufrag; an ICE restart
                    // in this offer changed it.
                    if let Some(ufrag) = self.sfu.local_ufrag(&participant) {
                        lock(&self.placement).set_ufrag(&participant, ufrag);
                    }
                    listeners.insert(participant, events);
                } else if !self.sfu.contains(&participant) {
                    lock(&self.placement).forget(&participant);
                }
                let _ = reply.send(result);
            }
            Command::Answer {
                participant,
                sdp,
                reply,
            } => {
                let _ = reply.send(self.sfu.answer(&participant, &sdp));
            }
            Command::Candidate {
                participant,
                candidate,
                reply,
            } => {
                let _ = reply.send(self.sfu.add_remote_candidate(&participant, &candidate));
            }
            Command::Redirect {
                participant,
                events,
            } => {
                if let Some(listener) = listeners.get_mut(&participant) {
                    if let Some(sdp) = self.sfu.pending_offer(&participant) {
                        let _ = events.send(SfuEvent::Offer {
                            participant: participant.clone(),
                            sdp,
                        });
                    }
                    *listener = events;
                }
            }
            Command::RenderedSize {
                participant,
                mid,
                width,
                height,
                reply,
            } => {
                let _ = reply.send(
                    self.sfu
                        .set_rendered_size(&participant, &mid, width, height),
                );
            }
            Command::Remove { participant } => {
                self.sfu.remove(&participant);
                listeners.remove(&participant);
            }
            Command::Mute {
                participant,
                muted,
                reply,
            } => {
                let _ = reply.send(self.sfu.set_muted(&participant, muted));
            }
        }
    }

    async fn flush(
        &mut self,
        listeners: &mut HashMap<ParticipantId, mpsc::UnboundedSender<SfuEvent>>,
        tcp_peers: &mut HashMap<SocketAddr, TcpPeer>,
    ) {
        while let Some(t) = self.sfu.pop_transmit() {
            match t.proto {
                Protocol::Tcp => {
                    if let Some(p) = tcp_peers.get(&t.destination) {
                        // A full queue means a congested peer: drop, like UDP would.
                        let _ = p.tx.try_send(t.contents.to_vec());
                    }
                }
                _ => self.outgoing.push(t),
            }
        }
        // The pacer releases one packet per connection per round, so a frame's packets are
        // interleaved with other subscribers'; grouped by destination (order within one kept)
        // they leave as one segmentation-offload send each.
        self.outgoing.sort_by_key(|t| t.destination);
        if let Err(e) = self.socket.send_all(&self.outgoing, self.dual_stack).await {
            tracing::debug!(error = %e, "media send failed");
        }
        self.outgoing.clear();
        while let Some(event) = self.sfu.pop_event() {
            let participant = match &event {
                SfuEvent::Offer { participant, .. }
                | SfuEvent::Connected { participant }
                | SfuEvent::MediaFlowing { participant }
                | SfuEvent::ConnectionQuality { participant, .. }
                | SfuEvent::TrackPublished { participant, .. }
                | SfuEvent::TrackUnpublished { participant, .. }
                | SfuEvent::ActiveSpeaker { participant, .. }
                | SfuEvent::Disconnected { participant, .. } => participant.clone(),
            };
            let gone = matches!(event, SfuEvent::Disconnected { .. });
            if let Some(tx) = listeners.get(&participant) {
                let _ = tx.send(event);
            }
            if gone {
                listeners.remove(&participant);
                lock(&self.placement).forget(&participant);
            }
        }
    }
}

/// Reports a connection's end to the media loop when its reader ends, however it ends.
struct ClosedOnDrop {
    peer: SocketAddr,
    events: mpsc::Sender<TcpEvent>,
}

impl Drop for ClosedOnDrop {
    fn drop(&mut self) {
        let _ = self.events.try_send(TcpEvent::Closed(self.peer));
    }
}

/// The next ICE-TCP connection, or never on a shard without the listener.
async fn accept(listener: Option<&TcpListener>) -> io::Result<(TcpStream, SocketAddr)> {
    match listener {
        Some(l) => l.accept().await,
        None => std::future::pending().await,
    }
}

/// The next hand-over from the reading shard, or never on a shard that reads itself.
async fn inbound(role: &mut ShardRole) -> Option<Inbound> {
    match role {
        ShardRole::Fed { inbound } => inbound.recv().await,
        _ => std::future::pending().await,
    }
}

/// Reads RFC 4571 frames (16-bit big-endian length, then the datagram) from one ICE-TCP
/// connection into the media loop, and writes the loop's frames back.
fn spawn_tcp_peer(stream: TcpStream, peer: SocketAddr, events: mpsc::Sender<TcpEvent>) -> TcpPeer {
    let (mut rd, mut wr) = stream.into_split();
    let (tx, mut out) = mpsc::channel::<Vec<u8>>(TCP_SEND_QUEUE);
    tokio::spawn(async move {
        let mut framed = Vec::with_capacity(2048);
        while let Some(frame) = out.recv().await {
            let Ok(len) = u16::try_from(frame.len()) else {
                continue;
            };
            framed.clear();
            framed.extend_from_slice(&len.to_be_bytes());
            framed.extend_from_slice(&frame);
            if wr.write_all(&framed).await.is_err() {
                break;
            }
        }
    });
    let reader = tokio::spawn(async move {
        // Also when the task is aborted: the reading shard then forgets which shard owned
        // the connection.
        let _closed = ClosedOnDrop {
            peer,
            events: events.clone(),
        };
        while let Ok(len) = rd.read_u16().await {
            let len = usize::from(len);
            let mut data = vec![0u8; len];
            if rd.read_exact(&mut data).await.is_err() {
                break;
            }
            if len > 0 && events.send(TcpEvent::Frame(peer, data)).await.is_err() {
                return;
            }
        }
    });
    TcpPeer {
        tx,
        reader,
        verified: false,
        opened: Instant::now(),
    }
}
