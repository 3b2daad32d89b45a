//! XBezahldienste 1.0.0 (FITKO's payment API for public services, docs/payments.md §3.1):
//! OAuth 2.0 client credentials, `POST /paymenttransaction/{originatorId}/{endPointId}` to
//! open a transaction, `GET …/{transactionId}` to ask where it stands, problem+json errors
//! with a `functionalCode`. The standard has no push notifications and no refunds.
//!
//! Amounts are JSON numbers in major units; they are written as number tokens formatted
//! from minor units and read from the raw token with [`Money::parse`], never through a
//! float.
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderValue, ACCEPT, CONTENT_TYPE};
use http::{HeaderMap, Method};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use url::Url;

use super::http::{HttpClient, HttpRequest, HttpResponse, HyperClient};
use super::retry::Retry;
use super::token::{clip, Caller, Tokens};
use super::{
    base_url, event_id, item_reference, micros, provider_ref, timeout, url_allowed, ConfigError,
    CreateRequest, Created, Handle, Inbound, Provider, ProviderError, RefundKey, Rejected, Secret,
    Verified,
};
use crate::fee::Item;
use crate::money::{Currency, Money};
use crate::payment::{Event, FailReason, Notification};

/// How vamt authenticates at the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum XbdAuth {
    /// OAuth 2.0 client credentials (pmPayment, GiroCheckout).
    #[default]
    Oauth2,
    /// A TLS client certificate (ePayBL): not implemented by this adapter yet.
    Mtls,
}

/// `[payments.xbezahldienste]` (docs/payments.md §4).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct XbdConfig {
    /// Offer XBezahldienste.
    #[serde(default)]
    pub enabled: bool,
    /// The platform's base URL; the API paths are appended to it.
    pub base_url: String,
    /// The platform's tenant key for the online service, `^[\w\d-]{1,36}$`.
    pub originator_id: String,
    /// The platform's second tenant key (often the AGS), `^[\w\d-]{1,36}$`.
    pub endpoint_id: String,
    /// `oauth2` (default) or `mtls`.
    #[serde(default)]
    pub auth: XbdAuth,
    /// The token endpoint (oauth2).
    #[serde(default)]
    pub token_url: Option<String>,
    /// The client ID (oauth2).
    #[serde(default)]
    pub client_id: Option<String>,
    /// The client secret (oauth2), or `client_secret_file`.
    #[serde(default)]
    pub client_secret: Option<Secret>,
    /// A file holding the client secret.
    #[serde(default)]
    pub client_secret_file: Option<std::path::PathBuf>,
    /// mtls: the client certificate (PKCS#12 or PEM). Not implemented.
    #[serde(default)]
    pub client_cert_file: Option<std::path::PathBuf>,
    /// mtls: the PEM key to `client_cert_file`. Not implemented.
    #[serde(default)]
    pub client_key_file: Option<std::path::PathBuf>,
    /// mtls: the PKCS#12 password. Not implemented.
    #[serde(default)]
    pub client_cert_password: Option<Secret>,
    /// mtls: a file holding the PKCS#12 password. Not implemented.
    #[serde(default)]
    pub client_cert_password_file: Option<std::path::PathBuf>,
    /// An extra trust anchor for the platform's TLS. Not implemented: must be empty.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Send the payer's name (`requestor`). vamt sends none; must be false for now.
    #[serde(default)]
    pub send_requestor: bool,
    /// The start of `purpose`, before the booking reference.
    #[serde(default = "default_purpose_prefix")]
    pub purpose_prefix: String,
    /// Allow `http://` to loopback addresses (the simulator in tests).
    #[serde(default)]
    pub allow_http: bool,
    /// Per request (5–60 s).
    #[serde(default = "super::default_timeout_seconds")]
    pub request_timeout_seconds: u64,
    /// `bookingData` per item, by catalogue service ID (e.g. a cost centre).
    #[serde(default)]
    pub booking_data: BTreeMap<String, BTreeMap<String, String>>,
}

fn default_purpose_prefix() -> String {
    "Gebuehr".to_owned()
}

/// Without `expires_in` in the token answer a token is used for 5 minutes (§3.1.2).
const DEFAULT_TOKEN_LIFE: Duration = Duration::from_secs(300);

/// The XBezahldienste adapter.
pub struct XBezahldienste {
    base: String,
    originator_id: String,
    endpoint_id: String,
    purpose_prefix: String,
    allow_http: bool,
    booking_data: BTreeMap<String, BTreeMap<String, String>>,
    caller: Caller,
}

