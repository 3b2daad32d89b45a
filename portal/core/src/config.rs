//! Configuration's shared part: its error, its loader, and the two sections every part of
//! the portal reads. Each other section lies beside the part it configures (`[storage]`,
//! `[database]`, `[mail]`, `[security]` in storage; `[booking]` in booking; `[call]` in the
//! web crate; `[media]`, `[turn]`, `[log]`, `[metrics]` in the binary), and the binary
//! composes the whole file from them. One TOML file, every key overridable by
//! `VAMT_SECTION__KEY` environment variables and by command-line flags, validated at start
//! into typed settings. `docs/configuration.md` documents every key; keep the two in step.
use std::net::SocketAddr;
use std::path::Path;

use chrono::NaiveTime;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{de::DeserializeOwned, Deserialize, Serialize};

/// A configuration key with a value that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration key `{key}`: {message}")]
pub struct ConfigError {
    /// Dotted key, e.g. `booking.opens`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl ConfigError {
    /// The value of `key` is refused for `message` (what is allowed).
    pub fn new(key: &str, message: impl Into<String>) -> ConfigError {
        ConfigError {
            key: key.into(),
            message: message.into(),
        }
    }
}

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}

/// Reads `T` (a whole configuration, or the part of it one binary or test uses) from its
/// defaults, then `file` (if any), then `VAMT_*` variables, then `overrides` (flags, as a
/// nested map).
pub fn load<T>(file: Option<&Path>, overrides: serde_json::Value) -> Result<T, ConfigError>
where
    T: Default + Serialize + DeserializeOwned,
{
    let mut fig = Figment::from(Serialized::defaults(T::default()));
    if let Some(path) = file {
        if !path.exists() {
            return Err(bad(
                "--config",
                format!("file {} does not exist", path.display()),
            ));
        }
        fig = fig.merge(Toml::file(path));
    }
    fig = fig
        .merge(
            // Only section-qualified variables (`VAMT_HTTP__LISTEN`) are configuration;
            // others with the prefix belong to scripts and tests.
            Env::prefixed("VAMT_")
                .filter(|k| k.as_str().contains("__"))
                .split("__"),
        )
        .merge(Serialized::defaults(overrides));
    fig.extract::<T>().map_err(|e| {
        let key = if e.path.is_empty() {
            e.kind
                .to_string()
                .split('`')
                .nth(1)
                .unwrap_or("?")
                .to_owned()
        } else {
            e.path.join(".")
        };
        bad(&key, e.kind.to_string())
    })
}

/// `HH:MM`, as the configuration writes local times.
pub fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

/// `[http]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct HttpConfig {
    /// Address the portal listens on.
    pub listen: String,
    /// The URL citizens reach the portal at; links in e-mails start with it. Empty: derived
    /// from `listen`.
    pub public_url: String,
    /// Reverse proxies (addresses or networks) whose `X-Forwarded-For` names the client;
    /// none by default.
    pub trusted_proxies: Vec<String>,
    /// Seconds a connection has to deliver a request's headers, from opening and from each
    /// answer (so also the longest a keep-alive connection may stay idle).
    pub header_timeout_seconds: u32,
    /// Seconds a request body has to arrive whole.
    pub body_timeout_seconds: u32,
    /// Connections open at once (WebSockets included); more are closed at once.
    pub max_connections: u32,
}

impl Default for HttpConfig {
    fn default() -> Self {
        Self {
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            // None by default: a proxy that passes on what the client wrote would let every
            // client choose its own address for the booking limits. An install behind a
            // proxy names it, and the proxy overwrites the header (docs/install.md).
            trusted_proxies: Vec::new(),
            // A phone on a bad link sends a form's headers in well under a second; ten
            // leaves room, and a slowloris client is gone after ten.
            header_timeout_seconds: 10,
            // Uploads of the case record are chunked (each chunk its own request).
            body_timeout_seconds: 30,
            // Sixty calls of three are 180 sockets and a release storm 500 connections;
            // the default descriptor limit of a systemd service is 524288, of a shell 1024.
            max_connections: 2048,
        }
    }
}

