//! The PayPal simulator: Orders v2, captures, refunds and signed webhooks
//! (`docs/payments.md` §3.2, §5.3).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine as _;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use rand::Rng;
use rsa::pkcs1v15::{Signature, SigningKey, VerifyingKey};
use rsa::signature::{SignatureEncoding, Signer, Verifier};
use rsa::RsaPrivateKey;
use serde::Deserialize;
use serde_json::{json, Map, Value};
use sha2::Sha256;

use crate::money::{format_minor, is_plain_decimal, parse_decimal, DecimalError};
use crate::server::{self, lock, Common};
use crate::{PayPalConfig, SetupError, Sim};

/// The certificate's name in `PAYPAL-CERT-URL`.
const CERT_NAME: &str = "CERT-sim-1";
/// `expires_in` of tokens unless the control API changes it (§3.2.1).
const DEFAULT_TOKEN_TTL: u64 = 32_400;
/// The webhook ID a forged delivery is signed for (`forge_webhook_id`).
const OTHER_WEBHOOK_ID: &str = "0SIM00000OTHERMERCHANT";

/// Starts a PayPal simulator on `127.0.0.1:0`, serving in a tokio task.
///
/// API: `POST /v1/oauth2/token`, `POST /v2/checkout/orders`, `GET /v2/checkout/orders/{id}`,
/// `POST /v2/checkout/orders/{id}/capture`, `GET /v2/payments/captures/{id}`,
/// `POST /v2/payments/captures/{id}/refund`, `GET /v2/payments/refunds/{id}`,
/// `POST /v1/notifications/verify-webhook-signature`,
/// `GET /v1/notifications/certs/CERT-sim-1`. Pay page: `GET /checkoutnow?token={id}`.
/// The RSA keys are made once per process (2048-bit generation is slow in test builds);
/// the certificate is made per simulator.
pub async fn paypal(cfg: PayPalConfig) -> std::io::Result<Sim> {
    let keys = keys().await.map_err(std::io::Error::other)?;
    let cert_pem = certificate(&keys.signer, "PayPal webhook simulator (vamt tests)")
        .map_err(std::io::Error::other)?;
    let forger_pem =
        certificate(&keys.forger, "Forger (vamt paysim)").map_err(std::io::Error::other)?;

    // The forger's certificate is served from a host that is not in vamt's `cert_hosts`
    // (127.0.0.2; on systems without it, another port of 127.0.0.1 and a path outside
    // `/v1/notifications/certs/`), so that only the host/path check can refuse it.
    let forger_router = Router::new().route(
        "/cert",
        get(move || {
            let pem = forger_pem.clone();
            async move { pem_response(pem) }
        }),
    );
    let (forger_base, forger_task) = match server::serve("127.0.0.2", forger_router.clone()).await {
        Ok(x) => x,
        Err(_) => server::serve("127.0.0.1", forger_router).await?,
    };

    let common = Common::new(vec![cfg.client_secret.clone()], is_api, unavailable);
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let state = Arc::new(PayPal {
        base: base.clone(),
        cert_url: format!("{base}/v1/notifications/certs/{CERT_NAME}"),
        forger_cert_url: format!("{forger_base}/cert"),
        cert_pem,
        keys,
        common: common.clone(),
        client: Client::builder(TokioExecutor::new()).build_http(),
        st: Mutex::new(PpState::new(cfg.webhook_url.clone())),
        cfg,
    });
    let router = Router::new()
        .route("/v1/oauth2/token", post(token))
        .route("/v2/checkout/orders", post(create_order))
        .route("/v2/checkout/orders/{id}", get(get_order))
        .route("/v2/checkout/orders/{id}/capture", post(capture_order))
        .route("/v2/payments/captures/{id}", get(get_capture))
        .route("/v2/payments/captures/{id}/refund", post(refund_capture))
        .route("/v2/payments/refunds/{id}", get(get_refund))
        .route(
            "/v1/notifications/verify-webhook-signature",
            post(verify_signature),
        )
        .route("/v1/notifications/certs/{name}", get(get_cert))
        .route("/checkoutnow", get(pay_page))
        .route("/checkoutnow/{action}", post(pay_action))
        .route("/_sim/reset", post(reset))
        .route("/_sim/webhook_url", post(sim_webhook_url))
        .route("/_sim/webhook_settings", post(sim_webhook_settings))
        .route("/_sim/token_ttl", post(sim_token_ttl))
        .route("/_sim/refunds_pending", post(sim_refunds_pending))
        .route("/_sim/fail_next", post(sim_fail_next))
        .route("/_sim/refunds/{id}/complete", post(sim_refund_complete))
        .route("/_sim/orders/{id}", get(sim_order))
        .route("/_sim/orders/{id}/approve", post(sim_approve))
        .route("/_sim/webhooks", get(sim_webhooks))
        .route("/_sim/webhooks/{kind}", post(sim_tamper))
        .with_state(state)
        .merge(server::control_routes(common.clone()))
        .layer(axum::middleware::from_fn_with_state(
            common.clone(),
            server::gate,
        ));
    let task = tokio::spawn(server::accept_on(listener, router));
    Ok(Sim {
        url: base,
        common,
        tasks: vec![task, forger_task],
    })
}

fn is_api(path: &str) -> bool {
    !path.starts_with("/_sim/") && !path.starts_with("/checkoutnow")
}

fn unavailable() -> Response {
    pp_error(
        StatusCode::SERVICE_UNAVAILABLE,
        "SERVICE_UNAVAILABLE",
        "Service Unavailable.",
        &[(
            "",
            "SERVICE_UNAVAILABLE",
            "The service is temporarily unavailable.",
        )],
    )
}

// ---- keys and certificate ----

struct Keys {
    /// Signs the webhooks; its certificate is served at the cert URL.
    signer: RsaPrivateKey,
    /// Signs the `forge_cert_url` deliveries.
    forger: RsaPrivateKey,
}

static KEYS: OnceLock<Arc<Keys>> = OnceLock::new();

async fn keys() -> Result<Arc<Keys>, SetupError> {
    if let Some(k) = KEYS.get() {
        return Ok(k.clone());
    }
    let made = tokio::task::spawn_blocking(|| -> Result<Keys, rsa::Error> {
        let mut rng = rsa::rand_core::OsRng;
        Ok(Keys {
            signer: RsaPrivateKey::new(&mut rng, 2048)?,
            forger: RsaPrivateKey::new(&mut rng, 2048)?,
        })
    })
    .await??;
    // Two simulators starting at once may both have made keys: the first one stored wins.
    Ok(KEYS.get_or_init(|| Arc::new(made)).clone())
}

/// A self-signed X.509 certificate for `key`, valid for one day from now, as PEM.
fn certificate(key: &RsaPrivateKey, common_name: &str) -> Result<String, SetupError> {
    use std::str::FromStr;
    use x509_cert::builder::{Builder, CertificateBuilder, Profile};
    use x509_cert::der::pem::LineEnding;
    use x509_cert::der::EncodePem;
    use x509_cert::name::Name;
    use x509_cert::serial_number::SerialNumber;
    use x509_cert::spki::SubjectPublicKeyInfoOwned;
    use x509_cert::time::Validity;

    let e = |e: &dyn std::fmt::Display| SetupError::Certificate(e.to_string());
    let subject = Name::from_str(&format!("CN={common_name},O=vamt paysim")).map_err(|x| e(&x))?;
    let public = SubjectPublicKeyInfoOwned::from_key(key.to_public_key()).map_err(|x| e(&x))?;
    let validity = Validity::from_now(Duration::from_secs(24 * 60 * 60)).map_err(|x| e(&x))?;
    let mut serial: [u8; 16] = rand::rng().random();
    // Positive and without a leading zero byte, so DER needs no padding.
    serial[0] = (serial[0] & 0x7F) | 0x40;
    let serial = SerialNumber::new(&serial).map_err(|x| e(&x))?;
    let signer = SigningKey::<Sha256>::new(key.clone());
    let profile = Profile::Leaf {
        issuer: subject.clone(),
        enable_key_agreement: false,
        enable_key_encipherment: false,
    };
    let builder = CertificateBuilder::new(profile, serial, validity, subject, public, &signer)
        .map_err(|x| e(&x))?;
    let cert = builder.build::<Signature>().map_err(|x| e(&x))?;
    cert.to_pem(LineEnding::LF).map_err(|x| e(&x))
}

fn pem_response(pem: String) -> Response {
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "application/x-pem-file")],
        pem,
    )
        .into_response()
}

