//! Configuration: one TOML file, every key overridable by `VAMT_SECTION__KEY` environment
//! variables and by command-line flags, validated at start into typed structs.
//! `docs/configuration.md` documents every key; keep the two in step.
use std::net::{IpAddr, SocketAddr};
use std::path::{Path, PathBuf};

use chrono::{NaiveTime, Weekday};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};

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
    /// Logging.
    pub log: LogConfig,
    /// The operators' listener: metrics and health.
    pub metrics: MetricsConfig,
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
    fn validate(&self) -> Result<Option<SocketAddr>, ConfigError> {
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

/// What `[http]` yields.
struct HttpSettings {
    listen: SocketAddr,
    public_url: String,
    trusted_proxies: Vec<crate::shield::Net>,
}

impl HttpConfig {
    fn validate(&self) -> Result<HttpSettings, ConfigError> {
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
        })
    }
}

/// `[media]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MediaConfig {
    /// IP address the SFU's UDP socket binds to.
    pub bind: String,
    /// The SFU's one UDP port.
    pub port: u16,
    /// The address browsers reach the SFU at (public or NAT 1:1 address). Empty: `bind`.
    pub public_ip: String,
    /// An IPv6 address to announce as well, with `bind = "::"` (one socket serves both).
    pub public_ipv6: String,
    /// Media threads, each holding whole rooms; 0: one per core.
    pub shards: usize,
}

impl Default for MediaConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1".into(),
            port: 7882,
            public_ip: String::new(),
            public_ipv6: String::new(),
            shards: 0,
        }
    }
}

/// What `[media]` yields.
struct MediaSettings {
    listen: SocketAddr,
    public_ips: Vec<IpAddr>,
}

impl MediaConfig {
    fn validate(&self) -> Result<MediaSettings, ConfigError> {
        let bind: IpAddr = self
            .bind
            .parse()
            .map_err(|_| bad("media.bind", "must be an IP address, e.g. 0.0.0.0"))?;
        if self.port == 0 {
            return Err(bad(
                "media.port",
                "must be a fixed port (1-65535): browsers are told it",
            ));
        }
        if self.shards > 256 {
            return Err(bad(
                "media.shards",
                "must be between 0 (one per core) and 256",
            ));
        }
        let mut public_ips = Vec::new();
        if !self.public_ip.is_empty() {
            public_ips.push(
                self.public_ip
                    .parse::<IpAddr>()
                    .map_err(|_| bad("media.public_ip", "must be an IP address"))?,
            );
        }
        if !self.public_ipv6.is_empty() {
            let v6 = self
                .public_ipv6
                .parse::<IpAddr>()
                .ok()
                .filter(IpAddr::is_ipv6)
                .ok_or_else(|| bad("media.public_ipv6", "must be an IPv6 address"))?;
            if public_ips.iter().any(IpAddr::is_ipv6) {
                return Err(bad(
                    "media.public_ipv6",
                    "media.public_ip is IPv6 already; give the IPv4 address there",
                ));
            }
            if bind.is_ipv4() {
                return Err(bad(
                    "media.public_ipv6",
                    "needs media.bind = \"::\" to receive IPv6",
                ));
            }
            public_ips.push(v6);
        }
        if bind.is_unspecified() && public_ips.is_empty() {
            return Err(bad(
                "media.public_ip",
                "must be set when media.bind is 0.0.0.0 or ::, so browsers know where to send media",
            ));
        }
        Ok(MediaSettings {
            listen: SocketAddr::new(bind, self.port),
            public_ips,
        })
    }
}

/// `[turn]`
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TurnConfig {
    /// Run the STUN/TURN server.
    pub enabled: bool,
    /// UDP address of the STUN/TURN server.
    pub listen: String,
    /// TURN REST API secret shared with separate `vamt turn` relays. Empty: generated into
    /// the data directory (`turn.key`) on first start.
    pub secret: String,
    /// Allow relaying to loopback peers (tests on one machine only).
    pub allow_loopback_peers: bool,
    /// TURN over TLS ("turns:", for networks that pass only HTTPS-like traffic): the
    /// address to listen on, e.g. `0.0.0.0:5349` (or 443 on an address of its own). Empty:
    /// no TLS listener. TCP is always offered on the same port as `listen`.
    pub tls_listen: String,
    /// PEM certificate chain for `tls_listen`; browsers check it against the host name of
    /// `http.public_url`.
    pub tls_cert: PathBuf,
    /// PEM private key for `tls_listen`.
    pub tls_key: PathBuf,
}

