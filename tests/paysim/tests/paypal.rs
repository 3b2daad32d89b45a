//! The PayPal simulator over real HTTP (docs/payments.md §3.2, §5.3), with a local webhook
//! receiver whose deliveries are checked against the served certificate's public key.

mod common;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine as _;
use common::{get, post_json, send, Resp, TestResult};
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use rsa::RsaPublicKey;
use serde_json::{json, Value};
use sha2::Sha256;
use vamt_paysim::{paypal, PayPalConfig, Sim};
use x509_cert::der::{DecodePem, Encode};
use x509_cert::Certificate;

const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";
const SECRET: &str = "pp-s3cret";

type Error = Box<dyn std::error::Error>;

/// What the receiver got: headers and the body bytes as sent.
#[derive(Clone)]
struct Delivery {
    headers: HeaderMap,
    body: Bytes,
}

#[derive(Clone, Default)]
struct Receiver {
    got: Arc<Mutex<Vec<Delivery>>>,
    /// Status codes to answer, in order; 200 once they are used up.
    answers: Arc<Mutex<Vec<u16>>>,
}

impl Receiver {
    fn deliveries(&self) -> Vec<Delivery> {
        self.got.lock().map(|g| g.clone()).unwrap_or_default()
    }

    async fn wait_for(&self, count: usize) -> Result<Vec<Delivery>, Error> {
        for _ in 0..200 {
            let d = self.deliveries();
            if d.len() >= count {
                return Ok(d);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        Err(format!(
            "{count} deliveries expected, got {}",
            self.deliveries().len()
        )
        .into())
    }
}

async fn receive(State(r): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    if let Ok(mut g) = r.got.lock() {
        g.push(Delivery { headers, body });
    }
    let code = r
        .answers
        .lock()
        .ok()
        .and_then(|mut a| (!a.is_empty()).then(|| a.remove(0)))
        .unwrap_or(200);
    StatusCode::from_u16(code).unwrap_or(StatusCode::OK)
}

async fn receiver() -> Result<(String, Receiver), Error> {
    let r = Receiver::default();
    let app = axum::Router::new()
        .route("/pay/webhook/paypal", axum::routing::post(receive))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/pay/webhook/paypal", listener.local_addr()?);
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok((url, r))
}

async fn sim(webhook_url: Option<String>) -> std::io::Result<Sim> {
    paypal(PayPalConfig {
        client_id: "vamt-client".into(),
        client_secret: SECRET.into(),
        webhook_id: WEBHOOK_ID.into(),
        webhook_url,
    })
    .await
}

async fn bearer(base: &str) -> Result<String, Error> {
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("vamt-client:{SECRET}"));
    let r = send(
        "POST",
        &format!("{base}/v1/oauth2/token"),
        &[
            ("authorization", &format!("Basic {basic}")),
            ("content-type", "application/x-www-form-urlencoded"),
        ],
        "grant_type=client_credentials",
    )
    .await?;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json()?;
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 32400);
    Ok(format!(
        "Bearer {}",
        v["access_token"].as_str().ok_or("token")?
    ))
}

fn order_body(total: &str, first: &str, second: &str) -> Value {
    json!({
        "intent": "CAPTURE",
        "purchase_units": [{
            "reference_id": "PY_4kq9",
            "custom_id": "PY_4kq9",
            "invoice_id": "PY_4kq9-AT5d1f0c9e",
            "description": "Gebühren Bürgeramt Musterstadt",
            "amount": {"currency_code": "EUR", "value": total,
                       "breakdown": {"item_total": {"currency_code": "EUR", "value": total}}},
            "items": [
                {"name": "Führungszeugnis", "quantity": "1",
                 "unit_amount": {"currency_code": "EUR", "value": first}, "category": "DIGITAL_GOODS"},
                {"name": "Weitere beglaubigte Kopie", "quantity": "1",
                 "unit_amount": {"currency_code": "EUR", "value": second}, "category": "DIGITAL_GOODS"}
            ]
        }],
        "payment_source": {"paypal": {"experience_context": {
            "return_url": "https://termine.example.de/pay/return/PY_4kq9?k=Zx8",
            "cancel_url": "https://termine.example.de/pay/cancel/PY_4kq9?k=Zx8",
            "user_action": "PAY_NOW", "shipping_preference": "NO_SHIPPING", "locale": "de-DE"
        }}}
    })
}