/// Base64 of RSASSA-PKCS1-v1_5 with SHA-256 over `message`.
fn sign(key: &RsaPrivateKey, message: &str) -> Result<String, String> {
    let signer = SigningKey::<Sha256>::new(key.clone());
    let sig: Signature = signer
        .try_sign(message.as_bytes())
        .map_err(|e| e.to_string())?;
    Ok(base64::engine::general_purpose::STANDARD.encode(sig.to_bytes()))
}

// ---- state ----

struct PayPal {
    cfg: PayPalConfig,
    base: String,
    cert_url: String,
    forger_cert_url: String,
    cert_pem: String,
    keys: Arc<Keys>,
    common: Arc<Common>,
    client: Client<HttpConnector, Full<Bytes>>,
    st: Mutex<PpState>,
}

struct PpState {
    webhook_url: Option<String>,
    tokens: HashMap<String, Instant>,
    token_ttl: u64,
    orders: HashMap<String, Order>,
    captures: HashMap<String, Capture>,
    refunds: HashMap<String, Refund>,
    /// By (operation, `PayPal-Request-Id`): the request body and the first answer.
    idempotency: HashMap<(String, String), (Value, u16, Value)>,
    events: Vec<StoredEvent>,
    deliveries: Vec<Value>,
    refunds_pending: bool,
    webhook_delay_ms: u64,
    retries: u32,
    payer_seq: u64,
    /// `POST /_sim/fail_next`: answers to give instead of the next calls, by operation.
    fail_next: Vec<(String, u16, String)>,
}

impl PpState {
    fn new(webhook_url: Option<String>) -> Self {
        PpState {
            webhook_url,
            tokens: HashMap::new(),
            token_ttl: DEFAULT_TOKEN_TTL,
            orders: HashMap::new(),
            captures: HashMap::new(),
            refunds: HashMap::new(),
            idempotency: HashMap::new(),
            events: Vec::new(),
            deliveries: Vec::new(),
            refunds_pending: false,
            webhook_delay_ms: 200,
            retries: 3,
            payer_seq: 0,
            fail_next: Vec::new(),
        }
    }
}

#[derive(Clone)]
struct Order {
    id: String,
    status: &'static str,
    /// The purchase unit as the client sent it (amounts stay the strings it sent).
    unit: Map<String, Value>,
    currency: String,
    amount_minor: i128,
    return_url: String,
    cancel_url: String,
    /// Created with the older `application_context`: status `CREATED`, link `approve`.
    legacy: bool,
    /// `#fail` on the pay page: the capture is declined.
    decline: bool,
    payer_id: Option<String>,
    capture: Option<String>,
    create_time: String,
    update_time: String,
}

#[derive(Clone)]
struct Capture {
    id: String,
    order_id: String,
    status: &'static str,
    currency: String,
    amount_minor: i128,
    fee_minor: i128,
    custom_id: Option<String>,
    invoice_id: Option<String>,
    create_time: String,
    update_time: String,
}

#[derive(Clone)]
struct Refund {
    id: String,
    capture_id: String,
    status: &'static str,
    currency: String,
    amount_minor: i128,
    invoice_id: Option<String>,
    note_to_payer: Option<String>,
    create_time: String,
    update_time: String,
}

struct StoredEvent {
    id: String,
    event_type: String,
    body: Bytes,
    /// The headers of the last transmission, for `replay` and `forge_body`.
    last_headers: Option<Vec<(String, String)>>,
}

fn money_json(currency: &str, minor: i128) -> Value {
    json!({"currency_code": currency, "value": format_minor(minor)})
}

fn link(href: String, rel: &str, method: &str) -> Value {
    json!({"href": href, "rel": rel, "method": method})
}

impl PpState {
    fn order_json(&self, o: &Order, base: &str, full: bool) -> Value {
        let mut links = vec![link(
            format!("{base}/v2/checkout/orders/{}", o.id),
            "self",
            "GET",
        )];
        if matches!(o.status, "CREATED" | "PAYER_ACTION_REQUIRED") {
            let rel = if o.legacy { "approve" } else { "payer-action" };
            links.push(link(
                format!("{base}/checkoutnow?token={}", o.id),
                rel,
                "GET",
            ));
        }
        if o.status == "APPROVED" {
            links.push(link(
                format!("{base}/v2/checkout/orders/{}/capture", o.id),
                "capture",
                "POST",
            ));
        }
        if !full {
            return json!({"id": o.id, "status": o.status, "links": links});
        }
        let mut unit = o.unit.clone();
        if let Some(c) = o.capture.as_ref().and_then(|id| self.captures.get(id)) {
            unit.insert(
                "payments".into(),
                json!({"captures": [self.capture_json(c, base)]}),
            );
        }
        let mut out = json!({
            "id": o.id,
            "intent": "CAPTURE",
            "status": o.status,
            "purchase_units": [Value::Object(unit)],
            "create_time": o.create_time,
            "update_time": o.update_time,
            "links": links,
        });
        let paypal = match &o.payer_id {
            Some(p) => json!({
                "email_address": format!("payer-{}@sim.invalid", p.to_ascii_lowercase()),
                "account_id": p,
                "account_status": "VERIFIED",
                "name": {"given_name": "Erika", "surname": "Mustermann"},
            }),
            None => json!({}),
        };
        if let Some(p) = &o.payer_id {
            out["payer"] = json!({
                "payer_id": p,
                "email_address": format!("payer-{}@sim.invalid", p.to_ascii_lowercase()),
                "name": {"given_name": "Erika", "surname": "Mustermann"},
            });
        }
        out["payment_source"] = json!({"paypal": paypal});
        out
    }

    fn capture_json(&self, c: &Capture, base: &str) -> Value {
        let mut out = json!({
            "id": c.id,
            "status": c.status,
            "amount": money_json(&c.currency, c.amount_minor),
            "final_capture": true,
            "seller_protection": {"status": "ELIGIBLE"},
            "seller_receivable_breakdown": {
                "gross_amount": money_json(&c.currency, c.amount_minor),
                "paypal_fee": money_json(&c.currency, c.fee_minor),
                "net_amount": money_json(&c.currency, c.amount_minor - c.fee_minor),
            },
            "create_time": c.create_time,
            "update_time": c.update_time,
            "links": [
                link(format!("{base}/v2/payments/captures/{}", c.id), "self", "GET"),
                link(format!("{base}/v2/payments/captures/{}/refund", c.id), "refund", "POST"),
                link(format!("{base}/v2/checkout/orders/{}", c.order_id), "up", "GET"),
            ],
        });
        if let Some(v) = &c.custom_id {
            out["custom_id"] = json!(v);
        }
        if let Some(v) = &c.invoice_id {
            out["invoice_id"] = json!(v);
        }
        out
    }

    fn refund_json(&self, r: &Refund, base: &str) -> Value {
        let refunded: i128 = self
            .refunds
            .values()
            .filter(|x| x.capture_id == r.capture_id && x.status == "COMPLETED")
            .map(|x| x.amount_minor)
            .sum();
        let mut out = json!({
            "id": r.id,
            "status": r.status,
            "amount": money_json(&r.currency, r.amount_minor),
            "seller_payable_breakdown": {
                "gross_amount": money_json(&r.currency, r.amount_minor),
                "paypal_fee": money_json(&r.currency, 0),
                "net_amount": money_json(&r.currency, r.amount_minor),
                "total_refunded_amount": money_json(&r.currency, refunded),
            },
            "create_time": r.create_time,
            "update_time": r.update_time,
            "links": [
                link(format!("{base}/v2/payments/refunds/{}", r.id), "self", "GET"),
                link(format!("{base}/v2/payments/captures/{}", r.capture_id), "up", "GET"),
            ],
        });
        if let Some(v) = &r.invoice_id {
            out["invoice_id"] = json!(v);
        }
        if let Some(v) = &r.note_to_payer {
            out["note_to_payer"] = json!(v);
        }
        out
    }

    /// Capture status from its completed refunds.
    fn update_capture_status(&mut self, capture_id: &str) {
        let refunded: i128 = self
            .refunds
            .values()
            .filter(|x| x.capture_id == capture_id && x.status == "COMPLETED")
            .map(|x| x.amount_minor)
            .sum();
        if let Some(c) = self.captures.get_mut(capture_id) {
            c.status = if refunded >= c.amount_minor {
                "REFUNDED"
            } else if refunded > 0 {
                "PARTIALLY_REFUNDED"
            } else {
                "COMPLETED"
            };
            c.update_time = server::now_seconds();
        }
    }
}

