//! `[booking]`, the section that configures the booking office, and [`OfficeSettings`]: what
//! the office reads of the whole configuration (its own section and the shared ones it
//! links, files and mails by).
use std::path::PathBuf;

use chrono::Weekday;
use serde::{Deserialize, Serialize};
use vamt_portal_core::config::{parse_time, ConfigError, HttpSettings};
use vamt_portal_core::schedule::{OpeningRule, Release};
use vamt_portal_storage::config::MailSettings;

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}

/// What the booking office reads of the configuration.
#[derive(Debug, Clone)]
pub struct OfficeSettings {
    /// `[http]`: the portal's address, which mails and calendar files link to.
    pub http: HttpSettings,
    /// The data directory (`[storage]`): the outbox folder lies in it.
    pub data_dir: PathBuf,
    /// `[mail]`.
    pub mail: MailSettings,
    /// `[booking]`.
    pub booking: BookingSettings,
    /// `[retention]`: how long personal data is kept after an appointment.
    pub personal_data_retention: chrono::Duration,
}

impl OfficeSettings {
    /// The portal's address for `segments` with `query` (see [`HttpSettings::link`]).
    pub fn link(&self, segments: &[&str], query: &[(&str, &str)]) -> String {
        self.http.link(segments, query)
    }
}

/// `[booking]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct BookingConfig {
    /// IANA time zone of the office.
    pub timezone: String,
    /// Weekdays with opening hours (`mon` … `sun`).
    pub days: Vec<String>,
    /// Opening time, `HH:MM` local.
    pub opens: String,
    /// Closing time, `HH:MM` local; the last slot ends by then.
    pub closes: String,
    /// The appointment grid in minutes (a multiple of 5).
    pub slot_minutes: u32,
    /// How many days ahead slots are offered.
    pub horizon_days: u32,
    /// Local time, `HH:MM`, at which each day the day `horizon_days` ahead is released.
    pub release_time: String,
    /// How many minutes ahead of now a slot must start to be bookable.
    pub lead_minutes: u32,
    /// Upcoming appointments one e-mail address may hold at once.
    pub max_per_email: u32,
    /// Minutes a new booking is held for its citizen to confirm it from the e-mail.
    pub confirm_minutes: u32,
    /// Booking attempts one client address may make per hour.
    pub max_per_ip_hour: u32,
    /// Of those, how many may come without a proof of work (browsers without JavaScript).
    pub unproven_per_ip_hour: u32,
    /// Unconfirmed bookings and waiting-list entries one client address may make within
    /// `confirm_minutes` (they do not count against the e-mail address they name).
    pub holds_per_client: u32,
    /// Opt-in mails (bookings and waiting lists) one e-mail address may be sent per hour.
    pub optin_mails_per_address_hour: u32,
    /// The proof of work's range: the browser tries up to this many hashes.
    pub pow_max_number: u64,
    /// Minutes a freed time is held for the first on the waiting list.
    pub waitlist_hold_minutes: u32,
}

impl Default for BookingConfig {
    fn default() -> Self {
        Self {
            timezone: "Europe/Berlin".into(),
            days: ["mon", "tue", "wed", "thu", "fri"]
                .map(String::from)
                .to_vec(),
            opens: "08:00".into(),
            closes: "16:00".into(),
            slot_minutes: 20,
            horizon_days: 14,
            release_time: "00:00".into(),
            lead_minutes: 60,
            max_per_email: 2,
            confirm_minutes: 30,
            max_per_ip_hour: 20,
            unproven_per_ip_hour: 3,
            // A family books for several members from one connection; a hoarder wants dozens.
            holds_per_client: 5,
            optin_mails_per_address_hour: 3,
            pow_max_number: 50_000,
            waitlist_hold_minutes: 120,
        }
    }
}

/// What `[booking]` yields: the office's zone, its first opening hours, and the rules and
/// limits of booking.
#[derive(Debug, Clone)]
pub struct BookingSettings {
    /// Office time zone.
    pub timezone: chrono_tz::Tz,
    /// The virtual office's opening hours on a first start (then they live in the
    /// database's catalogue).
    pub opening: OpeningRule,
    /// Booking horizon and the daily release of new days.
    pub release: Release,
    /// Minimum lead time.
    pub lead: chrono::Duration,
    /// How long a new booking waits for its confirmation (double opt-in).
    pub confirm_within: chrono::Duration,
    /// How long a freed time is held for the first on the waiting list.
    pub waitlist_hold: chrono::Duration,
    /// `booking.max_per_email`.
    pub max_per_email: u32,
    /// `booking.max_per_ip_hour`.
    pub max_per_ip_hour: u32,
    /// `booking.unproven_per_ip_hour`.
    pub unproven_per_ip_hour: u32,
    /// `booking.holds_per_client`.
    pub holds_per_client: u32,
    /// `booking.optin_mails_per_address_hour`.
    pub optin_mails_per_address_hour: u32,
    /// `booking.pow_max_number`.
    pub pow_max_number: u64,
}

