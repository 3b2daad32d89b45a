//! A room: its participants, and forwarding among them. Rooms never look at each other, so
//! one room's work never touches another's participants.
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::{Duration, Instant};

use str0m::bwe::BweKind;
use str0m::format::PayloadParams;
use str0m::media::{KeyframeRequestKind, MediaKind, Mid, Rid};
use str0m::net::Transmit;
use str0m::rtp::{ExtensionValues, RtpPacket, RtpWrite, VideoOrientation, Vp8Descriptor};
use str0m::{Event, IceConnectionState, Output};

use crate::layer::Layer;
use crate::metrics::HotCounters;
use crate::participant::{rid_slot, Participant, StreamTotals, TrackIn, TrackOutState};
use crate::quality::{self, Quality};
use crate::sync::SenderClock;
use crate::{ParticipantId, RoomId, SfuEvent, TrackId};

/// The cumulative counters of a str0m ingress or egress stats event (same field names,
/// different types).
macro_rules! stream_totals {
    ($s:expr) => {
        StreamTotals {
            packets: $s.packets,
            bytes: $s.bytes,
            nacks: $s.nacks,
            plis: $s.plis,
            firs: $s.firs,
        }
    };
}

/// Something one participant's poll produced that concerns the others.
// `Rtp` is large, but boxing it would allocate once per received packet; these values
// live only in a short local queue.
#[allow(clippy::large_enum_variant)]
pub(crate) enum Propagated {
    /// A publisher's new track: (publisher, its mid, the track's ID, kind).
    TrackOpen(ParticipantId, Mid, TrackId, MediaKind),
    /// The publisher stopped sending on this mid.
    TrackClosed(ParticipantId, Mid),
    Rtp(ParticipantId, Incoming),
    /// A subscriber asked for a key frame: (publisher, publisher's mid, the publisher's RID
    /// of the layer the subscriber gets, kind).
    Keyframe(ParticipantId, Mid, Option<Rid>, KeyframeRequestKind),
    /// Which simulcast layers of a publisher's track arrive changed.
    Layers(ParticipantId, Mid),
    /// A participant's connection quality changed: tell everyone.
    Quality(ParticipantId, Quality),
    /// A data channel message: (sender, channel label, binary, payload).
    Data(ParticipantId, String, bool, Vec<u8>),
}

/// A media packet as received from a publisher, with what forwarding needs to know.
pub(crate) struct Incoming {
    mid: Mid,
    rid: Option<Rid>,
    params: PayloadParams,
    seq: u64,
    ts: u32,
    marker: bool,
    audio_level: Option<i8>,
    voice_activity: Option<bool>,
    video_orientation: Option<VideoOrientation>,
    /// Shared by every subscriber's copy: forwarding clones a reference, not the bytes.
    payload: Arc<[u8]>,
    /// The first packet of a VP8 key frame.
    keyframe: bool,
    picture_id: Option<u16>,
    arrived: Instant,
    /// When it was captured, on the SFU's clock, once the publisher's Sender Report of its
    /// stream tells (see [`crate::sync`]).
    captured: Option<Instant>,
    audio: bool,
}

impl Incoming {
    fn from_packet(
        pkt: RtpPacket,
        mid: Mid,
        rid: Option<Rid>,
        params: PayloadParams,
        captured: Option<Instant>,
    ) -> Self {
        let audio = params.spec().codec.is_audio();
        let vp8 = (!audio)
            .then(|| Vp8Descriptor::parse(&pkt.payload).ok())
            .flatten();
        Self {
            mid,
            rid,
            params,
            seq: *pkt.seq_no,
            ts: pkt.header.timestamp,
            marker: pkt.header.marker,
            audio_level: pkt.header.ext_vals.audio_level,
            voice_activity: pkt.header.ext_vals.voice_activity,
            video_orientation: pkt.header.ext_vals.video_orientation,
            keyframe: vp8.is_some_and(|d| d.starts_keyframe(&pkt.payload)),
            picture_id: vp8.and_then(|d| d.picture_id()),
            payload: pkt.payload,
            arrived: pkt.timestamp,
            captured,
            audio,
        }
    }
}

