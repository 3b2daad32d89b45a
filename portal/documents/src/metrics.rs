//! The case record's counters.
use prometheus::{IntCounter, IntCounterVec, Opts, Registry};

/// Counters of documents and identity checks.
#[derive(Clone)]
pub struct DocumentMetrics {
    /// Bytes of documents received (before sealing).
    pub bytes_received: IntCounter,
    /// Documents received whole, by kind.
    pub received: IntCounterVec,
    /// Uploads or chunks refused, by reason.
    pub refused: IntCounterVec,
    /// Identity checks recorded, by outcome.
    pub identity_checks: IntCounterVec,
}

impl DocumentMetrics {
    /// Registers the counters in `registry`.
    pub fn new(registry: &Registry) -> Result<Self, prometheus::Error> {
        let bytes_received = IntCounter::new(
            "vamt_portal_documents_received_bytes_total",
            "Bytes of documents received from either side of a call.",
        )?;
        let received = IntCounterVec::new(
            Opts::new(
                "vamt_portal_documents_received_total",
                "Documents received whole and accepted, by kind (pdf, jpeg, png).",
            ),
            &["kind"],
        )?;
        let refused = IntCounterVec::new(
            Opts::new(
                "vamt_portal_documents_refused_total",
                "Uploads or chunks refused, by reason (size, checksum, chunk, mismatch, kind, truncated).",
            ),
            &["reason"],
        )?;
        let identity_checks = IntCounterVec::new(
            Opts::new(
                "vamt_portal_identity_checks_total",
                "Identity checks recorded, by outcome (confirmed, failed).",
            ),
            &["outcome"],
        )?;
        registry.register(Box::new(bytes_received.clone()))?;
        registry.register(Box::new(received.clone()))?;
        registry.register(Box::new(refused.clone()))?;
        registry.register(Box::new(identity_checks.clone()))?;
        Ok(Self {
            bytes_received,
            received,
            refused,
            identity_checks,
        })
    }
}
