//! `[call]`, the section that configures calls, and the portal's part of the whole file:
//! [`PortalConfig`], the sections the portal reads, and [`PortalSettings`], what they yield.
//! The binary's configuration adds the media plane's, the relay's and its own sections.
use serde::{Deserialize, Serialize};
use vamt_booking::config::{BookingConfig, OfficeSettings};
use vamt_documents::config::{DocumentSettings, DocumentsConfig};
use vamt_hearing::config::{HearingConfig, HearingSettings};
use vamt_payments::config::{PaymentSettings, PaymentsConfig};
use vamt_portal_core::config::{ConfigError, HttpConfig, RetentionConfig};
use vamt_portal_storage::config::{
    DatabaseConfig, MailConfig, SecurityConfig, StorageConfig, StorageSettings,
};

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}

/// The sections of the configuration file the portal reads. Unknown sections are left to
/// whoever composes it (the binary refuses them; a test names only these).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct PortalConfig {
    /// `[http]`
    pub http: HttpConfig,
    /// `[storage]`
    pub storage: StorageConfig,
    /// `[database]`
    pub database: DatabaseConfig,
    /// `[mail]`
    pub mail: MailConfig,
    /// `[booking]`
    pub booking: BookingConfig,
    /// `[call]`
    pub call: CallConfig,
    /// `[security]`
    pub security: SecurityConfig,
    /// `[retention]`
    pub retention: RetentionConfig,
    /// `[documents]`
    pub documents: DocumentsConfig,
    /// `[payments]`
    pub payments: PaymentsConfig,
    /// `[hearing]`
    pub hearing: HearingConfig,
}

/// The portal's validated settings.
#[derive(Debug, Clone)]
pub struct PortalSettings {
    /// What the booking office reads (the portal's address, mail, booking, retention).
    pub office: OfficeSettings,
    /// `[call]`.
    pub call: CallSettings,
    /// `[storage]`: the data and key directories.
    pub storage: StorageSettings,
    /// `[database]`: its URL.
    pub database_url: String,
    /// `[security]`, as written: empty secrets are generated at start by the binary.
    pub security: SecurityConfig,
    /// `[documents]`.
    pub documents: DocumentSettings,
    /// `[payments]`, with the providers built.
    pub payments: PaymentSettings,
    /// `[hearing]`.
    pub hearing: HearingSettings,
}

impl PortalConfig {
    /// Checks each section (by its own `validate`, beside the part it configures) and
    /// composes what the portal reads.
    pub fn validate(&self) -> Result<PortalSettings, ConfigError> {
        let http = self.http.validate()?;
        let storage = self.storage.validate()?;
        let database_url = self.database.validate(&storage.data_dir)?;
        let mail = self.mail.validate()?;
        let booking = self.booking.validate()?;
        let call = self.call.validate()?;
        self.security.validate()?;
        let personal_data_retention = self.retention.validate()?;
        let documents = self.documents.validate()?;
        let payments = self.payments.validate()?;
        let hearing = self.hearing.validate()?;
        Ok(PortalSettings {
            documents,
            payments,
            hearing,
            office: OfficeSettings {
                http,
                data_dir: storage.data_dir.clone(),
                mail,
                booking,
                personal_data_retention,
            },
            call,
            storage,
            database_url,
            security: self.security.clone(),
        })
    }
}

/// `[call]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CallConfig {
    /// Lifetime of a room token in seconds. The call page mints one when it loads.
    pub token_ttl_seconds: u64,
    /// How long a participant whose signalling socket dropped keeps its place for `resume`.
    pub resume_grace_seconds: u64,
    /// How many minutes before the appointment the citizen may enter the waiting room.
    pub join_window_minutes: u32,
    /// Seconds a signalling socket has to send `join` (or `resume`) before it is closed.
    pub join_timeout_seconds: u64,
    /// Signalling sockets one client address (IPv6: its /64) may hold at once.
    pub max_sockets_per_address: u32,
}