/// One consultation's participants.
pub(crate) struct Room {
    pub id: RoomId,
    pub participants: Vec<Participant>,
    /// What participants produced for the others, waiting for the next drive; reused
    /// between polls so driving allocates nothing in the steady state.
    pub propagated: Vec<Propagated>,
    /// Something happened (input, command, due timer): drive at the next poll.
    pub dirty: bool,
    /// When the room next needs time, as of its last drive.
    pub next_timeout: Option<Instant>,
    /// The dominant speaker last announced.
    speaker: Option<ParticipantId>,
    last_speaker_check: Option<Instant>,
    last_stream_check: Option<Instant>,
    /// Tracks whose layers changed in a stream check (reused: no allocation per check).
    changed: Vec<(usize, Mid)>,
}

/// How often the dominant speaker is re-evaluated.
const SPEAKER_INTERVAL: Duration = Duration::from_millis(300);
/// Loudness (127 + dBov) below which nobody counts as speaking: about -60 dBov.
const SPEAKING_THRESHOLD: f32 = 67.0;
/// How much louder a challenger must be to take over, so the highlight does not flicker.
const SPEAKER_HYSTERESIS: f32 = 6.0;
/// How often the publishers' simulcast layers are checked for silence. Small against the
/// stream tracker's 500 ms window, so a stop is acted on at most this much later.
const STREAM_CHECK_INTERVAL: Duration = Duration::from_millis(50);
/// A video subscription that gets nothing this long while its source arrives at the SFU
/// makes the subscriber's connection poor: the picture is frozen. Long enough for a first
/// key frame (one round trip and the publisher's encoder) and a layer switch.
const VIDEO_STALL: Duration = Duration::from_secs(2);

impl Room {
    pub fn new(id: RoomId) -> Self {
        Self {
            id,
            participants: Vec::new(),
            propagated: Vec::new(),
            dirty: false,
            next_timeout: None,
            speaker: None,
            last_speaker_check: None,
            last_stream_check: None,
            changed: Vec::new(),
        }
    }

    pub fn find_mut(&mut self, id: &ParticipantId) -> Option<&mut Participant> {
        self.participants.iter_mut().find(|p| &p.id == id)
    }

    /// Runs every participant until it waits, forwarding between them until nothing is left
    /// to forward. Returns the earliest timeout.
    pub fn drive(
        &mut self,
        now: Instant,
        mut next: Instant,
        transmits: &mut VecDeque<Transmit>,
        events: &mut VecDeque<SfuEvent>,
        hot: &HotCounters,
    ) -> Instant {
        loop {
            let mut propagated = std::mem::take(&mut self.propagated);
            for p in &mut self.participants {
                next = next.min(drive_participant(
                    p,
                    now,
                    transmits,
                    events,
                    &mut propagated,
                    hot,
                ));
            }
            if propagated.is_empty() {
                self.propagated = propagated;
                self.check_streams(now, events);
                self.check_speaker(now, events);
                return next.min(now + SPEAKER_INTERVAL);
            }
            for item in propagated.drain(..) {
                self.propagate(now, item, events, hot);
            }
            self.propagated = propagated;
        }
    }

