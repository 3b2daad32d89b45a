//! PayPal Orders v2 (docs/payments.md §3.2): a token by client credentials, an order with
//! `intent: CAPTURE` and a `PayPal-Request-Id`, the payer's approval on PayPal's page, our
//! capture, refunds of a capture, and webhooks verified locally against PayPal's
//! certificate (or, if configured, by PayPal's verify API).
//!
//! Amounts are strings (`"29.00"`) both ways: written from minor units, read with
//! [`Money::parse`].
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use http::header::{HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, CONTENT_TYPE};
use http::{HeaderMap, Method};
use serde::Deserialize;
use serde_json::json;
use serde_json::value::RawValue;
use tokio::sync::Mutex;
use url::Url;

use super::http::{HttpClient, HttpRequest, HttpResponse, HyperClient};
use super::retry::{self, Retry};
use super::token::{clip, Caller, Tokens};
use super::{
    base_url, event_id, item_reference, micros, provider_ref, timeout, url_allowed, ConfigError,
    CreateRequest, Created, Handle, Inbound, PaymentId, Provider, ProviderError, RefundKey,
    Rejected, Secret, Verified,
};
use crate::money::{Currency, Money};
use crate::payment::{Event, FailReason, Notification, RefundId};

/// How webhooks are verified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verification {
    /// With PayPal's certificate, fetched from an allowed host and cached (the default:
    /// no dependency on PayPal's API being up while its webhook is delivered).
    #[default]
    Local,
    /// By `POST /v1/notifications/verify-webhook-signature`, for installations whose
    /// outbound policy forbids fetching certificates.
    Api,
}

/// `[payments.paypal]` (docs/payments.md §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayPalConfig {
    /// Offer PayPal.
    #[serde(default)]
    pub enabled: bool,
    /// The REST API's base URL: live by default, so that a sandbox is a deliberate choice.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The REST app's client ID.
    pub client_id: String,
    /// The REST app's secret, or `client_secret_file`.
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// A file holding the secret.
    #[serde(default)]
    pub client_secret_file: Option<std::path::PathBuf>,
    /// The ID PayPal shows for vamt's webhook URL: part of every signed message.
    pub webhook_id: String,
    /// `local` (default) or `api`.
    #[serde(default)]
    pub verification: Verification,
    /// The hosts a webhook's certificate URL may name.
    #[serde(default = "default_cert_hosts")]
    pub cert_hosts: Vec<String>,
    /// Shown on PayPal's page (≤ 127).
    #[serde(default)]
    pub brand_name: String,
    /// On the payer's statement (≤ 22).
    #[serde(default)]
    pub soft_descriptor: String,
    /// Allow `http://` to loopback addresses (the simulator in tests), for the API, the
    /// pay page and certificate URLs.
    #[serde(default)]
    pub allow_http: bool,
    /// Per request (5–60 s).
    #[serde(default = "super::default_timeout_seconds")]
    pub request_timeout_seconds: u64,
}

fn default_base_url() -> String {
    "https://api-m.paypal.com".to_owned()
}

fn default_cert_hosts() -> Vec<String> {
    [
        "api.paypal.com",
        "api.sandbox.paypal.com",
        "api-m.paypal.com",
        "api-m.sandbox.paypal.com",
    ]
    .map(str::to_owned)
    .to_vec()
}

/// PayPal's tokens live 9 hours; this is only used if an answer lacks `expires_in`.
const DEFAULT_TOKEN_LIFE: Duration = Duration::from_secs(300);

/// At most this many certificates are cached (one per URL).
const CERT_CACHE: usize = 64;

/// The PayPal adapter.
pub struct PayPal {
    base: String,
    webhook_id: String,
    verification: Verification,
    cert_hosts: Vec<String>,
    brand_name: String,
    soft_descriptor: String,
    allow_http: bool,
    caller: Caller,
    certs: Mutex<HashMap<String, CachedCert>>,
}

impl std::fmt::Debug for PayPal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PayPal")
            .field("base", &self.base)
            .field("verification", &self.verification)
            .finish_non_exhaustive()
    }
}

/// A certificate's RSA key (RFC 8017 `RSAPublicKey` DER) and its validity in Unix seconds.
#[derive(Clone)]
struct CachedCert {
    key: Vec<u8>,
    not_before: i64,
    not_after: i64,
}

impl PayPal {
    /// The adapter with the real HTTPS client.
    pub fn from_config(config: &PayPalConfig) -> Result<PayPal, ConfigError> {
        let http = HyperClient::new(config.allow_http)?;
        PayPal::new(config, Arc::new(http))
    }