/// PayPal's error body (§3.2.7); `details` as (field, issue, description).
fn pp_error(
    status: StatusCode,
    name: &str,
    message: &str,
    details: &[(&str, &str, &str)],
) -> Response {
    let debug_id = format!(
        "{:013x}",
        rand::rng().random::<u64>() & 0x000f_ffff_ffff_ffff
    );
    let details: Vec<Value> = details
        .iter()
        .map(|(field, issue, description)| {
            json!({"field": field, "value": "", "location": "body", "issue": issue, "description": description})
        })
        .collect();
    let issue = details
        .first()
        .and_then(|d| d["issue"].as_str())
        .unwrap_or(name)
        .to_owned();
    let info = format!("https://developer.paypal.com/docs/api/orders/v2/#error-{issue}");
    let body = json!({
        "name": name,
        "message": message,
        "debug_id": debug_id,
        "information_link": info,
        "details": details,
        "links": [{"href": info, "rel": "information_link", "method": "GET"}],
    });
    (status, Json(body)).into_response()
}

fn invalid_request(field: &str, issue: &str, description: &str) -> Response {
    pp_error(
        StatusCode::BAD_REQUEST,
        "INVALID_REQUEST",
        "Request is not well-formed, syntactically incorrect, or violates schema.",
        &[(field, issue, description)],
    )
}

fn unprocessable(field: &str, issue: &str, description: &str) -> Response {
    pp_error(
        StatusCode::UNPROCESSABLE_ENTITY,
        "UNPROCESSABLE_ENTITY",
        "The requested action could not be performed, semantically incorrect, or failed business validation.",
        &[(field, issue, description)],
    )
}

fn not_found(field: &str) -> Response {
    pp_error(
        StatusCode::NOT_FOUND,
        "RESOURCE_NOT_FOUND",
        "The specified resource does not exist.",
        &[(
            field,
            "INVALID_RESOURCE_ID",
            "Specified resource ID does not exist. Please check the resource ID and try again.",
        )],
    )
}

/// A money object `{currency_code, value}` at `field`, as (currency, minor units).
fn money_field(v: Option<&Value>, field: &str) -> Result<(String, i128), Response> {
    let Some(Value::Object(m)) = v else {
        return Err(invalid_request(
            field,
            "MISSING_REQUIRED_PARAMETER",
            "A required field / parameter is missing.",
        ));
    };
    let currency = match m.get("currency_code") {
        Some(Value::String(c)) if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => {
            c.clone()
        }
        Some(_) => {
            return Err(invalid_request(
                &format!("{field}/currency_code"),
                "INVALID_PARAMETER_VALUE",
                "The value of a field is invalid.",
            ))
        }
        None => {
            return Err(invalid_request(
                &format!("{field}/currency_code"),
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            ))
        }
    };
    let value_field = format!("{field}/value");
    let text = match m.get("value") {
        Some(Value::String(s)) => s.as_str(),
        Some(_) => {
            return Err(invalid_request(
                &value_field,
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            ))
        }
        None => {
            return Err(invalid_request(
                &value_field,
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            ))
        }
    };
    if !is_plain_decimal(text) {
        return Err(invalid_request(
            &value_field,
            "INVALID_PARAMETER_SYNTAX",
            "The value of a field does not conform to the expected format.",
        ));
    }
    match parse_decimal(text, 2) {
        Ok(n) => Ok((currency, n)),
        Err(DecimalError::TooPrecise) => Err(unprocessable(
            &value_field,
            "DECIMAL_PRECISION",
            "If the currency supports decimals, only two decimal place precision is supported.",
        )),
        Err(_) => Err(invalid_request(
            &value_field,
            "INVALID_PARAMETER_SYNTAX",
            "The value of a field does not conform to the expected format.",
        )),
    }
}

fn wants_representation(headers: &HeaderMap) -> bool {
    // PayPal's default is `return=minimal`; only an explicit request gets the whole object.
    headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("return=representation"))
}

fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("paypal-request-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// `url` with `params` appended to its query (before any fragment).
fn append_query(url: &str, params: &[(&str, &str)]) -> String {
    let (main, fragment) = match url.split_once('#') {
        Some((m, f)) => (m, Some(f)),
        None => (url, None),
    };
    let query = serde_urlencoded::to_string(params).unwrap_or_default();
    let sep = if main.contains('?') {
        if main.ends_with('?') || main.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    match fragment {
        Some(f) => format!("{main}{sep}{query}#{f}"),
        None => format!("{main}{sep}{query}"),
    }
}

fn json_created(status: StatusCode, body: &Value) -> Response {
    (status, Json(body.clone())).into_response()
}

impl PayPal {
    /// The answer `POST /_sim/fail_next` queued for `operation`, if any.
    fn take_failure(&self, operation: &str) -> Option<Response> {
        let (status, issue) = {
            let mut st = lock(&self.st);
            let i = st.fail_next.iter().position(|(op, _, _)| op == operation)?;
            let (_, status, issue) = st.fail_next.remove(i);
            (status, issue)
        };
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::UNPROCESSABLE_ENTITY);
        let name = match status.as_u16() {
            400 => "INVALID_REQUEST",
            401 => "AUTHENTICATION_FAILURE",
            403 => "NOT_AUTHORIZED",
            404 => "RESOURCE_NOT_FOUND",
            422 => "UNPROCESSABLE_ENTITY",
            503 => "SERVICE_UNAVAILABLE",
            _ => "INTERNAL_SERVER_ERROR",
        };
        Some(pp_error(
            status,
            name,
            "Simulated failure (POST /_sim/fail_next).",
            &[("", issue.as_str(), "Simulated failure.")],
        ))
    }

    fn authorize(&self, headers: &HeaderMap) -> Result<(), Response> {
        let ok = server::bearer_token(headers)
            .and_then(|t| lock(&self.st).tokens.get(&t).copied())
            .is_some_and(|expiry| expiry > Instant::now());
        if ok {
            Ok(())
        } else {
            Err(pp_error(
                StatusCode::UNAUTHORIZED,
                "AUTHENTICATION_FAILURE",
                "Authentication failed due to invalid authentication credentials or a missing Authorization header.",
                &[],
            ))
        }
    }

    /// Stores an event and delivers it after the configured delay, with retries.
    fn emit(
        self: &Arc<Self>,
        event_type: &str,
        resource_type: &str,
        summary: &str,
        resource: Value,
    ) -> String {
        let (id, delay) = {
            let mut st = lock(&self.st);
            let id = self.store_event(&mut st, event_type, resource_type, summary, resource);
            (id, st.webhook_delay_ms)
        };
        let this = self.clone();
        let event = id.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            this.deliver_with_retries(&event).await;
        });
        id
    }

    /// Makes the envelope, serialises it once and stores the bytes; returns the event ID.
    fn store_event(
        &self,
        st: &mut PpState,
        event_type: &str,
        resource_type: &str,
        summary: &str,
        resource: Value,
    ) -> String {
        let id = format!("WH-{}-{}", server::random_id(17), server::random_id(17));
        let envelope = json!({
            "id": id,
            "create_time": server::now_seconds(),
            "resource_type": resource_type,
            "event_version": "1.0",
            "event_type": event_type,
            "summary": summary,
            "resource_version": "2.0",
            "resource": resource,
            "links": [
                link(format!("{}/v1/notifications/webhooks-events/{id}", self.base), "self", "GET"),
                link(format!("{}/v1/notifications/webhooks-events/{id}/resend", self.base), "resend", "POST"),
            ],
        });
        let body = Bytes::from(envelope.to_string());
        st.events.push(StoredEvent {
            id: id.clone(),
            event_type: event_type.to_owned(),
            body,
            last_headers: None,
        });
        id
    }

    /// The five PayPal headers for a new transmission of `body`.
    fn signed_headers(
        &self,
        body: &[u8],
        webhook_id: &str,
        key: &RsaPrivateKey,
        cert_url: &str,
    ) -> Result<Vec<(String, String)>, String> {
        let transmission_id = uuid::Uuid::new_v4().to_string();
        let time = server::now_seconds();
        let crc = crc32fast::hash(body);
        let signature = sign(key, &format!("{transmission_id}|{time}|{webhook_id}|{crc}"))?;
        Ok(vec![
            ("PAYPAL-TRANSMISSION-ID".into(), transmission_id),
            ("PAYPAL-TRANSMISSION-TIME".into(), time),
            ("PAYPAL-TRANSMISSION-SIG".into(), signature),
            ("PAYPAL-CERT-URL".into(), cert_url.to_owned()),
            ("PAYPAL-AUTH-ALGO".into(), "SHA256withRSA".into()),
        ])
    }

    fn genuine_headers(&self, body: &[u8]) -> Result<Vec<(String, String)>, String> {
        self.signed_headers(
            body,
            &self.cfg.webhook_id,
            &self.keys.signer,
            &self.cert_url,
        )
    }

    async fn post(
        &self,
        url: &str,
        body: Bytes,
        headers: &[(String, String)],
    ) -> Result<u16, String> {
        let mut req = hyper::Request::post(url).header(header::CONTENT_TYPE, "application/json");
        for (k, v) in headers {
            req = req.header(k.as_str(), v.as_str());
        }
        let req = req.body(Full::new(body)).map_err(|e| e.to_string())?;
        let resp = tokio::time::timeout(Duration::from_secs(10), self.client.request(req))
            .await
            .map_err(|_| "timeout".to_owned())?
            .map_err(|e| e.to_string())?;
        let status = resp.status().as_u16();
        // Read the answer to the end so the connection can be reused; its content is not
        // PayPal's business.
        let _ = tokio::time::timeout(Duration::from_secs(5), resp.into_body().collect()).await;
        Ok(status)
    }

    /// One transmission, logged; returns the log entry.
    async fn transmit(
        &self,
        event_id: &str,
        kind: &str,
        body: Bytes,
        headers: Vec<(String, String)>,
    ) -> Value {
        let url = lock(&self.st).webhook_url.clone();
        let transmission_id = headers
            .iter()
            .find(|(k, _)| k == "PAYPAL-TRANSMISSION-ID")
            .map(|(_, v)| v.clone());
        let (status, error) = match &url {
            Some(url) => match self.post(url, body, &headers).await {
                Ok(s) => (Some(s), None),
                Err(e) => (None, Some(e)),
            },
            None => (None, Some("no webhook URL".to_owned())),
        };
        let entry = json!({
            "event": event_id,
            "kind": kind,
            "transmission_id": transmission_id,
            "status": status,
            "error": error,
        });
        lock(&self.st).deliveries.push(entry.clone());
        entry
    }

    async fn deliver_with_retries(&self, event_id: &str) {
        let retries = lock(&self.st).retries;
        let mut pause = Duration::from_secs(1);
        for attempt in 0..=retries {
            let Some(body) = self.event_body(event_id) else {
                return;
            };
            let headers = match self.genuine_headers(&body) {
                Ok(h) => h,
                Err(e) => {
                    tracing::warn!(error = %e, "paysim: signing failed");
                    return;
                }
            };
            self.set_last_headers(event_id, &headers);
            let kind = if attempt == 0 { "delivery" } else { "retry" };
            let entry = self.transmit(event_id, kind, body, headers).await;
            let delivered = entry["status"]
                .as_u64()
                .is_some_and(|s| (200..300).contains(&s));
            if delivered || entry["error"] == json!("no webhook URL") {
                return;
            }
            if attempt < retries {
                tokio::time::sleep(pause).await;
                pause *= 2;
            }
        }
    }

    fn event_body(&self, event_id: &str) -> Option<Bytes> {
        lock(&self.st)
            .events
            .iter()
            .find(|e| e.id == event_id)
            .map(|e| e.body.clone())
    }

    fn set_last_headers(&self, event_id: &str, headers: &[(String, String)]) {
        if let Some(e) = lock(&self.st).events.iter_mut().find(|e| e.id == event_id) {
            e.last_headers = Some(headers.to_vec());
        }
    }
}

