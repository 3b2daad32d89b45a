//! Changes to the catalogue, as the admin pages make them: locations and their hours and
//! special days, clerks with location, skills, hours and absences, the services' numbers.
//! Each change is validated first, written in one transaction, and drops the cached
//! catalogue, so the next slot search sees it. Appointments already booked stay where they
//! are: a change that leaves some outside the new hours says how many, for the desk to move.
use std::collections::BTreeSet;
use vamt_portal_core::money::{Currency, Money};

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;

use super::invalidate;
use vamt_portal_storage::db::{ts, Db};

/// Why a change was refused.
#[derive(Debug, thiserror::Error)]
pub enum EditError {
    /// Input the form must correct; the value is its message's key in the translation
    /// catalogue.
    #[error("invalid input ({0})")]
    Invalid(&'static str),
    /// No such location, clerk or service.
    #[error("not found")]
    NotFound,
    /// The database failed.
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

/// Opening or working time on one day: non-overlapping spans in order.
pub type DaySpans = Vec<(NaiveTime, NaiveTime)>;

/// Weekly hours, Monday first.
pub type Week = [DaySpans; 7];

fn parse_time(s: &str) -> Result<NaiveTime, EditError> {
    let t = NaiveTime::parse_from_str(s.trim(), "%H:%M")
        .map_err(|_| EditError::Invalid("admin-error-hours"))?;
    // Claims and the grid work in 5-minute units.
    if chrono::Timelike::minute(&t) % 5 != 0 {
        return Err(EditError::Invalid("admin-error-hours-grid"));
    }
    Ok(t)
}

/// Reads one day's hours as an admin writes them: `08:00-12:00, 13:00-16:00` (a hyphen or
/// an en dash; commas or semicolons between spans). Empty means closed.
pub fn parse_spans(text: &str) -> Result<DaySpans, EditError> {
    let mut spans = DaySpans::new();
    for part in text
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        let (a, b) = part
            .split_once(['-', '–'])
            .ok_or(EditError::Invalid("admin-error-hours"))?;
        let (opens, closes) = (parse_time(a)?, parse_time(b)?);
        if opens >= closes {
            return Err(EditError::Invalid("admin-error-hours-order"));
        }
        spans.push((opens, closes));
    }
    spans.sort();
    if spans.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(EditError::Invalid("admin-error-hours-overlap"));
    }
    Ok(spans)
}

/// Writes a day's hours back the way [`parse_spans`] reads them.
pub fn format_spans(spans: &[(NaiveTime, NaiveTime)]) -> String {
    spans
        .iter()
        .map(|(o, c)| format!("{}–{}", o.format("%H:%M"), c.format("%H:%M")))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Seven texts, Monday first, into a week.
pub fn parse_week(days: &[String; 7]) -> Result<Week, EditError> {
    let mut week: Week = Default::default();
    for (i, text) in days.iter().enumerate() {
        week[i] = parse_spans(text)?;
    }
    Ok(week)
}

/// A date as the forms send it (`YYYY-MM-DD`).
pub fn parse_date(s: &str) -> Result<NaiveDate, EditError> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d")
        .map_err(|_| EditError::Invalid("admin-error-date"))
}

/// A location's own fields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationFields {
    /// Stable name in URLs: lower-case letters, digits and hyphens.
    pub slug: String,
    /// The office's name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Its time zone.
    pub timezone: Tz,
    /// Appointment grid in minutes.
    pub grid_minutes: i64,
    /// Whether it takes bookings.
    pub active: bool,
}