    /// The adapter over `http` (the real client, or a scripted one in tests).
    pub fn new(config: &PayPalConfig, http: Arc<dyn HttpClient>) -> Result<PayPal, ConfigError> {
        let base = base_url(&config.base_url, config.allow_http, "paypal.base_url")?;
        if config.client_id.is_empty() {
            return Err(ConfigError::Missing("paypal.client_id"));
        }
        let secret = Secret::resolve(
            config.client_secret.as_ref(),
            config.client_secret_file.as_deref(),
            "paypal.client_secret",
        )?;
        if config.webhook_id.is_empty() {
            // Without it no webhook can be verified: refuse the start rather than run blind.
            return Err(ConfigError::Missing("paypal.webhook_id"));
        }
        if config.cert_hosts.is_empty() {
            return Err(ConfigError::Missing("paypal.cert_hosts"));
        }
        if config.brand_name.chars().count() > 127 {
            return Err(ConfigError::Invalid(
                "paypal.brand_name",
                "at most 127 characters",
            ));
        }
        if config.soft_descriptor.chars().count() > 22 {
            return Err(ConfigError::Invalid(
                "paypal.soft_descriptor",
                "at most 22 characters",
            ));
        }
        let timeout = timeout(config.request_timeout_seconds)?;
        let basic = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            config.client_id,
            secret.expose()
        ));
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(&format!("Basic {basic}"))
                .map_err(|_| ConfigError::Invalid("paypal.client_id", "not a header value"))?,
        );
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let token_request = HttpRequest {
            method: Method::POST,
            url: format!("{base}/v1/oauth2/token"),
            headers,
            body: b"grant_type=client_credentials".to_vec(),
            timeout,
        };
        Ok(PayPal {
            base,
            webhook_id: config.webhook_id.clone(),
            verification: config.verification,
            cert_hosts: config
                .cert_hosts
                .iter()
                .map(|h| h.to_ascii_lowercase())
                .collect(),
            brand_name: config.brand_name.clone(),
            soft_descriptor: config.soft_descriptor.clone(),
            allow_http: config.allow_http,
            caller: Caller {
                http,
                timeout,
                tokens: Tokens::new(token_request, DEFAULT_TOKEN_LIFE),
            },
            certs: Mutex::new(HashMap::new()),
        })
    }

    /// The order request's body (§3.2.2).
    pub fn create_body(&self, req: &CreateRequest<'_>) -> Result<Vec<u8>, ProviderError> {
        let quote = req.quote;
        let code = quote.total.currency.code();
        let money = |m: Money| json!({ "currency_code": code, "value": m.decimal() });
        let items: Vec<serde_json::Value> = quote
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let name = req
                    .item_names
                    .get(i)
                    .filter(|n| !n.trim().is_empty())
                    .map(|n| clip(n.trim(), 127))
                    .unwrap_or_else(|| item_reference(&item.item));
                json!({
                    "name": name,
                    "quantity": item.quantity.to_string(),
                    "unit_amount": money(item.unit),
                    "category": "DIGITAL_GOODS",
                })
            })
            .collect();
        let mut unit = json!({
            "reference_id": req.payment.as_str(),
            "custom_id": req.payment.as_str(),
            // Unique across the merchant's account, and what the city's statement shows.
            "invoice_id": format!("{}-{}", req.payment, req.attempt),
            "amount": {
                "currency_code": code,
                "value": quote.total.decimal(),
                "breakdown": { "item_total": money(quote.total) },
            },
            "items": items,
        });
        let description = clip(req.description.trim(), 127);
        if !description.is_empty() {
            unit["description"] = json!(description);
        }
        if !self.soft_descriptor.is_empty() {
            unit["soft_descriptor"] = json!(self.soft_descriptor);
        }
        let mut context = json!({
            "return_url": req.return_url,
            "cancel_url": req.cancel_url,
            "user_action": "PAY_NOW",
            "shipping_preference": "NO_SHIPPING",
            "landing_page": "NO_PREFERENCE",
            "locale": req.locale,
        });
        if !self.brand_name.is_empty() {
            context["brand_name"] = json!(self.brand_name);
        }
        let body = json!({
            "intent": "CAPTURE",
            "purchase_units": [unit],
            "payment_source": { "paypal": { "experience_context": context } },
        });
        serde_json::to_vec(&body).map_err(|e| ProviderError::Malformed(e.to_string()))
    }

    async fn get_order(&self, order: &str) -> Result<Order, ProviderError> {
        let url = format!("{}/v2/checkout/orders/{order}", self.base);
        let answer = self
            .caller
            .call(Method::GET, &url, &[], Vec::new(), Retry::Idempotent)
            .await?;
        if !(200..=299).contains(&answer.status) {
            return Err(classify(&answer));
        }
        let parsed: Order = read(&answer.body, "order")?;
        if parsed.id != order {
            return Err(ProviderError::Malformed(
                "answer about another order".into(),
            ));
        }
        Ok(parsed)
    }

    async fn post(
        &self,
        url: &str,
        request_id: &str,
        body: Vec<u8>,
    ) -> Result<HttpResponse, ProviderError> {
        let headers = [
            (
                HeaderName::from_static("paypal-request-id"),
                request_id.to_owned(),
            ),
            (
                HeaderName::from_static("prefer"),
                "return=representation".to_owned(),
            ),
        ];
        self.caller
            .call(Method::POST, url, &headers, body, Retry::Idempotent)
            .await
    }

    /// The capture, once: `None` when PayPal says the order is captured already.
    async fn capture_once(&self, order: &str) -> Result<Option<Vec<Notification>>, ProviderError> {
        let url = format!("{}/v2/checkout/orders/{order}/capture", self.base);
        // One key per capture call, kept across its retries; a later call (return, webhook,
        // settle job) that finds the order captured reads the capture instead.
        let key = super::AttemptId::generate();
        let request_id = format!("CP{}", key.as_str().trim_start_matches("AT"));
        let answer = self.post(&url, &request_id, b"{}".to_vec()).await?;
        if (200..=299).contains(&answer.status) {
            let parsed: Order = read(&answer.body, "capture answer")?;
            if parsed.id != order {
                return Err(ProviderError::Malformed(
                    "answer about another order".into(),
                ));
            }
            return order_notifications(&parsed).map(Some);
        }
        if answer.status == 422 {
            let error: Option<PayPalError> = serde_json::from_slice(&answer.body).ok();
            let issue = error.as_ref().and_then(PayPalError::issue);
            match issue.as_deref() {
                Some("ORDER_ALREADY_CAPTURED") => return Ok(None),
                Some("ORDER_NOT_APPROVED") | Some("PAYER_ACTION_REQUIRED") => {
                    // Still open: the payer has not approved (yet).
                    return Ok(Some(Vec::new()));
                }
                Some("INSTRUMENT_DECLINED") => {
                    log_error(&answer, error.as_ref());
                    return Ok(Some(vec![Notification {
                        id: event_id(format!("pp:order:{order}:declined"))?,
                        seq: 0,
                        event: Event::Failed {
                            reason: FailReason::Declined,
                        },
                    }]));
                }
                _ => {}
            }
        }
        Err(classify(&answer))
    }

    /// The certificate at `url`, from the cache while it is valid.
    async fn certificate(&self, url: &str) -> Result<CachedCert, Rejected> {
        let now = chrono::Utc::now().timestamp();
        {
            let certs = self.certs.lock().await;
            if let Some(cert) = certs.get(url) {
                if cert.not_after >= now {
                    return Ok(cert.clone());
                }
            }
        }
        let request = HttpRequest {
            method: Method::GET,
            url: url.to_owned(),
            headers: HeaderMap::new(),
            body: Vec::new(),
            timeout: self.caller.timeout,
        };
        let answer = retry::send(self.caller.http.as_ref(), &request, Retry::Idempotent)
            .await
            .map_err(|e| Rejected::Unavailable(format!("certificate: {e}")))?;
        if retry::unavailable_status(answer.status) {
            return Err(Rejected::Unavailable(format!(
                "certificate: answered {}",
                answer.status
            )));
        }
        if !(200..=299).contains(&answer.status) {
            return Err(Rejected::Certificate);
        }
        let cert = parse_certificate(&answer.body)?;
        let mut certs = self.certs.lock().await;
        certs.retain(|_, c| c.not_after >= now);
        if certs.len() >= CERT_CACHE {
            // Full of valid ones (someone cycles URLs): start over rather than grow.
            certs.clear();
        }
        certs.insert(url.to_owned(), cert.clone());
        Ok(cert)
    }

    /// Steps 3–5 of §3.2.6 for the local verification.
    async fn verify_locally(&self, h: &SignatureHeaders<'_>, body: &[u8]) -> Result<(), Rejected> {
        let cert = self.certificate(h.cert_url).await?;
        let now = chrono::Utc::now().timestamp();
        if now < cert.not_before || now > cert.not_after {
            return Err(Rejected::Certificate);
        }
        let signature = base64::engine::general_purpose::STANDARD
            .decode(h.signature.trim())
            .map_err(|_| Rejected::Signature)?;
        let message = signed_message(
            h.transmission_id,
            h.transmission_time,
            &self.webhook_id,
            body,
        );
        aws_lc_rs::signature::UnparsedPublicKey::new(
            &aws_lc_rs::signature::RSA_PKCS1_2048_8192_SHA256,
            &cert.key,
        )
        .verify(message.as_bytes(), &signature)
        .map_err(|_| Rejected::Signature)
    }

    /// PayPal's verify API (`verification = "api"`).
    async fn verify_by_api(&self, h: &SignatureHeaders<'_>, body: &[u8]) -> Result<(), Rejected> {
        let event: &RawValue = serde_json::from_slice(body)
            .map_err(|_| Rejected::Malformed("body is not JSON".into()))?;
        let request = json!({
            "auth_algo": h.auth_algo,
            "cert_url": h.cert_url,
            "transmission_id": h.transmission_id,
            "transmission_sig": h.signature,
            "transmission_time": h.transmission_time,
            "webhook_id": self.webhook_id,
            "webhook_event": event,
        });
        let body = serde_json::to_vec(&request).map_err(|e| Rejected::Malformed(e.to_string()))?;
        let url = format!("{}/v1/notifications/verify-webhook-signature", self.base);
        let answer = self
            .caller
            .call(Method::POST, &url, &[], body, Retry::Idempotent)
            .await
            .map_err(|e| Rejected::Unavailable(e.to_string()))?;
        if !(200..=299).contains(&answer.status) {
            return Err(Rejected::Unavailable(format!(
                "verify API answered {}",
                answer.status
            )));
        }
        #[derive(Deserialize)]
        struct Answer {
            verification_status: String,
        }
        let parsed: Answer = serde_json::from_slice(&answer.body)
            .map_err(|_| Rejected::Unavailable("verify API answer unreadable".into()))?;
        if parsed.verification_status == "SUCCESS" {
            Ok(())
        } else {
            Err(Rejected::Signature)
        }
    }

    /// Step 3 of §3.2.6: `https://` (or `http://` to loopback with `allow_http`), a host
    /// in `cert_hosts`, a path under `/v1/notifications/certs/`.
    fn cert_url_allowed(&self, text: &str) -> bool {
        let Ok(url) = Url::parse(text) else {
            return false;
        };
        url_allowed(&url, self.allow_http)
            && url.username().is_empty()
            && url.password().is_none()
            && url
                .host_str()
                .is_some_and(|h| self.cert_hosts.iter().any(|a| a.eq_ignore_ascii_case(h)))
            && url.path().starts_with("/v1/notifications/certs/")
    }
}

