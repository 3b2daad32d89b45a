//! The whole configuration file of `vamt`: each section is defined and checked beside the
//! part it configures (the portal's in its crates, `[media]` in `media.rs`, `[turn]` in
//! `turn.rs`), and composed here, with the process's own `[log]` and `[metrics]`.
//! `docs/configuration.md` documents every key; a test keeps the two in step.
use std::net::SocketAddr;
use std::path::Path;

use serde::{Deserialize, Serialize};
use vamt_booking::config::BookingConfig;
use vamt_documents::config::DocumentsConfig;
use vamt_hearing::config::HearingConfig;
use vamt_payments::config::PaymentsConfig;
use vamt_portal::config::{CallConfig, PortalConfig, PortalSettings};
use vamt_portal_core::config::{ConfigError, HttpConfig, RetentionConfig};
use vamt_portal_storage::config::{DatabaseConfig, MailConfig, SecurityConfig, StorageConfig};

use crate::media::{MediaConfig, MediaSettings};
use crate::turn::{TurnConfig, TurnSettings};

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}

/// The whole configuration.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The web portal.
    pub http: HttpConfig,
    /// The media server (SFU).
    pub media: MediaConfig,
    /// The STUN/TURN server.
    pub turn: TurnConfig,
    /// Where files live.
    pub storage: StorageConfig,
    /// The database.
    pub database: DatabaseConfig,
    /// Outgoing e-mail.
    pub mail: MailConfig,
    /// Opening hours and slots.
    pub booking: BookingConfig,
    /// Calls.
    pub call: CallConfig,
    /// Secrets.
    pub security: SecurityConfig,
    /// Deletion of personal data.
    pub retention: RetentionConfig,
    /// The case record's files.
    pub documents: DocumentsConfig,
    /// `[payments]`
    pub payments: PaymentsConfig,
    /// `[hearing]`: the online hearing.
    pub hearing: HearingConfig,
    /// Logging.
    pub log: LogConfig,
    /// The operators' listener: metrics and health.
    pub metrics: MetricsConfig,
}

/// The configuration after validation.
#[derive(Debug, Clone)]
pub struct Settings {
    /// What the portal reads.
    pub portal: PortalSettings,
    /// `[media]`.
    pub media: MediaSettings,
    /// `[turn]`.
    pub turn: TurnSettings,
    /// The metrics listener, if any.
    pub metrics_listen: Option<SocketAddr>,
    /// The raw configuration it came from (secrets, logging, `vamt config check`).
    pub raw: Config,
}

impl Config {
    /// Reads defaults, then `file` (if any), then `VAMT_*` variables, then `overrides`.
    pub fn load(file: Option<&Path>, overrides: serde_json::Value) -> Result<Config, ConfigError> {
        vamt_portal_core::config::load(file, overrides)
    }

    /// A copy safe to print or log: secrets and the SMTP password are replaced.
    pub fn redacted(&self) -> Config {
        const HIDDEN: &str = "<redacted>";
        let mut c = self.clone();
        if !c.turn.secret.is_empty() {
            c.turn.secret = HIDDEN.into();
        }
        if !c.security.token_secret.is_empty() {
            c.security.token_secret = HIDDEN.into();
        }
        if !c.security.data_key.is_empty() {
            c.security.data_key = HIDDEN.into();
        }
        // smtp://user:password@host → smtp://user:<redacted>@host
        if let Some((scheme, rest)) = c.mail.smtp_url.split_once("://") {
            if let Some((userinfo, host)) = rest.split_once('@') {
                if let Some((user, _)) = userinfo.split_once(':') {
                    c.mail.smtp_url = format!("{scheme}://{user}:{HIDDEN}@{host}");
                }
            }
        }
        c
    }

    /// The sections the portal reads.
    pub fn portal(&self) -> PortalConfig {
        PortalConfig {
            http: self.http.clone(),
            storage: self.storage.clone(),
            database: self.database.clone(),
            mail: self.mail.clone(),
            booking: self.booking.clone(),
            call: self.call.clone(),
            security: self.security.clone(),
            retention: self.retention.clone(),
            documents: self.documents.clone(),
            payments: self.payments.clone(),
            hearing: self.hearing.clone(),
        }
    }

    /// Checks every section, each by its own `validate`.
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let portal = self.portal().validate()?;
        let media = self.media.validate()?;
        let turn = self.turn.validate()?;
        let metrics_listen = self.metrics.validate()?;
        self.log.validate()?;
        Ok(Settings {
            portal,
            media,
            turn,
            metrics_listen,
            raw: self,
        })
    }
}

/// `[metrics]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MetricsConfig {
    /// Address `/metrics`, `/healthz` and `/readyz` are served on, apart from the portal
    /// (the metrics tell live rooms and load; they are for the monitoring network, not the
    /// internet). Empty: no metrics listener.
    pub listen: String,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        Self {
            // Loopback: Prometheus on the same host; the port is Prometheus's own
            // exporter range's (9464 is OpenTelemetry's Prometheus exporter default).
            listen: "127.0.0.1:9464".into(),
        }
    }
}

impl MetricsConfig {
    /// The metrics listener, if any.
    pub fn validate(&self) -> Result<Option<SocketAddr>, ConfigError> {
        if self.listen.is_empty() {
            return Ok(None);
        }
        let listen = self
            .listen
            .parse::<SocketAddr>()
            .map_err(|_| bad("metrics.listen", "must be an address with a port, or empty"))?;
        Ok(Some(listen))
    }
}

/// `[log]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// `text` or `json`.
    pub format: String,
    /// Filter, e.g. `info` or `vamt_sfu=debug,info`.
    pub level: String,
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            format: "text".into(),
            level: "info".into(),
        }
    }
}

