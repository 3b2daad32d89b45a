//! The thin I/O loop around [`Sfu`]: one UDP socket, the clock, and a command channel from
//! signalling. All media logic stays in the core.
use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

use str0m::net::Protocol;
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

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
    Remove {
        participant: ParticipantId,
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
    socket: UdpSocket,
    sfu: Sfu,
    rx: mpsc::UnboundedReceiver<Command>,
}

/// Binds the media UDP socket. `announce` is the address browsers reach it at (the public or
/// NAT 1:1 address); without it the bound address is announced, which must then be concrete.
pub async fn bind(
    addr: SocketAddr,
    announce: Option<IpAddr>,
    metrics: SfuMetrics,
) -> io::Result<(SfuHandle, SfuServer)> {
    let socket = UdpSocket::bind(addr).await?;
    let local_addr = socket.local_addr()?;
    let candidate_ip = announce.unwrap_or(local_addr.ip());
    if candidate_ip.is_unspecified() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            "media socket bound to an unspecified address needs an address to announce",
        ));
    }
    let candidate = SocketAddr::new(candidate_ip, local_addr.port());
    let (tx, rx) = mpsc::unbounded_channel();
    let sfu = Sfu::new(vec![candidate], metrics);
    Ok((SfuHandle { tx, local_addr }, SfuServer { socket, sfu, rx }))
}

impl SfuServer {
    /// Runs until `shutdown` completes or every handle is dropped. On the way out every
    /// participant's peer connection is closed.
    pub async fn run(mut self, shutdown: impl Future<Output = ()>) {
        let local = match self.socket.local_addr() {
            Ok(a) => a,
            Err(e) => {
                tracing::error!(error = %e, "media socket has no local address");
                return;
            }
        };
        tracing::info!(addr = %local, "media server running");
        let mut listeners: HashMap<ParticipantId, mpsc::UnboundedSender<SfuEvent>> = HashMap::new();
        let mut buf = vec![0u8; 2048];
        tokio::pin!(shutdown);
        loop {
            let deadline = self.sfu.poll(Instant::now());
            self.flush(&mut listeners).await;
            tokio::select! {
                r = self.socket.recv_from(&mut buf) => match r {
                    Ok((n, source)) => {
                        self.sfu.handle_receive(Instant::now(), Protocol::Udp, source, local, &buf[..n]);
                    }
                    // ICMP port-unreachable from a vanished peer surfaces here on Linux:
                    // it concerns that peer only, the socket stays good.
                    Err(e) => tracing::debug!(error = %e, "media socket receive error"),
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
        self.flush(&mut listeners).await;
        tracing::info!("media server stopped");
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
            Command::Remove { participant } => {
                self.sfu.remove(&participant);
                listeners.remove(&participant);
            }
        }
    }

    async fn flush(
        &mut self,
        listeners: &mut HashMap<ParticipantId, mpsc::UnboundedSender<SfuEvent>>,
    ) {
        while let Some(t) = self.sfu.pop_transmit() {
            if let Err(e) = self.socket.send_to(&t.contents, t.destination).await {
                tracing::debug!(error = %e, destination = %t.destination, "media send failed");
            }
        }
        while let Some(event) = self.sfu.pop_event() {
            let participant = match &event {
                SfuEvent::Offer { participant, .. }
                | SfuEvent::Connected { participant }
                | SfuEvent::TrackPublished { participant, .. }
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