const FULL: (&str, &str) = ("prefer", "return=representation");

async fn create(base: &str, bearer: &str, request_id: &str, body: &Value) -> Result<Resp, String> {
    post_json(
        &format!("{base}/v2/checkout/orders"),
        &[
            ("authorization", bearer),
            ("paypal-request-id", request_id),
            FULL,
        ],
        body,
    )
    .await
}

fn assert_pp_error(r: &Resp, status: u16, issue: &str) -> Result<Value, Error> {
    assert_eq!(r.status, status, "{}", r.text());
    let v = r.json()?;
    assert!(v["name"].is_string() && v["message"].is_string(), "{v}");
    assert!(v["debug_id"].as_str().is_some_and(|d| !d.is_empty()), "{v}");
    assert_eq!(v["details"][0]["issue"], issue, "{v}");
    Ok(v)
}

/// The certificate at `url`: its RSA public key, checked to be valid for about a day.
async fn public_key(url: &str) -> Result<RsaPublicKey, Error> {
    let pem = get(url, &[]).await?;
    assert_eq!(pem.status, 200);
    let cert = Certificate::from_pem(pem.body.as_ref())?;
    let validity = &cert.tbs_certificate.validity;
    let span = validity.not_after.to_unix_duration() - validity.not_before.to_unix_duration();
    assert_eq!(span, Duration::from_secs(24 * 60 * 60));
    let spki = cert.tbs_certificate.subject_public_key_info.to_der()?;
    let key = RsaPublicKey::from_public_key_der(&spki)?;
    assert_eq!(rsa::traits::PublicKeyParts::size(&key), 256, "RSA-2048");
    Ok(key)
}

fn header<'a>(d: &'a Delivery, name: &str) -> &'a str {
    d.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// Checks a delivery as vamt would (independently of the simulator's signing code).
fn signature_valid(d: &Delivery, key: &RsaPublicKey, webhook_id: &str) -> bool {
    let message = format!(
        "{}|{}|{}|{}",
        header(d, "paypal-transmission-id"),
        header(d, "paypal-transmission-time"),
        webhook_id,
        crc32fast::hash(&d.body)
    );
    let Ok(sig) =
        base64::engine::general_purpose::STANDARD.decode(header(d, "paypal-transmission-sig"))
    else {
        return false;
    };
    let Ok(sig) = Signature::try_from(sig.as_slice()) else {
        return false;
    };
    VerifyingKey::<Sha256>::new(key.clone())
        .verify(message.as_bytes(), &sig)
        .is_ok()
}

/// Creates an order and approves it on the pay page; returns the order ID.
async fn approved_order(base: &str, bearer: &str, rid: &str) -> Result<String, Error> {
    let r = create(base, bearer, rid, &order_body("29.00", "13.00", "16.00")).await?;
    assert_eq!(r.status, 201, "{}", r.text());
    let id = r.json()?["id"].as_str().ok_or("id")?.to_owned();
    let r = send(
        "POST",
        &format!("{base}/checkoutnow/pay?token={id}"),
        &[],
        "",
    )
    .await?;
    assert_eq!(r.status, 303);
    Ok(id)
}

async fn capture(base: &str, bearer: &str, id: &str, rid: &str) -> Result<Resp, String> {
    send(
        "POST",
        &format!("{base}/v2/checkout/orders/{id}/capture"),
        &[
            ("authorization", bearer),
            ("paypal-request-id", rid),
            FULL,
            ("content-type", "application/json"),
        ],
        "",
    )
    .await
}

