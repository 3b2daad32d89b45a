//! Prometheus metrics of the STUN/TURN server.
use prometheus::{IntCounter, IntCounterVec, IntGauge, Opts, Registry};

/// STUN/TURN counters.
#[derive(Clone)]
pub struct TurnMetrics {
    /// Allocations open now.
    pub allocations: IntGauge,
    /// Allocations made.
    pub allocations_created: IntCounter,
    /// Allocate requests refused after authentication, by reason.
    pub allocation_failures: IntCounterVec,
    /// Requests with wrong or unknown credentials.
    pub auth_failures: IntCounter,
    /// Requests ignored because their source failed too often.
    pub auth_rate_limited: IntCounter,
    /// Peer addresses refused by the peer policy (403).
    pub peer_denied: IntCounter,
    /// Relayed packets dropped: no permission, over the bandwidth cap.
    pub dropped: IntCounter,
    /// Relayed packets, by direction (`to_peer`, `to_client`) and client transport.
    pub relayed_packets: IntCounterVec,
    /// Relayed payload bytes, by direction and client transport.
    pub relayed_bytes: IntCounterVec,
}

impl TurnMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let m = Self::unregistered()?;
        registry.register(Box::new(m.allocations.clone()))?;
        registry.register(Box::new(m.allocations_created.clone()))?;
        registry.register(Box::new(m.allocation_failures.clone()))?;
        registry.register(Box::new(m.auth_failures.clone()))?;
        registry.register(Box::new(m.auth_rate_limited.clone()))?;
        registry.register(Box::new(m.peer_denied.clone()))?;
        registry.register(Box::new(m.dropped.clone()))?;
        registry.register(Box::new(m.relayed_packets.clone()))?;
        registry.register(Box::new(m.relayed_bytes.clone()))?;
        Ok(m)
    }

    /// The metrics, registered nowhere (tests, benchmarks).
    pub fn unregistered() -> prometheus::Result<Self> {
        Ok(Self {
            allocations: IntGauge::new("vamt_turn_allocations", "TURN allocations open now")?,
            allocations_created: IntCounter::new(
                "vamt_turn_allocations_created_total",
                "TURN allocations made",
            )?,
            allocation_failures: IntCounterVec::new(
                Opts::new(
                    "vamt_turn_allocation_failures_total",
                    "Allocate requests refused, by reason",
                ),
                &["reason"],
            )?,
            auth_failures: IntCounter::new(
                "vamt_turn_auth_failures_total",
                "TURN requests with wrong or unknown credentials",
            )?,
            auth_rate_limited: IntCounter::new(
                "vamt_turn_auth_rate_limited_total",
                "TURN requests ignored because their source failed authentication too often",
            )?,
            peer_denied: IntCounter::new(
                "vamt_turn_peer_denied_total",
                "Peer addresses refused by the relay's peer policy",
            )?,
            dropped: IntCounter::new(
                "vamt_turn_dropped_packets_total",
                "Relayed packets dropped (no permission, over the bandwidth cap)",
            )?,
            relayed_packets: IntCounterVec::new(
                Opts::new(
                    "vamt_turn_relayed_packets_total",
                    "Relayed packets, by direction and client transport",
                ),
                &["direction", "transport"],
            )?,
            relayed_bytes: IntCounterVec::new(
                Opts::new(
                    "vamt_turn_relayed_bytes_total",
                    "Relayed payload bytes, by direction and client transport",
                ),
                &["direction", "transport"],
            )?,
        })
    }
}
