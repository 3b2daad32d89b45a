//! The slot engine of a city's offices: free appointment times from each location's opening
//! hours (with holidays and special days), its clerks' working hours, absences and skills,
//! the services' durations and follow-up buffers, the appointments already booked, the lead
//! time, and the booking horizon with its daily release. Pure: no I/O, no clock of its own.
//!
//! The model follows Berlin's ZMS: a location has a grid (say every 10 minutes from
//! opening), an appointment of one or more services is one clerk's consecutive time, and that
//! clerk must have every service's skill. Offered times are grid starts where at least one
//! such clerk is free for the whole appointment and its buffer.
//!
//! Times are local to each location while rules are written (08:00 is 08:00 in winter and
//! summer) and UTC once resolved: a local time that does not exist (the hour skipped when
//! clocks go forward) is never offered, one that exists twice counts at its first occurrence.
use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// A service in the catalogue (the database's `services.id`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct ServiceId(pub i64);

impl std::fmt::Display for ServiceId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// A location: a physical office or the virtual one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocationId(pub i64);

/// A clerk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClerkId(pub i64);

/// Weekly opening hours as the configuration writes them: the virtual office's hours on
/// a first start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningRule {
    /// Days the office is open.
    pub days: Vec<Weekday>,
    /// Opening time, local.
    pub opens: NaiveTime,
    /// Closing time, local: the last appointment ends by then.
    pub closes: NaiveTime,
    /// The appointment grid in minutes (a multiple of 5).
    pub slot_minutes: u32,
}

/// Local times from `start` to `end` on one day (`start < end`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// First minute.
    pub start: NaiveTime,
    /// Exclusive end.
    pub end: NaiveTime,
}

impl Span {
    /// `start`–`end`, or `None` unless `start < end`.
    pub fn new(start: NaiveTime, end: NaiveTime) -> Option<Self> {
        (start < end).then_some(Self { start, end })
    }
}

/// A week of hours with dated exceptions: the opening hours of a location, or a clerk's
/// working hours (with absences as exceptions).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hours {
    /// Monday first.
    weekly: [Vec<Span>; 7],
    /// Days that differ from the week: closed (a holiday, an absence) or other hours.
    exceptions: BTreeMap<NaiveDate, Vec<Span>>,
}

impl Hours {
    /// No hours at all.
    pub fn closed() -> Self {
        Self::default()
    }

    /// The same `spans` on each of `days`.
    pub fn weekly(days: &[Weekday], spans: &[Span]) -> Self {
        let mut h = Self::default();
        for d in days {
            h.weekly[d.num_days_from_monday() as usize] = normalized(spans.to_vec());
        }
        h
    }

    /// Every `day` of the week has `spans` (a long Thursday, a short Friday).
    pub fn set_weekday(&mut self, day: Weekday, spans: &[Span]) {
        self.weekly[day.num_days_from_monday() as usize] = normalized(spans.to_vec());
    }

    /// `date` is closed (a public holiday, a closure, a clerk's day off).
    pub fn close_on(&mut self, date: NaiveDate) {
        self.exceptions.insert(date, Vec::new());
    }

    /// `date` has `spans` instead of the week's hours (a long Thursday, a half day).
    pub fn set_day(&mut self, date: NaiveDate, spans: &[Span]) {
        self.exceptions.insert(date, normalized(spans.to_vec()));
    }

    /// The spans of `date`, sorted and not overlapping.
    pub fn on(&self, date: NaiveDate) -> &[Span] {
        match self.exceptions.get(&date) {
            Some(spans) => spans,
            None => &self.weekly[date.weekday().num_days_from_monday() as usize],
        }
    }
}

/// Sorted, with overlapping and touching spans merged.
fn normalized(mut spans: Vec<Span>) -> Vec<Span> {
    spans.sort_by_key(|s| s.start);
    let mut out: Vec<Span> = Vec::with_capacity(spans.len());
    for s in spans {
        match out.last_mut() {
            Some(last) if s.start <= last.end => last.end = last.end.max(s.end),
            _ => out.push(s),
        }
    }
    out
}

/// A service as the slot engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    /// Its ID.
    pub id: ServiceId,
    /// The clerk's time with the citizen.
    pub minutes: u32,
    /// The clerk's time after the appointment (files, forms); no appointment starts in it.
    pub buffer_minutes: u32,
    /// Whether it can be done in a video call (a passport needs fingerprints: no).
    pub virtual_ok: bool,
}

/// A location as the slot engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// Its ID.
    pub id: LocationId,
    /// Its time zone.
    pub tz: Tz,
    /// Opening hours: appointments lie within them.
    pub hours: Hours,
    /// The grid appointments start on, from the start of each opening span.
    pub grid_minutes: u32,
    /// The virtual office (only services that can be done by video are offered).
    pub is_virtual: bool,
}

/// A clerk as the slot engine sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Clerk {
    /// Its ID.
    pub id: ClerkId,
    /// Where the clerk works.
    pub location: LocationId,
    /// The services the clerk may handle.
    pub skills: BTreeSet<ServiceId>,
    /// Working hours, absences as exceptions. Within the location's opening hours only.
    pub hours: Hours,
}

/// The catalogue: services, locations and clerks.
#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    services: HashMap<ServiceId, Service>,
    locations: HashMap<LocationId, Location>,
    /// By location.
    clerks: HashMap<LocationId, Vec<Clerk>>,
}