impl std::fmt::Debug for XBezahldienste {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("XBezahldienste")
            .field("base", &self.base)
            .field("originator_id", &self.originator_id)
            .field("endpoint_id", &self.endpoint_id)
            .finish_non_exhaustive()
    }
}

/// `^[\w\d-]{1,36}$` with Java's ASCII `\w`.
fn tenant_key_ok(text: &str) -> bool {
    (1..=36).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl XBezahldienste {
    /// The adapter with the real HTTPS client.
    pub fn from_config(config: &XbdConfig) -> Result<XBezahldienste, ConfigError> {
        let http = HyperClient::new(config.allow_http)?;
        XBezahldienste::new(config, Arc::new(http))
    }

    /// The adapter over `http` (the real client, or a scripted one in tests).
    pub fn new(
        config: &XbdConfig,
        http: Arc<dyn HttpClient>,
    ) -> Result<XBezahldienste, ConfigError> {
        let base = base_url(
            &config.base_url,
            config.allow_http,
            "xbezahldienste.base_url",
        )?;
        if !tenant_key_ok(&config.originator_id) {
            return Err(ConfigError::Invalid(
                "xbezahldienste.originator_id",
                "must match ^[A-Za-z0-9_-]{1,36}$",
            ));
        }
        if !tenant_key_ok(&config.endpoint_id) {
            return Err(ConfigError::Invalid(
                "xbezahldienste.endpoint_id",
                "must match ^[A-Za-z0-9_-]{1,36}$",
            ));
        }
        if config.auth == XbdAuth::Mtls {
            return Err(ConfigError::NotImplemented(
                "xbezahldienste.auth = \"mtls\"",
            ));
        }
        if config.ca_file.as_deref().is_some_and(|f| !f.is_empty()) {
            return Err(ConfigError::NotImplemented("xbezahldienste.ca_file"));
        }
        if config.send_requestor {
            return Err(ConfigError::NotImplemented("xbezahldienste.send_requestor"));
        }
        let token_url = config
            .token_url
            .as_deref()
            .ok_or(ConfigError::Missing("xbezahldienste.token_url"))?;
        let token_url = base_url(token_url, config.allow_http, "xbezahldienste.token_url")?;
        let client_id = config
            .client_id
            .as_deref()
            .filter(|id| !id.is_empty())
            .ok_or(ConfigError::Missing("xbezahldienste.client_id"))?;
        let secret = Secret::resolve(
            config.client_secret.as_ref(),
            config.client_secret_file.as_deref(),
            "xbezahldienste.client_secret",
        )?;
        let timeout = timeout(config.request_timeout_seconds)?;
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", "client_credentials")
            .append_pair("client_id", client_id)
            .append_pair("client_secret", secret.expose())
            .finish();
        let mut headers = HeaderMap::new();
        headers.insert(
            CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        );
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let token_request = HttpRequest {
            method: Method::POST,
            url: token_url,
            headers,
            body: form.into_bytes(),
            timeout,
        };
        Ok(XBezahldienste {
            base,
            originator_id: config.originator_id.clone(),
            endpoint_id: config.endpoint_id.clone(),
            purpose_prefix: config.purpose_prefix.clone(),
            allow_http: config.allow_http,
            booking_data: config.booking_data.clone(),
            caller: Caller {
                http,
                timeout,
                tokens: Tokens::new(token_request, DEFAULT_TOKEN_LIFE),
            },
        })
    }

    fn transactions_url(&self) -> String {
        format!(
            "{}/paymenttransaction/{}/{}",
            self.base, self.originator_id, self.endpoint_id
        )
    }

    /// Asks the platform whether this tenant's configuration works
    /// (`GET /status/{originatorId}/{endPointId}`): for the start and the admin's health
    /// view, never for `/readyz`.
    pub async fn health(&self) -> Result<(), ProviderError> {
        let url = format!(
            "{}/status/{}/{}",
            self.base, self.originator_id, self.endpoint_id
        );
        let answer = self
            .caller
            .call(Method::GET, &url, &[], Vec::new(), Retry::Idempotent)
            .await?;
        if (200..=299).contains(&answer.status) {
            Ok(())
        } else {
            Err(classify(&answer, Operation::Status))
        }
    }

    /// The create request's body (§3.1.3): public for the tests that check it byte for
    /// byte, and for the admin's "show what is sent" view.
    pub fn create_body(&self, req: &CreateRequest<'_>) -> Result<Vec<u8>, ProviderError> {
        let quote = req.quote;
        if quote.total.currency != Currency::EUR {
            // The standard's first step knows only the euro (§3.1.3).
            return Err(ProviderError::Refused {
                status: 0,
                code: "VALIDATION_ERROR".into(),
                detail: format!("currency {} not offered", quote.total.currency),
            });
        }
        if quote.items.is_empty() || quote.items.len() > 99 {
            return Err(ProviderError::Refused {
                status: 0,
                code: "VALIDATION_ERROR".into(),
                detail: "1 to 99 items".into(),
            });
        }
        let items = quote
            .items
            .iter()
            .enumerate()
            .map(|(i, item)| {
                let service = match &item.item {
                    Item::Service { service } | Item::Option { service, .. } => service.to_string(),
                    Item::WarningFine => super::WARNING_FINE.to_owned(),
                };
                let reference = item_reference(&item.item);
                let name = req
                    .item_names
                    .get(i)
                    .map(|n| description_text(n))
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| description_text(&reference));
                Ok(XbdItem {
                    id: (i + 1).to_string(),
                    reference: clip(&reference, 36),
                    description: name,
                    tax_rate: number("0")?,
                    quantity: item.quantity,
                    single_net_amount: amount(item.unit)?,
                    single_tax_amount: number("0")?,
                    total_net_amount: amount(item.total)?,
                    total_tax_amount: number("0")?,
                    booking_data: self.booking_data.get(&service).cloned(),
                })
            })
            .collect::<Result<Vec<_>, ProviderError>>()?;
        let description = description_text(req.description);
        let body = XbdRequest {
            request_id: req.attempt.as_str(),
            request_timestamp: chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
            currency: quote.total.currency.code(),
            gros_amount: amount(quote.total)?,
            purpose: purpose_text(&self.purpose_prefix, req.purpose),
            description: (!description.is_empty()).then_some(description),
            redirect_url: req.return_url,
            items,
        };
        serde_json::to_vec(&body).map_err(|e| ProviderError::Malformed(e.to_string()))
    }

    fn read_transaction(&self, answer: &HttpResponse) -> Result<Transaction, ProviderError> {
        serde_json::from_slice::<Transaction>(&answer.body)
            .map_err(|_| ProviderError::Malformed("not a PaymentTransaction".into()))
    }
}

