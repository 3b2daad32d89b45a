//! One participant's peer connection and the tracks it sends and receives.
use std::collections::VecDeque;
use std::time::{Duration, Instant};

use str0m::channel::ChannelId;

use str0m::bwe::Bitrate;
use str0m::change::SdpPendingOffer;
use str0m::media::{Direction, KeyframeRequestKind, MediaKind, Mid, Pt, Rid};
use str0m::Rtc;

use crate::layer::{self, Layer};
use crate::quality::QualityTracker;
use crate::rewrite::Rewrite;
use crate::stream_tracker::{Available, LayerTrackers};
use crate::sync::{CaptureClock, SenderClock};
use crate::ParticipantId;

/// A track this participant publishes.
#[derive(Debug)]
pub(crate) struct TrackIn {
    /// The track's ID as signalling announces it.
    pub id: crate::TrackId,
    pub mid: Mid,
    pub kind: MediaKind,
    /// When a key frame was last asked for, per stream: without RID, then `l`, `m`, `h`
    /// (see [`rid_slot`]). Per stream, so asking for the layer a subscriber switches
    /// to is not held back by a request for the one it leaves.
    pub last_keyframe_request: [Option<Instant>; 4],
    /// Which simulcast layers arrive.
    pub layers: LayerTrackers,
    /// The latest Sender Report of each stream (slots as [`rid_slot`]): when its packets
    /// were captured, for the subscribers' lip sync (see [`crate::sync`]).
    pub senders: [Option<SenderClock>; 4],
}

/// The slot of a stream's `rid` in a track's per-stream arrays: without RID, then `l`, `m`,
/// `h`.
pub(crate) fn rid_slot(rid: Option<Rid>) -> usize {
    match rid.as_deref().and_then(Layer::from_rid) {
        None => 0,
        Some(Layer::Low) => 1,
        Some(Layer::Medium) => 2,
        Some(Layer::High) => 3,
    }
}

/// A data channel message waiting for room in a subscriber's SCTP send buffer.
#[derive(Debug)]
pub(crate) struct QueuedMessage {
    pub channel: ChannelId,
    pub binary: bool,
    pub data: Vec<u8>,
}

/// Most bytes of relayed data-channel messages held for one subscriber. A subscriber that
/// falls this far behind loses messages (counted), so one slow link cannot exhaust memory.
pub(crate) const MAX_QUEUED_BYTES: usize = 32 * 1024 * 1024;

/// Cumulative counters of one stream as str0m reports them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct StreamTotals {
    pub packets: u64,
    pub bytes: u64,
    pub nacks: u64,
    pub plis: u64,
    pub firs: u64,
}

impl StreamTotals {
    /// What grew since `before` (a restarted stream counts from zero again).
    pub fn since(&self, before: &StreamTotals) -> StreamTotals {
        let d = |now: u64, then: u64| now.checked_sub(then).unwrap_or(now);
        StreamTotals {
            packets: d(self.packets, before.packets),
            bytes: d(self.bytes, before.bytes),
            nacks: d(self.nacks, before.nacks),
            plis: d(self.plis, before.plis),
            firs: d(self.firs, before.firs),
        }
    }
}

/// Where a forwarded track stands in this participant's SDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrackOutState {
    /// Needs an m-line: next renegotiation adds it.
    ToOpen,
    /// Offered to the browser, answer outstanding.
    Negotiating(Mid),
    /// Negotiated: media flows.
    Open(Mid),
    /// The source is gone: next renegotiation stops the m-line.
    ToStop(Mid),
    /// Stop offered, answer outstanding.
    NegotiatingStop(Mid),
}

/// A track of another participant that this one subscribes to.
#[derive(Debug)]
pub(crate) struct TrackOut {
    pub source: ParticipantId,
    pub source_mid: Mid,
    /// The publisher's track ID: the track ID of this m-section's `a=msid`, so the
    /// subscriber can tell which `track_published` it carries.
    pub track: crate::TrackId,
    pub kind: MediaKind,
    pub state: TrackOutState,
    /// The simulcast layer forwarded now (`None` until its first key frame).
    pub layer: Option<Layer>,
    /// The layer the subscriber's bandwidth allows; switched to on its next key frame.
    pub target: Layer,
    /// The largest layer worth sending: what fills the subscriber's video element.
    pub max_layer: Layer,
    /// Sequence numbers, timestamps and picture IDs continued across layer switches.
    pub rewrite: Rewrite,
    /// The subscriber's payload type for the publisher's codec, once matched.
    pub pt: Option<Pt>,
    /// Which of the publisher's simulcast layers arrive at the SFU: only those are chosen.
    pub available: Available,
    /// Whether the publisher's track arrives at the SFU now (some simulcast layer does).
    pub source_arriving: bool,
    /// When a packet of this track was last written to the subscriber.
    pub last_forwarded: Option<Instant>,
    /// When the SFU first saw the subscription open.
    pub open_since: Option<Instant>,
}