impl Catalogue {
    /// An empty catalogue.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds or replaces a service.
    pub fn add_service(&mut self, s: Service) {
        self.services.insert(s.id, s);
    }

    /// Adds or replaces a location.
    pub fn add_location(&mut self, l: Location) {
        self.locations.insert(l.id, l);
    }

    /// Adds a clerk.
    pub fn add_clerk(&mut self, c: Clerk) {
        self.clerks.entry(c.location).or_default().push(c);
    }

    /// The longest time an appointment of up to `services` services can block its clerk
    /// (the longest service that many times, then the longest buffer): no booking made
    /// from this catalogue is longer.
    pub fn longest_block(&self, services: usize) -> Duration {
        let minutes = self.services.values().map(|s| s.minutes).max().unwrap_or(0);
        let buffer = self
            .services
            .values()
            .map(|s| s.buffer_minutes)
            .max()
            .unwrap_or(0);
        Duration::minutes(i64::from(minutes) * services as i64 + i64::from(buffer))
    }

    /// A service by ID.
    pub fn service(&self, id: ServiceId) -> Option<&Service> {
        self.services.get(&id)
    }

    /// A location by ID.
    pub fn location(&self, id: LocationId) -> Option<&Location> {
        self.locations.get(&id)
    }
}

/// When new days become bookable: each day at `at` (local time of the location) the day
/// `horizon_days` ahead is released, as cities do (so everyone knows when to try).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    /// Days ahead, today counted as 0.
    pub horizon_days: u32,
    /// Local time of the daily release.
    pub at: NaiveTime,
}

impl Release {
    /// The last bookable date at `now` (local date `today`, local time `time`).
    pub fn last_day(&self, today: NaiveDate, time: NaiveTime) -> Option<NaiveDate> {
        let days = if time >= self.at {
            i64::from(self.horizon_days)
        } else {
            i64::from(self.horizon_days) - 1
        };
        today.checked_add_signed(Duration::days(days))
    }
}

/// A booked appointment, blocking its clerk until `until` (its end plus its buffer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Booked {
    /// The clerk.
    pub clerk: ClerkId,
    /// Start.
    pub start: DateTime<Utc>,
    /// End of the appointment plus its buffer.
    pub until: DateTime<Utc>,
}

/// A UTC start and exclusive end: working time, or blocked time (appointment and buffer).
type Period = (DateTime<Utc>, DateTime<Utc>);

/// The booked appointments, per clerk, sorted: built once and searched many times.
#[derive(Debug, Clone, Default)]
pub struct Agenda {
    by_clerk: HashMap<ClerkId, Vec<Period>>,
}

impl Agenda {
    /// From a list of appointments, in any order.
    pub fn new(booked: impl IntoIterator<Item = Booked>) -> Self {
        let mut a = Self::default();
        for b in booked {
            a.by_clerk
                .entry(b.clerk)
                .or_default()
                .push((b.start, b.until));
        }
        for v in a.by_clerk.values_mut() {
            v.sort_unstable();
            // The search's binary search needs periods that do not overlap. Claims keep
            // a clerk's bookings apart, but data from before them (or a clerk's manual
            // double booking) may not: overlapping periods are merged into one.
            let mut merged: Vec<Period> = Vec::with_capacity(v.len());
            for &(start, end) in v.iter() {
                match merged.last_mut() {
                    Some(last) if start <= last.1 => last.1 = last.1.max(end),
                    _ => merged.push((start, end)),
                }
            }
            *v = merged;
        }
        a
    }

    /// Whether `clerk` has nothing booked overlapping `[start, until)`.
    pub fn is_free(&self, clerk: ClerkId, start: DateTime<Utc>, until: DateTime<Utc>) -> bool {
        none_overlaps(self.of(clerk), start, until)
    }

    /// `clerk`'s appointments, sorted.
    fn of(&self, clerk: ClerkId) -> &[Period] {
        self.by_clerk.get(&clerk).map_or(&[], Vec::as_slice)
    }
}

/// Whether none of the sorted, non-overlapping `booked` overlaps `[start, until)`.
fn none_overlaps(booked: &[Period], start: DateTime<Utc>, until: DateTime<Utc>) -> bool {
    // The first appointment ending after `start` is the only one that can overlap before
    // one starting at or after `until`.
    let i = booked.partition_point(|(_, end)| *end <= start);
    booked.get(i).is_none_or(|(s, _)| *s >= until)
}

/// What a citizen asks for.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    /// Where.
    pub location: LocationId,
    /// One or more services, done in one appointment by one clerk.
    pub services: &'a [ServiceId],
    /// Now.
    pub now: DateTime<Utc>,
    /// Appointments start at least this far ahead.
    pub lead: Duration,
}

/// A free appointment time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    /// Start.
    pub start: DateTime<Utc>,
    /// End of the citizen's appointment (its buffer follows).
    pub end: DateTime<Utc>,
    /// The clerks who could take it, in catalogue order (the booking claims one).
    pub clerks: Vec<ClerkId>,
}

/// Why a request cannot be searched.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// No service was asked for.
    #[error("no service requested")]
    NoService,
    /// A service is not in the catalogue.
    #[error("unknown service {0:?}")]
    UnknownService(ServiceId),
    /// The location is not in the catalogue.
    #[error("unknown location {0:?}")]
    UnknownLocation(LocationId),
    /// The service cannot be done by video, and this is the virtual office.
    #[error("service {0:?} is not offered by video")]
    NotVirtual(ServiceId),
}

