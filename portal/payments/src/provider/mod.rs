//! The online payment providers (docs/payments.md §2, §3): the [`Provider`] trait, and its
//! adapters for XBezahldienste ([`xbezahldienste`]) and PayPal Orders v2 ([`paypal`]).
//!
//! An adapter translates wire formats and checks signatures, nothing more: it turns what a
//! provider says into [`Notification`]s with deterministic event IDs (§2.3), and what a
//! notification does to a payment is decided by [`crate::apply`], never here. The HTTP
//! client is passed in as an [`HttpClient`], so that the adapters are tested against
//! scripted answers as well as against the simulators.
use std::fmt;

use rand::Rng;
use url::Url;

use crate::fee::{Item, Quote};
use crate::money::Money;
use crate::payment::{EventId, Notification, ProviderRef};

pub mod http;
pub mod paypal;
mod retry;
mod token;
pub mod xbezahldienste;

pub use self::http::{HttpClient, HttpError, HttpRequest, HttpResponse, HyperClient};
pub use self::paypal::{PayPal, PayPalConfig, Verification};
pub use self::xbezahldienste::{XBezahldienste, XbdAuth, XbdConfig};

/// An ID vamt gives (payment, attempt, refund) that is not 1 to 36 characters of
/// `[A-Za-z0-9_-]`: the strictest provider field it goes into (XBezahldienste's
/// `requestId`, `^[\w\d-]+$`, at most 36) decides the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("an ID is 1 to 36 characters of A-Z, a-z, 0-9, _ and -")]
pub struct BadId;

fn id_ok(text: &str) -> bool {
    (1..=36).contains(&text.len())
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// `prefix` and 32 lower-case hex digits of 128 random bits.
fn random_id(prefix: &str) -> String {
    let bits: u128 = rand::rng().random();
    format!("{prefix}{bits:032x}")
}

macro_rules! own_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(String);

        impl $name {
            /// A stored ID, if it has the form every provider takes.
            pub fn new(text: &str) -> Result<$name, BadId> {
                if id_ok(text) {
                    Ok($name(text.to_owned()))
                } else {
                    Err(BadId)
                }
            }

            /// A fresh one: the prefix and 128 random bits in hex.
            pub fn generate() -> $name {
                $name(random_id($prefix))
            }

            /// Its text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

own_id!(
    /// vamt's ID of a payment (`PY_…`): PayPal's `custom_id` carries it into captures and
    /// webhooks.
    PaymentId,
    "PY_"
);
own_id!(
    /// One create call (`AT…`, 34 characters): the idempotency key sent as
    /// XBezahldienste `requestId` and PayPal `PayPal-Request-Id`. A retry of the same call
    /// reuses it; the citizen's next click gets a new one.
    AttemptId,
    "AT"
);
own_id!(
    /// vamt's ID of one refund (`RF_…`), stored before the call so that a retry after a
    /// crash sends the same key and the provider refunds once.
    RefundKey,
    "RF_"
);

/// What [`Provider::create`] needs to open a transaction.
#[derive(Debug, Clone, Copy)]
pub struct CreateRequest<'a> {
    /// Our payment (`custom_id`/`reference_id` at PayPal).
    pub payment: &'a PaymentId,
    /// This call's idempotency key.
    pub attempt: &'a AttemptId,
    /// Lines and total; amounts are [`Money`], never floats.
    pub quote: &'a Quote,
    /// The name of each quote item in the citizen's language, in the quote's order (the
    /// quote itself holds catalogue keys only). A missing name is written as the item's key.
    pub item_names: &'a [String],
    /// Short booking text, e.g. `Gebuehr BK-7Q2M` (XBezahldienste cuts it to 27 characters
    /// of its pattern).
    pub purpose: &'a str,
    /// The lines in the citizen's language, shown on the pay page.
    pub description: &'a str,
    /// Where the provider sends the citizen back: `https://…/pay/return/PY_…?k=…`.
    pub return_url: &'a str,
    /// Where PayPal sends a citizen who cancels: `https://…/pay/cancel/PY_…?k=…`.
    pub cancel_url: &'a str,
    /// The citizen's language, `de-DE`.
    pub locale: &'a str,
}

/// A transaction opened at the provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Created {
    /// What `status`, `capture` and `refund` need later (stored with the payment).
    pub handle: Handle,
    /// The provider's pay page, where the citizen is sent.
    pub redirect: Url,
    /// `Event::Started` with the provider's reference, to apply.
    pub started: Notification,
}

