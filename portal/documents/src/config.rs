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
    /// Days a result's download link works; then the case's files are erased.
    pub download_days: u32,
    /// PEM certificate (chain) of the authority's seal. Empty: a demo seal is generated on
    /// first start into the key directory, clearly marked as not valid for official use.
    pub seal_cert: std::path::PathBuf,
    /// PEM private key (PKCS#8, P-256) of the seal.
    pub seal_key: std::path::PathBuf,
}

impl Default for DocumentsConfig {
    fn default() -> Self {
        Self {
            // A scanned multi-page form at 300 dpi is 5 to 15 MB.
            max_file_mb: 20,
            resume_hours: 24,
            download_days: 14,
            seal_cert: std::path::PathBuf::new(),
            seal_key: std::path::PathBuf::new(),
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
    /// How long a download link works.
    pub download_for: chrono::Duration,
    /// The seal's certificate and key files, if configured (else a demo seal).
    pub seal: Option<(std::path::PathBuf, std::path::PathBuf)>,
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
        if !(1..=365).contains(&self.download_days) {
            return Err(ConfigError::new(
                "documents.download_days",
                "must be between 1 and 365",
            ));
        }
        let seal = match (
            self.seal_cert.as_os_str().is_empty(),
            self.seal_key.as_os_str().is_empty(),
        ) {
            (true, true) => None,
            (false, false) => Some((self.seal_cert.clone(), self.seal_key.clone())),
            _ => return Err(ConfigError::new(
                "documents.seal_cert",
                "documents.seal_cert and documents.seal_key go together (or neither: a demo seal)",
            )),
        };
        Ok(DocumentSettings {
            max_file_bytes: u64::from(self.max_file_mb) * 1_000_000,
            resume_for: chrono::Duration::hours(i64::from(self.resume_hours)),
            download_for: chrono::Duration::days(i64::from(self.download_days)),
            seal,
        })
    }
}
