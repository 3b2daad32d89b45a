//! Prometheus metrics of the signalling layer.
use prometheus::{IntCounterVec, IntGauge, Opts, Registry};

/// Signalling counters, registered in the process registry.
#[derive(Clone)]
pub struct SignallingMetrics {
    /// Open signalling WebSocket connections.
    pub connections: IntGauge,
    /// Client messages received, by type (`invalid` for unparsable ones).
    pub messages: IntCounterVec,
    /// Error replies sent, by error code.
    pub errors: IntCounterVec,
}

impl SignallingMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let connections = IntGauge::new(
            "vamt_signalling_connections",
            "Open signalling WebSocket connections",
        )?;
        let messages = IntCounterVec::new(
            Opts::new(
                "vamt_signalling_messages_total",
                "Client signalling messages received, by type",
            ),
            &["type"],
        )?;
        let errors = IntCounterVec::new(
            Opts::new(
                "vamt_signalling_errors_total",
                "Error replies sent to signalling clients, by code",
            ),
            &["code"],
        )?;
        registry.register(Box::new(connections.clone()))?;
        registry.register(Box::new(messages.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        Ok(Self {
            connections,
            messages,
            errors,
        })
    }
}
