//! The booking domain: services, free slots, booking and finding bookings. Knows nothing of
//! HTTP.
use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::{Row, SqlitePool};

use crate::config::Settings;
use crate::db::{parse_ts, ts};
use crate::secret::{constant_time_eq, hash_token, random_id, random_token};
use crate::slot::{self, Slot, SlotQuery};
use crate::vault::{Vault, VaultError};

/// A bookable service.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Service {
    /// Row ID.
    pub id: i64,
    /// Stable name; also the key of its texts in the catalogue.
    pub slug: String,
    /// Appointment length.
    pub duration_minutes: i64,
    /// Fee in cents.
    pub fee_cents: i64,
    /// Whether it can be done in a video call.
    pub virtual_ok: bool,
}

/// A stored booking.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Booking {
    /// `BK_…`
    pub id: String,
    /// The service's slug.
    pub service: String,
    /// Start, UTC.
    pub starts_at: DateTime<Utc>,
    /// End, UTC.
    pub ends_at: DateTime<Utc>,
    /// `booked` or `cancelled`.
    pub status: String,
    /// The citizen's name.
    pub citizen_name: String,
    /// The citizen's e-mail.
    pub email: String,
    /// The language the citizen booked in.
    pub locale: String,
    /// The call's room (`RM_…`).
    pub room_id: String,
}

/// A booking just made, with the secret of its join link (stored only as a hash).
#[derive(Debug, Clone)]
pub struct Booked {
    /// The booking.
    pub booking: Booking,
    /// The secret that opens the call page.
    pub join_key: String,
}

/// What a citizen asks to book.
#[derive(Debug, Clone)]
pub struct NewBooking {
    /// The service's slug.
    pub service: String,
    /// The slot start.
    pub start: DateTime<Utc>,
    /// Name as given.
    pub name: String,
    /// E-mail as given.
    pub email: String,
    /// Language.
    pub locale: String,
}

/// Why a booking was refused.
#[derive(Debug, thiserror::Error)]
pub enum BookingError {
    /// Name empty or too long.
    #[error("name is empty or too long")]
    InvalidName,
    /// Not an e-mail address.
    #[error("e-mail address is not valid")]
    InvalidEmail,
    /// No such service.
    #[error("unknown service")]
    UnknownService,
    /// The e-mail address already holds as many upcoming appointments as allowed.
    #[error("too many upcoming appointments for this e-mail address")]
    TooManyForEmail,
    /// The service needs a visit to an office (fingerprints, a signature on paper).
    #[error("this service cannot be done by video")]
    NotVirtual,
    /// The time is not a slot on offer (outside hours, past, beyond the horizon).
    #[error("no such slot")]
    NoSuchSlot,
    /// Someone else booked the last place first.
    #[error("slot taken")]
    SlotTaken,
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
    /// Stored personal data does not open with the data key (wrong or lost key).
    #[error("personal data cannot be decrypted: {0}")]
    Vault(#[from] VaultError),
}

/// The active services, in catalogue order.
pub async fn services(db: &SqlitePool) -> Result<Vec<Service>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, slug, duration_minutes, fee_cents, virtual_ok FROM services WHERE active = 1 ORDER BY id",
    )
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Service {
            id: r.get(0),
            slug: r.get(1),
            duration_minutes: r.get(2),
            fee_cents: r.get(3),
            virtual_ok: r.get::<i64, _>(4) != 0,
        })
        .collect())
}

/// The active service with `slug`.
pub async fn service(db: &SqlitePool, slug: &str) -> Result<Option<Service>, sqlx::Error> {
    Ok(services(db).await?.into_iter().find(|s| s.slug == slug))
}

async fn taken(
    db: &SqlitePool,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<HashMap<DateTime<Utc>, u32>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT starts_at, COUNT(*) FROM bookings WHERE status = 'booked' AND starts_at >= ? AND starts_at < ? GROUP BY starts_at",
    )
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(db)
    .await?;
    let mut out = HashMap::new();
    for r in rows {
        let start: String = r.get(0);
        let n: i64 = r.get(1);
        if let Some(t) = parse_ts(&start) {
            out.insert(t, u32::try_from(n).unwrap_or(u32::MAX));
        }
    }
    Ok(out)
}