/// What the adapter stores per payment to talk to the provider again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handle {
    /// The provider's transaction (XBezahldienste `transactionId`) or order ID (PayPal).
    pub provider_ref: ProviderRef,
    /// PayPal's capture ID once known (needed to refund).
    pub capture_ref: Option<ProviderRef>,
}

/// A notification the provider pushed: headers and the raw body, byte for byte, since
/// signatures cover bytes, not parsed JSON.
#[derive(Debug, Clone, Copy)]
pub struct Inbound<'a> {
    /// The request's headers.
    pub headers: &'a ::http::HeaderMap,
    /// The request's body as received.
    pub body: &'a [u8],
}

/// A pushed notification whose signature holds, and what it says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    /// Our payment, from PayPal's `custom_id` when the resource carries it.
    pub payment: Option<PaymentId>,
    /// The provider's reference of the payment (PayPal order ID), when the event names it:
    /// a capture's `supplementary_data` or `up` link, an order's `id`. It must be the one
    /// stored for [`Verified::payment`].
    pub provider_ref: Option<ProviderRef>,
    /// PayPal's capture ID, when the event is about a capture or a refund of one.
    pub capture_ref: Option<ProviderRef>,
    /// What it says, to apply (possibly none: an event that changes nothing by itself).
    pub notifications: Vec<Notification>,
    /// The event type (`PAYMENT.CAPTURE.COMPLETED`), for the log and the metric.
    pub event_type: String,
    /// The envelope's ID (`WH-…`), kept with the stored notification for the audit; not
    /// the idempotency key (§2.3).
    pub envelope_id: String,
    /// The transmission ID, for the audit and the log.
    pub transmission_id: String,
    /// The payer approved the order (`CHECKOUT.ORDER.APPROVED`): the server captures it,
    /// for the citizen who approved and closed the tab before the return.
    pub capture_wanted: bool,
}

/// Why a provider call did not give an answer to use.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// The provider's API has no such operation (XBezahldienste refunds).
    #[error("the provider's API has no such operation")]
    Unsupported,
    /// The provider refused (4xx with its error): `code` is XBezahldienste's
    /// `functionalCode` or PayPal's issue (else its error name); `detail` its text.
    #[error("refused by the provider ({status} {code})")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The provider's code.
        code: String,
        /// The provider's description (never shown to the citizen).
        detail: String,
    },
    /// 5xx, 429, timeout, connection refused or reset: try again later.
    #[error("the provider does not answer: {0}")]
    Unavailable(String),
    /// An answer that cannot be read: try again later, and alert.
    #[error("the provider's answer is unreadable: {0}")]
    Malformed(String),
}

impl ProviderError {
    /// The metric label: `unsupported`, `refused`, `unavailable`, `malformed`.
    pub fn kind(&self) -> &'static str {
        match self {
            ProviderError::Unsupported => "unsupported",
            ProviderError::Refused { .. } => "refused",
            ProviderError::Unavailable(_) => "unavailable",
            ProviderError::Malformed(_) => "malformed",
        }
    }
}

/// Why a pushed notification was not taken. Nothing of a rejected one reaches `apply`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejected {
    /// The provider has no push notifications (XBezahldienste).
    #[error("the provider sends no notifications")]
    NotSupported,
    /// A signature header missing, too long or of an unknown algorithm.
    #[error("signature headers missing or malformed")]
    Headers,
    /// The certificate URL is not `https://` on an allowed host under the certificate path.
    #[error("certificate URL not allowed")]
    CertUrl,
    /// The certificate could not be read, is not RSA, or is outside its validity.
    #[error("certificate unusable")]
    Certificate,
    /// The signature does not verify (body changed, other key, other webhook ID).
    #[error("signature does not verify")]
    Signature,
    /// Signed, but the body is not an event we can read.
    #[error("notification unreadable: {0}")]
    Malformed(String),
    /// The certificate or the verify API could not be reached: the provider should send
    /// it again later (the web crate answers 503).
    #[error("verification not possible now: {0}")]
    Unavailable(String),
}

