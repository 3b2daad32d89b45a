//! A whole portal with its media server on loopback, for integration tests.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use prometheus::Registry;
use serde_json::{json, Value};
use tokio::sync::watch;
use vamt_portal::config::Config;
use vamt_portal::demo::DemoLogin;
use vamt_portal::AppState;
use vamt_signalling::TokenKeys;

pub const SECRET: &[u8] = b"test-secret-test-secret-test-secret!";
pub const DATA_KEY: &str = "5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed";

/// A clock the test moves by hand.
#[derive(Clone)]
pub struct TestClock(Arc<std::sync::atomic::AtomicI64>);

impl TestClock {
    pub fn now(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.0.load(std::sync::atomic::Ordering::SeqCst), 0)
            .expect("valid time")
    }

    pub fn advance(&self, by: chrono::Duration) {
        self.0
            .fetch_add(by.num_seconds(), std::sync::atomic::Ordering::SeqCst);
    }
}

pub struct Stack {
    pub state: AppState,
    pub clock: TestClock,
    pub addr: SocketAddr,
    pub demo: DemoLogin,
    stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// Monday 2026-11-23, 08:00 in Berlin.
pub fn monday_morning() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2026-11-23T07:00:00Z")
        .expect("time")
        .with_timezone(&Utc)
}

pub async fn start(now: DateTime<Utc>, overrides: Value) -> Stack {
    vamt_sfu::install_crypto_provider();
    let clock = TestClock(Arc::new(std::sync::atomic::AtomicI64::new(now.timestamp())));
    let dir = tempfile::tempdir().expect("tempdir");
    let mut base = json!({
        "storage": { "data_dir": dir.path() },
        "booking": { "lead_minutes": 0 },
        "turn": { "enabled": false },
    });
    merge(&mut base, overrides);
    let settings = Config::load(None, base)
        .expect("config loads")
        .validate()
        .expect("config valid");
    let db = vamt_portal::db::open(&settings.database_url)
        .await
        .expect("db");
    let registry = Registry::new();
    let (sfu, server) = vamt_sfu::server::bind(
        "127.0.0.1:0".parse().expect("addr"),
        &[],
        vamt_sfu::SfuMetrics::new(&registry).expect("metrics"),
    )
    .await
    .expect("media socket");
    let state = AppState::build(
        settings,
        db,
        sfu,
        TokenKeys::from_secret(SECRET),
        vamt_portal::vault::Vault::from_hex(DATA_KEY).expect("data key"),
        registry,
        {
            let clock = clock.clone();
            Arc::new(move || clock.now())
        },
    )
    .expect("state");
    let demo = vamt_portal::demo::seed_if_empty(&state)
        .await
        .expect("seed")
        .expect("fresh database seeds");
    let (stop, stop_rx) = watch::channel(false);
    let mut rx1 = stop_rx.clone();
    tokio::spawn(server.run(async move {
        let _ = rx1.wait_for(|v| *v).await;
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = vamt_portal::app(state.clone());
    let mut rx2 = stop_rx;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx2.wait_for(|v| *v).await;
            })
            .await;
    });
    Stack {
        state,
        clock,
        addr,
        demo,
        stop,
        _dir: dir,
    }
}

fn merge(base: &mut Value, over: Value) {
    match (base, over) {
        (Value::Object(b), Value::Object(o)) => {
            for (k, v) in o {
                merge(b.entry(k).or_insert(Value::Null), v);
            }
        }
        (b, o) => *b = o,
    }
}
