//! The booking domain: services, free slots, booking and finding bookings, and what follows a
//! confirmation or a cancellation. Knows nothing of HTTP.
pub mod input;

use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::seq::SliceRandom;

use vamt_portal_storage::db::Db;

use crate::catalogue;
use crate::config::OfficeSettings as Settings;
use vamt_portal_core::schedule::{
    self, Agenda, Catalogue, ClerkId, LocationId, Offer, Request, ScheduleError, ServiceId,
};
use vamt_portal_storage::db::{parse_ts, ts};
use vamt_portal_storage::secret::{constant_time_eq, hash_token, random_id, random_token};
use vamt_portal_storage::vault::{Vault, VaultError};

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

/// A booking's state: stored as this one word in `bookings.state`, and named the same on
/// the pages, in the API (`status`) and in logs. Before, a `status` of `booked` or
/// `cancelled` sat beside a `confirmed` flag, and pages called a cancelled booking
/// "lapsed" and an unconfirmed one "ask" where the API said `cancelled` and `pending`.
///
/// ```text
/// pending ──confirm──▶ confirmed
///    │                     │
///    └──cancel, release──▶ cancelled ◀──cancel──┘
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum State {
    /// Held for its citizen, who has not yet confirmed it from the opt-in mail; released
    /// (cancelled) when `booking.confirm_minutes` pass or the mail cannot be delivered.
    Pending,
    /// Confirmed by its citizen from the mail, or booked by a clerk for them.
    Confirmed,
    /// Cancelled by the citizen or a clerk, or released unconfirmed: its time is free.
    Cancelled,
}

impl State {
    /// The stored and shown word.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Confirmed => "confirmed",
            Self::Cancelled => "cancelled",
        }
    }

    /// The state a stored word names.
    pub fn parse(word: &str) -> Option<Self> {
        [Self::Pending, Self::Confirmed, Self::Cancelled]
            .into_iter()
            .find(|s| s.as_str() == word)
    }

    /// Whether the booking still holds its time (pending or confirmed).
    pub const fn is_live(self) -> bool {
        !matches!(self, Self::Cancelled)
    }

    /// The states a booking may come to `self` from: the one place the workflow's
    /// transitions are written down. Every statement that changes a booking's state asks
    /// for one of these in its `WHERE` ([`State::from_sql`]), so the database refuses any
    /// other change atomically, whoever races it.
    pub const fn comes_from(self) -> &'static [State] {
        match self {
            Self::Pending => &[],
            Self::Confirmed => &[Self::Pending],
            Self::Cancelled => &[Self::Pending, Self::Confirmed],
        }
    }

    /// `state IN ('pending', …)`: the `WHERE` condition of a statement moving a booking to
    /// `self` (see [`State::comes_from`]); `FALSE` for a state nothing comes to.
    pub fn from_sql(self) -> String {
        let words: Vec<String> = self
            .comes_from()
            .iter()
            .map(|s| format!("'{}'", s.as_str()))
            .collect();
        if words.is_empty() {
            "1 = 0".to_owned()
        } else {
            format!("state IN ({})", words.join(", "))
        }
    }
}

impl std::fmt::Display for State {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The statement that moves booking `$1` to `to`: `SET state = 'to'` and `set`, `WHERE` it is
/// in a state `to` comes from ([`State::comes_from`]) and `and`. Only enum words and the
/// caller's fixed SQL go into the text; values are bound.
fn transition_sql(to: State, set: &str, and: &str) -> sqlx::AssertSqlSafe<String> {
    sqlx::AssertSqlSafe(format!(
        "UPDATE bookings SET state = '{to}'{set} WHERE id = $1 AND {}{and}",
        to.from_sql()
    ))
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
    /// Where it stands.
    pub state: State,
    /// The citizen's name.
    pub citizen_name: String,
    /// The citizen's e-mail.
    pub email: String,
    /// The language the citizen booked in.
    pub locale: String,
    /// The call's room (`RM_…`).
    pub room_id: String,
    /// The clerk whose time it holds.
    pub clerk_id: Option<i64>,
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
    /// The services' slugs, done in one appointment (one to [`MAX_SERVICES`]).
    pub services: Vec<String>,
    /// The slot start.
    pub start: DateTime<Utc>,
    /// Name as given.
    pub name: String,
    /// E-mail as given.
    pub email: String,
    /// Language.
    pub locale: String,
    /// Who books: `web`, `api`.
    pub channel: &'static str,
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
pub async fn services(db: &Db) -> Result<Vec<Service>, sqlx::Error> {
    Ok(catalogue::current(db).await?.2.as_ref().clone())
}

/// The active services, read now (what the catalogue cache holds).
pub(crate) async fn read_services(db: &Db) -> Result<Vec<Service>, sqlx::Error> {
    #[derive(sqlx::FromRow)]
    struct ServiceRow {
        id: i64,
        slug: String,
        duration_minutes: i64,
        fee_cents: i64,
        virtual_ok: i64,
    }
    let rows = sqlx::query_as::<_, ServiceRow>(
        "SELECT id, slug, duration_minutes, fee_cents, virtual_ok FROM services WHERE active = 1 ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Service {
            id: r.id,
            slug: r.slug,
            duration_minutes: r.duration_minutes,
            fee_cents: r.fee_cents,
            virtual_ok: r.virtual_ok != 0,
        })
        .collect())
}

/// The active service with `slug`.
pub async fn service(db: &Db, slug: &str) -> Result<Option<Service>, sqlx::Error> {
    Ok(services(db).await?.into_iter().find(|s| s.slug == slug))
}

/// Free appointment times for `services` (one appointment, one clerk, the services back
/// to back) at the virtual office, from `now` plus the lead time to the last released day.
pub async fn free_slots(
    db: &Db,
    s: &Settings,
    now: DateTime<Utc>,
    services: &[Service],
) -> Result<Vec<Offer>, BookingError> {
    let (cat, office, _) = catalogue::current(db).await?;
    let Some(office) = office else {
        return Ok(Vec::new());
    };
    let location = LocationId(office.id);
    let agenda = catalogue::agenda(db, location, now).await?;
    search(&cat, &agenda, s, now, location, services)
}