impl Rejected {
    /// The reason as logged and counted (`reason` label of
    /// `vamt_portal_payments_signature_failures_total`).
    pub fn reason(&self) -> &'static str {
        match self {
            Rejected::NotSupported => "not_supported",
            Rejected::Headers => "headers",
            Rejected::CertUrl => "cert_url",
            Rejected::Certificate => "certificate",
            Rejected::Signature => "signature",
            Rejected::Malformed(_) => "malformed",
            Rejected::Unavailable(_) => "unavailable",
        }
    }
}

/// A way of paying online, as configured under `[payments.<name>]`. Implementations do
/// wire formats and signatures only; what a notification does to a payment is decided by
/// [`crate::apply`], never here.
#[async_trait::async_trait]
pub trait Provider: Send + Sync {
    /// The configuration name (`xbezahldienste`, `paypal`), stored with each payment so
    /// that a payment is settled by the provider that started it even after the
    /// configuration changes.
    fn name(&self) -> &'static str;

    /// Opens the transaction at the provider. `req.attempt` is our idempotency key for
    /// this call, so that a retry after a lost answer cannot open a second transaction for
    /// the same attempt. Returns where to send the citizen and the `Started` to apply.
    async fn create(&self, req: &CreateRequest<'_>) -> Result<Created, ProviderError>;

    /// Asks the provider where the payment stands and returns what it says as
    /// notifications (possibly none: still open). Safe to call any number of times: the
    /// notifications carry deterministic event IDs, so asking twice yields duplicates.
    async fn status(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError>;

    /// Takes the money of an approved payment. Only PayPal needs this; XBezahldienste
    /// platforms take the money on their pay page, so by default there is nothing to take.
    async fn capture(&self, _handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        Ok(Vec::new())
    }

    /// The citizen came back through the cancel link: what the provider says now. PayPal
    /// answers `Cancelled` only while the order is not approved (an approval in another tab
    /// stands); by default this is the status query.
    async fn cancelled(&self, handle: &Handle) -> Result<Vec<Notification>, ProviderError> {
        self.status(handle).await
    }

    /// Gives back `amount` of a paid payment. `key` is our refund ID (the provider's
    /// idempotency key). `Err(ProviderError::Unsupported)` where the API has no refund:
    /// the admin then records one made in the platform's back office.
    async fn refund(
        &self,
        handle: &Handle,
        amount: Money,
        reason: &str,
        key: &RefundKey,
    ) -> Result<Vec<Notification>, ProviderError>;

    /// Checks a notification the provider pushed and returns the payment it is about and
    /// what it says. A forged, tampered or unsigned one is `Err`. Providers without push
    /// notifications return `Err(Rejected::NotSupported)`.
    async fn verify(&self, inbound: &Inbound<'_>) -> Result<Verified, Rejected>;
}

/// An event ID made of provider IDs that were checked before: `Malformed` if it still does
/// not fit (a provider ID longer than the event ID allows).
pub(crate) fn event_id(text: String) -> Result<EventId, ProviderError> {
    EventId::new(&text).map_err(|_| ProviderError::Malformed("event ID out of form".into()))
}

/// A provider's reference as sent: 1 to 128 visible ASCII characters, else `Malformed`.
pub(crate) fn provider_ref(text: &str, what: &str) -> Result<ProviderRef, ProviderError> {
    ProviderRef::new(text).map_err(|_| ProviderError::Malformed(format!("{what} out of form")))
}

/// The catalogue key of a quote item, as a provider's item reference:
/// `svc-12`, `svc-12-extra-copy`.
/// The reference of a warning fine's line, and its key in an XBezahldienste platform's
/// `booking_data` (the city's accounting code for warning fines).
pub const WARNING_FINE: &str = "warning-fine";

pub(crate) fn item_reference(item: &Item) -> String {
    match item {
        Item::Service { service } => format!("svc-{service}"),
        Item::Option { service, option } => format!("svc-{service}-{option}"),
        Item::WarningFine => WARNING_FINE.to_owned(),
    }
}

/// A provider time (RFC 3339) as `seq`: microseconds since the epoch, 0 if absent,
/// unreadable or before 1970 (the core orders first by kind; 0 is right for a fact that
/// occurs once per provider object).
pub(crate) fn micros(time: Option<&str>) -> u64 {
    time.and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .and_then(|t| u64::try_from(t.timestamp_micros()).ok())
        .unwrap_or(0)
}

/// Whether a URL may be used: `https`, or `http` to a loopback host when the configuration
/// allows it (the simulators in tests).
pub(crate) fn url_allowed(url: &Url, allow_http: bool) -> bool {
    match url.scheme() {
        "https" => url.host().is_some(),
        "http" => allow_http && is_loopback(url),
        _ => false,
    }
}

/// Whether the URL's host is a loopback address or `localhost`.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

/// A secret from the configuration: inline or read from a file, never printed.
#[derive(Clone, serde::Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// A secret given in code (tests, the configuration loader).
    pub fn new(text: impl Into<String>) -> Secret {
        Secret(text.into())
    }

    /// The secret itself, for the one place it is sent.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The inline secret, else the one in `file` (trailing line end removed).
    pub(crate) fn resolve(
        inline: Option<&Secret>,
        file: Option<&std::path::Path>,
        key: &'static str,
    ) -> Result<Secret, ConfigError> {
        match (inline, file) {
            (Some(s), None) if !s.0.is_empty() => Ok(s.clone()),
            (None, Some(path)) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| ConfigError::SecretFile(key, e.kind().to_string()))?;
                let text = text.trim_end_matches(['\r', '\n']);
                if text.is_empty() {
                    Err(ConfigError::Missing(key))
                } else {
                    Ok(Secret(text.to_owned()))
                }
            }
            (Some(_), Some(_)) => Err(ConfigError::Invalid(key, "given inline and as a file")),
            _ => Err(ConfigError::Missing(key)),
        }
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret([redacted])")
    }
}

