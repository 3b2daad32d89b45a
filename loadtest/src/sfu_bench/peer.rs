//! One benchmark peer connection: a str0m `Rtc` on its own UDP socket, driven by a small
//! task. Publishers send real Opus and three simulcast layers of stamped VP8-shaped frames;
//! every peer counts and times what it receives. Signalling reaches the task as commands.
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer, SdpPendingOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid, Simulcast, SimulcastLayer};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::net::UdpSocket;
use tokio::sync::{mpsc, oneshot};

use super::media::{self, LAYERS};

/// Counters shared by every peer of one run. Media counts only while `measuring` is set.
#[derive(Debug)]
pub struct Stats {
    /// The clock every send stamp is relative to.
    pub epoch: Instant,
    /// Set for the measurement window.
    pub measuring: AtomicBool,
    /// Set when the run is over: every peer task ends.
    pub stopped: AtomicBool,
    /// Peer connections whose ICE and DTLS are up.
    pub connected: AtomicUsize,
    /// RTP datagrams (not RTCP, ICE or DTLS) arriving from the server.
    pub rtp_datagrams_in: AtomicU64,
    /// Opus packets written by publishers.
    pub audio_sent: AtomicU64,
    /// Opus packets received by subscribers.
    pub audio_received: AtomicU64,
    /// Camera frames written by publishers (one per frame time, whatever the layers).
    pub video_sent: AtomicU64,
    /// Camera frames received, by simulcast layer.
    pub video_received: [AtomicU64; 3],
    /// Frames received by layer, counted always (to see when the top layer arrives).
    pub recent_layers: [AtomicU64; 3],
    /// Send-to-receive delay of video frames in microseconds.
    pub latencies_us: Mutex<Vec<u32>>,
}

impl Stats {
    /// Fresh counters; send stamps count from now.
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
            measuring: AtomicBool::new(false),
            stopped: AtomicBool::new(false),
            connected: AtomicUsize::new(0),
            rtp_datagrams_in: AtomicU64::new(0),
            audio_sent: AtomicU64::new(0),
            audio_received: AtomicU64::new(0),
            video_sent: AtomicU64::new(0),
            video_received: Default::default(),
            recent_layers: Default::default(),
            latencies_us: Mutex::new(Vec::new()),
        }
    }

    fn measuring(&self) -> bool {
        self.measuring.load(Ordering::Relaxed)
    }
}

impl Default for Stats {
    fn default() -> Self {
        Self::new()
    }
}

/// Signalling for a running peer.
#[derive(Debug)]
pub enum Command {
    /// The server's answer to the peer's first offer.
    Answer(String),
    /// An offer from the server; the peer's answer goes back on the channel.
    Offer(String, oneshot::Sender<Result<String, String>>),
    /// A trickled `candidate:` line from the server.
    Candidate(String),
}

/// A started peer: its command channel and, for a publisher, its first offer.
pub struct PeerHandle {
    /// Where signalling goes.
    pub commands: mpsc::UnboundedSender<Command>,
    /// The publisher's offer (audio + simulcast camera), to send to the server.
    pub offer: Option<String>,
}

struct Peer {
    rtc: Rtc,
    socket: UdpSocket,
    /// Batched receive with the kernel's receive timestamps: the delay is measured to the
    /// datagram's arrival, not to when this (busy) generator got round to reading it.
    udp: quinn_udp::UdpSocketState,
    local: SocketAddr,
    pending: Option<SdpPendingOffer>,
    audio: Option<Mid>,
    video: Option<Mid>,
    stats: Arc<Stats>,
    opus: Arc<Vec<Vec<u8>>>,
    connected: bool,
    want_keyframe: [bool; 3],
    audio_n: u64,
    video_n: u64,
}

/// Binds a socket on `local_ip`, makes the peer connection and starts its task. A publisher
/// offers one Opus track and one camera track with three simulcast layers.
pub async fn start(
    local_ip: IpAddr,
    publish: bool,
    stats: Arc<Stats>,
    opus: Arc<Vec<Vec<u8>>>,
) -> std::io::Result<PeerHandle> {
    let socket = UdpSocket::bind(SocketAddr::new(local_ip, 0)).await?;
    let local = socket.local_addr()?;
    let mut rtc = Rtc::builder().build(Instant::now());
    let cand = Candidate::host(local, "udp")
        .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e.to_string()))?;
    rtc.add_local_candidate(cand);
    let (mut audio, mut video, mut offer, mut pending) = (None, None, None, None);
    if publish {
        let mut change = rtc.sdp_api();
        audio = Some(change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None));
        let mut sim = Simulcast::new();
        for l in LAYERS {
            sim.add_send_layer(SimulcastLayer::new(l.rid));
        }
        video =
            Some(change.add_media(MediaKind::Video, Direction::SendOnly, None, None, Some(sim)));
        if let Some((o, p)) = change.apply() {
            offer = Some(o.to_sdp_string());
            pending = Some(p);
        }
    }
    let (tx, rx) = mpsc::unbounded_channel();
    let udp = quinn_udp::UdpSocketState::new((&socket).into())?;
    let peer = Peer {
        rtc,
        udp,
        socket,
        local,
        pending,
        audio,
        video,
        stats,
        opus,
        connected: false,
        want_keyframe: [true; 3],
        audio_n: 0,
        video_n: 0,
    };
    tokio::spawn(peer.run(rx));
    Ok(PeerHandle {
        commands: tx,
        offer,
    })
}