/// A JSON number token from our own text.
fn number(text: &str) -> Result<Box<RawValue>, ProviderError> {
    RawValue::from_string(text.to_owned()).map_err(|e| ProviderError::Malformed(e.to_string()))
}

/// An amount as a JSON number in major units: `29.00`.
fn amount(m: Money) -> Result<Box<RawValue>, ProviderError> {
    number(&m.decimal())
}

/// `description`'s pattern `^[\w\d\s-,\.\u00C0-\u017F]+$` and 250 characters: what falls
/// outside is dropped rather than refused, since it is only shown on the pay page.
fn description_text(text: &str) -> String {
    let kept: String = text
        .chars()
        .filter(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '-' | ',' | '.' | ' ' | '\t')
                || ('\u{00C0}'..='\u{017F}').contains(c)
        })
        .collect();
    clip(kept.trim(), 250)
}

/// `purpose`'s pattern `^[\w\d\s-]+$` and 27 characters (the old bank-statement line):
/// umlauts transliterated, everything else outside the pattern dropped.
fn purpose_text(prefix: &str, purpose: &str) -> String {
    let full = if prefix.is_empty() || purpose.starts_with(prefix) {
        purpose.to_owned()
    } else {
        format!("{prefix} {purpose}")
    };
    let mut out = String::new();
    for c in full.chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'Ä' => out.push_str("Ae"),
            'Ö' => out.push_str("Oe"),
            'Ü' => out.push_str("Ue"),
            'ß' => out.push_str("ss"),
            c if c.is_ascii_alphanumeric() || c == '_' || c == '-' => out.push(c),
            c if c.is_whitespace() => out.push(' '),
            _ => {}
        }
    }
    clip(out.trim(), 27).trim_end().to_owned()
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct XbdRequest<'a> {
    request_id: &'a str,
    request_timestamp: String,
    currency: &'static str,
    gros_amount: Box<RawValue>,
    purpose: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    redirect_url: &'a str,
    items: Vec<XbdItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct XbdItem {
    id: String,
    reference: String,
    description: String,
    tax_rate: Box<RawValue>,
    quantity: u32,
    single_net_amount: Box<RawValue>,
    single_tax_amount: Box<RawValue>,
    total_net_amount: Box<RawValue>,
    total_tax_amount: Box<RawValue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    booking_data: Option<BTreeMap<String, String>>,
}

