//! The one HTTP operation the adapters need (method, URL, headers, body, timeout → status,
//! headers, body), as a trait so that the adapters can be tested against scripted answers,
//! and its real implementation on hyper-util's client with rustls (Mozilla roots, aws-lc).
//!
//! The real client follows no redirects (an API answer that redirects is an error, not a
//! hint), reads at most 1 MiB of an answer, gives up on a connection after 5 s and on the
//! whole exchange after the request's timeout, and speaks plain `http://` only to loopback
//! addresses and only when the configuration allows it (the simulators in tests).
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http::{HeaderMap, Method};
use http_body_util::{BodyExt, Full, Limited};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use url::Url;

use super::{is_loopback, ConfigError};

/// Answers are small; a larger one is refused as malformed rather than buffered.
pub const MAX_ANSWER: usize = 1 << 20;

/// A provider gets 5 s to accept a connection: slower is down for our purpose.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// One request to a provider.
#[derive(Debug, Clone)]
pub struct HttpRequest {
    /// The method.
    pub method: Method,
    /// The absolute URL.
    pub url: String,
    /// The headers (secrets among them: never log them).
    pub headers: HeaderMap,
    /// The body (empty for none).
    pub body: Vec<u8>,
    /// The whole exchange's limit, answer included.
    pub timeout: Duration,
}

/// A provider's answer.
#[derive(Debug, Clone)]
pub struct HttpResponse {
    /// The status code.
    pub status: u16,
    /// The headers.
    pub headers: HeaderMap,
    /// The body, at most [`MAX_ANSWER`] bytes.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The media type of the answer, lower case, without parameters.
    pub fn media_type(&self) -> String {
        self.headers
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .map(|v| v.trim().to_ascii_lowercase())
            .unwrap_or_default()
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HttpError {
    /// The connection failed before the request was sent (refused, DNS, TLS): the
    /// provider cannot have seen it, so even a non-idempotent request may be sent again.
    #[error("connection failed: {0}")]
    Connect(String),
    /// No answer within the request's timeout.
    #[error("timed out")]
    Timeout,
    /// The connection broke after the request may have been sent.
    #[error("connection broken: {0}")]
    Broken(String),
    /// The answer was larger than [`MAX_ANSWER`].
    #[error("answer larger than 1 MiB")]
    TooLarge,
    /// The URL is not one this client may ask (not https, or http to a host that is not
    /// loopback, or http without `allow_http`).
    #[error("URL not allowed: {0}")]
    NotAllowed(String),
}

/// Sends one request and returns the answer, whatever its status.
#[async_trait::async_trait]
pub trait HttpClient: Send + Sync {
    /// Sends `request`; a non-2xx answer is an answer, not an error.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError>;
}

#[async_trait::async_trait]
impl<T: HttpClient + ?Sized> HttpClient for Arc<T> {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        (**self).send(request).await
    }
}

/// The real client: hyper-util's pooled client over rustls with the Mozilla roots.
#[derive(Clone)]
pub struct HyperClient {
    client: Client<hyper_rustls::HttpsConnector<HttpConnector>, Full<Bytes>>,
    allow_http: bool,
}

impl std::fmt::Debug for HyperClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperClient")
            .field("allow_http", &self.allow_http)
            .finish()
    }
}

impl HyperClient {
    /// A client for HTTPS; with `allow_http` also for plain HTTP to loopback addresses.
    pub fn new(allow_http: bool) -> Result<HyperClient, ConfigError> {
        let mut http = HttpConnector::new();
        http.set_connect_timeout(Some(CONNECT_TIMEOUT));
        // The TLS connector below decides the scheme; the TCP connector must let it.
        http.enforce_http(false);
        let builder = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_webpki_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| ConfigError::Tls(e.to_string()))?;
        let https = if allow_http {
            builder.https_or_http().enable_http1().wrap_connector(http)
        } else {
            builder.https_only().enable_http1().wrap_connector(http)
        };
        let client = Client::builder(TokioExecutor::new()).build(https);
        Ok(HyperClient { client, allow_http })
    }

    fn check(&self, url: &str) -> Result<(), HttpError> {
        let parsed = Url::parse(url).map_err(|_| HttpError::NotAllowed("not a URL".into()))?;
        match parsed.scheme() {
            "https" => Ok(()),
            "http" if self.allow_http && is_loopback(&parsed) => Ok(()),
            scheme => Err(HttpError::NotAllowed(format!(
                "{scheme} to {}",
                parsed.host_str().unwrap_or("")
            ))),
        }
    }

    async fn exchange(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let mut builder = hyper::Request::builder()
            .method(request.method)
            .uri(request.url.as_str());
        if let Some(headers) = builder.headers_mut() {
            *headers = request.headers;
        }
        let req = builder
            .body(Full::new(Bytes::from(request.body)))
            .map_err(|e| HttpError::NotAllowed(e.to_string()))?;
        let answer = self.client.request(req).await.map_err(|e| {
            if e.is_connect() {
                HttpError::Connect(e.to_string())
            } else {
                HttpError::Broken(e.to_string())
            }
        })?;
        let (parts, body) = answer.into_parts();
        let body = Limited::new(body, MAX_ANSWER)
            .collect()
            .await
            .map_err(|e| {
                if e.is::<http_body_util::LengthLimitError>() {
                    HttpError::TooLarge
                } else {
                    HttpError::Broken(e.to_string())
                }
            })?
            .to_bytes();
        Ok(HttpResponse {
            status: parts.status.as_u16(),
            headers: parts.headers,
            body: body.to_vec(),
        })
    }
}

#[async_trait::async_trait]
impl HttpClient for HyperClient {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        self.check(&request.url)?;
        let limit = request.timeout;
        match tokio::time::timeout(limit, self.exchange(request)).await {
            Ok(answer) => answer,
            Err(_) => Err(HttpError::Timeout),
        }
    }
}
