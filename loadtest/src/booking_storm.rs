//! The release storm of `vamt-loadtest bench booking`: at the daily release time a new day
//! opens and many citizens try to book it at once. A real portal (in this process, on
//! loopback, with its real database: SQLite or PostgreSQL) takes `clients` concurrent
//! booking requests over HTTP for the day just released; each is timed from the request to
//! the last byte of the answer. Every request must get an answer: held (202) or taken with
//! alternatives (409); anything else counts as an error.
use std::sync::Arc;
use std::time::Instant;

use anyhow::Context;
use bytes::Bytes;
use chrono::{DateTime, TimeZone, Utc};
use chrono_tz::Europe::Berlin;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::Serialize;

use crate::report::quantile;

/// One storm's figures.
#[derive(Debug, Clone, Serialize)]
pub struct StormReport {
    /// `sqlite` or `postgres`.
    pub engine: String,
    /// Concurrent clients.
    pub clients: usize,
    /// Clerks at the virtual office.
    pub clerks: usize,
    /// Times on offer on the released day.
    pub released_slots: usize,
    /// Answered "held" (202).
    pub held: usize,
    /// Answered "taken" with alternatives (409).
    pub taken: usize,
    /// Anything else.
    pub errors: usize,
    /// Answer time, median, milliseconds.
    pub p50_ms: f64,
    /// Answer time, 99th percentile, milliseconds.
    pub p99_ms: f64,
    /// Slowest answer, milliseconds.
    pub max_ms: f64,
}

/// Monday 2026-11-23 08:00 in Berlin: the release moment of the day 14 ahead.
fn release_moment() -> DateTime<Utc> {
    Berlin
        .with_ymd_and_hms(2026, 11, 23, 8, 0, 0)
        .single()
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or_else(Utc::now)
}