impl TrackOut {
    pub fn mid(&self) -> Option<Mid> {
        match self.state {
            TrackOutState::ToOpen => None,
            TrackOutState::Negotiating(m)
            | TrackOutState::Open(m)
            | TrackOutState::ToStop(m)
            | TrackOutState::NegotiatingStop(m) => Some(m),
        }
    }
}

/// One participant: its `Rtc`, its published tracks and its subscriptions.
pub(crate) struct Participant {
    pub id: ParticipantId,
    pub rtc: Rtc,
    /// The offer the SFU made and awaits an answer for.
    pub pending: Option<SdpPendingOffer>,
    /// The SDP of that outstanding offer, to send again to a resumed session.
    pub pending_sdp: Option<String>,
    /// The SFU may only offer once the browser's first offer is answered.
    pub negotiated: bool,
    pub connected: bool,
    pub tracks_in: Vec<TrackIn>,
    pub tracks_out: Vec<TrackOut>,
    /// Open data channels and their labels.
    pub channels: Vec<(ChannelId, String)>,
    /// The subscriber's bandwidth estimate, bits per second, once str0m reports one.
    pub estimate: Option<u64>,
    /// When its connection next wants time, as of its last poll.
    pub next_timeout: Option<Instant>,
    /// Whether any media has been forwarded to it yet.
    pub media_flowing: bool,
    /// Its connection quality as announced to the room.
    pub quality: QualityTracker,
    /// Smoothed loudness of the participant's audio (0 silent … 127 loudest), from the
    /// audio-level header extension.
    pub loudness: f32,
    /// Whether audio arrived since the last speaker evaluation (DTX sends none in silence).
    pub spoke: bool,
    /// Last cumulative stream stats per (mid, rid, egress?), to export deltas. Each
    /// simulcast layer is a stream of its own with its own totals.
    pub last_stats: Vec<(Mid, Option<Rid>, bool, StreamTotals)>,
    /// Relayed messages not yet accepted by SCTP, in order.
    pub queued: VecDeque<QueuedMessage>,
    pub queued_bytes: usize,
    /// Muted by the moderator: its audio is dropped on arrival, before forwarding and
    /// speaker detection, whatever its browser sends.
    pub muted: bool,
    /// Video it should see or send does not flow (see `Room::check_streams`): its
    /// connection counts as poor whatever loss and round trip say.
    pub video_stalled: bool,
    /// Its capture clock (its Sender Reports' NTP time) carried into the SFU's, one offset
    /// for all its streams.
    pub capture_clock: CaptureClock,
}

/// Where each subscriber's bandwidth estimator starts, bits per second.
pub(crate) const INITIAL_ESTIMATE: u64 = 800_000;

/// A PLI/FIR towards a publisher at most this often, so a burst of subscriber requests does
/// not make the publisher send key frames back to back.
const KEYFRAME_REQUEST_INTERVAL: Duration = Duration::from_millis(500);

impl Participant {
    pub fn new(id: ParticipantId, rtc: Rtc) -> Self {
        Self {
            id,
            rtc,
            pending: None,
            pending_sdp: None,
            negotiated: false,
            connected: false,
            tracks_in: Vec::new(),
            tracks_out: Vec::new(),
            channels: Vec::new(),
            last_stats: Vec::new(),
            estimate: None,
            next_timeout: None,
            media_flowing: false,
            quality: QualityTracker::default(),
            loudness: 0.0,
            spoke: false,
            queued: VecDeque::new(),
            queued_bytes: 0,
            muted: false,
            video_stalled: false,
            capture_clock: CaptureClock::default(),
        }
    }

    /// The open channel with `label`.
    pub fn channel_by_label(&self, label: &str) -> Option<ChannelId> {
        self.channels
            .iter()
            .find(|(_, l)| l == label)
            .map(|(id, _)| *id)
    }

    /// Queues a relayed message; false if the queue is full and the message was dropped.
    pub fn enqueue(&mut self, channel: ChannelId, binary: bool, data: Vec<u8>) -> bool {
        if self.queued_bytes + data.len() > MAX_QUEUED_BYTES {
            return false;
        }
        self.queued_bytes += data.len();
        self.queued.push_back(QueuedMessage {
            channel,
            binary,
            data,
        });
        true
    }