/// What `[http]` yields: where the portal listens and the address every part links to.
#[derive(Debug, Clone)]
pub struct HttpSettings {
    /// Portal listen address.
    pub listen: SocketAddr,
    /// Base URL for links, without trailing slash.
    pub public_url: String,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<crate::shield::Net>,
    /// Time a connection has to deliver a request's headers.
    pub header_timeout: std::time::Duration,
    /// Time a request body has to arrive whole.
    pub body_timeout: std::time::Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl HttpSettings {
    /// The portal's address for `segments` (each percent-encoded as a path segment) with
    /// `query` (form-encoded), below `http.public_url` and any path it has: the links in
    /// mails, calendar files and pages.
    pub fn link(&self, segments: &[&str], query: &[(&str, &str)]) -> String {
        let Ok(mut url) = url::Url::parse(&self.public_url) else {
            // Validated at start; a link to the bare path is the least wrong answer.
            return format!("{}/{}", self.public_url, segments.join("/"));
        };
        if let Ok(mut path) = url.path_segments_mut() {
            path.pop_if_empty().extend(segments);
        }
        if !query.is_empty() {
            url.query_pairs_mut().extend_pairs(query);
        }
        url.into()
    }

    /// The host of `http.public_url` (a name, or an address), without port.
    pub fn public_host(&self) -> Option<String> {
        url::Url::parse(&self.public_url)
            .ok()?
            .host_str()
            .map(|h| h.trim_matches(['[', ']']).to_owned())
    }
}

impl HttpConfig {
    /// Checks `[http]` and derives its addresses.
    pub fn validate(&self) -> Result<HttpSettings, ConfigError> {
        let listen: SocketAddr = self.listen.parse().map_err(|_| {
            bad(
                "http.listen",
                "must be IP:PORT, e.g. 127.0.0.1:8080 or 0.0.0.0:8080",
            )
        })?;
        let public_url = if self.public_url.is_empty() {
            let host = if listen.ip().is_unspecified() {
                "localhost".to_owned()
            } else if listen.ip().is_loopback() && listen.is_ipv4() {
                // Browsers treat localhost as a secure context; camera access needs one.
                "localhost".to_owned()
            } else {
                listen.ip().to_string()
            };
            format!("http://{host}:{}", listen.port())
        } else {
            let u = self.public_url.trim_end_matches('/').to_owned();
            if !(u.starts_with("http://") || u.starts_with("https://")) {
                return Err(bad(
                    "http.public_url",
                    "must start with http:// or https://",
                ));
            }
            if url::Url::parse(&u).map_or(true, |p| p.host_str().is_none()) {
                return Err(bad(
                    "http.public_url",
                    "must be a URL with a host, e.g. https://termine.example.de",
                ));
            }
            u
        };
        if !(1..=300).contains(&self.header_timeout_seconds) {
            return Err(bad(
                "http.header_timeout_seconds",
                "must be between 1 and 300",
            ));
        }
        if !(1..=3600).contains(&self.body_timeout_seconds) {
            return Err(bad(
                "http.body_timeout_seconds",
                "must be between 1 and 3600",
            ));
        }
        if !(16..=1_000_000).contains(&self.max_connections) {
            return Err(bad(
                "http.max_connections",
                "must be between 16 and 1000000",
            ));
        }
        let mut trusted_proxies = Vec::new();
        for p in &self.trusted_proxies {
            trusted_proxies.push(crate::shield::Net::parse(p).ok_or_else(|| {
                bad(
                    "http.trusted_proxies",
                    format!("{p:?} is not an address or network such as 10.0.0.0/8"),
                )
            })?);
        }
        Ok(HttpSettings {
            listen,
            public_url,
            trusted_proxies,
            header_timeout: std::time::Duration::from_secs(u64::from(self.header_timeout_seconds)),
            body_timeout: std::time::Duration::from_secs(u64::from(self.body_timeout_seconds)),
            max_connections: self.max_connections as usize,
        })
    }
}

/// `[retention]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RetentionConfig {
    /// Days after an appointment's end when the citizen's name, e-mail and join link are
    /// erased.
    pub personal_data_days: u32,
}

