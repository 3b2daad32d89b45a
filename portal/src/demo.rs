//! Demo data for a first start: services, a clerk, and a booking to join right away.
use chrono::{Duration, DurationRound};
use sqlx::Row;

use crate::booking::{self, BookingError};
use crate::clerk::{self, ClerkError};
use crate::secret::random_token;
use crate::AppState;

/// The catalogue a first start offers: (slug, minutes, fee in cents, can be done by video).
/// Names, descriptions, documents to have ready and, for what needs a visit, the reason come
/// from the Fluent catalogue (`service-<slug>`, `-desc`, `-docs`, `-not-virtual`). The fees
/// are examples; each city has its own fee schedule.
///
/// Every appointment is one slot of the booking grid (20 minutes) until the city-sized slot
/// engine (`schedule.rs`) is behind the pages: a service of another length would be offered
/// times the grid cannot keep.
const SERVICES: &[(&str, i64, i64, bool)] = &[
    ("wohnsitzummeldung", 20, 0, true),
    ("abmeldung-ausland", 20, 0, true),
    ("lebensbescheinigung", 20, 0, true),
    ("meldebescheinigung", 20, 1000, true),
    ("fuehrungszeugnis", 20, 1300, true),
    ("gewerbezentralregister", 20, 1300, true),
    ("steuer-id", 20, 0, true),
    ("aufenthaltsbescheinigung", 20, 1000, true),
    ("melderegisterauskunft", 20, 1000, true),
    ("bewohnerparkausweis", 20, 3070, true),
    ("schwerbehindertenparkausweis", 20, 0, true),
    ("familienpass", 20, 0, true),
    ("ausweis-beratung", 20, 0, true),
    ("personalausweis", 20, 3700, false),
    ("reisepass", 20, 7000, false),
];

/// What a first start prints.
pub struct DemoLogin {
    /// The demo citizen's join link.
    pub join_url: String,
    /// Clerk console address.
    pub clerk_url: String,
    /// Clerk user name.
    pub clerk_username: String,
    /// Clerk password, generated now and shown only this once.
    pub clerk_password: String,
}

/// Seeding failures.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// Database.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
    /// Clerk creation.
    #[error(transparent)]
    Clerk(#[from] ClerkError),
    /// Booking.
    #[error(transparent)]
    Booking(#[from] BookingError),
}

/// Seeds the demo on an empty database; `None` if there is data already.
pub async fn seed_if_empty(st: &AppState) -> Result<Option<DemoLogin>, DemoError> {
    let row = sqlx::query("SELECT COUNT(*) FROM services")
        .fetch_one(&st.db)
        .await?;
    let count: i64 = row.get(0);
    if count > 0 {
        return Ok(None);
    }
    for (slug, minutes, fee, virtual_ok) in SERVICES {
        sqlx::query(
            "INSERT INTO services (slug, duration_minutes, fee_cents, virtual_ok) VALUES (?, ?, ?, ?)",
        )
        .bind(slug)
        .bind(minutes)
        .bind(fee)
        .bind(i64::from(*virtual_ok))
            .execute(&st.db)
            .await?;
    }
    let now = st.now();
    let password = random_token(9);
    clerk::create(&st.db, "clerk", "Stefanie Wolf", &password, now).await?;
    let services = booking::services(&st.db).await?;
    let Some(service) = services.first() else {
        return Ok(None);
    };
    // A booking that starts now, outside the bookable grid, so the demo call works at once.
    let start = now.duration_trunc(Duration::minutes(5)).unwrap_or(now);
    let booked = booking::insert(
        &st.db,
        &st.vault,
        st.settings.capacity,
        service,
        start,
        start + Duration::minutes(service.duration_minutes),
        "Erika Mustermann",
        "erika@example.org",
        "de",
        now,
    )
    .await?;
    st.metrics.bookings.with_label_values(&["demo"]).inc();
    Ok(Some(DemoLogin {
        join_url: crate::web::join_url(st, &booked),
        clerk_url: format!("{}/clerk/login", st.settings.public_url),
        clerk_username: "clerk".into(),
        clerk_password: password,
    }))
}