    /// Hands queued messages to SCTP, in order, while it has room.
    pub fn flush_channels(&mut self) {
        while let Some(front) = self.queued.front() {
            let Some(mut ch) = self.rtc.channel(front.channel) else {
                // The channel closed: its messages have nowhere to go.
                self.drop_front();
                continue;
            };
            match ch.write(front.binary, &front.data) {
                Ok(true) => self.drop_front(),
                Ok(false) => break,
                Err(e) => {
                    tracing::debug!(participant = %self.id, error = %e, "channel write failed");
                    self.drop_front();
                }
            }
        }
    }

    fn drop_front(&mut self) {
        if let Some(m) = self.queued.pop_front() {
            self.queued_bytes -= m.data.len();
        }
    }

    /// Asks this participant's publisher side for a key frame on `mid`, rate-limited.
    pub fn request_keyframe(
        &mut self,
        now: Instant,
        mid: Mid,
        rid: Option<Rid>,
        kind: KeyframeRequestKind,
    ) {
        let Some(track) = self.tracks_in.iter_mut().find(|t| t.mid == mid) else {
            return;
        };
        let last = &mut track.last_keyframe_request[rid_slot(rid)];
        if last.is_some_and(|t| now.saturating_duration_since(t) < KEYFRAME_REQUEST_INTERVAL) {
            return;
        }
        let mut api = self.rtc.direct_api();
        let Some(stream) = api.stream_rx_by_mid(mid, rid) else {
            return;
        };
        stream.request_keyframe(kind);
        *last = Some(now);
    }

    /// Builds an SFU-side offer for the subscriptions that changed; `None` if nothing did or
    /// an offer is already outstanding (one at a time keeps both sides out of glare).
    pub fn offer_if_needed(&mut self) -> Option<String> {
        if !self.negotiated || self.pending.is_some() {
            return None;
        }
        // Called on every poll of the connection: decide without building an SDP change.
        let changed = self
            .tracks_out
            .iter()
            .any(|t| matches!(t.state, TrackOutState::ToOpen | TrackOutState::ToStop(_)));
        if !changed {
            return None;
        }
        let mut change = self.rtc.sdp_api();
        for track in &mut self.tracks_out {
            match track.state {
                TrackOutState::ToOpen => {
                    // `a=msid:<publisher> <track>`: the stream is the participant, the track
                    // the ID `track_published` announced.
                    let mid = change.add_media(
                        track.kind,
                        Direction::SendOnly,
                        Some(track.source.to_string()),
                        Some(track.track.to_string()),
                        None,
                    );
                    track.state = TrackOutState::Negotiating(mid);
                }
                TrackOutState::ToStop(mid) => {
                    change.stop_media(mid);
                    track.state = TrackOutState::NegotiatingStop(mid);
                }
                _ => {}
            }
        }
        if !change.has_changes() {
            return None;
        }
        let (offer, pending) = change.apply()?;
        self.pending = Some(pending);
        let sdp = offer.to_sdp_string();
        self.pending_sdp = Some(sdp.clone());
        Some(sdp)
    }

    /// The browser answered our offer: the negotiated tracks are now open.
    pub fn answer_accepted(&mut self) {
        for track in &mut self.tracks_out {
            if let TrackOutState::Negotiating(m) = track.state {
                track.state = TrackOutState::Open(m);
            }
        }
        self.tracks_out
            .retain(|t| !matches!(t.state, TrackOutState::NegotiatingStop(_)));
    }

    /// The browser sent an offer of its own, which drops any offer of ours: what we had
    /// offered is offered again later.
    pub fn own_offer_dropped(&mut self) {
        self.pending = None;
        self.pending_sdp = None;
        for track in &mut self.tracks_out {
            match track.state {
                TrackOutState::Negotiating(_) => track.state = TrackOutState::ToOpen,
                TrackOutState::NegotiatingStop(m) => track.state = TrackOutState::ToStop(m),
                _ => {}
            }
        }
    }

    /// The kind of the stream on `mid`: a published track (ingress) or a subscription.
    pub fn kind_of(&self, mid: Mid, egress: bool) -> Option<MediaKind> {
        if egress {
            self.tracks_out
                .iter()
                .find(|t| t.mid() == Some(mid))
                .map(|t| t.kind)
        } else {
            self.tracks_in.iter().find(|t| t.mid == mid).map(|t| t.kind)
        }
    }

    /// Records new cumulative totals of a stream (a MID, and a RID for a simulcast layer);
    /// returns the growth since the last report.
    pub fn stats_delta(
        &mut self,
        mid: Mid,
        rid: Option<Rid>,
        egress: bool,
        totals: StreamTotals,
    ) -> StreamTotals {
        match self
            .last_stats
            .iter_mut()
            .find(|(m, r, e, _)| *m == mid && *r == rid && *e == egress)
        {
            Some((_, _, _, last)) => {
                let d = totals.since(last);
                *last = totals;
                d
            }
            None => {
                self.last_stats.push((mid, rid, egress, totals));
                totals
            }
        }
    }

