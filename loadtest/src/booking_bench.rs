//! `vamt-loadtest bench booking`: the slot engine's search latency on a city-sized
//! catalogue (method and figures: `docs/benchmarks.md`).
//!
//! The city: four offices and the virtual one, 40 clerks (eight per location) who each
//! handle about half of 60 services, weekdays 07:30–16:00 with a long Thursday to 18:00 and
//! their own absences, public holidays closed, a 10-minute grid, and the eight weeks ahead
//! about 70 % booked. Each search asks one location for one or two services at a random time
//! of the first week, exactly as a citizen's slot page does, and is timed alone.
use std::collections::BTreeSet;
use std::time::Instant;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use chrono_tz::Europe::Berlin;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;
use vamt_portal_core::schedule::{
    free_slots, need, Agenda, Booked, Catalogue, Clerk, ClerkId, Hours, Location, LocationId,
    Release, Request, Service, ServiceId, Span,
};

/// What to run.
#[derive(Debug, Clone)]
pub struct BookingBench {
    /// Searches timed.
    pub searches: usize,
    /// Share of the clerks' time already booked (0–1).
    pub booked: f64,
}

/// The last output line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Locations in the catalogue.
    pub locations: usize,
    /// Clerks in the catalogue.
    pub clerks: usize,
    /// Services in the catalogue.
    pub services: usize,
    /// Days searched ahead.
    pub horizon_days: u32,
    /// Appointments already booked.
    pub booked_appointments: usize,
    /// Searches timed.
    pub searches: usize,
    /// Offers found per search, on average.
    pub mean_offers: f64,
    /// Search latency, median, milliseconds.
    pub slot_search_p50_ms: f64,
    /// Search latency, 99th percentile, milliseconds.
    pub slot_search_p99_ms: f64,
    /// Slowest search, milliseconds.
    pub slot_search_max_ms: f64,
}

const LOCATIONS: i64 = 5;
const CLERKS_PER_LOCATION: i64 = 8;
const SERVICES: i64 = 60;
const HORIZON_DAYS: u32 = 56;

fn t(h: u32, m: u32) -> NaiveTime {
    NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN)
}

fn span(a: NaiveTime, b: NaiveTime) -> Vec<Span> {
    Span::new(a, b).into_iter().collect()
}

/// The city's catalogue and agenda, the same for every run (a fixed seed).
pub fn city(start: NaiveDate, booked_share: f64) -> (Catalogue, Agenda, usize) {
    let mut rng = StdRng::seed_from_u64(0x7a3d);
    let mut c = Catalogue::new();
    for id in 1..=SERVICES {
        c.add_service(Service {
            id: ServiceId(id),
            minutes: [10, 15, 20, 30, 45][rng.random_range(0..5)],
            buffer_minutes: [0, 0, 5, 10][rng.random_range(0..4)],
            // Passports, ID cards and the like need a visit.
            virtual_ok: id % 6 != 0,
        });
    }
    let weekdays = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
    ];
    let holidays: Vec<NaiveDate> = [(12, 24), (12, 25), (12, 26), (12, 31), (1, 1)]
        .iter()
        .filter_map(|(m, d)| {
            NaiveDate::from_ymd_opt(2026, *m, *d).or(NaiveDate::from_ymd_opt(2027, *m, *d))
        })
        .collect();
    let mut booked = Vec::new();
    for loc in 1..=LOCATIONS {
        let mut hours = Hours::weekly(&weekdays, &span(t(7, 30), t(16, 0)));
        hours.set_weekday(Weekday::Thu, &span(t(7, 30), t(18, 0)));
        hours.set_weekday(Weekday::Fri, &span(t(7, 30), t(13, 0)));
        for h in &holidays {
            hours.close_on(*h);
        }
        c.add_location(Location {
            id: LocationId(loc),
            tz: Berlin,
            hours,
            grid_minutes: 10,
            is_virtual: loc == LOCATIONS,
        });
        for n in 0..CLERKS_PER_LOCATION {
            let id = ClerkId(loc * 100 + n);
            let skills: BTreeSet<ServiceId> = (1..=SERVICES)
                .filter(|_| rng.random_bool(0.5))
                .map(ServiceId)
                .collect();
            let mut hours = Hours::weekly(&weekdays, &span(t(7, 30), t(18, 0)));
            for offset in 0..=HORIZON_DAYS {
                let date = start + Duration::days(i64::from(offset));
                match rng.random_range(0..20) {
                    0 => hours.close_on(date),
                    1 => hours.set_day(date, &span(t(7, 30), t(12, 0))),
                    _ => {}
                }
            }
            // Fill the clerk's days with appointments to about the booked share.
            for offset in 0..=HORIZON_DAYS {
                let date = start + Duration::days(i64::from(offset));
                let mut at = Berlin
                    .from_local_datetime(&date.and_time(t(7, 30)))
                    .earliest()
                    .map(|x| x.with_timezone(&Utc));
                while let Some(from) = at {
                    let minutes = [10i64, 15, 20, 30][rng.random_range(0..4)];
                    let until = from + Duration::minutes(minutes);
                    if until.with_timezone(&Berlin).time() > t(18, 0) {
                        break;
                    }
                    if rng.random_bool(booked_share) {
                        booked.push(Booked {
                            clerk: id,
                            start: from,
                            until,
                        });
                    }
                    at = Some(until);
                }
            }
            c.add_clerk(Clerk {
                id,
                location: LocationId(loc),
                skills,
                hours,
            });
        }
    }
    let n = booked.len();
    (c, Agenda::new(booked), n)
}