impl LocationFields {
    /// Checks form input.
    pub fn new(
        slug: &str,
        name: &str,
        address: &str,
        timezone: &str,
        grid_minutes: &str,
        active: bool,
    ) -> Result<Self, EditError> {
        let slug = slug.trim().to_owned();
        if slug.is_empty()
            || slug.len() > 40
            || !slug
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(EditError::Invalid("admin-error-slug"));
        }
        let name = name.trim().to_owned();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(EditError::Invalid("admin-error-name"));
        }
        let address = address.trim().to_owned();
        if address.chars().count() > 200 {
            return Err(EditError::Invalid("admin-error-address"));
        }
        let timezone = timezone
            .trim()
            .parse::<Tz>()
            .map_err(|_| EditError::Invalid("admin-error-timezone"))?;
        let grid_minutes = grid_minutes
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|g| (5..=240).contains(g) && g % 5 == 0)
            .ok_or(EditError::Invalid("admin-error-grid"))?;
        Ok(LocationFields {
            slug,
            name,
            address,
            timezone,
            grid_minutes,
            active,
        })
    }
}

fn unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// A new physical office (the virtual one exists from the first start). Returns its ID.
pub async fn create_location(db: &Db, f: &LocationFields) -> Result<i64, EditError> {
    let id = sqlx::query_scalar(
        "INSERT INTO locations (slug, name, address, timezone, grid_minutes, is_virtual, active) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
    )
    .bind(&f.slug)
    .bind(&f.name)
    .bind(&f.address)
    .bind(f.timezone.name())
    .bind(f.grid_minutes)
    .bind(i64::from(f.active))
    .fetch_one(db.pool())
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            EditError::Invalid("admin-error-slug-taken")
        } else {
            EditError::Db(e)
        }
    })?;
    invalidate(db);
    Ok(id)
}

