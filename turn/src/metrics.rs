//! Prometheus metrics of the STUN/TURN server.
use prometheus::{IntCounterVec, Opts, Registry};

/// STUN/TURN counters.
#[derive(Clone)]
pub struct TurnMetrics {
    /// Datagrams received, by outcome (`answered`, `dropped`).
    pub requests: IntCounterVec,
}

impl TurnMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let requests = IntCounterVec::new(
            Opts::new(
                "vamt_turn_stun_requests_total",
                "STUN datagrams received, by outcome",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(requests.clone()))?;
        Ok(Self { requests })
    }
}
