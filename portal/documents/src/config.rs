//! `[documents]`, the section that configures the case record's files.
use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;

/// `[documents]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentsConfig {
    /// The largest file either side may hand over, in megabytes (10^6 bytes).
    pub max_file_mb: u32,
    /// Hours an upload that never completed is kept for its sender to resume it.
    pub resume_hours: u32,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            // A scanned multi-page form at 300 dpi is 5 to 15 MB.
            max_file_mb: 20,
            resume_hours: 24,
        }
    }
}

/// What `[documents]` yields.
#[derive(Debug, Clone)]
pub struct DocumentSettings {
    /// The largest file, in bytes.
    pub max_file_bytes: u64,
    /// How long an unfinished upload is kept.
    pub resume_for: chrono::Duration,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        DocumentsConfig::default()
            .validate()
            .unwrap_or_else(|_| unreachable!("the defaults are valid"))
    }
}

impl DocumentsConfig {
    /// Checks `[documents]`.
    pub fn validate(&self) -> Result<DocumentSettings, ConfigError> {
        if !(1..=500).contains(&self.max_file_mb) {
            return Err(ConfigError::new(
                "documents.max_file_mb",
                "must be between 1 and 500",
            ));
        }
        if !(1..=720).contains(&self.resume_hours) {
            return Err(ConfigError::new(
                "documents.resume_hours",
                "must be between 1 and 720 (30 days)",
            ));
        }
        Ok(DocumentSettings {
            max_file_bytes: u64::from(self.max_file_mb) * 1_000_000,
            resume_for: chrono::Duration::hours(i64::from(self.resume_hours)),
        })
    }
}