fn search(
    cat: &Catalogue,
    agenda: &Agenda,
    s: &Settings,
    now: DateTime<Utc>,
    location: LocationId,
    services: &[Service],
) -> Result<Vec<Offer>, BookingError> {
    let ids = service_ids(services);
    schedule::free_slots(
        cat,
        agenda,
        s.booking.release,
        &request(s, now, location, &ids),
    )
    .map_err(schedule_error)
}

/// The engine's offer for exactly `start` (see [`schedule::offer_at`]).
fn search_at(
    cat: &Catalogue,
    agenda: &Agenda,
    s: &Settings,
    now: DateTime<Utc>,
    location: LocationId,
    services: &[Service],
    start: DateTime<Utc>,
) -> Result<Option<Offer>, BookingError> {
    let ids = service_ids(services);
    schedule::offer_at(
        cat,
        agenda,
        s.booking.release,
        &request(s, now, location, &ids),
        start,
    )
    .map_err(schedule_error)
}

/// The `n` free times nearest `wanted` for `services` at the virtual office, in time
/// order: what [`nearest`] picks from [`free_slots`], but reading and searching only the
/// days around `wanted`'s: outward, a day each side at a time, until no day left unsearched
/// can hold a nearer time (any time on a day `r + 1` days away is at least `r` days away).
/// At a release storm the day wanted is full and its neighbours answer.
pub async fn nearest_free(
    db: &Db,
    s: &Settings,
    now: DateTime<Utc>,
    services: &[Service],
    wanted: DateTime<Utc>,
    n: usize,
) -> Result<Vec<Offer>, BookingError> {
    let (cat, office, _) = catalogue::current(db).await?;
    let Some(office) = office else {
        return Ok(Vec::new());
    };
    let location = LocationId(office.id);
    let ids = service_ids(services);
    let req = request(s, now, location, &ids);
    let (Some(loc), Some((first, last))) = (
        cat.location(location),
        schedule::bookable_days(&cat, s.booking.release, &req),
    ) else {
        return Ok(Vec::new());
    };
    let day = wanted.with_timezone(&loc.tz).date_naive();
    let mut found: Vec<Offer> = Vec::new();
    let mut radius = 0i64;
    loop {
        let (before, after) = (
            day - chrono::Duration::days(radius),
            day + chrono::Duration::days(radius),
        );
        if before < first && after > last {
            break;
        }
        let sides = if radius == 0 {
            vec![day]
        } else {
            vec![before, after]
        };
        for d in sides.into_iter().filter(|d| (first..=last).contains(d)) {
            // Local noon: the day lies within a day either side of it, whatever the zone.
            let Some(noon) = d
                .and_hms_opt(12, 0, 0)
                .and_then(|t| t.and_local_timezone(loc.tz).earliest())
            else {
                continue;
            };
            let noon = noon.with_timezone(&Utc);
            let agenda = catalogue::agenda_around(db, location, now, noon, "").await?;
            found.extend(
                schedule::slots_on(&cat, &agenda, s.booking.release, &req, d)
                    .map_err(schedule_error)?,
            );
        }
        let mut distances: Vec<chrono::Duration> = found
            .iter()
            .filter(|o| o.start != wanted)
            .map(|o| (o.start - wanted).abs())
            .collect();
        distances.sort();
        if distances.len() >= n
            && distances
                .get(n.saturating_sub(1))
                .is_some_and(|d| *d <= chrono::Duration::days(radius))
        {
            break;
        }
        radius += 1;
    }
    Ok(nearest(found, wanted, n))
}

/// Offers to name when the time `wanted` is gone: the `n` free times nearest to it (a
/// citizen who wanted the 20th at 9:00 wants that morning, not the first time from now), in
/// time order; `wanted` itself is left out.
pub fn nearest(mut offers: Vec<Offer>, wanted: DateTime<Utc>, n: usize) -> Vec<Offer> {
    offers.retain(|o| o.start != wanted);
    offers.sort_by_key(|o| ((o.start - wanted).abs(), o.start));
    offers.truncate(n);
    offers.sort_by_key(|o| o.start);
    offers
}

fn service_ids(services: &[Service]) -> Vec<ServiceId> {
    services.iter().map(|s| ServiceId(s.id)).collect()
}

fn request<'a>(
    s: &Settings,
    now: DateTime<Utc>,
    location: LocationId,
    services: &'a [ServiceId],
) -> Request<'a> {
    Request {
        location,
        services,
        now,
        lead: s.booking.lead,
    }
}

/// The engine's offer for exactly `start` at `location` for `services`, with booking
/// `except`'s own time counted free (`""`: none); `Ok(None)` if that time is not on offer.
/// Reads only the bookings that overlap it and searches only its day.
pub async fn offer_at(
    db: &Db,
    s: &Settings,
    now: DateTime<Utc>,
    location: LocationId,
    services: &[Service],
    start: DateTime<Utc>,
    except: &str,
) -> Result<(Option<Offer>, Arc<Catalogue>), BookingError> {
    let (cat, _, _) = catalogue::current(db).await?;
    // Only bookings that overlap the appointment asked for can take its clerks: during a
    // release storm the day itself holds hundreds.
    let need = schedule::need(&cat, location, &service_ids(services)).map_err(schedule_error)?;
    let longest = cat.longest_block(MAX_SERVICES);
    let agenda =
        catalogue::agenda_between(db, location, start, start + need.blocked, longest, except)
            .await?;
    let offer = search_at(&cat, &agenda, s, now, location, services, start)?;
    Ok((offer, cat))
}

fn schedule_error(e: ScheduleError) -> BookingError {
    match e {
        ScheduleError::NotVirtual(_) => BookingError::NotVirtual,
        ScheduleError::UnknownService(_) | ScheduleError::NoService => BookingError::UnknownService,
        ScheduleError::UnknownLocation(_) => BookingError::NoSuchSlot,
    }
}

