//! Demo data for a first start: services, a clerk, and a booking to join right away.
use chrono::{Duration, DurationRound};

use crate::booking::{self, BookingError};
use crate::catalogue;
use crate::clerk::{self, ClerkError};
use crate::Office;
use vamt_portal_storage::secret::random_token;

/// The catalogue a first start offers: (slug, minutes, follow-up buffer, fee in cents, can
/// be done by video). Names, descriptions, documents to have ready and, for what needs a
/// visit, the reason come from the Fluent catalogue (`service-<slug>`, `-desc`, `-docs`,
/// `-not-virtual`). The fees are examples; each city has its own fee schedule.
/// Services whose certificate can be ordered in further copies, each at the service's fee.
const FEES_WITH_COPIES: &[&str] = &["meldebescheinigung", "fuehrungszeugnis"];

const SERVICES: &[(&str, i64, i64, i64, bool)] = &[
    ("wohnsitzummeldung", 20, 0, 0, true),
    ("abmeldung-ausland", 20, 0, 0, true),
    ("lebensbescheinigung", 10, 0, 0, true),
    ("meldebescheinigung", 20, 0, 1000, true),
    ("fuehrungszeugnis", 15, 5, 1300, true),
    ("gewerbezentralregister", 15, 5, 1300, true),
    ("steuer-id", 10, 0, 0, true),
    ("aufenthaltsbescheinigung", 20, 0, 1000, true),
    ("melderegisterauskunft", 15, 0, 1000, true),
    ("bewohnerparkausweis", 20, 0, 3070, true),
    ("schwerbehindertenparkausweis", 20, 0, 0, true),
    ("familienpass", 20, 0, 0, true),
    ("ausweis-beratung", 30, 0, 0, true),
    ("personalausweis", 20, 0, 3700, false),
    ("reisepass", 20, 0, 7000, false),
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
pub async fn seed_if_empty(st: &Office) -> Result<Option<DemoLogin>, DemoError> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM services")
        .fetch_one(st.db.pool())
        .await?;
    if count > 0 {
        // A database from before the catalogue tables: its offices and bookings move in.
        if catalogue::seed_locations(
            &st.db,
            &st.settings.booking.opening,
            st.settings.booking.timezone,
        )
        .await?
        {
            catalogue::adopt_unplaced(&st.db).await?;
        }
        return Ok(None);
    }
    for (slug, minutes, buffer, fee, virtual_ok) in SERVICES {
        sqlx::query(
            "INSERT INTO services (slug, duration_minutes, buffer_minutes, fee_cents, virtual_ok) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(slug)
        .bind(minutes)
        .bind(buffer)
        .bind(fee)
        .bind(i64::from(*virtual_ok))
        .execute(st.db.pool())
        .await?;
    }
    // A fee that depends on an option: a certificate's extra copy (issue 21).
    for slug in FEES_WITH_COPIES {
        sqlx::query(
            "INSERT INTO service_fee_options (service_id, slug, unit_minor, max_quantity) \
             SELECT id, 'extra-copy', fee_cents, 5 FROM services WHERE slug = $1",
        )
        .bind(slug)
        .execute(st.db.pool())
        .await?;
    }
    catalogue::seed_locations(
        &st.db,
        &st.settings.booking.opening,
        st.settings.booking.timezone,
    )
    .await?;
    let now = st.now();
    let password = random_token(9);
    let clerk = clerk::create(&st.db, "clerk", "Stefanie Wolf", &password, now).await?;
    // The demo's one account shows everything, the admin pages included.
    clerk::set_admin(&st.db, "clerk", true).await?;
    let services = booking::services(&st.db).await?;
    let (Some(service), Some(office)) =
        (services.first(), catalogue::virtual_office(&st.db).await?)
    else {
        return Ok(None);
    };
    // A booking that starts now, outside the bookable grid, so the demo call works at once:
    // a move reported, and a certificate of registration with a fee (issue 21's payment).
    let start = now.duration_trunc(Duration::minutes(5)).unwrap_or(now);
    let mut booked_services = vec![service.clone()];
    booked_services.extend(
        services
            .iter()
            .find(|s| s.slug == "meldebescheinigung" && s.slug != service.slug)
            .cloned(),
    );
    let minutes: i64 = booked_services.iter().map(|s| s.duration_minutes).sum();
    let end = start + Duration::minutes(minutes);
    let claim = booking::Claim {
        location: office.id,
        clerk,
        services: booked_services,
        start,
        end,
        blocked_until: end,
        confirm_by: None,
        channel: "demo",
    };
    let booked = booking::insert(
        &st.db,
        &st.vault,
        &claim,
        "Erika Mustermann",
        "erika@example.org",
        "de",
        now,
    )
    .await?;
    st.metrics.bookings.with_label_values(&["demo"]).inc();
    Ok(Some(DemoLogin {
        join_url: crate::notify::join_url(st, &booked),
        clerk_url: st.settings.link(&["clerk", "login"], &[]),
        clerk_username: "clerk".into(),
        clerk_password: password,
    }))
}