// ---- OAuth ----

async fn token(State(s): State<Arc<PayPal>>, headers: HeaderMap, body: Bytes) -> Response {
    let fields = server::form_or_json(&headers, &body);
    let creds = server::basic_credentials(&headers);
    if creds.as_ref() != Some(&(s.cfg.client_id.clone(), s.cfg.client_secret.clone())) {
        return (
            StatusCode::UNAUTHORIZED,
            Json(json!({"error": "invalid_client", "error_description": "Client Authentication failed"})),
        )
            .into_response();
    }
    if server::field(&fields, "grant_type") != Some("client_credentials") {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({"error": "unsupported_grant_type", "error_description": "Grant Type is NULL or not supported"})),
        )
            .into_response();
    }
    let token = format!("A21AA{}", server::random_id(40));
    let ttl = {
        let mut st = lock(&s.st);
        let ttl = st.token_ttl;
        st.tokens
            .insert(token.clone(), Instant::now() + Duration::from_secs(ttl));
        ttl
    };
    Json(json!({
        "scope": "https://uri.paypal.com/services/payments/payment https://uri.paypal.com/services/payments/refund https://uri.paypal.com/services/applications/webhooks https://uri.paypal.com/services/payments/verify-webhook-signature",
        "access_token": token,
        "token_type": "Bearer",
        "app_id": "APP-80W284485P519543T",
        "expires_in": ttl,
        "nonce": format!("{}{}", server::now_seconds(), server::random_id(20).to_ascii_lowercase()),
    }))
    .into_response()
}

// ---- orders ----

struct NewOrder {
    unit: Map<String, Value>,
    currency: String,
    amount_minor: i128,
    return_url: String,
    cancel_url: String,
    legacy: bool,
}

fn validate_order(body: &Value) -> Result<NewOrder, Response> {
    let Value::Object(obj) = body else {
        return Err(invalid_request(
            "/",
            "MALFORMED_REQUEST_JSON",
            "The request JSON is not well formed.",
        ));
    };
    match obj.get("intent") {
        Some(Value::String(i)) if i == "CAPTURE" => {}
        Some(_) => {
            // AUTHORIZE exists at PayPal; the simulator (like vamt) knows only CAPTURE.
            return Err(invalid_request(
                "/intent",
                "INVALID_PARAMETER_VALUE",
                "The value of a field is invalid.",
            ));
        }
        None => {
            return Err(invalid_request(
                "/intent",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            ))
        }
    }
    let units = match obj.get("purchase_units") {
        Some(Value::Array(a)) => a,
        Some(_) => {
            return Err(invalid_request(
                "/purchase_units",
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            ))
        }
        None => {
            return Err(invalid_request(
                "/purchase_units",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            ))
        }
    };
    let [Value::Object(unit)] = units.as_slice() else {
        return Err(invalid_request(
            "/purchase_units",
            "INVALID_PARAMETER_VALUE",
            "The simulator accepts exactly one purchase unit.",
        ));
    };
    let (currency, total) = money_field(unit.get("amount"), "/purchase_units/0/amount")?;
    if total <= 0 {
        return Err(unprocessable(
            "/purchase_units/0/amount/value",
            "CANNOT_BE_ZERO_OR_NEGATIVE",
            "Must be greater than zero.",
        ));
    }
    let mut item_sum: i128 = 0;
    let items = match unit.get("items") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.clone(),
        Some(_) => {
            return Err(invalid_request(
                "/purchase_units/0/items",
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            ))
        }
    };
    for (i, item) in items.iter().enumerate() {
        let f = |x: &str| format!("/purchase_units/0/items/{i}/{x}");
        match item.get("name") {
            Some(Value::String(n)) if !n.is_empty() && n.chars().count() <= 127 => {}
            _ => {
                return Err(invalid_request(
                    &f("name"),
                    "MISSING_REQUIRED_PARAMETER",
                    "A required field / parameter is missing.",
                ))
            }
        }
        let quantity = match item.get("quantity") {
            Some(Value::String(q))
                if !q.is_empty() && q.len() <= 10 && q.bytes().all(|b| b.is_ascii_digit()) =>
            {
                q.parse::<i128>().unwrap_or(0)
            }
            _ => {
                return Err(invalid_request(
                    &f("quantity"),
                    "INVALID_PARAMETER_SYNTAX",
                    "The value of a field does not conform to the expected format.",
                ))
            }
        };
        if quantity < 1 {
            return Err(invalid_request(
                &f("quantity"),
                "INVALID_PARAMETER_VALUE",
                "The value of a field is invalid.",
            ));
        }
        let (cur, unit_amount) = money_field(item.get("unit_amount"), &f("unit_amount"))?;
        if cur != currency {
            return Err(unprocessable(
                &f("unit_amount/currency_code"),
                "CURRENCY_MISMATCH",
                "Currency code should be same for all amounts in the request.",
            ));
        }
        item_sum += unit_amount * quantity;
    }
    let breakdown = unit.get("amount").and_then(|a| a.get("breakdown"));
    match breakdown {
        Some(Value::Object(b)) => {
            let mut computed: i128 = 0;
            for (key, sign) in [
                ("item_total", 1),
                ("tax_total", 1),
                ("shipping", 1),
                ("handling", 1),
                ("insurance", 1),
                ("shipping_discount", -1),
                ("discount", -1),
            ] {
                if let Some(v) = b.get(key) {
                    let field = format!("/purchase_units/0/amount/breakdown/{key}");
                    let (cur, n) = money_field(Some(v), &field)?;
                    if cur != currency {
                        return Err(unprocessable(
                            &field,
                            "CURRENCY_MISMATCH",
                            "Currency code should be same for all amounts in the request.",
                        ));
                    }
                    if key == "item_total" && !items.is_empty() && n != item_sum {
                        return Err(unprocessable(
                            "/purchase_units/0/amount/breakdown/item_total",
                            "ITEM_TOTAL_MISMATCH",
                            "Should equal sum of (unit_amount * quantity) across all items for a given purchase_unit.",
                        ));
                    }
                    computed += sign * n;
                }
            }
            if !items.is_empty() && !b.contains_key("item_total") {
                return Err(unprocessable(
                    "/purchase_units/0/amount/breakdown/item_total",
                    "ITEM_TOTAL_REQUIRED",
                    "If item details are specified, amount.breakdown.item_total is required.",
                ));
            }
            if computed != total {
                return Err(unprocessable("/purchase_units/0/amount/value", "AMOUNT_MISMATCH", "Should equal item_total + tax_total + shipping + handling + insurance - shipping_discount - discount."));
            }
        }
        Some(_) => {
            return Err(invalid_request(
                "/purchase_units/0/amount/breakdown",
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            ))
        }
        None if !items.is_empty() => {
            return Err(unprocessable(
                "/purchase_units/0/amount/breakdown/item_total",
                "ITEM_TOTAL_REQUIRED",
                "If item details are specified, amount.breakdown.item_total is required.",
            ));
        }
        None => {}
    }
    let experience = obj
        .get("payment_source")
        .and_then(|p| p.get("paypal"))
        .and_then(|p| p.get("experience_context"));
    let (context, legacy, prefix) = match (experience, obj.get("application_context")) {
        (Some(e), _) => (e, false, "/payment_source/paypal/experience_context"),
        (None, Some(a)) => (a, true, "/application_context"),
        (None, None) => {
            return Err(invalid_request(
                "/payment_source/paypal/experience_context/return_url",
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            ))
        }
    };
    let url = |name: &str| -> Result<String, Response> {
        match context.get(name) {
            Some(Value::String(u)) if !u.is_empty() && u.len() <= 4000 => Ok(u.clone()),
            Some(_) => Err(invalid_request(
                &format!("{prefix}/{name}"),
                "INVALID_PARAMETER_SYNTAX",
                "The value of a field does not conform to the expected format.",
            )),
            None => Err(invalid_request(
                &format!("{prefix}/{name}"),
                "MISSING_REQUIRED_PARAMETER",
                "A required field / parameter is missing.",
            )),
        }
    };
    let return_url = url("return_url")?;
    let cancel_url = url("cancel_url")?;
    let mut unit = unit.clone();
    unit.entry("reference_id")
        .or_insert_with(|| json!("default"));
    Ok(NewOrder {
        unit,
        currency,
        amount_minor: total,
        return_url,
        cancel_url,
        legacy,
    })
}

