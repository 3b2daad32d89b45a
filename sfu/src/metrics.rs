//! Prometheus metrics of the media plane.
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};

/// Counters and gauges of one SFU, registered in the process registry.
#[derive(Clone)]
pub struct SfuMetrics {
    /// Rooms with at least one participant.
    pub rooms: IntGauge,
    /// Participants with a live peer connection.
    pub participants: IntGauge,
    /// RTP packets forwarded to subscribers, by media kind.
    pub forwarded_packets: IntCounterVec,
    /// RTP payload bytes forwarded to subscribers, by media kind.
    pub forwarded_bytes: IntCounterVec,
    /// Data channel messages relayed to subscribers, by outcome (`relayed`, `dropped`).
    pub data_messages: IntCounterVec,
    /// Data channel bytes relayed to subscribers.
    pub data_bytes: prometheus::IntCounter,
}

impl SfuMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let rooms = IntGauge::new("vamt_sfu_rooms", "Rooms with at least one participant")?;
        let participants = IntGauge::new(
            "vamt_sfu_participants",
            "Participants with a peer connection on this media node",
        )?;
        let forwarded_packets = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_forwarded_packets_total",
                "RTP packets forwarded to subscribers",
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
        registry.register(Box::new(data_messages.clone()))?;
        registry.register(Box::new(data_bytes.clone()))?;
        registry.register(Box::new(rooms.clone()))?;
        registry.register(Box::new(participants.clone()))?;
        registry.register(Box::new(forwarded_packets.clone()))?;
        registry.register(Box::new(forwarded_bytes.clone()))?;
        Ok(Self {
            rooms,
            participants,
            forwarded_packets,
            forwarded_bytes,
            data_messages,
            data_bytes,
        })
    }

    /// Counters resolved once, for the per-packet path (a labelled lookup hashes and locks).
    pub(crate) fn hot(&self) -> HotCounters {
        HotCounters {
            audio_packets: self.forwarded_packets.with_label_values(&["audio"]),
            audio_bytes: self.forwarded_bytes.with_label_values(&["audio"]),
            video_packets: self.forwarded_packets.with_label_values(&["video"]),
            video_bytes: self.forwarded_bytes.with_label_values(&["video"]),
            data_relayed: self.data_messages.with_label_values(&["relayed"]),
            data_dropped: self.data_messages.with_label_values(&["dropped"]),
            data_bytes: self.data_bytes.clone(),
        }
    }

    /// Metrics registered nowhere, for tests and tools.
    pub fn unregistered() -> Self {
        Self::new(&Registry::new()).expect("fresh registry accepts the metrics")
    }
}

/// Per-packet counters, resolved from their labels once.
pub(crate) struct HotCounters {
    pub audio_packets: prometheus::IntCounter,
    pub audio_bytes: prometheus::IntCounter,
    pub video_packets: prometheus::IntCounter,
    pub video_bytes: prometheus::IntCounter,
    pub data_relayed: prometheus::IntCounter,
    pub data_dropped: prometheus::IntCounter,
    pub data_bytes: prometheus::IntCounter,
}