    /// Checks every publisher's simulcast layers for silence, moves subscribers off layers
    /// that went quiet (and back onto ones that returned), and marks participants whose
    /// video does not flow as poor, at most every [`STREAM_CHECK_INTERVAL`].
    fn check_streams(&mut self, now: Instant, events: &mut VecDeque<SfuEvent>) {
        if self
            .last_stream_check
            .is_some_and(|t| now.saturating_duration_since(t) < STREAM_CHECK_INTERVAL)
        {
            return;
        }
        self.last_stream_check = Some(now);
        let mut changed = std::mem::take(&mut self.changed);
        for (i, p) in self.participants.iter_mut().enumerate() {
            for t in &mut p.tracks_in {
                if t.layers.check(now) {
                    changed.push((i, t.mid));
                }
            }
        }
        for (i, mid) in changed.drain(..) {
            self.apply_layers(i, mid);
        }
        self.changed = changed;

        // Video that does not flow. A publisher whose every layer went quiet sends no
        // picture (its uplink starved); a subscriber that gets nothing of a track that
        // arrives at the SFU sees a frozen one. Either is poor, whatever loss and round trip
        // say: in issue 18 the clerk was told "good" while no video of the citizen came.
        for i in 0..self.participants.len() {
            let p = &mut self.participants[i];
            let publishing_nothing = p
                .tracks_in
                .iter()
                .any(|t| t.kind == MediaKind::Video && t.layers.all_stopped());
            let mut frozen = false;
            for t in &mut p.tracks_out {
                let TrackOutState::Open(_) = t.state else {
                    continue;
                };
                if t.kind != MediaKind::Video {
                    continue;
                }
                let since = *t.open_since.get_or_insert(now);
                let last = t.last_forwarded.map_or(since, |f| f.max(since));
                frozen |= t.source_arriving && now.saturating_duration_since(last) >= VIDEO_STALL;
            }
            let stalled = publishing_nothing || frozen;
            if stalled == p.video_stalled {
                continue;
            }
            p.video_stalled = stalled;
            // Worse is told at once; better waits for the next stats reports to agree.
            if stalled {
                if let Some(q) = p.quality.update(Quality::Poor) {
                    let subject = p.id.clone();
                    for other in &self.participants {
                        events.push_back(SfuEvent::ConnectionQuality {
                            participant: other.id.clone(),
                            subject: subject.clone(),
                            quality: q,
                        });
                    }
                }
            }
        }
    }

    /// Tells every subscriber of participant `publisher`'s track `mid` which of its layers
    /// arrive, and retargets them.
    fn apply_layers(&mut self, publisher: usize, mid: Mid) {
        let Some(p) = self.participants.get(publisher) else {
            return;
        };
        let Some(track) = p.tracks_in.iter().find(|t| t.mid == mid) else {
            return;
        };
        let available = track.layers.available();
        let arriving = track.layers.any_arriving();
        let source = p.id.clone();
        for p in self.participants.iter_mut().filter(|p| p.id != source) {
            let mut moved = false;
            for t in p
                .tracks_out
                .iter_mut()
                .filter(|t| t.source == source && t.source_mid == mid)
            {
                t.source_arriving = arriving;
                if t.available != available {
                    t.available = available;
                    moved = true;
                }
            }
            if moved {
                p.retarget();
            }
        }
    }

    /// Announces a new dominant speaker to every member, at most every
    /// [`SPEAKER_INTERVAL`].
    fn check_speaker(&mut self, now: Instant, events: &mut VecDeque<SfuEvent>) {
        if self
            .last_speaker_check
            .is_some_and(|t| now.saturating_duration_since(t) < SPEAKER_INTERVAL)
        {
            return;
        }
        self.last_speaker_check = Some(now);
        for p in &mut self.participants {
            if !p.spoke {
                // No audio at all (DTX in silence, muted): fade out.
                p.loudness *= 0.5;
            }
            p.spoke = false;
        }
        let loudest = self
            .participants
            .iter()
            .filter(|p| p.loudness >= SPEAKING_THRESHOLD)
            .max_by(|a, b| a.loudness.total_cmp(&b.loudness));
        let current = self
            .speaker
            .as_ref()
            .and_then(|s| self.participants.iter().find(|p| &p.id == s))
            .filter(|p| p.loudness >= SPEAKING_THRESHOLD);
        let next = match (loudest, current) {
            (Some(l), Some(c)) if l.id != c.id && l.loudness < c.loudness + SPEAKER_HYSTERESIS => {
                Some(c.id.clone())
            }
            (l, _) => l.map(|p| p.id.clone()),
        };
        if next != self.speaker {
            self.speaker = next.clone();
            for p in &self.participants {
                events.push_back(SfuEvent::ActiveSpeaker {
                    participant: p.id.clone(),
                    speaker: next.clone(),
                });
            }
        }
    }

