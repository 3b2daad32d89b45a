//! `vamt turn`: the TURN relay alone, configured by coturn-like flags (small installs,
//! tests, benchmarks). Metrics and health on `--metrics`. And `[turn]`, the section that
//! configures the relay `vamt serve` runs in its own process.
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Context};
use clap::Args;
use serde::{Deserialize, Serialize};
use vamt_portal_core::config::ConfigError;
use vamt_turn::auth::Credentials;
use vamt_turn::peer_policy::{IpNet, PeerPolicy};
use vamt_turn::relay::RelayConfig;
use vamt_turn::server::{RelayAddress, TurnServer};
use vamt_turn::TurnMetrics;

/// Flags of `vamt turn`; docs/turn.md describes each.
#[derive(Args, Clone, Debug)]
pub struct TurnArgs {
    /// Address to serve clients on over UDP and TCP (repeatable), e.g. 0.0.0.0:3478.
    #[arg(long = "listen", required = true)]
    listen: Vec<SocketAddr>,
    /// Address to serve clients on over TLS (repeatable), e.g. 0.0.0.0:443; needs
    /// --tls-cert and --tls-key.
    #[arg(long = "tls-listen")]
    tls_listen: Vec<SocketAddr>,
    /// PEM certificate chain for TLS.
    #[arg(long)]
    tls_cert: Option<std::path::PathBuf>,
    /// PEM private key for TLS.
    #[arg(long)]
    tls_key: Option<std::path::PathBuf>,
    /// The authentication realm.
    #[arg(long, default_value = "vamt")]
    realm: String,
    /// A static long-term user, NAME:PASSWORD (repeatable).
    #[arg(long = "user")]
    users: Vec<String>,
    /// Shared secret of the TURN REST API scheme (usernames `expiry:identity`).
    #[arg(long, env = "VAMT_TURN_SECRET", hide_env_values = true)]
    static_auth_secret: Option<String>,
    /// Local IP relay sockets bind to (one per family); defaults to each listen address's IP.
    #[arg(long = "relay-ip")]
    relay_ips: Vec<IpAddr>,
    /// Public IP announced for relayed addresses behind a 1:1 NAT (cloud hosts).
    #[arg(long)]
    external_ip: Option<IpAddr>,
    /// Allow relaying to loopback peers (tests and benchmarks only).
    #[arg(long)]
    allow_loopback_peers: bool,
    /// A network the default deny list should allow (repeatable), e.g. 10.20.0.0/16.
    #[arg(long = "allowed-peer-ip")]
    allowed: Vec<IpNet>,
    /// A network to deny in addition (repeatable).
    #[arg(long = "denied-peer-ip")]
    denied: Vec<IpNet>,
    /// Most allocations one user may hold.
    #[arg(long, default_value_t = 10)]
    user_quota: usize,
    /// Bandwidth cap per allocation in bytes per second, both ways (0: none).
    #[arg(long, default_value_t = 1_250_000)]
    max_bps: u64,
    /// Address for /metrics, /healthz and /readyz (off when absent).
    #[arg(long)]
    metrics: Option<SocketAddr>,
}

fn config(args: &TurnArgs) -> anyhow::Result<(RelayConfig, Vec<RelayAddress>)> {
    let credentials = match (&args.static_auth_secret, args.users.is_empty()) {
        (Some(_), false) => bail!("use either --user or --static-auth-secret, not both"),
        (Some(secret), true) => {
            if secret.len() < 16 {
                bail!("--static-auth-secret must have at least 16 characters");
            }
            Credentials::SharedSecret(secret.clone())
        }
        (None, false) => {
            let mut users = HashMap::new();
            for u in &args.users {
                let Some((name, password)) = u
                    .split_once(':')
                    .filter(|(n, p)| !n.is_empty() && !p.is_empty())
                else {
                    bail!("--user takes NAME:PASSWORD");
                };
                users.insert(name.to_owned(), password.to_owned());
            }
            Credentials::Static(users)
        }
        (None, true) => bail!("no credentials: give --user NAME:PASSWORD or --static-auth-secret"),
    };
    let mut policy = PeerPolicy::new().allow_loopback(args.allow_loopback_peers);
    for net in &args.allowed {
        policy = policy.allow(*net);
    }
    for net in &args.denied {
        policy = policy.deny(*net);
    }
    let mut cfg = RelayConfig::new(args.realm.clone(), credentials);
    cfg.policy = policy;
    cfg.user_quota = args.user_quota;
    cfg.bytes_per_second = args.max_bps;
    let ips: Vec<IpAddr> = if args.relay_ips.is_empty() {
        args.listen.iter().map(SocketAddr::ip).collect()
    } else {
        args.relay_ips.clone()
    };
    let mut relays: Vec<RelayAddress> = Vec::new();
    for ip in ips {
        if ip.is_unspecified() {
            bail!("relay sockets need a concrete IP: give --relay-ip (listening on {ip})");
        }
        if !relays.iter().any(|r| r.bind.is_ipv4() == ip.is_ipv4()) {
            relays.push(RelayAddress {
                bind: ip,
                external: args.external_ip.filter(|e| e.is_ipv4() == ip.is_ipv4()),
            });
        }
    }
    Ok((cfg, relays))
}