async fn create_order(State(s): State<Arc<PayPal>>, headers: HeaderMap, body: Bytes) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Some(r) = s.take_failure("create") {
        return r;
    }
    let Ok(value) = serde_json::from_slice::<Value>(&body) else {
        return invalid_request(
            "/",
            "MALFORMED_REQUEST_JSON",
            "The request JSON is not well formed.",
        );
    };
    let full = wants_representation(&headers);
    let rid = request_id(&headers);
    if let Some(rid) = &rid {
        let st = lock(&s.st);
        if let Some((first, _, answer)) = st.idempotency.get(&("create".to_owned(), rid.clone())) {
            if *first != value {
                return unprocessable(
                    "",
                    "DUPLICATE_REQUEST_ID",
                    "The PayPal-Request-Id has already been used for another request.",
                );
            }
            // The same order again, as it stands now, with 200 instead of 201.
            let id = answer["id"].as_str().unwrap_or_default().to_owned();
            if let Some(o) = st.orders.get(&id) {
                return json_created(StatusCode::OK, &st.order_json(o, &s.base, full));
            }
        }
    }
    let new = match validate_order(&value) {
        Ok(n) => n,
        Err(r) => return r,
    };
    let now = server::now_seconds();
    let order = Order {
        id: server::random_id(17),
        status: if new.legacy {
            "CREATED"
        } else {
            "PAYER_ACTION_REQUIRED"
        },
        unit: new.unit,
        currency: new.currency,
        amount_minor: new.amount_minor,
        return_url: new.return_url,
        cancel_url: new.cancel_url,
        legacy: new.legacy,
        decline: false,
        payer_id: None,
        capture: None,
        create_time: now.clone(),
        update_time: now,
    };
    let mut st = lock(&s.st);
    let answer = st.order_json(&order, &s.base, full);
    if let Some(rid) = rid {
        st.idempotency.insert(
            ("create".to_owned(), rid),
            (value, 201, json!({"id": order.id})),
        );
    }
    st.orders.insert(order.id.clone(), order);
    json_created(StatusCode::CREATED, &answer)
}

async fn get_order(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Some(r) = s.take_failure("get") {
        return r;
    }
    let st = lock(&s.st);
    match st.orders.get(&id) {
        Some(o) => json_created(StatusCode::OK, &st.order_json(o, &s.base, true)),
        None => not_found("order_id"),
    }
}

async fn capture_order(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Some(r) = s.take_failure("capture") {
        return r;
    }
    let value = if body.iter().all(u8::is_ascii_whitespace) {
        Value::Null
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v) => v,
            Err(_) => {
                return invalid_request(
                    "/",
                    "MALFORMED_REQUEST_JSON",
                    "The request JSON is not well formed.",
                )
            }
        }
    };
    let full = wants_representation(&headers);
    let rid = request_id(&headers);
    let key = rid.map(|r| (format!("capture:{id}"), r));
    let (answer, resource) = {
        let mut st = lock(&s.st);
        if let Some(key) = &key {
            if let Some((first, status, answer)) = st.idempotency.get(key) {
                if *first != value {
                    return unprocessable(
                        "",
                        "DUPLICATE_REQUEST_ID",
                        "The PayPal-Request-Id has already been used for another request.",
                    );
                }
                // "A repeated PayPal-Request-Id returns the first result."
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
                return json_created(status, answer);
            }
        }
        let Some(order) = st.orders.get(&id).cloned() else {
            drop(st);
            return not_found("order_id");
        };
        match order.status {
            "COMPLETED" => {
                drop(st);
                return unprocessable("", "ORDER_ALREADY_CAPTURED", "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.");
            }
            "APPROVED" => {}
            _ => {
                drop(st);
                return unprocessable("", "ORDER_NOT_APPROVED", "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.");
            }
        }
        if order.decline {
            drop(st);
            return unprocessable("", "INSTRUMENT_DECLINED", "The instrument presented  was either declined by the processor or bank, or it can't be used for this payment.");
        }
        let now = server::now_seconds();
        // PayPal's fee in Germany-like terms: 2.49 % + 0.35, rounded half up.
        let fee = (order.amount_minor * 249 + 5_000) / 10_000 + 35;
        let capture = Capture {
            id: server::random_id(17),
            order_id: order.id.clone(),
            status: "COMPLETED",
            currency: order.currency.clone(),
            amount_minor: order.amount_minor,
            fee_minor: fee.min(order.amount_minor),
            custom_id: order
                .unit
                .get("custom_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            invoice_id: order
                .unit
                .get("invoice_id")
                .and_then(Value::as_str)
                .map(str::to_owned),
            create_time: now.clone(),
            update_time: now.clone(),
        };
        let mut resource = st.capture_json(&capture, &s.base);
        resource["supplementary_data"] = json!({"related_ids": {"order_id": order.id}});
        st.captures.insert(capture.id.clone(), capture.clone());
        if let Some(o) = st.orders.get_mut(&id) {
            o.status = "COMPLETED";
            o.capture = Some(capture.id.clone());
            o.update_time = now;
        }
        let answer = match st.orders.get(&id) {
            Some(o) => st.order_json(o, &s.base, full),
            None => json!({}),
        };
        if let Some(key) = key {
            st.idempotency.insert(key, (value, 201, answer.clone()));
        }
        (answer, resource)
    };
    let summary = format!(
        "Payment completed for {} {}",
        resource["amount"]["value"].as_str().unwrap_or_default(),
        resource["amount"]["currency_code"]
            .as_str()
            .unwrap_or_default()
    );
    s.emit("PAYMENT.CAPTURE.COMPLETED", "capture", &summary, resource);
    json_created(StatusCode::CREATED, &answer)
}

