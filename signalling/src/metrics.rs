//! Prometheus metrics of the signalling layer.
use prometheus::{Histogram, HistogramOpts, IntCounterVec, IntGauge, Opts, Registry};

/// Signalling counters, registered in the process registry.
#[derive(Clone)]
pub struct SignallingMetrics {
    /// Open signalling WebSocket connections.
    pub connections: IntGauge,
    /// Client messages received, by type (`invalid` for unparsable ones).
    pub messages: IntCounterVec,
    /// Error replies sent, by error code.
    pub errors: IntCounterVec,
    /// From the `join` (token presented) to the first media packet forwarded to the joiner.
    pub time_to_join: Histogram,
    /// Dropped sockets whose place was held (`held`), taken up again (`resumed`), or
    /// resume attempts refused (`failed`).
    pub resumes: IntCounterVec,
    /// Sockets the server closed, by [`crate::CloseReason`] label.
    pub closes: IntCounterVec,
    /// WebSocket upgrades refused before a socket existed, by reason (`address_limit`).
    pub sockets_refused: IntCounterVec,
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
        let time_to_join = Histogram::with_opts(
            HistogramOpts::new(
                "vamt_signalling_time_to_join_seconds",
                "From join (token presented) to the first media packet forwarded to the participant",
            )
            .buckets(vec![0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0, 20.0, 30.0]),
        )?;
        let resumes = IntCounterVec::new(
            Opts::new(
                "vamt_signalling_resumes_total",
                "Dropped signalling sockets: places held, resumed, and refused resumes",
            ),
            &["outcome"],
        )?;
        let closes = IntCounterVec::new(
            Opts::new(
                "vamt_signalling_closes_total",
                "Signalling sockets closed by the server, by reason",
            ),
            &["reason"],
        )?;
        // Every reason shows from the start (at zero), so a rate over it exists before the
        // first such close.
        for r in crate::CloseReason::ALL {
            closes.with_label_values(&[r.as_str()]);
        }
        let sockets_refused = IntCounterVec::new(
            Opts::new(
                "vamt_signalling_sockets_refused_total",
                "Signalling WebSocket upgrades refused, by reason",
            ),
            &["reason"],
        )?;
        sockets_refused.with_label_values(&[crate::limits::REFUSED_ADDRESS_LIMIT]);
        registry.register(Box::new(closes.clone()))?;
        registry.register(Box::new(sockets_refused.clone()))?;
        registry.register(Box::new(resumes.clone()))?;
        registry.register(Box::new(connections.clone()))?;
        registry.register(Box::new(time_to_join.clone()))?;
        registry.register(Box::new(messages.clone()))?;
        registry.register(Box::new(errors.clone()))?;
        Ok(Self {
            connections,
            messages,
            errors,
            time_to_join,
            resumes,
            closes,
            sockets_refused,
        })
    }
}