impl Default for TurnConfig {
    fn default() -> Self {
        Self {
            enabled: true,
            listen: "127.0.0.1:3478".into(),
            secret: String::new(),
            allow_loopback_peers: false,
            tls_listen: String::new(),
            tls_cert: PathBuf::new(),
            tls_key: PathBuf::new(),
        }
    }
}

impl TurnConfig {
    /// The STUN/TURN address (UDP and TCP) and the TURN-over-TLS listener, if enabled.
    fn validate(&self) -> Result<(Option<SocketAddr>, Option<TurnTls>), ConfigError> {
        if !self.enabled {
            return Ok((None, None));
        }
        let listen = self
            .listen
            .parse()
            .map_err(|_| bad("turn.listen", "must be IP:PORT, e.g. 0.0.0.0:3478"))?;
        if self.tls_listen.is_empty() {
            return Ok((Some(listen), None));
        }
        let tls_listen = self
            .tls_listen
            .parse()
            .map_err(|_| bad("turn.tls_listen", "must be IP:PORT, e.g. 0.0.0.0:5349"))?;
        if self.tls_cert.as_os_str().is_empty() || self.tls_key.as_os_str().is_empty() {
            return Err(bad(
                "turn.tls_listen",
                "needs turn.tls_cert and turn.tls_key (PEM files)",
            ));
        }
        let tls = TurnTls {
            listen: tls_listen,
            cert: self.tls_cert.clone(),
            key: self.tls_key.clone(),
        };
        Ok((Some(listen), Some(tls)))
    }
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

impl StorageConfig {
    /// The data directory and the key directory.
    fn validate(&self) -> Result<(PathBuf, PathBuf), ConfigError> {
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
        Ok((data_dir, key_dir))
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
    fn validate(&self, data_dir: &Path) -> Result<String, ConfigError> {
        if self.url.is_empty() {
            Ok(format!("sqlite://{}", data_dir.join("vamt.db").display()))
        } else if crate::sql::Engine::of(&self.url).is_some() {
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
struct MailSettings {
    smtp_url: Option<String>,
    from: lettre::message::Mailbox,
    reminder_lead: Option<chrono::Duration>,
}

impl MailConfig {
    fn validate(&self) -> Result<MailSettings, ConfigError> {
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

/// What `[booking]` yields.
struct BookingSettings {
    timezone: chrono_tz::Tz,
    opening: crate::schedule::OpeningRule,
    release: crate::schedule::Release,
    lead: chrono::Duration,
    confirm_within: chrono::Duration,
}

impl BookingConfig {
    fn validate(&self) -> Result<BookingSettings, ConfigError> {
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
            opening: crate::schedule::OpeningRule {
                days,
                opens,
                closes,
                slot_minutes: self.slot_minutes,
            },
            release: crate::schedule::Release {
                horizon_days: self.horizon_days,
                at: release_at,
            },
            lead: chrono::Duration::minutes(i64::from(self.lead_minutes)),
            confirm_within: chrono::Duration::minutes(i64::from(self.confirm_minutes)),
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
            // signalling::limits::JOIN_DEADLINE; the core names no signalling, and the web
            // crate's tests check the two agree.
            join_timeout_seconds: 10,
            // signalling::limits::MAX_SOCKETS_PER_ADDRESS, checked likewise.
            max_sockets_per_address: 20,
        }
    }
}

/// What `[call]` yields.
struct CallSettings {
    token_ttl_seconds: u64,
    resume_grace: std::time::Duration,
    join_window: chrono::Duration,
}

impl CallConfig {
    fn validate(&self) -> Result<CallSettings, ConfigError> {
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
            token_ttl_seconds: self.token_ttl_seconds,
            resume_grace: std::time::Duration::from_secs(self.resume_grace_seconds),
            join_window: chrono::Duration::minutes(i64::from(self.join_window_minutes)),
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
    fn validate(&self) -> Result<(), ConfigError> {
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
    fn validate(&self) -> Result<chrono::Duration, ConfigError> {
        if !(1..=3650).contains(&self.personal_data_days) {
            return Err(bad(
                "retention.personal_data_days",
                "must be between 1 and 3650",
            ));
        }
        Ok(chrono::Duration::days(i64::from(self.personal_data_days)))
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
    fn validate(&self) -> Result<(), ConfigError> {
        if !matches!(self.format.as_str(), "text" | "json") {
            return Err(bad("log.format", "must be text or json"));
        }
        Ok(())
    }
}

/// A configuration key with a value that is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("configuration key `{key}`: {message}")]
pub struct ConfigError {
    /// Dotted key, e.g. `booking.opens`.
    pub key: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.into(),
        message: message.into(),
    }
}

/// The configuration after validation: parsed addresses, times and zones.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The raw configuration it came from.
    pub raw: Config,
    /// Portal listen address.
    pub http_listen: SocketAddr,
    /// Base URL for links, without trailing slash.
    pub public_url: String,
    /// SFU UDP socket address.
    pub media_listen: SocketAddr,
    /// Addresses announced to browsers (at most one per family); empty: the bound one.
    pub media_public_ips: Vec<IpAddr>,
    /// STUN/TURN address (UDP and TCP), if enabled.
    pub stun_listen: Option<SocketAddr>,
    /// TURN over TLS: address, certificate and key, if configured.
    pub turn_tls: Option<TurnTls>,
    /// Data directory.
    pub data_dir: PathBuf,
    /// Key directory (generated keys), never inside the data directory.
    pub key_dir: PathBuf,
    /// The metrics listener, if any.
    pub metrics_listen: Option<SocketAddr>,
    /// Database URL.
    pub database_url: String,
    /// SMTP URL, if configured.
    pub smtp_url: Option<String>,
    /// Sender mailbox.
    pub mail_from: lettre::message::Mailbox,
    /// Office time zone.
    pub timezone: chrono_tz::Tz,
    /// The virtual office's opening hours on a first start (then they live in the
    /// database's catalogue).
    pub opening: crate::schedule::OpeningRule,
    /// Booking horizon and the daily release of new days.
    pub release: crate::schedule::Release,
    /// Minimum lead time.
    pub lead: chrono::Duration,
    /// How long a new booking waits for its confirmation (double opt-in).
    pub confirm_within: chrono::Duration,
    /// Proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<crate::shield::Net>,
    /// Room token lifetime.
    pub token_ttl_seconds: u64,
    /// How long a dropped participant's place is held for a resume.
    pub resume_grace: std::time::Duration,
    /// How long before the appointment the citizen may enter the waiting room.
    pub join_window: chrono::Duration,
    /// How long personal data is kept after an appointment.
    pub personal_data_retention: chrono::Duration,
    /// How long before an appointment its reminder goes out; `None`: no reminders.
    pub reminder_lead: Option<chrono::Duration>,
}

impl Settings {
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

/// The TURN-over-TLS listener of `[turn]`.
#[derive(Debug, Clone)]
pub struct TurnTls {
    /// Where to listen.
    pub listen: SocketAddr,
    /// PEM certificate chain.
    pub cert: PathBuf,
    /// PEM private key.
    pub key: PathBuf,
}

impl Config {
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

    /// Reads defaults, then `file` (if any), then `VAMT_*` variables, then `overrides`
    /// (flags, as a nested map).
    pub fn load(file: Option<&Path>, overrides: serde_json::Value) -> Result<Config, ConfigError> {
        let mut fig = Figment::from(Serialized::defaults(Config::default()));
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
        fig.extract::<Config>().map_err(|e| {
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

    /// Checks every value and derives the typed settings, section by section (each
    /// section's `validate` lies next to its struct).
    pub fn validate(self) -> Result<Settings, ConfigError> {
        let http = self.http.validate()?;
        let media = self.media.validate()?;
        let (stun_listen, turn_tls) = self.turn.validate()?;
        let (data_dir, key_dir) = self.storage.validate()?;
        let metrics_listen = self.metrics.validate()?;
        let database_url = self.database.validate(&data_dir)?;
        let mail = self.mail.validate()?;
        let booking = self.booking.validate()?;
        let call = self.call.validate()?;
        self.security.validate()?;
        let personal_data_retention = self.retention.validate()?;
        self.log.validate()?;
        Ok(Settings {
            http_listen: http.listen,
            public_url: http.public_url,
            trusted_proxies: http.trusted_proxies,
            media_listen: media.listen,
            media_public_ips: media.public_ips,
            stun_listen,
            turn_tls,
            data_dir,
            key_dir,
            metrics_listen,
            database_url,
            smtp_url: mail.smtp_url,
            mail_from: mail.from,
            reminder_lead: mail.reminder_lead,
            timezone: booking.timezone,
            opening: booking.opening,
            release: booking.release,
            lead: booking.lead,
            confirm_within: booking.confirm_within,
            token_ttl_seconds: call.token_ttl_seconds,
            resume_grace: call.resume_grace,
            join_window: call.join_window,
            personal_data_retention,
            raw: self,
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

fn parse_time(s: &str) -> Option<NaiveTime> {
    NaiveTime::parse_from_str(s, "%H:%M").ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn with(overrides: serde_json::Value) -> Result<Settings, ConfigError> {
        Config::load(None, overrides)?.validate()
    }

    #[test]
    fn defaults_are_valid() {
        let s = with(json!({})).expect("defaults validate");
        assert_eq!(s.http_listen, "127.0.0.1:8080".parse().expect("addr"));
        assert_eq!(s.public_url, "http://localhost:8080");
        assert_eq!(s.media_listen.port(), 7882);
        assert!(s.database_url.ends_with("vamt.db"));
    }

    #[test]
    fn links_go_below_the_public_url_with_their_query_encoded() {
        let s = with(json!({})).expect("defaults validate");
        assert_eq!(
            s.link(&["call", "BK_1"], &[("key", "a-b_c"), ("lang", "de")]),
            "http://localhost:8080/call/BK_1?key=a-b_c&lang=de"
        );
        assert_eq!(
            s.link(&["clerk", "login"], &[]),
            "http://localhost:8080/clerk/login"
        );
        let under = with(json!({"http": {"public_url": "https://stadt.example/amt/"}}))
            .expect("a public URL with a path");
        assert_eq!(
            under.link(&["booking", "BK 2", "cancel"], &[("key", "k&=")]),
            "https://stadt.example/amt/booking/BK%202/cancel?key=k%26%3D"
        );
        assert_eq!(under.public_host().as_deref(), Some("stadt.example"));
        let v6 = with(json!({"http": {"public_url": "http://[2001:db8::1]:8080"}}))
            .expect("an IPv6 public URL");
        assert_eq!(v6.public_host().as_deref(), Some("2001:db8::1"));
        assert!(with(json!({"http": {"public_url": "https://"}})).is_err());
    }

    #[test]
    fn bad_values_name_their_key() {
        let cases = [
            (json!({"http": {"listen": "nonsense"}}), "http.listen"),
            (json!({"booking": {"opens": "25:00"}}), "booking.opens"),
            (
                json!({"booking": {"opens": "16:00", "closes": "08:00"}}),
                "booking.closes",
            ),
            (
                json!({"booking": {"days": ["mon", "funday"]}}),
                "booking.days",
            ),
            (
                json!({"booking": {"timezone": "Mars/Olympus"}}),
                "booking.timezone",
            ),
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
            (json!({"mail": {"smtp_url": "http://x"}}), "mail.smtp_url"),
            (
                json!({"security": {"token_secret": "short"}}),
                "security.token_secret",
            ),
            (json!({"log": {"format": "xml"}}), "log.format"),
            (
                json!({"security": {"data_key": "abc"}}),
                "security.data_key",
            ),
            (
                json!({"retention": {"personal_data_days": 0}}),
                "retention.personal_data_days",
            ),
        ];
        for (overrides, key) in cases {
            let err = with(overrides.clone()).expect_err("must be refused");
            assert_eq!(err.key, key, "for {overrides}");
        }
    }

    #[test]
    fn unknown_and_mistyped_keys_are_refused_by_name() {
        let err = with(json!({"http": {"lissen": "x"}})).expect_err("unknown key");
        assert!(err.to_string().contains("lissen"), "{err}");
        let err = with(json!({"media": {"port": "many"}})).expect_err("wrong type");
        assert_eq!(err.key, "media.port");
    }

    #[test]
    // figment's Jail dictates the closure's error type.
    #[allow(clippy::result_large_err)]
    fn environment_overrides_file() {
        figment::Jail::expect_with(|jail| {
            jail.create_file("vamt.toml", "[http]\nlisten = \"127.0.0.1:9000\"\n")?;
            jail.set_env("VAMT_MEDIA__PORT", "9999");
            let s = Config::load(Some(Path::new("vamt.toml")), json!({}))
                .map_err(|e| e.to_string())?
                .validate()
                .map_err(|e| e.to_string())?;
            assert_eq!(s.http_listen.port(), 9000);
            assert_eq!(s.media_listen.port(), 9999);
            Ok(())
        });
    }
}

#[cfg(test)]
mod docs_tests {
    use super::*;

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
        let doc = include_str!("../../../docs/configuration.md");
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
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../deploy/vamt.example.toml"
        );
        let settings = Config::load(Some(Path::new(path)), serde_json::json!({}))
            .and_then(Config::validate)
            .expect("deploy/vamt.example.toml validates");
        assert_eq!(settings.public_url, "https://termine.example.de");
    }
}

/// The 32-byte data key of `security.data_key`, from its 64 hexadecimal characters.
pub fn parse_data_key(hex_key: &str) -> Option<[u8; 32]> {
    hex::decode(hex_key.trim()).ok()?.try_into().ok()
}
