//! `vamt serve`: every part in one process.
//!
//! [`run`] is the list of parts: each is set up by a function named for what it is, in the
//! order they start, and the end of `run` stops them in the order they stop.
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use prometheus::Registry;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use vamt_booking::demo::DemoLogin;
use vamt_booking::Office;
use vamt_portal::AppState;
use vamt_portal_storage::db::Db;
use vamt_portal_storage::vault::Vault;
use vamt_sfu::server::{MediaThreads, SfuHandle};
use vamt_sfu::SfuMetrics;
use vamt_signalling::TokenKeys;
use vamt_turn::server::TurnServer;
use vamt_turn::TurnMetrics;

use crate::config::Settings;

/// How long open calls get to close after a shutdown signal before the process exits.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    init_logging(&settings);
    vamt_sfu::install_crypto_provider();
    // The key files (of an older install) and the SQLite file live in the data directory.
    create_data_dir(&settings)?;
    // A missing or bad key stops the start before the database is opened and migrated.
    let keys = load_keys(&settings)?;
    let sealer = load_sealer(&settings)?;
    let db = open_database(&settings).await?;

    // Every socket is bound before the portal is built and the demo seeded: a taken port
    // stops the start with its name, before a first start's password is generated (and lost).
    let registry = Registry::new();
    let (stop, stopping) = watch::channel(false);
    let media = start_media(&settings, &registry, &stopping)?;
    let relay = bind_relay(&settings, &keys.turn_secret, &registry).await?;
    let listeners = bind_listeners(&settings)?;

    let state =
        build_portal(&settings, &db, &media, keys, registry, relay.is_some())?.with_sealer(sealer);
    // Served before the banner, which prints its address.
    let metrics = serve_metrics(listeners.metrics, &state, &stopping)?;
    let demo = vamt_booking::demo::seed_if_empty(&state).await?;
    let hearing = match demo {
        Some(_) => vamt_hearing::demo::seed_if_empty(&state.hearings).await?,
        None => None,
    };
    announce(
        &settings,
        &state,
        &media,
        metrics,
        demo.as_ref(),
        hearing.as_ref(),
    )
    .await;
    // Read now, not at the first invoice: an installation without the fonts hears it at once.
    if let Some(reason) = vamt_portal::pdf_text::fonts_missing() {
        tracing::warn!(%reason, "no PDF can be made (letters, receipts, invoices): install fonts-dejavu-core");
    }
    // The relay and the jobs start after the banner, on a seeded database.
    let relay = relay.map(|server| start_relay(server, &stopping));
    let jobs = start_jobs(&state, &stopping);
    // From here a SIGINT or SIGTERM drains instead of ending the process at once.
    let signal = on_signal();
    serve_http(listeners.http, &state, signal).await?;

    // Stopping. The portal has stopped first (above): calls were told while media still
    // ran, and had DRAIN_TIMEOUT to close. Then everything else is told at once and
    // awaited; the database closes last, as the jobs write to it until they end.
    let _ = stop.send(true);
    media.stopped().await;
    jobs.stopped().await;
    if let Some(relay) = relay {
        let _ = relay.await;
    }
    db.close().await;
    tracing::info!("vamt stopped");
    Ok(())
}

fn init_logging(s: &Settings) {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env()
        .or_else(|_| EnvFilter::try_new(&s.raw.log.level))
        .unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    if s.raw.log.format == "json" {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Plain-text logs filtered by `RUST_LOG` (default `info`), for commands without a config.
pub(crate) fn init_plain_logging() {
    use tracing_subscriber::EnvFilter;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();
}

pub(crate) async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = ctrl_c.await;
    }
}

async fn until_true(mut rx: watch::Receiver<bool>) {
    let _ = rx.wait_for(|v| *v).await;
}

/// Creates the data directory (owner-only).
fn create_data_dir(settings: &Settings) -> anyhow::Result<()> {
    let data_dir = &settings.portal.storage.data_dir;
    vamt_portal_storage::private_file::dir(data_dir)
        .with_context(|| format!("creating data directory {}", data_dir.display()))
}

