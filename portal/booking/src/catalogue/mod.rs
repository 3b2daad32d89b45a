//! The city's catalogue in the database — locations with opening hours and special days,
//! services, clerks with skills and working hours — read into the slot engine's
//! [`schedule::Catalogue`], and the live bookings read into its [`schedule::Agenda`].
use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc, Weekday};
use chrono_tz::Tz;

pub mod edit;

use vamt_portal_storage::db::Db;

use vamt_portal_core::schedule::{
    self, Agenda, Catalogue, ClerkId, Hours, Location, LocationId, ServiceId, Span,
};
use vamt_portal_storage::db::{parse_ts, ts};

pub use vamt_portal_core::schedule::OpeningRule;

/// A location as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct LocationInfo {
    /// Row ID.
    pub id: i64,
    /// Stable name in URLs.
    pub slug: String,
    /// The office's own name.
    pub name: String,
    /// Street address; empty for the virtual office.
    pub address: String,
    /// Whether this is the video office.
    pub is_virtual: bool,
}

/// Granularity of the claims that keep a clerk's time single (`booking_claims`).
pub const CLAIM_MINUTES: i64 = 5;

fn hhmm(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

fn weekday(n: i64) -> Option<Weekday> {
    u8::try_from(n).ok().and_then(|n| Weekday::try_from(n).ok())
}

/// Weekly rows (weekday, opens, closes) and dated rows (day, opens?, closes?) into hours.
fn hours_from(
    weekly: &[(i64, String, String)],
    days: &[(String, Option<String>, Option<String>)],
) -> Hours {
    let mut by_day: [Vec<Span>; 7] = Default::default();
    for (d, o, c) in weekly {
        if let (Some(d), Some(o), Some(c)) = (weekday(*d), hhmm(o), hhmm(c)) {
            if let Some(span) = Span::new(o, c) {
                by_day[d.num_days_from_monday() as usize].push(span);
            }
        }
    }
    let mut h = Hours::closed();
    for (i, spans) in by_day.iter().enumerate() {
        if let Some(d) = weekday(i as i64) {
            h.set_weekday(d, spans);
        }
    }
    let mut dated: HashMap<NaiveDate, Vec<Span>> = HashMap::new();
    for (day, o, c) in days {
        let Ok(date) = NaiveDate::parse_from_str(day, "%Y-%m-%d") else {
            continue;
        };
        let entry = dated.entry(date).or_default();
        if let (Some(o), Some(c)) = (o.as_deref().and_then(hhmm), c.as_deref().and_then(hhmm)) {
            if let Some(span) = Span::new(o, c) {
                entry.push(span);
            }
        }
    }
    for (date, spans) in dated {
        if spans.is_empty() {
            h.close_on(date);
        } else {
            h.set_day(date, &spans);
        }
    }
    h
}

type Weekly = HashMap<i64, Vec<(i64, String, String)>>;
type Dated = HashMap<i64, Vec<(String, Option<String>, Option<String>)>>;

/// A weekly opening span of a location or clerk (`owner_id`), as [`weekly`] reads it.
#[derive(sqlx::FromRow)]
struct WeeklyRow {
    owner_id: i64,
    weekday: i64,
    opens: String,
    closes: String,
}

/// A dated opening span (or closed day) of a location or clerk, as [`dated`] reads it.
#[derive(sqlx::FromRow)]
struct DatedRow {
    owner_id: i64,
    day: String,
    opens: Option<String>,
    closes: Option<String>,
}

async fn weekly(db: &Db, sql: &'static str) -> Result<Weekly, sqlx::Error> {
    let mut out: Weekly = HashMap::new();
    for r in sqlx::query_as::<_, WeeklyRow>(sql)
        .fetch_all(db.pool())
        .await?
    {
        out.entry(r.owner_id)
            .or_default()
            .push((r.weekday, r.opens, r.closes));
    }
    Ok(out)
}

async fn dated(db: &Db, sql: &'static str) -> Result<Dated, sqlx::Error> {
    let mut out: Dated = HashMap::new();
    for r in sqlx::query_as::<_, DatedRow>(sql)
        .fetch_all(db.pool())
        .await?
    {
        out.entry(r.owner_id)
            .or_default()
            .push((r.day, r.opens, r.closes));
    }
    Ok(out)
}

/// An active service, as [`load`] reads it.
#[derive(sqlx::FromRow)]
struct ServiceRow {
    id: i64,
    duration_minutes: i64,
    buffer_minutes: i64,
    virtual_ok: i64,
}

/// An active location, as [`load`] reads it.
#[derive(sqlx::FromRow)]
struct LocationRow {
    id: i64,
    timezone: String,
    grid_minutes: i64,
    is_virtual: i64,
}

/// A clerk's skill, as [`load`] reads it.
#[derive(sqlx::FromRow)]
struct SkillRow {
    clerk_id: i64,
    service_id: i64,
}

/// An active clerk and their location, as [`load`] reads it.
#[derive(sqlx::FromRow)]
struct ClerkPlaceRow {
    id: i64,
    location_id: Option<i64>,
}

/// An active location as [`locations`] reads it.
#[derive(sqlx::FromRow)]
struct LocationInfoRow {
    id: i64,
    slug: String,
    name: String,
    address: String,
    is_virtual: i64,
}

/// A booking's clerk and blocked span, as the agenda queries read it.
#[derive(sqlx::FromRow)]
struct AgendaRow {
    clerk_id: i64,
    starts_at: String,
    blocked_until: String,
}

/// A booking without a clerk, as [`adopt_unplaced`] reads it.
#[derive(sqlx::FromRow)]
struct UnplacedRow {
    id: String,
    starts_at: String,
    ends_at: String,
    service_id: i64,
}

/// How long a read catalogue is reused: every booking and slot page needs it, and reading
/// it is a dozen queries, while it changes a few times a day. Changes made through this
/// module and `clerk::create` invalidate it at once; others show within this time.
const CACHE_TTL: std::time::Duration = std::time::Duration::from_secs(5);

type Cached = (
    std::time::Instant,
    Arc<Catalogue>,
    Option<LocationInfo>,
    Arc<Vec<crate::booking::Service>>,
);

/// What [`current`] returns: the engine's catalogue, the virtual office, the services.
pub type Current = (
    Arc<Catalogue>,
    Option<LocationInfo>,
    Arc<Vec<crate::booking::Service>>,
);

/// The cached catalogue of a database, kept with it (`Db::kept`).
#[derive(Default)]
struct Cache(Mutex<Option<Cached>>);

fn cache(db: &Db) -> Arc<Cache> {
    db.kept(Cache::default)
}

/// Forgets the cached catalogue of `db` (after a change to it).
pub fn invalidate(db: &Db) {
    *lock(&cache(db).0) = None;
}

/// The catalogue and the virtual office, from the cache when fresh.
pub async fn current(db: &Db) -> Result<Current, sqlx::Error> {
    let kept = cache(db);
    if let Some((at, cat, office, services)) = lock(&kept.0).as_ref() {
        if at.elapsed() < CACHE_TTL {
            return Ok((cat.clone(), office.clone(), services.clone()));
        }
    }
    let cat = Arc::new(load(db).await?);
    let office = locations(db).await?.into_iter().find(|l| l.is_virtual);
    let services = Arc::new(crate::booking::read_services(db).await?);
    *lock(&kept.0) = Some((
        std::time::Instant::now(),
        cat.clone(),
        office.clone(),
        services.clone(),
    ));
    Ok((cat, office, services))
}

/// The whole catalogue of active services, locations and clerks, read now.
pub async fn load(db: &Db) -> Result<Catalogue, sqlx::Error> {
    let mut cat = Catalogue::new();
    let services = sqlx::query_as::<_, ServiceRow>(
        "SELECT id, duration_minutes, buffer_minutes, virtual_ok FROM services WHERE active = 1",
    )
    .fetch_all(db.pool())
    .await?;
    let mut all_services = BTreeSet::new();
    for r in &services {
        let id = ServiceId(r.id);
        all_services.insert(id);
        cat.add_service(schedule::Service {
            id,
            minutes: u32::try_from(r.duration_minutes).unwrap_or(0),
            buffer_minutes: u32::try_from(r.buffer_minutes).unwrap_or(0),
            virtual_ok: r.virtual_ok != 0,
        });
    }
    let loc_weekly = weekly(
        db,
        "SELECT location_id AS owner_id, weekday, opens, closes FROM location_hours",
    )
    .await?;
    let loc_dated = dated(
        db,
        "SELECT location_id AS owner_id, day, opens, closes FROM location_days",
    )
    .await?;
    let locations = sqlx::query_as::<_, LocationRow>(
        "SELECT id, timezone, grid_minutes, is_virtual FROM locations WHERE active = 1 ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    let mut hours_of: HashMap<i64, Hours> = HashMap::new();
    let mut virtual_office = None;
    let mut virtual_services = BTreeSet::new();
    for r in &locations {
        let id: i64 = r.id;
        let Ok(tz) = r.timezone.parse::<Tz>() else {
            tracing::warn!(location = id, "location with an unknown time zone left out");
            continue;
        };
        let is_virtual = r.is_virtual != 0;
        let hours = hours_from(
            loc_weekly.get(&id).map_or(&[], Vec::as_slice),
            loc_dated.get(&id).map_or(&[], Vec::as_slice),
        );
        if is_virtual && virtual_office.is_none() {
            virtual_office = Some(id);
        }
        hours_of.insert(id, hours.clone());
        cat.add_location(Location {
            id: LocationId(id),
            tz,
            hours,
            grid_minutes: u32::try_from(r.grid_minutes).unwrap_or(0),
            is_virtual,
        });
    }
    for id in &all_services {
        if cat.service(*id).is_some_and(|s| s.virtual_ok) {
            virtual_services.insert(*id);
        }
    }
    let mut skills: HashMap<i64, BTreeSet<ServiceId>> = HashMap::new();
    for r in sqlx::query_as::<_, SkillRow>("SELECT clerk_id, service_id FROM clerk_skills")
        .fetch_all(db.pool())
        .await?
    {
        skills
            .entry(r.clerk_id)
            .or_default()
            .insert(ServiceId(r.service_id));
    }
    let clerk_weekly = weekly(
        db,
        "SELECT clerk_id AS owner_id, weekday, opens, closes FROM clerk_hours",
    )
    .await?;
    let clerk_dated = dated(
        db,
        "SELECT clerk_id AS owner_id, day, opens, closes FROM clerk_days",
    )
    .await?;
    for r in sqlx::query_as::<_, ClerkPlaceRow>(
        "SELECT id, location_id FROM clerks WHERE active = 1 ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?
    {
        let id: i64 = r.id;
        // A clerk added before any location existed works at the virtual office.
        let Some(location) = r.location_id.or(virtual_office) else {
            continue;
        };
        let Some(location_hours) = hours_of.get(&location) else {
            continue;
        };
        let own_weekly = clerk_weekly.get(&id);
        let mut hours = match own_weekly {
            Some(w) => hours_from(w, &[]),
            None => location_hours.clone(),
        };
        if let Some(days) = clerk_dated.get(&id) {
            // The dated rows go over the weekly hours, the clerk's own or the location's.
            let exceptions = hours_from(&[], days);
            for (date, _, _) in days {
                if let Ok(d) = NaiveDate::parse_from_str(date, "%Y-%m-%d") {
                    hours.set_day(d, exceptions.on(d));
                }
            }
        }
        let skills = skills.get(&id).cloned().unwrap_or_else(|| {
            if Some(location) == virtual_office {
                virtual_services.clone()
            } else {
                all_services.clone()
            }
        });
        cat.add_clerk(schedule::Clerk {
            id: ClerkId(id),
            location: LocationId(location),
            skills,
            hours,
        });
    }
    Ok(cat)
}

/// The active locations, the virtual office first.
pub async fn locations(db: &Db) -> Result<Vec<LocationInfo>, sqlx::Error> {
    let rows = sqlx::query_as::<_, LocationInfoRow>(
        "SELECT id, slug, name, address, is_virtual FROM locations WHERE active = 1 ORDER BY is_virtual DESC, id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| LocationInfo {
            id: r.id,
            slug: r.slug,
            name: r.name,
            address: r.address,
            is_virtual: r.is_virtual != 0,
        })
        .collect())
}

/// The virtual office, where video appointments are booked.
pub async fn virtual_office(db: &Db) -> Result<Option<LocationInfo>, sqlx::Error> {
    Ok(current(db).await?.1)
}

/// The live bookings at `location` that still block a clerk after `now`.
pub async fn agenda(
    db: &Db,
    location: LocationId,
    now: DateTime<Utc>,
) -> Result<Agenda, sqlx::Error> {
    agenda_without(db, location, now, "").await
}

/// The agenda without booking `except` (the one being moved: its own time is free to it).
pub async fn agenda_without(
    db: &Db,
    location: LocationId,
    now: DateTime<Utc>,
    except: &str,
) -> Result<Agenda, sqlx::Error> {
    let rows = sqlx::query_as::<_, AgendaRow>(
        "SELECT clerk_id, starts_at, blocked_until FROM bookings \
         WHERE state <> 'cancelled' AND location_id = $1 AND clerk_id IS NOT NULL AND blocked_until > $2 AND id <> $3",
    )
    .bind(location.0)
    .bind(ts(now))
    .bind(except)
    .fetch_all(db.pool())
    .await?;
    Ok(agenda_of(&rows))
}

/// The agenda of the local day around `around`: the bookings of `location` that overlap
/// the 24 hours either side of it (a superset of any day it lies in, whatever the time
/// zone), without booking `except`. What a search of one day needs, however far ahead the
/// horizon reaches and however full it is.
pub async fn agenda_around(
    db: &Db,
    location: LocationId,
    now: DateTime<Utc>,
    around: DateTime<Utc>,
    except: &str,
) -> Result<Agenda, sqlx::Error> {
    let from = now.max(around - chrono::Duration::days(1));
    // An appointment lies within one day's opening hours.
    let day = chrono::Duration::days(1);
    agenda_between(db, location, from, around + day, day, except).await
}

/// A read of an agenda: location, from, until, longest booking (seconds), booking left
/// out.
type ReadKey = (i64, String, String, i64, String);

/// The agenda reads of one database running now, each shared by whoever asks for it
/// meanwhile; kept with the database (`Db::kept`).
#[derive(Default)]
struct Reads(Mutex<HashMap<ReadKey, Arc<Read>>>);

/// One agenda read, its result shared by everyone who asked while it ran.
type Read = tokio::sync::OnceCell<Result<Agenda, Arc<sqlx::Error>>>;

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

/// The bookings of `location` that overlap `[from, until)`, without booking `except`: the
/// agenda a check of one time needs (a handful of rows, one per clerk at most). No booking
/// is longer than `longest`: the index is read from `from` to `until + longest` only.
///
/// Citizens who ask for the same time or day at the same moment (a release storm) share
/// one read while it runs. Its rows are as fresh as each one's own read would be; whoever
/// asks after it has ended reads anew.
pub async fn agenda_between(
    db: &Db,
    location: LocationId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    longest: chrono::Duration,
    except: &str,
) -> Result<Agenda, sqlx::Error> {
    let reads = db.kept(Reads::default);
    let key = (
        location.0,
        ts(from),
        ts(until),
        longest.num_seconds(),
        except.to_owned(),
    );
    let cell = lock(&reads.0).entry(key.clone()).or_default().clone();
    let result = cell
        .get_or_init(|| async {
            read_agenda(db, location, from, until, longest, except)
                .await
                .map_err(Arc::new)
        })
        .await
        .clone();
    {
        let mut running = lock(&reads.0);
        if running.get(&key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
            running.remove(&key);
        }
    }
    result.map_err(|e| sqlx::Error::Protocol(e.to_string()))
}

async fn read_agenda(
    db: &Db,
    location: LocationId,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
    longest: chrono::Duration,
    except: &str,
) -> Result<Agenda, sqlx::Error> {
    let rows = sqlx::query_as::<_, AgendaRow>(
        "SELECT clerk_id, starts_at, blocked_until FROM bookings \
         WHERE state <> 'cancelled' AND location_id = $1 AND clerk_id IS NOT NULL AND blocked_until > $2 AND blocked_until < $3 \
         AND starts_at < $4 AND id <> $5",
    )
    .bind(location.0)
    .bind(ts(from))
    .bind(ts(until + longest + chrono::Duration::seconds(1)))
    .bind(ts(until))
    .bind(except)
    .fetch_all(db.pool())
    .await?;
    Ok(agenda_of(&rows))
}

fn agenda_of(rows: &[AgendaRow]) -> Agenda {
    Agenda::new(rows.iter().filter_map(|r| {
        Some(schedule::Booked {
            clerk: ClerkId(r.clerk_id),
            start: parse_ts(&r.starts_at)?,
            until: parse_ts(&r.blocked_until)?,
        })
    }))
}

/// The claim units covering `[start, until)`: every 5-minute unit the interval touches.
pub fn claim_units(start: DateTime<Utc>, until: DateTime<Utc>) -> Vec<DateTime<Utc>> {
    let unit = CLAIM_MINUTES * 60;
    let first = start.timestamp().div_euclid(unit) * unit;
    let mut out = Vec::new();
    let mut t = first;
    while t < until.timestamp() {
        if let Some(u) = DateTime::from_timestamp(t, 0) {
            out.push(u);
        }
        t += unit;
    }
    out
}

/// One office a first start creates.
struct OfficeSeed {
    slug: &'static str,
    name: &'static str,
    address: &'static str,
}

/// The physical offices of the demo city (the seeds' cities run four plus the virtual one).
const OFFICES: &[OfficeSeed] = &[
    OfficeSeed {
        slug: "mitte",
        name: "Bürgeramt Mitte",
        address: "Rathausplatz 1",
    },
    OfficeSeed {
        slug: "nord",
        name: "Bürgeramt Nord",
        address: "Nordring 12",
    },
    OfficeSeed {
        slug: "sued",
        name: "Bürgeramt Süd",
        address: "Südallee 3",
    },
    OfficeSeed {
        slug: "west",
        name: "Bürgeramt West",
        address: "Westendstraße 40",
    },
];

/// On an empty catalogue: the virtual office with `opening` in `tz`, and the four offices
/// with the usual hours of a German Bürgeramt (a long Thursday). Returns whether it seeded.
pub async fn seed_locations(db: &Db, opening: &OpeningRule, tz: Tz) -> Result<bool, sqlx::Error> {
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM locations")
        .fetch_one(db.pool())
        .await?;
    if count > 0 {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO locations (slug, name, address, timezone, grid_minutes, is_virtual) \
         VALUES ('virtuell', 'Virtuelles Bürgeramt', '', $1, $2, 1) RETURNING id",
    )
    .bind(tz.name())
    .bind(i64::from(opening.slot_minutes))
    .fetch_one(&mut *tx)
    .await?;
    for d in &opening.days {
        sqlx::query(
            "INSERT INTO location_hours (location_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
        )
        .bind(id)
        .bind(i64::from(d.num_days_from_monday()))
        .bind(opening.opens.format("%H:%M").to_string())
        .bind(opening.closes.format("%H:%M").to_string())
        .execute(&mut *tx)
        .await?;
    }
    for o in OFFICES {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO locations (slug, name, address, timezone, grid_minutes, is_virtual) \
             VALUES ($1, $2, $3, $4, 15, 0) RETURNING id",
        )
        .bind(o.slug)
        .bind(o.name)
        .bind(o.address)
        .bind(tz.name())
        .fetch_one(&mut *tx)
        .await?;
        for (weekday, opens, closes) in [
            (0i64, "08:00", "16:00"),
            (1, "08:00", "16:00"),
            (2, "08:00", "13:00"),
            (3, "10:00", "18:00"),
            (4, "08:00", "13:00"),
        ] {
            sqlx::query(
                "INSERT INTO location_hours (location_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
            )
            .bind(id)
            .bind(weekday)
            .bind(opens)
            .bind(closes)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    invalidate(db);
    Ok(true)
}

/// Live bookings made before the catalogue existed (no clerk, no claims) go to the virtual
/// office's first clerk and claim their time, so a new booking cannot overlap them.
/// Returns how many were placed.
pub async fn adopt_unplaced(db: &Db) -> Result<u64, sqlx::Error> {
    let Some(office) = virtual_office(db).await? else {
        return Ok(0);
    };
    let clerk: Option<i64> = sqlx::query_scalar("SELECT id FROM clerks ORDER BY id LIMIT 1")
        .fetch_optional(db.pool())
        .await?;
    let Some(clerk) = clerk else { return Ok(0) };
    let rows = sqlx::query_as::<_, UnplacedRow>(
        "SELECT id, starts_at, ends_at, service_id FROM bookings WHERE clerk_id IS NULL AND state <> 'cancelled'",
    )
    .fetch_all(db.pool())
    .await?;
    let mut placed = 0;
    for r in rows {
        let id: String = r.id;
        let (Some(start), Some(end)) = (parse_ts(&r.starts_at), parse_ts(&r.ends_at)) else {
            continue;
        };
        let mut tx = db.begin().await?;
        sqlx::query(
            "UPDATE bookings SET location_id = $1, clerk_id = $2, blocked_until = $3 WHERE id = $4",
        )
        .bind(office.id)
        .bind(clerk)
        .bind(ts(end))
        .bind(&id)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "INSERT INTO booking_services (booking_id, position, service_id) VALUES ($1, 0, $2)",
        )
        .bind(&id)
        .bind(r.service_id)
        .execute(&mut *tx)
        .await?;
        for unit in claim_units(start, end) {
            // The old seats allowed parallel bookings: a unit held twice stays with the first.
            sqlx::query(
                "INSERT INTO booking_claims (clerk_id, unit_start, booking_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            )
            .bind(clerk)
            .bind(ts(unit))
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        placed += 1;
    }
    Ok(placed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("time")
            .with_timezone(&Utc)
    }

    #[test]
    fn claims_cover_every_unit_an_interval_touches() {
        let units = claim_units(t("2026-11-23T08:00:00Z"), t("2026-11-23T08:20:00Z"));
        assert_eq!(units.len(), 4);
        assert_eq!(units[0], t("2026-11-23T08:00:00Z"));
        assert_eq!(units[3], t("2026-11-23T08:15:00Z"));
        // Off the grid: the units it overlaps, so a neighbour sharing a minute conflicts.
        let odd = claim_units(t("2026-11-23T08:02:00Z"), t("2026-11-23T08:06:00Z"));
        assert_eq!(
            odd,
            vec![t("2026-11-23T08:00:00Z"), t("2026-11-23T08:05:00Z")]
        );
        assert!(claim_units(t("2026-11-23T08:00:00Z"), t("2026-11-23T08:00:00Z")).is_empty());
    }

    #[test]
    fn hours_rows_become_weekly_hours_with_exceptions() {
        let weekly = vec![
            (0, "08:00".to_owned(), "12:00".to_owned()),
            (0, "13:00".to_owned(), "16:00".to_owned()),
            (3, "10:00".to_owned(), "18:00".to_owned()),
            (9, "10:00".to_owned(), "18:00".to_owned()),
        ];
        let days = vec![
            ("2026-12-24".to_owned(), None, None),
            (
                "2026-12-28".to_owned(),
                Some("09:00".to_owned()),
                Some("11:00".to_owned()),
            ),
        ];
        let h = hours_from(&weekly, &days);
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        assert_eq!(h.on(monday).len(), 2);
        assert!(h.on(monday.succ_opt().expect("tue")).is_empty());
        let christmas_eve = NaiveDate::from_ymd_opt(2026, 12, 24).expect("date");
        assert!(h.on(christmas_eve).is_empty(), "a closed day");
        let special = NaiveDate::from_ymd_opt(2026, 12, 28).expect("date");
        assert_eq!(h.on(special).len(), 1);
        assert_eq!(h.on(special)[0].start, hhmm("09:00").expect("t"));
    }
}
