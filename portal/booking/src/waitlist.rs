//! The waiting list: a citizen who finds no free time leaves name and e-mail for a
//! service; when a time is freed (a cancellation, a hold that lapsed), it is held for the
//! first in line as an unconfirmed booking and offered by e-mail. Confirmed, it is theirs;
//! unconfirmed in time, it is released and offered to the next.
//!
//! Knows nothing of HTTP or mail: [`offer_freed`] returns the held booking, the caller
//! sends the offer.
use chrono::{DateTime, Duration, Utc};

use crate::booking::{self, Booked, BookingError, Claim, Service};
use crate::config::OfficeSettings as Settings;
use vamt_portal_storage::db::{parse_ts, ts, Db};
use vamt_portal_storage::secret::{constant_time_eq, hash_token, random_id, random_token};
use vamt_portal_storage::vault::Vault;

/// How long an entry waits for a time before it ends.
pub const WAIT_DAYS: i64 = 30;

/// Where a waiting-list entry stands: stored as this one word in `waitlist.status`.
///
/// ```text
/// waiting ──a time is freed──▶ offered ──confirmed──▶ booked
///  │  ▲                          │  │
///  │  └──taken meanwhile─────────┘  └──not confirmed in time──▶ lapsed
///  ├──withdrawn by the citizen──▶ withdrawn
///  └──WAIT_DAYS passed─────────▶ expired
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum State {
    /// In line for a freed time.
    Waiting,
    /// A freed time is held for it and offered by mail.
    Offered,
    /// The offer was confirmed: the entry became a booking.
    Booked,
    /// The offer was not confirmed in time: the entry had its turn.
    Lapsed,
    /// Withdrawn by the citizen from the link in the mail.
    Withdrawn,
    /// Waited [`WAIT_DAYS`] without a time.
    Expired,
}

impl State {
    /// The stored word.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Waiting => "waiting",
            Self::Offered => "offered",
            Self::Booked => "booked",
            Self::Lapsed => "lapsed",
            Self::Withdrawn => "withdrawn",
            Self::Expired => "expired",
        }
    }

    /// The states an entry may come to `self` from: the one place the waiting list's
    /// transitions are written down; every statement that changes a state asks for them
    /// (see [`transition_sql`]).
    pub const fn comes_from(self) -> &'static [State] {
        match self {
            Self::Waiting => &[Self::Offered],
            Self::Offered | Self::Withdrawn | Self::Expired => &[Self::Waiting],
            Self::Booked | Self::Lapsed => &[Self::Offered],
        }
    }

    /// Whether the entry is over (its personal data goes).
    pub const fn is_over(self) -> bool {
        matches!(
            self,
            Self::Booked | Self::Lapsed | Self::Withdrawn | Self::Expired
        )
    }
}

