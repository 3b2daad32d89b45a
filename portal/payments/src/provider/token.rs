//! OAuth 2.0 client-credentials tokens (XBezahldienste §3.1.2, PayPal §3.2.1) and the
//! authenticated call: the token is cached, renewed 60 s before it runs out, and once more
//! after a 401 from any call (a platform may revoke tokens before their time).
use std::sync::Arc;
use std::time::{Duration, Instant};

use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION};
use http::{HeaderMap, Method};
use serde::Deserialize;
use tokio::sync::Mutex;

use super::http::{HttpClient, HttpError, HttpRequest, HttpResponse};
use super::retry::{self, Retry};
use super::ProviderError;

/// Renew this long before the provider's expiry, so that a token never runs out in flight.
const MARGIN: Duration = Duration::from_secs(60);

/// The token answer (RFC 6749 §5.1). Opaque tokens; `expires_in` may be missing.
#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

/// An OAuth error answer (`{"error":"invalid_client"}`).
#[derive(Deserialize)]
struct TokenError {
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    error_description: Option<String>,
}

/// A cached bearer token and how to get a new one.
pub(crate) struct Tokens {
    /// The token request, complete with credentials; sent as is each time.
    request: HttpRequest,
    /// Used when the answer gives no `expires_in`.
    default_life: Duration,
    cached: Mutex<Option<(String, Instant)>>,
}

impl Tokens {
    pub(crate) fn new(request: HttpRequest, default_life: Duration) -> Tokens {
        Tokens {
            request,
            default_life,
            cached: Mutex::new(None),
        }
    }

    /// The current token, fetched if there is none or it is about to run out.
    async fn get(&self, http: &dyn HttpClient) -> Result<String, ProviderError> {
        let mut cached = self.cached.lock().await;
        if let Some((token, until)) = cached.as_ref() {
            if Instant::now() + MARGIN < *until {
                return Ok(token.clone());
            }
        }
        let answer = retry::send(http, &self.request, Retry::Idempotent)
            .await
            .map_err(transport)?;
        if !(200..=299).contains(&answer.status) {
            return Err(token_refused(&answer));
        }
        let parsed: TokenAnswer = serde_json::from_slice(&answer.body)
            .map_err(|_| ProviderError::Malformed("token answer".into()))?;
        if parsed.access_token.is_empty()
            || HeaderValue::from_str(&format!("Bearer {}", parsed.access_token)).is_err()
        {
            return Err(ProviderError::Malformed("token answer".into()));
        }
        let life = parsed
            .expires_in
            .map(Duration::from_secs)
            .unwrap_or(self.default_life);
        *cached = Some((parsed.access_token.clone(), Instant::now() + life));
        tracing::debug!(expires_in = life.as_secs(), "provider token renewed");
        Ok(parsed.access_token)
    }

    /// Forgets the token (after a 401), unless another call renewed it meanwhile.
    async fn drop_token(&self, token: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|(t, _)| t == token) {
            *cached = None;
        }
    }
}

fn token_refused(answer: &HttpResponse) -> ProviderError {
    if retry::unavailable_status(answer.status) {
        return ProviderError::Unavailable(format!("token endpoint answered {}", answer.status));
    }
    let error: Option<TokenError> = serde_json::from_slice(&answer.body).ok();
    let (code, detail) = match error {
        Some(e) => (
            e.error.unwrap_or_else(|| format!("HTTP_{}", answer.status)),
            e.error_description.unwrap_or_default(),
        ),
        None => (format!("HTTP_{}", answer.status), String::new()),
    };
    ProviderError::Refused {
        status: answer.status,
        code: clip(&code, 100),
        detail: clip(&detail, 2000),
    }
}

/// At most `max` characters of a provider's text (it is logged and shown to the admin).
pub(crate) fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// A transport failure as the adapters report it.
pub(crate) fn transport(error: HttpError) -> ProviderError {
    match error {
        HttpError::TooLarge => ProviderError::Malformed("answer larger than 1 MiB".into()),
        HttpError::NotAllowed(why) => ProviderError::Malformed(format!("URL not allowed: {why}")),
        other => ProviderError::Unavailable(other.to_string()),
    }
}

/// Authenticated calls to one provider.
pub(crate) struct Caller {
    pub(crate) http: Arc<dyn HttpClient>,
    pub(crate) timeout: Duration,
    pub(crate) tokens: Tokens,
}

impl Caller {
    /// Sends a request with the bearer token and `headers`, retried per `retry`; after a
    /// 401 the token is renewed and the request sent once more. Any answer with a status
    /// is returned for the adapter to classify; transport failures are `Unavailable`.
    pub(crate) async fn call(
        &self,
        method: Method,
        url: &str,
        headers: &[(HeaderName, String)],
        body: Vec<u8>,
        retry: Retry,
    ) -> Result<HttpResponse, ProviderError> {
        let mut renewed = false;
        loop {
            let token = self.tokens.get(self.http.as_ref()).await?;
            let mut map = HeaderMap::new();
            map.insert(
                ACCEPT,
                HeaderValue::from_static("application/json, application/problem+json"),
            );
            if !body.is_empty() || method == Method::POST {
                map.insert(
                    http::header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            let bearer = HeaderValue::from_str(&format!("Bearer {token}"))
                .map_err(|_| ProviderError::Malformed("token".into()))?;
            map.insert(AUTHORIZATION, bearer);
            for (name, value) in headers {
                let value = HeaderValue::from_str(value)
                    .map_err(|_| ProviderError::Malformed("header value".into()))?;
                map.insert(name.clone(), value);
            }
            let request = HttpRequest {
                method: method.clone(),
                url: url.to_owned(),
                headers: map,
                body: body.clone(),
                timeout: self.timeout,
            };
            let answer = retry::send(self.http.as_ref(), &request, retry)
                .await
                .map_err(transport)?;
            if answer.status == 401 && !renewed {
                self.tokens.drop_token(&token).await;
                renewed = true;
                continue;
            }
            return Ok(answer);
        }
    }
}