/// Why a provider's configuration was refused at start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// A required key is missing.
    #[error("payments: {0} is required")]
    Missing(&'static str),
    /// A key's value is not acceptable.
    #[error("payments: {0}: {1}")]
    Invalid(&'static str, &'static str),
    /// A secret file could not be read.
    #[error("payments: {0}: file not readable ({1})")]
    SecretFile(&'static str, String),
    /// A part the adapter does not implement (XBezahldienste mTLS).
    #[error("payments: {0} is not implemented")]
    NotImplemented(&'static str),
    /// The TLS client could not be set up.
    #[error("payments: TLS: {0}")]
    Tls(String),
}

/// A base URL from the configuration: parsed, `https` unless `allow_http` (then only to
/// loopback), without a trailing slash so that paths are appended as written.
pub(crate) fn base_url(
    text: &str,
    allow_http: bool,
    key: &'static str,
) -> Result<String, ConfigError> {
    let url = Url::parse(text).map_err(|_| ConfigError::Invalid(key, "not a URL"))?;
    if !url_allowed(&url, allow_http) {
        return Err(ConfigError::Invalid(
            key,
            "must be https (http only to a loopback address with allow_http)",
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::Invalid(key, "has a query or fragment"));
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// The per-request timeout in seconds (5–60, §3.4).
pub(crate) fn timeout(seconds: u64) -> Result<std::time::Duration, ConfigError> {
    if (5..=60).contains(&seconds) {
        Ok(std::time::Duration::from_secs(seconds))
    } else {
        Err(ConfigError::Invalid(
            "request_timeout_seconds",
            "must be 5 to 60",
        ))
    }
}

pub(crate) fn default_timeout_seconds() -> u64 {
    15
}