/// Runs one storm against a fresh portal on `database_url` (`None`: SQLite in a
/// temporary directory).
pub async fn run(
    database_url: Option<&str>,
    clients: usize,
    clerks: usize,
) -> anyhow::Result<StormReport> {
    vamt_sfu::install_crypto_provider();
    let dir = tempfile_dir()?;
    let mut overrides = serde_json::json!({
        "storage": { "data_dir": dir.path() },
        // As an install runs: each held booking queues its opt-in mail in the database (the
        // courier, not started here, would send it later; nothing listens on port 9).
        "mail": { "smtp_url": "smtp://127.0.0.1:9" },
        "booking": {
            "lead_minutes": 0,
            "release_time": "08:00",
            "horizon_days": 14,
            // The storm is one address (loopback); the door's limits are not what is measured.
            "unproven_per_ip_hour": 100000,
            "max_per_ip_hour": 100000,
            "holds_per_client": 1000,
        },
    });
    if let Some(url) = database_url {
        overrides["database"] = serde_json::json!({ "url": url });
    }
    let settings =
        vamt_portal_core::config::load::<vamt_portal::config::PortalConfig>(None, overrides)
            .context("config")?
            .validate()
            .context("config")?;
    let engine = if settings.database_url.starts_with("postgres") {
        "postgres"
    } else {
        "sqlite"
    };
    let db = vamt_portal_storage::db::open(&settings.database_url)
        .await
        .context("database")?;
    let registry = prometheus::Registry::new();
    let (sfu, server) = vamt_sfu::server::bind(
        "127.0.0.1:0".parse()?,
        &[],
        vamt_sfu::SfuMetrics::new(&registry)?,
    )
    .await?;
    let now = release_moment();
    let tokens =
        vamt_signalling::TokenKeys::from_secret(b"storm-secret-storm-secret-storm-secret!");
    let clock: vamt_portal::state::Clock = Arc::new(move || now);
    let hub = vamt_portal::AppState::signalling_hub(
        &settings.call,
        Arc::new(sfu),
        tokens.clone(),
        &registry,
        clock.clone(),
    )?;
    let state = vamt_portal::AppState::build(
        settings,
        db,
        hub,
        tokens,
        vamt_portal_storage::vault::Vault::from_hex(
            "5707a5707a5707a5707a5707a5707a5707a5707a5707a5707a5707a5707a5707",
        )?,
        registry,
        clock,
    )?;
    vamt_booking::demo::seed_if_empty(&state).await?;
    for i in 1..clerks {
        vamt_booking::clerk::create(
            &state.db,
            &format!("desk{i}"),
            &format!("Desk {i}"),
            "x",
            now,
        )
        .await?;
    }
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let media_stop = {
        let mut rx = stop_rx.clone();
        async move {
            let _ = rx.wait_for(|v| *v).await;
        }
    };
    tokio::spawn(server.run(media_stop));
    let listener = vamt_portal::listen("127.0.0.1:0".parse()?)?;
    let addr = listener.local_addr()?;
    let mut rx = stop_rx;
    tokio::spawn(vamt_portal::server::serve(
        listener,
        state.clone(),
        async move {
            let _ = rx.wait_for(|v| *v).await;
        },
    ));
    let base = format!("http://{addr}");

    // The day just released: the last day on offer.
    let client: Client<_, Full<Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let slots_uri = format!("{base}/api/v1/slots?services=meldebescheinigung");
    let resp = client.get(slots_uri.parse()?).await?;
    let body = resp.into_body().collect().await?.to_bytes();
    let slots: serde_json::Value = serde_json::from_slice(&body)?;
    let starts: Vec<String> = slots["slots"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|s| s["start"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let last_day = starts
        .last()
        .map(|s| s[..10].to_owned())
        .unwrap_or_default();
    let released: Vec<String> = starts
        .into_iter()
        .filter(|s| s.starts_with(&last_day))
        .collect();
    anyhow::ensure!(!released.is_empty(), "no times on the released day");
    let released = Arc::new(released);

    let gate = Arc::new(tokio::sync::Barrier::new(clients));
    let mut tasks = Vec::with_capacity(clients);
    for i in 0..clients {
        let (gate, released) = (gate.clone(), released.clone());
        tasks.push(tokio::spawn(async move {
            let mut rng = StdRng::seed_from_u64(i as u64);
            // Most go for the first hours of the day, as people do.
            let pick = (rng.random::<f64>().powi(2) * released.len() as f64) as usize;
            let body = serde_json::json!({
                "services": ["meldebescheinigung"],
                "start": released[pick.min(released.len() - 1)],
                "name": format!("Storm {i}"),
                "email": format!("storm{i}@example.org"),
                "lang": "de",
            })
            .to_string();
            let request = format!(
                "POST /api/v1/bookings HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            gate.wait().await;
            let t0 = Instant::now();
            let status = post(addr, request.as_bytes()).await.unwrap_or(0);
            (status, t0.elapsed().as_secs_f64() * 1000.0)
        }));
    }
    let mut latencies = Vec::with_capacity(clients);
    let (mut held, mut taken, mut errors) = (0, 0, 0);
    for t in tasks {
        let (status, ms) = t.await?;
        latencies.push(ms);
        match status {
            202 => held += 1,
            409 => taken += 1,
            _ => errors += 1,
        }
    }
    let _ = stop.send(true);
    latencies.sort_by(f64::total_cmp);
    Ok(StormReport {
        engine: engine.to_owned(),
        clients,
        clerks,
        released_slots: released.len(),
        held,
        taken,
        errors,
        p50_ms: quantile(&latencies, 0.5),
        p99_ms: quantile(&latencies, 0.99),
        max_ms: latencies.last().copied().unwrap_or(0.0),
    })
}

/// One request on a connection of its own, read to the server's close: the status, or
/// `None` if the answer did not come whole. A few lines of HTTP/1.1 rather than a client
/// library, because the 500 clients share the server's two cores and should take as
/// little of them as they can.
async fn post(addr: std::net::SocketAddr, request: &[u8]) -> Option<u16> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    stream.write_all(request).await.ok()?;
    let mut answer = Vec::with_capacity(2048);
    stream.read_to_end(&mut answer).await.ok()?;
    let head_end = answer.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = std::str::from_utf8(&answer[..head_end]).ok()?;
    let length: usize = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())?;
    if answer.len() - head_end - 4 != length {
        return None;
    }
    head.split(' ').nth(1)?.parse().ok()
}

fn tempfile_dir() -> anyhow::Result<tempfile::TempDir> {
    Ok(tempfile::tempdir()?)
}

/// A database of its own on the PostgreSQL server `admin` names, for one storm; dropped by
/// [`drop_postgres`].
pub async fn create_postgres(admin: &str) -> anyhow::Result<(String, String)> {
    use sqlx::Connection;
    let name = format!("vamt_storm_{}", std::process::id());
    let mut conn = sqlx::postgres::PgConnection::connect(admin)
        .await
        .with_context(|| format!("connecting to {admin}"))?;
    // The name is ours (a process ID), not input.
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name}"
    )))
    .execute(&mut conn)
    .await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(&mut conn)
        .await?;
    let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
    Ok((format!("{base}/{name}"), name))
}

/// Drops the storm's database.
pub async fn drop_postgres(admin: &str, name: &str) -> anyhow::Result<()> {
    use sqlx::Connection;
    let mut conn = sqlx::postgres::PgConnection::connect(admin).await?;
    sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
    )))
    .execute(&mut conn)
    .await?;
    Ok(())
}
