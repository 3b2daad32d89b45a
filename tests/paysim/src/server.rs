//! What both simulators share: the accept loop, the modes of §5.1 (applied to the API
//! only), the request log, the common control endpoints and small helpers.

use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use hyper_util::rt::TokioIo;
use rand::Rng;
use serde::Deserialize;
use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tower::ServiceExt;

use crate::RecordedRequest;

/// Largest request body the simulators read; provider answers and requests are small.
const BODY_LIMIT: usize = 1024 * 1024;

/// Locks a mutex, taking the data even if a panicking task poisoned it: the state is
/// test data, and one failed handler should not take the whole simulator down.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// How the API answers (§5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Normal,
    Down,
    Error503,
    Timeout { seconds: u64 },
    DownThenBack { until: Instant },
    Slow { millis: u64 },
}

impl Mode {
    fn word(self) -> &'static str {
        match self {
            Mode::Normal => "normal",
            Mode::Down => "down",
            Mode::Error503 => "error503",
            Mode::Timeout { .. } => "timeout",
            Mode::DownThenBack { .. } => "down_then_back",
            Mode::Slow { .. } => "slow",
        }
    }
}

/// State every simulator has, whatever the provider.
pub(crate) struct Common {
    mode: Mutex<Mode>,
    requests: Mutex<Vec<RecordedRequest>>,
    /// `POST /_sim/return_method {"method":"post"}`: returns as auto-submitted form POST.
    return_post: AtomicBool,
    /// Strings replaced by `[redacted]` in recorded bodies (the configured secrets).
    secrets: Vec<String>,
    /// Whether a path is the provider's API (modes and the log apply) rather than a pay
    /// page or the control API.
    is_api: fn(&str) -> bool,
    /// The provider's answer in mode `error503`.
    unavailable: fn() -> Response,
}

impl Common {
    pub(crate) fn new(
        secrets: Vec<String>,
        is_api: fn(&str) -> bool,
        unavailable: fn() -> Response,
    ) -> Arc<Self> {
        Arc::new(Common {
            mode: Mutex::new(Mode::Normal),
            requests: Mutex::new(Vec::new()),
            return_post: AtomicBool::new(false),
            secrets: secrets.into_iter().filter(|s| !s.is_empty()).collect(),
            is_api,
            unavailable,
        })
    }

    pub(crate) fn requests(&self) -> Vec<RecordedRequest> {
        lock(&self.requests).clone()
    }

    pub(crate) fn return_post(&self) -> bool {
        self.return_post.load(Ordering::Relaxed)
    }

    /// Back to the start: normal mode, empty log, returns by redirect.
    pub(crate) fn reset(&self) {
        *lock(&self.mode) = Mode::Normal;
        lock(&self.requests).clear();
        self.return_post.store(false, Ordering::Relaxed);
    }

    /// The mode in force now; `down_then_back` turns itself into `normal` when its time
    /// is up.
    fn effective_mode(&self) -> Mode {
        let mut mode = lock(&self.mode);
        if let Mode::DownThenBack { until } = *mode {
            if Instant::now() >= until {
                *mode = Mode::Normal;
            }
        }
        *mode
    }

    fn record(&self, parts: &axum::http::request::Parts, body: &[u8], mode: Mode) {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                let value = if name == axum::http::header::AUTHORIZATION {
                    // Keep the scheme, so a test can still see Basic versus Bearer.
                    match value.split_once(' ') {
                        Some((scheme, _)) => format!("{scheme} [redacted]"),
                        None => "[redacted]".to_owned(),
                    }
                } else {
                    value
                };
                (name.as_str().to_owned(), value)
            })
            .collect();
        let mut text = String::from_utf8_lossy(body).into_owned();
        for secret in &self.secrets {
            text = text.replace(secret.as_str(), "[redacted]");
            let encoded: String = serde_urlencoded::to_string([("", secret.as_str())])
                .map(|s| s.trim_start_matches('=').to_owned())
                .unwrap_or_default();
            if !encoded.is_empty() {
                text = text.replace(encoded.as_str(), "[redacted]");
            }
        }
        let path = parts
            .uri
            .path_and_query()
            .map_or_else(|| parts.uri.path().to_owned(), |pq| pq.as_str().to_owned());
        lock(&self.requests).push(RecordedRequest {
            method: parts.method.as_str().to_owned(),
            path,
            headers,
            body: text,
            mode: mode.word().to_owned(),
        });
    }
}

/// Put into every request's extensions by the accept loop: notifying it drops the
/// connection with a reset, which is how modes `down` and `timeout` end a request.
#[derive(Clone)]
struct ConnKill(Arc<Notify>);