impl Default for CallConfig {
    fn default() -> Self {
        Self {
            token_ttl_seconds: 600,
            resume_grace_seconds: 30,
            join_window_minutes: 15,
            // signalling::limits::JOIN_DEADLINE; the tests below check the two agree.
            join_timeout_seconds: 10,
            // signalling::limits::MAX_SOCKETS_PER_ADDRESS, checked likewise.
            max_sockets_per_address: 20,
        }
    }
}

/// What `[call]` yields.
#[derive(Debug, Clone)]
pub struct CallSettings {
    /// Room token lifetime.
    pub token_ttl: std::time::Duration,
    /// How long a dropped participant's place is held for a resume.
    pub resume_grace: std::time::Duration,
    /// How long before the appointment the citizen may enter the waiting room.
    pub join_window: chrono::Duration,
    /// How long a signalling socket has to send `join` (or `resume`).
    pub join_timeout: std::time::Duration,
    /// Signalling sockets one client address may hold at once.
    pub max_sockets_per_address: usize,
}

impl CallConfig {
    /// Checks `[call]`.
    pub fn validate(&self) -> Result<CallSettings, ConfigError> {
        if !(1..=600).contains(&self.resume_grace_seconds) {
            return Err(bad(
                "call.resume_grace_seconds",
                "must be between 1 and 600",
            ));
        }
        if !(1..=300).contains(&self.join_timeout_seconds) {
            return Err(bad(
                "call.join_timeout_seconds",
                "must be between 1 and 300",
            ));
        }
        if !(1..=100_000).contains(&self.max_sockets_per_address) {
            return Err(bad(
                "call.max_sockets_per_address",
                "must be between 1 and 100000",
            ));
        }
        if self.join_window_minutes > 10_080 {
            return Err(bad(
                "call.join_window_minutes",
                "must be between 0 and 10080 (a week)",
            ));
        }
        if !(30..=86_400).contains(&self.token_ttl_seconds) {
            return Err(bad(
                "call.token_ttl_seconds",
                "must be between 30 and 86400",
            ));
        }
        Ok(CallSettings {
            token_ttl: std::time::Duration::from_secs(self.token_ttl_seconds),
            join_timeout: std::time::Duration::from_secs(self.join_timeout_seconds),
            max_sockets_per_address: self.max_sockets_per_address as usize,
            resume_grace: std::time::Duration::from_secs(self.resume_grace_seconds),
            join_window: chrono::Duration::minutes(i64::from(self.join_window_minutes)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vamt_portal_core::config::load;

    #[test]
    fn call_limits_default_to_signallings_own() {
        let call = CallConfig::default().validate().expect("defaults");
        assert_eq!(call.join_timeout, vamt_signalling::limits::JOIN_DEADLINE);
        assert_eq!(
            call.max_sockets_per_address,
            vamt_signalling::limits::MAX_SOCKETS_PER_ADDRESS
        );
    }

    #[test]
    fn the_portal_composes_its_sections_and_names_a_bad_key() {
        let s = load::<PortalConfig>(None, json!({}))
            .expect("loads")
            .validate()
            .expect("defaults validate");
        assert_eq!(s.office.http.public_url, "http://localhost:8080");
        assert!(s.database_url.ends_with("vamt.db"));
        assert_eq!(s.office.data_dir, s.storage.data_dir);
        for (overrides, key) in [
            (
                json!({"call": {"resume_grace_seconds": 0}}),
                "call.resume_grace_seconds",
            ),
            (
                json!({"call": {"token_ttl_seconds": 5}}),
                "call.token_ttl_seconds",
            ),
            (
                json!({"retention": {"personal_data_days": 0}}),
                "retention.personal_data_days",
            ),
            (json!({"booking": {"opens": "8"}}), "booking.opens"),
        ] {
            let err = load::<PortalConfig>(None, overrides.clone())
                .expect("loads")
                .validate()
                .expect_err("refused");
            assert_eq!(err.key, key, "for {overrides}");
        }
    }
}
