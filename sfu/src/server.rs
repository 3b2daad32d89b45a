//! The thin I/O loop around [`Sfu`]: one UDP socket, the clock, and a command channel from
//! signalling. All media logic stays in the core.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use str0m::net::{Protocol, Transmit};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream, UdpSocket};
use tokio::sync::{mpsc, oneshot};

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
    tx: mpsc::UnboundedSender<Command>,
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

    /// Whether the media loop still runs.
    pub fn is_running(&self) -> bool {
        !self.tx.is_closed()
    }

    fn send(&self, cmd: Command) -> Result<(), SfuError> {
        self.tx.send(cmd).map_err(|_| SfuError::Stopped)
    }
}

/// A bound, not yet running media server.
pub struct SfuServer {
    socket: MediaSocket,
    /// UDP datagrams of one flush, kept between flushes for its allocation.
    outgoing: Vec<Transmit>,
    tcp: TcpListener,
    /// The addresses announced in candidates, one per family. Datagrams are handed to the
    /// core as sent to the one of their family: str0m matches them to its local candidate by
    /// this address, and behind 0.0.0.0 or a NAT 1:1 the socket's own address is not it.
    announced_v4: Option<SocketAddr>,
    announced_v6: Option<SocketAddr>,
    /// Bound to `::`: IPv4 peers appear as IPv4-mapped addresses and are sent to as such.
    dual_stack: bool,
    sfu: Sfu,
    rx: mpsc::UnboundedReceiver<Command>,
}

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
    let socket = MediaSocket::new(UdpSocket::bind(addr).await?)?;
    let local_addr = socket.local_addr()?;
    let tcp = TcpListener::bind(local_addr).await?;
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
    Ok((
        SfuHandle { tx, local_addr },
        SfuServer {
            socket,
            tcp,
            announced_v4,
            announced_v6,
            dual_stack: local_addr.is_ipv6(),
            sfu,
            rx,
            outgoing: Vec::new(),
        },
    ))
}

/// Binds like [`bind`] and runs the media loop on a thread of its own with a
/// single-threaded runtime until `shutdown` completes. The packet path then never hops
/// between threads: the socket's readiness and the loop are on the same thread, which cost
/// a tenth of the CPU in cross-thread wake-ups on a shared multi-threaded runtime.
pub fn spawn(
    addr: SocketAddr,
    announce: Vec<IpAddr>,
    metrics: SfuMetrics,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<(SfuHandle, std::thread::JoinHandle<()>)> {
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("vamt-media".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    let _ = ready_tx.send(Err(e));
                    return;
                }
            };
            runtime.block_on(async move {
                match bind(addr, &announce, metrics).await {
                    Ok((handle, server)) => {
                        let _ = ready_tx.send(Ok(handle));
                        server.run(shutdown).await;
                    }
                    Err(e) => {
                        let _ = ready_tx.send(Err(e));
                    }
                }
            });
        })?;
    match ready_rx.recv() {
        Ok(Ok(handle)) => Ok((handle, thread)),
        Ok(Err(e)) => Err(e),
        Err(_) => Err(io::Error::other("media thread ended before binding")),
    }
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
            tokio::select! {
                r = self.socket.readable() => match r {
                    Ok(()) => self.receive_batches(),
                    Err(e) => tracing::debug!(error = %e, "media socket receive error"),
                },
                accepted = self.tcp.accept() => match accepted {
                    Ok((stream, peer)) if tcp_peers.len() < MAX_TCP_CONNECTIONS => {
                        let peer = unmap(peer);
                        let _ = stream.set_nodelay(true);
                        tcp_peers.insert(peer, spawn_tcp_peer(stream, peer, tcp_tx.clone()));
                    }
                    Ok((_, peer)) => tracing::warn!(peer = %peer, "too many ICE-TCP connections: refused"),
                    Err(e) => tracing::debug!(error = %e, "ICE-TCP accept failed"),
                },
                Some(ev) = tcp_rx.recv() => match ev {
                    TcpEvent::Frame(peer, data) => {
                        let accepted = self.announced_for(peer).is_some_and(|local| {
                            self.sfu.handle_receive(Instant::now(), Protocol::Tcp, peer, local, &data)
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
                },
                cmd = self.rx.recv() => match cmd {
                    Some(cmd) => self.handle_command(cmd, &mut listeners),
                    None => break,
                },
                _ = tokio::time::sleep_until(deadline.into()) => {
                    self.sfu.handle_timeout(Instant::now());
                }
                _ = &mut shutdown => break,
            }
        }
        let ids: Vec<ParticipantId> = listeners.keys().cloned().collect();
        for id in ids {
            self.sfu.remove(&id);
        }
        self.sfu.poll(Instant::now());
        self.flush(&mut listeners, &mut tcp_peers).await;
        for p in tcp_peers.values() {
            p.reader.abort();
        }
        tracing::info!("media server stopped");
    }

    /// The announced address of `peer`'s family; `None` if this node announces none for it.
    /// Hands what the socket has queued to the core, a bounded number of batches at a time
    /// so commands and timers are not starved under load.
    fn receive_batches(&mut self) {
        let (v4, v6) = (self.announced_v4, self.announced_v6);
        for _ in 0..RECEIVE_BATCHES {
            let sfu = &mut self.sfu;
            let received = self.socket.recv_batch(|source, data| {
                let source = unmap(source);
                let local = if source.is_ipv4() { v4 } else { v6 };
                if let Some(local) = local {
                    sfu.handle_receive(Instant::now(), Protocol::Udp, source, local, data);
                }
            });
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
                    listeners.insert(participant, events);
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
            }
        }
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
        let _ = events.send(TcpEvent::Closed(peer)).await;
    });
    TcpPeer {
        tx,
        reader,
        verified: false,
        opened: Instant::now(),
    }
}