    fn propagate(
        &mut self,
        now: Instant,
        item: Propagated,
        events: &mut VecDeque<SfuEvent>,
        hot: &HotCounters,
    ) {
        match item {
            Propagated::TrackOpen(source, mid, track, kind) => {
                for p in self.participants.iter_mut().filter(|p| p.id != source) {
                    p.subscribe(source.clone(), mid, track.clone(), kind);
                }
            }
            Propagated::TrackClosed(source, mid) => {
                for p in self.participants.iter_mut().filter(|p| p.id != source) {
                    p.unsubscribe(&source, Some(mid));
                }
            }
            Propagated::Rtp(source, pkt) => {
                if let Some(level) = pkt.audio_level {
                    if let Some(p) = self.find_mut(&source) {
                        // dBov: 0 is loudest, -127 silence.
                        let loudness = 127.0 + f32::from(level.clamp(-127, 0));
                        p.loudness = 0.7 * p.loudness + 0.3 * loudness;
                        p.spoke = true;
                    }
                }
                let (frames, bytes, latency) = if pkt.audio {
                    (&hot.audio_frames, &hot.audio_bytes, &hot.audio_latency)
                } else {
                    (&hot.video_frames, &hot.video_bytes, &hot.video_latency)
                };
                let waited = now.saturating_duration_since(pkt.arrived).as_secs_f64();
                // An Opus packet is a frame; a video frame ends with the marker bit.
                let ends_frame = pkt.audio || pkt.marker;
                let mut wanted: Option<Layer> = None;
                for p in self.participants.iter_mut().filter(|p| p.id != source) {
                    match forward(p, &source, &pkt) {
                        Forwarded::Written => {}
                        Forwarded::Switched { up } => {
                            let c = if up { &hot.layer_up } else { &hot.layer_down };
                            c.inc();
                        }
                        Forwarded::Skipped => continue,
                        Forwarded::NeedsKeyframe(layer) => {
                            wanted = Some(layer);
                            continue;
                        }
                    }
                    if ends_frame {
                        frames.inc();
                    }
                    if !p.media_flowing {
                        p.media_flowing = true;
                        events.push_back(SfuEvent::MediaFlowing {
                            participant: p.id.clone(),
                        });
                    }
                    bytes.inc_by(pkt.payload.len() as u64);
                    latency.observe(waited);
                }
                // A subscriber waits to switch: ask the publisher for a key frame of the
                // layer it waits for (rate-limited per track).
                if let Some(layer) = wanted {
                    if let Some(publisher) = self.find_mut(&source) {
                        let rid = Rid::from(layer.rid());
                        publisher.request_keyframe(
                            now,
                            pkt.mid,
                            Some(rid),
                            KeyframeRequestKind::Pli,
                        );
                    }
                }
            }
            Propagated::Quality(subject, q) => {
                for p in &self.participants {
                    events.push_back(SfuEvent::ConnectionQuality {
                        participant: p.id.clone(),
                        subject: subject.clone(),
                        quality: q,
                    });
                }
            }
            Propagated::Keyframe(source, mid, rid, kind) => {
                if let Some(p) = self.find_mut(&source) {
                    p.request_keyframe(now, mid, rid, kind);
                }
            }
            Propagated::Layers(source, mid) => {
                if let Some(i) = self.participants.iter().position(|p| p.id == source) {
                    self.apply_layers(i, mid);
                }
            }
            Propagated::Data(source, label, binary, data) => {
                // The payload is relayed unchanged (the SFU stays payload-agnostic) to every
                // other participant that opened a channel with the same label.
                for p in self.participants.iter_mut().filter(|p| p.id != source) {
                    let Some(channel) = p.channel_by_label(&label) else {
                        continue;
                    };
                    if p.enqueue(channel, binary, data.clone()) {
                        hot.data_relayed.inc();
                        hot.data_bytes.inc_by(data.len() as u64);
                        p.flush_channels();
                    } else {
                        hot.data_dropped.inc();
                        tracing::warn!(participant = %p.id, "data channel queue full: message dropped");
                    }
                }
            }
        }
    }
}

/// What forwarding one frame to one subscriber came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Forwarded {
    Written,
    /// Written, and the subscriber now sees another simulcast layer.
    Switched {
        up: bool,
    },
    Skipped,
    /// The subscriber waits for a key frame of this layer to switch to it.
    NeedsKeyframe(Layer),
}

