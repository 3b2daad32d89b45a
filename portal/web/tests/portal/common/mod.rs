//! A whole portal with its media server on loopback, for integration tests.
#![allow(dead_code)]
use std::net::SocketAddr;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use prometheus::Registry;
use serde_json::{json, Value};
use tokio::sync::watch;
use vamt_booking::demo::DemoLogin;
use vamt_portal::config::PortalConfig;
use vamt_portal::AppState;
use vamt_portal_core::config::load;
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
    /// The media server the hub drives, for tests that talk to its socket directly.
    pub sfu: vamt_sfu::server::SfuHandle,
    pub clock: TestClock,
    pub addr: SocketAddr,
    pub demo: DemoLogin,
    stop: watch::Sender<bool>,
    _dir: tempfile::TempDir,
    _pg: Option<PgDatabase>,
}

impl Drop for Stack {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

/// The PostgreSQL server the suite runs against when `VAMT_TEST_POSTGRES` names one (an
/// admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`); SQLite otherwise.
/// `scripts/test` runs the suite once on each.
pub fn postgres_admin_url() -> Option<String> {
    std::env::var("VAMT_TEST_POSTGRES")
        .ok()
        .filter(|u| !u.is_empty())
}

/// A database of its own for one test, dropped with it.
pub struct PgDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl PgDatabase {
    pub async fn create(admin: &str) -> Self {
        use sqlx::Connection;
        let name = format!("vamt_t_{}", uuid::Uuid::new_v4().simple());
        let mut conn = sqlx::postgres::PgConnection::connect(admin)
            .await
            .expect("the PostgreSQL named by VAMT_TEST_POSTGRES accepts connections");
        // The name is ours (a UUID), not input: safe to splice.
        sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut conn)
            .await
            .expect("create test database");
        let base = admin.rsplit_once('/').map_or(admin, |(b, _)| b);
        Self {
            admin: admin.to_owned(),
            url: format!("{base}/{name}"),
            name,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let (admin, name) = (self.admin.clone(), self.name.clone());
        // Drop runs inside the test's runtime, which cannot block on itself: a thread with
        // a runtime of its own removes the database.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async move {
                use sqlx::Connection;
                if let Ok(mut conn) = sqlx::postgres::PgConnection::connect(&admin).await {
                    let _ = sqlx::raw_sql(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&mut conn)
                    .await;
                }
            });
        })
        .join();
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
        // The door's limits are tested on their own (booking_race.rs); elsewhere one test
        // books more often than an hour allows one address without a proof.
        "booking": { "lead_minutes": 0, "unproven_per_ip_hour": 1000, "max_per_ip_hour": 1000, "holds_per_client": 1000 },
    });
    let pg = match postgres_admin_url() {
        Some(admin) => Some(PgDatabase::create(&admin).await),
        None => None,
    };
    if let Some(pg) = &pg {
        merge(&mut base, json!({ "database": { "url": pg.url } }));
    }
    merge(&mut base, overrides);
    let settings = load::<PortalConfig>(None, base)
        .expect("config loads")
        .validate()
        .expect("config valid");
    let db = vamt_portal_storage::db::open(&settings.database_url)
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
    let portal_clock: vamt_portal::state::Clock = {
        let clock = clock.clone();
        Arc::new(move || clock.now())
    };
    let hub = AppState::signalling_hub(
        &settings.call,
        Arc::new(sfu.clone()),
        TokenKeys::from_secret(SECRET),
        &registry,
        portal_clock.clone(),
    )
    .expect("hub");
    let state = AppState::build(
        settings,
        db,
        hub,
        TokenKeys::from_secret(SECRET),
        vamt_portal_storage::vault::Vault::from_hex(DATA_KEY).expect("data key"),
        registry,
        portal_clock,
    )
    .expect("state")
    .with_sealer(demo_sealer());
    let demo = vamt_booking::demo::seed_if_empty(&state)
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
    let mut rx2 = stop_rx;
    tokio::spawn(vamt_portal::server::serve(
        listener,
        state.clone(),
        async move {
            let _ = rx2.wait_for(|v| *v).await;
        },
    ));
    Stack {
        state,
        sfu,
        clock,
        addr,
        demo,
        stop,
        _dir: dir,
        _pg: pg,
    }
}

/// The demo seal, made once per test process (a key pair per test would be wasted work).
fn demo_sealer() -> vamt_pdf::Sealer {
    static PEM: std::sync::OnceLock<(String, String)> = std::sync::OnceLock::new();
    let (cert, key) = PEM.get_or_init(|| vamt_pdf::demo_sealer("Testamt").expect("demo seal"));
    vamt_pdf::Sealer::from_pem(cert, key).expect("demo seal loads")
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

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'.' | b'_' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Every mail in the outbox, oldest first, unfolded (quoted-printable soft breaks and
/// `=3D` undone).
pub fn outbox(stack: &Stack) -> Vec<String> {
    let dir = stack.state.settings.data_dir.join("outbox");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            std::fs::read_to_string(p)
                .expect("mail")
                .replace("=\r\n", "")
                .replace("=3D", "=")
        })
        .collect()
}

/// The mails in the outbox to `email`, oldest first.
pub fn outbox_to(stack: &Stack, email: &str) -> Vec<String> {
    let to = format!("To: {email}");
    outbox(stack)
        .into_iter()
        .filter(|m| m.contains(&to))
        .collect()
}

/// An answer of the app, read whole.
pub struct Resp {
    pub status: axum::http::StatusCode,
    pub location: String,
    pub body: String,
    /// The `name=value` of a cookie set, if any.
    pub cookie: Option<String>,
    /// The body as sent (a PDF is no text).
    pub bytes: Vec<u8>,
}

