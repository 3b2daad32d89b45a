//! The sans-IO core of a media node: rooms, the demultiplexing of datagrams to
//! participants, and the API signalling drives.
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::bwe::Bitrate;
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::media::Mid;
use str0m::net::{Protocol, Receive, TcpType, Transmit};
use str0m::{Candidate, Input, Rtc};

use crate::metrics::HotCounters;
use crate::participant::{Participant, INITIAL_ESTIMATE};
use crate::room::Room;
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
    /// `subject`'s connection quality changed (worse at once, better when it holds). Sent to
    /// every member of the room, the subject included.
    ConnectionQuality {
        participant: ParticipantId,
        subject: ParticipantId,
        quality: crate::quality::Quality,
    },
    /// The first media packet was forwarded to the participant: it now sees or hears
    /// someone. Once per participant.
    MediaFlowing { participant: ParticipantId },
    /// The participant published a track. Each subscriber's SDP carries it in an m-section
    /// with `a=msid:<participant> <track>`.
    TrackPublished {
        participant: ParticipantId,
        track: TrackId,
        kind: &'static str,
        /// The MID of the track's m-section in the publisher's own SDP (what its
        /// `track_sources` names).
        mid: String,
    },
    /// The participant stopped publishing a track (a re-offer removed it).
    TrackUnpublished {
        participant: ParticipantId,
        track: TrackId,
    },
    /// The room's dominant speaker changed (`speaker` is `None` when nobody speaks). Sent to
    /// every member of the room.
    ActiveSpeaker {
        participant: ParticipantId,
        speaker: Option<ParticipantId>,
    },
    /// The peer connection is gone (ICE consent lost, DTLS failure); the participant has been
    /// removed from the SFU.
    Disconnected {
        participant: ParticipantId,
        reason: &'static str,
    },
}

/// The media plane of one node: every room, every participant's `Rtc`.
///
/// Drive it like a str0m `Rtc`: feed [`Sfu::handle_receive`] and [`Sfu::handle_timeout`],
/// then call [`Sfu::poll`] and drain [`Sfu::pop_transmit`] and [`Sfu::pop_event`].
pub struct Sfu {
    rooms: HashMap<RoomId, Room>,
    /// Which room each participant is in.
    located: HashMap<ParticipantId, RoomId>,
    /// Which participant a source address belongs to, learned from the first datagram its
    /// `Rtc` accepted: demultiplexing is one lookup instead of asking every participant.
    routes: HashMap<(Protocol, SocketAddr), ParticipantId>,
    /// Rooms with input, a command or a due timer since the last poll: only they are driven.
    dirty: Vec<RoomId>,
    /// Each room's next timeout, earliest first. Entries a later drive superseded (the
    /// room's `next_timeout` differs) or of removed rooms are dropped when they surface.
    timers: BinaryHeap<Reverse<(Instant, RoomId)>>,
    candidates: Vec<Candidate>,
    transmits: VecDeque<Transmit>,
    events: VecDeque<SfuEvent>,
    metrics: SfuMetrics,
    hot: HotCounters,
    /// What this core last added to the shared room and participant gauges: shards share
    /// one set of metrics, so each reports its change, not its total.
    reported: (i64, i64),
}