/// A publisher's new track: known to the room's signalling and opened at every subscriber.
fn publish(
    p: &mut Participant,
    mid: Mid,
    kind: MediaKind,
    events: &mut VecDeque<SfuEvent>,
    propagated: &mut Vec<Propagated>,
) {
    let track = TrackId::random();
    p.tracks_in.push(TrackIn {
        id: track.clone(),
        mid,
        kind,
        last_keyframe_request: [None; 4],
        layers: Default::default(),
        senders: [None; 4],
    });
    events.push_back(SfuEvent::TrackPublished {
        participant: p.id.clone(),
        track: track.clone(),
        kind: kind_label(kind),
        mid: mid.to_string(),
    });
    propagated.push(Propagated::TrackOpen(p.id.clone(), mid, track, kind));
}

/// Writes one media packet of `source` to subscriber `p`, choosing among simulcast layers:
/// a subscriber gets one layer, and changes to its target layer only at the first packet of
/// a key frame of that layer, so the picture never breaks. The packet is forwarded as it
/// came (no depacketizing): only its sequence number, timestamp and VP8 picture ID are
/// rewritten so the subscriber sees one continuous stream across switches.
fn forward(p: &mut Participant, source: &ParticipantId, pkt: &Incoming) -> Forwarded {
    let Some(t) = p
        .tracks_out
        .iter_mut()
        .find(|t| &t.source == source && t.source_mid == pkt.mid)
    else {
        return Forwarded::Skipped;
    };
    let TrackOutState::Open(mid) = t.state else {
        return Forwarded::Skipped;
    };
    if pkt.payload.is_empty() {
        // Padding (the publisher's bandwidth probing) is not media.
        return Forwarded::Skipped;
    }
    let mut result = Forwarded::Written;
    match pkt.rid.as_ref().map(|r| Layer::from_rid(r)) {
        Some(None) => return Forwarded::Skipped,
        Some(Some(layer)) => {
            if layer == t.target && t.layer != Some(layer) {
                if !pkt.keyframe {
                    return Forwarded::NeedsKeyframe(layer);
                }
                // The first layer a subscriber gets is a start, not a switch.
                if let Some(old) = t.layer {
                    result = Forwarded::Switched { up: layer > old };
                }
                t.layer = Some(layer);
                t.rewrite.rebase(
                    pkt.seq,
                    pkt.ts,
                    pkt.picture_id,
                    pkt.arrived,
                    pkt.captured,
                    pkt.params.spec().clock_rate.get(),
                );
            } else if t.layer != Some(layer) {
                return Forwarded::Skipped;
            }
        }
        None => {
            if !t.rewrite.started() {
                t.rewrite.rebase(
                    pkt.seq,
                    pkt.ts,
                    pkt.picture_id,
                    pkt.arrived,
                    pkt.captured,
                    pkt.params.spec().clock_rate.get(),
                );
            }
        }
    }
    let Some(out) = t
        .rewrite
        .map(pkt.seq, pkt.ts, pkt.picture_id, pkt.arrived, pkt.captured)
    else {
        return Forwarded::Skipped;
    };
    t.last_forwarded = Some(pkt.arrived);
    let pt = match t.pt {
        Some(pt) => pt,
        None => {
            let Some(pt) = p
                .rtc
                .codec_config()
                .match_params(pkt.params)
                .map(|c| c.pt())
            else {
                return Forwarded::Skipped;
            };
            t.pt = Some(pt);
            pt
        }
    };
    // Only what describes the media travels on; MID, RID and transport fields are the
    // subscriber connection's own.
    let ext = ExtensionValues {
        audio_level: pkt.audio_level,
        voice_activity: pkt.voice_activity,
        video_orientation: pkt.video_orientation,
        ..Default::default()
    };
    // str0m builds this stream's Sender Reports from the wallclock of the last packet
    // written: the capture time keeps the subscriber's lip sync on the publisher's clock.
    // The arrival time (until the publisher's first Sender Report) counts the packet's
    // queueing as media time: issue 18's audio delay (see `crate::sync`).
    let wallclock = pkt.captured.unwrap_or(pkt.arrived);
    let mut write = RtpWrite::new(pt, out.seq.into(), out.ts, wallclock, pkt.payload.clone())
        .marker(pkt.marker)
        .ext_vals(ext)
        // Video is resent on NACK from the subscriber; a late Opus packet is useless.
        .nackable(!pkt.audio);
    if let Some(pid) = out.picture_id.filter(|pid| Some(*pid) != pkt.picture_id) {
        if let Some(patch) = Vp8Descriptor::parse(&pkt.payload)
            .ok()
            .and_then(|d| d.patch().picture_id(pid).build().ok())
        {
            write = write.vp8_patch(patch);
        }
    }
    let mut api = p.rtc.direct_api();
    let Some(tx) = api.stream_tx_by_mid(mid, None) else {
        return Forwarded::Skipped;
    };
    tx.write_rtp(write);
    result
}

