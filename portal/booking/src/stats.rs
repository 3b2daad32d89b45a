//! Utilisation statistics for the office's management: how much of the offered clerk time
//! is booked (over the bookable horizon), which services are asked for most (the last 30
//! days), and how many booked citizens did not come. A page for clerks and Prometheus
//! gauges, refreshed by a job.
use std::future::Future;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, Utc};

use crate::catalogue;
use crate::config::OfficeSettings as Settings;
use vamt_portal_core::schedule::{self, LocationId};
use vamt_portal_storage::db::{parse_ts, ts, Db};

/// How far back requests and no-shows are counted.
pub const LOOKBACK_DAYS: i64 = 30;

/// One location's booked share.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Utilisation {
    /// Stable name.
    pub slug: String,
    /// The office's name.
    pub name: String,
    /// Clerk minutes offered over the horizon (working hours within opening hours).
    pub offered_minutes: i64,
    /// Of those, booked (appointments and their buffers).
    pub booked_minutes: i64,
    /// booked ÷ offered, 0 when nothing is offered.
    pub share: f64,
}

/// How often a service was asked for.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Requested {
    /// The service.
    pub slug: String,
    /// Bookings made for it (whatever became of them).
    pub bookings: i64,
}

/// The figures.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Stats {
    /// Per location with clerks.
    pub utilisation: Vec<Utilisation>,
    /// Most asked for first.
    pub requested: Vec<Requested>,
    /// Confirmed appointments that have begun, in the look-back window.
    pub past: i64,
    /// Of those, marked as missed.
    pub no_shows: i64,
    /// no_shows ÷ past, 0 without any.
    pub no_show_rate: f64,
}

/// A booking's blocked span, as the utilisation query reads it.
#[derive(sqlx::FromRow)]
struct BlockRow {
    starts_at: String,
    blocked_until: String,
}

/// A service and how often it was booked, as the requested query reads it.
#[derive(sqlx::FromRow)]
struct RequestedRow {
    slug: String,
    n: i64,
}

/// Past appointments and the missed among them.
#[derive(sqlx::FromRow)]
struct AttendanceRow {
    past: i64,
    no_shows: i64,
}

/// Computes the figures at `now`.
pub async fn compute(db: &Db, s: &Settings, now: DateTime<Utc>) -> Result<Stats, sqlx::Error> {
    let cat = catalogue::load(db).await?;
    let mut utilisation = Vec::new();
    for loc in catalogue::locations(db).await? {
        let Some(l) = cat.location(LocationId(loc.id)) else {
            continue;
        };
        let local = now.with_timezone(&l.tz);
        let today = local.date_naive();
        let Some(last) = s.booking.release.last_day(today, local.time()) else {
            continue;
        };
        let offered = schedule::capacity(&cat, LocationId(loc.id), today, last).num_minutes();
        if offered == 0 {
            continue;
        }
        let rows = sqlx::query_as::<_, BlockRow>(
            "SELECT starts_at, blocked_until FROM bookings WHERE state <> 'cancelled' AND location_id = $1 AND starts_at >= $2",
        )
        .bind(loc.id)
        .bind(ts(now - Duration::days(1)))
        .fetch_all(db.pool())
        .await?;
        let booked: i64 = rows
            .iter()
            .filter_map(|r| {
                let start = parse_ts(&r.starts_at)?;
                let until = parse_ts(&r.blocked_until)?;
                let day = start.with_timezone(&l.tz).date_naive();
                (day >= today && day <= last).then(|| (until - start).num_minutes())
            })
            .sum();
        utilisation.push(Utilisation {
            slug: loc.slug,
            name: loc.name,
            offered_minutes: offered,
            booked_minutes: booked,
            share: booked as f64 / offered as f64,
        });
    }
    let since = ts(now - Duration::days(LOOKBACK_DAYS));
    let requested = sqlx::query_as::<_, RequestedRow>(
        "SELECT s.slug AS slug, COUNT(*) AS n FROM bookings b JOIN services s ON s.id = b.service_id \
         WHERE b.created_at >= $1 AND b.channel <> 'demo' GROUP BY s.slug ORDER BY n DESC, s.slug",
    )
    .bind(&since)
    .fetch_all(db.pool())
    .await?
    .iter()
    .map(|r| Requested {
        slug: r.slug.clone(),
        bookings: r.n,
    })
    .collect();
    let row = sqlx::query_as::<_, AttendanceRow>(
        "SELECT COUNT(*) AS past, COALESCE(SUM(CASE WHEN attendance = 'no_show' THEN 1 ELSE 0 END), 0) AS no_shows FROM bookings \
         WHERE state = 'confirmed' AND starts_at >= $1 AND starts_at <= $2 AND channel <> 'demo'",
    )
    .bind(&since)
    .bind(ts(now))
    .fetch_one(db.pool())
    .await?;
    let (past, no_shows) = (row.past, row.no_shows);
    Ok(Stats {
        utilisation,
        requested,
        past,
        no_shows,
        no_show_rate: if past > 0 {
            no_shows as f64 / past as f64
        } else {
            0.0
        },
    })
}

/// Puts the figures into the gauges.
pub fn publish(m: &crate::metrics::BookingMetrics, stats: &Stats) {
    for u in &stats.utilisation {
        m.utilisation.with_label_values(&[&u.slug]).set(u.share);
    }
    m.requested.reset();
    for r in &stats.requested {
        m.requested
            .with_label_values(&[&r.slug])
            .set(r.bookings as f64);
    }
    m.no_show_ratio.set(stats.no_show_rate);
}

/// How often the gauges are refreshed.
pub const INTERVAL: StdDuration = StdDuration::from_secs(300);

/// Refreshes the gauges now and every [`INTERVAL`] until `stop` completes.
pub async fn run(st: std::sync::Arc<crate::Office>, stop: impl Future<Output = ()>) {
    vamt_portal_storage::job::every("stats", INTERVAL, stop, || async {
        let stats = compute(&st.db, &st.settings, st.now()).await?;
        publish(&st.metrics, &stats);
        Ok::<u64, sqlx::Error>(0)
    })
    .await;
}
