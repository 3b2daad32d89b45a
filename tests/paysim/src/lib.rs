//! Local simulators of the payment providers vamt talks to, for the tests only
//! (`docs/payments.md` §5): an XBezahldienste platform (§3.1) and PayPal Orders v2 (§3.2).
//!
//! Each simulator is an HTTP server on `127.0.0.1:0`, started in a tokio task, with all
//! state in memory. Besides the provider's API it serves a pay page for the browser and a
//! control API under `/_sim/` (modes, request log, state changes behind the client's back,
//! webhook tampering). Written from the specification only, not from vamt's adapters, so
//! that a test exercises two independent readings of the providers' word.
//!
//! The server lives as long as its [`Sim`]: dropping the handle stops it.

// Handlers end early with the provider's error answer (`Result<_, Response>`): the size
// of an axum `Response` in an `Err` costs nothing that matters in a test simulator.
#![allow(clippy::result_large_err)]

mod money;
mod paypal;
mod server;
mod tls;
mod xbd;

use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use paypal::paypal;
pub use xbd::{xbezahldienste, xbezahldienste_mtls};

/// A running simulator: its base URL and the requests it has received.
pub struct Sim {
    url: String,
    common: Arc<server::Common>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Sim {
    /// Base URL, e.g. `"http://127.0.0.1:40123"` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// Every API request received so far (method, path, headers with secrets redacted,
    /// body): the same data as `GET /_sim/requests`. Requests to the pay pages and to
    /// `/_sim/` are not API requests and are not recorded.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.common.requests()
    }
}

impl Drop for Sim {
    fn drop(&mut self) {
        // The server belongs to the handle: a test that drops it frees the port and the
        // webhook tasks instead of leaving them running until the runtime ends.
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// One API request as the simulator received it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedRequest {
    /// HTTP method, e.g. `POST`.
    pub method: String,
    /// Path with the query string if there was one, e.g. `/v2/checkout/orders`.
    pub path: String,
    /// Headers in arrival order, names in lower case; the credentials in `authorization`
    /// are replaced by `[redacted]` (the scheme stays visible).
    pub headers: Vec<(String, String)>,
    /// The body as text (invalid UTF-8 replaced), configured secrets replaced by
    /// `[redacted]`.
    pub body: String,
    /// The mode that applied to this request (`normal`, `down`, `error503`, `timeout`,
    /// `down_then_back`, `slow`): a request recorded under `down` never got an answer.
    pub mode: String,
}

impl RecordedRequest {
    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Configuration of the XBezahldienste simulator: the tenant keys of the path and the
/// OAuth 2.0 client credentials it accepts at `/auth/token`.
#[derive(Debug, Clone)]
pub struct XbdConfig {
    /// The `originatorId` path segment the simulator accepts.
    pub originator_id: String,
    /// The `endPointId` path segment the simulator accepts.
    pub endpoint_id: String,
    /// OAuth 2.0 client ID.
    pub client_id: String,
    /// OAuth 2.0 client secret (redacted in the request log).
    pub client_secret: String,
}

/// The files an XBezahldienste simulator in mTLS mode wrote (all PEM), for vamt's
/// configuration (`client_cert_file`, `client_key_file`, `ca_file`).
#[derive(Debug, Clone)]
pub struct XbdTls {
    /// The CA that signed the server's and the client's certificates.
    pub ca_pem: std::path::PathBuf,
    /// The server's certificate (SANs `127.0.0.1` and `localhost`).
    pub server_cert_pem: std::path::PathBuf,
    /// The client's certificate, to present to the simulator.
    pub client_cert_pem: std::path::PathBuf,
    /// The client's private key (PKCS#8).
    pub client_key_pem: std::path::PathBuf,
}

/// Configuration of the PayPal simulator.
#[derive(Debug, Clone)]
pub struct PayPalConfig {
    /// REST app client ID (HTTP Basic user at `/v1/oauth2/token`).
    pub client_id: String,
    /// REST app secret (redacted in the request log).
    pub client_secret: String,
    /// The webhook's ID: part of every signed message.
    pub webhook_id: String,
    /// Where webhooks are delivered; `None` stores events without sending them until
    /// `POST /_sim/webhook_url` sets a target.
    pub webhook_url: Option<String>,
}

/// Errors while setting a simulator up (key generation, certificate).
#[derive(Debug, thiserror::Error)]
pub(crate) enum SetupError {
    #[error("RSA key: {0}")]
    Rsa(#[from] rsa::Error),
    #[error("certificate: {0}")]
    Certificate(String),
    #[error("TLS: {0}")]
    Tls(String),
    #[error("writing {0}: {1}")]
    Write(std::path::PathBuf, std::io::Error),
    #[error("key generation task: {0}")]
    Join(#[from] tokio::task::JoinError),
}