/// Polls one participant until it waits; returns its next timeout. What concerns the
/// others goes to `propagated`, forwarded when the room is next driven.
pub(crate) fn drive_participant(
    p: &mut Participant,
    now: Instant,
    transmits: &mut VecDeque<Transmit>,
    events: &mut VecDeque<SfuEvent>,
    propagated: &mut Vec<Propagated>,
    hot: &HotCounters,
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
            Output::Timeout(t) => {
                p.next_timeout = Some(t);
                return t;
            }
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
                    publish(p, added.mid, added.kind, events, propagated);
                }
                // A track stopped earlier sends again on its old mid (a screen shared anew).
                Event::MediaChanged(changed)
                    if changed.direction.is_receiving()
                        && !p.tracks_in.iter().any(|t| t.mid == changed.mid) =>
                {
                    if let Some(kind) = p.rtc.media(changed.mid).map(|m| m.kind()) {
                        publish(p, changed.mid, kind, events, propagated);
                    }
                }
                // A re-offer stopped a published track (screen share ended, camera removed).
                Event::MediaChanged(changed) if !changed.direction.is_receiving() => {
                    if let Some(idx) = p.tracks_in.iter().position(|t| t.mid == changed.mid) {
                        let gone = p.tracks_in.swap_remove(idx);
                        events.push_back(SfuEvent::TrackUnpublished {
                            participant: p.id.clone(),
                            track: gone.id,
                        });
                        propagated.push(Propagated::TrackClosed(p.id.clone(), changed.mid));
                    }
                }
                Event::RtpPacket(pkt) => {
                    let Some((mid, rid)) = p
                        .rtc
                        .direct_api()
                        .stream_rx(&pkt.header.ssrc)
                        .map(|rx| (rx.mid(), rx.rid()))
                    else {
                        continue;
                    };
                    let pt = pkt.header.payload_type;
                    let Some(params) = p
                        .rtc
                        .codec_config()
                        .params()
                        .iter()
                        .find(|c| c.pt() == pt)
                        .copied()
                    else {
                        continue;
                    };
                    if p.muted && params.spec().codec.is_audio() {
                        continue;
                    }
                    let track = p.tracks_in.iter_mut().find(|t| t.mid == mid);
                    // When it was captured, per the publisher's report on its stream.
                    let sender = track.as_ref().and_then(|t| t.senders[rid_slot(rid)]);
                    // Which simulcast layers arrive: padding (empty) is not media.
                    if let (Some(layer), Some(t)) =
                        (rid.as_deref().and_then(Layer::from_rid), track)
                    {
                        if !pkt.payload.is_empty() && t.layers.observe(layer, now) {
                            propagated.push(Propagated::Layers(p.id.clone(), mid));
                        }
                    }
                    let captured = sender.map(|s| {
                        let at = s.capture_us(pkt.header.timestamp, params.spec().clock_rate.get());
                        p.capture_clock.local(pkt.timestamp, at)
                    });
                    propagated.push(Propagated::Rtp(
                        p.id.clone(),
                        Incoming::from_packet(pkt, mid, rid, params, captured),
                    ));
                }
                // The publisher's NTP ↔ RTP mapping of one of its streams (a layer each).
                Event::SenderFeedback(fb) => {
                    if let Some(t) = p.tracks_in.iter_mut().find(|t| t.mid == fb.mid) {
                        let info = fb.sender_info;
                        // The report's own 32-bit timestamp (str0m extends it).
                        let rtp = info.rtp_time.numer() as u32;
                        if let Some(s) = SenderClock::new(rtp, info.ntp_time) {
                            t.senders[rid_slot(fb.rid)] = Some(s);
                        }
                    }
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
                Event::MediaIngressStats(s) => {
                    let totals = stream_totals!(s);
                    if let Some(kind) = record_stream(p, s.mid, s.rid, false, totals, &hot.all) {
                        let k = kind_label(kind);
                        if let Some(loss) = s.loss {
                            hot.all
                                .ingress_loss
                                .with_label_values(&[k])
                                .observe(f64::from(loss));
                        }
                        // Jitter is in RTP clock units: 48 kHz for Opus, 90 kHz for video.
                        let clock = if kind == MediaKind::Audio {
                            48_000.0
                        } else {
                            90_000.0
                        };
                        hot.all
                            .ingress_jitter
                            .with_label_values(&[k])
                            .observe(f64::from(s.jitter) / clock);
                    }
                }
                Event::MediaEgressStats(s) => {
                    let totals = stream_totals!(s);
                    record_stream(p, s.mid, s.rid, true, totals, &hot.all);
                }
                Event::PeerStats(s) => {
                    let q = if p.video_stalled {
                        Quality::Poor
                    } else {
                        quality::assess(s.ingress_loss_fraction, s.egress_loss_fraction, s.rtt)
                    };
                    if let Some(changed) = p.quality.update(q) {
                        propagated.push(Propagated::Quality(p.id.clone(), changed));
                    }
                    if let Some(rtt) = s.rtt {
                        hot.all.rtt.observe(rtt.as_secs_f64());
                    }
                    if let Some(bwe) = s.bwe_tx {
                        hot.all.estimated_bandwidth.observe(bwe.as_f64());
                    }
                }
                Event::EgressBitrateEstimate(BweKind::Twcc { estimate, .. }) => {
                    p.estimate = Some(estimate.as_u64());
                    p.retarget();
                }
                Event::KeyframeRequest(req) => {
                    if let Some(t) = p.tracks_out.iter().find(|t| t.mid() == Some(req.mid)) {
                        // The subscriber's stream has no RID; the key frame it needs is of
                        // the layer it gets. Without a RID str0m picks any of the
                        // publisher's layers, so the request reached the right one by luck.
                        let rid = t.layer.map(|l| Rid::from(l.rid())).or(req.rid);
                        propagated.push(Propagated::Keyframe(
                            t.source.clone(),
                            t.source_mid,
                            rid,
                            req.kind,
                        ));
                    }
                }
                _ => {}
            },
        }
    }
}