impl Default for RetentionConfig {
    fn default() -> Self {
        Self {
            personal_data_days: 30,
        }
    }
}

impl RetentionConfig {
    /// How long personal data is kept after an appointment.
    pub fn validate(&self) -> Result<chrono::Duration, ConfigError> {
        if !(1..=3650).contains(&self.personal_data_days) {
            return Err(bad(
                "retention.personal_data_days",
                "must be between 1 and 3650",
            ));
        }
        Ok(chrono::Duration::days(i64::from(self.personal_data_days)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Held by every test that loads: the environment test sets `VAMT_*` variables for the
    /// whole process, which a load running beside it would read.
    static ENV: std::sync::Mutex<()> = std::sync::Mutex::new(());

    fn http(overrides: serde_json::Value) -> Result<HttpSettings, ConfigError> {
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        load::<HttpConfig>(None, overrides)?.validate()
    }

    #[test]
    fn links_go_below_the_public_url_with_their_query_encoded() {
        let s = http(json!({})).expect("defaults validate");
        assert_eq!(s.public_url, "http://localhost:8080");
        assert_eq!(
            s.link(&["call", "BK_1"], &[("key", "a-b_c"), ("lang", "de")]),
            "http://localhost:8080/call/BK_1?key=a-b_c&lang=de"
        );
        assert_eq!(
            s.link(&["clerk", "login"], &[]),
            "http://localhost:8080/clerk/login"
        );
        let under = http(json!({"public_url": "https://stadt.example/amt/"}))
            .expect("a public URL with a path");
        assert_eq!(
            under.link(&["booking", "BK 2", "cancel"], &[("key", "k&=")]),
            "https://stadt.example/amt/booking/BK%202/cancel?key=k%26%3D"
        );
        assert_eq!(under.public_host().as_deref(), Some("stadt.example"));
        let v6 =
            http(json!({"public_url": "http://[2001:db8::1]:8080"})).expect("an IPv6 public URL");
        assert_eq!(v6.public_host().as_deref(), Some("2001:db8::1"));
        assert!(http(json!({"public_url": "https://"})).is_err());
        assert_eq!(
            http(json!({"listen": "nonsense"}))
                .expect_err("refused")
                .key,
            "http.listen"
        );
    }

    #[test]
    // figment's Jail dictates the closure's error type.
    #[allow(clippy::result_large_err)]
    fn environment_overrides_file_and_flags_override_both() {
        #[derive(Debug, Default, Serialize, Deserialize)]
        #[serde(default, deny_unknown_fields)]
        struct Two {
            http: HttpConfig,
            retention: RetentionConfig,
        }
        let _env = ENV.lock().unwrap_or_else(|e| e.into_inner());
        figment::Jail::expect_with(|jail| {
            jail.create_file(
                "vamt.toml",
                "[http]\nlisten = \"127.0.0.1:9000\"\n[retention]\npersonal_data_days = 7\n",
            )?;
            jail.set_env("VAMT_RETENTION__PERSONAL_DATA_DAYS", "9");
            let two: Two = load(
                Some(Path::new("vamt.toml")),
                json!({"http": {"public_url": "https://amt.example"}}),
            )
            .map_err(|e| e.to_string())?;
            assert_eq!(two.http.listen, "127.0.0.1:9000");
            assert_eq!(two.retention.personal_data_days, 9);
            assert_eq!(two.http.public_url, "https://amt.example");
            let err = load::<Two>(None, json!({"http": {"lissen": "x"}})).expect_err("unknown");
            assert!(err.to_string().contains("lissen"), "{err}");
            let err = load::<Two>(None, json!({"retention": {"personal_data_days": "many"}}))
                .expect_err("wrong type");
            assert_eq!(err.key, "retention.personal_data_days");
            Ok(())
        });
    }
}
