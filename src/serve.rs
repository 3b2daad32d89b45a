//! `vamt serve`: every part in one process.
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use prometheus::Registry;
use tokio::sync::watch;
use vamt_portal::AppState;
use vamt_portal_core::config::Settings;
use vamt_portal_storage::vault::Vault;
use vamt_sfu::SfuMetrics;
use vamt_signalling::TokenKeys;
use vamt_turn::TurnMetrics;

/// How long open calls get to close after a shutdown signal before the process exits.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

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

pub async fn run(settings: Settings) -> anyhow::Result<()> {
    init_logging(&settings);
    vamt_sfu::install_crypto_provider();
    vamt_portal_storage::private_file::dir(&settings.data_dir)
        .with_context(|| format!("creating data directory {}", settings.data_dir.display()))?;
    // Generated keys live apart from the data (storage.key_dir); an older install's are
    // moved there once.
    let key = |name: &str| -> anyhow::Result<Vec<u8>> {
        let (key, moved) = vamt_portal_storage::secret::load_or_move_key(
            &settings.key_dir,
            &settings.data_dir,
            name,
        )
        .with_context(|| {
            format!(
                "reading or creating {}",
                settings.key_dir.join(name).display()
            )
        })?;
        if moved {
            tracing::warn!(
                key = name,
                from = %settings.data_dir.display(),
                to = %settings.key_dir.display(),
                "key moved out of the data directory; backups of the data directory taken before hold it"
            );
        }
        Ok(key)
    };

    let registry = Registry::new();
    let secret = if settings.raw.security.token_secret.is_empty() {
        key("token.key")?
    } else {
        settings.raw.security.token_secret.as_bytes().to_vec()
    };
    let tokens = TokenKeys::from_secret(&secret);
    let turn_secret = if settings.raw.turn.secret.is_empty() {
        String::from_utf8_lossy(&key("turn.key")?).into_owned()
    } else {
        settings.raw.turn.secret.clone()
    };
    let vault = if settings.raw.security.data_key.is_empty() {
        let data_key = key("data.key")?;
        Vault::from_hex(&String::from_utf8_lossy(&data_key)).with_context(|| {
            format!(
                "{} is not a valid data key",
                settings.key_dir.join("data.key").display()
            )
        })?
    } else {
        Vault::from_hex(&settings.raw.security.data_key)?
    };
    vamt_portal_storage::private_file::sqlite(&settings.database_url)
        .with_context(|| format!("making the database {} owner-only", settings.database_url))?;

    let db = vamt_portal_storage::db::open(&settings.database_url)
        .await
        .with_context(|| format!("opening database {}", settings.database_url))?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let (sfu, sfu_thread) = vamt_sfu::server::spawn(
        settings.media_listen,
        settings.media_public_ips.clone(),
        settings.raw.media.shards,
        SfuMetrics::new(&registry)?,
        until_true(stop_rx.clone()),
    )
    .with_context(|| format!("binding media UDP socket {}", settings.media_listen))?;

    let stun = match settings.stun_listen {
        Some(addr) => {
            // STUN for every browser, TURN with the REST credentials the call page mints.
            let mut cfg = vamt_turn::relay::RelayConfig::new(
                "vamt",
                vamt_turn::auth::Credentials::SharedSecret(turn_secret.clone()),
            );
            cfg.policy = vamt_turn::peer_policy::PeerPolicy::new()
                .allow_loopback(settings.raw.turn.allow_loopback_peers);
            let announced = settings.media_public_ips.iter().copied();
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
                crate::turn::bind_udp_and_tcp(addr, &cfg, &relays, &TurnMetrics::new(&registry)?)
                    .await?;
            let mut server = server.with_tcp(tcp);
            if let Some(tls) = &settings.turn_tls {
                let acceptor = vamt_turn::tls::acceptor(&tls.cert, &tls.key)
                    .context("loading turn.tls_cert / turn.tls_key")?;
                let l = vamt_portal::listen(tls.listen)
                    .with_context(|| format!("binding TURN TLS listener {}", tls.listen))?;
                server = server.with_tls(l, acceptor);
            }
            Some(server)
        }
        None => None,
    };

    let listener = vamt_portal::listen(settings.http_listen)
        .with_context(|| format!("binding HTTP listener {}", settings.http_listen))?;
    let metrics_listener = match settings.metrics_listen {
        Some(addr) => Some(
            vamt_portal::listen(addr)
                .with_context(|| format!("binding metrics listener {addr}"))?,
        ),
        None => None,
    };

    // The binary builds the hub over the in-process SFU and hands it to the portal, which
    // reaches media only through signalling (issue 19).
    let clock: vamt_portal::state::Clock = Arc::new(chrono::Utc::now);
    let hub = AppState::signalling_hub(
        &settings,
        Arc::new(sfu.clone()),
        tokens.clone(),
        &registry,
        clock.clone(),
    )?;
    let state = AppState::build(settings, db.clone(), hub, tokens, vault, registry, clock)?;
    // Browsers get TURN credentials only when this node runs the relay.
    let state = if stun.is_some() {
        state.with_turn_credentials(Arc::new(move |identity, now, ttl| {
            vamt_turn::auth::rest_credentials(&turn_secret, identity, now, ttl)
        }))
    } else {
        state
    };
    let hub = state.hub.clone();
    let metrics_addr = match metrics_listener {
        Some(l) => {
            let addr = l.local_addr()?;
            let app = vamt_portal::operations(state.clone());
            let mut stop = stop_rx.clone();
            tokio::spawn(async move {
                let _ = axum::serve(l, app)
                    .with_graceful_shutdown(async move {
                        let _ = stop.wait_for(|v| *v).await;
                    })
                    .await;
            });
            Some(addr)
        }
        None => None,
    };

    let demo = vamt_booking::demo::seed_if_empty(&state).await?;
    let s = &state.settings;
    tracing::info!(
        http = %s.http_listen,
        media = %sfu.local_addr(),
        stun = ?s.stun_listen,
        metrics = ?metrics_addr,
        data = %s.data_dir.display(),
        mail = if state.outbox.mailer().outbox().is_some() { "outbox" } else { "smtp" },
        "vamt is running"
    );
    // On a terminal a person reads the first start's secrets once. Anywhere else (systemd's
    // journal, a container log, a file) stdout is a log that is kept and shipped: the
    // password and the join key go to an owner-only file instead, and the banner says where.
    let first_start = match &demo {
        None => None,
        Some(d) => {
            let secrets = format!(
                "  demo citizen join link: {}\n  clerk console: {}  user: {}  password: {}\n",
                d.join_url, d.clerk_url, d.clerk_username, d.clerk_password
            );
            if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
                Some(format!(
                    "{secrets}  (the password is shown only on this first start)\n"
                ))
            } else {
                let path = s.key_dir.join("first-start.txt");
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
        }
    };
    // The banner goes to stdout without `println!`: a reader that closed the pipe after the
    // first line (a test, a wrapper script) made the next `println!` panic and stopped the
    // server before its STUN/TURN loop started. A closed stdout never stops the server.
    {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "vamt is running at {}", s.public_url);
        if let Some(addr) = metrics_addr {
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

    let stun_task = stun.map(|srv| tokio::spawn(srv.run(until_true(stop_rx.clone()))));
    let retention_task = tokio::spawn(vamt_booking::retention::run(
        state.office.clone(),
        until_true(stop_rx.clone()),
    ));
    let reminder_task = tokio::spawn(vamt_booking::reminder::run(
        state.office.clone(),
        until_true(stop_rx.clone()),
    ));
    let hold_task = tokio::spawn(vamt_booking::hold::run(
        state.office.clone(),
        until_true(stop_rx.clone()),
    ));
    let stats_task = tokio::spawn(vamt_booking::stats::run(
        state.office.clone(),
        until_true(stop_rx.clone()),
    ));
    let mail_task = tokio::spawn({
        let (office, stop) = (state.office.clone(), until_true(stop_rx.clone()));
        async move { vamt_booking::notify::courier(&office, stop).await }
    });

    let (signal_tx, signal_rx) = watch::channel(false);
    tokio::spawn(async move {
        wait_for_signal().await;
        let _ = signal_tx.send(true);
    });

    let shutdown_hub = hub.clone();
    let graceful = {
        let rx = signal_rx.clone();
        async move {
            until_true(rx).await;
            tracing::info!("shutting down: telling calls and draining");
            shutdown_hub.shutdown();
        }
    };
    let server = vamt_portal::server::serve(listener, state.clone(), graceful);
    tokio::select! {
        r = server => r.context("HTTP server failed")?,
        _ = async { until_true(signal_rx).await; tokio::time::sleep(DRAIN_TIMEOUT).await } => {
            tracing::warn!("connections still open after the drain timeout; closing them");
        }
    }

    let _ = stop_tx.send(true);
    let _ = tokio::task::spawn_blocking(move || sfu_thread.join()).await;
    let _ = retention_task.await;
    let _ = reminder_task.await;
    let _ = hold_task.await;
    let _ = stats_task.await;
    let _ = mail_task.await;
    if let Some(t) = stun_task {
        let _ = t.await;
    }
    db.close().await;
    tracing::info!("vamt stopped");
    Ok(())
}