fn kind_label(kind: MediaKind) -> &'static str {
    if kind == MediaKind::Audio {
        "audio"
    } else {
        "video"
    }
}

/// Exports the growth of one stream's cumulative counters; returns its kind if known.
/// A simulcast track is one stream per RID: keyed by MID alone, the layers' totals
/// overwrote each other and each report counted a layer's whole total again (issue 18:
/// 759,635 video packets counted in against 86,757 datagrams).
fn record_stream(
    p: &mut Participant,
    mid: Mid,
    rid: Option<Rid>,
    egress: bool,
    totals: StreamTotals,
    m: &crate::SfuMetrics,
) -> Option<MediaKind> {
    let kind = p.kind_of(mid, egress)?;
    let d = p.stats_delta(mid, rid, egress, totals);
    let dir = if egress { "out" } else { "in" };
    let k = kind_label(kind);
    m.rtp_packets.with_label_values(&[dir, k]).inc_by(d.packets);
    m.rtp_bytes.with_label_values(&[dir, k]).inc_by(d.bytes);
    m.nacks.with_label_values(&[dir]).inc_by(d.nacks);
    m.keyframe_requests
        .with_label_values(&[dir, "pli"])
        .inc_by(d.plis);
    m.keyframe_requests
        .with_label_values(&[dir, "fir"])
        .inc_by(d.firs);
    Some(kind)
}