impl BookingConfig {
    /// Checks `[booking]` and derives its times.
    pub fn validate(&self) -> Result<BookingSettings, ConfigError> {
        let timezone: chrono_tz::Tz = self.timezone.parse().map_err(|_| {
            bad(
                "booking.timezone",
                "must be an IANA time zone, e.g. Europe/Berlin",
            )
        })?;
        let mut days = Vec::new();
        for d in &self.days {
            let day = parse_weekday(d).ok_or_else(|| {
                bad(
                    "booking.days",
                    format!("{d:?} is not one of mon, tue, wed, thu, fri, sat, sun"),
                )
            })?;
            days.push(day);
        }
        let opens = parse_time(&self.opens).ok_or_else(|| bad("booking.opens", "must be HH:MM"))?;
        let closes =
            parse_time(&self.closes).ok_or_else(|| bad("booking.closes", "must be HH:MM"))?;
        if closes <= opens {
            return Err(bad("booking.closes", "must be later than booking.opens"));
        }
        if !(5..=240).contains(&self.slot_minutes) || !self.slot_minutes.is_multiple_of(5) {
            return Err(bad(
                "booking.slot_minutes",
                "must be a multiple of 5 between 5 and 240",
            ));
        }
        let release_at = parse_time(&self.release_time)
            .ok_or_else(|| bad("booking.release_time", "must be HH:MM"))?;
        if !(1..=366).contains(&self.horizon_days) {
            return Err(bad("booking.horizon_days", "must be between 1 and 366"));
        }
        if !(5..=1440).contains(&self.confirm_minutes) {
            return Err(bad("booking.confirm_minutes", "must be between 5 and 1440"));
        }
        if !(1..=100_000).contains(&self.max_per_ip_hour) {
            return Err(bad(
                "booking.max_per_ip_hour",
                "must be between 1 and 100000",
            ));
        }
        if self.unproven_per_ip_hour > self.max_per_ip_hour {
            return Err(bad(
                "booking.unproven_per_ip_hour",
                "must be between 0 and booking.max_per_ip_hour",
            ));
        }
        if !(10..=2880).contains(&self.waitlist_hold_minutes) {
            return Err(bad(
                "booking.waitlist_hold_minutes",
                "must be between 10 and 2880",
            ));
        }
        if !(1..=1000).contains(&self.optin_mails_per_address_hour) {
            return Err(bad(
                "booking.optin_mails_per_address_hour",
                "must be between 1 and 1000",
            ));
        }
        if !(1..=1000).contains(&self.holds_per_client) {
            return Err(bad(
                "booking.holds_per_client",
                "must be between 1 and 1000",
            ));
        }
        if !(100..=10_000_000).contains(&self.pow_max_number) {
            return Err(bad(
                "booking.pow_max_number",
                "must be between 100 and 10000000",
            ));
        }
        if !(1..=50).contains(&self.max_per_email) {
            return Err(bad("booking.max_per_email", "must be between 1 and 50"));
        }
        Ok(BookingSettings {
            timezone,
            opening: OpeningRule {
                days,
                opens,
                closes,
                slot_minutes: self.slot_minutes,
            },
            release: Release {
                horizon_days: self.horizon_days,
                at: release_at,
            },
            lead: chrono::Duration::minutes(i64::from(self.lead_minutes)),
            confirm_within: chrono::Duration::minutes(i64::from(self.confirm_minutes)),
            waitlist_hold: chrono::Duration::minutes(i64::from(self.waitlist_hold_minutes)),
            max_per_email: self.max_per_email,
            max_per_ip_hour: self.max_per_ip_hour,
            unproven_per_ip_hour: self.unproven_per_ip_hour,
            holds_per_client: self.holds_per_client,
            optin_mails_per_address_hour: self.optin_mails_per_address_hour,
            pow_max_number: self.pow_max_number,
        })
    }
}

fn parse_weekday(s: &str) -> Option<Weekday> {
    Some(match s {
        "mon" => Weekday::Mon,
        "tue" => Weekday::Tue,
        "wed" => Weekday::Wed,
        "thu" => Weekday::Thu,
        "fri" => Weekday::Fri,
        "sat" => Weekday::Sat,
        "sun" => Weekday::Sun,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vamt_portal_core::config::load;

    #[test]
    fn bad_values_name_their_key() {
        let cases = [
            (json!({"opens": "25:00"}), "booking.opens"),
            (
                json!({"opens": "16:00", "closes": "08:00"}),
                "booking.closes",
            ),
            (json!({"days": ["mon", "funday"]}), "booking.days"),
            (json!({"timezone": "Mars/Olympus"}), "booking.timezone"),
            (json!({"slot_minutes": 7}), "booking.slot_minutes"),
            (
                json!({"max_per_ip_hour": 2, "unproven_per_ip_hour": 3}),
                "booking.unproven_per_ip_hour",
            ),
        ];
        for (overrides, key) in cases {
            let err = load::<BookingConfig>(None, overrides.clone())
                .expect("loads")
                .validate()
                .expect_err("must be refused");
            assert_eq!(err.key, key, "for {overrides}");
        }
    }

    #[test]
    fn defaults_give_a_weekday_office_in_berlin() {
        let s = BookingConfig::default()
            .validate()
            .expect("defaults validate");
        assert_eq!(s.timezone, chrono_tz::Europe::Berlin);
        assert_eq!(s.opening.days.len(), 5);
        assert_eq!(s.opening.slot_minutes, 20);
        assert_eq!(s.waitlist_hold, chrono::Duration::hours(2));
    }
}