/// A citizen's name as given, trimmed: `InvalidName` if empty, over 100 characters, or
/// with control characters.
pub fn valid_name(name: &str) -> Result<String, BookingError> {
    input::name(name).ok_or(BookingError::InvalidName)
}

/// An e-mail address as given, trimmed: `InvalidEmail` unless mail can be sent to it (by
/// lettre's own parser, as the sender reads it: [`input::email`]).
pub fn valid_address(email: &str) -> Result<String, BookingError> {
    input::email(email).ok_or(BookingError::InvalidEmail)
}

/// The active services with these slugs, in the order given.
pub async fn services_by_slug(db: &Db, slugs: &[String]) -> Result<Vec<Service>, BookingError> {
    let all = services(db).await?;
    let mut out = Vec::with_capacity(slugs.len());
    for slug in slugs {
        let s = all
            .iter()
            .find(|s| &s.slug == slug)
            .ok_or(BookingError::UnknownService)?;
        out.push(s.clone());
    }
    if out.is_empty() || out.len() > MAX_SERVICES {
        return Err(BookingError::UnknownService);
    }
    Ok(out)
}

/// Services one appointment may combine (ZMS allows a few; more is a day's work).
pub const MAX_SERVICES: usize = 3;

/// Books an appointment at the virtual office. The slot engine says which clerks are free
/// at the requested time; the booking then claims one clerk's time in a transaction, and
/// the database's key on the claims decides races: two citizens can never hold the same
/// clerk's minute, whatever the timing.
pub async fn book(
    db: &Db,
    vault: &Vault,
    s: &Settings,
    now: DateTime<Utc>,
    req: NewBooking,
) -> Result<Booked, BookingError> {
    let name = valid_name(&req.name)?;
    let email = valid_address(&req.email)?;
    let services = services_by_slug(db, &req.services).await?;
    if services.iter().any(|s| !s.virtual_ok) {
        return Err(BookingError::NotVirtual);
    }
    // Anti-hoarding: an address holds a few upcoming appointments, not a day's worth. The
    // batch writer counts them, for the whole batch in one read, and counts the batch's
    // own bookings too (two requests at the same instant no longer both pass).
    let email_limit = (
        email_index(vault, &email),
        i64::from(s.booking.max_per_email),
    );
    let (_, office, _) = catalogue::current(db).await?;
    let Some(office) = office else {
        return Err(BookingError::NoSuchSlot);
    };
    let location = LocationId(office.id);
    let (offer, cat) = offer_at(db, s, now, location, &services, req.start, "").await?;
    let Some(offer) = offer else {
        // Distinguish "was a time, now taken" from "never a time".
        let ever = search_at(
            &cat,
            &Agenda::default(),
            s,
            now,
            location,
            &services,
            req.start,
        )?;
        return Err(if ever.is_some() {
            BookingError::SlotTaken
        } else {
            BookingError::NoSuchSlot
        });
    };
    let ids = service_ids(&services);
    let need = schedule::need(&cat, location, &ids).map_err(|_| BookingError::NoSuchSlot)?;
    // Citizens who want the same time at once (the release storm) go to the batch writer
    // with every clerk the engine found free, in random order, and the writer gives each
    // the first of them still free when it writes. If none is free by then, the day is read
    // again (a clerk may have been freed meanwhile); each clerk is asked for once at most.
    let mut offer = offer;
    let mut asked: Vec<ClerkId> = Vec::new();
    loop {
        let mut free: Vec<i64> = offer
            .clerks
            .iter()
            .filter(|c| !asked.contains(c))
            .map(|c| c.0)
            .collect();
        free.shuffle(&mut rand::rng());
        let Some(&first) = free.first() else {
            return Err(BookingError::SlotTaken);
        };
        asked.extend(free.iter().map(|c| ClerkId(*c)));
        let claim = Claim {
            location: office.id,
            // The writer gives it the first of `clerks` still free when it writes.
            clerk: first,
            services: services.clone(),
            start: offer.start,
            end: offer.end,
            blocked_until: offer.start + need.blocked,
            confirm_by: Some(now + s.booking.confirm_within),
            channel: req.channel,
        };
        let ask = crate::batch::Ask {
            claim,
            clerks: free,
            name: name.clone(),
            email: email.clone(),
            email_limit: email_limit.clone(),
            locale: req.locale.clone(),
            now,
        };
        match crate::batch::book(db, vault, ask).await {
            Err(BookingError::SlotTaken) => {
                match offer_at(db, s, now, location, &services, req.start, "").await? {
                    (Some(fresh), _) => offer = fresh,
                    (None, _) => return Err(BookingError::SlotTaken),
                }
            }
            other => return other,
        }
    }
}

/// The clerk's time a booking takes.
#[derive(Debug, Clone)]
pub struct Claim {
    /// Location row ID.
    pub location: i64,
    /// Clerk row ID.
    pub clerk: i64,
    /// The services, in order (at least one).
    pub services: Vec<Service>,
    /// Start.
    pub start: DateTime<Utc>,
    /// End of the citizen's appointment.
    pub end: DateTime<Utc>,
    /// End of the clerk's time (the appointment and its buffer).
    pub blocked_until: DateTime<Utc>,
    /// Until when an unconfirmed booking is held for its citizen; `None`: confirmed at
    /// once (the demo, a clerk booking for a caller).
    pub confirm_by: Option<DateTime<Utc>>,
    /// Who made it: `web`, `api`, `phone`, `waitlist`, `demo` (for the statistics).
    pub channel: &'static str,
}

/// Stores a booking and claims its clerk's time in one transaction: `SlotTaken` if any
/// unit of it is claimed already. Also used to seed the demo booking, which need not lie
/// in opening hours.
pub async fn insert(
    db: &Db,
    vault: &Vault,
    claim: &Claim,
    name: &str,
    email: &str,
    locale: &str,
    now: DateTime<Utc>,
) -> Result<Booked, BookingError> {
    let one = NewClaim {
        claim,
        name,
        email,
        locale,
        now,
    };
    insert_many(db, vault, std::slice::from_ref(&one))
        .await?
        .pop()
        .ok_or(BookingError::UnknownService)
}