/// Free slots from `now` over the configured horizon.
pub async fn free_slots(
    db: &SqlitePool,
    s: &Settings,
    now: DateTime<Utc>,
) -> Result<Vec<Slot>, sqlx::Error> {
    let until = now + Duration::days(i64::from(s.horizon_days) + 1);
    let taken = taken(db, now - Duration::days(1), until).await?;
    Ok(slot::free_slots(&slot_query(s, now, &taken)))
}

/// The slot search the configuration describes, given what is booked.
fn slot_query<'a>(
    s: &'a Settings,
    now: DateTime<Utc>,
    taken: &'a HashMap<DateTime<Utc>, u32>,
) -> SlotQuery<'a> {
    SlotQuery {
        rule: &s.opening,
        tz: s.timezone,
        now,
        lead: s.lead,
        horizon_days: s.horizon_days,
        capacity: s.capacity,
        taken,
    }
}

fn valid_email(e: &str) -> bool {
    let Some((local, domain)) = e.rsplit_once('@') else {
        return false;
    };
    e.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '<' || c == '>' || c == ',')
}

/// Books a slot. The database's unique index on (start, seat) decides races: two citizens
/// can never hold the same place, whatever the timing.
pub async fn book(
    db: &SqlitePool,
    vault: &Vault,
    s: &Settings,
    now: DateTime<Utc>,
    req: NewBooking,
) -> Result<Booked, BookingError> {
    let name = req.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        return Err(BookingError::InvalidName);
    }
    let email = req.email.trim().to_owned();
    if !valid_email(&email) {
        return Err(BookingError::InvalidEmail);
    }
    let service = service(db, &req.service)
        .await?
        .ok_or(BookingError::UnknownService)?;
    if !service.virtual_ok {
        return Err(BookingError::NotVirtual);
    }
    // Anti-hoarding: an address holds a few upcoming appointments, not a day's worth. (A
    // limit, not the no-double-booking guarantee: two requests at the same instant may
    // both pass; the seat index still keeps every slot single.)
    let held: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE email_index = ? AND status = 'booked' AND starts_at > ?",
    )
    .bind(email_index(vault, &email))
    .bind(ts(now))
    .fetch_one(db)
    .await?;
    if held >= i64::from(s.raw.booking.max_per_email) {
        return Err(BookingError::TooManyForEmail);
    }
    let offered = free_slots(db, s, now).await?;
    let slot = match offered.iter().find(|sl| sl.start == req.start) {
        Some(sl) => *sl,
        None => {
            // Distinguish "was a slot, now full" from "never a slot".
            let all = slot::free_slots(&slot_query(s, now, &HashMap::new()));
            return Err(if all.iter().any(|sl| sl.start == req.start) {
                BookingError::SlotTaken
            } else {
                BookingError::NoSuchSlot
            });
        }
    };
    insert(
        db,
        vault,
        s.capacity,
        &service,
        slot.start,
        slot.end,
        &name,
        &email,
        &req.locale,
        now,
    )
    .await
}