/// Changes a location's fields. The virtual office cannot be closed for good: video
/// appointments are booked there.
pub async fn update_location(db: &Db, id: i64, f: &LocationFields) -> Result<(), EditError> {
    let is_virtual: Option<i64> =
        sqlx::query_scalar("SELECT is_virtual FROM locations WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?;
    let is_virtual = is_virtual.ok_or(EditError::NotFound)? != 0;
    if is_virtual && !f.active {
        return Err(EditError::Invalid("admin-error-virtual-stays"));
    }
    sqlx::query(
        "UPDATE locations SET slug = $1, name = $2, address = $3, timezone = $4, grid_minutes = $5, active = $6 WHERE id = $7",
    )
    .bind(&f.slug)
    .bind(&f.name)
    .bind(&f.address)
    .bind(f.timezone.name())
    .bind(f.grid_minutes)
    .bind(i64::from(f.active))
    .bind(id)
    .execute(db.pool())
    .await
    .map_err(|e| {
        if unique_violation(&e) {
            EditError::Invalid("admin-error-slug-taken")
        } else {
            EditError::Db(e)
        }
    })?;
    invalidate(db);
    Ok(())
}

async fn exists(db: &Db, sql: &'static str, id: i64) -> Result<(), EditError> {
    let found: Option<i64> = sqlx::query_scalar(sql)
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    found.map(|_| ()).ok_or(EditError::NotFound)
}

/// Replaces the weekly rows of `table` (`location_hours` or `clerk_hours`) for `owner`.
async fn replace_week(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    delete: &'static str,
    insert: &'static str,
    owner: i64,
    week: &Week,
) -> Result<(), sqlx::Error> {
    sqlx::query(delete).bind(owner).execute(&mut **tx).await?;
    for (weekday, spans) in week.iter().enumerate() {
        for (opens, closes) in spans {
            sqlx::query(insert)
                .bind(owner)
                .bind(weekday as i64)
                .bind(opens.format("%H:%M").to_string())
                .bind(closes.format("%H:%M").to_string())
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

/// Sets a location's weekly opening hours.
pub async fn set_location_hours(db: &Db, id: i64, week: &Week) -> Result<(), EditError> {
    exists(db, "SELECT id FROM locations WHERE id = $1", id).await?;
    let mut tx = db.begin().await?;
    replace_week(
        &mut tx,
        "DELETE FROM location_hours WHERE location_id = $1",
        "INSERT INTO location_hours (location_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
        id,
        week,
    )
    .await?;
    tx.commit().await?;
    invalidate(db);
    Ok(())
}

fn check_reason(reason: &str) -> Result<String, EditError> {
    let reason = reason.trim();
    if reason.chars().count() > 100 {
        return Err(EditError::Invalid("admin-error-reason"));
    }
    Ok(reason.to_owned())
}

/// Replaces the dated rows of one day: no spans closes it (a holiday, an absence).
async fn replace_day(
    db: &Db,
    delete: &'static str,
    insert: &'static str,
    owner: i64,
    date: NaiveDate,
    spans: &[(NaiveTime, NaiveTime)],
    reason: &str,
) -> Result<(), EditError> {
    let reason = check_reason(reason)?;
    let day = date.format("%Y-%m-%d").to_string();
    let mut tx = db.begin().await?;
    sqlx::query(delete)
        .bind(owner)
        .bind(&day)
        .execute(&mut *tx)
        .await?;
    if spans.is_empty() {
        sqlx::query(insert)
            .bind(owner)
            .bind(&day)
            .bind(None::<String>)
            .bind(None::<String>)
            .bind(&reason)
            .execute(&mut *tx)
            .await?;
    }
    for (opens, closes) in spans {
        sqlx::query(insert)
            .bind(owner)
            .bind(&day)
            .bind(Some(opens.format("%H:%M").to_string()))
            .bind(Some(closes.format("%H:%M").to_string()))
            .bind(&reason)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    invalidate(db);
    Ok(())
}

/// UTC bounds of a local date.
fn day_bounds(date: NaiveDate, tz: Tz) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start = date
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(tz)
        .earliest()?;
    let end = date
        .succ_opt()?
        .and_hms_opt(0, 0, 0)?
        .and_local_timezone(tz)
        .earliest()?;
    Some((start.with_timezone(&Utc), end.with_timezone(&Utc)))
}

/// Live appointments on `date` that `filter` selects (`location_id = $1` or `clerk_id = $1`).
async fn live_on(
    db: &Db,
    sql: &'static str,
    owner: i64,
    date: NaiveDate,
    tz: Tz,
) -> Result<i64, EditError> {
    let Some((start, end)) = day_bounds(date, tz) else {
        return Ok(0);
    };
    Ok(sqlx::query_scalar(sql)
        .bind(owner)
        .bind(ts(start))
        .bind(ts(end))
        .fetch_one(db.pool())
        .await?)
}

async fn location_tz(db: &Db, id: i64) -> Result<Tz, EditError> {
    let tz: Option<String> = sqlx::query_scalar("SELECT timezone FROM locations WHERE id = $1")
        .bind(id)
        .fetch_optional(db.pool())
        .await?;
    tz.ok_or(EditError::NotFound)?
        .parse()
        .map_err(|_| EditError::Invalid("admin-error-timezone"))
}

/// Sets a location's hours on one date (a holiday or closure without spans). Returns how
/// many appointments are already booked that day, for the desk to check.
pub async fn set_location_day(
    db: &Db,
    id: i64,
    date: NaiveDate,
    spans: &[(NaiveTime, NaiveTime)],
    reason: &str,
) -> Result<i64, EditError> {
    let tz = location_tz(db, id).await?;
    replace_day(
        db,
        "DELETE FROM location_days WHERE location_id = $1 AND day = $2",
        "INSERT INTO location_days (location_id, day, opens, closes, reason) VALUES ($1, $2, $3, $4, $5)",
        id,
        date,
        spans,
        reason,
    )
    .await?;
    live_on(
        db,
        "SELECT COUNT(*) FROM bookings WHERE state <> 'cancelled' AND location_id = $1 AND starts_at >= $2 AND starts_at < $3",
        id,
        date,
        tz,
    )
    .await
}

/// Removes a location's special hours on `date`: its weekday's hours apply again.
pub async fn remove_location_day(db: &Db, id: i64, date: NaiveDate) -> Result<(), EditError> {
    sqlx::query("DELETE FROM location_days WHERE location_id = $1 AND day = $2")
        .bind(id)
        .bind(date.format("%Y-%m-%d").to_string())
        .execute(db.pool())
        .await?;
    invalidate(db);
    Ok(())
}

/// A clerk's fields as an admin sets them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClerkFields {
    /// Name shown to citizens.
    pub display_name: String,
    /// Where the clerk works.
    pub location_id: i64,
    /// Services the clerk does; empty means every service of the location.
    pub skills: BTreeSet<i64>,
    /// Own weekly hours; `None` follows the location's opening hours.
    pub hours: Option<Week>,
    /// May use the admin pages.
    pub is_admin: bool,
    /// Still works here.
    pub active: bool,
}

/// Checks a display name.
pub fn display_name(name: &str) -> Result<String, EditError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(EditError::Invalid("admin-error-name"));
    }
    Ok(name.to_owned())
}

/// A clerk's placement before an edit, as [`update_clerk`] reads it.
#[derive(sqlx::FromRow)]
struct ClerkBeforeRow {
    location_id: Option<i64>,
    active: i64,
}

/// Changes a clerk. `by` is the admin making the change, who cannot take away their own
/// role or account (the last way in would go with it). Returns how many future
/// appointments the clerk still holds when the change takes them off duty or elsewhere.
pub async fn update_clerk(
    db: &Db,
    id: i64,
    f: &ClerkFields,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, EditError> {
    let before =
        sqlx::query_as::<_, ClerkBeforeRow>("SELECT location_id, active FROM clerks WHERE id = $1")
            .bind(id)
            .fetch_optional(db.pool())
            .await?
            .ok_or(EditError::NotFound)?;
    if id == by && (!f.is_admin || !f.active) {
        return Err(EditError::Invalid("admin-error-self"));
    }
    exists(db, "SELECT id FROM locations WHERE id = $1", f.location_id)
        .await
        .map_err(|_| EditError::Invalid("admin-error-location"))?;
    let known: Vec<i64> = sqlx::query_scalar("SELECT id FROM services")
        .fetch_all(db.pool())
        .await?;
    if f.skills.iter().any(|s| !known.contains(s)) {
        return Err(EditError::Invalid("admin-error-service"));
    }
    let mut tx = db.begin().await?;
    sqlx::query(
        "UPDATE clerks SET display_name = $1, location_id = $2, is_admin = $3, active = $4 WHERE id = $5",
    )
    .bind(&f.display_name)
    .bind(f.location_id)
    .bind(i64::from(f.is_admin))
    .bind(i64::from(f.active))
    .bind(id)
    .execute(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM clerk_skills WHERE clerk_id = $1")
        .bind(id)
        .execute(&mut *tx)
        .await?;
    for s in &f.skills {
        sqlx::query("INSERT INTO clerk_skills (clerk_id, service_id) VALUES ($1, $2)")
            .bind(id)
            .bind(*s)
            .execute(&mut *tx)
            .await?;
    }
    let empty: Week = Default::default();
    replace_week(
        &mut tx,
        "DELETE FROM clerk_hours WHERE clerk_id = $1",
        "INSERT INTO clerk_hours (clerk_id, weekday, opens, closes) VALUES ($1, $2, $3, $4)",
        id,
        f.hours.as_ref().unwrap_or(&empty),
    )
    .await?;
    if !f.active {
        // A deactivated clerk's sessions end now, not at their expiry.
        sqlx::query("DELETE FROM clerk_sessions WHERE clerk_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    invalidate(db);
    let moved = before.location_id != Some(f.location_id);
    let left = before.active != 0 && !f.active;
    if !(moved || left) {
        return Ok(0);
    }
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM bookings WHERE state <> 'cancelled' AND clerk_id = $1 AND starts_at > $2",
    )
    .bind(id)
    .bind(ts(now))
    .fetch_one(db.pool())
    .await?)
}

async fn clerk_tz(db: &Db, id: i64) -> Result<Tz, EditError> {
    let tz: Option<Option<String>> = sqlx::query_scalar(
        "SELECT l.timezone FROM clerks c LEFT JOIN locations l ON l.id = c.location_id WHERE c.id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?;
    let tz = tz.ok_or(EditError::NotFound)?;
    Ok(tz.and_then(|t| t.parse().ok()).unwrap_or(chrono_tz::UTC))
}

/// Sets a clerk's hours on one date (an absence without spans). Returns how many
/// appointments the clerk already holds that day.
pub async fn set_clerk_day(
    db: &Db,
    id: i64,
    date: NaiveDate,
    spans: &[(NaiveTime, NaiveTime)],
    reason: &str,
) -> Result<i64, EditError> {
    let tz = clerk_tz(db, id).await?;
    replace_day(
        db,
        "DELETE FROM clerk_days WHERE clerk_id = $1 AND day = $2",
        "INSERT INTO clerk_days (clerk_id, day, opens, closes, reason) VALUES ($1, $2, $3, $4, $5)",
        id,
        date,
        spans,
        reason,
    )
    .await?;
    live_on(
        db,
        "SELECT COUNT(*) FROM bookings WHERE state <> 'cancelled' AND clerk_id = $1 AND starts_at >= $2 AND starts_at < $3",
        id,
        date,
        tz,
    )
    .await
}

/// Removes a clerk's special hours on `date`.
pub async fn remove_clerk_day(db: &Db, id: i64, date: NaiveDate) -> Result<(), EditError> {
    sqlx::query("DELETE FROM clerk_days WHERE clerk_id = $1 AND day = $2")
        .bind(id)
        .bind(date.format("%Y-%m-%d").to_string())
        .execute(db.pool())
        .await?;
    invalidate(db);
    Ok(())
}

/// A service's numbers (its texts are in the translation catalogue, by slug).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceFields {
    /// Appointment length in minutes.
    pub duration_minutes: i64,
    /// The clerk's time after it.
    pub buffer_minutes: i64,
    /// Fee in cents.
    pub fee_cents: i64,
    /// Whether it can be done by video.
    pub virtual_ok: bool,
    /// Whether it is offered.
    pub active: bool,
}

impl ServiceFields {
    /// Checks form input; the fee is in euros with up to two decimals (`12,50` or `12.50`).
    pub fn new(
        duration: &str,
        buffer: &str,
        fee: &str,
        virtual_ok: bool,
        active: bool,
    ) -> Result<Self, EditError> {
        let minutes = |s: &str, max: i64| {
            s.trim()
                .parse::<i64>()
                .ok()
                .filter(|m| (0..=max).contains(m) && m % 5 == 0)
        };
        let duration_minutes = minutes(duration, 480)
            .filter(|m| *m > 0)
            .ok_or(EditError::Invalid("admin-error-duration"))?;
        let buffer_minutes =
            minutes(buffer, 120).ok_or(EditError::Invalid("admin-error-buffer"))?;
        let fee_cents = Money::parse_typed(fee, Currency::EUR)
            .ok_or(EditError::Invalid("admin-error-fee"))?
            .minor;
        Ok(ServiceFields {
            duration_minutes,
            buffer_minutes,
            fee_cents,
            virtual_ok,
            active,
        })
    }
}

/// `12`, `12,5`, `12.50` into cents; at most 100 000 euros.
/// Changes a service's numbers. Booked appointments keep their length.
pub async fn update_service(db: &Db, id: i64, f: &ServiceFields) -> Result<(), EditError> {
    let done = sqlx::query(
        "UPDATE services SET duration_minutes = $1, buffer_minutes = $2, fee_cents = $3, virtual_ok = $4, active = $5 WHERE id = $6",
    )
    .bind(f.duration_minutes)
    .bind(f.buffer_minutes)
    .bind(f.fee_cents)
    .bind(i64::from(f.virtual_ok))
    .bind(i64::from(f.active))
    .bind(id)
    .execute(db.pool())
    .await?;
    if done.rows_affected() == 0 {
        return Err(EditError::NotFound);
    }
    invalidate(db);
    Ok(())
}

/// One dated row as the admin pages list it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SpecialDay {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// The day's spans as [`format_spans`] writes them; empty when closed.
    pub hours: String,
    /// Why (a holiday's name, "training").
    pub reason: String,
}

/// A location with everything its admin page edits.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LocationDetail {
    /// Row ID.
    pub id: i64,
    /// Stable name in URLs.
    pub slug: String,
    /// The office's name.
    pub name: String,
    /// Street address.
    pub address: String,
    /// Time zone name.
    pub timezone: String,
    /// Appointment grid in minutes.
    pub grid_minutes: i64,
    /// The video office.
    pub is_virtual: bool,
    /// Takes bookings.
    pub active: bool,
    /// Weekly hours, Monday first, as [`format_spans`] writes them.
    pub week: [String; 7],
    /// Special days from `since` on, in date order.
    pub days: Vec<SpecialDay>,
}

/// A weekly span, as [`week_of`] reads it.
#[derive(sqlx::FromRow)]
struct WeekRow {
    weekday: i64,
    opens: String,
    closes: String,
}

/// A special day's span (or closure), as [`days_of`] reads it.
#[derive(sqlx::FromRow)]
struct DayRow {
    day: String,
    opens: Option<String>,
    closes: Option<String>,
    reason: String,
}

/// A location in the admin list, as [`all_locations`] reads it.
#[derive(sqlx::FromRow)]
struct LocationListRow {
    id: i64,
    name: String,
    is_virtual: i64,
    active: i64,
}

/// A location for its admin page, as [`location_detail`] reads it.
#[derive(sqlx::FromRow)]
struct LocationDetailRow {
    id: i64,
    slug: String,
    name: String,
    address: String,
    timezone: String,
    grid_minutes: i64,
    is_virtual: i64,
    active: i64,
}

/// A service for the admin pages, as [`all_services`] reads it.
#[derive(sqlx::FromRow)]
struct ServiceDbRow {
    id: i64,
    slug: String,
    duration_minutes: i64,
    buffer_minutes: i64,
    fee_cents: i64,
    virtual_ok: i64,
    active: i64,
}

fn hhmm_of(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

async fn week_of(db: &Db, sql: &'static str, owner: i64) -> Result<[String; 7], sqlx::Error> {
    let mut spans: Week = Default::default();
    for r in sqlx::query_as::<_, WeekRow>(sql)
        .bind(owner)
        .fetch_all(db.pool())
        .await?
    {
        let day = usize::try_from(r.weekday).ok().filter(|d| *d < 7);
        if let (Some(d), Some(o), Some(c)) = (day, hhmm_of(&r.opens), hhmm_of(&r.closes)) {
            spans[d].push((o, c));
        }
    }
    Ok(std::array::from_fn(|i| {
        let mut day = spans[i].clone();
        day.sort();
        format_spans(&day)
    }))
}

async fn days_of(
    db: &Db,
    sql: &'static str,
    owner: i64,
    since: NaiveDate,
) -> Result<Vec<SpecialDay>, sqlx::Error> {
    let mut out: Vec<(String, DaySpans, String)> = Vec::new();
    for r in sqlx::query_as::<_, DayRow>(sql)
        .bind(owner)
        .bind(since.format("%Y-%m-%d").to_string())
        .fetch_all(db.pool())
        .await?
    {
        let day: String = r.day;
        let span = match (
            r.opens.as_deref().and_then(hhmm_of),
            r.closes.as_deref().and_then(hhmm_of),
        ) {
            (Some(o), Some(c)) => Some((o, c)),
            _ => None,
        };
        let reason: String = r.reason;
        match out.last_mut() {
            Some(last) if last.0 == day => last.1.extend(span),
            _ => out.push((day, span.into_iter().collect(), reason)),
        }
    }
    Ok(out
        .into_iter()
        .map(|(day, mut spans, reason)| {
            spans.sort();
            SpecialDay {
                day,
                hours: format_spans(&spans),
                reason,
            }
        })
        .collect())
}

/// Every location, inactive ones included, the virtual office first.
pub async fn all_locations(db: &Db) -> Result<Vec<(i64, String, bool, bool)>, sqlx::Error> {
    let rows = sqlx::query_as::<_, LocationListRow>(
        "SELECT id, name, is_virtual, active FROM locations ORDER BY is_virtual DESC, id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, r.name, r.is_virtual != 0, r.active != 0))
        .collect())
}

/// A location for its admin page, with special days from `since` on.
pub async fn location_detail(
    db: &Db,
    id: i64,
    since: NaiveDate,
) -> Result<Option<LocationDetail>, sqlx::Error> {
    let Some(r) = sqlx::query_as::<_, LocationDetailRow>(
        "SELECT id, slug, name, address, timezone, grid_minutes, is_virtual, active FROM locations WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    else {
        return Ok(None);
    };
    Ok(Some(LocationDetail {
        id: r.id,
        slug: r.slug,
        name: r.name,
        address: r.address,
        timezone: r.timezone,
        grid_minutes: r.grid_minutes,
        is_virtual: r.is_virtual != 0,
        active: r.active != 0,
        week: week_of(
            db,
            "SELECT weekday, opens, closes FROM location_hours WHERE location_id = $1",
            id,
        )
        .await?,
        days: days_of(
            db,
            "SELECT day, opens, closes, reason FROM location_days WHERE location_id = $1 AND day >= $2 ORDER BY day, opens",
            id,
            since,
        )
        .await?,
    }))
}

/// A clerk with everything their admin page edits.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ClerkDetail {
    /// The account.
    pub clerk: crate::clerk::Clerk,
    /// Where the clerk works, if set.
    pub location_id: Option<i64>,
    /// Services the clerk does; empty means all of the location's.
    pub skills: BTreeSet<i64>,
    /// Own weekly hours; `None` follows the location's.
    pub week: Option<[String; 7]>,
    /// Special days from `since` on.
    pub days: Vec<SpecialDay>,
}

/// A clerk for their admin page.
pub async fn clerk_detail(
    db: &Db,
    id: i64,
    since: NaiveDate,
) -> Result<Option<ClerkDetail>, sqlx::Error> {
    let Some(clerk) = crate::clerk::list(db)
        .await?
        .into_iter()
        .find(|c| c.id == id)
    else {
        return Ok(None);
    };
    let location_id: Option<i64> =
        sqlx::query_scalar("SELECT location_id FROM clerks WHERE id = $1")
            .bind(id)
            .fetch_one(db.pool())
            .await?;
    let skills: Vec<i64> =
        sqlx::query_scalar("SELECT service_id FROM clerk_skills WHERE clerk_id = $1")
            .bind(id)
            .fetch_all(db.pool())
            .await?;
    let own_hours: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM clerk_hours WHERE clerk_id = $1")
        .bind(id)
        .fetch_one(db.pool())
        .await?;
    let week = if own_hours > 0 {
        Some(
            week_of(
                db,
                "SELECT weekday, opens, closes FROM clerk_hours WHERE clerk_id = $1",
                id,
            )
            .await?,
        )
    } else {
        None
    };
    Ok(Some(ClerkDetail {
        clerk,
        location_id,
        skills: skills.into_iter().collect(),
        week,
        days: days_of(
            db,
            "SELECT day, opens, closes, reason FROM clerk_days WHERE clerk_id = $1 AND day >= $2 ORDER BY day, opens",
            id,
            since,
        )
        .await?,
    }))
}

/// A service row for the admin pages, inactive ones included.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ServiceRow {
    /// Row ID.
    pub id: i64,
    /// Stable name; the key of its texts.
    pub slug: String,
    /// Minutes.
    pub duration_minutes: i64,
    /// Minutes after.
    pub buffer_minutes: i64,
    /// Cents.
    pub fee_cents: i64,
    /// By video.
    pub virtual_ok: bool,
    /// Offered.
    pub active: bool,
}