/// A booking to store: its claim and the citizen's data.
pub struct NewClaim<'a> {
    /// The clerk's time.
    pub claim: &'a Claim,
    /// Name, as given.
    pub name: &'a str,
    /// E-mail, as given.
    pub email: &'a str,
    /// Language of the mails.
    pub locale: &'a str,
    /// When it was asked for.
    pub now: DateTime<Utc>,
}

/// Rows per multi-row statement: well below either engine's limit on parameters (18 a
/// booking, 3 a claim unit).
const ROWS_PER_STATEMENT: usize = 100;

/// Stores several bookings and their claims in one transaction, a few statements for all
/// of them (group commit): `SlotTaken` if any unit of any of them is claimed already, and
/// then none is stored.
pub async fn insert_many(
    db: &Db,
    vault: &Vault,
    items: &[NewClaim<'_>],
) -> Result<Vec<Booked>, BookingError> {
    let mut booked = Vec::with_capacity(items.len());
    for item in items {
        let Some(first) = item.claim.services.first() else {
            return Err(BookingError::UnknownService);
        };
        booked.push(Booked {
            join_key: random_token(24),
            booking: Booking {
                id: random_id("BK_"),
                service: first.slug.clone(),
                starts_at: item.claim.start,
                ends_at: item.claim.end,
                state: if item.claim.confirm_by.is_none() {
                    State::Confirmed
                } else {
                    State::Pending
                },
                citizen_name: item.name.to_owned(),
                email: item.email.to_owned(),
                locale: item.locale.to_owned(),
                // The `RM_` form signalling's `RoomId::parse` takes.
                room_id: vamt_portal_storage::secret::random_id("RM_"),
                clerk_id: Some(item.claim.clerk),
            },
        });
    }
    let engine = db.engine();
    let _turn = db.writer_turn().await;
    let mut tx = db.begin().await?;
    let pairs: Vec<(&NewClaim<'_>, &Booked)> = items.iter().zip(&booked).collect();
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let sql = vamt_portal_storage::db::values_sql(
            engine,
            "INSERT INTO bookings (id, service_id, starts_at, ends_at, seat, state, citizen_name, email, email_index, locale, room_id, join_key_hash, join_key_sealed, created_at, location_id, clerk_id, blocked_until, confirmed_at, confirm_by, channel) VALUES ",
            chunk.len(),
            19,
            &[(4, "0")],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (item, b) in chunk {
            let (claim, booking) = (item.claim, &b.booking);
            let first_service = claim.services.first().map_or(0, |s| s.id);
            q = q
                .bind(booking.id.clone())
                .bind(first_service)
                .bind(ts(claim.start))
                .bind(ts(claim.end))
                .bind(booking.state.as_str())
                .bind(vault.seal(&field(&booking.id, "citizen_name"), &booking.citizen_name))
                .bind(vault.seal(&field(&booking.id, "email"), &booking.email))
                .bind(email_index(vault, &booking.email))
                .bind(booking.locale.clone())
                .bind(booking.room_id.clone())
                .bind(hash_token(&b.join_key))
                .bind(vault.seal(&field(&booking.id, "join_key_sealed"), &b.join_key))
                .bind(ts(item.now))
                .bind(claim.location)
                .bind(claim.clerk)
                .bind(ts(claim.blocked_until))
                .bind(claim.confirm_by.is_none().then(|| ts(item.now)))
                .bind(claim.confirm_by.map(ts))
                .bind(claim.channel);
        }
        q.execute(&mut *tx).await?;
    }
    let services: Vec<(&str, i64, i64)> = pairs
        .iter()
        .flat_map(|(item, b)| {
            item.claim
                .services
                .iter()
                .enumerate()
                .map(|(position, s)| (b.booking.id.as_str(), position as i64, s.id))
        })
        .collect();
    for chunk in services.chunks(ROWS_PER_STATEMENT * 3) {
        let sql = vamt_portal_storage::db::values_sql(
            engine,
            "INSERT INTO booking_services (booking_id, position, service_id) VALUES ",
            chunk.len(),
            3,
            &[],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (id, position, service) in chunk {
            q = q.bind(*id).bind(*position).bind(*service);
        }
        q.execute(&mut *tx).await?;
    }
    let units: Vec<(i64, String, &str)> = pairs
        .iter()
        .flat_map(|(item, b)| {
            catalogue::claim_units(item.claim.start, item.claim.blocked_until)
                .into_iter()
                .map(|u| (item.claim.clerk, ts(u), b.booking.id.as_str()))
        })
        .collect();
    for chunk in units.chunks(ROWS_PER_STATEMENT * 5) {
        let sql = vamt_portal_storage::db::values_sql(
            engine,
            "INSERT INTO booking_claims (clerk_id, unit_start, booking_id) VALUES ",
            chunk.len(),
            3,
            &[],
        );
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql));
        for (clerk, unit, id) in chunk {
            q = q.bind(*clerk).bind(unit.clone()).bind(*id);
        }
        match q.execute(&mut *tx).await {
            Ok(_) => {}
            // Dropping the transaction rolls every booking of it back.
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                return Err(BookingError::SlotTaken)
            }
            Err(e) => return Err(e.into()),
        }
    }
    tx.commit().await?;
    Ok(booked)
}

/// The blind index of an e-mail address: case and surrounding space do not make another
/// address.
fn email_index(vault: &Vault, email: &str) -> String {
    vault.blind_index("bookings.email", &email.trim().to_lowercase())
}

/// The select list and joins of a [`BookingRow`]; a macro so queries stay static strings.
macro_rules! select_bookings {
    ($rest:literal) => {
        concat!(
            "SELECT b.id, s.slug AS service, b.starts_at, b.ends_at, b.state, b.citizen_name, b.email, \
             b.locale, b.room_id, b.clerk_id, b.clerk_note, COALESCE(b.attendance, '') AS attendance, \
             COALESCE(c.display_name, '') AS clerk_name \
             FROM bookings b JOIN services s ON s.id = b.service_id LEFT JOIN clerks c ON c.id = b.clerk_id ",
            $rest
        )
    };
}

