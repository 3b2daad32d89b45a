//! Prometheus metrics of the media plane.
use prometheus::{
    HistogramOpts, HistogramVec, IntCounterVec, IntGauge, IntGaugeVec, Opts, Registry,
};

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
    /// RTP packets per participant stream, by direction (`in` from publishers, `out` to
    /// subscribers) and kind.
    pub rtp_packets: IntCounterVec,
    /// RTP bytes, by direction and kind.
    pub rtp_bytes: IntCounterVec,
    /// NACKs, by direction (`in`: we asked publishers to resend; `out`: subscribers asked us).
    pub nacks: IntCounterVec,
    /// Key frame requests, by direction and type (`pli`, `fir`).
    pub keyframe_requests: IntCounterVec,
    /// Loss seen on streams from publishers (fraction per stats interval), by kind.
    pub ingress_loss: HistogramVec,
    /// Jitter seen on streams from publishers, by kind.
    pub ingress_jitter: HistogramVec,
    /// Round-trip time to participants.
    pub rtt: prometheus::Histogram,
    /// Estimated bandwidth towards participants, when the estimator runs.
    pub estimated_bandwidth: prometheus::Histogram,
    /// Simulcast layer switches of subscribers, by direction (`up`, `down`).
    pub layer_switches: IntCounterVec,
    /// Time from a frame's arrival at the node to its write towards a subscriber, by kind.
    pub forwarding_latency: HistogramVec,
    /// Participants on each media shard (thread), by shard number.
    pub shard_participants: IntGaugeVec,
    /// Datagrams the reading shard read for another shard and could not hand over (that
    /// shard's queue was full: it is overloaded).
    pub handoff_dropped: prometheus::IntCounter,
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
        let rtp_packets = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_rtp_packets_total",
                "RTP packets by direction and kind",
            ),
            &["direction", "kind"],
        )?;
        let rtp_bytes = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_rtp_bytes_total",
                "RTP bytes by direction and kind",
            ),
            &["direction", "kind"],
        )?;
        let nacks = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_nacks_total",
                "NACKs sent to publishers (in) and received from subscribers (out)",
            ),
            &["direction"],
        )?;
        let keyframe_requests = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_keyframe_requests_total",
                "Key frame requests sent to publishers (in) and received from subscribers (out)",
            ),
            &["direction", "type"],
        )?;
        let ingress_loss = HistogramVec::new(
            HistogramOpts::new(
                "vamt_sfu_ingress_loss_ratio",
                "Packet loss on streams from publishers, per stats interval",
            )
            .buckets(vec![0.0, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]),
            &["kind"],
        )?;
        let ingress_jitter = HistogramVec::new(
            HistogramOpts::new(
                "vamt_sfu_ingress_jitter_seconds",
                "Interarrival jitter on streams from publishers",
            )
            .buckets(vec![0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]),
            &["kind"],
        )?;
        let rtt = prometheus::Histogram::with_opts(
            HistogramOpts::new("vamt_sfu_rtt_seconds", "Round-trip time to participants")
                .buckets(vec![0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.4, 0.8]),
        )?;
        let estimated_bandwidth = prometheus::Histogram::with_opts(
            HistogramOpts::new(
                "vamt_sfu_estimated_bandwidth_bits_per_second",
                "Estimated bandwidth towards participants",
            )
            .buckets(vec![100e3, 250e3, 500e3, 1e6, 2e6, 4e6, 8e6]),
        )?;
        let layer_switches = IntCounterVec::new(
            Opts::new(
                "vamt_sfu_layer_switches_total",
                "Simulcast layer switches of subscribers, by direction",
            ),
            &["direction"],
        )?;
        registry.register(Box::new(layer_switches.clone()))?;
        let forwarding_latency = HistogramVec::new(
            HistogramOpts::new(
                "vamt_sfu_forwarding_latency_seconds",
                "Time from a frame's arrival (its last packet) to its write towards a subscriber",
            )
            .buckets(vec![
                0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
            ]),
            &["kind"],
        )?;
        registry.register(Box::new(forwarding_latency.clone()))?;
        registry.register(Box::new(rtp_packets.clone()))?;
        registry.register(Box::new(rtp_bytes.clone()))?;
        registry.register(Box::new(nacks.clone()))?;
        registry.register(Box::new(keyframe_requests.clone()))?;
        registry.register(Box::new(ingress_loss.clone()))?;
        registry.register(Box::new(ingress_jitter.clone()))?;
        registry.register(Box::new(rtt.clone()))?;
        registry.register(Box::new(estimated_bandwidth.clone()))?;
        registry.register(Box::new(data_messages.clone()))?;
        registry.register(Box::new(data_bytes.clone()))?;
        registry.register(Box::new(rooms.clone()))?;
        registry.register(Box::new(participants.clone()))?;
        registry.register(Box::new(forwarded_frames.clone()))?;
        registry.register(Box::new(forwarded_bytes.clone()))?;
        let shard_participants = IntGaugeVec::new(
            Opts::new(
                "vamt_sfu_shard_participants",
                "Participants on each media shard (thread)",
            ),
            &["shard"],
        )?;
        let handoff_dropped = prometheus::IntCounter::new(
            "vamt_sfu_shard_handoff_dropped_total",
            "Datagrams the reading shard could not hand to a full shard",
        )?;
        registry.register(Box::new(shard_participants.clone()))?;
        registry.register(Box::new(handoff_dropped.clone()))?;
        Ok(Self {
            rooms,
            participants,
            forwarded_frames,
            forwarded_bytes,
            data_messages,
            data_bytes,
            datagrams,
            rtp_packets,
            rtp_bytes,
            nacks,
            keyframe_requests,
            ingress_loss,
            ingress_jitter,
            rtt,
            estimated_bandwidth,
            layer_switches,
            forwarding_latency,
            shard_participants,
            handoff_dropped,
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
            audio_latency: self.forwarding_latency.with_label_values(&["audio"]),
            video_latency: self.forwarding_latency.with_label_values(&["video"]),
            layer_up: self.layer_switches.with_label_values(&["up"]),
            layer_down: self.layer_switches.with_label_values(&["down"]),
            all: self.clone(),
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
    pub audio_latency: prometheus::Histogram,
    pub video_latency: prometheus::Histogram,
    pub layer_up: prometheus::IntCounter,
    pub layer_down: prometheus::IntCounter,
    /// Everything else, for updates that happen per stats interval, not per packet.
    pub all: SfuMetrics,
}
