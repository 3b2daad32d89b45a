//! The sections that configure storage: `[storage]` (where files and keys live),
//! `[database]`, `[mail]` (how mails leave) and `[security]` (the keys). The binary composes
//! them with the others into the whole file (`vamt_portal_core::config` has the loader).
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}

/// `[storage]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Directory for the SQLite database and the outbox.
    pub data_dir: PathBuf,
    /// Directory for the generated keys, apart from the data (a backup of the data must
    /// not carry the key to its own ciphertext). Empty: `<data_dir>-keys` beside it.
    pub key_dir: PathBuf,
}

impl Default for StorageConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("./data"),
            key_dir: PathBuf::new(),
        }
    }
}

/// What `[storage]` yields.
#[derive(Debug, Clone)]
pub struct StorageSettings {
    /// Data directory.
    pub data_dir: PathBuf,
    /// Key directory (generated keys), never inside the data directory.
    pub key_dir: PathBuf,
}

impl StorageConfig {
    /// The data directory and the key directory.
    pub fn validate(&self) -> Result<StorageSettings, ConfigError> {
        let data_dir = self.data_dir.clone();
        if data_dir.as_os_str().is_empty() {
            return Err(bad("storage.data_dir", "must not be empty"));
        }
        let key_dir = if self.key_dir.as_os_str().is_empty() {
            let mut name = data_dir
                .file_name()
                .map(|n| n.to_os_string())
                .unwrap_or_else(|| "data".into());
            name.push("-keys");
            data_dir.with_file_name(name)
        } else {
            self.key_dir.clone()
        };
        if key_dir.starts_with(&data_dir) {
            return Err(bad(
                "storage.key_dir",
                "must not lie inside storage.data_dir (a backup of the data would carry its key)",
            ));
        }
        Ok(StorageSettings { data_dir, key_dir })
    }
}

/// `[database]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `sqlite://…` or `postgres://…` URL. Empty: `<data_dir>/vamt.db`.
    pub url: String,
}

impl DatabaseConfig {
    /// The database URL; the default lies in `data_dir`.
    pub fn validate(&self, data_dir: &Path) -> Result<String, ConfigError> {
        if self.url.is_empty() {
            Ok(format!("sqlite://{}", data_dir.join("vamt.db").display()))
        } else if vamt_portal_core::sql::Engine::of(&self.url).is_some() {
            Ok(self.url.clone())
        } else {
            Err(bad(
                "database.url",
                "must be a sqlite:// or postgres:// URL",
            ))
        }
    }
}

/// `[mail]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// SMTP server URL (`smtp://host:25`, `smtp://host:587?tls=required`,
    /// `smtps://user:pass@host:465`). Empty: mails are written to `<data_dir>/outbox/`.
    pub smtp_url: String,
    /// The sender address.
    pub from: String,
    /// Hours before an appointment the reminder mail goes out; 0: none.
    pub reminder_hours: u32,
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: String::new(),
            from: "Virtuelles Bürgeramt <noreply@localhost>".into(),
            reminder_hours: 24,
        }
    }
}

/// What `[mail]` yields.
#[derive(Debug, Clone)]
pub struct MailSettings {
    /// SMTP URL; `None`: mails go to the outbox folder.
    pub smtp_url: Option<String>,
    /// Sender mailbox.
    pub from: lettre::message::Mailbox,
    /// How long before an appointment its reminder goes out; `None`: no reminders.
    pub reminder_lead: Option<chrono::Duration>,
}

