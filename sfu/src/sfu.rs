//! The sans-IO core: participants, their tracks, and forwarding between them.
use std::collections::{HashSet, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::{KeyframeRequest, KeyframeRequestKind, MediaData, MediaKind, Mid};
use str0m::net::{Protocol, Receive, TcpType, Transmit};
use str0m::{Candidate, Event, IceConnectionState, Input, Output, Rtc};

use crate::participant::{Participant, TrackIn, TrackOutState};
use crate::{ParticipantId, RoomId, SfuError, SfuMetrics, TrackId};

/// What the SFU tells signalling about one participant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SfuEvent {
    /// An offer from the SFU (new or stopped subscriptions) to deliver to the browser, which
    /// answers with [`Sfu::answer`].
    Offer {
        participant: ParticipantId,
        sdp: String,
    },
    /// ICE and DTLS are up: media can flow.
    Connected { participant: ParticipantId },
    /// The participant published a track.
    TrackPublished {
        participant: ParticipantId,
        track: TrackId,
        kind: &'static str,
    },
    /// The peer connection is gone (ICE consent lost, DTLS failure); the participant has been
    /// removed from the SFU.
    Disconnected {
        participant: ParticipantId,
        reason: &'static str,
    },
}

/// Something one participant's poll produced that concerns the others.
// `Media` is large, but boxing it would allocate once per forwarded packet; these values
// live only in a short local queue.
#[allow(clippy::large_enum_variant)]
enum Propagated {
    TrackOpen(ParticipantId, Mid, MediaKind),
    Media(ParticipantId, MediaData),
    /// A subscriber asked for a key frame: (publisher, publisher's mid, request).
    Keyframe(ParticipantId, Mid, KeyframeRequest),
    /// A data channel message: (sender, channel label, binary, payload).
    Data(ParticipantId, String, bool, Vec<u8>),
}

/// The media plane of one node: every participant's `Rtc`, forwarding inside rooms.
///
/// Drive it like a str0m `Rtc`: feed [`Sfu::handle_receive`] and [`Sfu::handle_timeout`],
/// then call [`Sfu::poll`] and drain [`Sfu::pop_transmit`] and [`Sfu::pop_event`].
pub struct Sfu {
    participants: Vec<Participant>,
    candidates: Vec<Candidate>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<SfuEvent>,
    metrics: SfuMetrics,
}

/// How long the core may sleep when no participant has a timer of its own.
const IDLE_TIMEOUT: Duration = Duration::from_millis(100);

impl Sfu {
    /// An SFU that announces `udp` and `tcp` (its socket addresses, as browsers reach them)
    /// as host candidates; TCP ones are passive (RFC 6544), for networks that block UDP.
    pub fn new(
        udp: Vec<SocketAddr>,
        tcp: Vec<SocketAddr>,
        metrics: SfuMetrics,
    ) -> Result<Self, SfuError> {
        let mut candidates = Vec::new();
        for addr in udp {
            candidates.push(
                Candidate::host(addr, "udp")
                    .map_err(|e| SfuError::InvalidCandidate(e.to_string()))?,
            );
        }
        for addr in tcp {
            candidates.push(
                Candidate::builder()
                    .tcp()
                    .host(addr)
                    .tcptype(TcpType::Passive)
                    .build()
                    .map_err(|e| SfuError::InvalidCandidate(e.to_string()))?,
            );
        }
        Ok(Self {
            participants: Vec::new(),
            candidates,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            metrics,
        })
    }