/// The process's secrets.
struct Keys {
    /// Signs and checks room tokens.
    tokens: TokenKeys,
    /// The TURN REST API's shared secret.
    turn_secret: String,
    /// Encrypts personal data at rest.
    vault: Vault,
}

/// Takes each key from the configuration when it gives one, else from its key file (created
/// on a first start): the token key, the TURN key, the data key, in that order.
fn load_keys(settings: &Settings) -> anyhow::Result<Keys> {
    let security = &settings.portal.security;
    let secret = if security.token_secret.is_empty() {
        key_file(settings, "token.key")?
    } else {
        security.token_secret.as_bytes().to_vec()
    };
    let tokens = TokenKeys::from_secret(&secret);
    let turn_secret = if settings.raw.turn.secret.is_empty() {
        String::from_utf8_lossy(&key_file(settings, "turn.key")?).into_owned()
    } else {
        settings.raw.turn.secret.clone()
    };
    let vault = if security.data_key.is_empty() {
        let data_key = key_file(settings, "data.key")?;
        Vault::from_hex(&String::from_utf8_lossy(&data_key)).with_context(|| {
            format!(
                "{} is not a valid data key",
                settings.portal.storage.key_dir.join("data.key").display()
            )
        })?
    } else {
        Vault::from_hex(&security.data_key)?
    };
    Ok(Keys {
        tokens,
        turn_secret,
        vault,
    })
}

/// The seal of the office's documents: the configured certificate and key
/// (`documents.seal_cert`, `documents.seal_key`), or else a demo seal generated on the first
/// start into the key directory, whose certificate says it is not valid for official use.
pub(crate) fn load_sealer(settings: &Settings) -> anyhow::Result<vamt_pdf::Sealer> {
    let (cert, key) = match &settings.portal.documents.seal {
        Some((cert, key)) => (cert.clone(), key.clone()),
        None => {
            let dir = &settings.portal.storage.key_dir;
            let (cert, key) = (dir.join("seal-demo.crt"), dir.join("seal-demo.key"));
            if !key.exists() {
                vamt_portal_storage::private_file::dir(dir)
                    .with_context(|| format!("creating key directory {}", dir.display()))?;
                let (cert_pem, key_pem) = vamt_pdf::demo_sealer("Virtuelles Bürgeramt")
                    .context("generating the demo seal")?;
                std::fs::write(&cert, cert_pem)
                    .with_context(|| format!("writing {}", cert.display()))?;
                // Owner-only before the key is in it.
                vamt_portal_storage::private_file::file(&key)
                    .and_then(|()| std::fs::write(&key, key_pem))
                    .with_context(|| format!("writing {}", key.display()))?;
            }
            tracing::warn!(
                cert = %cert.display(),
                "documents are sealed with a DEMO seal; set documents.seal_cert and documents.seal_key"
            );
            (cert, key)
        }
    };
    let cert_pem = std::fs::read_to_string(&cert)
        .with_context(|| format!("reading the seal certificate {}", cert.display()))?;
    let key_pem = std::fs::read_to_string(&key)
        .with_context(|| format!("reading the seal key {}", key.display()))?;
    vamt_pdf::Sealer::from_pem(&cert_pem, &key_pem)
        .with_context(|| format!("the seal in {} and {}", cert.display(), key.display()))
}

/// Reads or creates the generated key `name`. Generated keys live apart from the data
/// (storage.key_dir); an older install's are moved there once.
fn key_file(settings: &Settings, name: &str) -> anyhow::Result<Vec<u8>> {
    let dirs = &settings.portal.storage;
    let (key, moved) =
        vamt_portal_storage::secret::load_or_move_key(&dirs.key_dir, &dirs.data_dir, name)
            .with_context(|| {
                format!("reading or creating {}", dirs.key_dir.join(name).display())
            })?;
    if moved {
        tracing::warn!(
            key = name,
            from = %dirs.data_dir.display(),
            to = %dirs.key_dir.display(),
            "key moved out of the data directory; backups of the data directory taken before hold it"
        );
    }
    Ok(key)
}