impl LogConfig {
    pub fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.format.as_str(), "text" | "json") {
            return Err(bad("log.format", "must be text or json"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Held by every test that loads: the environment test sets `VAMT_*` variables for the
    /// whole process, which a load running beside it would read.
    static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn with(overrides: serde_json::Value) -> Result<Settings, ConfigError> {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        Config::load(None, overrides)?.validate()
    }

    #[test]
    fn defaults_are_valid() {
        let s = with(json!({})).expect("defaults validate");
        assert_eq!(
            s.portal.office.http.listen,
            "127.0.0.1:8080".parse().expect("addr")
        );
        assert_eq!(s.portal.office.http.public_url, "http://localhost:8080");
        assert_eq!(s.media.listen.port(), 7882);
        assert!(s.portal.database_url.ends_with("vamt.db"));
        assert_eq!(s.turn.listen, Some("127.0.0.1:3478".parse().expect("addr")));
    }

    #[test]
    fn bad_values_name_their_key_in_every_section() {
        let cases = [
            (json!({"http": {"listen": "nonsense"}}), "http.listen"),
            (json!({"booking": {"opens": "25:00"}}), "booking.opens"),
            (json!({"media": {"bind": "0.0.0.0"}}), "media.public_ip"),
            (
                json!({"mail": {"reminder_hours": 200}}),
                "mail.reminder_hours",
            ),
            (json!({"media": {"shards": 1000}}), "media.shards"),
            (
                json!({"media": {"public_ipv6": "2001:db8::1"}}),
                "media.public_ipv6",
            ),
            (
                json!({"media": {"bind": "::", "public_ipv6": "10.0.0.1"}}),
                "media.public_ipv6",
            ),
            (json!({"turn": {"listen": "x"}}), "turn.listen"),
            (
                json!({"turn": {"tls_listen": "0.0.0.0:5349"}}),
                "turn.tls_listen",
            ),
            (json!({"storage": {"data_dir": ""}}), "storage.data_dir"),
            (
                json!({"security": {"token_secret": "short"}}),
                "security.token_secret",
            ),
            (json!({"log": {"format": "xml"}}), "log.format"),
            (json!({"metrics": {"listen": "nowhere"}}), "metrics.listen"),
            (
                json!({"call": {"join_timeout_seconds": 0}}),
                "call.join_timeout_seconds",
            ),
            (
                json!({"retention": {"personal_data_days": 0}}),
                "retention.personal_data_days",
            ),
            (
                json!({"documents": {"max_file_mb": 0}}),
                "documents.max_file_mb",
            ),
        ];
        for (overrides, key) in cases {
            let err = with(overrides.clone()).expect_err("must be refused");
            assert_eq!(err.key, key, "for {overrides}");
        }
    }

    #[test]
    fn unknown_sections_and_keys_and_mistyped_values_are_refused_by_name() {
        let err = with(json!({"http": {"lissen": "x"}})).expect_err("unknown key");
        assert!(err.to_string().contains("lissen"), "{err}");
        let err = with(json!({"hearing": {"x": 1}})).expect_err("unknown section");
        assert!(err.to_string().contains("hearing"), "{err}");
        let err = with(json!({"media": {"port": "many"}})).expect_err("wrong type");
        assert_eq!(err.key, "media.port");
    }

    #[test]
    // figment's Jail dictates the closure's error type.
    #[allow(clippy::result_large_err)]
    fn environment_overrides_file() {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        figment::Jail::expect_with(|jail| {
            jail.create_file("vamt.toml", "[http]\nlisten = \"127.0.0.1:9000\"\n")?;
            jail.set_env("VAMT_MEDIA__PORT", "9999");
            let s = Config::load(Some(Path::new("vamt.toml")), json!({}))
                .map_err(|e| e.to_string())?
                .validate()
                .map_err(|e| e.to_string())?;
            assert_eq!(s.portal.office.http.listen.port(), 9000);
            assert_eq!(s.media.listen.port(), 9999);
            Ok(())
        });
    }

    #[test]
    fn redacted_hides_every_secret() {
        let mut c = Config::default();
        c.turn.secret = "turn-secret".into();
        c.security.token_secret = "t".repeat(40);
        c.mail.smtp_url = "smtp://user:pw@mail.example:587".into();
        let text = toml::to_string(&c.redacted()).expect("serialises");
        assert!(!text.contains("turn-secret") && !text.contains(&"t".repeat(40)));
        assert!(
            text.contains("smtp://user:<redacted>@mail.example:587"),
            "{text}"
        );
    }

    fn keys(prefix: &str, v: &toml::Value, out: &mut Vec<String>) {
        if let toml::Value::Table(t) = v {
            for (k, v) in t {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match v {
                    toml::Value::Table(_) => keys(&key, v, out),
                    _ => out.push(key),
                }
            }
        }
    }

    #[test]
    fn every_key_is_documented() {
        let doc = include_str!("../docs/configuration.md");
        let value = toml::Value::try_from(Config::default()).expect("config serialises");
        let mut all = Vec::new();
        keys("", &value, &mut all);
        assert!(all.len() > 20);
        for key in all {
            assert!(
                doc.contains(&format!("`{key}`")),
                "docs/configuration.md lacks `{key}`"
            );
        }
    }

    #[test]
    fn example_config_is_valid() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/deploy/vamt.example.toml");
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        let settings = Config::load(Some(Path::new(path)), serde_json::json!({}))
            .and_then(Config::validate)
            .expect("deploy/vamt.example.toml validates");
        assert_eq!(
            settings.portal.office.http.public_url,
            "https://termine.example.de"
        );
    }
}