/// How often str0m reports stream statistics (loss, jitter, NACKs) for the metrics.
const STATS_INTERVAL: Duration = Duration::from_secs(5);

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
            rooms: HashMap::new(),
            located: HashMap::new(),
            routes: HashMap::new(),
            dirty: Vec::new(),
            timers: BinaryHeap::new(),
            candidates,
            transmits: VecDeque::new(),
            events: VecDeque::new(),
            hot: metrics.hot(),
            metrics,
            reported: (0, 0),
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
        self.mark_dirty(participant);
        if let Some(p) = self.participant_mut(participant) {
            p.own_offer_dropped();
            let answer = p
                .rtc
                .sdp_api()
                .accept_offer(offer)
                .map_err(|e| SfuError::Negotiation(e.to_string()))?;
            return Ok(answer.to_sdp_string());
        }

        let mut rtc = Rtc::builder()
            .set_ice_lite(true)
            // Packets are forwarded as they come (see `room::forward`); simulcast switching
            // reads VP8 key frames from the payload, so VP8 is the video codec offered.
            .set_rtp_mode(true)
            .clear_codecs()
            .enable_opus(true, false)
            .enable_vp8(true)
            .set_stats_interval(Some(STATS_INTERVAL))
            // The estimate of each subscriber's downlink picks its simulcast layers.
            .enable_bwe(Some(Bitrate::bps(INITIAL_ESTIMATE)))
            .build(now);
        for candidate in &self.candidates {
            rtc.add_local_candidate(candidate.clone());
        }
        let answer = rtc
            .sdp_api()
            .accept_offer(offer)
            .map_err(|e| SfuError::Negotiation(e.to_string()))?;
        let mut joined = Participant::new(participant.clone(), rtc);
        joined.negotiated = true;
        let r = self
            .rooms
            .entry(room.clone())
            .or_insert_with(|| Room::new(room.clone()));
        // Subscribe the newcomer to everything already published in the room.
        for other in &r.participants {
            for t in &other.tracks_in {
                joined.subscribe(other.id.clone(), t.mid, t.id.clone(), t.kind);
            }
        }
        r.participants.push(joined);
        self.located.insert(participant.clone(), room.clone());
        self.mark_dirty(participant);
        self.update_gauges();
        Ok(answer.to_sdp_string())
    }

    /// Takes the browser's answer to the SFU's last [`SfuEvent::Offer`].
    pub fn answer(&mut self, participant: &ParticipantId, sdp: &str) -> Result<(), SfuError> {
        let answer =
            SdpAnswer::from_sdp_string(sdp).map_err(|e| SfuError::InvalidSdp(e.to_string()))?;
        self.mark_dirty(participant);
        let p = self
            .participant_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        let pending = p.pending.take().ok_or(SfuError::NoPendingOffer)?;
        p.pending_sdp = None;
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
        self.mark_dirty(participant);
        let p = self
            .participant_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        p.rtc.add_remote_candidate(c);
        Ok(())
    }

    /// The SFU's offer this participant has not answered yet, if any (a session that
    /// resumed after its socket dropped may never have received it).
    pub fn pending_offer(&self, participant: &ParticipantId) -> Option<String> {
        let room = self.rooms.get(self.located.get(participant)?)?;
        room.participants
            .iter()
            .find(|p| &p.id == participant)?
            .pending_sdp
            .clone()
    }

    /// The subscriber shows the video it receives on `mid` at `width` × `height` device
    /// pixels: it gets no larger simulcast layer than fills that (see [`Layer::for_size`]).
    ///
    /// [`Layer::for_size`]: crate::layer::Layer::for_size
    pub fn set_rendered_size(
        &mut self,
        participant: &ParticipantId,
        mid: &str,
        width: u32,
        height: u32,
    ) -> Result<(), SfuError> {
        self.mark_dirty(participant);
        let p = self
            .participant_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        if p.set_rendered_size(Mid::from(mid), width, height) {
            Ok(())
        } else {
            Err(SfuError::UnknownTrack(mid.to_owned()))
        }
    }

    /// Mutes or unmutes a participant's audio at the SFU: while muted, nothing it sends as
    /// audio reaches the others.
    pub fn set_muted(&mut self, participant: &ParticipantId, muted: bool) -> Result<(), SfuError> {
        let p = self
            .participant_mut(participant)
            .ok_or_else(|| SfuError::UnknownParticipant(participant.clone()))?;
        p.muted = muted;
        Ok(())
    }

    /// Removes a participant (it left, or signalling gave up on it) and stops its tracks at
    /// every subscriber.
    pub fn remove(&mut self, participant: &ParticipantId) {
        let Some(room_id) = self.located.remove(participant) else {
            return;
        };
        self.routes.retain(|_, p| p != participant);
        let Some(room) = self.rooms.get_mut(&room_id) else {
            return;
        };
        if let Some(idx) = room.participants.iter().position(|p| &p.id == participant) {
            let mut gone = room.participants.swap_remove(idx);
            gone.rtc.disconnect();
        }
        for p in &mut room.participants {
            p.unsubscribe_from(participant);
        }
        if !room.dirty {
            room.dirty = true;
            self.dirty.push(room_id.clone());
        }
        if room.participants.is_empty() {
            tracing::debug!(room = %room.id, "room closed: last participant gone");
            self.rooms.remove(&room_id);
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
        // The learned route first, by borrowing (no clone, no allocation per datagram).
        if let Some(id) = self.routes.get(&(proto, source)) {
            if let Some(room_id) = self.located.get(id) {
                if let Some(room) = self.rooms.get_mut(room_id) {
                    if let Some(p) = room.participants.iter_mut().find(|p| &p.id == id) {
                        if p.rtc.accepts(&input) {
                            deliver(p, input);
                            // In RTP mode str0m holds one received packet until the next
                            // poll: take it (and whatever else is ready) now, before the
                            // next datagram replaces it. Forwarding waits for `poll`.
                            crate::room::drive_participant(
                                p,
                                now,
                                &mut self.transmits,
                                &mut self.events,
                                &mut room.propagated,
                                &self.hot,
                            );
                            self.hot.datagrams_in.inc();
                            if !room.dirty {
                                room.dirty = true;
                                self.dirty.push(room_id.clone());
                            }
                            return true;
                        }
                    }
                }
            }
        }
        // A new source, or a participant whose address changed (ICE restart, network
        // switch): ask each `Rtc`, and learn the route.
        let Some(id) = self
            .rooms
            .values()
            .flat_map(|r| r.participants.iter())
            .find(|p| p.rtc.accepts(&input))
            .map(|p| p.id.clone())
        else {
            return false;
        };
        self.routes.insert((proto, source), id.clone());
        self.hot.datagrams_in.inc();
        self.mark_dirty(&id);
        if let Some(room) = self.located.get(&id).and_then(|r| self.rooms.get_mut(r)) {
            if let Some(p) = room.participants.iter_mut().find(|p| p.id == id) {
                deliver(p, input);
                crate::room::drive_participant(
                    p,
                    now,
                    &mut self.transmits,
                    &mut self.events,
                    &mut room.propagated,
                    &self.hot,
                );
            }
        }
        true
    }

    /// Advances the clock of every room whose timer is due.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(Reverse((t, _))) = self.timers.peek() {
            if *t > now {
                break;
            }
            let Some(Reverse((t, id))) = self.timers.pop() else {
                break;
            };
            let Some(room) = self.rooms.get_mut(&id) else {
                continue;
            };
            if room.next_timeout != Some(t) {
                continue;
            }
            room.next_timeout = None;
            // Only the connections that are due: in a paced room one connection's timer
            // fires per released packet, and the others have nothing to do.
            for p in &mut room.participants {
                if p.rtc.is_alive() && p.next_timeout.is_none_or(|t| t <= now) {
                    if let Err(e) = p.rtc.handle_input(Input::Timeout(now)) {
                        tracing::debug!(participant = %p.id, error = %e, "timeout handling failed");
                        p.rtc.disconnect();
                    }
                }
            }
            if !room.dirty {
                room.dirty = true;
                self.dirty.push(id);
            }
        }
    }

    /// Runs the rooms that had input, a command or a due timer until they wait, forwarding
    /// media within each; other rooms cost nothing. Returns when the SFU next needs
    /// [`Sfu::handle_timeout`].
    pub fn poll(&mut self, now: Instant) -> Instant {
        let mut any_dead = false;
        let mut dirty = std::mem::take(&mut self.dirty);
        for id in dirty.drain(..) {
            let Some(room) = self.rooms.get_mut(&id) else {
                continue;
            };
            room.dirty = false;
            let t = room.drive(
                now,
                now + IDLE_TIMEOUT,
                &mut self.transmits,
                &mut self.events,
                &self.hot,
            );
            if room.next_timeout != Some(t) {
                room.next_timeout = Some(t);
                self.timers.push(Reverse((t, id)));
            }
            any_dead |= room.participants.iter().any(|p| !p.rtc.is_alive());
        }
        // Keep the list's allocation for the next round.
        self.dirty = dirty;
        if any_dead {
            self.reap_dead();
        }
        while let Some(Reverse((t, id))) = self.timers.peek() {
            if self
                .rooms
                .get(id)
                .is_some_and(|r| r.next_timeout == Some(*t))
            {
                return (*t).clamp(now, now + IDLE_TIMEOUT);
            }
            self.timers.pop();
        }
        now + IDLE_TIMEOUT
    }

    fn mark_dirty(&mut self, participant: &ParticipantId) {
        if let Some(id) = self.located.get(participant) {
            if let Some(room) = self.rooms.get_mut(id) {
                if !room.dirty {
                    room.dirty = true;
                    self.dirty.push(id.clone());
                }
            }
        }
    }

    /// The next datagram to send.
    pub fn pop_transmit(&mut self) -> Option<Transmit> {
        let t = self.transmits.pop_front();
        if t.is_some() {
            self.hot.datagrams_out.inc();
        }
        t
    }

    /// The next event for signalling.
    pub fn pop_event(&mut self) -> Option<SfuEvent> {
        self.events.pop_front()
    }

    /// The metrics this core reports to.
    pub(crate) fn metrics(&self) -> &SfuMetrics {
        &self.metrics
    }

    /// Participants currently held.
    pub fn participant_count(&self) -> usize {
        self.located.len()
    }

    /// The ICE ufrag this SFU uses towards `participant` (a new one after an ICE restart).
    pub fn local_ufrag(&mut self, participant: &ParticipantId) -> Option<String> {
        let p = self.participant_mut(participant)?;
        Some(p.rtc.direct_api().local_ice_credentials().ufrag)
    }

    /// Whether `participant` is held.
    pub fn contains(&self, participant: &ParticipantId) -> bool {
        self.located.contains_key(participant)
    }

    fn participant_mut(&mut self, id: &ParticipantId) -> Option<&mut Participant> {
        let room = self.located.get(id)?;
        self.rooms.get_mut(room)?.find_mut(id)
    }

    fn reap_dead(&mut self) {
        let dead: Vec<ParticipantId> = self
            .rooms
            .values()
            .flat_map(|r| r.participants.iter())
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

    fn update_gauges(&mut self) {
        let now = (self.rooms.len() as i64, self.located.len() as i64);
        self.metrics.rooms.add(now.0 - self.reported.0);
        self.metrics.participants.add(now.1 - self.reported.1);
        self.reported = now;
    }
}

/// Hands a datagram to a participant's `Rtc`; a refused one ends the peer connection.
fn deliver(p: &mut Participant, input: Input) {
    if let Err(e) = p.rtc.handle_input(input) {
        tracing::debug!(participant = %p.id, error = %e, "input refused; disconnecting");
        p.rtc.disconnect();
    }
}

impl Drop for Sfu {
    /// A stopped core takes what it added out of the shared gauges.
    fn drop(&mut self) {
        self.metrics.rooms.sub(self.reported.0);
        self.metrics.participants.sub(self.reported.1);
    }
}