/// What one appointment of the requested services takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Need {
    /// The citizen's time.
    pub appointment: Duration,
    /// Appointment and buffer: how long the clerk is blocked.
    pub blocked: Duration,
}

/// The duration of an appointment for `services` at `location`: the services back to back,
/// then the longest of their buffers.
pub fn need(
    catalogue: &Catalogue,
    location: LocationId,
    services: &[ServiceId],
) -> Result<Need, ScheduleError> {
    if services.is_empty() {
        return Err(ScheduleError::NoService);
    }
    let loc = catalogue
        .location(location)
        .ok_or(ScheduleError::UnknownLocation(location))?;
    let mut minutes = 0i64;
    let mut buffer = 0i64;
    for id in services {
        let s = catalogue
            .service(*id)
            .ok_or(ScheduleError::UnknownService(*id))?;
        if loc.is_virtual && !s.virtual_ok {
            return Err(ScheduleError::NotVirtual(*id));
        }
        minutes += i64::from(s.minutes);
        buffer = buffer.max(i64::from(s.buffer_minutes));
    }
    Ok(Need {
        appointment: Duration::minutes(minutes),
        blocked: Duration::minutes(minutes + buffer),
    })
}

/// Free appointment times for `req`, earliest first, from now (plus the lead time) to the
/// last released day.
pub fn free_slots(
    catalogue: &Catalogue,
    agenda: &Agenda,
    release: Release,
    req: &Request<'_>,
) -> Result<Vec<Offer>, ScheduleError> {
    slots(catalogue, agenda, release, req, None)
}

/// The offer for exactly `start`, if [`free_slots`] makes one: what a booking checks before
/// it claims. Only `start`'s local day is searched, so a booking costs the same whatever
/// the horizon, and the agenda need only hold that day.
pub fn offer_at(
    catalogue: &Catalogue,
    agenda: &Agenda,
    release: Release,
    req: &Request<'_>,
    start: DateTime<Utc>,
) -> Result<Option<Offer>, ScheduleError> {
    let loc = catalogue
        .location(req.location)
        .ok_or(ScheduleError::UnknownLocation(req.location))?;
    let day = start.with_timezone(&loc.tz).date_naive();
    Ok(slots(catalogue, agenda, release, req, Some(day))?
        .into_iter()
        .find(|o| o.start == start))
}

/// The free times of the local date `day` only (none outside the bookable days).
pub fn slots_on(
    catalogue: &Catalogue,
    agenda: &Agenda,
    release: Release,
    req: &Request<'_>,
    day: NaiveDate,
) -> Result<Vec<Offer>, ScheduleError> {
    slots(catalogue, agenda, release, req, Some(day))
}

/// The local dates on offer for `req`: from today to the last released day (`None` for an
/// unknown location).
pub fn bookable_days(
    catalogue: &Catalogue,
    release: Release,
    req: &Request<'_>,
) -> Option<(NaiveDate, NaiveDate)> {
    let loc = catalogue.location(req.location)?;
    let local_now = req.now.with_timezone(&loc.tz);
    let today = local_now.date_naive();
    Some((today, release.last_day(today, local_now.time())?))
}