impl MailConfig {
    /// Checks `[mail]`.
    pub fn validate(&self) -> Result<MailSettings, ConfigError> {
        let smtp_url = if self.smtp_url.is_empty() {
            None
        } else {
            let u = &self.smtp_url;
            if !(u.starts_with("smtp://") || u.starts_with("smtps://")) {
                return Err(bad("mail.smtp_url", "must start with smtp:// or smtps://"));
            }
            Some(u.clone())
        };
        if self.reminder_hours > 168 {
            return Err(bad(
                "mail.reminder_hours",
                "must be between 0 (no reminders) and 168 (a week)",
            ));
        }
        let from = self.from.parse().map_err(|_| {
            bad(
                "mail.from",
                "must be a mailbox, e.g. \"Bürgeramt <noreply@example.org>\"",
            )
        })?;
        Ok(MailSettings {
            smtp_url,
            from,
            reminder_lead: (self.reminder_hours > 0)
                .then(|| chrono::Duration::hours(i64::from(self.reminder_hours))),
        })
    }
}

/// `[security]`
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SecurityConfig {
    /// Secret (≥ 32 characters) that signs room tokens. Empty: a random one is generated on
    /// first start and kept in `<key_dir>/token.key`. Set it when several portals must
    /// accept each other's tokens.
    pub token_secret: String,
    /// Key (64 hex characters) that encrypts personal data at rest. Empty: generated on
    /// first start and kept in `<key_dir>/data.key`. Losing it makes stored names and
    /// addresses unreadable: back it up apart from the database.
    pub data_key: String,
}

impl SecurityConfig {
    /// Checks the secrets' form; empty ones are generated at start.
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !self.token_secret.is_empty() && self.token_secret.len() < 32 {
            return Err(bad(
                "security.token_secret",
                "must be at least 32 characters (or empty to generate one)",
            ));
        }
        if !self.data_key.is_empty() && parse_data_key(&self.data_key).is_none() {
            return Err(bad(
                "security.data_key",
                "must be 64 hexadecimal characters (or empty to generate one)",
            ));
        }
        Ok(())
    }
}

/// The 32-byte data key of `security.data_key`, from its 64 hexadecimal characters.
pub fn parse_data_key(hex_key: &str) -> Option<[u8; 32]> {
    hex::decode(hex_key.trim()).ok()?.try_into().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use vamt_portal_core::config::load;

    #[test]
    fn the_key_directory_lies_beside_the_data_not_inside_it() {
        let s = StorageConfig::default().validate().expect("defaults");
        assert_eq!(s.key_dir, PathBuf::from("./data-keys"));
        let inside = load::<StorageConfig>(None, json!({"key_dir": "./data/keys"}))
            .expect("loads")
            .validate()
            .expect_err("refused");
        assert_eq!(inside.key, "storage.key_dir");
        let url = DatabaseConfig::default()
            .validate(&s.data_dir)
            .expect("default database");
        assert!(
            url.starts_with("sqlite://") && url.ends_with("vamt.db"),
            "{url}"
        );
        let err = load::<DatabaseConfig>(None, json!({"url": "mysql://x"}))
            .expect("loads")
            .validate(&s.data_dir)
            .expect_err("refused");
        assert_eq!(err.key, "database.url");
    }

    #[test]
    fn mail_and_keys_are_checked_by_name() {
        let cases = [
            (json!({"reminder_hours": 200}), "mail.reminder_hours"),
            (json!({"smtp_url": "http://x"}), "mail.smtp_url"),
            (json!({"from": "not a mailbox"}), "mail.from"),
        ];
        for (overrides, key) in cases {
            let err = load::<MailConfig>(None, overrides.clone())
                .expect("loads")
                .validate()
                .expect_err("refused");
            assert_eq!(err.key, key, "for {overrides}");
        }
        let ok = MailConfig::default().validate().expect("defaults");
        assert_eq!(ok.reminder_lead, Some(chrono::Duration::hours(24)));
        for (overrides, key) in [
            (json!({"token_secret": "short"}), "security.token_secret"),
            (json!({"data_key": "abc"}), "security.data_key"),
        ] {
            let err = load::<SecurityConfig>(None, overrides)
                .expect("loads")
                .validate()
                .expect_err("refused");
            assert_eq!(err.key, key);
        }
        assert!(parse_data_key(&"ab".repeat(32)).is_some());
    }
}