/// The message PayPal signs: `{transmission id}|{transmission time}|{our webhook ID}|{crc32
/// of the raw body, unsigned decimal}`.
pub fn signed_message(
    transmission_id: &str,
    transmission_time: &str,
    webhook_id: &str,
    body: &[u8],
) -> String {
    format!(
        "{transmission_id}|{transmission_time}|{webhook_id}|{}",
        crc32fast::hash(body)
    )
}

/// A PEM (or DER) certificate's RSA key and validity.
fn parse_certificate(bytes: &[u8]) -> Result<CachedCert, Rejected> {
    let der = if bytes.starts_with(b"-----") {
        let (_, pem) =
            x509_parser::pem::parse_x509_pem(bytes).map_err(|_| Rejected::Certificate)?;
        pem.contents
    } else {
        bytes.to_vec()
    };
    let (_, cert) = x509_parser::parse_x509_certificate(&der).map_err(|_| Rejected::Certificate)?;
    let spki = cert.public_key();
    // rsaEncryption (PKCS #1): the only key the algorithm SHA256withRSA goes with.
    if spki.algorithm.algorithm.to_id_string() != "1.2.840.113549.1.1.1" {
        return Err(Rejected::Certificate);
    }
    let validity = cert.validity();
    Ok(CachedCert {
        key: spki.subject_public_key.data.to_vec(),
        not_before: validity.not_before.timestamp(),
        not_after: validity.not_after.timestamp(),
    })
}