/// `'a', 'b'`: the stored words of `states`, for an `IN (…)`.
fn words(states: impl IntoIterator<Item = State>) -> String {
    states
        .into_iter()
        .map(|s| format!("'{}'", s.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement that moves the entries matching `condition` to `to`, if they are in a
/// state `to` comes from. Only enum words and the caller's fixed SQL go into the text;
/// values are bound.
fn transition_sql(to: State, condition: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!(
        "UPDATE waitlist SET status = '{}' WHERE {condition} AND status IN ({})",
        to.as_str(),
        words(to.comes_from().iter().copied())
    ))
}

/// Every state.
const ALL: [State; 6] = [
    State::Waiting,
    State::Offered,
    State::Booked,
    State::Lapsed,
    State::Withdrawn,
    State::Expired,
];

/// A new entry, with the secret of its withdraw link.
#[derive(Debug, Clone)]
pub struct Joined {
    /// `WL_…`
    pub id: String,
    /// The secret in the withdraw link (stored only as a hash).
    pub key: String,
    /// Its place in the queue for the service, 1 = next.
    pub position: i64,
    /// The address, for the mail.
    pub email: String,
    /// The name, for the mail.
    pub name: String,
    /// The language of the mails.
    pub locale: String,
}

/// Why joining failed.
#[derive(Debug, thiserror::Error)]
pub enum WaitlistError {
    /// The name or address is not valid, or the service unknown or not done by video.
    #[error(transparent)]
    Booking(#[from] BookingError),
    /// This address already waits for this service.
    #[error("already on the waiting list")]
    AlreadyWaiting,
    /// The database failed.
    #[error("database error: {0}")]
    Db(#[from] sqlx::Error),
}

fn field(id: &str, column: &str) -> String {
    format!("waitlist.{column}:{id}")
}

fn email_index(vault: &Vault, email: &str) -> String {
    vault.blind_index("bookings.email", &email.trim().to_lowercase())
}

/// Puts `name`/`email` on the waiting list for `service` at the virtual office.
pub async fn join(
    db: &Db,
    vault: &Vault,
    service: &Service,
    name: &str,
    email: &str,
    locale: &str,
    now: DateTime<Utc>,
) -> Result<Joined, WaitlistError> {
    let name = booking::valid_name(name)?;
    let email = booking::valid_address(email)?;
    if !service.virtual_ok {
        return Err(BookingError::NotVirtual.into());
    }
    let Some(office) = crate::catalogue::virtual_office(db).await? else {
        return Err(BookingError::NoSuchSlot.into());
    };
    let id = random_id("WL_");
    let key = random_token(24);
    let inserted = sqlx::query(
        "INSERT INTO waitlist (entry, service_id, location_id, status, citizen_name, email, email_index, locale, key_hash, created_at, expires_at) \
         VALUES ($1, $2, $3, 'waiting', $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(&id)
    .bind(service.id)
    .bind(office.id)
    .bind(vault.seal(&field(&id, "citizen_name"), &name))
    .bind(vault.seal(&field(&id, "email"), &email))
    .bind(email_index(vault, &email))
    .bind(locale)
    .bind(hash_token(&key))
    .bind(ts(now))
    .bind(ts(now + Duration::days(WAIT_DAYS)))
    .execute(db.pool())
    .await;
    match inserted {
        Ok(_) => {}
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(WaitlistError::AlreadyWaiting)
        }
        Err(e) => return Err(e.into()),
    }
    let position: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM waitlist WHERE service_id = $1 AND location_id = $2 AND status = 'waiting' \
         AND id <= (SELECT id FROM waitlist WHERE entry = $3)",
    )
    .bind(service.id)
    .bind(office.id)
    .bind(&id)
    .fetch_one(db.pool())
    .await?;
    Ok(Joined {
        id,
        key,
        position,
        email,
        name,
        locale: locale.to_owned(),
    })
}

/// Takes entry `id` off the list if `key` is its secret; false for an unknown entry, a
/// wrong key, or one no longer waiting.
pub async fn withdraw(db: &Db, id: &str, key: &str) -> Result<bool, sqlx::Error> {
    let stored: Option<String> =
        sqlx::query_scalar("SELECT key_hash FROM waitlist WHERE entry = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    let Some(stored) = stored else {
        return Ok(false);
    };
    if stored.is_empty() || !constant_time_eq(&stored, &hash_token(key)) {
        return Ok(false);
    }
    let done = sqlx::query(transition_sql(State::Withdrawn, "entry = $1"))
        .bind(id)
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected() == 1)
}

/// The freed booking, as [`offer_freed`] reads it.
#[derive(sqlx::FromRow)]
struct FreedRow {
    service_id: i64,
    location_id: i64,
    starts_at: String,
}

/// The first waiting entry, as [`offer_freed`] reads it; personal fields sealed.
#[derive(sqlx::FromRow)]
struct NextRow {
    entry: String,
    citizen_name: String,
    email: String,
    locale: String,
}

/// After booking `freed` was cancelled or released: holds its time for the first waiting
/// citizen of its service whose appointment fits there, as an unconfirmed booking until
/// `now + hold`. Returns the held booking (to send the offer), or `None` when nobody waits
/// or the time is gone (past, taken meanwhile).
pub async fn offer_freed(
    db: &Db,
    vault: &Vault,
    s: &Settings,
    freed: &str,
    now: DateTime<Utc>,
    hold: Duration,
) -> Result<Option<Booked>, BookingError> {
    let row = sqlx::query_as::<_, FreedRow>(
        "SELECT service_id, location_id, starts_at FROM bookings WHERE id = $1 AND location_id IS NOT NULL",
    )
    .bind(freed)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let (service_id, location_id) = (row.service_id, row.location_id);
    let Some(start) = parse_ts(&row.starts_at) else {
        return Ok(None);
    };
    let Some(service) = booking::services(db)
        .await?
        .into_iter()
        .find(|s| s.id == service_id)
    else {
        return Ok(None);
    };
    // Is the freed start on offer for this service now (ahead, within the horizon, a clerk
    // free for the whole appointment)? Then the engine also says which clerks.
    let location = vamt_portal_core::schedule::LocationId(location_id);
    let (offer, cat) = booking::offer_at(
        db,
        s,
        now,
        location,
        std::slice::from_ref(&service),
        start,
        "",
    )
    .await?;
    let Some(offer) = offer else {
        return Ok(None);
    };
    let need = vamt_portal_core::schedule::need(
        &cat,
        location,
        &[vamt_portal_core::schedule::ServiceId(service.id)],
    )
    .map_err(|_| BookingError::NoSuchSlot)?;
    // First in line who is still waiting; an entry is taken by one offer only.
    loop {
        let next = sqlx::query_as::<_, NextRow>(
            "SELECT entry, citizen_name, email, locale FROM waitlist WHERE service_id = $1 AND location_id = $2 \
             AND status = 'waiting' AND expires_at > $3 ORDER BY id LIMIT 1",
        )
        .bind(service.id)
        .bind(location_id)
        .bind(ts(now))
        .fetch_optional(db.pool())
        .await?;
        let Some(next) = next else { return Ok(None) };
        let id: String = next.entry;
        let taken = sqlx::query(transition_sql(State::Offered, "entry = $1"))
            .bind(&id)
            .execute(db.pool())
            .await?;
        if taken.rows_affected() == 0 {
            continue; // another node offered this one a time just now
        }
        let name = vault.open(&field(&id, "citizen_name"), &next.citizen_name)?;
        let email = vault.open(&field(&id, "email"), &next.email)?;
        let locale: String = next.locale;
        for clerk in &offer.clerks {
            let claim = Claim {
                location: location_id,
                clerk: clerk.0,
                services: vec![service.clone()],
                start: offer.start,
                end: offer.end,
                blocked_until: offer.start + need.blocked,
                confirm_by: Some(now + hold),
                channel: "waitlist",
            };
            match booking::insert(db, vault, &claim, &name, &email, &locale, now).await {
                Ok(held) => {
                    sqlx::query("UPDATE waitlist SET offered_booking_id = $1 WHERE entry = $2")
                        .bind(&held.booking.id)
                        .bind(&id)
                        .execute(db.pool())
                        .await?;
                    return Ok(Some(held));
                }
                Err(BookingError::SlotTaken) => continue,
                Err(e) => return Err(e),
            }
        }
        // Taken by someone else before the hold: the entry waits on, first in line.
        sqlx::query(transition_sql(State::Waiting, "entry = $1"))
            .bind(&id)
            .execute(db.pool())
            .await?;
        return Ok(None);
    }
}

/// The offer for booking `id` was accepted: the entry is done.
pub async fn confirmed(db: &Db, booking_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(transition_sql(State::Booked, "offered_booking_id = $1"))
        .bind(booking_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// The offer for booking `id` lapsed: the entry had its turn.
pub async fn lapsed(db: &Db, booking_id: &str) -> Result<(), sqlx::Error> {
    sqlx::query(transition_sql(State::Lapsed, "offered_booking_id = $1"))
        .bind(booking_id)
        .execute(db.pool())
        .await?;
    Ok(())
}

/// Ends entries that waited their time, and erases the personal data of every entry
/// that no longer waits. Returns how many were erased.
pub async fn expire_and_erase(db: &Db, now: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    sqlx::query(transition_sql(State::Expired, "expires_at <= $1"))
        .bind(ts(now))
        .execute(db.pool())
        .await?;
    let over = words(ALL.into_iter().filter(|s| s.is_over()));
    let done = sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE waitlist SET citizen_name = '', email = '', email_index = '', key_hash = '' \
         WHERE status IN ({over}) AND email <> ''"
    )))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Offers the time booking `freed` gave up to the first on its service's waiting list (a
/// held booking and a mail with its confirm link). Failures are logged: the cancellation
/// stands either way.
pub async fn offer_to_next(st: &crate::Office, freed: &str) {
    let hold = st.settings.booking.waitlist_hold;
    match offer_freed(&st.db, &st.vault, &st.settings, freed, st.now(), hold).await {
        Ok(Some(held)) => {
            st.metrics.waitlist_offers.inc();
            tracing::info!(freed = %freed, booking = %held.booking.id, "freed time offered to the waiting list");
            crate::notify::send_offer(st, &held, hold.num_minutes()).await;
        }
        Ok(None) => {}
        Err(e) => tracing::error!(freed = %freed, error = %e, "offering a freed time failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_entry_moves_only_along_the_waiting_lists_transitions() {
        use State::*;
        let allowed: Vec<(State, State)> = ALL
            .iter()
            .flat_map(|to| to.comes_from().iter().map(move |from| (*from, *to)))
            .collect();
        assert_eq!(
            allowed,
            [
                (Offered, Waiting),
                (Waiting, Offered),
                (Offered, Booked),
                (Offered, Lapsed),
                (Waiting, Withdrawn),
                (Waiting, Expired),
            ]
        );
        // An entry that is over stays over, and its personal data goes.
        for over in ALL.into_iter().filter(|s| s.is_over()) {
            assert!(ALL.iter().all(|to| !to.comes_from().contains(&over)));
        }
        assert_eq!(
            transition_sql(Withdrawn, "entry = $1").0,
            "UPDATE waitlist SET status = 'withdrawn' WHERE entry = $1 AND status IN ('waiting')"
        );
    }
}
