//! Prometheus metrics of the media plane.
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};

/// Counters and gauges of one SFU, registered in the process registry.
#[derive(Clone)]
pub struct SfuMetrics {
    /// Rooms with at least one participant.
    pub rooms: IntGauge,
    /// Participants with a live peer connection.
    pub participants: IntGauge,
    /// Media frames written to subscribers, by kind (an audio packet, a whole video frame).
    pub forwarded_frames: IntCounterVec,
    /// RTP payload bytes forwarded to subscribers, by media kind.
    pub forwarded_bytes: IntCounterVec,
    /// Data channel messages relayed to subscribers, by outcome (`relayed`, `dropped`).
    pub data_messages: IntCounterVec,
    /// Data channel bytes relayed to subscribers.
    pub data_bytes: prometheus::IntCounter,
    /// Datagrams (RTP, RTCP, STUN, DTLS) taken in and sent out by the core, by direction.
    pub datagrams: IntCounterVec,
}

impl SfuMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let rooms = IntGauge::new("vamt_sfu_rooms", "Rooms with at least one participant")?;
        let participants = IntGauge::new(
            "vamt_sfu_participants",
            "Participants with a peer connection on this media node",
        )?;
        let forwarded_frames = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_forwarded_frames_total",
                "Media frames (an Opus packet, a video frame) written to subscribers",
            ),
            &["kind"],
        )?;
        let forwarded_bytes = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_forwarded_bytes_total",
                "RTP payload bytes forwarded to subscribers",
            ),
            &["kind"],
        )?;
        let data_messages = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_data_messages_total",
                "Data channel messages relayed to subscribers, by outcome",
            ),
            &["outcome"],
        )?;
        let data_bytes = prometheus::IntCounter::new(
            "vamt_sfu_data_bytes_total",
            "Data channel bytes relayed to subscribers",
        )?;
        let datagrams = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_datagrams_total",
                "Datagrams taken in from and sent to participants, by direction",
            ),
            &["direction"],
        )?;
        registry.register(Box::new(datagrams.clone()))?;
        registry.register(Box::new(data_messages.clone()))?;
        registry.register(Box::new(data_bytes.clone()))?;
        registry.register(Box::new(rooms.clone()))?;
        registry.register(Box::new(participants.clone()))?;
        registry.register(Box::new(forwarded_frames.clone()))?;
        registry.register(Box::new(forwarded_bytes.clone()))?;
        Ok(Self {
            rooms,
            participants,
            forwarded_frames,
            forwarded_bytes,
            data_messages,
            data_bytes,
            datagrams,
        })
    }

    /// Counters resolved once, for the per-packet path (a labelled lookup hashes and locks).
    pub(crate) fn hot(&self) -> HotCounters {
        HotCounters {
            audio_frames: self.forwarded_frames.with_label_values(&["audio"]),
            audio_bytes: self.forwarded_bytes.with_label_values(&["audio"]),
            video_frames: self.forwarded_frames.with_label_values(&["video"]),
            video_bytes: self.forwarded_bytes.with_label_values(&["video"]),
            data_relayed: self.data_messages.with_label_values(&["relayed"]),
            data_dropped: self.data_messages.with_label_values(&["dropped"]),
            data_bytes: self.data_bytes.clone(),
            datagrams_in: self.datagrams.with_label_values(&["in"]),
            datagrams_out: self.datagrams.with_label_values(&["out"]),
        }
    }

    /// Metrics registered nowhere, for tests and tools.
    pub fn unregistered() -> Self {
        Self::new(&Registry::new()).expect("fresh registry accepts the metrics")
    }
}

/// Per-packet counters, resolved from their labels once.
pub(crate) struct HotCounters {
    pub audio_frames: prometheus::IntCounter,
    pub audio_bytes: prometheus::IntCounter,
    pub video_frames: prometheus::IntCounter,
    pub video_bytes: prometheus::IntCounter,
    pub data_relayed: prometheus::IntCounter,
    pub data_dropped: prometheus::IntCounter,
    pub data_bytes: prometheus::IntCounter,
    pub datagrams_in: prometheus::IntCounter,
    pub datagrams_out: prometheus::IntCounter,
}
