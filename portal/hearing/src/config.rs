//! `[hearing]`, the section that configures the online hearing.
use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;

/// `[hearing]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HearingConfig {
    /// Minutes a citizen's hearing session lasts without activity.
    pub session_minutes: u32,
    /// Days a case's personal data is kept after it was processed or its deadline passed,
    /// whichever is later; then it is erased.
    pub retention_days: u32,
    /// The largest document a citizen may upload, in megabytes (10^6 bytes).
    pub max_upload_mb: u32,
    /// The most documents per case.
    pub max_uploads: u32,
    /// The sender's lines at the top of letters and receipts: the authority's name (set in
    /// bold), its department, its address. Empty: the portal's name.
    pub letterhead: Vec<String>,
    /// Lines at the bottom of every page of letters and receipts (contact, office hours).
    pub footer: Vec<String>,
}

impl Default for HearingConfig {
    fn default() -> Self {
        Self {
            // Long enough to read the case and write a statement; the page warns before.
            session_minutes: 30,
            // The office's case system keeps the record; vamt keeps it until the export is
            // surely taken (about three months).
            retention_days: 90,
            max_upload_mb: 10,
            max_uploads: 10,
            letterhead: Vec::new(),
            footer: Vec::new(),
        }
    }
}

/// What `[hearing]` yields.
#[derive(Debug, Clone)]
pub struct HearingSettings {
    /// How long a session lasts.
    pub session_for: chrono::Duration,
    /// How long personal data stays after the case is done.
    pub retain_for: chrono::Duration,
    /// The largest upload, in bytes.
    pub max_upload_bytes: u64,
    /// The most uploads per case.
    pub max_uploads: u32,
    /// The letters' and receipts' sender lines (empty: the portal's name).
    pub letterhead: Vec<String>,
    /// Their footer lines.
    pub footer: Vec<String>,
}

impl Default for HearingSettings {
    fn default() -> Self {
        HearingConfig::default()
            .validate()
            .unwrap_or_else(|_| unreachable!("the defaults are valid"))
    }
}

impl HearingConfig {
    /// Checks `[hearing]`.
    pub fn validate(&self) -> Result<HearingSettings, ConfigError> {
        if !(5..=240).contains(&self.session_minutes) {
            return Err(ConfigError::new(
                "hearing.session_minutes",
                "must be between 5 and 240",
            ));
        }
        if !(1..=3650).contains(&self.retention_days) {
            return Err(ConfigError::new(
                "hearing.retention_days",
                "must be between 1 and 3650",
            ));
        }
        if !(1..=100).contains(&self.max_upload_mb) {
            return Err(ConfigError::new(
                "hearing.max_upload_mb",
                "must be between 1 and 100",
            ));
        }
        if !(1..=50).contains(&self.max_uploads) {
            return Err(ConfigError::new(
                "hearing.max_uploads",
                "must be between 1 and 50",
            ));
        }
        Ok(HearingSettings {
            session_for: chrono::Duration::minutes(i64::from(self.session_minutes)),
            retain_for: chrono::Duration::days(i64::from(self.retention_days)),
            max_upload_bytes: u64::from(self.max_upload_mb) * 1_000_000,
            max_uploads: self.max_uploads,
            letterhead: self.letterhead.clone(),
            footer: self.footer.clone(),
        })
    }
}