impl Peer {
    async fn run(mut self, mut commands: mpsc::UnboundedReceiver<Command>) {
        let mut buf = vec![0u8; RECV_SLOT * RECV_BATCH];
        let mut metas = vec![quinn_udp::RecvMeta::default(); RECV_BATCH];
        let start = tokio::time::Instant::now();
        let mut next_audio = start;
        let mut next_video = start;
        loop {
            if self.stats.stopped.load(Ordering::Relaxed) {
                return;
            }
            let Some(deadline) = self.drive().await else {
                return;
            };
            let mut wake = tokio::time::Instant::from_std(deadline);
            if self.connected && self.audio.is_some() {
                wake = wake.min(next_audio).min(next_video);
            }
            tokio::select! {
                r = self.socket.readable() => {
                    if r.is_err() {
                        return;
                    }
                    while let Some(n) = self.recv_batch(&mut buf, &mut metas) {
                        let mut slots = buf.chunks(RECV_SLOT);
                        for meta in &metas[..n] {
                            let Some(slot) = slots.next() else { break };
                            let at = arrival(meta.timestamp);
                            let data = &slot[..meta.len.min(slot.len())];
                            for datagram in data.chunks(meta.stride.max(1)) {
                                self.receive(meta.addr, datagram, at);
                            }
                        }
                    }
                }
                cmd = commands.recv() => match cmd {
                    Some(cmd) => self.command(cmd),
                    None => return,
                },
                _ = tokio::time::sleep_until(wake) => {}
            }
            let now = tokio::time::Instant::now();
            if self.connected && self.audio.is_some() {
                // A generator that falls behind skips frames rather than bursting them.
                if now >= next_audio {
                    self.write_audio();
                    next_audio = (next_audio + media::OPUS_FRAME).max(now - media::OPUS_FRAME);
                }
                if now >= next_video {
                    self.write_video();
                    next_video = (next_video + media::VIDEO_FRAME).max(now - media::VIDEO_FRAME);
                }
            }
            if self
                .rtc
                .handle_input(Input::Timeout(now.into_std()))
                .is_err()
            {
                return;
            }
        }
    }