    /// Takes an SDP offer from a participant's browser and returns the answer. The first
    /// offer creates the participant in `room`; later ones renegotiate.
    pub fn offer(
        &mut self,
        now: Instant,
        room: &RoomId,
        participant: &ParticipantId,
        sdp: &str,
    ) -> Result<String, SfuError> {
        let offer =
            SdpOffer::from_sdp_string(sdp).map_err(|e| SfuError::InvalidSdp(e.to_string()))?;
        if let Some(p) = self.find_mut(participant) {
            p.own_offer_dropped();
            let answer = p
                .rtc
                .sdp_api()
                .accept_offer(offer)
                .map_err(|e| SfuError::Negotiation(e.to_string()))?;
            return Ok(answer.to_sdp_string());
        }

        let mut rtc = Rtc::builder().set_ice_lite(true).build(now);
        for candidate in &self.candidates {
            rtc.add_local_candidate(candidate.clone());
        }
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::Negotiation(e.to_string()))?;
        let mut joined = Participant::new(participant.clone(), room.clone(), rtc);
        joined.negotiated = true;
        // Subscribe the newcomer to everything already published in the room.
        for other in self.participants.iter().filter(|p| &p.room == room) {
            for t in &other.tracks_in {
                joined.subscribe(other.id.clone(), t.mid, t.kind);
            }
        }
        self.participants.push(joined);
        self.update_gauges();
        Ok(answer.to_sdp_string())
    }

    /// Takes the browser's answer to the SFU's last [`SfuEvent::Offer`].
    pub fn answer(&mut self, participant: &ParticipantId, sdp: &str) -> Result<(), SfuError> {
        let answer =
            SdpAnswer::from_sdp_string(sdp).map_err(|e| SfuError::InvalidSdp(e.to_string()))?;
        let p = self
            .find_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        let pending = p.pending.take().ok_or(SfuError::NoPendingOffer)?;
        p.rtc
            .sdp_api()
            .accept_answer(pending, answer)
            .map_err(|e| SfuError::Negotiation(e.to_string()))?;
        p.answer_accepted();
        Ok(())
    }

    /// Adds a trickled ICE candidate (`candidate:…` line) from the browser.
    pub fn add_remote_candidate(
        &mut self,
        participant: &ParticipantId,
        candidate: &str,
    ) -> Result<(), SfuError> {
        let line = candidate.strip_prefix("a=").unwrap_or(candidate);
        let c = Candidate::from_sdp_string(line)
            .map_err(|e| SfuError::InvalidCandidate(e.to_string()))?;
        let p = self
            .find_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        p.rtc.add_remote_candidate(c);
        Ok(())
    }

    /// Removes a participant (it left, or signalling gave up on it) and stops its tracks at
    /// every subscriber.
    pub fn remove(&mut self, participant: &ParticipantId) {
        let Some(idx) = self.participants.iter().position(|p| &p.id == participant) else {
            return;
        };
        let mut gone = self.participants.swap_remove(idx);
        gone.rtc.disconnect();
        for p in self.participants.iter_mut().filter(|p| p.room == gone.room) {
            p.unsubscribe_from(&gone.id);
        }
        self.update_gauges();
    }

    /// Feeds one received datagram. Returns false if no participant claims it (stray or
    /// spoofed traffic), which the caller may count and drop.
    pub fn handle_receive(
        &mut self,
        now: Instant,
        proto: Protocol,
        source: SocketAddr,
        destination: SocketAddr,
        data: &[u8],
    ) -> bool {
        let Ok(contents) = data.try_into() else {
            return false;
        };
        let input = Input::Receive(
            now,
            Receive {
                proto,
                source,
                destination,
                contents,
            },
        );
        let Some(p) = self.participants.iter_mut().find(|p| p.rtc.accepts(&input)) else {
            return false;
        };
        if let Err(e) = p.rtc.handle_input(input) {
            tracing::debug!(participant = %p.id, error = %e, "input refused; disconnecting");
            p.rtc.disconnect();
        }
        true
    }

    /// Advances every participant's clock.
    pub fn handle_timeout(&mut self, now: Instant) {
        for p in &mut self.participants {
            if p.rtc.is_alive() {
                if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                    tracing::debug!(participant = %p.id, error = %e, "timeout handling failed");
                    p.rtc.disconnect();
                }
            }
        }
    }

    /// Runs every participant until it waits, forwarding media between them. Returns when
    /// the SFU next needs [`Sfu::handle_timeout`].
    pub fn poll(&mut self, now: Instant) -> Instant {
        let mut next = now + IDLE_TIMEOUT;
        loop {
            let mut propagated = Vec::new();
            for p in &mut self.participants {
                let t = drive(
                    p,
                    now,
                    &mut self.transmits,
                    &mut self.events,
                    &mut propagated,
                );
                next = next.min(t);
            }
            self.reap_dead();
            if propagated.is_empty() {
                return next.max(now);
            }
            for item in propagated {
                self.propagate(now, item);
            }
        }
    }

    /// The next datagram to send.
    pub fn pop_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for signalling.
    pub fn pop_event(&mut self) -> Option<SfuEvent> {
        self.events.pop_front()
    }

    /// Participants currently held.
    pub fn participant_count(&self) -> usize {
        self.participants.len()
    }

    /// Whether `participant` is held.
    pub fn contains(&self, participant: &ParticipantId) -> bool {
        self.participants.iter().any(|p| &p.id == participant)
    }

    fn find_mut(&mut self, id: &ParticipantId) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| &p.id == id)
    }

    fn reap_dead(&mut self) {
        let dead: Vec<ParticipantId> = self
            .participants
            .iter()
            .filter(|p| !p.rtc.is_alive())
            .map(|p| p.id.clone())
            .collect();
        for id in dead {
            self.remove(&id);
            self.events.push_back(SfuEvent::Disconnected {
                participant: id,
                reason: "connection_lost",
            });
        }
    }

    fn update_gauges(&self) {
        let rooms: HashSet<&RoomId> = self.participants.iter().map(|p| &p.room).collect();
        self.metrics.rooms.set(rooms.len() as i64);
        self.metrics
            .participants
            .set(self.participants.len() as i64);
    }

    fn propagate(&mut self, now: Instant, item: Propagated) {
        match item {
            Propagated::TrackOpen(source, mid, kind) => {
                let Some(room) = self.room_of(&source) else {
                    return;
                };
                for p in self
                    .participants
                    .iter_mut()
                    .filter(|p| p.room == room && p.id != source)
                {
                    p.subscribe(source.clone(), mid, kind);
                }
            }
            Propagated::Media(source, data) => {
                let Some(room) = self.room_of(&source) else {
                    return;
                };
                let kind = if data.params.spec().codec.is_audio() {
                    "audio"
                } else {
                    "video"
                };
                for p in self
                    .participants
                    .iter_mut()
                    .filter(|p| p.room == room && p.id != source)
                {
                    if forward(p, &source, &data) {
                        self.metrics
                            .forwarded_packets
                            .with_label_values(&[kind])
                            .inc();
                        self.metrics
                            .forwarded_bytes
                            .with_label_values(&[kind])
                            .inc_by(data.data.len() as u64);
                    }
                }
            }
            Propagated::Keyframe(source, mid, req) => {
                if let Some(p) = self.find_mut(&source) {
                    p.request_keyframe(now, mid, req.rid, req.kind);
                }
            }
            Propagated::Data(source, label, binary, data) => {
                let Some(room) = self.room_of(&source) else {
                    return;
                };
                // The payload is relayed unchanged (the SFU stays payload-agnostic) to every
                // other participant that opened a channel with the same label.
                for p in self
                    .participants
                    .iter_mut()
                    .filter(|p| p.room == room && p.id != source)
                {
                    let Some(channel) = p.channel_by_label(&label) else {
                        continue;
                    };
                    if p.enqueue(channel, binary, data.clone()) {
                        self.metrics
                            .data_messages
                            .with_label_values(&["relayed"])
                            .inc();
                        self.metrics.data_bytes.inc_by(data.len() as u64);
                        p.flush_channels();
                    } else {
                        self.metrics
                            .data_messages
                            .with_label_values(&["dropped"])
                            .inc();
                        tracing::warn!(participant = %p.id, "data channel queue full: message dropped");
                    }
                }
            }
        }
    }

    fn room_of(&self, id: &ParticipantId) -> Option<RoomId> {
        self.participants
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.room.clone())
    }
}