async fn get_capture(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    let st = lock(&s.st);
    match st.captures.get(&id) {
        Some(c) => json_created(StatusCode::OK, &st.capture_json(c, &s.base)),
        None => not_found("capture_id"),
    }
}

async fn refund_capture(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    if let Some(r) = s.take_failure("refund") {
        return r;
    }
    let value = if body.iter().all(u8::is_ascii_whitespace) {
        json!({})
    } else {
        match serde_json::from_slice::<Value>(&body) {
            Ok(v @ Value::Object(_)) => v,
            _ => {
                return invalid_request(
                    "/",
                    "MALFORMED_REQUEST_JSON",
                    "The request JSON is not well formed.",
                )
            }
        }
    };
    let full = wants_representation(&headers);
    let key = request_id(&headers).map(|r| (format!("refund:{id}"), r));
    let (answer, resource) = {
        let mut st = lock(&s.st);
        if let Some(key) = &key {
            if let Some((first, status, answer)) = st.idempotency.get(key) {
                if *first != value {
                    return unprocessable(
                        "",
                        "DUPLICATE_REQUEST_ID",
                        "The PayPal-Request-Id has already been used for another request.",
                    );
                }
                let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::OK);
                return json_created(status, answer);
            }
        }
        let Some(capture) = st.captures.get(&id).cloned() else {
            drop(st);
            return not_found("capture_id");
        };
        // Pending refunds hold their money too: what is still refundable.
        let taken: i128 = st
            .refunds
            .values()
            .filter(|r| r.capture_id == id && matches!(r.status, "COMPLETED" | "PENDING"))
            .map(|r| r.amount_minor)
            .sum();
        let remaining = capture.amount_minor - taken;
        let amount = match value.get("amount") {
            None => remaining,
            Some(a) => match money_field(Some(a), "/amount") {
                Ok((cur, n)) if cur == capture.currency => n,
                Ok(_) => {
                    drop(st);
                    return unprocessable(
                        "/amount/currency_code",
                        "CURRENCY_MISMATCH",
                        "Refund must be in the same currency as the capture.",
                    );
                }
                Err(r) => return r,
            },
        };
        if remaining <= 0 {
            drop(st);
            return unprocessable(
                "",
                "CAPTURE_FULLY_REFUNDED",
                "The capture has already been fully refunded.",
            );
        }
        if amount <= 0 {
            drop(st);
            return unprocessable(
                "/amount/value",
                "CANNOT_BE_ZERO_OR_NEGATIVE",
                "Must be greater than zero.",
            );
        }
        if amount > remaining {
            drop(st);
            return unprocessable("/amount/value", "REFUND_AMOUNT_EXCEEDED", "The refund amount must be less than or equal to the capture amount that has not yet been refunded.");
        }
        let now = server::now_seconds();
        let text = |k: &str| value.get(k).and_then(Value::as_str).map(str::to_owned);
        let refund = Refund {
            id: server::random_id(17),
            capture_id: id.clone(),
            status: if st.refunds_pending {
                "PENDING"
            } else {
                "COMPLETED"
            },
            currency: capture.currency.clone(),
            amount_minor: amount,
            invoice_id: text("invoice_id"),
            note_to_payer: text("note_to_payer"),
            create_time: now.clone(),
            update_time: now,
        };
        st.refunds.insert(refund.id.clone(), refund.clone());
        st.update_capture_status(&id);
        let rep = st.refund_json(&refund, &s.base);
        let answer = if full {
            rep.clone()
        } else {
            json!({"id": rep["id"], "status": rep["status"], "links": rep["links"]})
        };
        if let Some(key) = key {
            st.idempotency.insert(key, (value, 201, answer.clone()));
        }
        let resource = (refund.status == "COMPLETED").then(|| refund_resource(rep, &capture));
        (answer, resource)
    };
    if let Some(resource) = resource {
        emit_refunded(&s, resource);
    }
    json_created(StatusCode::CREATED, &answer)
}

/// The refund as a webhook resource: it carries the capture's `custom_id` (assumed, as
/// §3.2.6 says "captures, refunds carry it over").
fn refund_resource(mut rep: Value, capture: &Capture) -> Value {
    if let Some(c) = &capture.custom_id {
        rep["custom_id"] = json!(c);
    }
    rep
}

fn emit_refunded(s: &Arc<PayPal>, resource: Value) {
    let summary = format!(
        "A {} {} capture payment was refunded",
        resource["amount"]["value"].as_str().unwrap_or_default(),
        resource["amount"]["currency_code"]
            .as_str()
            .unwrap_or_default()
    );
    s.emit("PAYMENT.CAPTURE.REFUNDED", "refund", &summary, resource);
}

async fn get_refund(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    let st = lock(&s.st);
    match st.refunds.get(&id) {
        Some(r) => json_created(StatusCode::OK, &st.refund_json(r, &s.base)),
        None => not_found("refund_id"),
    }
}

// ---- webhook verification API and certificate ----

async fn get_cert(State(s): State<Arc<PayPal>>, Path(name): Path<String>) -> Response {
    if name == CERT_NAME {
        pem_response(s.cert_pem.clone())
    } else {
        not_found("cert_id")
    }
}

async fn verify_signature(
    State(s): State<Arc<PayPal>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if let Err(r) = s.authorize(&headers) {
        return r;
    }
    let Ok(Value::Object(req)) = serde_json::from_slice::<Value>(&body) else {
        return invalid_request(
            "/",
            "MALFORMED_REQUEST_JSON",
            "The request JSON is not well formed.",
        );
    };
    let mut fields = HashMap::new();
    for name in [
        "auth_algo",
        "cert_url",
        "transmission_id",
        "transmission_sig",
        "transmission_time",
        "webhook_id",
    ] {
        match req.get(name) {
            Some(Value::String(v)) if !v.is_empty() => {
                fields.insert(name, v.clone());
            }
            _ => {
                return pp_error(
                    StatusCode::BAD_REQUEST,
                    "VALIDATION_ERROR",
                    "Invalid request - see details",
                    &[(
                        name,
                        "Required field cannot be blank",
                        "Required field cannot be blank",
                    )],
                )
            }
        }
    }
    let Some(event) = req.get("webhook_event").filter(|e| e.is_object()) else {
        return pp_error(
            StatusCode::BAD_REQUEST,
            "VALIDATION_ERROR",
            "Invalid request - see details",
            &[(
                "webhook_event",
                "Required field cannot be blank",
                "Required field cannot be blank",
            )],
        );
    };
    let field = |n: &str| fields.get(n).map(String::as_str).unwrap_or_default();
    // The bytes that were signed: the stored body when the event is ours and unchanged;
    // otherwise the event as serialised here (which a tampered event cannot match).
    let stored = {
        let st = lock(&s.st);
        st.events
            .iter()
            .filter(|e| Some(e.id.as_str()) == event.get("id").and_then(Value::as_str))
            .find(|e| serde_json::from_slice::<Value>(&e.body).ok().as_ref() == Some(event))
            .map(|e| e.body.clone())
    };
    let bytes = stored.unwrap_or_else(|| Bytes::from(event.to_string()));
    let ok = field("auth_algo").eq_ignore_ascii_case("SHA256withRSA")
        && field("cert_url") == s.cert_url
        && field("webhook_id") == s.cfg.webhook_id
        && {
            let message = format!(
                "{}|{}|{}|{}",
                field("transmission_id"),
                field("transmission_time"),
                field("webhook_id"),
                crc32fast::hash(&bytes)
            );
            let verifier = VerifyingKey::<Sha256>::new(s.keys.signer.to_public_key());
            base64::engine::general_purpose::STANDARD
                .decode(field("transmission_sig"))
                .ok()
                .and_then(|sig| Signature::try_from(sig.as_slice()).ok())
                .is_some_and(|sig| verifier.verify(message.as_bytes(), &sig).is_ok())
        };
    Json(json!({"verification_status": if ok { "SUCCESS" } else { "FAILURE" }})).into_response()
}

// ---- pay page ----

#[derive(Deserialize)]
struct TokenQuery {
    token: Option<String>,
}