/// The five signature headers, checked for presence and their published limits.
struct SignatureHeaders<'a> {
    transmission_id: &'a str,
    transmission_time: &'a str,
    signature: &'a str,
    cert_url: &'a str,
    auth_algo: &'a str,
}

fn header<'a>(headers: &'a HeaderMap, name: &str, max: usize) -> Result<&'a str, Rejected> {
    let value = headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .ok_or(Rejected::Headers)?;
    if value.is_empty() || value.len() > max {
        return Err(Rejected::Headers);
    }
    Ok(value)
}

impl<'a> SignatureHeaders<'a> {
    fn read(headers: &'a HeaderMap) -> Result<SignatureHeaders<'a>, Rejected> {
        let h = SignatureHeaders {
            transmission_id: header(headers, "paypal-transmission-id", 50)?,
            transmission_time: header(headers, "paypal-transmission-time", 100)?,
            signature: header(headers, "paypal-transmission-sig", 500)?,
            cert_url: header(headers, "paypal-cert-url", 500)?,
            auth_algo: header(headers, "paypal-auth-algo", 100)?,
        };
        if !h.auth_algo.bytes().all(|b| b.is_ascii_alphanumeric())
            || !h.auth_algo.eq_ignore_ascii_case("SHA256withRSA")
        {
            // Anything else is refused rather than guessed.
            return Err(Rejected::Headers);
        }
        Ok(h)
    }
}

fn read<'a, T: Deserialize<'a>>(body: &'a [u8], what: &str) -> Result<T, ProviderError> {
    serde_json::from_slice(body).map_err(|_| ProviderError::Malformed(format!("{what} unreadable")))
}

/// PayPal's error body (§3.2.7).
#[derive(Deserialize)]
struct PayPalError {
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    debug_id: Option<String>,
    #[serde(default)]
    details: Vec<PayPalErrorDetail>,
}

#[derive(Deserialize)]
struct PayPalErrorDetail {
    #[serde(default)]
    issue: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

impl PayPalError {
    fn issue(&self) -> Option<String> {
        self.details.iter().find_map(|d| d.issue.clone())
    }
}

fn log_error(answer: &HttpResponse, error: Option<&PayPalError>) {
    // debug_id is what PayPal's support asks for; the body itself is not logged.
    tracing::warn!(
        provider = "paypal",
        status = answer.status,
        name = error.and_then(|e| e.name.as_deref()).unwrap_or(""),
        issue = error.and_then(PayPalError::issue).as_deref().unwrap_or(""),
        debug_id = error.and_then(|e| e.debug_id.as_deref()).unwrap_or(""),
        "PayPal refused"
    );
}

/// A non-2xx answer as a [`ProviderError`]: 4xx `Refused` with the issue (else the error's
/// name), 429 and 5xx `Unavailable`, 3xx and unreadable ones `Malformed`.
fn classify(answer: &HttpResponse) -> ProviderError {
    let status = answer.status;
    if retry::unavailable_status(status) {
        return ProviderError::Unavailable(format!("answered {status}"));
    }
    if !(400..=499).contains(&status) {
        return ProviderError::Malformed(format!("answered {status}"));
    }
    let error: Option<PayPalError> = serde_json::from_slice(&answer.body).ok();
    log_error(answer, error.as_ref());
    let Some(error) = error else {
        return ProviderError::Malformed(format!("answered {status} without an error body"));
    };
    let code = error
        .issue()
        .or_else(|| error.name.clone())
        .unwrap_or_else(|| format!("HTTP_{status}"));
    let detail = error
        .details
        .iter()
        .find_map(|d| d.description.clone())
        .or(error.message)
        .unwrap_or_default();
    ProviderError::Refused {
        status,
        code: clip(&code, 100),
        detail: clip(&detail, 2000),
    }
}

/// `{"currency_code":"EUR","value":"29.00"}`.
#[derive(Deserialize)]
struct Amount {
    currency_code: String,
    value: String,
}

impl Amount {
    fn money(&self) -> Result<Money, ProviderError> {
        let currency = Currency::parse(&self.currency_code)
            .map_err(|_| ProviderError::Malformed("unknown currency".into()))?;
        Money::parse(&self.value, currency)
            .map_err(|e| ProviderError::Malformed(format!("amount: {e}")))
    }
}

#[derive(Deserialize)]
struct Link {
    href: String,
    rel: String,
}

#[derive(Deserialize)]
struct Order {
    id: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    purchase_units: Vec<PurchaseUnit>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct PurchaseUnit {
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    payments: Option<Payments>,
}

#[derive(Deserialize)]
struct Payments {
    #[serde(default)]
    captures: Vec<Capture>,
    #[serde(default)]
    refunds: Vec<Refund>,
}

#[derive(Deserialize)]
struct Capture {
    id: String,
    status: String,
    #[serde(default)]
    amount: Option<Amount>,
    #[serde(default)]
    create_time: Option<String>,
    #[serde(default)]
    update_time: Option<String>,
}

#[derive(Deserialize)]
struct Refund {
    id: String,
    status: String,
    #[serde(default)]
    amount: Option<Amount>,
    #[serde(default)]
    create_time: Option<String>,
}

/// PayPal's order and capture IDs: `^[A-Z0-9]+$`, 1–36 characters.
fn paypal_id_ok(text: &str) -> bool {
    (1..=36).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
}

fn checked_id(text: &str, what: &str) -> Result<(), ProviderError> {
    if paypal_id_ok(text) {
        Ok(())
    } else {
        Err(ProviderError::Malformed(format!("{what} out of form")))
    }
}

/// A capture as a notification (§2.3): `COMPLETED` (and, seen later, `PARTIALLY_REFUNDED`
/// or `REFUNDED`, which say it completed once) is `Paid`; `DECLINED`/`FAILED` is
/// `Failed`; `PENDING` nothing yet.
fn capture_notification(capture: &Capture) -> Result<Option<Notification>, ProviderError> {
    checked_id(&capture.id, "capture ID")?;
    match capture.status.as_str() {
        "COMPLETED" | "PARTIALLY_REFUNDED" | "REFUNDED" => {
            let amount = capture
                .amount
                .as_ref()
                .ok_or_else(|| ProviderError::Malformed("capture without amount".into()))?
                .money()?;
            Ok(Some(Notification {
                id: event_id(format!("pp:capture:{}:COMPLETED", capture.id))?,
                seq: micros(capture.create_time.as_deref()),
                event: Event::Paid {
                    amount,
                    provider_ref: provider_ref(&capture.id, "capture ID")?,
                },
            }))
        }
        "DECLINED" | "FAILED" => Ok(Some(Notification {
            id: event_id(format!("pp:capture:{}:DECLINED", capture.id))?,
            seq: micros(capture.update_time.as_deref()),
            event: Event::Failed {
                reason: FailReason::Declined,
            },
        })),
        _ => Ok(None),
    }
}

/// A refund as a notification: `COMPLETED` is `Refunded`; `PENDING`, `FAILED` and
/// `CANCELLED` are nothing (pending is asked again, the others change no money).
fn refund_notification(refund: &Refund, kind: &str) -> Result<Option<Notification>, ProviderError> {
    checked_id(&refund.id, "refund ID")?;
    if refund.status != "COMPLETED" {
        tracing::info!(provider = "paypal", status = %clip(&refund.status, 20), "refund not completed");
        return Ok(None);
    }
    let amount = refund
        .amount
        .as_ref()
        .ok_or_else(|| ProviderError::Malformed("refund without amount".into()))?
        .money()?;
    Ok(Some(Notification {
        id: event_id(format!("pp:refund:{}:{kind}", refund.id))?,
        seq: micros(refund.create_time.as_deref()),
        event: Event::Refunded {
            amount,
            refund_id: RefundId::new(&refund.id)
                .map_err(|_| ProviderError::Malformed("refund ID".into()))?,
        },
    }))
}

/// Everything an order's representation says about its captures and refunds.
fn order_notifications(order: &Order) -> Result<Vec<Notification>, ProviderError> {
    let mut out = Vec::new();
    for unit in &order.purchase_units {
        let Some(payments) = &unit.payments else {
            continue;
        };
        for capture in &payments.captures {
            out.extend(capture_notification(capture)?);
        }
        for refund in &payments.refunds {
            out.extend(refund_notification(refund, "COMPLETED")?);
        }
    }
    Ok(out)
}

/// The first capture's ID in an order, if any.
fn first_capture(order: &Order) -> Option<&str> {
    order
        .purchase_units
        .iter()
        .filter_map(|u| u.payments.as_ref())
        .flat_map(|p| p.captures.iter())
        .map(|c| c.id.as_str())
        .next()
}

/// The last path segment of the link with `rel` `up` (a capture's order, a refund's
/// capture).
fn up_link_id(links: &[Link], under: &str) -> Option<String> {
    links
        .iter()
        .find(|l| l.rel == "up")
        .and_then(|l| Url::parse(&l.href).ok())
        .filter(|u| u.path().starts_with(under))
        .and_then(|u| u.path_segments()?.next_back().map(str::to_owned))
        .filter(|id| paypal_id_ok(id))
}

/// A webhook event's envelope (§3.2.6).
#[derive(Deserialize)]
struct Envelope {
    id: String,
    event_type: String,
    #[serde(default)]
    create_time: Option<String>,
    resource: serde_json::Value,
}

/// The resource fields the mapping reads; the rest is ignored.
#[derive(Deserialize)]
struct Resource {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    amount: Option<Amount>,
    #[serde(default)]
    custom_id: Option<String>,
    #[serde(default)]
    create_time: Option<String>,
    #[serde(default)]
    update_time: Option<String>,
    #[serde(default)]
    order_id: Option<String>,
    #[serde(default)]
    supplementary_data: Option<Supplementary>,
    #[serde(default)]
    purchase_units: Vec<PurchaseUnit>,
    #[serde(default)]
    links: Vec<Link>,
}

#[derive(Deserialize)]
struct Supplementary {
    #[serde(default)]
    related_ids: Option<RelatedIds>,
}

#[derive(Deserialize)]
struct RelatedIds {
    #[serde(default)]
    order_id: Option<String>,
}

fn optional_ref(text: Option<&str>) -> Option<super::ProviderRef> {
    text.filter(|t| paypal_id_ok(t))
        .and_then(|t| super::ProviderRef::new(t).ok())
}

/// A verified event's body as what it says (§2.3's PayPal rows).
fn event_notifications(body: &[u8], transmission_id: &str) -> Result<Verified, ProviderError> {
    let envelope: Envelope = read(body, "event")?;
    let resource: Resource = serde_json::from_value(envelope.resource)
        .map_err(|_| ProviderError::Malformed("event resource unreadable".into()))?;
    let resource_id = resource.id.clone().unwrap_or_default();
    let mut verified = Verified {
        payment: resource
            .custom_id
            .as_deref()
            .or_else(|| {
                resource
                    .purchase_units
                    .iter()
                    .find_map(|u| u.custom_id.as_deref())
            })
            .and_then(|c| PaymentId::new(c).ok()),
        provider_ref: None,
        capture_ref: None,
        notifications: Vec::new(),
        event_type: clip(&envelope.event_type, 100),
        envelope_id: clip(&envelope.id, 100),
        transmission_id: transmission_id.to_owned(),
        capture_wanted: false,
    };
    let order_of = |r: &Resource| -> Option<String> {
        r.supplementary_data
            .as_ref()
            .and_then(|s| s.related_ids.as_ref())
            .and_then(|r| r.order_id.clone())
            .or_else(|| up_link_id(&r.links, "/v2/checkout/orders/"))
    };
    match envelope.event_type.as_str() {
        "PAYMENT.CAPTURE.COMPLETED" | "PAYMENT.CAPTURE.DENIED" | "PAYMENT.CAPTURE.PENDING" => {
            verified.provider_ref = optional_ref(order_of(&resource).as_deref());
            verified.capture_ref = optional_ref(Some(&resource_id));
            let capture = Capture {
                id: resource_id.clone(),
                status: match envelope.event_type.as_str() {
                    "PAYMENT.CAPTURE.DENIED" => "DECLINED".to_owned(),
                    _ => resource.status.clone().unwrap_or_default(),
                },
                amount: resource.amount,
                create_time: resource.create_time.clone(),
                update_time: resource.update_time.clone(),
            };
            verified
                .notifications
                .extend(capture_notification(&capture)?);
        }
        "PAYMENT.CAPTURE.REFUNDED" | "PAYMENT.CAPTURE.REVERSED" => {
            let kind = if envelope.event_type.ends_with("REVERSED") {
                "REVERSED"
            } else {
                "COMPLETED"
            };
            // A reversal (chargeback) is assumed refund-shaped; its status may be absent.
            let status = match (kind, resource.status.as_deref()) {
                ("REVERSED", None) => "COMPLETED".to_owned(),
                (_, s) => s.unwrap_or_default().to_owned(),
            };
            verified.capture_ref = up_link_id(&resource.links, "/v2/payments/captures/")
                .and_then(|id| super::ProviderRef::new(&id).ok());
            let refund = Refund {
                id: resource_id,
                status,
                amount: resource.amount,
                create_time: resource.create_time,
            };
            verified
                .notifications
                .extend(refund_notification(&refund, kind)?);
        }
        "CHECKOUT.ORDER.APPROVED" => {
            checked_id(&resource_id, "order ID")?;
            verified.provider_ref = optional_ref(Some(&resource_id));
            verified.capture_wanted = true;
        }
        "CHECKOUT.PAYMENT-APPROVAL.REVERSED" => {
            let order = resource
                .order_id
                .clone()
                .or_else(|| order_of(&resource))
                .unwrap_or(resource_id);
            checked_id(&order, "order ID")?;
            verified.provider_ref = optional_ref(Some(&order));
            verified.notifications.push(Notification {
                id: event_id(format!("pp:order:{order}:approval-reversed"))?,
                seq: micros(envelope.create_time.as_deref()),
                event: Event::Failed {
                    reason: FailReason::ProviderError,
                },
            });
        }
        other => {
            tracing::info!(provider = "paypal", event_type = %clip(other, 100), "webhook event ignored");
        }
    }
    Ok(verified)
}

#[async_trait::async_trait]
impl Provider for PayPal {
    fn name(&self) -> &'static str {
        "paypal"
    }