/// A booking as [`select_bookings!`] reads it, by column name; personal fields sealed.
#[derive(sqlx::FromRow)]
struct BookingRow {
    id: String,
    service: String,
    starts_at: String,
    ends_at: String,
    state: String,
    citizen_name: String,
    email: String,
    locale: String,
    room_id: String,
    clerk_id: Option<i64>,
    clerk_note: String,
    attendance: String,
    clerk_name: String,
}

/// The vault context of a booking's personal field.
fn field(id: &str, column: &str) -> String {
    format!("bookings.{column}:{id}")
}

fn booking_from_row(vault: &Vault, r: &BookingRow) -> Result<Option<Booking>, BookingError> {
    // An erased field is empty: retention has removed it.
    let open = |column: &str, sealed: &str| -> Result<String, VaultError> {
        if sealed.is_empty() {
            Ok(String::new())
        } else {
            vault.open(&field(&r.id, column), sealed)
        }
    };
    let (Some(starts_at), Some(ends_at), Some(state)) = (
        parse_ts(&r.starts_at),
        parse_ts(&r.ends_at),
        State::parse(&r.state),
    ) else {
        return Ok(None);
    };
    Ok(Some(Booking {
        citizen_name: open("citizen_name", &r.citizen_name)?,
        email: open("email", &r.email)?,
        id: r.id.clone(),
        service: r.service.clone(),
        starts_at,
        ends_at,
        state,
        locale: r.locale.clone(),
        room_id: r.room_id.clone(),
        clerk_id: r.clerk_id,
    }))
}

/// The ID of the booking whose call is `room`, if there is one.
pub async fn id_by_room(db: &Db, room: &str) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM bookings WHERE room_id = $1")
        .bind(room)
        .fetch_optional(db.pool())
        .await
}

/// The booking `id`, if it exists.
pub async fn find(db: &Db, vault: &Vault, id: &str) -> Result<Option<Booking>, BookingError> {
    let row = sqlx::query_as::<_, BookingRow>(select_bookings!("WHERE b.id = $1"))
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    match row {
        Some(r) => booking_from_row(vault, &r),
        None => Ok(None),
    }
}

/// The live booking `id` if `key` is its join secret.
pub async fn find_by_join_key(
    db: &Db,
    vault: &Vault,
    id: &str,
    key: &str,
) -> Result<Option<Booking>, BookingError> {
    Ok(find_by_key(db, vault, id, key)
        .await?
        .filter(|b| b.state == State::Confirmed))
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
    db: &Db,
    vault: &Vault,
    id: &str,
    key: &str,
) -> Result<Option<Booking>, BookingError> {
    let stored: Option<String> = sqlx::query_scalar(
        "SELECT join_key_hash FROM bookings WHERE id = $1 AND personal_data_erased_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let Some(stored) = stored else {
        return Ok(None);
    };
    if stored.is_empty() || !constant_time_eq(&stored, &hash_token(key)) {
        return Ok(None);
    }
    find(db, vault, id).await
}

/// Cancels booking `id` if `key` is its secret and it has not begun; its place is free for
/// others at once (its claims on the clerk's time are deleted with it). `None` for an unknown
/// booking or a wrong key. Cancelling twice is harmless.
pub async fn cancel(
    db: &Db,
    vault: &Vault,
    id: &str,
    key: &str,
    now: DateTime<Utc>,
) -> Result<Option<Cancellation>, BookingError> {
    let Some(b) = find_by_key(db, vault, id, key).await? else {
        return Ok(None);
    };
    if b.state == State::Cancelled {
        return Ok(Some(Cancellation::AlreadyCancelled(b)));
    }
    if b.starts_at <= now {
        return Ok(Some(Cancellation::TooLate(b)));
    }
    // Only a live booking changes: of two cancellations at once, one updates the row. Its
    // claims go in the same transaction, so the time is free the moment it commits.
    let mut tx = db.begin().await?;
    let done = sqlx::query(transition_sql(State::Cancelled, "", ""))
        .bind(id)
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM booking_claims WHERE booking_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Some(if done.rows_affected() == 1 {
        Cancellation::Cancelled(Booking {
            state: State::Cancelled,
            ..b
        })
    } else {
        Cancellation::AlreadyCancelled(b)
    }))
}

/// What a confirmation found.
#[derive(Debug)]
pub enum Confirmation {
    /// Confirmed now: the confirmation mail with the join link goes out.
    Confirmed(Booking),
    /// It had been confirmed before (the link used twice).
    AlreadyConfirmed(Booking),
    /// Too late: unconfirmed in time and released, or cancelled.
    Lapsed(Booking),
    /// Its address holds as many confirmed upcoming appointments as allowed: the hold is
    /// released.
    TooMany(Booking),
}