/// Makes a SQLite file owner-only, then opens (and migrates) the database.
async fn open_database(settings: &Settings) -> anyhow::Result<Db> {
    let url = &settings.portal.database_url;
    vamt_portal_storage::private_file::sqlite(url)
        .with_context(|| format!("making the database {url} owner-only"))?;
    vamt_portal_storage::db::open(url)
        .await
        .with_context(|| format!("opening database {url}"))
}

/// The SFU: its UDP socket and its shard threads, which end on `stop`.
struct Media {
    sfu: SfuHandle,
    threads: MediaThreads,
}

/// Binds the media UDP socket and starts the SFU's shards.
fn start_media(
    settings: &Settings,
    registry: &Registry,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<Media> {
    let (sfu, threads) = vamt_sfu::server::spawn(
        settings.media.listen,
        settings.media.public_ips.clone(),
        settings.media.shards,
        SfuMetrics::new(registry)?,
        until_true(stop.clone()),
    )
    .with_context(|| format!("binding media UDP socket {}", settings.media.listen))?;
    Ok(Media { sfu, threads })
}

impl Media {
    /// Waits for the shard threads to end (after the stop signal).
    async fn stopped(self) {
        let threads = self.threads;
        let _ = tokio::task::spawn_blocking(move || threads.join()).await;
    }
}

/// Binds the STUN/TURN relay when `turn.listen` is set (UDP, TCP on the same port, and TLS
/// when configured); it serves from [`start_relay`] on.
async fn bind_relay(
    settings: &Settings,
    turn_secret: &str,
    registry: &Registry,
) -> anyhow::Result<Option<TurnServer>> {
    let Some(addr) = settings.turn.listen else {
        return Ok(None);
    };
    // STUN for every browser, TURN with the REST credentials the call page mints.
    let mut cfg = vamt_turn::relay::RelayConfig::new(
        "vamt",
        vamt_turn::auth::Credentials::SharedSecret(turn_secret.to_owned()),
    );
    cfg.policy = vamt_turn::peer_policy::PeerPolicy::new()
        .allow_loopback(settings.raw.turn.allow_loopback_peers);
    let announced = settings.media.public_ips.iter().copied();
    let relays: Vec<vamt_turn::server::RelayAddress> = if addr.ip().is_unspecified() {
        announced
            .map(|ip| vamt_turn::server::RelayAddress {
                bind: if ip.is_ipv4() {
                    std::net::Ipv4Addr::UNSPECIFIED.into()
                } else {
                    std::net::Ipv6Addr::UNSPECIFIED.into()
                },
                external: Some(ip),
            })
            .collect()
    } else {
        vec![vamt_turn::server::RelayAddress {
            bind: addr.ip(),
            external: None,
        }]
    };
    // TCP on the same port, for networks that block UDP (as coturn does).
    let (server, tcp) =
        crate::turn::bind_udp_and_tcp(addr, &cfg, &relays, &TurnMetrics::new(registry)?).await?;
    let mut server = server.with_tcp(tcp);
    if let Some(tls) = &settings.turn.tls {
        let acceptor = vamt_turn::tls::acceptor(&tls.cert, &tls.key)
            .context("loading turn.tls_cert / turn.tls_key")?;
        let l = vamt_portal::listen(tls.listen)
            .with_context(|| format!("binding TURN TLS listener {}", tls.listen))?;
        server = server.with_tls(l, acceptor);
    }
    Ok(Some(server))
}

/// Serves the bound relay until `stop`.
fn start_relay(server: TurnServer, stop: &watch::Receiver<bool>) -> JoinHandle<()> {
    tokio::spawn(server.run(until_true(stop.clone())))
}

/// The portal's listener and the operations listener (metrics and health, when
/// `metrics.listen` is set).
struct Listeners {
    http: TcpListener,
    metrics: Option<TcpListener>,
}

fn bind_listeners(settings: &Settings) -> anyhow::Result<Listeners> {
    let addr = settings.portal.office.http.listen;
    let http =
        vamt_portal::listen(addr).with_context(|| format!("binding HTTP listener {addr}"))?;
    let metrics = match settings.metrics_listen {
        Some(addr) => Some(
            vamt_portal::listen(addr)
                .with_context(|| format!("binding metrics listener {addr}"))?,
        ),
        None => None,
    };
    Ok(Listeners { http, metrics })
}

/// The portal's state: signalling over the SFU, the booking office over the database.
fn build_portal(
    settings: &Settings,
    db: &Db,
    media: &Media,
    keys: Keys,
    registry: Registry,
    relay: bool,
) -> anyhow::Result<AppState> {
    // The binary builds the hub over the in-process SFU and hands it to the portal, which
    // reaches media only through signalling (issue 19).
    let clock: vamt_portal::state::Clock = Arc::new(chrono::Utc::now);
    let hub = AppState::signalling_hub(
        &settings.portal.call,
        Arc::new(media.sfu.clone()),
        keys.tokens.clone(),
        &registry,
        clock.clone(),
    )?;
    let state = AppState::build(
        settings.portal.clone(),
        db.clone(),
        hub,
        keys.tokens,
        keys.vault,
        registry,
        clock,
    )?;
    // Browsers are told of the relay only when this node runs it at an address they can
    // reach: the media plane's announced address, else the one the relay listens on.
    let reachable = settings
        .turn
        .listen
        .filter(|_| relay)
        .map(|addr| {
            let ip = settings
                .media
                .public_ips
                .first()
                .copied()
                .unwrap_or(addr.ip());
            SocketAddr::new(ip, addr.port())
        })
        .filter(|addr| !addr.ip().is_unspecified());
    let Some(address) = reachable else {
        return Ok(state);
    };
    let turn_secret = keys.turn_secret;
    Ok(state.with_relay(vamt_portal::state::Relay {
        address,
        tls_port: settings.turn.tls.as_ref().map(|tls| tls.listen.port()),
        credentials: Arc::new(move |identity, now, ttl| {
            vamt_turn::auth::rest_credentials(&turn_secret, identity, now, ttl)
        }),
    }))
}

/// Serves metrics and health on the operations listener until `stop`; returns its address.
fn serve_metrics(
    listener: Option<TcpListener>,
    state: &AppState,
    stop: &watch::Receiver<bool>,
) -> anyhow::Result<Option<SocketAddr>> {
    let Some(l) = listener else {
        return Ok(None);
    };
    let addr = l.local_addr()?;
    let app = vamt_portal::operations(state.clone());
    let mut stop = stop.clone();
    tokio::spawn(async move {
        let _ = axum::serve(l, app)
            .with_graceful_shutdown(async move {
                let _ = stop.wait_for(|v| *v).await;
            })
            .await;
    });
    Ok(Some(addr))
}

/// Logs that vamt is running and prints the banner (with a first start's secrets, or where
/// they are).
async fn announce(
    settings: &Settings,
    state: &AppState,
    media: &Media,
    metrics: Option<SocketAddr>,
    demo: Option<&DemoLogin>,
    hearing: Option<&(String, vamt_hearing::AccessCode)>,
) {
    let s = &settings.portal;
    tracing::info!(
        http = %s.office.http.listen,
        media = %media.sfu.local_addr(),
        stun = ?settings.turn.listen,
        metrics = ?metrics,
        data = %s.storage.data_dir.display(),
        mail = if state.outbox.mailer().outbox().is_some() { "outbox" } else { "smtp" },
        "vamt is running"
    );
    let first_start = match demo {
        None => None,
        Some(d) => first_start_text(s, d, hearing).await,
    };
    // The banner goes to stdout without `println!`: a reader that closed the pipe after the
    // first line (a test, a wrapper script) made the next `println!` panic and stopped the
    // server before its STUN/TURN loop started. A closed stdout never stops the server.
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "vamt is running at {}", s.office.http.public_url);
    if let Some(addr) = metrics {
        let _ = writeln!(out, "  metrics: http://{addr}/metrics");
    }
    if let Some(d) = &first_start {
        let _ = write!(out, "{d}");
    }
    if let Some(dir) = state.outbox.mailer().outbox() {
        let _ = writeln!(
            out,
            "  no SMTP server configured: e-mails go to {}",
            dir.display()
        );
    }
    let _ = out.flush();
}