async fn pay_page(State(s): State<Arc<PayPal>>, Query(q): Query<TokenQuery>) -> Response {
    let order = q.token.and_then(|t| lock(&s.st).orders.get(&t).cloned());
    let Some(o) = order else {
        return server::html_page(
            StatusCode::NOT_FOUND,
            "Unbekannte Bestellung",
            "<h1>Unbekannte Bestellung</h1>",
        );
    };
    let id = server::html_escape(&o.id);
    let description = o
        .unit
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let body = format!(
        "<h1>PayPal-Simulator</h1>\
         <p id=\"amount\">{amount} {currency}</p>\
         <p id=\"description\">{description}</p>\
         <p id=\"status\">{status}</p>\
         <form method=\"post\" action=\"/checkoutnow/pay?token={id}\"><button id=\"pay\" type=\"submit\">Bezahlen</button></form>\
         <form method=\"post\" action=\"/checkoutnow/cancel?token={id}\"><button id=\"cancel\" type=\"submit\">Abbrechen</button></form>\
         <form method=\"post\" action=\"/checkoutnow/fail?token={id}\"><button id=\"fail\" type=\"submit\">Fehlschlagen lassen</button></form>",
        amount = format_minor(o.amount_minor),
        currency = server::html_escape(&o.currency),
        description = server::html_escape(description),
        status = o.status,
    );
    server::html_page(StatusCode::OK, "PayPal", &body)
}

impl PpState {
    /// The payer approves (`decline`: with an instrument the capture will decline).
    /// Only an order waiting for the payer, or one whose capture was declined, changes.
    fn approve(&mut self, id: &str, decline: bool) -> Option<Order> {
        self.payer_seq += 1;
        let seq = self.payer_seq;
        let o = self.orders.get_mut(id)?;
        let open = matches!(o.status, "CREATED" | "PAYER_ACTION_REQUIRED")
            || (o.status == "APPROVED" && o.decline);
        if open {
            o.status = "APPROVED";
            o.decline = decline;
            o.payer_id.get_or_insert_with(|| format!("SIMPAYER{seq}"));
            o.update_time = server::now_seconds();
        }
        Some(o.clone())
    }
}

async fn pay_action(
    State(s): State<Arc<PayPal>>,
    Path(action): Path<String>,
    Query(q): Query<TokenQuery>,
) -> Response {
    let Some(token) = q.token else {
        return server::html_page(
            StatusCode::NOT_FOUND,
            "Unbekannte Bestellung",
            "<h1>Unbekannte Bestellung</h1>",
        );
    };
    let order = {
        let mut st = lock(&s.st);
        match action.as_str() {
            "pay" => st.approve(&token, false),
            "fail" => st.approve(&token, true),
            "cancel" => st.orders.get(&token).cloned(),
            _ => None,
        }
    };
    let Some(o) = order else {
        return server::html_page(
            StatusCode::NOT_FOUND,
            "Unbekannt",
            "<h1>Unbekannte Bestellung oder Aktion</h1>",
        );
    };
    let url = if action == "cancel" {
        append_query(&o.cancel_url, &[("token", o.id.as_str())])
    } else {
        let payer = o.payer_id.clone().unwrap_or_default();
        append_query(
            &o.return_url,
            &[("token", o.id.as_str()), ("PayerID", payer.as_str())],
        )
    };
    server::browser_return(&s.common, &url)
}

// ---- control API ----

async fn reset(State(s): State<Arc<PayPal>>) -> Response {
    *lock(&s.st) = PpState::new(s.cfg.webhook_url.clone());
    s.common.reset();
    Json(json!({"reset": true})).into_response()
}

#[derive(Deserialize)]
struct UrlBody {
    url: Option<String>,
}

async fn sim_webhook_url(State(s): State<Arc<PayPal>>, body: Bytes) -> Response {
    let body: UrlBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    lock(&s.st).webhook_url = body.url.clone();
    Json(json!({"url": body.url})).into_response()
}

#[derive(Deserialize)]
struct WebhookSettings {
    delay_ms: Option<u64>,
    retries: Option<u32>,
}

async fn sim_webhook_settings(State(s): State<Arc<PayPal>>, body: Bytes) -> Response {
    let body: WebhookSettings = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let mut st = lock(&s.st);
    if let Some(d) = body.delay_ms {
        st.webhook_delay_ms = d;
    }
    if let Some(r) = body.retries {
        st.retries = r;
    }
    Json(json!({"delay_ms": st.webhook_delay_ms, "retries": st.retries})).into_response()
}

#[derive(Deserialize)]
struct TtlBody {
    seconds: u64,
}

async fn sim_token_ttl(State(s): State<Arc<PayPal>>, body: Bytes) -> Response {
    let body: TtlBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let mut st = lock(&s.st);
    st.token_ttl = body.seconds;
    // Tokens already handed out are cut short too, so that renewal can be tested at once.
    let limit = Instant::now() + Duration::from_secs(body.seconds);
    for expiry in st.tokens.values_mut() {
        if *expiry > limit {
            *expiry = limit;
        }
    }
    Json(json!({"expires_in": body.seconds})).into_response()
}

#[derive(Deserialize)]
struct FailBody {
    operation: String,
    status: Option<u16>,
    issue: Option<String>,
}

/// Queues one failure for the next call of `operation` (`create`, `get`, `capture`,
/// `refund`): e.g. a 422 with an issue name vamt cannot avoid by sending better data.
async fn sim_fail_next(State(s): State<Arc<PayPal>>, body: Bytes) -> Response {
    let body: FailBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if !matches!(
        body.operation.as_str(),
        "create" | "get" | "capture" | "refund"
    ) {
        return server::control_error(
            StatusCode::BAD_REQUEST,
            "operation: create, get, capture or refund",
        );
    }
    let status = body.status.unwrap_or(422);
    let issue = body
        .issue
        .unwrap_or_else(|| "UNPROCESSABLE_ENTITY".to_owned());
    lock(&s.st)
        .fail_next
        .push((body.operation.clone(), status, issue.clone()));
    Json(json!({"operation": body.operation, "status": status, "issue": issue})).into_response()
}

#[derive(Deserialize)]
struct OnBody {
    on: bool,
}

async fn sim_refunds_pending(State(s): State<Arc<PayPal>>, body: Bytes) -> Response {
    let body: OnBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    lock(&s.st).refunds_pending = body.on;
    Json(json!({"refunds_pending": body.on})).into_response()
}

async fn sim_refund_complete(State(s): State<Arc<PayPal>>, Path(id): Path<String>) -> Response {
    let resource = {
        let mut st = lock(&s.st);
        let Some(r) = st.refunds.get_mut(&id) else {
            return server::control_error(StatusCode::NOT_FOUND, "unknown refund");
        };
        if r.status != "PENDING" {
            let status = r.status;
            return server::control_error(StatusCode::CONFLICT, &format!("refund is {status}"));
        }
        r.status = "COMPLETED";
        r.update_time = server::now_seconds();
        let r = r.clone();
        st.update_capture_status(&r.capture_id);
        let capture = st.captures.get(&r.capture_id).cloned();
        let rep = st.refund_json(&r, &s.base);
        match capture {
            Some(c) => refund_resource(rep, &c),
            None => rep,
        }
    };
    emit_refunded(&s, resource.clone());
    Json(resource).into_response()
}

async fn sim_order(State(s): State<Arc<PayPal>>, Path(id): Path<String>) -> Response {
    let st = lock(&s.st);
    match st.orders.get(&id) {
        Some(o) => Json(st.order_json(o, &s.base, true)).into_response(),
        None => server::control_error(StatusCode::NOT_FOUND, "unknown order"),
    }
}

#[derive(Deserialize, Default)]
struct ApproveBody {
    #[serde(default)]
    webhook: bool,
    #[serde(default)]
    decline: bool,
}

/// The payer approves and closes the browser before the return (§5.4 "no return at
/// all"); with `webhook`, `CHECKOUT.ORDER.APPROVED` is sent.
async fn sim_approve(
    State(s): State<Arc<PayPal>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Response {
    let body: ApproveBody = if body.is_empty() {
        ApproveBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
        }
    };
    let rep = {
        let mut st = lock(&s.st);
        match st.approve(&id, body.decline) {
            Some(o) => st.order_json(&o, &s.base, true),
            None => {
                drop(st);
                return server::control_error(StatusCode::NOT_FOUND, "unknown order");
            }
        }
    };
    if body.webhook {
        s.emit(
            "CHECKOUT.ORDER.APPROVED",
            "checkout-order",
            "An order has been approved by buyer",
            rep.clone(),
        );
    }
    Json(rep).into_response()
}

async fn sim_webhooks(State(s): State<Arc<PayPal>>) -> Response {
    let st = lock(&s.st);
    let events: Vec<Value> = st
        .events
        .iter()
        .map(|e| {
            json!({
                "id": e.id,
                "event_type": e.event_type,
                "body": String::from_utf8_lossy(&e.body),
                "last_headers": e.last_headers,
            })
        })
        .collect();
    Json(json!({"url": st.webhook_url, "events": events, "deliveries": st.deliveries}))
        .into_response()
}