/// Confirms booking `id` if `key` is its secret and it is still held (double opt-in), and
/// its address holds fewer than `max_per_email` confirmed upcoming appointments.
/// `None` for an unknown booking or a wrong key.
pub async fn confirm(
    db: &Db,
    vault: &Vault,
    id: &str,
    key: &str,
    now: DateTime<Utc>,
    max_per_email: u32,
) -> Result<Option<Confirmation>, BookingError> {
    let Some(b) = find_by_key(db, vault, id, key).await? else {
        return Ok(None);
    };
    match b.state {
        State::Cancelled => return Ok(Some(Confirmation::Lapsed(b))),
        State::Confirmed => return Ok(Some(Confirmation::AlreadyConfirmed(b))),
        State::Pending => {}
    }
    // The hold and the address's limit are checked in the update itself: a confirmation
    // racing the release job either confirms a held booking or finds it gone, never both.
    // Unconfirmed holds do not count against the address (see batch::held_per_address),
    // so this is where the limit is kept.
    // Confirmations of one address take turns, so two at the same instant cannot both see
    // the other's appointment not yet counted. SQLite has one writer anyway; on PostgreSQL
    // (read committed) a transaction lock on the address's blind index does it, and the
    // count in the update, a statement after the lock, sees what the one before committed.
    let mut tx = db.begin().await?;
    if db.engine() == vamt_portal_storage::db::Engine::Postgres {
        sqlx::query(
            "SELECT pg_advisory_xact_lock(hashtext((SELECT email_index FROM bookings WHERE id = $1)))",
        )
        .bind(id)
        .execute(&mut *tx)
        .await?;
    }
    let done = sqlx::query(transition_sql(
        State::Confirmed,
        ", confirmed_at = $2",
        " AND confirm_by > $3 \
         AND (SELECT COUNT(*) FROM bookings o WHERE o.email_index = bookings.email_index \
              AND o.state = 'confirmed' AND o.starts_at > $3) < $4",
    ))
    .bind(id)
    .bind(ts(now))
    .bind(ts(now))
    .bind(i64::from(max_per_email))
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    if done.rows_affected() == 1 {
        return Ok(Some(Confirmation::Confirmed(Booking {
            state: State::Confirmed,
            ..b
        })));
    }
    Ok(Some(match find(db, vault, id).await? {
        Some(again) if again.state == State::Confirmed => Confirmation::AlreadyConfirmed(again),
        // Still held in time, so the address's limit refused it: the time goes back to
        // the others at once rather than when the hold lapses.
        Some(again) if still_held(db, id, now).await? && release_hold(db, id).await? => {
            Confirmation::TooMany(again)
        }
        Some(again) => Confirmation::Lapsed(again),
        None => Confirmation::Lapsed(b),
    }))
}

async fn still_held(db: &Db, id: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE id = $1 AND state = 'pending' AND confirm_by > $2",
    )
    .bind(id)
    .bind(ts(now))
    .fetch_one(db.pool())
    .await?;
    Ok(n > 0)
}

/// Releases every booking whose citizen did not confirm in time: cancelled, its clerk's
/// time free again. Returns the released bookings' IDs.
pub async fn release_unconfirmed(db: &Db, now: DateTime<Utc>) -> Result<Vec<String>, sqlx::Error> {
    let ids: Vec<String> =
        sqlx::query_scalar("SELECT id FROM bookings WHERE state = 'pending' AND confirm_by <= $1")
            .bind(ts(now))
            .fetch_all(db.pool())
            .await?;
    let mut released = Vec::new();
    for id in ids {
        if release_hold(db, &id).await? {
            released.push(id);
        }
    }
    Ok(released)
}

/// Cancels booking `id` and frees its time if it is still held unconfirmed; `false` if it
/// was confirmed (a confirmation that committed first wins), cancelled or never existed.
pub async fn release_hold(db: &Db, id: &str) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin().await?;
    let done = sqlx::query(transition_sql(
        State::Cancelled,
        "",
        " AND state = 'pending'",
    ))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() != 1 {
        return Ok(false);
    }
    sqlx::query("DELETE FROM booking_claims WHERE booking_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(true)
}

/// Live bookings starting within `lead` from `now` whose reminder has not gone out, each
/// with its join key (unsealed), earliest first. One booked within `lead` of its start needs
/// none: its confirmation is as recent as a reminder would be.
pub async fn due_reminders(
    db: &Db,
    vault: &Vault,
    now: DateTime<Utc>,
    lead: chrono::Duration,
) -> Result<Vec<Booked>, BookingError> {
    let until = now + lead;
    #[derive(sqlx::FromRow)]
    struct DueRow {
        id: String,
        join_key_sealed: String,
        starts_at: String,
        created_at: String,
    }
    let rows = sqlx::query_as::<_, DueRow>(
        "SELECT id, join_key_sealed, starts_at, created_at FROM bookings WHERE state = 'confirmed' AND reminded_at IS NULL \
         AND personal_data_erased_at IS NULL AND join_key_sealed <> '' AND starts_at > $1 AND starts_at <= $2 \
         ORDER BY starts_at",
    )
    .bind(ts(now))
    .bind(ts(until))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (id, sealed) = (r.id, r.join_key_sealed);
        let booked_late = match (parse_ts(&r.starts_at), parse_ts(&r.created_at)) {
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
pub async fn claim_reminder(db: &Db, id: &str, now: DateTime<Utc>) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET reminded_at = $1 WHERE id = $2 AND reminded_at IS NULL AND state <> 'cancelled'",
    )
    .bind(ts(now))
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Live bookings starting in `[from, to)`, earliest first.
pub async fn between(
    db: &Db,
    vault: &Vault,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<Booking>, BookingError> {
    let rows = sqlx::query_as::<_, BookingRow>(select_bookings!(
        "WHERE b.state = 'confirmed' AND b.starts_at >= $1 AND b.starts_at < $2 ORDER BY b.starts_at, b.clerk_id"
    ))
    .bind(ts(from))
    .bind(ts(to))
    .fetch_all(db.pool())
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
    db: &Db,
    ended_before: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE bookings SET citizen_name = '', email = '', join_key_hash = '', join_key_sealed = '', email_index = '', clerk_note = '', personal_data_erased_at = $1 \
         WHERE ends_at < $2 AND personal_data_erased_at IS NULL",
    )
    .bind(ts(now))
    .bind(ts(ended_before))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected())
}

/// Deletes the claims of time that is over: they keep future time single and are no use
/// after it. Returns how many went.
pub async fn prune_claims(db: &Db, before: DateTime<Utc>) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM booking_claims WHERE unit_start < $1")
        .bind(ts(before))
        .execute(db.pool())
        .await?;
    Ok(done.rows_affected())
}

/// The join key of booking `id`, unsealed (for a mail that repeats its links), if still
/// held.
pub async fn join_key(db: &Db, vault: &Vault, id: &str) -> Result<Option<String>, BookingError> {
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT join_key_sealed FROM bookings WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    match sealed.filter(|s| !s.is_empty()) {
        Some(s) => Ok(Some(vault.open(&field(id, "join_key_sealed"), &s)?)),
        None => Ok(None),
    }
}

/// A booking on a clerk's day.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DeskEntry {
    /// The booking.
    pub booking: Booking,
    /// The clerk's note (opened).
    pub note: String,
    /// `attended`, `no_show`, or empty.
    pub attendance: String,
    /// The clerk's display name.
    pub clerk_name: String,
}