/// Runs the relay until SIGINT/SIGTERM.
pub async fn run(args: TurnArgs) -> anyhow::Result<ExitCode> {
    crate::serve::init_plain_logging();
    let (cfg, relays) = match config(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("vamt turn: {e}");
            return Ok(ExitCode::from(2));
        }
    };
    let tls = match (&args.tls_cert, &args.tls_key, args.tls_listen.is_empty()) {
        (Some(cert), Some(key), false) => Some(vamt_turn::tls::acceptor(cert, key)?),
        (None, None, true) => None,
        _ => {
            eprintln!("vamt turn: --tls-listen, --tls-cert and --tls-key go together");
            return Ok(ExitCode::from(2));
        }
    };
    let registry = prometheus::Registry::new();
    let metrics = TurnMetrics::new(&registry)?;
    let (stop_tx, stop_rx) = tokio::sync::watch::channel(false);
    let mut tasks = Vec::new();
    // One relay state per listen address; TLS listeners join the first one.
    let mut tls_listen = args.tls_listen.iter();
    for (i, listen) in args.listen.iter().enumerate() {
        let (server, tcp) = bind_udp_and_tcp(*listen, &cfg, &relays, &metrics).await?;
        let bound = server.local_addr()?;
        let mut server = server.with_tcp(tcp);
        if let (0, Some(acceptor)) = (i, &tls) {
            for addr in tls_listen.by_ref() {
                let l = vamt_portal::listen(*addr)
                    .with_context(|| format!("binding TURN TLS listener {addr}"))?;
                println!("vamt turn tls on {}", l.local_addr()?);
                server = server.with_tls(l, acceptor.clone());
            }
        }
        tracing::info!(listen = %bound, realm = %cfg.realm, "TURN relay listening (UDP, TCP)");
        println!("vamt turn listening on {bound}");
        let mut rx = stop_rx.clone();
        tasks.push(tokio::spawn(server.run(async move {
            let _ = rx.wait_for(|s| *s).await;
        })));
    }
    if let Some(addr) = args.metrics {
        let listener = vamt_portal::listen(addr)
            .with_context(|| format!("binding metrics listener {addr}"))?;
        println!("vamt turn metrics on {}", listener.local_addr()?);
        let app = axum::Router::new()
            .route("/healthz", axum::routing::get(|| async { "ok" }))
            .route("/readyz", axum::routing::get(|| async { "ok" }))
            .route(
                "/metrics",
                axum::routing::get(move || {
                    let registry = registry.clone();
                    async move {
                        let mut out = String::new();
                        let encoder = prometheus::TextEncoder::new();
                        let _ = encoder.encode_utf8(&registry.gather(), &mut out);
                        out
                    }
                }),
            );
        let mut rx = stop_rx.clone();
        tasks.push(tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    let _ = rx.wait_for(|s| *s).await;
                })
                .await;
        }));
    }
    crate::serve::wait_for_signal().await;
    tracing::info!("TURN relay stopping");
    let _ = stop_tx.send(true);
    for t in tasks {
        let _ = t.await;
    }
    Ok(ExitCode::SUCCESS)
}

/// Binds the relay's UDP socket at `listen` and a TCP listener on the same port, as coturn
/// does. On port 0 the kernel picks a free UDP port whose TCP twin may be taken (any TCP
/// connection's local port, e.g. a TURN client's in a test next door): then another UDP
/// port is tried, a few times.
pub async fn bind_udp_and_tcp(
    listen: SocketAddr,
    cfg: &RelayConfig,
    relays: &[RelayAddress],
    metrics: &TurnMetrics,
) -> anyhow::Result<(TurnServer, tokio::net::TcpListener)> {
    let mut tries = 0;
    loop {
        let server = TurnServer::bind(listen, cfg.clone(), relays, metrics.clone())
            .await
            .with_context(|| format!("binding TURN UDP socket {listen}"))?;
        let bound = server.local_addr()?;
        match vamt_portal::listen(bound) {
            Ok(tcp) => return Ok((server, tcp)),
            Err(e)
                if listen.port() == 0
                    && e.kind() == std::io::ErrorKind::AddrInUse
                    && tries < 16 =>
            {
                tries += 1;
            }
            Err(e) => return Err(e).with_context(|| format!("binding TURN TCP listener {bound}")),
        }
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

/// What `[turn]` yields: the relay's listeners, if it runs.
#[derive(Debug, Clone, Default)]
pub struct TurnSettings {
    /// STUN/TURN address (UDP and TCP), if enabled.
    pub listen: Option<SocketAddr>,
    /// TURN over TLS: address, certificate and key, if configured.
    pub tls: Option<TurnTls>,
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

impl TurnConfig {
    /// Checks `[turn]`: the STUN/TURN address (UDP and TCP) and the TURN-over-TLS
    /// listener, if enabled.
    pub fn validate(&self) -> Result<TurnSettings, ConfigError> {
        if !self.enabled {
            return Ok(TurnSettings::default());
        }
        let listen = self
            .listen
            .parse()
            .map_err(|_| bad("turn.listen", "must be IP:PORT, e.g. 0.0.0.0:3478"))?;
        if self.tls_listen.is_empty() {
            return Ok(TurnSettings {
                listen: Some(listen),
                tls: None,
            });
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
        Ok(TurnSettings {
            listen: Some(listen),
            tls: Some(tls),
        })
    }
}

fn bad(key: &str, message: impl Into<String>) -> ConfigError {
    ConfigError::new(key, message)
}