/// Every service, inactive ones included.
pub async fn all_services(db: &Db) -> Result<Vec<ServiceRow>, sqlx::Error> {
    let rows = sqlx::query_as::<_, ServiceDbRow>(
        "SELECT id, slug, duration_minutes, buffer_minutes, fee_cents, virtual_ok, active FROM services ORDER BY id",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ServiceRow {
            id: r.id,
            slug: r.slug,
            duration_minutes: r.duration_minutes,
            buffer_minutes: r.buffer_minutes,
            fee_cents: r.fee_cents,
            virtual_ok: r.virtual_ok != 0,
            active: r.active != 0,
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(h: u32, m: u32) -> NaiveTime {
        NaiveTime::from_hms_opt(h, m, 0).expect("time")
    }

    #[test]
    fn hours_read_as_admins_write_them() {
        assert_eq!(parse_spans("").expect("closed"), vec![]);
        assert_eq!(
            parse_spans(" 13:00 – 16:00; 08:00-12:00 ").expect("two spans"),
            vec![(t(8, 0), t(12, 0)), (t(13, 0), t(16, 0))]
        );
        let week = parse_week(&std::array::from_fn(|i| {
            if i < 5 {
                "08:00-12:00".into()
            } else {
                String::new()
            }
        }))
        .expect("week");
        assert_eq!(week[4], vec![(t(8, 0), t(12, 0))]);
        assert!(week[6].is_empty());
    }

    #[test]
    fn bad_hours_are_refused_with_their_reason() {
        let reason = |s: &str| match parse_spans(s) {
            Err(EditError::Invalid(k)) => k,
            other => panic!("{s:?} gave {other:?}"),
        };
        assert_eq!(reason("8 bis 12"), "admin-error-hours");
        assert_eq!(reason("25:00-26:00"), "admin-error-hours");
        assert_eq!(reason("08:03-12:00"), "admin-error-hours-grid");
        assert_eq!(reason("12:00-08:00"), "admin-error-hours-order");
        assert_eq!(reason("08:00-08:00"), "admin-error-hours-order");
        assert_eq!(
            reason("08:00-12:00, 11:00-13:00"),
            "admin-error-hours-overlap"
        );
    }

    #[test]
    fn spans_written_back_read_the_same() {
        let spans = vec![(t(8, 0), t(12, 30)), (t(13, 0), t(18, 0))];
        assert_eq!(
            parse_spans(&format_spans(&spans)).expect("round trip"),
            spans
        );
    }

    #[test]
    fn location_fields_are_checked() {
        assert!(LocationFields::new(
            "ost",
            "Bürgeramt Ost",
            "Ostweg 1",
            "Europe/Berlin",
            "15",
            true
        )
        .is_ok());
        let reason = |r: Result<LocationFields, EditError>| match r {
            Err(EditError::Invalid(k)) => k,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            reason(LocationFields::new(
                "Ost!",
                "x",
                "",
                "Europe/Berlin",
                "15",
                true
            )),
            "admin-error-slug"
        );
        assert_eq!(
            reason(LocationFields::new(
                "ost",
                " ",
                "",
                "Europe/Berlin",
                "15",
                true
            )),
            "admin-error-name"
        );
        assert_eq!(
            reason(LocationFields::new(
                "ost",
                "x",
                "",
                "Mars/Olympus",
                "15",
                true
            )),
            "admin-error-timezone"
        );
        assert_eq!(
            reason(LocationFields::new(
                "ost",
                "x",
                "",
                "Europe/Berlin",
                "7",
                true
            )),
            "admin-error-grid"
        );
    }

    #[test]
    fn service_fields_are_checked() {
        let f = ServiceFields::new("20", "5", "13,00", true, true).expect("valid");
        assert_eq!(
            (f.duration_minutes, f.buffer_minutes, f.fee_cents),
            (20, 5, 1300)
        );
        assert!(matches!(
            ServiceFields::new("0", "5", "0", true, true),
            Err(EditError::Invalid("admin-error-duration"))
        ));
        assert!(matches!(
            ServiceFields::new("22", "5", "0", true, true),
            Err(EditError::Invalid("admin-error-duration"))
        ));
        assert!(matches!(
            ServiceFields::new("20", "-5", "0", true, true),
            Err(EditError::Invalid("admin-error-buffer"))
        ));
        assert!(matches!(
            ServiceFields::new("20", "5", "zehn", true, true),
            Err(EditError::Invalid("admin-error-fee"))
        ));
    }
}