/// Live bookings (confirmed or held) starting in `[from, to)`, of `clerk` or of everyone,
/// at `location` or at every location, earliest first.
pub async fn desk(
    db: &Db,
    vault: &Vault,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
    clerk: Option<i64>,
    location: Option<i64>,
) -> Result<Vec<DeskEntry>, BookingError> {
    let rows = sqlx::query_as::<_, BookingRow>(select_bookings!(
        "WHERE b.state <> 'cancelled' AND b.starts_at >= $1 AND b.starts_at < $2 AND ($3 = 0 OR b.clerk_id = $3) \
         AND ($4 = -1 OR b.location_id = $4) ORDER BY b.starts_at, b.clerk_id"
    ))
    .bind(ts(from))
    .bind(ts(to))
    .bind(clerk.unwrap_or(0))
    .bind(location.unwrap_or(-1))
    .fetch_all(db.pool())
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let Some(b) = booking_from_row(vault, r)? else {
            continue;
        };
        let note = open_note(vault, &b.id, &r.clerk_note)?;
        out.push(DeskEntry {
            booking: b,
            note,
            attendance: r.attendance.clone(),
            clerk_name: r.clerk_name.clone(),
        });
    }
    Ok(out)
}

/// Longest clerk's note kept.
pub const MAX_NOTE: usize = 2000;