    /// Sends what the connection has to send; returns when it next wants a timeout.
    async fn drive(&mut self) -> Option<Instant> {
        loop {
            match self.rtc.poll_output() {
                Ok(Output::Timeout(t)) => return Some(t),
                Ok(Output::Transmit(t)) => {
                    // Sent at once: an awaited send can yield to the other peers' tasks when
                    // the runtime's cooperative budget runs out, and a frame stamped before
                    // that wait would count the generator's delay as the server's.
                    match self.socket.try_send_to(&t.contents, t.destination) {
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                            let _ = self.socket.send_to(&t.contents, t.destination).await;
                        }
                        _ => {}
                    }
                }
                Ok(Output::Event(e)) => self.event(e),
                Err(_) => return None,
            }
        }
    }

    /// One batch of what the socket has queued; `None` when nothing is.
    fn recv_batch(&self, buf: &mut [u8], metas: &mut [quinn_udp::RecvMeta]) -> Option<usize> {
        let mut slices: Vec<std::io::IoSliceMut<'_>> = buf
            .chunks_mut(RECV_SLOT)
            .map(std::io::IoSliceMut::new)
            .collect();
        let n = self
            .socket
            .try_io(tokio::io::Interest::READABLE, || {
                self.udp.recv((&self.socket).into(), &mut slices, metas)
            })
            .ok()?;
        (n > 0).then_some(n)
    }

    fn receive(&mut self, source: SocketAddr, data: &[u8], at: Instant) {
        // RTP, not RTCP (RFC 5761: RTCP packet types 192–223 in the second byte).
        let is_rtp =
            data.len() >= 12 && (128..192).contains(&data[0]) && !(192..224).contains(&data[1]);
        if is_rtp && self.stats.measuring() {
            self.stats.rtp_datagrams_in.fetch_add(1, Ordering::Relaxed);
        }
        let Ok(contents) = data.try_into() else {
            return;
        };
        let input = Input::Receive(
            at,
            Receive {
                proto: Protocol::Udp,
                source,
                destination: self.local,
                contents,
            },
        );
        let _ = self.rtc.handle_input(input);
    }

    fn command(&mut self, cmd: Command) {
        match cmd {
            Command::Answer(sdp) => {
                let (Some(pending), Ok(answer)) =
                    (self.pending.take(), SdpAnswer::from_sdp_string(&sdp))
                else {
                    tracing::warn!("bench peer: unusable answer");
                    return;
                };
                if let Err(e) = self.rtc.sdp_api().accept_answer(pending, answer) {
                    tracing::warn!(error = %e, "bench peer: answer refused");
                }
            }
            Command::Offer(sdp, reply) => {
                let result = SdpOffer::from_sdp_string(&sdp)
                    .map_err(|e| e.to_string())
                    .and_then(|o| {
                        self.rtc
                            .sdp_api()
                            .accept_offer(o)
                            .map_err(|e| e.to_string())
                    })
                    .map(|a| a.to_sdp_string());
                let _ = reply.send(result);
            }
            Command::Candidate(line) => match Candidate::from_sdp_string(&line) {
                Ok(c) => self.rtc.add_remote_candidate(c),
                Err(e) => tracing::warn!(error = %e, "bench peer: bad candidate"),
            },
        }
    }

    fn event(&mut self, e: Event) {
        match e {
            Event::Connected => {
                self.connected = true;
                self.stats.connected.fetch_add(1, Ordering::Relaxed);
            }
            Event::MediaData(d) => {
                let measuring = self.stats.measuring();
                match d.params.spec().codec {
                    Codec::Opus => {
                        if measuring {
                            self.stats.audio_received.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                    _ => {
                        let Some((sent_us, layer)) = media::read_stamp(&d.data) else {
                            return;
                        };
                        let layer = usize::from(layer.min(2));
                        self.stats.recent_layers[layer].fetch_add(1, Ordering::Relaxed);
                        if measuring {
                            self.stats.video_received[layer].fetch_add(1, Ordering::Relaxed);
                            // From the send stamp to the kernel's arrival time of the
                            // frame's first packet at this subscriber.
                            let arrived_us = d
                                .network_time
                                .saturating_duration_since(self.stats.epoch)
                                .as_micros() as u64;
                            let delay = arrived_us.saturating_sub(sent_us).min(u64::from(u32::MAX));
                            if let Ok(mut l) = self.stats.latencies_us.lock() {
                                l.push(delay as u32);
                            }
                        }
                    }
                }
            }
            Event::KeyframeRequest(req) => {
                let rid = req.rid.as_ref().map(|r| r.to_string());
                for l in LAYERS {
                    if rid.as_deref().is_none_or(|r| r == l.rid) {
                        self.want_keyframe[usize::from(l.index)] = true;
                    }
                }
            }
            _ => {}
        }
    }

    fn write_audio(&mut self) {
        let Some(mid) = self.audio else { return };
        let frame = self.opus[(self.audio_n % self.opus.len() as u64) as usize].clone();
        let time = MediaTime::new(self.audio_n * 960, Frequency::FORTY_EIGHT_KHZ);
        self.audio_n += 1;
        let Some(writer) = self.rtc.writer(mid) else {
            return;
        };
        let Some(pt) = writer
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
        else {
            return;
        };
        if writer.write(pt, Instant::now(), time, frame).is_ok() && self.stats.measuring() {
            self.stats.audio_sent.fetch_add(1, Ordering::Relaxed);
        }
    }

    fn write_video(&mut self) {
        let Some(mid) = self.video else { return };
        let time = MediaTime::new(self.video_n * 3000, Frequency::NINETY_KHZ);
        self.video_n += 1;
        let sent_us = self.stats.epoch.elapsed().as_micros() as u64;
        let mut wrote = false;
        for l in LAYERS {
            let key = std::mem::take(&mut self.want_keyframe[usize::from(l.index)]);
            let frame = media::video_frame(l, key, sent_us);
            let Some(writer) = self.rtc.writer(mid) else {
                return;
            };
            let Some(pt) = writer
                .payload_params()
                .find(|p| p.spec().codec == Codec::Vp8)
                .map(|p| p.pt())
            else {
                return;
            };
            wrote |= writer
                .rid(l.rid.into())
                .write(pt, Instant::now(), time, frame)
                .is_ok();
        }
        if wrote && self.stats.measuring() {
            self.stats.video_sent.fetch_add(1, Ordering::Relaxed);
        }
    }
}

const RECV_BATCH: usize = 8;
/// One receive slot; with GRO it holds several datagrams from one source.
const RECV_SLOT: usize = 64 * 1024;

/// The kernel's receive time (Unix epoch) as an `Instant`; now when there is none.
fn arrival(kernel: Option<Duration>) -> Instant {
    let now = Instant::now();
    let Some(kernel) = kernel else { return now };
    let Ok(wall) = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH) else {
        return now;
    };
    now.checked_sub(wall.saturating_sub(kernel)).unwrap_or(now)
}

/// How long a peer waits for the others before the run gives up.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