    async fn create(&self, req: &CreateRequest<'_>) -> Result<Created, ProviderError> {
        let body = self.create_body(req)?;
        let url = format!("{}/v2/checkout/orders", self.base);
        let answer = self.post(&url, req.attempt.as_str(), body).await?;
        if !(200..=299).contains(&answer.status) {
            return Err(classify(&answer));
        }
        let order: Order = read(&answer.body, "order")?;
        checked_id(&order.id, "order ID")?;
        // `payer-action` with experience_context; `approve` with the older
        // application_context.
        let link = order
            .links
            .iter()
            .find(|l| l.rel == "payer-action")
            .or_else(|| order.links.iter().find(|l| l.rel == "approve"))
            .ok_or_else(|| ProviderError::Malformed("order without approval link".into()))?;
        let redirect =
            Url::parse(&link.href).map_err(|_| ProviderError::Malformed("approval link".into()))?;
        if !url_allowed(&redirect, self.allow_http) {
            return Err(ProviderError::Malformed(
                "approval link is not https".into(),
            ));
        }
        let reference = provider_ref(&order.id, "order ID")?;
        tracing::info!(provider = "paypal", status = %clip(&order.status, 30), "order created");
        Ok(Created {
            handle: Handle {
                provider_ref: reference.clone(),
                capture_ref: None,
            },
            redirect,
            started: Notification {
                id: event_id(format!("pp:order:{}:created", order.id))?,
                seq: 0,
                event: Event::Started {
                    provider_ref: reference,
                },
            },
        })
    }

