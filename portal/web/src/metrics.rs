//! Prometheus metrics of the portal's web surface; the domains and the outbox register their own.
use prometheus::{HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// The web surface's counters (requests, connections, the door, sign-in), registered in the process registry.
#[derive(Clone)]
pub struct WebMetrics {
    /// HTTP requests, by route template, method and status.
    pub http_requests: IntCounterVec,
    /// HTTP request duration, by route template.
    pub http_duration: HistogramVec,
    /// Booking attempts turned away at the door, by reason.
    pub refused: IntCounterVec,
    /// Proofs of work checked and spent (attempts that came with one).
    pub proofs: prometheus::IntCounter,
    /// Challenges issued at raised difficulty (a busy client, or the door under pressure).
    pub pow_raised: prometheus::IntCounter,
    /// Clerk sign-ins with a wrong user name or password.
    pub sign_in_failures: prometheus::IntCounter,
    /// Clerk sign-ins refused unchecked during a back-off, by what was backing off
    /// (`account`, `client`).
    pub sign_in_throttled: IntCounterVec,
    /// Calls a clerk took over from a colleague (explicit, recorded).
    pub call_takeovers: prometheus::IntCounter,
    /// HTTP connections open now.
    pub http_connections: prometheus::IntGauge,
    /// HTTP connections turned away at the cap, or closed for being too slow, by reason
    /// (`cap`, `header_timeout`).
    pub http_connections_refused: IntCounterVec,
    /// Requests that would have changed something, sent by a page of another site.
    pub cross_origin_refused: prometheus::IntCounter,
}

impl WebMetrics {
    /// Creates the metrics and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let http_requests = IntCounterVec::new(
            Opts::new(
                "vamt_portal_http_requests_total",
                "HTTP requests by route, method and status",
            ),
            &["route", "method", "status"],
        )?;
        let http_duration = HistogramVec::new(
            HistogramOpts::new(
                "vamt_portal_http_request_duration_seconds",
                "HTTP request duration by route",
            )
            .buckets(vec![
                0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
            ]),
            &["route"],
        )?;
        let refused = IntCounterVec::new(
            Opts::new(
                "vamt_portal_booking_refused_total",
                "Booking attempts turned away at the door, by reason",
            ),
            &["reason"],
        )?;
        registry.register(Box::new(refused.clone()))?;
        let proofs = prometheus::IntCounter::new(
            "vamt_portal_pow_proofs_total",
            "Booking attempts that came with a valid proof of work",
        )?;
        registry.register(Box::new(proofs.clone()))?;
        let pow_raised = prometheus::IntCounter::new(
            "vamt_portal_pow_raised_total",
            "Proof-of-work challenges issued at raised difficulty (a busy client, or the door under pressure)",
        )?;
        registry.register(Box::new(pow_raised.clone()))?;
        let sign_in_failures = prometheus::IntCounter::new(
            "vamt_portal_sign_in_failures_total",
            "Clerk sign-ins with a wrong user name or password",
        )?;
        registry.register(Box::new(sign_in_failures.clone()))?;
        let sign_in_throttled = IntCounterVec::new(
            Opts::new(
                "vamt_portal_sign_in_throttled_total",
                "Clerk sign-ins refused unchecked during a back-off, by what was backing off",
            ),
            &["scope"],
        )?;
        registry.register(Box::new(sign_in_throttled.clone()))?;
        let call_takeovers = prometheus::IntCounter::new(
            "vamt_portal_call_takeovers_total",
            "Calls a clerk took over from a colleague (explicit and recorded)",
        )?;
        registry.register(Box::new(call_takeovers.clone()))?;
        let http_connections =
            prometheus::IntGauge::new("vamt_portal_http_connections", "HTTP connections open now")?;
        registry.register(Box::new(http_connections.clone()))?;
        let http_connections_refused = IntCounterVec::new(
            Opts::new(
                "vamt_portal_http_connections_refused_total",
                "HTTP connections turned away at the cap, or closed for sending their request too slowly",
            ),
            &["reason"],
        )?;
        registry.register(Box::new(http_connections_refused.clone()))?;
        let cross_origin_refused = prometheus::IntCounter::new(
            "vamt_portal_cross_origin_refused_total",
            "Form posts and API calls refused because a page of another site sent them",
        )?;
        registry.register(Box::new(cross_origin_refused.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        Ok(Self {
            http_requests,
            http_duration,
            refused,
            proofs,
            pow_raised,
            sign_in_failures,
            sign_in_throttled,
            call_takeovers,
            http_connections,
            http_connections_refused,
            cross_origin_refused,
        })
    }
}