/// The middleware in front of every route: records API requests and applies the mode.
pub(crate) async fn gate(State(common): State<Arc<Common>>, req: Request, next: Next) -> Response {
    if !(common.is_api)(req.uri().path()) {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    let bytes = match axum::body::to_bytes(body, BODY_LIMIT).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    let mode = common.effective_mode();
    common.record(&parts, &bytes, mode);
    match mode {
        Mode::Down | Mode::DownThenBack { .. } => return kill(&parts).await,
        Mode::Error503 => return (common.unavailable)(),
        Mode::Timeout { seconds } => {
            tokio::time::sleep(Duration::from_secs(seconds)).await;
            return kill(&parts).await;
        }
        Mode::Slow { millis } => tokio::time::sleep(Duration::from_millis(millis)).await,
        Mode::Normal => {}
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

async fn kill(parts: &axum::http::request::Parts) -> Response {
    match parts.extensions.get::<ConnKill>() {
        Some(k) => {
            k.0.notify_one();
            // The connection task drops this future with the connection.
            std::future::pending::<Response>().await
        }
        None => StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// Binds `host:0` and serves `router` in a task. Returns the base URL and the task.
pub(crate) async fn serve(
    host: &str,
    router: Router,
) -> std::io::Result<(String, tokio::task::JoinHandle<()>)> {
    let listener = TcpListener::bind((host, 0)).await?;
    let addr = listener.local_addr()?;
    let task = tokio::spawn(accept_on(listener, router));
    Ok((format!("http://{addr}"), task))
}

/// Serves `router` on an already bound listener until the task is aborted.
pub(crate) async fn accept_on(listener: TcpListener, router: Router) {
    accept_with(listener, router, None).await;
}

/// As [`accept_on`], with TLS when `tls` is given (the mTLS mode of §5.2).
pub(crate) async fn accept_with(
    listener: TcpListener,
    router: Router,
    tls: Option<tokio_rustls::TlsAcceptor>,
) {
    loop {
        let stream = match listener.accept().await {
            Ok((s, _)) => s,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                tracing::warn!(error = %e, "paysim accept");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let router = router.clone();
        let tls = tls.clone();
        tokio::spawn(async move {
            let dup = Dup::of(&stream);
            match tls {
                None => serve_connection(stream, router, dup).await,
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(tls_stream) => serve_connection(tls_stream, router, dup).await,
                    // No client certificate, or one of another CA: the handshake fails,
                    // which is the whole point of the mode.
                    Err(e) => tracing::debug!(error = %e, "paysim TLS handshake"),
                },
            }
        });
    }
}

async fn serve_connection<S>(stream: S, router: Router, dup: Dup)
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let kill = Arc::new(Notify::new());
    let ext = ConnKill(kill.clone());
    let svc = hyper::service::service_fn(move |mut req: hyper::Request<hyper::body::Incoming>| {
        req.extensions_mut().insert(ext.clone());
        let router = router.clone();
        async move { Ok::<_, Infallible>(router.oneshot(req).await.into_response()) }
    });
    let conn =
        hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc);
    tokio::select! {
        _ = conn => {}
        () = kill.notified() => dup.reset(),
    }
}

/// A second descriptor of a connection's socket, kept to set a zero linger when the mode
/// says to reset the connection: hyper owns the stream by then.
struct Dup(#[cfg(unix)] Option<std::net::TcpStream>);

impl Dup {
    #[cfg(unix)]
    fn of(stream: &tokio::net::TcpStream) -> Dup {
        use std::os::fd::AsFd;
        Dup(stream
            .as_fd()
            .try_clone_to_owned()
            .ok()
            .map(std::net::TcpStream::from))
    }

    #[cfg(not(unix))]
    fn of(_stream: &tokio::net::TcpStream) -> Dup {
        Dup()
    }

    /// Called as the connection is dropped: with a zero linger, closing the last
    /// descriptor sends RST, so the client sees "connection reset", as with a crashed
    /// server (elsewhere it sees an orderly close without an answer).
    #[cfg(unix)]
    fn reset(self) {
        if let Some(s) = self.0.and_then(|d| tokio::net::TcpStream::from_std(d).ok()) {
            let _ = s.set_zero_linger();
        }
    }

    #[cfg(not(unix))]
    fn reset(self) {}
}

#[derive(Deserialize)]
struct ModeBody {
    mode: String,
    seconds: Option<u64>,
    millis: Option<u64>,
}

#[derive(Deserialize)]
struct ReturnMethodBody {
    method: String,
}

/// `/_sim/mode`, `/_sim/requests`, `/_sim/return_method`.
pub(crate) fn control_routes(common: Arc<Common>) -> Router {
    Router::new()
        .route("/_sim/mode", post(set_mode))
        .route("/_sim/requests", get(list_requests))
        .route("/_sim/return_method", post(set_return_method))
        .with_state(common)
}

async fn set_mode(State(common): State<Arc<Common>>, body: Bytes) -> Response {
    let body: ModeBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let mode = match body.mode.as_str() {
        "normal" => Mode::Normal,
        "down" => Mode::Down,
        "error503" => Mode::Error503,
        "timeout" => Mode::Timeout {
            seconds: body.seconds.unwrap_or(30),
        },
        "down_then_back" => Mode::DownThenBack {
            until: Instant::now() + Duration::from_secs(body.seconds.unwrap_or(10)),
        },
        "slow" => Mode::Slow {
            millis: body.millis.unwrap_or(2000),
        },
        other => return control_error(StatusCode::BAD_REQUEST, &format!("unknown mode {other}")),
    };
    *lock(&common.mode) = mode;
    Json(json!({"mode": mode.word()})).into_response()
}

async fn list_requests(State(common): State<Arc<Common>>) -> Json<Vec<RecordedRequest>> {
    Json(common.requests())
}

async fn set_return_method(State(common): State<Arc<Common>>, body: Bytes) -> Response {
    let body: ReturnMethodBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let post = match body.method.to_ascii_lowercase().as_str() {
        "post" => true,
        "get" | "redirect" => false,
        other => return control_error(StatusCode::BAD_REQUEST, &format!("unknown method {other}")),
    };
    common.return_post.store(post, Ordering::Relaxed);
    Json(json!({"method": if post { "post" } else { "get" }})).into_response()
}

/// An error of the control API (not provider-shaped: only tests read it).
pub(crate) fn control_error(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({"error": message}))).into_response()
}

/// Sends the browser back to the client: a 303 to `url`, or (return method `post`) a page
/// whose form posts to `url` on load, as some ePayBL installations do.
pub(crate) fn browser_return(common: &Common, url: &str) -> Response {
    if common.return_post() {
        let url = html_escape(url);
        let page = format!(
            "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\">\
             <title>Weiterleitung</title></head>\
             <body onload=\"document.forms[0].submit()\">\
             <form id=\"return\" method=\"post\" action=\"{url}\">\
             <noscript><button id=\"continue\" type=\"submit\">Weiter</button></noscript>\
             </form></body></html>"
        );
        (
            StatusCode::OK,
            [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
            page,
        )
            .into_response()
    } else {
        (
            StatusCode::SEE_OTHER,
            [(axum::http::header::LOCATION, url.to_owned())],
        )
            .into_response()
    }
}

/// An HTML page with `body` inside.
pub(crate) fn html_page(status: StatusCode, title: &str, body: &str) -> Response {
    let page = format!(
        "<!doctype html><html lang=\"de\"><head><meta charset=\"utf-8\"><title>{}</title></head>\
         <body>{body}</body></html>",
        html_escape(title)
    );
    (
        status,
        [(axum::http::header::CONTENT_TYPE, "text/html; charset=utf-8")],
        page,
    )
        .into_response()
}

/// Text for HTML content and attribute values.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `count` random characters of upper-case letters and digits (PayPal's ID alphabet).
pub(crate) fn random_id(count: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let mut rng = rand::rng();
    (0..count)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// The credentials of an `Authorization: Basic …` header.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    use base64::Engine as _;
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (id, secret) = text.split_once(':')?;
    Some((id.to_owned(), secret.to_owned()))
}

/// The token of an `Authorization: Bearer …` header.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// The fields of a form or JSON body (string values only), for the token endpoints.
pub(crate) fn form_or_json(headers: &HeaderMap, body: &[u8]) -> Vec<(String, String)> {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().contains("json"));
    if json {
        match serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(body) {
            Ok(map) => map
                .into_iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k, s.to_owned())))
                .collect(),
            Err(_) => Vec::new(),
        }
    } else {
        serde_urlencoded::from_bytes::<Vec<(String, String)>>(body).unwrap_or_default()
    }
}

/// The value of field `name` in decoded form fields.
pub(crate) fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// Now as RFC 3339 UTC with `Z`, whole seconds (PayPal's times).
pub(crate) fn now_seconds() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Now as RFC 3339 UTC with `Z` and milliseconds (XBezahldienste timestamps).
pub(crate) fn now_millis() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}
