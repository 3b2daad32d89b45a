//! The booking workflow's counters: what happened to bookings, whatever surface (page,
//! API, clerk, job) made it happen.
use prometheus::{Gauge, GaugeVec, IntCounterVec, Opts, Registry};

/// Booking counters, registered in the process registry.
#[derive(Clone)]
pub struct BookingMetrics {
    /// Bookings made, by channel (`web`, `demo`).
    pub bookings: IntCounterVec,
    /// Bookings cancelled by the citizen (their place is free again).
    pub cancellations: prometheus::IntCounter,
    /// Bookings whose personal data the retention job erased.
    pub erased: prometheus::IntCounter,
    /// Bookings confirmed by their citizen from the e-mail (double opt-in).
    pub confirmations: prometheus::IntCounter,
    /// Bookings released because nobody confirmed them in time, or their opt-in mail was
    /// given up.
    pub unconfirmed_released: prometheus::IntCounter,
    /// Opt-in mails not sent because their address had its share this hour.
    pub optin_limited: prometheus::IntCounter,
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

impl BookingMetrics {
    /// Creates the counters and registers them in `registry`.
    pub fn new(registry: &Registry) -> prometheus::Result<Self> {
        let bookings = IntCounterVec::new(
            Opts::new("vamt_portal_bookings_total", "Bookings made, by channel"),
            &["channel"],
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
        let optin_limited = prometheus::IntCounter::new(
            "vamt_portal_optin_mails_limited_total",
            "Opt-in mails not sent because their address had its share this hour",
        )?;
        let waitlist_joined = prometheus::IntCounter::new(
            "vamt_portal_waitlist_joined_total",
            "Citizens who joined a waiting list",
        )?;
        let waitlist_offers = prometheus::IntCounter::new(
            "vamt_portal_waitlist_offers_total",
            "Freed times held and offered to the first on a waiting list",
        )?;
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
        registry.register(Box::new(bookings.clone()))?;
        registry.register(Box::new(cancellations.clone()))?;
        registry.register(Box::new(erased.clone()))?;
        registry.register(Box::new(confirmations.clone()))?;
        registry.register(Box::new(unconfirmed_released.clone()))?;
        registry.register(Box::new(optin_limited.clone()))?;
        registry.register(Box::new(waitlist_joined.clone()))?;
        registry.register(Box::new(waitlist_offers.clone()))?;
        registry.register(Box::new(no_shows.clone()))?;
        registry.register(Box::new(rebookings.clone()))?;
        registry.register(Box::new(utilisation.clone()))?;
        registry.register(Box::new(requested.clone()))?;
        registry.register(Box::new(no_show_ratio.clone()))?;
        Ok(Self {
            bookings,
            cancellations,
            erased,
            confirmations,
            unconfirmed_released,
            optin_limited,
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
