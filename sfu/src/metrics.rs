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

    /// Metrics registered nowhere, for tests and tools.
    pub fn unregistered() -> Self {
        Self::new(&Registry::new()).expect("fresh registry accepts the metrics")
    }
}