/// [`free_slots`], or only the local date `only` of it.
fn slots(
    catalogue: &Catalogue,
    agenda: &Agenda,
    release: Release,
    req: &Request<'_>,
    only: Option<NaiveDate>,
) -> Result<Vec<Offer>, ScheduleError> {
    let need = need(catalogue, req.location, req.services)?;
    let Some(loc) = catalogue.location(req.location) else {
        return Err(ScheduleError::UnknownLocation(req.location));
    };
    let clerks: Vec<&Clerk> = catalogue
        .clerks
        .get(&req.location)
        .into_iter()
        .flatten()
        .filter(|c| req.services.iter().all(|s| c.skills.contains(s)))
        .collect();
    // Each clerk's agenda looked up once per search, not per grid start.
    let booked: Vec<_> = clerks.iter().map(|c| agenda.of(c.id)).collect();
    let mut out = Vec::new();
    if clerks.is_empty() || loc.grid_minutes == 0 {
        return Ok(out);
    }
    let local_now = req.now.with_timezone(&loc.tz);
    let today = local_now.date_naive();
    let Some(last) = release.last_day(today, local_now.time()) else {
        return Ok(out);
    };
    let earliest = req.now + req.lead;
    let grid = Duration::minutes(i64::from(loc.grid_minutes));
    // Each qualified clerk's working spans of the day, cut to the opening hours, in UTC.
    let mut windows: Vec<Vec<Period>> = vec![Vec::new(); clerks.len()];
    let (mut date, last) = match only {
        Some(day) => (day.max(today), day.min(last)),
        None => (today, last),
    };
    while date <= last {
        let opening = loc.hours.on(date);
        if !opening.is_empty() {
            let clock = DayClock::new(loc.tz, date);
            for (w, c) in windows.iter_mut().zip(&clerks) {
                w.clear();
                for o in opening {
                    for h in c.hours.on(date) {
                        let (start, end) = (o.start.max(h.start), o.end.min(h.end));
                        if start < end {
                            if let Some(span) = clock.span(start, end) {
                                w.push(span);
                            }
                        }
                    }
                }
            }
            for o in opening {
                for start in grid_starts(clock, *o, grid) {
                    if start < earliest {
                        continue;
                    }
                    let (end, until) = (start + need.appointment, start + need.blocked);
                    let free: Vec<ClerkId> = clerks
                        .iter()
                        .zip(&windows)
                        .zip(&booked)
                        .filter(|((_, w), b)| {
                            w.iter().any(|(ws, we)| *ws <= start && until <= *we)
                                && none_overlaps(b, start, until)
                        })
                        .map(|((c, _), _)| c.id)
                        .collect();
                    if !free.is_empty() {
                        out.push(Offer {
                            start,
                            end,
                            clerks: free,
                        });
                    }
                }
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    Ok(out)
}

/// The clerk time `location` offers on the local dates `from..=to`: each clerk's working
/// hours cut to the opening hours, summed (what utilisation is measured against).
pub fn capacity(
    catalogue: &Catalogue,
    location: LocationId,
    from: NaiveDate,
    to: NaiveDate,
) -> Duration {
    let Some(loc) = catalogue.location(location) else {
        return Duration::zero();
    };
    let clerks = catalogue
        .clerks
        .get(&location)
        .map_or(&[][..], Vec::as_slice);
    let mut total = Duration::zero();
    let mut date = from;
    while date <= to {
        let clock = DayClock::new(loc.tz, date);
        for o in loc.hours.on(date) {
            for c in clerks {
                for h in c.hours.on(date) {
                    let (start, end) = (o.start.max(h.start), o.end.min(h.end));
                    if start < end {
                        if let Some((a, b)) = clock.span(start, end) {
                            total += b - a;
                        }
                    }
                }
            }
        }
        let Some(next) = date.succ_opt() else { break };
        date = next;
    }
    total
}

/// Local times of one day in UTC. Most days have one UTC offset from midnight to midnight:
/// then a conversion is a subtraction, not a time-zone look-up (which was most of a search's
/// cost); the two days a year when clocks change take the slow path.
#[derive(Debug, Clone, Copy)]
struct DayClock {
    tz: Tz,
    date: NaiveDate,
    /// The day's one offset from UTC, if it has only one.
    offset: Option<Duration>,
}

impl DayClock {
    fn new(tz: Tz, date: NaiveDate) -> Self {
        let offset_at = |t: NaiveTime| match tz.from_local_datetime(&date.and_time(t)) {
            LocalResult::Single(x) => Some(x.naive_local() - x.naive_utc()),
            _ => None,
        };
        let first = offset_at(NaiveTime::MIN);
        let last = NaiveTime::from_hms_opt(23, 59, 59).and_then(offset_at);
        Self {
            tz,
            date,
            offset: first.filter(|f| Some(*f) == last),
        }
    }

    /// A local time of the day in UTC: `None` if it does not exist (clocks went forward);
    /// the first occurrence if it exists twice.
    fn utc(&self, t: NaiveTime) -> Option<DateTime<Utc>> {
        let local = self.date.and_time(t);
        if let Some(offset) = self.offset {
            return Some(Utc.from_utc_datetime(&(local - offset)));
        }
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(x) => Some(x.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, _) => Some(first.with_timezone(&Utc)),
            LocalResult::None => None,
        }
    }

    /// `start`–`end` in UTC; a bound that falls in a skipped hour moves to the end of the
    /// gap.
    fn span(&self, start: NaiveTime, end: NaiveTime) -> Option<Period> {
        let (s, e) = (self.bound(start)?, self.bound(end)?);
        (s < e).then_some((s, e))
    }

    fn bound(&self, t: NaiveTime) -> Option<DateTime<Utc>> {
        self.utc(t).or_else(|| {
            // In the gap: the first minute after it (gaps are at most a few hours).
            (1..=240).find_map(|m| {
                let (later, wrapped) = t.overflowing_add_signed(Duration::minutes(m));
                if wrapped != 0 {
                    return None;
                }
                self.utc(later)
            })
        })
    }
}

/// The grid starts of one opening span, in UTC. Local times that do not exist are left out;
/// times that exist twice count once, at their first occurrence.
fn grid_starts(clock: DayClock, span: Span, grid: Duration) -> impl Iterator<Item = DateTime<Utc>> {
    let mut t = Some(span.start);
    std::iter::from_fn(move || loop {
        let now = t?;
        if now >= span.end {
            return None;
        }
        let (next, wrapped) = now.overflowing_add_signed(grid);
        t = (wrapped == 0).then_some(next);
        if let Some(x) = clock.utc(now) {
            return Some(x);
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capacity_is_clerk_time_within_opening_hours() {
        let mut cat = Catalogue::new();
        let loc = LocationId(1);
        let mon_fri = [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ];
        cat.add_location(Location {
            id: loc,
            tz: chrono_tz::Europe::Berlin,
            hours: Hours::weekly(
                &mon_fri,
                &[Span::new(t("08:00"), t("16:00")).expect("span")],
            ),
            grid_minutes: 20,
            is_virtual: true,
        });
        // One clerk all day, one from 12:00; the second is away on Tuesday.
        cat.add_clerk(Clerk {
            id: ClerkId(1),
            location: loc,
            skills: BTreeSet::new(),
            hours: Hours::weekly(
                &mon_fri,
                &[Span::new(t("07:00"), t("18:00")).expect("span")],
            ),
        });
        let mut late = Hours::weekly(
            &mon_fri,
            &[Span::new(t("12:00"), t("16:00")).expect("span")],
        );
        let monday = NaiveDate::from_ymd_opt(2026, 11, 23).expect("date");
        late.close_on(monday.succ_opt().expect("tue"));
        cat.add_clerk(Clerk {
            id: ClerkId(2),
            location: loc,
            skills: BTreeSet::new(),
            hours: late,
        });
        let sunday = NaiveDate::from_ymd_opt(2026, 11, 29).expect("date");
        // 5 days × 8 h + 4 days × 4 h.
        assert_eq!(capacity(&cat, loc, monday, sunday), Duration::hours(56));
        assert_eq!(
            capacity(&cat, LocationId(9), monday, sunday),
            Duration::zero()
        );
    }
    use chrono::Timelike;
    use chrono_tz::Europe::Berlin;

    const WEEKDAYS: [Weekday; 5] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];

    fn t(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").expect("time")
    }

    fn span(a: &str, b: &str) -> Span {
        Span::new(t(a), t(b)).expect("span")
    }

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    fn local(x: DateTime<Utc>) -> String {
        x.with_timezone(&Berlin)
            .format("%Y-%m-%d %H:%M")
            .to_string()
    }

    const REGISTRATION: ServiceId = ServiceId(1);
    const CERTIFICATE: ServiceId = ServiceId(2);
    const PASSPORT: ServiceId = ServiceId(3);
    const OFFICE: LocationId = LocationId(1);
    const VIRTUAL: LocationId = LocationId(2);

    /// An office open 08:00–12:00 on weekdays (long Thursday 08:00–18:00 with a lunch
    /// break), a 10-minute grid; the virtual office the same hours.
    fn catalogue() -> Catalogue {
        let mut c = Catalogue::new();
        for (id, minutes, buffer, virtual_ok) in [
            (REGISTRATION, 20, 0, true),
            (CERTIFICATE, 10, 10, true),
            (PASSPORT, 30, 0, false),
        ] {
            c.add_service(Service {
                id,
                minutes,
                buffer_minutes: buffer,
                virtual_ok,
            });
        }
        for (id, is_virtual) in [(OFFICE, false), (VIRTUAL, true)] {
            let mut hours = Hours::weekly(&WEEKDAYS, &[span("08:00", "12:00")]);
            hours.set_day(
                d("2026-12-03"),
                &[span("08:00", "12:00"), span("13:00", "18:00")],
            );
            c.add_location(Location {
                id,
                tz: Berlin,
                hours,
                grid_minutes: 10,
                is_virtual,
            });
        }
        c
    }

    fn clerk(id: i64, location: LocationId, skills: &[ServiceId], hours: Hours) -> Clerk {
        Clerk {
            id: ClerkId(id),
            location,
            skills: skills.iter().copied().collect(),
            hours,
        }
    }

    fn all_day() -> Hours {
        Hours::weekly(&WEEKDAYS, &[span("00:00", "23:59")])
    }

    fn release(days: u32) -> Release {
        Release {
            horizon_days: days,
            at: t("00:00"),
        }
    }

    fn search(
        c: &Catalogue,
        agenda: &Agenda,
        services: &[ServiceId],
        now: &str,
        days: u32,
    ) -> Vec<Offer> {
        free_slots(
            c,
            agenda,
            release(days),
            &Request {
                location: OFFICE,
                services,
                now: utc(now),
                lead: Duration::zero(),
            },
        )
        .expect("searchable")
    }

    #[test]
    fn a_clerks_day_fills_the_grid_within_opening_hours() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        // Wednesday 2026-12-02, 07:00 local.
        let offers = search(
            &c,
            &Agenda::default(),
            &[REGISTRATION],
            "2026-12-02T06:00:00Z",
            0,
        );
        // 08:00 … 11:40 every 10 minutes (20 minutes must fit before 12:00).
        assert_eq!(offers.len(), 23);
        assert_eq!(local(offers[0].start), "2026-12-02 08:00");
        assert_eq!(local(offers[0].end), "2026-12-02 08:20");
        assert_eq!(local(offers[22].start), "2026-12-02 11:40");
        assert!(offers.iter().all(|o| o.clerks == vec![ClerkId(1)]));
    }

    #[test]
    fn holidays_and_special_days_replace_the_week() {
        let mut c = catalogue();
        if let Some(l) = c.locations.get_mut(&OFFICE) {
            // Christmas Eve falls on a Thursday: closed.
            l.hours.close_on(d("2026-12-24"));
        }
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        let offers = search(
            &c,
            &Agenda::default(),
            &[REGISTRATION],
            "2026-12-02T06:00:00Z",
            29,
        );
        let days: BTreeSet<String> = offers
            .iter()
            .map(|o| local(o.start)[..10].to_owned())
            .collect();
        assert!(!days.contains("2026-12-24"), "closed on the holiday");
        assert!(!days.contains("2026-12-05"), "closed on Saturday");
        assert!(days.contains("2026-12-23"));
        // The long Thursday: morning and afternoon, nothing over lunch.
        let thursday: Vec<String> = offers
            .iter()
            .filter(|o| local(o.start).starts_with("2026-12-03"))
            .map(|o| local(o.start)[11..].to_owned())
            .collect();
        assert_eq!(thursday.len(), 23 + 29);
        assert!(thursday.contains(&"11:40".to_owned()));
        assert!(
            !thursday.contains(&"11:50".to_owned()),
            "20 minutes do not fit"
        );
        assert!(!thursday.contains(&"12:30".to_owned()), "lunch break");
        assert_eq!(thursday.last().map(String::as_str), Some("17:40"));
    }

    #[test]
    fn partial_capacity_days_count_only_the_clerks_who_work() {
        let mut c = catalogue();
        let mut half = all_day();
        // Clerk 2 works only from 10:00 on Wednesday and is absent on Friday.
        half.set_day(d("2026-12-02"), &[span("10:00", "23:59")]);
        half.close_on(d("2026-12-04"));
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        c.add_clerk(clerk(2, OFFICE, &[REGISTRATION], half));
        let offers = search(
            &c,
            &Agenda::default(),
            &[REGISTRATION],
            "2026-12-02T06:00:00Z",
            2,
        );
        let at = |s: &str| {
            offers
                .iter()
                .find(|o| local(o.start) == s)
                .map(|o| o.clerks.len())
        };
        assert_eq!(at("2026-12-02 09:00"), Some(1));
        assert_eq!(at("2026-12-02 10:00"), Some(2));
        assert_eq!(at("2026-12-03 09:00"), Some(2));
        assert_eq!(at("2026-12-04 09:00"), Some(1));
    }

    #[test]
    fn booked_time_and_its_buffer_block_the_clerk_and_others_still_serve() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION, CERTIFICATE], all_day()));
        c.add_clerk(clerk(2, OFFICE, &[REGISTRATION], all_day()));
        // Clerk 1 has a certificate at 09:00: 10 minutes and 10 of buffer, until 09:20.
        let agenda = Agenda::new([Booked {
            clerk: ClerkId(1),
            start: utc("2026-12-02T08:00:00Z"),
            until: utc("2026-12-02T08:20:00Z"),
        }]);
        let offers = search(&c, &agenda, &[CERTIFICATE], "2026-12-02T06:00:00Z", 0);
        let starts: Vec<String> = offers
            .iter()
            .map(|o| local(o.start)[11..].to_owned())
            .collect();
        // A certificate blocks 20 minutes: 08:40 fits before 09:00, 08:50 does not.
        assert!(starts.contains(&"08:40".to_owned()));
        assert!(!starts.contains(&"08:50".to_owned()));
        assert!(!starts.contains(&"09:00".to_owned()));
        assert!(!starts.contains(&"09:10".to_owned()), "inside the buffer");
        assert!(starts.contains(&"09:20".to_owned()));
        // Its last start is 11:40 (10 minutes plus 10 of buffer end at 12:00).
        assert_eq!(starts.last().map(String::as_str), Some("11:40"));
        // Clerk 2 cannot do certificates but still takes registrations at 09:00.
        let reg = search(&c, &agenda, &[REGISTRATION], "2026-12-02T06:00:00Z", 0);
        let nine = reg
            .iter()
            .find(|o| local(o.start) == "2026-12-02 09:00")
            .expect("offered");
        assert_eq!(nine.clerks, vec![ClerkId(2)]);
    }

    #[test]
    fn several_services_take_one_clerk_with_every_skill_back_to_back() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        c.add_clerk(clerk(2, OFFICE, &[REGISTRATION, CERTIFICATE], all_day()));
        let offers = search(
            &c,
            &Agenda::default(),
            &[REGISTRATION, CERTIFICATE],
            "2026-12-02T06:00:00Z",
            0,
        );
        assert!(offers.iter().all(|o| o.clerks == vec![ClerkId(2)]));
        // 20 + 10 minutes, then 10 of buffer: the last start is 11:20.
        assert_eq!(local(offers[0].end), "2026-12-02 08:30");
        assert_eq!(
            offers.last().map(|o| local(o.start)),
            Some("2026-12-02 11:20".to_owned())
        );
        assert_eq!(
            need(&c, OFFICE, &[REGISTRATION, CERTIFICATE]),
            Ok(Need {
                appointment: Duration::minutes(30),
                blocked: Duration::minutes(40)
            })
        );
    }

    #[test]
    fn the_horizon_opens_a_new_day_at_the_release_time() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        let at = |now: &str| {
            free_slots(
                &c,
                &Agenda::default(),
                Release {
                    horizon_days: 2,
                    at: t("08:00"),
                },
                &Request {
                    location: OFFICE,
                    services: &[REGISTRATION],
                    now: utc(now),
                    lead: Duration::zero(),
                },
            )
            .expect("searchable")
            .last()
            .map(|o| local(o.start)[..10].to_owned())
        };
        // Wednesday 07:59 local: Thursday is the last day; at 08:00 Friday is released.
        assert_eq!(at("2026-12-02T06:59:00Z").as_deref(), Some("2026-12-03"));
        assert_eq!(at("2026-12-02T07:00:00Z").as_deref(), Some("2026-12-04"));
    }

    #[test]
    fn lead_time_and_the_past_are_not_offered() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, OFFICE, &[REGISTRATION], all_day()));
        let offers = free_slots(
            &c,
            &Agenda::default(),
            release(0),
            &Request {
                location: OFFICE,
                services: &[REGISTRATION],
                // 09:05 local, an hour's lead: 10:10 is the first.
                now: utc("2026-12-02T08:05:00Z"),
                lead: Duration::hours(1),
            },
        )
        .expect("searchable");
        assert_eq!(
            offers.first().map(|o| local(o.start)),
            Some("2026-12-02 10:10".to_owned())
        );
    }

    #[test]
    fn the_virtual_office_refuses_what_needs_a_visit_and_unknowns_are_errors() {
        let mut c = catalogue();
        c.add_clerk(clerk(1, VIRTUAL, &[REGISTRATION, PASSPORT], all_day()));
        let req = |location, services| Request {
            location,
            services,
            now: utc("2026-12-02T06:00:00Z"),
            lead: Duration::zero(),
        };
        let agenda = Agenda::default();
        assert_eq!(
            free_slots(
                &c,
                &agenda,
                release(0),
                &req(VIRTUAL, &[REGISTRATION, PASSPORT])
            ),
            Err(ScheduleError::NotVirtual(PASSPORT))
        );
        assert!(
            !free_slots(&c, &agenda, release(0), &req(VIRTUAL, &[REGISTRATION]))
                .expect("searchable")
                .is_empty()
        );
        assert_eq!(
            free_slots(&c, &agenda, release(0), &req(VIRTUAL, &[])),
            Err(ScheduleError::NoService)
        );
        assert_eq!(
            free_slots(&c, &agenda, release(0), &req(VIRTUAL, &[ServiceId(99)])),
            Err(ScheduleError::UnknownService(ServiceId(99)))
        );
        assert_eq!(
            free_slots(
                &c,
                &agenda,
                release(0),
                &req(LocationId(9), &[REGISTRATION])
            ),
            Err(ScheduleError::UnknownLocation(LocationId(9)))
        );
        // A location without a qualified clerk offers nothing (no error).
        assert!(
            free_slots(&c, &agenda, release(0), &req(OFFICE, &[REGISTRATION]))
                .expect("searchable")
                .is_empty()
        );
    }

    #[test]
    fn clocks_going_forward_and_back_keep_the_local_grid() {
        // Sunday opening hours around both changes of 2026 in Berlin.
        let mut c = Catalogue::new();
        c.add_service(Service {
            id: REGISTRATION,
            minutes: 30,
            buffer_minutes: 0,
            virtual_ok: true,
        });
        c.add_location(Location {
            id: OFFICE,
            tz: Berlin,
            hours: Hours::weekly(&[Weekday::Sun], &[span("01:00", "04:00")]),
            grid_minutes: 30,
            is_virtual: false,
        });
        c.add_clerk(clerk(
            1,
            OFFICE,
            &[REGISTRATION],
            Hours::weekly(&[Weekday::Sun], &[span("00:00", "23:00")]),
        ));
        let starts = |now: &str| -> Vec<(u32, u32)> {
            search(&c, &Agenda::default(), &[REGISTRATION], now, 0)
                .iter()
                .map(|o| {
                    let l = o.start.with_timezone(&Berlin);
                    (l.hour(), l.minute())
                })
                .collect()
        };
        // 2026-03-29: 02:00–03:00 does not exist; 01:00–04:00 local is two real hours.
        assert_eq!(
            starts("2026-03-28T23:00:00Z"),
            vec![(1, 0), (1, 30), (3, 0), (3, 30)]
        );
        // 2026-10-25: 02:00–03:00 happens twice; each grid time is offered once.
        let autumn = starts("2026-10-24T23:00:00Z");
        assert_eq!(autumn.len(), 6);
        let all = search(
            &c,
            &Agenda::default(),
            &[REGISTRATION],
            "2026-10-24T23:00:00Z",
            0,
        );
        assert!(all.windows(2).all(|w| w[0].start < w[1].start));
    }

    #[test]
    fn the_agenda_finds_overlaps_on_either_side() {
        let a = Agenda::new([
            Booked {
                clerk: ClerkId(1),
                start: utc("2026-12-02T09:00:00Z"),
                until: utc("2026-12-02T09:30:00Z"),
            },
            Booked {
                clerk: ClerkId(1),
                start: utc("2026-12-02T08:00:00Z"),
                until: utc("2026-12-02T08:20:00Z"),
            },
        ]);
        let free = |s: &str, e: &str| a.is_free(ClerkId(1), utc(s), utc(e));
        assert!(
            free("2026-12-02T08:20:00Z", "2026-12-02T09:00:00Z"),
            "touching"
        );
        assert!(!free("2026-12-02T08:10:00Z", "2026-12-02T08:30:00Z"));
        assert!(!free("2026-12-02T08:50:00Z", "2026-12-02T09:10:00Z"));
        assert!(
            !free("2026-12-02T07:00:00Z", "2026-12-02T10:00:00Z"),
            "around"
        );
        assert!(
            !free("2026-12-02T09:10:00Z", "2026-12-02T09:20:00Z"),
            "inside"
        );
        assert!(a.is_free(
            ClerkId(2),
            utc("2026-12-02T09:00:00Z"),
            utc("2026-12-02T09:30:00Z")
        ));
    }

    mod reference {
        //! The engine against a brute-force reference: a clerk is free for an appointment when
        //! every minute of it and its buffer lies in the opening hours and the clerk's hours
        //! and in no booking of theirs. UTC, so that minutes and local times agree (the
        //! clock changes have unit tests of their own).
        use super::super::*;
        use chrono::Timelike;
        use proptest::prelude::*;

        fn minute(m: u32) -> NaiveTime {
            NaiveTime::from_num_seconds_from_midnight_opt(m * 60, 0).expect("minute of the day")
        }

        fn spans() -> impl Strategy<Value = Vec<Span>> {
            prop::collection::vec((6u32 * 60..20 * 60, 10u32..300), 0..3).prop_map(|v| {
                v.into_iter()
                    .filter_map(|(s, len)| Span::new(minute(s), minute((s + len).min(23 * 60))))
                    .collect()
            })
        }

        fn contains(spans: &[Span], t: NaiveTime) -> bool {
            spans.iter().any(|s| s.start <= t && t < s.end)
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]
            #[test]
            fn offers_are_exactly_the_free_grid_starts(
                opening in spans(),
                special in spans(),
                clerks in prop::collection::vec((spans(), 0u8..4, any::<bool>()), 1..4),
                bookings in prop::collection::vec((0usize..4, 0u32..3, 6u32 * 60..20 * 60, 5u32..90), 0..12),
                grid in prop::sample::select(vec![5u32, 10, 15, 20]),
                ask in prop::sample::select(vec![vec![1i64], vec![2], vec![1, 2]]),
                lead in 0i64..600,
            ) {
                let day0 = NaiveDate::from_ymd_opt(2026, 12, 1).expect("date");
                let mut c = Catalogue::new();
                c.add_service(Service { id: ServiceId(1), minutes: 20, buffer_minutes: 0, virtual_ok: true });
                c.add_service(Service { id: ServiceId(2), minutes: 15, buffer_minutes: 10, virtual_ok: true });
                let all = [Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri, Weekday::Sat, Weekday::Sun];
                let mut hours = Hours::weekly(&all, &opening);
                hours.set_day(day0 + Duration::days(1), &special);
                c.add_location(Location { id: LocationId(1), tz: chrono_tz::UTC, hours: hours.clone(), grid_minutes: grid, is_virtual: false });
                let mut clerk_hours = Vec::new();
                for (i, (h, skills, absent_day2)) in clerks.iter().enumerate() {
                    let mut ch = Hours::weekly(&all, h);
                    if *absent_day2 {
                        ch.close_on(day0 + Duration::days(2));
                    }
                    let skills: BTreeSet<ServiceId> = [(1, 1u8), (2, 2u8)]
                        .iter()
                        .filter(|(_, bit)| skills & bit != 0)
                        .map(|(id, _)| ServiceId(*id))
                        .collect();
                    c.add_clerk(Clerk { id: ClerkId(i as i64), location: LocationId(1), skills: skills.clone(), hours: ch.clone() });
                    clerk_hours.push((ClerkId(i as i64), skills, ch));
                }
                let at = |day: u32, m: u32| Utc.from_utc_datetime(&(day0 + Duration::days(i64::from(day))).and_time(minute(m)));
                let booked: Vec<Booked> = bookings
                    .iter()
                    .map(|(clerk, day, m, len)| Booked { clerk: ClerkId(*clerk as i64), start: at(*day, *m), until: at(*day, *m) + Duration::minutes(i64::from(*len)) })
                    .collect();
                let agenda = Agenda::new(booked.iter().copied());
                let services: Vec<ServiceId> = ask.iter().map(|i| ServiceId(*i)).collect();
                let now = at(0, 7 * 60);
                let offers = free_slots(&c, &agenda, Release { horizon_days: 2, at: minute(0) }, &Request {
                    location: LocationId(1), services: &services, now, lead: Duration::minutes(lead),
                }).expect("searchable");

                let need = need(&c, LocationId(1), &services).expect("need");
                let mut expected = Vec::new();
                for day in 0..=2u32 {
                    let date = day0 + Duration::days(i64::from(day));
                    for o in hours.on(date) {
                        let mut m = o.start.num_seconds_from_midnight() / 60;
                        while minute(m) < o.end {
                            let start = at(day, m);
                            let until = start + need.blocked;
                            if start >= now + Duration::minutes(lead) {
                                let free: Vec<ClerkId> = clerk_hours
                                    .iter()
                                    .filter(|(_, skills, _)| services.iter().all(|s| skills.contains(s)))
                                    .filter(|(id, _, ch)| {
                                        let mut t = start;
                                        while t < until {
                                            let (date_t, time_t) = (t.date_naive(), t.time());
                                            if date_t != date
                                                || !contains(hours.on(date), time_t)
                                                || !contains(ch.on(date), time_t)
                                                || booked.iter().any(|b| b.clerk == *id && b.start <= t && t < b.until)
                                            {
                                                return false;
                                            }
                                            t += Duration::minutes(1);
                                        }
                                        true
                                    })
                                    .map(|(id, _, _)| *id)
                                    .collect();
                                if !free.is_empty() {
                                    expected.push(Offer { start, end: start + need.appointment, clerks: free });
                                }
                            }
                            m += grid;
                        }
                    }
                }
                // A booking's check of one time agrees with the search, offered or not.
                let release = Release { horizon_days: 2, at: minute(0) };
                let req = Request { location: LocationId(1), services: &services, now, lead: Duration::minutes(lead) };
                for m in (0..4 * 24 * 60).step_by(5) {
                    let start = at(0, 0) + Duration::minutes(m);
                    let one = offer_at(&c, &agenda, release, &req, start).expect("searchable");
                    prop_assert_eq!(one.as_ref(), expected.iter().find(|o| o.start == start));
                }
                for o in &expected {
                    let one = offer_at(&c, &agenda, release, &req, o.start).expect("searchable");
                    prop_assert_eq!(one.as_ref(), Some(o));
                }
                prop_assert_eq!(offers, expected);
            }
        }
    }
}
