//! The payments' counters (docs/payments.md §6.5). Labels are bounded word lists; no label
//! carries a person, booking or payment, and amounts of money are not exported: accounts
//! are reconciled from the CSV, not from counters that reset with the process.
use prometheus::{IntCounter, IntCounterVec, IntGaugeVec, Opts, Registry};

/// Counters and gauges of payments.
#[derive(Clone)]
pub struct PaymentMetrics {
    /// Payments the clerks requested.
    pub requested: IntCounter,
    /// Payments taken to a provider, by provider.
    pub started: IntCounterVec,
    /// State changes, by provider and state reached.
    pub transitions: IntCounterVec,
    /// Notifications given to the core, by provider, source and outcome.
    pub notifications: IntCounterVec,
    /// Pushed notifications and returns refused before the core, by provider and reason.
    pub signature_failures: IntCounterVec,
    /// Calls to providers, by provider, operation and outcome.
    pub provider_requests: IntCounterVec,
    /// Online payments the settle job timed out, by provider.
    pub expired: IntCounterVec,
    /// Payments not yet ended, by provider and state (refreshed by the settle job).
    pub open: IntGaugeVec,
    /// Refunds made or recorded, by provider and outcome.
    pub refunds: IntCounterVec,
    /// Bank statement lines imported, by outcome (matched, or why not).
    pub statement_lines: IntCounterVec,
}

impl PaymentMetrics {
    /// Registers them in `registry`.
    pub fn new(registry: &Registry) -> Result<Self, prometheus::Error> {
        let counter = |name: &str, help: &str, labels: &[&str]| {
            IntCounterVec::new(Opts::new(name, help), labels)
        };
        let m = PaymentMetrics {
            requested: IntCounter::new(
                "vamt_portal_payments_requested_total",
                "Payments the clerks requested.",
            )?,
            started: counter(
                "vamt_portal_payments_started_total",
                "Payments taken to a provider (transaction created, invoice issued).",
                &["provider"],
            )?,
            transitions: counter(
                "vamt_portal_payments_transitions_total",
                "Payment state changes, by provider and the state reached.",
                &["provider", "to"],
            )?,
            notifications: counter(
                "vamt_portal_payments_notifications_total",
                "Provider notifications given to the payment machine, by source and outcome (applied, held, duplicate, refused).",
                &["provider", "source", "outcome"],
            )?,
            signature_failures: counter(
                "vamt_portal_payments_signature_failures_total",
                "Notifications and returns refused before they reached the payment machine, by reason.",
                &["provider", "reason"],
            )?,
            provider_requests: counter(
                "vamt_portal_payments_provider_requests_total",
                "Calls to payment providers, by operation and outcome (ok, refused, unavailable, malformed, unsupported).",
                &["provider", "operation", "outcome"],
            )?,
            expired: counter(
                "vamt_portal_payments_expired_total",
                "Online payments the settle job timed out.",
                &["provider"],
            )?,
            refunds: counter(
                "vamt_portal_payments_refunds_total",
                "Refunds made or recorded, by outcome (completed, pending, manual).",
                &["provider", "outcome"],
            )?,
            statement_lines: counter(
                "vamt_portal_payments_statement_lines_total",
                "Bank statement (CAMT.053) lines imported, by outcome: matched, or the reason it was not.",
                &["outcome"],
            )?,
            open: IntGaugeVec::new(
                Opts::new(
                    "vamt_portal_payments_open",
                    "Payments not yet ended, by provider and state (requested, started).",
                ),
                &["provider", "state"],
            )?,
        };
        registry.register(Box::new(m.requested.clone()))?;
        for c in [
            &m.started,
            &m.transitions,
            &m.notifications,
            &m.signature_failures,
            &m.provider_requests,
            &m.expired,
            &m.refunds,
            &m.statement_lines,
        ] {
            registry.register(Box::new(c.clone()))?;
        }
        registry.register(Box::new(m.open.clone()))?;
        Ok(m)
    }
}
