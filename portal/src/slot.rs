//! The slot engine: free appointment slots from opening hours, capacity and existing
//! bookings. Pure: no I/O, no clock of its own.
use std::collections::HashMap;

use chrono::{
    DateTime, Datelike, Duration, LocalResult, NaiveDate, NaiveTime, TimeZone, Utc, Weekday,
};
use chrono_tz::Tz;

/// A weekly opening-hours rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpeningRule {
    /// Days the office is open.
    pub days: Vec<Weekday>,
    /// Opening time, local.
    pub opens: NaiveTime,
    /// Closing time, local: the last slot ends by then.
    pub closes: NaiveTime,
    /// Slot length.
    pub slot_minutes: u32,
}

/// One bookable slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Slot {
    /// Start, UTC.
    pub start: DateTime<Utc>,
    /// End, UTC.
    pub end: DateTime<Utc>,
    /// Places still free.
    pub free: u32,
}

/// What to search.
#[derive(Debug, Clone)]
pub struct SlotQuery<'a> {
    /// Opening hours.
    pub rule: &'a OpeningRule,
    /// Office time zone.
    pub tz: Tz,
    /// Now.
    pub now: DateTime<Utc>,
    /// Slots must start at least this far ahead of `now`.
    pub lead: Duration,
    /// Days to look ahead, today included.
    pub horizon_days: u32,
    /// Parallel appointments per slot.
    pub capacity: u32,
    /// Booked places per slot start.
    pub taken: &'a HashMap<DateTime<Utc>, u32>,
}

/// The slot starts of one local day, in UTC. Times that do not exist on that day (the hour
/// skipped when clocks go forward) are left out; times that exist twice (clocks go back)
/// count once, at their first occurrence.
pub fn day_slots(
    rule: &OpeningRule,
    tz: Tz,
    date: NaiveDate,
) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    if !rule.days.contains(&date.weekday()) {
        return Vec::new();
    }
    let step = Duration::minutes(i64::from(rule.slot_minutes));
    let mut out = Vec::new();
    let mut t = rule.opens;
    loop {
        let (end_local, overflow) = t.overflowing_add_signed(step);
        if overflow != 0 || end_local > rule.closes {
            break;
        }
        let start = match tz.from_local_datetime(&date.and_time(t)) {
            LocalResult::Single(s) => Some(s),
            LocalResult::Ambiguous(first, _) => Some(first),
            LocalResult::None => None,
        };
        if let Some(start) = start {
            let start = start.with_timezone(&Utc);
            out.push((start, start + step));
        }
        t = end_local;
    }
    out
}