/// Stores a booking in the first free seat of a slot. Also used to seed the demo booking,
/// which need not lie in opening hours.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    db: &SqlitePool,
    vault: &Vault,
    capacity: u32,
    service: &Service,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    name: &str,
    email: &str,
    locale: &str,
    now: DateTime<Utc>,
) -> Result<Booked, BookingError> {
    let join_key = random_token(24);
    for seat in 0..capacity {
        let booking = Booking {
            id: random_id("BK_"),
            service: service.slug.clone(),
            starts_at: start,
            ends_at: end,
            status: "booked".into(),
            citizen_name: name.to_owned(),
            email: email.to_owned(),
            locale: locale.to_owned(),
            room_id: vamt_signalling::RoomId::random().to_string(),
        };
        let result = sqlx::query(
            "INSERT INTO bookings (id, service_id, starts_at, ends_at, seat, status, citizen_name, email, email_index, locale, room_id, join_key_hash, join_key_sealed, created_at) \
             VALUES (?, ?, ?, ?, ?, 'booked', ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&booking.id)
        .bind(service.id)
        .bind(ts(start))
        .bind(ts(end))
        .bind(i64::from(seat))
        .bind(vault.seal(&field(&booking.id, "citizen_name"), &booking.citizen_name))
        .bind(vault.seal(&field(&booking.id, "email"), &booking.email))
        .bind(email_index(vault, &booking.email))
        .bind(&booking.locale)
        .bind(&booking.room_id)
        .bind(hash_token(&join_key))
        .bind(vault.seal(&field(&booking.id, "join_key_sealed"), &join_key))
        .bind(ts(now))
        .execute(db)
        .await;
        match result {
            Ok(_) => return Ok(Booked { booking, join_key }),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(BookingError::SlotTaken)
}

/// The blind index of an e-mail address: case and surrounding space do not make another
/// address.
fn email_index(vault: &Vault, email: &str) -> String {
    vault.blind_index("bookings.email", &email.trim().to_lowercase())
}

/// The select list and join that `booking_from_row` reads (a macro so queries stay
/// static strings).
macro_rules! select_bookings {
    ($rest:literal) => {
        concat!(
            "SELECT b.id, s.slug, b.starts_at, b.ends_at, b.status, b.citizen_name, b.email, b.locale, b.room_id \
             FROM bookings b JOIN services s ON s.id = b.service_id ",
            $rest
        )
    };
}

/// The vault context of a booking's personal field.
fn field(id: &str, column: &str) -> String {
    format!("bookings.{column}:{id}")
}

fn booking_from_row(
    vault: &Vault,
    r: &sqlx::sqlite::SqliteRow,
) -> Result<Option<Booking>, BookingError> {
    let id: String = r.get(0);
    // An erased field is empty: retention has removed it.
    let open = |column: &str, sealed: String| -> Result<String, VaultError> {
        if sealed.is_empty() {
            Ok(String::new())
        } else {
            vault.open(&field(&id, column), &sealed)
        }
    };
    let (Some(starts_at), Some(ends_at)) =
        (parse_ts(r.get::<&str, _>(2)), parse_ts(r.get::<&str, _>(3)))
    else {
        return Ok(None);
    };
    Ok(Some(Booking {
        citizen_name: open("citizen_name", r.get(5))?,
        email: open("email", r.get(6))?,
        id: id.clone(),
        service: r.get(1),
        starts_at,
        ends_at,
        status: r.get(4),
        locale: r.get(7),
        room_id: r.get(8),
    }))
}

/// The booking `id`, if it exists.
pub async fn find(
    db: &SqlitePool,
    vault: &Vault,
    id: &str,
) -> Result<Option<Booking>, BookingError> {
    let row = sqlx::query(select_bookings!("WHERE b.id = ?"))
        .bind(id)
        .fetch_optional(db)
        .await?;
    match row {
        Some(r) => booking_from_row(vault, &r),
        None => Ok(None),
    }
}

/// The live booking `id` if `key` is its join secret.
pub async fn find_by_join_key(
    db: &SqlitePool,
    vault: &Vault,
    id: &str,
    key: &str,
) -> Result<Option<Booking>, BookingError> {
    Ok(find_by_key(db, vault, id, key)
        .await?
        .filter(|b| b.status == "booked"))
}

/// What a cancellation found.
#[derive(Debug)]
pub enum Cancellation {
    /// Cancelled now: the slot is free again.
    Cancelled(Booking),
    /// It had been cancelled before (the link used twice).
    AlreadyCancelled(Booking),
    /// The appointment has begun or is over: nothing to cancel.
    TooLate(Booking),
}

/// The booking `id` if `key` is its secret (the one in its links), whatever its status:
/// what a cancel link shows before the citizen confirms. `None` for an unknown booking or
/// a wrong key.
pub async fn find_by_key(
    db: &SqlitePool,
    vault: &Vault,
    id: &str,
    key: &str,
) -> Result<Option<Booking>, BookingError> {
    let row = sqlx::query(
        "SELECT join_key_hash FROM bookings WHERE id = ? AND personal_data_erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db)
    .await?;
    let Some(row) = row else { return Ok(None) };
    let stored: String = row.get(0);
    if stored.is_empty() || !constant_time_eq(&stored, &hash_token(key)) {
        return Ok(None);
    }
    find(db, vault, id).await
}

/// Cancels booking `id` if `key` is its secret and it has not begun; its place is free for
/// others at once (the one-per-seat index covers live bookings only). `None` for an unknown
/// booking or a wrong key. Cancelling twice is harmless.
pub async fn cancel(
    db: &SqlitePool,
    vault: &Vault,
    id: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Cancellation>, BookingError> {
    let Some(b) = find_by_key(db, vault, id, key).await? else {
        return Ok(None);
    };
    if b.status == "cancelled" {
        return Ok(Some(Cancellation::AlreadyCancelled(b)));
    }
    if b.starts_at <= now {
        return Ok(Some(Cancellation::TooLate(b)));
    }
    // Only a live booking changes: of two cancellations at once, one updates the row.
    let done =
        sqlx::query("UPDATE bookings SET status = 'cancelled' WHERE id = ? AND status = 'booked'")
            .bind(id)
            .execute(db)
            .await?;
    Ok(Some(if done.rows_affected() == 1 {
        Cancellation::Cancelled(Booking {
            status: "cancelled".to_owned(),
            ..b
        })
    } else {
        Cancellation::AlreadyCancelled(b)
    }))
}

/// Live bookings starting within `lead` from `now` whose reminder has not gone out, each
/// with its join key (unsealed), earliest first. One booked within `lead` of its start needs
/// none: its confirmation is as recent as a reminder would be.
pub async fn due_reminders(
    db: &SqlitePool,
    vault: &Vault,
    now: DateTime<Utc>,
    lead: chrono::Duration,
) -> Result<Vec<Booked>, BookingError> {
    let until = now + lead;
    let rows = sqlx::query(
        "SELECT id, join_key_sealed, starts_at, created_at FROM bookings WHERE status = 'booked' AND reminded_at IS NULL \
         AND personal_data_erased_at IS NULL AND join_key_sealed <> '' AND starts_at > ? AND starts_at <= ? \
         ORDER BY starts_at",
    )
    .bind(ts(now))
    .bind(ts(until))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let id: String = r.get(0);
        let sealed: String = r.get(1);
        let booked_late = match (parse_ts(r.get::<&str, _>(2)), parse_ts(r.get::<&str, _>(3))) {
            (Some(start), Some(created)) => created > start - lead,
            _ => true,
        };
        if booked_late {
            continue;
        }
        let join_key = vault.open(&field(&id, "join_key_sealed"), &sealed)?;
        if let Some(booking) = find(db, vault, &id).await? {
            out.push(Booked { booking, join_key });
        }
    }
    Ok(out)
}

/// Marks `id`'s reminder as sent; false if it was already (another node, a second run).
pub async fn claim_reminder(
    db: &SqlitePool,
    id: &str,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET reminded_at = ? WHERE id = ? AND reminded_at IS NULL AND status = 'booked'",
    )
    .bind(ts(now))
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Live bookings starting in `[from, to)`, earliest first.
pub async fn between(
    db: &SqlitePool,
    vault: &Vault,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Booking>, BookingError> {
    let rows = sqlx::query(select_bookings!(
        "WHERE b.status = 'booked' AND b.starts_at >= ? AND b.starts_at < ? ORDER BY b.starts_at, b.seat"
    ))
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        if let Some(b) = booking_from_row(vault, r)? {
            out.push(b);
        }
    }
    Ok(out)
}

/// Erases the personal data (name, e-mail, join key) of every booking that ended before
/// `ended_before`. The booking itself stays for statistics. Returns how many were erased.
pub async fn erase_personal_data(
    db: &SqlitePool,
    ended_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET citizen_name = '', email = '', join_key_hash = '', join_key_sealed = '', email_index = '', personal_data_erased_at = ? \
         WHERE ends_at < ? AND personal_data_erased_at IS NULL",
    )
    .bind(ts(now))
    .bind(ts(ended_before))
    .execute(db)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::valid_email;

    #[test]
    fn email_check_accepts_addresses_and_refuses_junk() {
        assert!(valid_email("erika.mustermann@example.org"));
        assert!(valid_email("a+b@sub.example.de"));
        for bad in [
            "",
            "no-at",
            "@example.org",
            "a@b",
            "a b@example.org",
            "a@example.",
            "a@.org",
            "x@y.z,evil@z.org",
            "x<y>@example.org",
        ] {
            assert!(!valid_email(bad), "{bad}");
        }
    }
}