    /// Stops forwarding everything that came from `source`.
    pub fn unsubscribe_from(&mut self, source: &ParticipantId) {
        self.unsubscribe(source, None);
    }

    /// Stops forwarding `source`'s track on `source_mid`, or all its tracks for `None`.
    pub fn unsubscribe(&mut self, source: &ParticipantId, source_mid: Option<Mid>) {
        self.tracks_out.retain_mut(|t| {
            if &t.source != source || source_mid.is_some_and(|m| m != t.source_mid) {
                return true;
            }
            match t.state {
                TrackOutState::ToOpen => false,
                TrackOutState::Negotiating(m) | TrackOutState::Open(m) => {
                    t.state = TrackOutState::ToStop(m);
                    true
                }
                TrackOutState::ToStop(_) | TrackOutState::NegotiatingStop(_) => true,
            }
        });
    }

    pub fn subscribe(
        &mut self,
        source: ParticipantId,
        source_mid: Mid,
        track: crate::TrackId,
        kind: MediaKind,
    ) {
        let known = self
            .tracks_out
            .iter()
            .any(|t| t.source == source && t.source_mid == source_mid);
        if !known {
            self.tracks_out.push(TrackOut {
                source,
                source_mid,
                track,
                kind,
                state: TrackOutState::ToOpen,
                layer: None,
                target: Layer::Low,
                // Until the page reports the element's size, assume it is large.
                max_layer: Layer::High,
                rewrite: Rewrite::default(),
                pt: None,
                available: Available::default(),
                source_arriving: false,
                last_forwarded: None,
                open_since: None,
            });
            self.retarget();
        }
    }

    /// Records how large the subscriber shows the video it receives on `mid` (device
    /// pixels) and retargets. False when no video subscription has that MID.
    pub fn set_rendered_size(&mut self, mid: Mid, width: u32, height: u32) -> bool {
        let Some(t) = self
            .tracks_out
            .iter_mut()
            .find(|t| t.kind == MediaKind::Video && t.mid() == Some(mid))
        else {
            return false;
        };
        t.max_layer = Layer::for_size(width, height);
        self.retarget();
        true
    }

    /// Recomputes the target layer of every video subscription from the bandwidth estimate
    /// and tells the estimator what to probe for. Returns how many targets moved.
    pub fn retarget(&mut self) -> usize {
        let estimate = self.estimate.unwrap_or(INITIAL_ESTIMATE);
        let live = |t: &&mut TrackOut| {
            !matches!(
                t.state,
                TrackOutState::ToStop(_) | TrackOutState::NegotiatingStop(_)
            )
        };
        let audio = self
            .tracks_out
            .iter_mut()
            .filter(live)
            .filter(|t| t.kind == MediaKind::Audio)
            .count();
        let video = self
            .tracks_out
            .iter_mut()
            .filter(live)
            .filter(|t| t.kind == MediaKind::Video)
            .count();
        if video == 0 {
            return 0;
        }
        let mut moved = 0;
        let mut lowest = Layer::High;
        let mut wanted = 0;
        for t in self
            .tracks_out
            .iter_mut()
            .filter(|t| t.kind == MediaKind::Video)
        {
            // What the link and the tile allow, then the best of that which the publisher
            // actually sends: a layer that went quiet is not waited for.
            let allowed =
                layer::choose(estimate, audio, video, t.layer.or(Some(t.target))).min(t.max_layer);
            let target = t.available.best(allowed);
            if target != t.target {
                t.target = target;
                moved += 1;
            }
            // The most this subscription could use: its tile's layer, or less if that layer
            // does not arrive (no padding towards a layer the publisher does not send).
            let most = t.available.best(t.max_layer).min(t.max_layer);
            if target < most {
                lowest = lowest.min(target);
            }
            wanted += most.bitrate();
        }
        // Probe only for what the screen can show: no padding towards a layer no element
        // is large enough for.
        let (minimum, desired) = layer::probe_goal(audio, video, lowest);
        let audio_reserve = layer::AUDIO_RESERVE * audio as u64;
        let (minimum, desired) = (
            minimum.min(audio_reserve + wanted),
            desired.min(audio_reserve + wanted),
        );
        self.rtc
            .bwe()
            .set_bitrate(Bitrate::bps(minimum), Bitrate::bps(desired));
        moved
    }
}