/// What the banner says of the first start's secrets. On a terminal a person reads them
/// once. Anywhere else (systemd's journal, a container log, a file) stdout is a log that is
/// kept and shipped: the password and the join key go to an owner-only file instead, and
/// the banner says where.
async fn first_start_text(
    s: &vamt_portal::config::PortalSettings,
    d: &DemoLogin,
    hearing: Option<&(String, vamt_hearing::AccessCode)>,
) -> Option<String> {
    let mut secrets = format!(
        "  demo citizen join link: {}\n  clerk console: {}  user: {}  password: {}\n",
        d.join_url, d.clerk_url, d.clerk_username, d.clerk_password
    );
    if let Some((number, code)) = hearing {
        let base = s.office.http.public_url.trim_end_matches('/');
        secrets.push_str(&format!(
            "  demo hearing: {base}/hearing  case number: {number}  access code: {}\n",
            code.grouped()
        ));
    }
    if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Some(format!(
            "{secrets}  (the password is shown only on this first start)\n"
        ));
    }
    let path = s.storage.key_dir.join("first-start.txt");
    match vamt_portal_storage::private_file::write(&path, secrets.as_bytes()).await {
        Ok(()) => Some(format!(
            "  first start: the clerk's password and a demo join link are in {} (readable by this user only; delete it once read)\n",
            path.display()
        )),
        Err(e) => {
            tracing::error!(error = %e, path = %path.display(), "first start's secrets not written");
            None
        }
    }
}

