//! `[media]`, the section that configures `vamt serve`'s SFU: its one UDP socket, the
//! addresses browsers are told, its threads.
use std::net::{IpAddr, SocketAddr};

use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
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
#[derive(Debug, Clone)]
pub struct MediaSettings {
    /// The SFU's UDP socket address.
    pub listen: SocketAddr,
    /// Addresses announced to browsers (at most one per family); empty: the bound one.
    pub public_ips: Vec<IpAddr>,
    /// Media threads; 0: one per core.
    pub shards: usize,
}

impl MediaConfig {
    /// Checks `[media]`.
    pub fn validate(&self) -> Result<MediaSettings, ConfigError> {
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
            shards: self.shards,
        })
    }
}