    async fn status(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        let id = handle.provider_ref.as_str();
        checked_id(id, "stored order ID")?;
        let order = self.get_order(id).await?;
        if order.status == "APPROVED" && first_capture(&order).is_none() {
            // Approved and not taken yet: take it now (§2.2).
            return self.capture(handle).await;
        }
        order_notifications(&order)
    }

    async fn capture(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        let id = handle.provider_ref.as_str();
        checked_id(id, "stored order ID")?;
        match self.capture_once(id).await? {
            Some(notes) => Ok(notes),
            // Captured before (another tab, the webhook, the settle job): read it.
            None => order_notifications(&self.get_order(id).await?),
        }
    }

    async fn cancelled(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        let id = handle.provider_ref.as_str();
        checked_id(id, "stored order ID")?;
        let order = self.get_order(id).await?;
        match order.status.as_str() {
            // Not approved, nothing taken: the payer cancelled.
            "CREATED" | "PAYER_ACTION_REQUIRED" | "SAVED" => Ok(vec![Notification {
                id: event_id(format!("pp:order:{id}:cancelled"))?,
                seq: 0,
                event: Event::Cancelled,
            }]),
            // Approved in another tab: that approval stands and is captured elsewhere.
            _ => order_notifications(&order),
        }
    }

    async fn refund(
        &self,
        handle: &Handle,
        amount: Money,
        reason: &str,
        key: &RefundKey,
    ) -> Result<Vec<Notification>, ProviderError> {
        let capture = match &handle.capture_ref {
            Some(c) => c.as_str().to_owned(),
            None => {
                let order = self.get_order(handle.provider_ref.as_str()).await?;
                first_capture(&order)
                    .map(str::to_owned)
                    .ok_or(ProviderError::Refused {
                        status: 0,
                        code: "NOT_CAPTURED".into(),
                        detail: "the order has no capture to refund".into(),
                    })?
            }
        };
        checked_id(&capture, "capture ID")?;
        let mut body = json!({
            // Always sent, so that what the core counts and what PayPal refunds agree.
            "amount": { "currency_code": amount.currency.code(), "value": amount.decimal() },
        });
        let note = clip(reason.trim(), 255);
        if !note.is_empty() {
            body["note_to_payer"] = json!(note);
        }
        let body =
            serde_json::to_vec(&body).map_err(|e| ProviderError::Malformed(e.to_string()))?;
        let url = format!("{}/v2/payments/captures/{capture}/refund", self.base);
        let answer = self.post(&url, key.as_str(), body).await?;
        if !(200..=299).contains(&answer.status) {
            return Err(classify(&answer));
        }
        let refund: Refund = read(&answer.body, "refund")?;
        Ok(refund_notification(&refund, "COMPLETED")?
            .into_iter()
            .collect())
    }

    async fn verify(&self, inbound: &Inbound<'_>) -> Result<Verified, Rejected> {
        let headers = SignatureHeaders::read(inbound.headers)?;
        if !self.cert_url_allowed(headers.cert_url) {
            return Err(Rejected::CertUrl);
        }
        match self.verification {
            Verification::Local => self.verify_locally(&headers, inbound.body).await?,
            Verification::Api => self.verify_by_api(&headers, inbound.body).await?,
        }
        // Only now is the body read as JSON.
        event_notifications(inbound.body, headers.transmission_id).map_err(|e| match e {
            ProviderError::Malformed(why) => Rejected::Malformed(why),
            other => Rejected::Malformed(other.to_string()),
        })
    }
}
