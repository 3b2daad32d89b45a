//! Prometheus metrics of the portal.
use prometheus::{Gauge, GaugeVec, HistogramOpts, HistogramVec, IntCounterVec, Opts, Registry};

/// Portal counters, registered in the process registry.
#[derive(Clone)]
pub struct PortalMetrics {
    /// HTTP requests, by route template, method and status.
    pub http_requests: IntCounterVec,
    /// HTTP request duration, by route template.
    pub http_duration: HistogramVec,
    /// Bookings made, by channel (`web`, `demo`).
    pub bookings: IntCounterVec,
    /// E-mails, by outcome: `queued` for the SMTP server, `sent` (the server took it),
    /// `deferred` (refused for now, tried again), `failed` (given up), `outbox` (written to
    /// the outbox folder).
    pub mails: IntCounterVec,
    /// Mails waiting in the queue for the SMTP server.
    pub mail_queue: prometheus::IntGauge,
    /// Bookings cancelled by the citizen (their place is free again).
    pub cancellations: prometheus::IntCounter,
    /// Bookings whose personal data the retention job erased.
    pub erased: prometheus::IntCounter,
    /// Bookings confirmed by their citizen from the e-mail (double opt-in).
    pub confirmations: prometheus::IntCounter,
    /// Bookings released because nobody confirmed them in time, or their opt-in mail was
    /// given up.
    pub unconfirmed_released: prometheus::IntCounter,
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
    /// Opt-in mails not sent because their address had its share this hour.
    pub optin_limited: prometheus::IntCounter,
    /// Calls a clerk took over from a colleague (explicit, recorded).
    pub call_takeovers: prometheus::IntCounter,
    /// HTTP connections open now.
    pub http_connections: prometheus::IntGauge,
    /// HTTP connections turned away at the cap, or closed for being too slow, by reason
    /// (`cap`, `header_timeout`).
    pub http_connections_refused: IntCounterVec,
    /// Requests that would have changed something, sent by a page of another site.
    pub cross_origin_refused: prometheus::IntCounter,
    /// Citizens who joined a waiting list.
    pub waitlist_joined: prometheus::IntCounter,
    /// Freed times held and offered to the first on a waiting list.
    pub waitlist_offers: prometheus::IntCounter,
    /// Appointments marked as missed by a clerk.
    pub no_shows: prometheus::IntCounter,
    /// Appointments moved to another time, by who moved them (clerk, citizen, api).
    pub rebookings: IntCounterVec,
    /// Booked share of the clerk time offered over the horizon, per location.
    pub utilisation: GaugeVec,
    /// Bookings made per service in the last 30 days.
    pub requested: GaugeVec,
    /// Share of begun confirmed appointments (last 30 days) marked as missed.
    pub no_show_ratio: Gauge,
}

impl PortalMetrics {
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
        let bookings = IntCounterVec::new(
            Opts::new("vamt_portal_bookings_total", "Bookings made, by channel"),
            &["channel"],
        )?;
        let mails = IntCounterVec::new(
            Opts::new("vamt_portal_mails_total", "E-mails by outcome"),
            &["outcome"],
        )?;
        let mail_queue = prometheus::IntGauge::new(
            "vamt_portal_mail_queue_messages",
            "Mails waiting in the queue for the SMTP server",
        )?;
        let erased = prometheus::IntCounter::new(
            "vamt_portal_personal_data_erased_total",
            "Bookings whose personal data the retention job erased",
        )?;
        let cancellations = prometheus::IntCounter::new(
            "vamt_portal_cancellations_total",
            "Bookings cancelled by the citizen",
        )?;
        let confirmations = prometheus::IntCounter::new(
            "vamt_portal_confirmations_total",
            "Bookings confirmed by their citizen from the e-mail",
        )?;
        let unconfirmed_released = prometheus::IntCounter::new(
            "vamt_portal_unconfirmed_released_total",
            "Bookings released because nobody confirmed them in time, or their opt-in mail was given up",
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
        let optin_limited = prometheus::IntCounter::new(
            "vamt_portal_optin_mails_limited_total",
            "Opt-in mails not sent because their address had its share this hour",
        )?;
        registry.register(Box::new(optin_limited.clone()))?;
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
        let waitlist_joined = prometheus::IntCounter::new(
            "vamt_portal_waitlist_joined_total",
            "Citizens who joined a waiting list",
        )?;
        let waitlist_offers = prometheus::IntCounter::new(
            "vamt_portal_waitlist_offers_total",
            "Freed times held and offered to the first on a waiting list",
        )?;
        registry.register(Box::new(waitlist_joined.clone()))?;
        registry.register(Box::new(waitlist_offers.clone()))?;
        let no_shows = prometheus::IntCounter::new(
            "vamt_portal_no_shows_total",
            "Appointments marked as missed by a clerk",
        )?;
        let rebookings = IntCounterVec::new(
            Opts::new(
                "vamt_portal_rebookings_total",
                "Appointments moved to another time, by who moved them",
            ),
            &["by"],
        )?;
        registry.register(Box::new(no_shows.clone()))?;
        registry.register(Box::new(rebookings.clone()))?;
        let utilisation = GaugeVec::new(
            Opts::new(
                "vamt_portal_utilisation_ratio",
                "Booked share of the clerk time offered over the booking horizon",
            ),
            &["location"],
        )?;
        let requested = GaugeVec::new(
            Opts::new(
                "vamt_portal_service_requests",
                "Bookings made per service in the last 30 days",
            ),
            &["service"],
        )?;
        let no_show_ratio = Gauge::new(
            "vamt_portal_no_show_ratio",
            "Share of begun confirmed appointments of the last 30 days marked as missed",
        )?;
        registry.register(Box::new(utilisation.clone()))?;
        registry.register(Box::new(requested.clone()))?;
        registry.register(Box::new(no_show_ratio.clone()))?;
        registry.register(Box::new(confirmations.clone()))?;
        registry.register(Box::new(unconfirmed_released.clone()))?;
        registry.register(Box::new(cancellations.clone()))?;
        registry.register(Box::new(erased.clone()))?;
        registry.register(Box::new(http_requests.clone()))?;
        registry.register(Box::new(http_duration.clone()))?;
        registry.register(Box::new(bookings.clone()))?;
        registry.register(Box::new(mails.clone()))?;
        registry.register(Box::new(mail_queue.clone()))?;
        Ok(Self {
            http_requests,
            http_duration,
            bookings,
            mails,
            mail_queue,
            cancellations,
            erased,
            confirmations,
            unconfirmed_released,
            refused,
            proofs,
            pow_raised,
            sign_in_failures,
            sign_in_throttled,
            optin_limited,
            call_takeovers,
            http_connections,
            http_connections_refused,
            cross_origin_refused,
            waitlist_joined,
            waitlist_offers,
            no_shows,
            rebookings,
            utilisation,
            requested,
            no_show_ratio,
        })
    }
}