/// Writes one media packet of `source` to subscriber `p`. True if it was written.
fn forward(p: &mut Participant, source: &ParticipantId, data: &MediaData) -> bool {
    // Without simulcast negotiated the rid is absent; with it, the top layer goes through
    // until per-subscriber layer selection lands.
    if data.rid.is_some_and(|r| r != "h".into()) {
        return false;
    }
    let Some(mid) = p
        .tracks_out
        .iter()
        .find(|t| &t.source == source && t.source_mid == data.mid)
        .and_then(|t| match t.state {
            TrackOutState::Open(m) => Some(m),
            _ => None,
        })
    else {
        return false;
    };
    let Some(writer) = p.rtc.writer(mid) else {
        return false;
    };
    let Some(pt) = writer.match_params(data.params) else {
        return false;
    };
    if let Err(e) = writer.write(pt, data.network_time, data.time, data.data.clone()) {
        tracing::debug!(participant = %p.id, error = %e, "write failed; disconnecting");
        p.rtc.disconnect();
        return false;
    }
    true
}

/// Polls one participant until it waits; returns its next timeout.
fn drive(
    p: &mut Participant,
    now: Instant,
    transmits: &mut VecDeque<Transmit>,
    events: &mut VecDeque<SfuEvent>,
    propagated: &mut Vec<Propagated>,
) -> Instant {
    loop {
        if !p.rtc.is_alive() {
            return now;
        }
        p.flush_channels();
        if let Some(sdp) = p.offer_if_needed() {
            events.push_back(SfuEvent::Offer {
                participant: p.id.clone(),
                sdp,
            });
        }
        let output = match p.rtc.poll_output() {
            Ok(o) => o,
            Err(e) => {
                tracing::debug!(participant = %p.id, error = %e, "poll failed; disconnecting");
                p.rtc.disconnect();
                return now;
            }
        };
        match output {
            Output::Timeout(t) => return t,
            Output::Transmit(t) => transmits.push_back(t),
            Output::Event(event) => match event {
                // ICE consent lost: str0m gives up on the peer, and so do we.
                Event::IceConnectionStateChange(IceConnectionState::Disconnected) => {
                    p.rtc.disconnect()
                }
                Event::Connected if !p.connected => {
                    p.connected = true;
                    events.push_back(SfuEvent::Connected {
                        participant: p.id.clone(),
                    });
                }
                Event::MediaAdded(added) if added.direction.is_receiving() => {
                    let track = TrackId::random();
                    p.tracks_in.push(TrackIn {
                        mid: added.mid,
                        kind: added.kind,
                        last_keyframe_request: None,
                    });
                    events.push_back(SfuEvent::TrackPublished {
                        participant: p.id.clone(),
                        track,
                        kind: if added.kind == MediaKind::Audio {
                            "audio"
                        } else {
                            "video"
                        },
                    });
                    propagated.push(Propagated::TrackOpen(p.id.clone(), added.mid, added.kind));
                }
                Event::MediaData(data) => {
                    if !data.contiguous {
                        p.request_keyframe(now, data.mid, data.rid, KeyframeRequestKind::Fir);
                    }
                    propagated.push(Propagated::Media(p.id.clone(), data));
                }
                Event::ChannelOpen(id, label) => {
                    if let Some(mut ch) = p.rtc.channel(id) {
                        // Wake the relay while a quarter of the buffer is still queued.
                        ch.set_buffered_amount_low_threshold(256 * 1024);
                    }
                    p.channels.push((id, label));
                }
                Event::ChannelClose(id) => p.channels.retain(|(c, _)| *c != id),
                Event::ChannelData(d) => {
                    if let Some(label) = p
                        .channels
                        .iter()
                        .find(|(c, _)| *c == d.id)
                        .map(|(_, l)| l.clone())
                    {
                        propagated.push(Propagated::Data(p.id.clone(), label, d.binary, d.data));
                    }
                }
                Event::KeyframeRequest(req) => {
                    if let Some(t) = p.tracks_out.iter().find(|t| t.mid() == Some(req.mid)) {
                        propagated.push(Propagated::Keyframe(t.source.clone(), t.source_mid, req));
                    }
                }
                _ => {}
            },
        }
    }
}