/// The background jobs over the booking office, in the order they start and are awaited.
struct Jobs(Vec<JoinHandle<()>>);

/// Starts retention, reminders, holds, statistics, the mail courier, the case record's
/// retention, the payments' settle job and the hearing's erasure; each ends on `stop`.
fn start_jobs(state: &AppState, stop: &watch::Receiver<bool>) -> Jobs {
    let office: &Arc<Office> = &state.office;
    let stop = || until_true(stop.clone());
    Jobs(vec![
        tokio::spawn(vamt_booking::retention::run(office.clone(), stop())),
        tokio::spawn(vamt_booking::reminder::run(office.clone(), stop())),
        tokio::spawn(vamt_booking::hold::run(office.clone(), stop())),
        tokio::spawn(vamt_booking::stats::run(office.clone(), stop())),
        tokio::spawn({
            let (office, stop) = (office.clone(), stop());
            async move { vamt_booking::notify::courier(&office, stop).await }
        }),
        tokio::spawn(vamt_documents::retention::run(state.cases.clone(), stop())),
        tokio::spawn(vamt_payments::cashier::run(state.cashier.clone(), stop())),
        tokio::spawn(vamt_hearing::docket::run(state.hearings.clone(), stop())),
    ])
}

impl Jobs {
    /// Waits for each job to end (after the stop signal), in the order they started.
    async fn stopped(self) {
        for job in self.0 {
            let _ = job.await;
        }
    }
}

/// Turns true on SIGINT or SIGTERM.
fn on_signal() -> watch::Receiver<bool> {
    let (signal_tx, signal_rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = signal_tx.send(true);
    });
    signal_rx
}

/// Serves the portal until `signal`; then tells the calls (through the hub) and lets the
/// connections drain, for DRAIN_TIMEOUT at most.
async fn serve_http(
    listener: TcpListener,
    state: &AppState,
    signal: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let shutdown_hub = state.hub.clone();
    let graceful = {
        let rx = signal.clone();
        async move {
            until_true(rx).await;
            tracing::info!("shutting down: telling calls and draining");
            shutdown_hub.shutdown();
        }
    };
    let server = vamt_portal::server::serve(listener, state.clone(), graceful);
    tokio::select! {
        r = server => r.context("HTTP server failed")?,
        _ = async { until_true(signal).await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
            tracing::warn!("connections still open after the drain timeout; closing them");
        }
    }
    Ok(())
}