#[tokio::test]
async fn order_approve_capture_refund_and_webhooks() -> TestResult {
    let (hook, rx) = receiver().await?;
    let sim = sim(Some(hook)).await?;
    let base = sim.url();
    let bearer = bearer(base).await?;

    // Create: 201, PAYER_ACTION_REQUIRED, the payer-action link to the pay page.
    let body = order_body("29.00", "13.00", "16.00");
    let r = create(base, &bearer, "AT-1", &body).await?;
    assert_eq!(r.status, 201, "{}", r.text());
    let order = r.json()?;
    let id = order["id"].as_str().ok_or("id")?.to_owned();
    assert_eq!(id.len(), 17);
    assert!(id
        .bytes()
        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
    assert_eq!(order["status"], "PAYER_ACTION_REQUIRED");
    let pay = order["links"]
        .as_array()
        .and_then(|l| l.iter().find(|l| l["rel"] == "payer-action"))
        .and_then(|l| l["href"].as_str())
        .ok_or("payer-action link")?
        .to_owned();
    assert_eq!(pay, format!("{base}/checkoutnow?token={id}"));
    assert_eq!(order["purchase_units"][0]["amount"]["value"], "29.00");

    // Idempotency: same ID and body → the same order with 200; another body → 422.
    let r = create(base, &bearer, "AT-1", &body).await?;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()?["id"], id.as_str());
    let r = create(
        base,
        &bearer,
        "AT-1",
        &order_body("30.00", "14.00", "16.00"),
    )
    .await?;
    assert_pp_error(&r, 422, "DUPLICATE_REQUEST_ID")?;
    let creates = sim
        .requests()
        .iter()
        .filter(|r| {
            r.path == "/v2/checkout/orders" && r.header("paypal-request-id") == Some("AT-1")
        })
        .count();
    assert_eq!(creates, 3);

    // Capture before approval.
    let r = capture(base, &bearer, &id, "CP-0").await?;
    assert_pp_error(&r, 422, "ORDER_NOT_APPROVED")?;

    // The pay page and #pay: back to return_url with token and PayerID.
    let page = get(&pay, &[]).await?;
    assert_eq!(page.status, 200);
    for needle in ["id=\"pay\"", "id=\"cancel\"", "id=\"fail\"", "29.00 EUR"] {
        assert!(page.text().contains(needle), "{needle}");
    }
    let r = send(
        "POST",
        &format!("{base}/checkoutnow/pay?token={id}"),
        &[],
        "",
    )
    .await?;
    assert_eq!(r.status, 303);
    let location = r.header("location").ok_or("location")?;
    assert!(
        location.starts_with(&format!(
            "https://termine.example.de/pay/return/PY_4kq9?k=Zx8&token={id}&PayerID=SIMPAYER"
        )),
        "{location}"
    );
    let o = get(
        &format!("{base}/v2/checkout/orders/{id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(o["status"], "APPROVED");

    // Capture: 201, COMPLETED, fee 2.49 % + 0.35 of 29.00 = 0.72 + 0.35.
    let r = capture(base, &bearer, &id, "CP-1").await?;
    assert_eq!(r.status, 201, "{}", r.text());
    let captured = r.json()?;
    assert_eq!(captured["status"], "COMPLETED");
    let cap = &captured["purchase_units"][0]["payments"]["captures"][0];
    assert_eq!(cap["status"], "COMPLETED");
    assert_eq!(
        cap["amount"],
        json!({"currency_code": "EUR", "value": "29.00"})
    );
    assert_eq!(cap["custom_id"], "PY_4kq9");
    assert_eq!(cap["invoice_id"], "PY_4kq9-AT5d1f0c9e");
    assert_eq!(
        cap["seller_receivable_breakdown"]["paypal_fee"]["value"],
        "1.07"
    );
    assert_eq!(
        cap["seller_receivable_breakdown"]["net_amount"]["value"],
        "27.93"
    );
    let capture_id = cap["id"].as_str().ok_or("capture id")?.to_owned();
    assert_eq!(capture_id.len(), 17);
    // Again with the same request ID: the first result; with a new one: already captured.
    let again = capture(base, &bearer, &id, "CP-1").await?;
    assert_eq!(again.json()?, captured);
    let r = capture(base, &bearer, &id, "CP-2").await?;
    assert_pp_error(&r, 422, "ORDER_ALREADY_CAPTURED")?;

    // The webhook, signed so that the certificate's key verifies it.
    let deliveries = rx.wait_for(1).await?;
    let d = &deliveries[0];
    let event: Value = serde_json::from_slice(&d.body)?;
    assert_eq!(event["event_type"], "PAYMENT.CAPTURE.COMPLETED");
    assert_eq!(event["resource"]["id"], capture_id.as_str());
    assert_eq!(event["resource"]["custom_id"], "PY_4kq9");
    assert_eq!(
        event["resource"]["supplementary_data"]["related_ids"]["order_id"],
        id.as_str()
    );
    assert!(event["id"].as_str().is_some_and(|i| i.starts_with("WH-")));
    assert_eq!(header(d, "paypal-auth-algo"), "SHA256withRSA");
    let cert_url = header(d, "paypal-cert-url").to_owned();
    assert_eq!(
        cert_url,
        format!("{base}/v1/notifications/certs/CERT-sim-1")
    );
    assert!(header(d, "paypal-transmission-time").ends_with('Z'));
    let key = public_key(&cert_url).await?;
    assert!(signature_valid(d, &key, WEBHOOK_ID));
    assert!(!signature_valid(d, &key, "ANOTHER-WEBHOOK"));

    // The verify API agrees, and refuses the same event changed.
    let verify = |event: Value| {
        json!({
            "auth_algo": header(d, "paypal-auth-algo"),
            "cert_url": cert_url,
            "transmission_id": header(d, "paypal-transmission-id"),
            "transmission_sig": header(d, "paypal-transmission-sig"),
            "transmission_time": header(d, "paypal-transmission-time"),
            "webhook_id": WEBHOOK_ID,
            "webhook_event": event,
        })
    };
    let url = format!("{base}/v1/notifications/verify-webhook-signature");
    let r = post_json(&url, &[("authorization", &bearer)], &verify(event.clone())).await?;
    assert_eq!(r.json()?["verification_status"], "SUCCESS");
    let mut changed = event.clone();
    changed["resource"]["amount"]["value"] = json!("0.29");
    let r = post_json(&url, &[("authorization", &bearer)], &verify(changed)).await?;
    assert_eq!(r.json()?["verification_status"], "FAILURE");

    // Refunds: 16.00 of 29.00, more than the rest refused, then the rest.
    let refund_url = format!("{base}/v2/payments/captures/{capture_id}/refund");
    let refund = |value: &str| json!({"amount": {"currency_code": "EUR", "value": value}, "note_to_payer": "Erstattung"});
    let r = post_json(
        &refund_url,
        &[
            ("authorization", &bearer),
            ("paypal-request-id", "RF-1"),
            FULL,
        ],
        &refund("16.00"),
    )
    .await?;
    assert_eq!(r.status, 201, "{}", r.text());
    let first = r.json()?;
    assert_eq!(first["status"], "COMPLETED");
    assert_eq!(first["amount"]["value"], "16.00");
    let r = post_json(
        &refund_url,
        &[
            ("authorization", &bearer),
            ("paypal-request-id", "RF-1"),
            FULL,
        ],
        &refund("16.00"),
    )
    .await?;
    assert_eq!(
        r.json()?["id"],
        first["id"],
        "same refund for the same request ID"
    );
    let r = post_json(
        &refund_url,
        &[
            ("authorization", &bearer),
            ("paypal-request-id", "RF-2"),
            FULL,
        ],
        &refund("13.01"),
    )
    .await?;
    assert_pp_error(&r, 422, "REFUND_AMOUNT_EXCEEDED")?;
    let c = get(
        &format!("{base}/v2/payments/captures/{capture_id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(c["status"], "PARTIALLY_REFUNDED");

    // Pending, then completed through the control API.
    post_json(
        &format!("{base}/_sim/refunds_pending"),
        &[],
        &json!({"on": true}),
    )
    .await?;
    let r = post_json(
        &refund_url,
        &[
            ("authorization", &bearer),
            ("paypal-request-id", "RF-3"),
            FULL,
        ],
        &refund("13.00"),
    )
    .await?;
    let pending = r.json()?;
    assert_eq!(pending["status"], "PENDING");
    let pending_id = pending["id"].as_str().ok_or("refund id")?.to_owned();
    let g = get(
        &format!("{base}/v2/payments/refunds/{pending_id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(g["status"], "PENDING");
    let r = send(
        "POST",
        &format!("{base}/_sim/refunds/{pending_id}/complete"),
        &[],
        "",
    )
    .await?;
    assert_eq!(r.status, 200);
    let g = get(
        &format!("{base}/v2/payments/refunds/{pending_id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(g["status"], "COMPLETED");
    let c = get(
        &format!("{base}/v2/payments/captures/{capture_id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(c["status"], "REFUNDED");

    // Two PAYMENT.CAPTURE.REFUNDED webhooks followed the capture's, each carrying custom_id.
    let deliveries = rx.wait_for(3).await?;
    for d in &deliveries[1..3] {
        let e: Value = serde_json::from_slice(&d.body)?;
        assert_eq!(e["event_type"], "PAYMENT.CAPTURE.REFUNDED");
        assert_eq!(e["resource"]["custom_id"], "PY_4kq9");
        assert!(signature_valid(d, &key, WEBHOOK_ID));
    }
    Ok(())
}

#[tokio::test]
async fn validation_cancel_and_decline() -> TestResult {
    let sim = sim(None).await?;
    let base = sim.url();
    let bearer = bearer(base).await?;

    // Token and bearer checks.
    let r = send(
        "POST",
        &format!("{base}/v1/oauth2/token"),
        &[("authorization", "Basic d3Jvbmc6d3Jvbmc=")],
        "grant_type=client_credentials",
    )
    .await?;
    assert_eq!(r.status, 401);
    let r = create(
        base,
        "Bearer A21AAforged",
        "AT-x",
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()?["name"], "AUTHENTICATION_FAILURE");

    // Body rules.
    let r = create(
        base,
        &bearer,
        "AT-a",
        &order_body("29.00", "13.00", "16.10"),
    )
    .await?;
    assert_pp_error(&r, 422, "ITEM_TOTAL_MISMATCH")?;
    let r = create(
        base,
        &bearer,
        "AT-b",
        &order_body("29.001", "13.001", "16.00"),
    )
    .await?;
    assert_pp_error(&r, 422, "DECIMAL_PRECISION")?;
    let r = create(
        base,
        &bearer,
        "AT-c",
        &order_body("29,00", "13.00", "16.00"),
    )
    .await?;
    assert_pp_error(&r, 400, "INVALID_PARAMETER_SYNTAX")?;
    let mut no_return = order_body("29.00", "13.00", "16.00");
    if let Some(ctx) = no_return["payment_source"]["paypal"]["experience_context"].as_object_mut() {
        ctx.remove("return_url");
    }
    let r = create(base, &bearer, "AT-d", &no_return).await?;
    assert_pp_error(&r, 400, "MISSING_REQUIRED_PARAMETER")?;
    let mut authorize = order_body("29.00", "13.00", "16.00");
    authorize["intent"] = json!("AUTHORIZE");
    let r = create(base, &bearer, "AT-e", &authorize).await?;
    assert_pp_error(&r, 400, "INVALID_PARAMETER_VALUE")?;

    // Minimal answer by default: id, status, links.
    let r = post_json(
        &format!("{base}/v2/checkout/orders"),
        &[("authorization", &bearer)],
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    assert_eq!(r.status, 201);
    let v = r.json()?;
    assert!(
        v.get("purchase_units").is_none() && v["links"].is_array(),
        "{v}"
    );

    // #cancel: to cancel_url with the token, the order still waiting for the payer.
    let id = v["id"].as_str().ok_or("id")?.to_owned();
    let r = send(
        "POST",
        &format!("{base}/checkoutnow/cancel?token={id}"),
        &[],
        "",
    )
    .await?;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location").as_deref(),
        Some(format!("https://termine.example.de/pay/cancel/PY_4kq9?k=Zx8&token={id}").as_str())
    );
    let o = get(
        &format!("{base}/v2/checkout/orders/{id}"),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(o["status"], "PAYER_ACTION_REQUIRED");

    // #fail: approved, but the capture is declined; paying again then succeeds.
    let r = send(
        "POST",
        &format!("{base}/checkoutnow/fail?token={id}"),
        &[],
        "",
    )
    .await?;
    assert_eq!(r.status, 303);
    let r = capture(base, &bearer, &id, "CP-f").await?;
    assert_pp_error(&r, 422, "INSTRUMENT_DECLINED")?;
    send(
        "POST",
        &format!("{base}/checkoutnow/pay?token={id}"),
        &[],
        "",
    )
    .await?;
    let r = capture(base, &bearer, &id, "CP-g").await?;
    assert_eq!(r.status, 201, "{}", r.text());

    // A failure queued through the control API, then normal again.
    let r = post_json(
        &format!("{base}/_sim/fail_next"),
        &[],
        &json!({"operation": "create", "status": 422, "issue": "PAYEE_ACCOUNT_RESTRICTED"}),
    )
    .await?;
    assert_eq!(r.status, 200);
    let r = create(
        base,
        &bearer,
        "AT-q",
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    let v = assert_pp_error(&r, 422, "PAYEE_ACCOUNT_RESTRICTED")?;
    assert_eq!(v["name"], "UNPROCESSABLE_ENTITY");
    let r = create(
        base,
        &bearer,
        "AT-q",
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    assert_eq!(r.status, 201, "{}", r.text());

    // Unknown order.
    let r = get(
        &format!("{base}/v2/checkout/orders/NOPE"),
        &[("authorization", &bearer)],
    )
    .await?;
    assert_pp_error(&r, 404, "INVALID_RESOURCE_ID")?;

    // The log redacts the Basic credentials and the bearer token.
    let log = sim.requests();
    assert!(log.iter().all(|r| r
        .header("authorization")
        .is_none_or(|a| a.ends_with("[redacted]"))));
    Ok(())
}

#[tokio::test]
async fn webhook_retries_and_tampering() -> TestResult {
    let (hook, rx) = receiver().await?;
    let sim = sim(None).await?;
    let base = sim.url();
    let bearer = bearer(base).await?;
    // No target yet: tampering needs one.
    let r = send("POST", &format!("{base}/_sim/webhooks/redeliver"), &[], "").await?;
    assert_eq!(r.status, 409);
    let r = post_json(
        &format!("{base}/_sim/webhook_url"),
        &[],
        &json!({"url": hook}),
    )
    .await?;
    assert_eq!(r.status, 200);

    // Two failures, then success: three transmissions of one event, 1 s and 2 s apart.
    if let Ok(mut a) = rx.answers.lock() {
        *a = vec![500, 503];
    }
    let id = approved_order(base, &bearer, "AT-r").await?;
    let started = std::time::Instant::now();
    let r = capture(base, &bearer, &id, "CP-r").await?;
    assert_eq!(r.status, 201);
    let got = rx.wait_for(3).await?;
    assert!(started.elapsed() >= Duration::from_secs(3));
    let events: Vec<Value> = got
        .iter()
        .map(|d| serde_json::from_slice(&d.body))
        .collect::<Result<_, _>>()?;
    assert!(
        events.iter().all(|e| e["id"] == events[0]["id"]),
        "same event"
    );
    assert!(got.iter().all(|d| d.body == got[0].body), "same bytes");
    let tids: std::collections::HashSet<&str> = got
        .iter()
        .map(|d| header(d, "paypal-transmission-id"))
        .collect();
    assert_eq!(tids.len(), 3, "a new transmission each time");
    let key = public_key(&format!("{base}/v1/notifications/certs/CERT-sim-1")).await?;
    assert!(got.iter().all(|d| signature_valid(d, &key, WEBHOOK_ID)));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(rx.deliveries().len(), 3, "no more after a 200");
    let original = got[2].clone();
    let event_id = events[0]["id"].as_str().ok_or("event id")?.to_owned();

    let tamper = |kind: &'static str, body: Value| {
        let url = format!("{base}/_sim/webhooks/{kind}");
        async move { post_json(&url, &[], &body).await }
    };

    // replay: byte for byte, with the old headers.
    let r = tamper("replay", json!({"event": event_id})).await?;
    assert_eq!(r.json()?["status"], 200);
    let d = rx.wait_for(4).await?.remove(3);
    assert_eq!(d.body, original.body);
    assert_eq!(
        header(&d, "paypal-transmission-id"),
        header(&original, "paypal-transmission-id")
    );
    assert_eq!(
        header(&d, "paypal-transmission-sig"),
        header(&original, "paypal-transmission-sig")
    );

    // redeliver: same body, new transmission, valid.
    tamper("redeliver", json!({"event": event_id})).await?;
    let d = rx.wait_for(5).await?.remove(4);
    assert_eq!(d.body, original.body);
    assert_ne!(
        header(&d, "paypal-transmission-id"),
        header(&original, "paypal-transmission-id")
    );
    assert!(signature_valid(&d, &key, WEBHOOK_ID));

    // forge_body: another amount under the old signature.
    tamper("forge_body", json!({})).await?;
    let d = rx.wait_for(6).await?.remove(5);
    let forged: Value = serde_json::from_slice(&d.body)?;
    assert_eq!(forged["id"], event_id.as_str());
    assert_ne!(forged["resource"]["amount"]["value"], "29.00");
    assert!(!signature_valid(&d, &key, WEBHOOK_ID));

    // forge_signature: noise.
    tamper("forge_signature", json!({})).await?;
    let d = rx.wait_for(7).await?.remove(6);
    assert!(!header(&d, "paypal-transmission-sig").is_empty());
    assert!(!signature_valid(&d, &key, WEBHOOK_ID));

    // forge_cert_url: valid under the forger's certificate, served from another host.
    tamper("forge_cert_url", json!({})).await?;
    let d = rx.wait_for(8).await?.remove(7);
    let forger_url = header(&d, "paypal-cert-url").to_owned();
    assert!(!forger_url.starts_with(base), "{forger_url}");
    assert!(!signature_valid(&d, &key, WEBHOOK_ID));
    let forger_key = public_key(&forger_url).await?;
    assert!(signature_valid(&d, &forger_key, WEBHOOK_ID));

    // forge_webhook_id: signed by PayPal's key, for another webhook.
    tamper("forge_webhook_id", json!({"webhook_id": "OTHER"})).await?;
    let d = rx.wait_for(9).await?.remove(8);
    assert!(!signature_valid(&d, &key, WEBHOOK_ID));
    assert!(signature_valid(&d, &key, "OTHER"));

    // missing_headers: no signature header at all.
    tamper("missing_headers", json!({})).await?;
    let d = rx.wait_for(10).await?.remove(9);
    assert!(d.headers.get("paypal-transmission-sig").is_none());
    assert!(d.headers.get("paypal-transmission-id").is_some());

    // unknown_order: correctly signed, for an order that does not exist.
    let r = tamper("unknown_order", json!({})).await?;
    assert_eq!(r.json()?["status"], 200);
    let d = rx.wait_for(11).await?.remove(10);
    assert!(signature_valid(&d, &key, WEBHOOK_ID));
    let e: Value = serde_json::from_slice(&d.body)?;
    assert_eq!(e["event_type"], "PAYMENT.CAPTURE.COMPLETED");
    let unknown = e["resource"]["supplementary_data"]["related_ids"]["order_id"]
        .as_str()
        .ok_or("order id")?;
    let r = get(
        &format!("{base}/v2/checkout/orders/{unknown}"),
        &[("authorization", &bearer)],
    )
    .await?;
    assert_eq!(r.status, 404);

    // send: any event, signed; here the approval of an order by its current state.
    let other = approved_order(base, &bearer, "AT-s").await?;
    let r = tamper(
        "send",
        json!({"event_type": "CHECKOUT.ORDER.APPROVED", "order": other}),
    )
    .await?;
    assert_eq!(r.json()?["status"], 200);
    let d = rx.wait_for(12).await?.remove(11);
    assert!(signature_valid(&d, &key, WEBHOOK_ID));
    let e: Value = serde_json::from_slice(&d.body)?;
    assert_eq!(e["resource_type"], "checkout-order");
    assert_eq!(e["resource"]["id"], other.as_str());
    assert_eq!(e["resource"]["status"], "APPROVED");

    // The receiver's answer is reported back.
    if let Ok(mut a) = rx.answers.lock() {
        *a = vec![400];
    }
    let r = tamper("redeliver", json!({"event": event_id})).await?;
    assert_eq!(r.json()?["status"], 400);
    Ok(())
}

#[tokio::test]
async fn modes() -> TestResult {
    let sim = sim(None).await?;
    let base = sim.url();
    let bearer = bearer(base).await?;
    let r = create(
        base,
        &bearer,
        "AT-m",
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    let id = r.json()?["id"].as_str().ok_or("id")?.to_owned();
    let order_url = format!("{base}/v2/checkout/orders/{id}");
    common::set_mode(base, json!({"mode": "error503"})).await?;
    let r = get(&order_url, &[("authorization", &bearer)]).await?;
    let v = assert_pp_error(&r, 503, "SERVICE_UNAVAILABLE")?;
    assert_eq!(v["name"], "SERVICE_UNAVAILABLE");
    common::check_modes(
        base,
        &order_url,
        &[("authorization", &bearer)],
        &format!("{base}/checkoutnow?token={id}"),
    )
    .await?;
    Ok(())
}

#[tokio::test]
async fn approval_without_return() -> TestResult {
    let (hook, rx) = receiver().await?;
    let sim = sim(Some(hook)).await?;
    let base = sim.url();
    let bearer = bearer(base).await?;
    let r = create(
        base,
        &bearer,
        "AT-w",
        &order_body("29.00", "13.00", "16.00"),
    )
    .await?;
    let id = r.json()?["id"].as_str().ok_or("id")?.to_owned();
    let r = post_json(
        &format!("{base}/_sim/orders/{id}/approve"),
        &[],
        &json!({"webhook": true}),
    )
    .await?;
    assert_eq!(r.status, 200);
    let d = rx.wait_for(1).await?.remove(0);
    let e: Value = serde_json::from_slice(&d.body)?;
    assert_eq!(e["event_type"], "CHECKOUT.ORDER.APPROVED");
    assert_eq!(e["resource"]["id"], id.as_str());
    let r = capture(base, &bearer, &id, "CP-w").await?;
    assert_eq!(r.status, 201);
    Ok(())
}