/// `PaymentTransaction` as answered to create and to the status query (§3.1.4).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Transaction {
    #[serde(default)]
    payment_request: Option<EchoedRequest>,
    payment_information: Information,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct EchoedRequest {
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    gros_amount: Option<Box<RawValue>>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Information {
    #[serde(default)]
    transaction_redirect_url: Option<String>,
    transaction_id: String,
    #[serde(default)]
    transaction_reference: Option<String>,
    #[serde(default)]
    transaction_timestamp: Option<String>,
    #[serde(default)]
    payment_method: Option<String>,
    status: String,
    #[serde(default)]
    status_detail: Option<String>,
}

/// A problem detail (RFC 9457) with XBezahldienste's `functionalCode` (§3.1.7).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Problem {
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    detail: Option<String>,
    #[serde(default)]
    functional_code: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Operation {
    Create,
    Status,
}

/// A non-2xx answer as a [`ProviderError`] (§3.1.7's table).
fn classify(answer: &HttpResponse, op: Operation) -> ProviderError {
    let status = answer.status;
    if super::retry::unavailable_status(status) {
        return ProviderError::Unavailable(format!("answered {status}"));
    }
    if (300..=399).contains(&status) {
        return ProviderError::Malformed(format!("redirect ({status}) not followed"));
    }
    let media = answer.media_type();
    let problem = if media == "application/problem+json" || media == "application/json" {
        serde_json::from_slice::<Problem>(&answer.body).ok()
    } else {
        None
    };
    let Some(problem) = problem else {
        return ProviderError::Malformed(format!("answered {status} without problem+json"));
    };
    let code = problem
        .functional_code
        .or(problem.title)
        .unwrap_or_else(|| format!("HTTP_{status}"));
    let code = clip(&code, 100);
    let detail = clip(problem.detail.as_deref().unwrap_or(""), 2000);
    let functional = matches!(
        code.as_str(),
        "VALIDATION_ERROR" | "CALCULATION_ERROR" | "BOOKING_DATA_MISSING"
    );
    if op == Operation::Status && (status == 400 || status == 422 || functional) {
        // Our GET carries nothing to validate: a validation answer is not one to act on.
        return ProviderError::Malformed(format!("status query answered {status} {code}"));
    }
    tracing::error!(
        provider = "xbezahldienste",
        status,
        functional_code = %code,
        detail = %detail,
        "refused by the payment platform"
    );
    ProviderError::Refused {
        status,
        code,
        detail,
    }
}

/// What the status says, as notifications (§2.3). `INITIAL`: none (still open).
fn notifications(tx: &Transaction) -> Result<Vec<Notification>, ProviderError> {
    let info = &tx.payment_information;
    let id = info.transaction_id.as_str();
    let seq = micros(info.transaction_timestamp.as_deref());
    let note = |event: Event| -> Result<Notification, ProviderError> {
        Ok(Notification {
            id: event_id(format!("xbd:{id}:{}", info.status))?,
            seq,
            event,
        })
    };
    match info.status.as_str() {
        "INITIAL" => Ok(Vec::new()),
        "PAYED" => {
            let echoed = tx
                .payment_request
                .as_ref()
                .ok_or_else(|| ProviderError::Malformed("PAYED without paymentRequest".into()))?;
            let currency = echoed
                .currency
                .as_deref()
                .ok_or_else(|| ProviderError::Malformed("PAYED without currency".into()))?;
            let currency = Currency::parse(currency)
                .map_err(|_| ProviderError::Malformed("unknown currency".into()))?;
            let raw = echoed
                .gros_amount
                .as_ref()
                .ok_or_else(|| ProviderError::Malformed("PAYED without grosAmount".into()))?;
            let amount = Money::parse(raw.get().trim(), currency)
                .map_err(|e| ProviderError::Malformed(format!("grosAmount: {e}")))?;
            let reference = info
                .transaction_reference
                .as_deref()
                .filter(|r| !r.is_empty())
                .unwrap_or(id);
            let provider_ref = provider_ref(reference, "transactionReference")?;
            tracing::info!(
                provider = "xbezahldienste",
                payment_method = info.payment_method.as_deref().unwrap_or(""),
                "transaction paid"
            );
            Ok(vec![note(Event::Paid {
                amount,
                provider_ref,
            })?])
        }
        // The standard uses FAILED for an abort by the platform and its own time-out alike.
        "FAILED" => Ok(vec![note(Event::Failed {
            reason: FailReason::Declined,
        })?]),
        "CANCELED" => Ok(vec![note(Event::Cancelled)?]),
        other => Err(ProviderError::Malformed(format!(
            "unknown status {}",
            clip(other, 20)
        ))),
    }
}

/// `transactionId` as the standard allows it: `^[\w\d-]+$`, at most 44 (§3.1.4).
fn transaction_id_ok(text: &str) -> bool {
    (1..=44).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[async_trait::async_trait]
impl Provider for XBezahldienste {
    fn name(&self) -> &'static str {
        "xbezahldienste"
    }

    async fn create(&self, req: &CreateRequest<'_>) -> Result<Created, ProviderError> {
        let body = self.create_body(req)?;
        // Not idempotent at the platform: sent again only if it never left (§3.4); a lost
        // answer shows as PAYMENT_EXISTS on the next try, and the attempt is abandoned.
        let answer = self
            .caller
            .call(
                Method::POST,
                &self.transactions_url(),
                &[],
                body,
                Retry::BeforeSent,
            )
            .await?;
        if !(200..=299).contains(&answer.status) {
            return Err(classify(&answer, Operation::Create));
        }
        let tx = self.read_transaction(&answer)?;
        let info = &tx.payment_information;
        if !transaction_id_ok(&info.transaction_id) {
            return Err(ProviderError::Malformed("transactionId out of form".into()));
        }
        let redirect = info
            .transaction_redirect_url
            .as_deref()
            .ok_or_else(|| ProviderError::Malformed("no transactionRedirectUrl".into()))?;
        let redirect = Url::parse(redirect)
            .map_err(|_| ProviderError::Malformed("transactionRedirectUrl".into()))?;
        if !url_allowed(&redirect, self.allow_http) {
            return Err(ProviderError::Malformed(
                "transactionRedirectUrl is not https".into(),
            ));
        }
        let reference = provider_ref(&info.transaction_id, "transactionId")?;
        let started = Notification {
            id: event_id(format!("xbd:{}:INITIAL", info.transaction_id))?,
            seq: 0,
            event: Event::Started {
                provider_ref: reference.clone(),
            },
        };
        tracing::info!(
            provider = "xbezahldienste",
            status = %clip(&info.status, 20),
            "transaction created"
        );
        Ok(Created {
            handle: Handle {
                provider_ref: reference,
                capture_ref: None,
            },
            redirect,
            started,
        })
    }

    async fn status(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        let id = handle.provider_ref.as_str();
        if !transaction_id_ok(id) {
            return Err(ProviderError::Malformed("stored transactionId".into()));
        }
        // Built from the configured base, never from the transactionUrl the platform sent:
        // a compromised answer must not point our authenticated client elsewhere.
        let url = format!("{}/{id}", self.transactions_url());
        let answer = self
            .caller
            .call(Method::GET, &url, &[], Vec::new(), Retry::Idempotent)
            .await?;
        if !(200..=299).contains(&answer.status) {
            return Err(classify(&answer, Operation::Status));
        }
        let tx = self.read_transaction(&answer)?;
        if tx.payment_information.transaction_id != id {
            return Err(ProviderError::Malformed(
                "answer about another transaction".into(),
            ));
        }
        if let Some(detail) = &tx.payment_information.status_detail {
            // Its content is agreed per platform and may be personal: only its length.
            tracing::debug!(
                provider = "xbezahldienste",
                status_detail_len = detail.len(),
                "status detail"
            );
        }
        notifications(&tx)
    }

    async fn refund(
        &self,
        _handle: &Handle,
        _amount: Money,
        _reason: &str,
        _key: &RefundKey,
    ) -> Result<Vec<Notification>, ProviderError> {
        // XBezahldienste 1.0.0 has no refund operation: the admin records one made in the
        // platform's back office.
        Err(ProviderError::Unsupported)
    }

    async fn verify(&self, _inbound: &Inbound<'_>) -> Result<Verified, Rejected> {
        // No push in the standard: the return triggers the status query instead.
        Err(Rejected::NotSupported)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purpose_is_transliterated_and_cut() {
        assert_eq!(purpose_text("Gebuehr", "BK-7Q2M"), "Gebuehr BK-7Q2M");
        assert_eq!(purpose_text("Gebühr", "Bürger: ß!"), "Gebuehr Buerger ss");
        assert_eq!(
            purpose_text("Gebuehr", "Gebuehr BK-7Q2M-AAAAAAAAAAAAAAAAAAAA"),
            "Gebuehr BK-7Q2M-AAAAAAAAAAA"
        );
    }

    #[test]
    fn description_keeps_the_pattern() {
        assert_eq!(
            description_text("Führungszeugnis, 1 weitere Kopie (beglaubigt) – 13 €"),
            "Führungszeugnis, 1 weitere Kopie beglaubigt  13"
        );
    }
}