/// Builds the city and times `b.searches` searches.
pub fn run(b: &BookingBench) -> anyhow::Result<Report> {
    let start = NaiveDate::from_ymd_opt(2026, 12, 7).ok_or_else(|| anyhow::anyhow!("date"))?;
    let (catalogue, agenda, booked) = city(start, b.booked.clamp(0.0, 1.0));
    let release = Release {
        horizon_days: HORIZON_DAYS,
        at: t(8, 0),
    };
    let mut rng = StdRng::seed_from_u64(0x51a7);
    let monday: DateTime<Utc> = Berlin
        .from_local_datetime(&start.and_time(t(6, 0)))
        .earliest()
        .map(|x| x.with_timezone(&Utc))
        .ok_or_else(|| anyhow::anyhow!("start time"))?;
    let mut times = Vec::with_capacity(b.searches);
    let mut offers = 0usize;
    let mut done = 0usize;
    while done < b.searches {
        let location = LocationId(rng.random_range(1..=LOCATIONS));
        let mut services = vec![ServiceId(rng.random_range(1..=SERVICES))];
        if rng.random_bool(0.2) {
            services.push(ServiceId(rng.random_range(1..=SERVICES)));
        }
        // A video appointment is only searched for services that can be done by video.
        if need(&catalogue, location, &services).is_err() {
            continue;
        }
        let now = monday + Duration::minutes(rng.random_range(0..7 * 24 * 60));
        let req = Request {
            location,
            services: &services,
            now,
            lead: Duration::hours(1),
        };
        let began = Instant::now();
        let found = free_slots(&catalogue, &agenda, release, &req)?;
        times.push(began.elapsed());
        offers += found.len();
        done += 1;
    }
    times.sort_unstable();
    let ms = |p: f64| -> f64 {
        if times.is_empty() {
            return 0.0;
        }
        let i = ((times.len() as f64 * p).ceil() as usize).clamp(1, times.len()) - 1;
        times[i].as_secs_f64() * 1000.0
    };
    Ok(Report {
        locations: LOCATIONS as usize,
        clerks: (LOCATIONS * CLERKS_PER_LOCATION) as usize,
        services: SERVICES as usize,
        horizon_days: HORIZON_DAYS,
        booked_appointments: booked,
        searches: done,
        mean_offers: if done > 0 {
            offers as f64 / done as f64
        } else {
            0.0
        },
        slot_search_p50_ms: ms(0.5),
        slot_search_p99_ms: ms(0.99),
        slot_search_max_ms: ms(1.0),
    })
}