#[derive(Deserialize, Default)]
struct TamperBody {
    /// The event to replay/redeliver/forge from; default the latest one.
    event: Option<String>,
    /// `send`: the event type.
    event_type: Option<String>,
    /// `send`: the resource; default the order named by `order`, as it stands now.
    resource: Option<Value>,
    /// `send`: the envelope's `resource_type` (default from the event type).
    resource_type: Option<String>,
    /// `send`: build the resource from this order.
    order: Option<String>,
    /// `forge_body`/`unknown_order`: the amount to put in.
    value: Option<String>,
    /// `forge_webhook_id`: the webhook ID to sign for.
    webhook_id: Option<String>,
}

/// `POST /_sim/webhooks/{kind}`: one delivery, made synchronously; answers what the
/// receiver answered (`status`) or why nothing was delivered (`error`).
async fn sim_tamper(
    State(s): State<Arc<PayPal>>,
    Path(kind): Path<String>,
    body: Bytes,
) -> Response {
    let req: TamperBody = if body.iter().all(u8::is_ascii_whitespace) {
        TamperBody::default()
    } else {
        match serde_json::from_slice(&body) {
            Ok(b) => b,
            Err(e) => return server::control_error(StatusCode::BAD_REQUEST, &e.to_string()),
        }
    };
    if lock(&s.st).webhook_url.is_none() {
        return server::control_error(
            StatusCode::CONFLICT,
            "no webhook URL set (POST /_sim/webhook_url)",
        );
    }
    match tamper(&s, &kind, req).await {
        Ok(v) => Json(v).into_response(),
        Err((status, message)) => server::control_error(status, &message),
    }
}

type TamperError = (StatusCode, String);

/// An event to tamper with: its ID, its body, the headers of its last transmission.
type Picked = (String, Bytes, Option<Vec<(String, String)>>);

fn pick_event(s: &PayPal, wanted: Option<&str>, need_amount: bool) -> Result<Picked, TamperError> {
    let st = lock(&s.st);
    let found = match wanted {
        Some(id) => st.events.iter().find(|e| e.id == id),
        None => st.events.iter().rev().find(|e| {
            !need_amount
                || serde_json::from_slice::<Value>(&e.body)
                    .ok()
                    .is_some_and(|v| v["resource"]["amount"]["value"].is_string())
        }),
    };
    found
        .map(|e| (e.id.clone(), e.body.clone(), e.last_headers.clone()))
        .ok_or((
            StatusCode::NOT_FOUND,
            "no such event (none sent yet?)".to_owned(),
        ))
}

async fn tamper(s: &Arc<PayPal>, kind: &str, req: TamperBody) -> Result<Value, TamperError> {
    let internal = |e: String| (StatusCode::INTERNAL_SERVER_ERROR, e);
    let (event_id, body, headers) = match kind {
        "replay" => {
            let (id, body, last) = pick_event(s, req.event.as_deref(), false)?;
            let headers = last.ok_or((
                StatusCode::CONFLICT,
                "event was never transmitted".to_owned(),
            ))?;
            (id, body, headers)
        }
        "redeliver" => {
            let (id, body, _) = pick_event(s, req.event.as_deref(), false)?;
            let headers = s.genuine_headers(&body).map_err(internal)?;
            s.set_last_headers(&id, &headers);
            (id, body, headers)
        }
        "forge_body" => {
            let (id, body, last) = pick_event(s, req.event.as_deref(), true)?;
            let headers = match last {
                Some(h) => h,
                None => s.genuine_headers(&body).map_err(internal)?,
            };
            let mut v: Value =
                serde_json::from_slice(&body).map_err(|e| internal(e.to_string()))?;
            let old = v["resource"]["amount"]["value"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            let new = req.value.unwrap_or_else(|| {
                if old == "0.01" {
                    "0.02".into()
                } else {
                    "0.01".into()
                }
            });
            v["resource"]["amount"]["value"] = json!(new);
            (id, Bytes::from(v.to_string()), headers)
        }
        "forge_signature" => {
            let (id, body, _) = pick_event(s, req.event.as_deref(), false)?;
            let mut headers = s.genuine_headers(&body).map_err(internal)?;
            let noise: Vec<u8> = (0..256).map(|_| rand::rng().random()).collect();
            set_header(
                &mut headers,
                "PAYPAL-TRANSMISSION-SIG",
                base64::engine::general_purpose::STANDARD.encode(noise),
            );
            (id, body, headers)
        }
        "forge_cert_url" => {
            let (id, body, _) = pick_event(s, req.event.as_deref(), false)?;
            let headers = s
                .signed_headers(&body, &s.cfg.webhook_id, &s.keys.forger, &s.forger_cert_url)
                .map_err(internal)?;
            (id, body, headers)
        }
        "forge_webhook_id" => {
            let (id, body, _) = pick_event(s, req.event.as_deref(), false)?;
            let other = req
                .webhook_id
                .unwrap_or_else(|| OTHER_WEBHOOK_ID.to_owned());
            let headers = s
                .signed_headers(&body, &other, &s.keys.signer, &s.cert_url)
                .map_err(internal)?;
            (id, body, headers)
        }
        "missing_headers" => {
            let (id, body, _) = pick_event(s, req.event.as_deref(), false)?;
            let mut headers = s.genuine_headers(&body).map_err(internal)?;
            headers.retain(|(k, _)| k != "PAYPAL-TRANSMISSION-SIG");
            (id, body, headers)
        }
        "unknown_order" => {
            let value = req.value.unwrap_or_else(|| "29.00".to_owned());
            let order = server::random_id(17);
            let capture = server::random_id(17);
            let now = server::now_seconds();
            let resource = json!({
                "id": capture,
                "status": "COMPLETED",
                "amount": {"currency_code": "EUR", "value": value},
                "final_capture": true,
                "custom_id": format!("PY_SIMUNKNOWN{}", server::random_id(12)),
                "create_time": now,
                "update_time": now,
                "supplementary_data": {"related_ids": {"order_id": order}},
                "links": [
                    link(format!("{}/v2/payments/captures/{capture}", s.base), "self", "GET"),
                    link(format!("{}/v2/checkout/orders/{order}", s.base), "up", "GET"),
                ],
            });
            let id = {
                let mut st = lock(&s.st);
                s.store_event(
                    &mut st,
                    "PAYMENT.CAPTURE.COMPLETED",
                    "capture",
                    "Payment completed",
                    resource,
                )
            };
            let body = s.event_body(&id).unwrap_or_default();
            let headers = s.genuine_headers(&body).map_err(internal)?;
            s.set_last_headers(&id, &headers);
            (id, body, headers)
        }
        "send" => {
            let event_type = req
                .event_type
                .ok_or((StatusCode::BAD_REQUEST, "event_type is required".to_owned()))?;
            let resource = match (req.resource, req.order) {
                (Some(r), _) => r,
                (None, Some(order)) => {
                    let st = lock(&s.st);
                    let o = st
                        .orders
                        .get(&order)
                        .ok_or((StatusCode::NOT_FOUND, "unknown order".to_owned()))?;
                    st.order_json(o, &s.base, true)
                }
                (None, None) => {
                    return Err((
                        StatusCode::BAD_REQUEST,
                        "resource or order is required".to_owned(),
                    ))
                }
            };
            let resource_type = req.resource_type.unwrap_or_else(|| {
                if event_type.starts_with("CHECKOUT.") {
                    "checkout-order".into()
                } else if event_type.ends_with(".REFUNDED") || event_type.ends_with(".REVERSED") {
                    "refund".into()
                } else if event_type.starts_with("PAYMENT.CAPTURE.") {
                    "capture".into()
                } else {
                    "unknown".into()
                }
            });
            let id = {
                let mut st = lock(&s.st);
                s.store_event(&mut st, &event_type, &resource_type, &event_type, resource)
            };
            let body = s.event_body(&id).unwrap_or_default();
            let headers = s.genuine_headers(&body).map_err(internal)?;
            s.set_last_headers(&id, &headers);
            (id, body, headers)
        }
        other => {
            return Err((
                StatusCode::NOT_FOUND,
                format!("unknown webhook operation {other}"),
            ))
        }
    };
    Ok(s.transmit(&event_id, kind, body, headers).await)
}

fn set_header(headers: &mut [(String, String)], name: &str, value: String) {
    if let Some(h) = headers.iter_mut().find(|(k, _)| k == name) {
        h.1 = value;
    }
}