/// Sends `req` to a fresh router over the stack's state.
pub async fn call(stack: &Stack, req: axum::http::Request<axum::body::Body>) -> Resp {
    let resp = tower::ServiceExt::oneshot(vamt_portal::app(stack.state.clone()), req)
        .await
        .expect("infallible");
    let status = resp.status();
    let location = resp
        .headers()
        .get(axum::http::header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let cookie = resp
        .headers()
        .get(axum::http::header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    Resp {
        status,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        cookie,
        bytes: bytes.to_vec(),
    }
}

/// A GET with a cookie.
pub fn get(uri: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::get(uri)
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::empty())
        .expect("request")
}

/// A form POST with a cookie.
pub fn post(uri: &str, form: &str, cookie: &str) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::post(uri)
        .header(
            axum::http::header::CONTENT_TYPE,
            "application/x-www-form-urlencoded",
        )
        .header(axum::http::header::COOKIE, cookie)
        .body(axum::body::Body::from(form.to_owned()))
        .expect("request")
}

/// Signs in as `username`; returns the session cookie pair.
pub async fn sign_in(stack: &Stack, username: &str, password: &str) -> String {
    let resp = call(
        stack,
        axum::http::Request::post("/clerk/login")
            .header(
                axum::http::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(axum::body::Body::from(format!(
                "username={}&password={}",
                enc(username),
                enc(password)
            )))
            .expect("request"),
    )
    .await;
    assert_eq!(
        resp.status,
        axum::http::StatusCode::SEE_OTHER,
        "sign-in of {username}"
    );
    resp.cookie.expect("session cookie")
}

/// The booking ID and link key of the first mail to `email` that links a booking.
pub fn key_from_outbox(stack: &Stack, email: &str) -> (String, String) {
    for raw in outbox_to(stack, email) {
        if let Some(at) = raw.find("/booking/BK_") {
            let rest = &raw[at + "/booking/".len()..];
            let id = rest[..rest.find('/').expect("id")].to_owned();
            let key = &rest[rest.find("key=").expect("key") + 4..];
            let key = key[..key.find('&').expect("lang follows")].to_owned();
            return (id, key);
        }
    }
    panic!("no mail to {email}");
}

/// A JSON request.
pub fn json_request(
    method: &str,
    uri: &str,
    body: &serde_json::Value,
) -> axum::http::Request<axum::body::Body> {
    axum::http::Request::builder()
        .method(method)
        .uri(uri)
        .header(axum::http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body.to_string()))
        .expect("request")
}

/// The operators' listener's `/metrics` (metrics.listen), as Prometheus reads it.
pub async fn metrics_text(stack: &Stack) -> String {
    let resp = tower::ServiceExt::oneshot(
        vamt_portal::operations(stack.state.clone()),
        axum::http::Request::get("/metrics")
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await
    .expect("infallible");
    let bytes = http_body_util::BodyExt::collect(resp.into_body())
        .await
        .expect("body")
        .to_bytes();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// The free times of the service `slug` at the virtual office now, as the engine finds them.
pub async fn free_times(stack: &Stack, slug: &str) -> Vec<vamt_portal_core::schedule::Offer> {
    let services: Vec<_> = vamt_booking::booking::services(&stack.state.db)
        .await
        .expect("services")
        .into_iter()
        .filter(|s| s.slug == slug)
        .collect();
    vamt_booking::booking::free_slots(
        &stack.state.db,
        &stack.state.settings,
        stack.clock.now(),
        &services,
    )
    .await
    .expect("free times")
}

/// The demo booking's ID and join key, from its join link.
pub fn demo_booking(stack: &Stack) -> (String, String) {
    let url = &stack.demo.join_url;
    let id = url
        .split("/call/")
        .nth(1)
        .and_then(|r| r.split('?').next())
        .expect("booking id")
        .to_owned();
    let key = url
        .split("key=")
        .nth(1)
        .and_then(|r| r.split('&').next())
        .expect("key")
        .to_owned();
    (id, key)
}

pub fn json(body: &str) -> serde_json::Value {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

/// The citizen's token, by the API a program uses (no HTML).
pub async fn citizen_token(stack: &Stack, booking: &str, key: &str) -> String {
    let r = call(
        stack,
        json_request(
            "POST",
            &format!("/api/v1/calls/{booking}/token"),
            &serde_json::json!({ "key": key }),
        ),
    )
    .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(v["role"], "citizen");
    assert_eq!(v["signalling"], "/ws");
    v["token"].as_str().expect("token").to_owned()
}

pub async fn clerk_token(stack: &Stack, booking: &str) -> String {
    let cookie = sign_in(
        stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let r = call(
        stack,
        axum::http::Request::post(format!("/api/v1/calls/{booking}/clerk-token"))
            .header(axum::http::header::COOKIE, cookie)
            .body(axum::body::Body::empty())
            .expect("request"),
    )
    .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(v["role"], "clerk");
    v["token"].as_str().expect("token").to_owned()
}

pub fn with_token(
    mut req: axum::http::Request<axum::body::Body>,
    token: &str,
) -> axum::http::Request<axum::body::Body> {
    req.headers_mut().insert(
        axum::http::header::AUTHORIZATION,
        format!("Bearer {token}").parse().expect("header"),
    );
    req
}

/// A tool of poppler or zbar, its standard output as text.
pub fn tool(program: &str, args: &[&str]) -> String {
    let out = std::process::Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs (scripts/install-deps test): {e}"));
    assert!(
        out.status.success(),
        "{program}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}