/// Sets the clerk's note on booking `id` (sealed at rest; empty clears it). False for an
/// unknown booking.
pub async fn set_note(db: &Db, vault: &Vault, id: &str, note: &str) -> Result<bool, BookingError> {
    let note: String = note.trim().chars().take(MAX_NOTE).collect();
    let sealed = if note.is_empty() {
        String::new()
    } else {
        vault.seal(&field(id, "clerk_note"), &note)
    };
    let done = sqlx::query(
        "UPDATE bookings SET clerk_note = $1 WHERE id = $2 AND personal_data_erased_at IS NULL",
    )
    .bind(sealed)
    .bind(id)
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The clerk's note on booking `id` (empty if none, or the booking is unknown).
pub async fn note(db: &Db, vault: &Vault, id: &str) -> Result<String, BookingError> {
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT clerk_note FROM bookings WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    open_note(vault, id, sealed.as_deref().unwrap_or_default())
}

/// The clerk's note of booking `id` as stored (sealed), opened; an empty column is no note.
fn open_note(vault: &Vault, id: &str, sealed: &str) -> Result<String, BookingError> {
    if sealed.is_empty() {
        return Ok(String::new());
    }
    Ok(vault.open(&field(id, "clerk_note"), sealed)?)
}

/// Records whether the citizen came (`attended`, `no_show`), or clears it (`None`); only
/// once the appointment has begun. False for an unknown booking, or one not begun.
pub async fn mark_attendance(
    db: &Db,
    id: &str,
    attendance: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, BookingError> {
    if attendance.is_some_and(|a| a != "attended" && a != "no_show") {
        return Ok(false);
    }
    let done = sqlx::query(
        "UPDATE bookings SET attendance = $1 WHERE id = $2 AND state <> 'cancelled' AND starts_at <= $3",
    )
    .bind(attendance)
    .bind(id)
    .bind(ts(now))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Where booking `id` is and what it is for: its location and its services in order.
async fn placement(db: &Db, id: &str) -> Result<Option<(LocationId, Vec<Service>)>, BookingError> {
    let location: Option<Option<i64>> =
        sqlx::query_scalar("SELECT location_id FROM bookings WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    let Some(location) = location.flatten() else {
        return Ok(None);
    };
    let ids: Vec<i64> = sqlx::query_scalar(
        "SELECT service_id FROM booking_services WHERE booking_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(db.pool())
    .await?;
    let all = services(db).await?;
    let chosen: Vec<Service> = ids
        .iter()
        .filter_map(|i| all.iter().find(|s| s.id == *i).cloned())
        .collect();
    if chosen.len() != ids.len() || chosen.is_empty() {
        // A service withdrawn since: the appointment stands, but no new time is offered.
        return Ok(None);
    }
    Ok(Some((LocationId(location), chosen)))
}

/// The times live booking `id` could move to: for all its services, at its location, its
/// own time counted free (so the offer includes times that overlap it).
pub async fn move_offers(
    db: &Db,
    s: &Settings,
    id: &str,
    now: DateTime<Utc>,
) -> Result<Vec<Offer>, BookingError> {
    let Some((location, chosen)) = placement(db, id).await? else {
        return Ok(Vec::new());
    };
    let (cat, _, _) = catalogue::current(db).await?;
    let agenda = catalogue::agenda_without(db, location, now, id).await?;
    search(&cat, &agenda, s, now, location, &chosen)
}

/// Moves live booking `id` to `start` (rebooking, e.g. at the citizen's request on the
/// phone): the engine must offer that time for the booking's services with its own time
/// counted free; the old claims go and the new ones come in one transaction, so the
/// booking never holds two times nor none. Returns the moved booking.
pub async fn reschedule(
    db: &Db,
    vault: &Vault,
    s: &Settings,
    id: &str,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<Booking, BookingError> {
    let Some(b) = find(db, vault, id).await? else {
        return Err(BookingError::NoSuchSlot);
    };
    if !b.state.is_live() || b.starts_at <= now {
        return Err(BookingError::NoSuchSlot);
    }
    let Some((location, chosen)) = placement(db, id).await? else {
        return Err(BookingError::NoSuchSlot);
    };
    let (offer, cat) = offer_at(db, s, now, location, &chosen, start, id).await?;
    let Some(offer) = offer else {
        return Err(BookingError::SlotTaken);
    };
    let sids = service_ids(&chosen);
    let need = schedule::need(&cat, location, &sids).map_err(|_| BookingError::NoSuchSlot)?;
    // The booking's own clerk first: the citizen may have been told a name.
    let mut clerks = offer.clerks.clone();
    if let Some(own) = b.clerk_id {
        clerks.sort_by_key(|c| c.0 != own);
    }
    for clerk in clerks {
        let mut tx = db.begin().await?;
        sqlx::query("DELETE FROM booking_claims WHERE booking_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let until = offer.start + need.blocked;
        let mut taken = false;
        for unit in catalogue::claim_units(offer.start, until) {
            match sqlx::query(
                "INSERT INTO booking_claims (clerk_id, unit_start, booking_id) VALUES ($1, $2, $3)",
            )
            .bind(clerk.0)
            .bind(ts(unit))
            .bind(id)
            .execute(&mut *tx)
            .await
            {
                Ok(_) => {}
                Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                    taken = true;
                    break;
                }
                Err(e) => return Err(e.into()),
            }
        }
        if taken {
            continue; // the transaction rolls back: the old claims stand
        }
        sqlx::query(
            "UPDATE bookings SET starts_at = $1, ends_at = $2, blocked_until = $3, clerk_id = $4, reminded_at = NULL WHERE id = $5",
        )
        .bind(ts(offer.start))
        .bind(ts(offer.end))
        .bind(ts(until))
        .bind(clerk.0)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        return Ok(Booking {
            starts_at: offer.start,
            ends_at: offer.end,
            clerk_id: Some(clerk.0),
            ..b
        });
    }
    Err(BookingError::SlotTaken)
}

/// What follows a citizen's confirmation, from the page or the API: counted, its waiting
/// list entry (if it was an offer) closed, the confirmation with the join link sent.
pub async fn confirmed(st: &crate::Office, b: Booking, key: &str) -> Booked {
    st.metrics.confirmations.inc();
    tracing::info!(booking = %b.id, "booking confirmed by the citizen");
    if let Err(e) = crate::waitlist::confirmed(&st.db, &b.id).await {
        tracing::error!(booking = %b.id, error = %e, "waiting list entry not closed");
    }
    let booked = Booked {
        booking: b,
        join_key: key.to_owned(),
    };
    crate::notify::send_confirmation(st, &booked).await;
    booked
}

/// What follows a citizen's cancellation, from the page or the API: counted, and the
/// freed time offered to the waiting list.
pub async fn cancelled(st: &crate::Office, b: &Booking) {
    st.metrics.cancellations.inc();
    tracing::info!(booking = %b.id, "booking cancelled by the citizen");
    crate::waitlist::offer_to_next(st, &b.id).await;
}

#[cfg(test)]
mod tests {
    use super::{nearest, State};

    #[test]
    fn a_state_is_stored_and_shown_as_one_word_and_read_back() {
        for state in [State::Pending, State::Confirmed, State::Cancelled] {
            assert_eq!(State::parse(state.as_str()), Some(state));
            assert_eq!(
                serde_json::to_value(state).expect("serialises"),
                serde_json::Value::String(state.as_str().to_owned())
            );
        }
        // The words of before the state was one column are not states.
        assert_eq!(State::parse("booked"), None);
        assert_eq!(State::parse("lapsed"), None);
    }

    #[test]
    fn only_the_workflows_transitions_are_allowed() {
        use State::*;
        let all = [Pending, Confirmed, Cancelled];
        let allowed: Vec<(State, State)> = all
            .iter()
            .flat_map(|to| to.comes_from().iter().map(move |from| (*from, *to)))
            .collect();
        assert_eq!(
            allowed,
            [
                (Pending, Confirmed),
                (Pending, Cancelled),
                (Confirmed, Cancelled)
            ]
        );
        // Nothing leaves a cancellation, and nothing becomes pending again.
        assert!(all.iter().all(|to| !to.comes_from().contains(&Cancelled)));
        assert_eq!(Pending.from_sql(), "1 = 0");
        assert_eq!(Cancelled.from_sql(), "state IN ('pending', 'confirmed')");
    }
    use chrono::{DateTime, Duration, Utc};
    use vamt_portal_core::schedule::{ClerkId, Offer};

    #[test]
    fn multi_row_statements_number_their_placeholders_on() {
        use vamt_portal_storage::db::{values_sql, Engine};
        assert_eq!(
            values_sql(
                Engine::Postgres,
                "INSERT INTO t (a, b, c) VALUES ",
                2,
                2,
                &[(1, "'x'")]
            ),
            "INSERT INTO t (a, b, c) VALUES ($1, 'x', $2), ($3, 'x', $4)"
        );
        assert_eq!(
            values_sql(Engine::Postgres, "V ", 1, 3, &[]),
            "V ($1, $2, $3)"
        );
        assert_eq!(
            values_sql(Engine::Sqlite, "V ", 2, 2, &[(0, "0")]),
            "V (0, ?, ?), (0, ?, ?)"
        );
    }

    #[test]
    fn alternatives_are_the_free_times_nearest_the_one_wanted() {
        let day = |d: i64, h: i64| {
            DateTime::<Utc>::from_timestamp(1_780_000_000, 0).expect("time")
                + Duration::days(d)
                + Duration::hours(h)
        };
        let offer = |t| Offer {
            start: t,
            end: t + Duration::minutes(20),
            clerks: vec![ClerkId(1)],
        };
        // Tomorrow morning is free, and so is most of the 20th around the time wanted.
        let free: Vec<Offer> = [
            day(1, 8),
            day(1, 9),
            day(9, 7),
            day(9, 8),
            day(9, 10),
            day(9, 14),
            day(10, 9),
        ]
        .into_iter()
        .map(offer)
        .collect();
        let wanted = day(9, 9);
        let starts: Vec<_> = nearest(free.clone(), wanted, 3)
            .iter()
            .map(|o| o.start)
            .collect();
        assert_eq!(
            starts,
            vec![day(9, 7), day(9, 8), day(9, 10)],
            "nearest, in time order"
        );
        // The time wanted, if the engine still offers it, is not an alternative to itself.
        let with_wanted = [free.clone(), vec![offer(wanted)]].concat();
        assert!(nearest(with_wanted, wanted, 10)
            .iter()
            .all(|o| o.start != wanted));
        assert_eq!(nearest(free, wanted, 100).len(), 7);
    }
}