/// Free slots over the horizon, earliest first.
pub fn free_slots(q: &SlotQuery<'_>) -> Vec<Slot> {
    let earliest = q.now + q.lead;
    let today = q.now.with_timezone(&q.tz).date_naive();
    let mut out = Vec::new();
    for offset in 0..q.horizon_days {
        let Some(date) = today.checked_add_signed(Duration::days(i64::from(offset))) else {
            break;
        };
        for (start, end) in day_slots(q.rule, q.tz, date) {
            if start < earliest {
                continue;
            }
            let taken = q.taken.get(&start).copied().unwrap_or(0);
            if taken < q.capacity {
                out.push(Slot {
                    start,
                    end,
                    free: q.capacity - taken,
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;

    fn rule(days: &[Weekday], opens: &str, closes: &str, minutes: u32) -> OpeningRule {
        OpeningRule {
            days: days.to_vec(),
            opens: NaiveTime::parse_from_str(opens, "%H:%M").expect("time"),
            closes: NaiveTime::parse_from_str(closes, "%H:%M").expect("time"),
            slot_minutes: minutes,
        }
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("rfc3339")
            .with_timezone(&Utc)
    }

    #[test]
    fn weekday_slots_fill_opening_hours_and_skip_weekends() {
        let r = rule(
            &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            "08:00",
            "12:00",
            20,
        );
        let taken = HashMap::new();
        // Friday 2026-11-27, 06:00 UTC = 07:00 Berlin.
        let q = SlotQuery {
            rule: &r,
            tz: chrono_tz::Europe::Berlin,
            now: utc("2026-11-27T06:00:00Z"),
            lead: Duration::zero(),
            horizon_days: 4,
            capacity: 1,
            taken: &taken,
        };
        let slots = free_slots(&q);
        // Friday and Monday, 12 slots each; Saturday and Sunday closed.
        assert_eq!(slots.len(), 24);
        assert_eq!(slots[0].start, utc("2026-11-27T07:00:00Z"));
        assert_eq!(slots[11].end, utc("2026-11-27T11:00:00Z"));
        assert_eq!(slots[12].start, utc("2026-11-30T07:00:00Z"));
    }

    #[test]
    fn lead_time_and_past_slots_are_excluded() {
        let r = rule(&[Weekday::Fri], "08:00", "12:00", 30);
        let taken = HashMap::new();
        let q = SlotQuery {
            rule: &r,
            tz: chrono_tz::Europe::Berlin,
            now: utc("2026-11-27T08:10:00Z"), // 09:10 local
            lead: Duration::minutes(60),
            horizon_days: 1,
            capacity: 1,
            taken: &taken,
        };
        let slots = free_slots(&q);
        // First start at or after 10:10 local is 10:30 local = 09:30 UTC.
        assert_eq!(
            slots.first().map(|s| s.start),
            Some(utc("2026-11-27T09:30:00Z"))
        );
        assert_eq!(slots.len(), 3);
    }

    #[test]
    fn capacity_counts_existing_bookings() {
        let r = rule(&[Weekday::Fri], "08:00", "09:00", 30);
        let mut taken = HashMap::new();
        taken.insert(utc("2026-11-27T07:00:00Z"), 2);
        taken.insert(utc("2026-11-27T07:30:00Z"), 1);
        let q = SlotQuery {
            rule: &r,
            tz: chrono_tz::Europe::Berlin,
            now: utc("2026-11-26T00:00:00Z"),
            lead: Duration::zero(),
            horizon_days: 2,
            capacity: 2,
            taken: &taken,
        };
        let slots = free_slots(&q);
        assert_eq!(slots.len(), 1);
        assert_eq!(slots[0].start, utc("2026-11-27T07:30:00Z"));
        assert_eq!(slots[0].free, 1);
    }

    #[test]
    fn spring_forward_skips_the_missing_hour() {
        // 2026-03-29: clocks in Berlin jump from 02:00 to 03:00.
        let r = rule(&[Weekday::Sun], "01:00", "04:00", 30);
        let date = NaiveDate::from_ymd_opt(2026, 3, 29).expect("date");
        let slots = day_slots(&r, chrono_tz::Europe::Berlin, date);
        let local: Vec<u32> = slots
            .iter()
            .map(|(s, _)| {
                s.with_timezone(&chrono_tz::Europe::Berlin).hour() * 100
                    + s.with_timezone(&chrono_tz::Europe::Berlin).minute()
            })
            .collect();
        assert_eq!(local, vec![100, 130, 300, 330]);
    }

    #[test]
    fn fall_back_counts_the_repeated_hour_once() {
        // 2026-10-25: clocks in Berlin go back from 03:00 to 02:00.
        let r = rule(&[Weekday::Sun], "01:00", "04:00", 60);
        let date = NaiveDate::from_ymd_opt(2026, 10, 25).expect("date");
        let slots = day_slots(&r, chrono_tz::Europe::Berlin, date);
        assert_eq!(slots.len(), 3);
        // 02:00 local is taken at its first occurrence (CEST, UTC+2) = 00:00 UTC.
        assert_eq!(slots[1].0, utc("2026-10-25T00:00:00Z"));
        assert!(slots.windows(2).all(|w| w[0].0 < w[1].0));
    }
}
