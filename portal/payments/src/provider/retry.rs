//! Retries inside one call (§3.4): an idempotent request (token, status GET, PayPal calls
//! with `PayPal-Request-Id`) is sent up to twice more after 0.5 s and 1.5 s (±25 %) when
//! the provider is unavailable, with the same idempotency key, since the request is built
//! once; XBezahldienste's create, which the API does not make idempotent, is sent again
//! only when the connection failed before the request left.
use std::time::Duration;

use rand::Rng;

use super::http::{HttpClient, HttpError, HttpRequest, HttpResponse};

/// Which failures a request may be sent again after.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Retry {
    /// Any unavailability (connection, timeout, 429, 5xx): the provider deduplicates.
    Idempotent,
    /// Only a connection that failed before the request was sent, once.
    BeforeSent,
}

const PAUSES: [Duration; 2] = [Duration::from_millis(500), Duration::from_millis(1500)];

/// Whether the answer says "try again later".
pub(crate) fn unavailable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

fn jittered(pause: Duration) -> Duration {
    let factor: f64 = rand::rng().random_range(0.75..=1.25);
    pause.mul_f64(factor)
}

/// Sends `request`, again per `retry`; the last answer or error is returned.
pub(crate) async fn send(
    http: &dyn HttpClient,
    request: &HttpRequest,
    retry: Retry,
) -> Result<HttpResponse, HttpError> {
    let tries = match retry {
        Retry::Idempotent => PAUSES.len(),
        Retry::BeforeSent => 1,
    };
    let mut attempt = 0;
    loop {
        let result = http.send(request.clone()).await;
        let again = match (&result, retry) {
            (Err(HttpError::Connect(_)), _) => true,
            (Err(HttpError::Timeout | HttpError::Broken(_)), Retry::Idempotent) => true,
            (Ok(answer), Retry::Idempotent) => unavailable_status(answer.status),
            _ => false,
        };
        if !again || attempt >= tries {
            return result;
        }
        let pause = match retry {
            Retry::Idempotent => PAUSES.get(attempt).copied().unwrap_or(PAUSES[1]),
            // Nothing reached the provider: a short pause is enough.
            Retry::BeforeSent => PAUSES[0],
        };
        tracing::debug!(attempt, url_host = %host(&request.url), "provider request sent again");
        tokio::time::sleep(jittered(pause)).await;
        attempt += 1;
    }
}

/// The host of a URL, for logs (paths may carry IDs; the host says which provider).
pub(crate) fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_default()
}
