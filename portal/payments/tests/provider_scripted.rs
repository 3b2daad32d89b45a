//! The provider adapters against scripted answers (no network): what they send, how they
//! read amounts, how they classify errors, that retries keep the idempotency key, and
//! PayPal's webhook signature with a key pair the test makes itself.

mod common;
use common::{eur, quote};
use std::sync::{Arc, Mutex};

use http::{HeaderMap, HeaderValue};
use vamt_payments::provider::{
    AttemptId, CreateRequest, Handle, HttpClient, HttpError, HttpRequest, HttpResponse, Inbound,
    PayPal, PayPalConfig, PaymentId, Provider, ProviderError, RefundKey, Rejected, Secret,
    Verification, XBezahldienste, XbdAuth, XbdConfig,
};
use vamt_payments::{Event, FailReason, ProviderRef, Quote};

type Handler = dyn Fn(&HttpRequest, usize) -> Result<HttpResponse, HttpError> + Send + Sync;

/// A client that answers by a function of the request and how many requests to the same
/// path came before, and keeps every request.
struct Script {
    handler: Box<Handler>,
    log: Mutex<Vec<HttpRequest>>,
}

impl Script {
    fn new(
        handler: impl Fn(&HttpRequest, usize) -> Result<HttpResponse, HttpError> + Send + Sync + 'static,
    ) -> Arc<Script> {
        Arc::new(Script {
            handler: Box::new(handler),
            log: Mutex::new(Vec::new()),
        })
    }

    fn requests(&self, path: &str) -> Vec<HttpRequest> {
        self.log
            .lock()
            .unwrap()
            .iter()
            .filter(|r| path_of(&r.url) == path)
            .cloned()
            .collect()
    }
}

fn path_of(url: &str) -> String {
    url::Url::parse(url).unwrap().path().to_owned()
}

#[async_trait::async_trait]
impl HttpClient for Script {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpError> {
        let path = path_of(&request.url);
        let before = {
            let mut log = self.log.lock().unwrap();
            let n = log.iter().filter(|r| path_of(&r.url) == path).count();
            log.push(request.clone());
            n
        };
        (self.handler)(&request, before)
    }
}

fn answer(status: u16, media: &str, body: &str) -> Result<HttpResponse, HttpError> {
    let mut headers = HeaderMap::new();
    headers.insert("content-type", HeaderValue::from_str(media).unwrap());
    Ok(HttpResponse {
        status,
        headers,
        body: body.as_bytes().to_vec(),
    })
}

fn json(status: u16, body: &str) -> Result<HttpResponse, HttpError> {
    answer(status, "application/json", body)
}

struct Ids {
    payment: PaymentId,
    attempt: AttemptId,
    quote: Quote,
    names: Vec<String>,
}

fn ids() -> Ids {
    Ids {
        payment: PaymentId::new("PY_test1").unwrap(),
        attempt: AttemptId::new("AT5d1f0c9e9b2a4c3e8f210a7d2c4b9e11").unwrap(),
        quote: quote(),
        names: vec![
            "Führungszeugnis".to_owned(),
            "Weitere beglaubigte Kopie".to_owned(),
        ],
    }
}

fn request(ids: &Ids) -> CreateRequest<'_> {
    CreateRequest {
        payment: &ids.payment,
        attempt: &ids.attempt,
        quote: &ids.quote,
        item_names: &ids.names,
        purpose: "Gebuehr BK-7Q2M",
        description: "Führungszeugnis, 1 weitere beglaubigte Kopie",
        return_url: "https://termine.example.de/pay/return/PY_test1?k=abc",
        cancel_url: "https://termine.example.de/pay/cancel/PY_test1?k=abc",
        locale: "de-DE",
    }
}

// ---------------------------------------------------------------- XBezahldienste

const XBD: &str = "https://xbd.example";
const TX: &str = "8b1e6c2a-0f5d-4a55-9c57-2d1f4e0b6a31";

fn xbd_config() -> XbdConfig {
    XbdConfig {
        enabled: true,
        base_url: format!("{XBD}/api/"),
        originator_id: "stadt-test".into(),
        endpoint_id: "09162000".into(),
        auth: XbdAuth::Oauth2,
        token_url: Some(format!("{XBD}/auth/token")),
        client_id: Some("vamt".into()),
        client_secret: Some(Secret::new("s3cret")),
        client_secret_file: None,
        client_cert_file: None,
        client_key_file: None,
        client_cert_password: None,
        client_cert_password_file: None,
        ca_file: None,
        send_requestor: false,
        purpose_prefix: "Gebuehr".into(),
        allow_http: false,
        request_timeout_seconds: 15,
        booking_data: Default::default(),
    }
}

fn transaction(status: &str, amount: &str, timestamp: &str) -> String {
    format!(
        r#"{{"paymentRequest":{{"requestId":"AT5d1f0c9e9b2a4c3e8f210a7d2c4b9e11","currency":"EUR","grosAmount":{amount}}},
        "paymentInformation":{{"transactionUrl":"{XBD}/api/paymenttransaction/stadt-test/09162000/{TX}",
        "transactionRedirectUrl":"https://pay.xbd.example/paypage/{TX}","transactionId":"{TX}",
        "transactionReference":"KZ-2026-0815","transactionTimestamp":{timestamp},"paymentMethod":null,
        "status":"{status}","statusDetail":null}}}}"#
    )
}

const TOKEN: &str = r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":300}"#;
const TX_PATH: &str = "/api/paymenttransaction/stadt-test/09162000";

fn tx_path() -> String {
    format!("{TX_PATH}/{TX}")
}

fn handle(reference: &str) -> Handle {
    Handle {
        provider_ref: ProviderRef::new(reference).unwrap(),
        capture_ref: None,
    }
}

#[tokio::test]
async fn xbezahldienste_create_sends_the_standard_request_and_reads_the_transaction() {
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        TX_PATH => json(200, &transaction("INITIAL", "29.00", "null")),
        _ => json(404, "{}"),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    let ids = ids();
    let created = xbd.create(&request(&ids)).await.unwrap();
    assert_eq!(created.handle.provider_ref.as_str(), TX);
    assert_eq!(
        created.redirect.as_str(),
        format!("https://pay.xbd.example/paypage/{TX}")
    );
    assert_eq!(created.started.id.as_str(), format!("xbd:{TX}:INITIAL"));
    assert_eq!(created.started.seq, 0);
    assert!(
        matches!(created.started.event, Event::Started { ref provider_ref } if provider_ref.as_str() == TX)
    );

    let token = &script.requests("/auth/token")[0];
    let form = String::from_utf8(token.body.clone()).unwrap();
    assert_eq!(
        form,
        "grant_type=client_credentials&client_id=vamt&client_secret=s3cret"
    );
    let sent = &script.requests(TX_PATH)[0];
    assert_eq!(sent.headers["authorization"], "Bearer tok-1");
    let body = String::from_utf8(sent.body.clone()).unwrap();
    // Number tokens as written from minor units: never through a float.
    assert!(body.contains(r#""grosAmount":29.00"#), "{body}");
    assert!(body.contains(r#""singleNetAmount":13.00"#), "{body}");
    assert!(body.contains(r#""totalNetAmount":16.00"#), "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["requestId"], "AT5d1f0c9e9b2a4c3e8f210a7d2c4b9e11");
    assert_eq!(v["currency"], "EUR");
    assert_eq!(v["purpose"], "Gebuehr BK-7Q2M");
    assert_eq!(
        v["redirectUrl"],
        "https://termine.example.de/pay/return/PY_test1?k=abc"
    );
    assert_eq!(v["items"][0]["id"], "1");
    assert_eq!(v["items"][0]["reference"], "svc-12");
    assert_eq!(v["items"][0]["description"], "Führungszeugnis");
    assert_eq!(v["items"][1]["reference"], "svc-12-extra-copy");
    assert_eq!(v["items"][1]["quantity"], 1);
    assert!(v.get("requestor").is_none());
}

#[tokio::test]
async fn xbezahldienste_status_maps_each_status() {
    for (status, expect) in [
        ("INITIAL", None),
        ("FAILED", Some("FAILED")),
        ("CANCELED", Some("CANCELED")),
        ("PAYED", Some("PAYED")),
    ] {
        let body = transaction(status, "29.00", "\"2026-12-07T14:05:40.120Z\"");
        let script = Script::new(move |r, _| match path_of(&r.url).as_str() {
            "/auth/token" => json(200, TOKEN),
            _ => json(200, &body),
        });
        let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
        let notes = xbd.status(&handle(TX)).await.unwrap();
        assert_eq!(script.requests(&tx_path()).len(), 1);
        match expect {
            None => assert!(notes.is_empty()),
            Some(word) => {
                assert_eq!(notes.len(), 1);
                assert_eq!(notes[0].id.as_str(), format!("xbd:{TX}:{word}"));
                assert_eq!(notes[0].seq, 1_796_652_340_120_000);
                match (&notes[0].event, word) {
                    (
                        Event::Paid {
                            amount,
                            provider_ref,
                        },
                        "PAYED",
                    ) => {
                        assert_eq!(*amount, eur(2900));
                        assert_eq!(provider_ref.as_str(), "KZ-2026-0815");
                    }
                    (Event::Failed { reason }, "FAILED") => {
                        assert_eq!(*reason, FailReason::Declined)
                    }
                    (Event::Cancelled, "CANCELED") => {}
                    other => panic!("{other:?}"),
                }
            }
        }
    }
}

#[tokio::test]
async fn xbezahldienste_reads_amounts_strictly() {
    for (raw, ok) in [
        ("29", Some(2900)),
        ("29.0", Some(2900)),
        ("29.001", None),
        ("2.9e1", None),
    ] {
        let body = transaction("PAYED", raw, "null");
        let script = Script::new(move |r, _| match path_of(&r.url).as_str() {
            "/auth/token" => json(200, TOKEN),
            _ => json(200, &body),
        });
        let xbd = XBezahldienste::new(&xbd_config(), script).unwrap();
        let result = xbd.status(&handle(TX)).await;
        match ok {
            Some(minor) => match &result.unwrap()[0].event {
                Event::Paid { amount, .. } => assert_eq!(*amount, eur(minor)),
                other => panic!("{other:?}"),
            },
            None => assert!(
                matches!(result, Err(ProviderError::Malformed(_))),
                "{raw}: {result:?}"
            ),
        }
    }
}

#[tokio::test]
async fn xbezahldienste_problems_are_classified() {
    let problem = r#"{"type":"https://xbd.example/errors/validation","status":400,"title":"Bad Request","detail":"Waehrung CHF wird nicht unterstuetzt","functionalCode":"VALIDATION_ERROR"}"#;
    let script = Script::new(move |r, _| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ => answer(400, "application/problem+json", problem),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    let ids = ids();
    match xbd.create(&request(&ids)).await {
        Err(ProviderError::Refused {
            status: 400,
            code,
            detail,
        }) => {
            assert_eq!(code, "VALIDATION_ERROR");
            assert_eq!(detail, "Waehrung CHF wird nicht unterstuetzt");
        }
        other => panic!("{other:?}"),
    }
    // A refusal is not retried.
    assert_eq!(script.requests(TX_PATH).len(), 1);
    // The same answer to a status query is not one to act on.
    assert!(matches!(
        xbd.status(&handle(TX)).await,
        Err(ProviderError::Malformed(_))
    ));

    // 404 on the status query: Refused; a 4xx that is no problem: Malformed.
    let script = Script::new(move |r, n| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ if n == 0 => answer(
            404,
            "application/problem+json",
            r#"{"status":404,"title":"Not Found","functionalCode":"UNSPECIFIED"}"#,
        ),
        _ => answer(418, "text/html", "<html>"),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script).unwrap();
    assert!(matches!(
        xbd.status(&handle(TX)).await,
        Err(ProviderError::Refused { status: 404, ref code, .. }) if code == "UNSPECIFIED"
    ));
    assert!(matches!(
        xbd.status(&handle(TX)).await,
        Err(ProviderError::Malformed(_))
    ));
}

#[tokio::test]
async fn xbezahldienste_unavailable_and_the_retries() {
    // Status: 503 twice, then an answer: retried with the same request.
    let body = transaction("INITIAL", "29.00", "null");
    let script = Script::new(move |r, n| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ if n < 2 => answer(503, "text/plain", "down"),
        _ => json(200, &body),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    assert_eq!(xbd.status(&handle(TX)).await.unwrap(), vec![]);
    assert_eq!(script.requests(&tx_path()).len(), 3);

    // Always down: Unavailable after three tries.
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ => Err(HttpError::Connect("refused".into())),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    assert!(matches!(
        xbd.status(&handle(TX)).await,
        Err(ProviderError::Unavailable(_))
    ));
    assert_eq!(script.requests(&tx_path()).len(), 3);

    // Create: sent again once when the connection failed before sending, with the same
    // requestId; not after a timeout (the platform may have it).
    let body = transaction("INITIAL", "29.00", "null");
    let script = Script::new(move |r, n| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ if n == 0 => Err(HttpError::Connect("refused".into())),
        _ => json(200, &body),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    let ids = ids();
    xbd.create(&request(&ids)).await.unwrap();
    let sent = script.requests(TX_PATH);
    assert_eq!(sent.len(), 2);
    let id = |r: &HttpRequest| {
        serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["requestId"].clone()
    };
    assert_eq!(id(&sent[0]), id(&sent[1]));

    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, TOKEN),
        _ => Err(HttpError::Timeout),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    assert!(matches!(
        xbd.create(&request(&ids)).await,
        Err(ProviderError::Unavailable(_))
    ));
    assert_eq!(script.requests(TX_PATH).len(), 1);
}

#[tokio::test]
async fn a_401_renews_the_token_once() {
    let body = transaction("INITIAL", "29.00", "null");
    let script = Script::new(move |r, n| match path_of(&r.url).as_str() {
        "/auth/token" => json(200, &TOKEN.replace("tok-1", &format!("tok-{}", n + 1))),
        _ if n == 0 => answer(
            401,
            "application/problem+json",
            r#"{"status":401,"functionalCode":"FORBIDDEN"}"#,
        ),
        _ => json(200, &body),
    });
    let xbd = XBezahldienste::new(&xbd_config(), script.clone()).unwrap();
    xbd.status(&handle(TX)).await.unwrap();
    let sent = script.requests(&tx_path());
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].headers["authorization"], "Bearer tok-1");
    assert_eq!(sent[1].headers["authorization"], "Bearer tok-2");
    // The token is cached afterwards.
    xbd.status(&handle(TX)).await.unwrap();
    assert_eq!(script.requests("/auth/token").len(), 2);

    // Wrong credentials: Refused with the OAuth error.
    let script = Script::new(|_, _| json(401, r#"{"error":"invalid_client"}"#));
    let xbd = XBezahldienste::new(&xbd_config(), script).unwrap();
    assert!(matches!(
        xbd.status(&handle(TX)).await,
        Err(ProviderError::Refused { status: 401, ref code, .. }) if code == "invalid_client"
    ));
}

#[tokio::test]
async fn xbezahldienste_has_no_refund_and_no_push() {
    let script = Script::new(|_, _| json(500, "{}"));
    let xbd = XBezahldienste::new(&xbd_config(), script).unwrap();
    assert_eq!(
        xbd.refund(&handle(TX), eur(100), "x", &RefundKey::generate())
            .await,
        Err(ProviderError::Unsupported)
    );
    let headers = HeaderMap::new();
    assert_eq!(
        xbd.verify(&Inbound {
            headers: &headers,
            body: b"{}"
        })
        .await,
        Err(Rejected::NotSupported)
    );
}

#[test]
fn configuration_is_checked() {
    let script = Script::new(|_, _| json(500, "{}"));
    let mut c = xbd_config();
    c.base_url = "http://xbd.example/".into();
    assert!(XBezahldienste::new(&c, script.clone()).is_err());
    c.allow_http = true;
    assert!(
        XBezahldienste::new(&c, script.clone()).is_err(),
        "http only to loopback"
    );
    c.base_url = "http://127.0.0.1:9/".into();
    c.token_url = Some("http://127.0.0.1:9/auth/token".into());
    assert!(XBezahldienste::new(&c, script.clone()).is_ok());
    c.originator_id = "a/b".into();
    assert!(XBezahldienste::new(&c, script.clone()).is_err());
    let mut c = xbd_config();
    c.auth = XbdAuth::Mtls;
    assert!(XBezahldienste::new(&c, script.clone()).is_err());

    let toml_like: XbdConfig = serde_json::from_str(
        r#"{"base_url":"https://x.example","originator_id":"o","endpoint_id":"e","token_url":"https://x.example/t","client_id":"c","client_secret":"s"}"#,
    )
    .unwrap();
    assert_eq!(toml_like.request_timeout_seconds, 15);
    assert!(
        !format!("{toml_like:?}").contains("\"s\""),
        "secret redacted"
    );
    assert!(serde_json::from_str::<XbdConfig>(
        r#"{"base_url":"https://x.example","originator_id":"o","endpoint_id":"e","unknown":1}"#
    )
    .is_err());
}

// ---------------------------------------------------------------- PayPal

const PP: &str = "https://api-m.sandbox.paypal.com";
const ORDER: &str = "5O190127TN364715T";
const CAPTURE: &str = "3C679366HH908993F";
const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";
const CERT_URL: &str =
    "https://api.sandbox.paypal.com/v1/notifications/certs/CERT-360caa42-fca2a594-a5cafa77";
const PP_TOKEN: &str = r#"{"access_token":"A21AA","token_type":"Bearer","expires_in":32400}"#;

fn pp_config() -> PayPalConfig {
    serde_json::from_value(serde_json::json!({
        "base_url": PP,
        "client_id": "AZ-client",
        "client_secret": "pp-secret",
        "webhook_id": WEBHOOK_ID,
        "brand_name": "Stadt Musterstadt",
    }))
    .unwrap()
}

fn order(status: &str, captures: &str) -> String {
    format!(
        r#"{{"id":"{ORDER}","status":"{status}","purchase_units":[{{"reference_id":"PY_test1","payments":{{"captures":[{captures}]}}}}],
        "links":[{{"href":"{PP}/v2/checkout/orders/{ORDER}","rel":"self","method":"GET"}},
                 {{"href":"https://www.sandbox.paypal.com/checkoutnow?token={ORDER}","rel":"payer-action","method":"GET"}}]}}"#
    )
}

fn capture_json(status: &str) -> String {
    format!(
        r#"{{"id":"{CAPTURE}","status":"{status}","amount":{{"currency_code":"EUR","value":"29.00"}},"final_capture":true,"custom_id":"PY_test1","create_time":"2026-12-07T14:05:40Z","update_time":"2026-12-07T14:05:40Z"}}"#
    )
}

fn paypal_error(issue: &str) -> String {
    format!(
        r#"{{"name":"UNPROCESSABLE_ENTITY","message":"semantically incorrect","debug_id":"f4a7c2e1b9d3","details":[{{"field":"","value":"","location":"body","issue":"{issue}","description":"{issue}"}}]}}"#
    )
}

#[tokio::test]
async fn paypal_create_retries_with_the_same_request_id() {
    let script = Script::new(|r, n| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        "/v2/checkout/orders" if n == 0 => json(503, r#"{"name":"SERVICE_UNAVAILABLE"}"#),
        "/v2/checkout/orders" => json(201, &order("PAYER_ACTION_REQUIRED", "")),
        _ => json(404, "{}"),
    });
    let pp = PayPal::new(&pp_config(), script.clone()).unwrap();
    let ids = ids();
    let created = pp.create(&request(&ids)).await.unwrap();
    assert_eq!(created.handle.provider_ref.as_str(), ORDER);
    assert_eq!(
        created.redirect.as_str(),
        format!("https://www.sandbox.paypal.com/checkoutnow?token={ORDER}")
    );
    assert_eq!(
        created.started.id.as_str(),
        format!("pp:order:{ORDER}:created")
    );

    let token = &script.requests("/v1/oauth2/token")[0];
    assert_eq!(
        token.headers["authorization"],
        "Basic QVotY2xpZW50OnBwLXNlY3JldA=="
    );
    assert_eq!(token.body, b"grant_type=client_credentials");
    let sent = script.requests("/v2/checkout/orders");
    assert_eq!(sent.len(), 2);
    for r in &sent {
        assert_eq!(
            r.headers["paypal-request-id"],
            "AT5d1f0c9e9b2a4c3e8f210a7d2c4b9e11"
        );
        assert_eq!(r.headers["prefer"], "return=representation");
    }
    let v: serde_json::Value = serde_json::from_slice(&sent[0].body).unwrap();
    assert_eq!(v["intent"], "CAPTURE");
    let unit = &v["purchase_units"][0];
    assert_eq!(unit["custom_id"], "PY_test1");
    assert_eq!(unit["amount"]["value"], "29.00");
    assert_eq!(unit["amount"]["breakdown"]["item_total"]["value"], "29.00");
    assert_eq!(unit["items"][1]["unit_amount"]["value"], "16.00");
    assert_eq!(unit["items"][1]["quantity"], "1");
    let ctx = &v["payment_source"]["paypal"]["experience_context"];
    assert_eq!(ctx["brand_name"], "Stadt Musterstadt");
    assert_eq!(ctx["user_action"], "PAY_NOW");
}

#[tokio::test]
async fn paypal_capture_paid_declined_and_already_captured() {
    // Completed.
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(201, &order("COMPLETED", &capture_json("COMPLETED"))),
    });
    let pp = PayPal::new(&pp_config(), script.clone()).unwrap();
    let notes = pp.capture(&handle(ORDER)).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(
        notes[0].id.as_str(),
        format!("pp:capture:{CAPTURE}:COMPLETED")
    );
    assert_eq!(notes[0].seq, 1_796_652_340_000_000);
    assert!(
        matches!(&notes[0].event, Event::Paid { amount, provider_ref }
        if *amount == eur(2900) && provider_ref.as_str() == CAPTURE)
    );
    let sent = script.requests(&format!("/v2/checkout/orders/{ORDER}/capture"));
    assert!(sent[0].headers.contains_key("paypal-request-id"));

    // Declined.
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(422, &paypal_error("INSTRUMENT_DECLINED")),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    let notes = pp.capture(&handle(ORDER)).await.unwrap();
    assert_eq!(notes[0].id.as_str(), format!("pp:order:{ORDER}:declined"));
    assert_eq!(
        notes[0].event,
        Event::Failed {
            reason: FailReason::Declined
        }
    );

    // Not approved: nothing yet.
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(422, &paypal_error("ORDER_NOT_APPROVED")),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert_eq!(pp.capture(&handle(ORDER)).await.unwrap(), vec![]);

    // Captured before: the capture is read from the order.
    let script = Script::new(|r, _| match (r.method.as_str(), path_of(&r.url).as_str()) {
        (_, "/v1/oauth2/token") => json(200, PP_TOKEN),
        ("POST", _) => json(422, &paypal_error("ORDER_ALREADY_CAPTURED")),
        _ => json(200, &order("COMPLETED", &capture_json("COMPLETED"))),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    let notes = pp.capture(&handle(ORDER)).await.unwrap();
    assert_eq!(
        notes[0].id.as_str(),
        format!("pp:capture:{CAPTURE}:COMPLETED")
    );

    // Other refusals carry the issue.
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(422, &paypal_error("SOMETHING_ELSE")),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert!(matches!(pp.capture(&handle(ORDER)).await,
        Err(ProviderError::Refused { status: 422, ref code, .. }) if code == "SOMETHING_ELSE"));
}

#[tokio::test]
async fn paypal_status_captures_an_approved_order_and_cancel_needs_no_approval() {
    let script = Script::new(|r, _| match (r.method.as_str(), path_of(&r.url).as_str()) {
        (_, "/v1/oauth2/token") => json(200, PP_TOKEN),
        ("GET", _) => json(200, &order("APPROVED", "")),
        _ => json(201, &order("COMPLETED", &capture_json("COMPLETED"))),
    });
    let pp = PayPal::new(&pp_config(), script.clone()).unwrap();
    let notes = pp.status(&handle(ORDER)).await.unwrap();
    assert!(matches!(notes[0].event, Event::Paid { .. }));
    assert_eq!(
        script
            .requests(&format!("/v2/checkout/orders/{ORDER}/capture"))
            .len(),
        1
    );

    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(200, &order("PAYER_ACTION_REQUIRED", "")),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert_eq!(pp.status(&handle(ORDER)).await.unwrap(), vec![]);
    let notes = pp.cancelled(&handle(ORDER)).await.unwrap();
    assert_eq!(notes[0].id.as_str(), format!("pp:order:{ORDER}:cancelled"));
    assert_eq!(notes[0].event, Event::Cancelled);

    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(200, &order("APPROVED", "")),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert_eq!(pp.cancelled(&handle(ORDER)).await.unwrap(), vec![]);
}

#[tokio::test]
async fn paypal_refund() {
    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(
            201,
            r#"{"id":"1JU08902781691411","status":"COMPLETED","amount":{"currency_code":"EUR","value":"16.00"},"create_time":"2026-12-07T15:00:00Z"}"#,
        ),
    });
    let pp = PayPal::new(&pp_config(), script.clone()).unwrap();
    let key = RefundKey::new("RF_abc").unwrap();
    let h = Handle {
        provider_ref: ProviderRef::new(ORDER).unwrap(),
        capture_ref: Some(ProviderRef::new(CAPTURE).unwrap()),
    };
    let notes = pp
        .refund(&h, eur(1600), "Kopie nicht ausgestellt", &key)
        .await
        .unwrap();
    assert_eq!(
        notes[0].id.as_str(),
        "pp:refund:1JU08902781691411:COMPLETED"
    );
    assert!(
        matches!(&notes[0].event, Event::Refunded { amount, refund_id }
        if *amount == eur(1600) && refund_id.as_str() == "1JU08902781691411")
    );
    let sent = &script.requests(&format!("/v2/payments/captures/{CAPTURE}/refund"))[0];
    assert_eq!(sent.headers["paypal-request-id"], "RF_abc");
    let v: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(v["amount"]["value"], "16.00");
    assert_eq!(v["note_to_payer"], "Kopie nicht ausgestellt");

    let script = Script::new(|r, _| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        _ => json(
            201,
            r#"{"id":"1JU08902781691411","status":"PENDING","amount":{"currency_code":"EUR","value":"16.00"}}"#,
        ),
    });
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert_eq!(pp.refund(&h, eur(1600), "", &key).await.unwrap(), vec![]);
}

// ---------------------------------------------------------------- webhooks

struct Signer {
    key: aws_lc_rs::rsa::KeyPair,
    pem: String,
}

fn signer() -> Signer {
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["messageverificationcerts.paypal.com".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    Signer {
        key: aws_lc_rs::rsa::KeyPair::from_pkcs8(&key.serialize_der()).unwrap(),
        pem: cert.pem(),
    }
}

impl Signer {
    fn sign(&self, message: &str) -> String {
        use base64::Engine as _;
        let mut sig = vec![0; self.key.public_modulus_len()];
        self.key
            .sign(
                &aws_lc_rs::signature::RSA_PKCS1_SHA256,
                &aws_lc_rs::rand::SystemRandom::new(),
                message.as_bytes(),
                &mut sig,
            )
            .unwrap();
        base64::engine::general_purpose::STANDARD.encode(sig)
    }

    fn headers(
        &self,
        id: &str,
        time: &str,
        webhook_id: &str,
        cert_url: &str,
        body: &[u8],
    ) -> HeaderMap {
        let message = vamt_payments::provider::paypal::signed_message(id, time, webhook_id, body);
        let mut h = HeaderMap::new();
        h.insert("paypal-transmission-id", HeaderValue::from_str(id).unwrap());
        h.insert(
            "paypal-transmission-time",
            HeaderValue::from_str(time).unwrap(),
        );
        h.insert(
            "paypal-transmission-sig",
            HeaderValue::from_str(&self.sign(&message)).unwrap(),
        );
        h.insert("paypal-cert-url", HeaderValue::from_str(cert_url).unwrap());
        h.insert(
            "paypal-auth-algo",
            HeaderValue::from_static("SHA256withRSA"),
        );
        h
    }
}

fn capture_event() -> Vec<u8> {
    format!(
        r#"{{"id":"WH-9UG43882HX7271132-6E0871324L7949614","create_time":"2026-12-07T14:05:41Z","resource_type":"capture","event_version":"1.0","event_type":"PAYMENT.CAPTURE.COMPLETED","summary":"Payment completed","resource_version":"2.0",
        "resource":{{"id":"{CAPTURE}","status":"COMPLETED","amount":{{"currency_code":"EUR","value":"29.00"}},"custom_id":"PY_test1","final_capture":true,"create_time":"2026-12-07T14:05:40Z","update_time":"2026-12-07T14:05:40Z",
        "supplementary_data":{{"related_ids":{{"order_id":"{ORDER}"}}}},
        "links":[{{"href":"{PP}/v2/payments/captures/{CAPTURE}","rel":"self","method":"GET"}},{{"href":"{PP}/v2/checkout/orders/{ORDER}","rel":"up","method":"GET"}}]}},
        "links":[]}}"#
    )
    .into_bytes()
}

fn cert_server(pem: String) -> Arc<Script> {
    Script::new(move |r, _| {
        if r.url == CERT_URL {
            answer(200, "application/x-pem-file", &pem)
        } else {
            json(404, "{}")
        }
    })
}

#[test]
fn the_signed_message_uses_crc32_of_the_body_in_decimal() {
    assert_eq!(
        vamt_payments::provider::paypal::signed_message(
            "t-1",
            "2026-12-07T14:05:41Z",
            "WHID",
            b"{\"id\":\"WH-1\"}"
        ),
        format!(
            "t-1|2026-12-07T14:05:41Z|WHID|{}",
            crc32fast::hash(b"{\"id\":\"WH-1\"}")
        )
    );
}

#[tokio::test]
async fn a_signed_webhook_verifies_and_each_forgery_is_rejected() {
    let signer = signer();
    let script = cert_server(signer.pem.clone());
    let pp = PayPal::new(&pp_config(), script.clone()).unwrap();
    let body = capture_event();
    let time = "2026-12-07T14:05:41Z";
    let id = "69cd13f0-d67a-11e5-baa3-778b53f4ae55";
    let headers = signer.headers(id, time, WEBHOOK_ID, CERT_URL, &body);

    let verified = pp
        .verify(&Inbound {
            headers: &headers,
            body: &body,
        })
        .await
        .unwrap();
    assert_eq!(verified.payment, Some(PaymentId::new("PY_test1").unwrap()));
    assert_eq!(
        verified.provider_ref,
        Some(ProviderRef::new(ORDER).unwrap())
    );
    assert_eq!(
        verified.capture_ref,
        Some(ProviderRef::new(CAPTURE).unwrap())
    );
    assert_eq!(verified.event_type, "PAYMENT.CAPTURE.COMPLETED");
    assert_eq!(
        verified.envelope_id,
        "WH-9UG43882HX7271132-6E0871324L7949614"
    );
    assert_eq!(verified.transmission_id, id);
    assert_eq!(verified.notifications.len(), 1);
    // The same fact as the capture's answer: the same event ID.
    assert_eq!(
        verified.notifications[0].id.as_str(),
        format!("pp:capture:{CAPTURE}:COMPLETED")
    );

    // Replayed byte for byte: verifies again (the duplicate is apply's business), and the
    // certificate comes from the cache.
    let again = pp
        .verify(&Inbound {
            headers: &headers,
            body: &body,
        })
        .await
        .unwrap();
    assert_eq!(again, verified);
    assert_eq!(script.log.lock().unwrap().len(), 1);

    // Body changed after signing.
    let forged = String::from_utf8(body.clone())
        .unwrap()
        .replace(r#""value":"29.00""#, r#""value":"0.29""#)
        .into_bytes();
    assert_eq!(
        pp.verify(&Inbound {
            headers: &headers,
            body: &forged
        })
        .await,
        Err(Rejected::Signature)
    );

    // Random signature.
    let mut bad = headers.clone();
    bad.insert(
        "paypal-transmission-sig",
        HeaderValue::from_static("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    );
    assert_eq!(
        pp.verify(&Inbound {
            headers: &bad,
            body: &body
        })
        .await,
        Err(Rejected::Signature)
    );

    // Signed for another webhook.
    let other = signer.headers(id, time, "OTHERWEBHOOK", CERT_URL, &body);
    assert_eq!(
        pp.verify(&Inbound {
            headers: &other,
            body: &body
        })
        .await,
        Err(Rejected::Signature)
    );

    // Signed by another key, pointing to its own certificate.
    for url in [
        "https://evil.example/v1/notifications/certs/CERT-1",
        "http://api.sandbox.paypal.com/v1/notifications/certs/CERT-1",
        "https://api.sandbox.paypal.com/somewhere/else",
        "https://api.sandbox.paypal.com.evil.example/v1/notifications/certs/CERT-1",
    ] {
        let h = signer.headers(id, time, WEBHOOK_ID, url, &body);
        assert_eq!(
            pp.verify(&Inbound {
                headers: &h,
                body: &body
            })
            .await,
            Err(Rejected::CertUrl),
            "{url}"
        );
    }

    // Each header missing; an unknown algorithm.
    for name in [
        "paypal-transmission-id",
        "paypal-transmission-time",
        "paypal-transmission-sig",
        "paypal-cert-url",
        "paypal-auth-algo",
    ] {
        let mut h = headers.clone();
        h.remove(name);
        assert_eq!(
            pp.verify(&Inbound {
                headers: &h,
                body: &body
            })
            .await,
            Err(Rejected::Headers),
            "{name}"
        );
    }
    let mut h = headers.clone();
    h.insert("paypal-auth-algo", HeaderValue::from_static("SHA1withRSA"));
    assert_eq!(
        pp.verify(&Inbound {
            headers: &h,
            body: &body
        })
        .await,
        Err(Rejected::Headers)
    );

    // Signed, but not JSON.
    let junk = b"not json".to_vec();
    let h = signer.headers(id, time, WEBHOOK_ID, CERT_URL, &junk);
    assert!(matches!(
        pp.verify(&Inbound {
            headers: &h,
            body: &junk
        })
        .await,
        Err(Rejected::Malformed(_))
    ));
}

#[tokio::test]
async fn a_webhook_whose_certificate_is_unreachable_is_for_later() {
    let signer = signer();
    let script = Script::new(|_, _| Err(HttpError::Connect("refused".into())));
    let pp = PayPal::new(&pp_config(), script).unwrap();
    let body = capture_event();
    let headers = signer.headers("t-1", "2026-12-07T14:05:41Z", WEBHOOK_ID, CERT_URL, &body);
    assert!(matches!(
        pp.verify(&Inbound {
            headers: &headers,
            body: &body
        })
        .await,
        Err(Rejected::Unavailable(_))
    ));

    let script = Script::new(|_, _| answer(200, "text/plain", "no certificate"));
    let pp = PayPal::new(&pp_config(), script).unwrap();
    assert_eq!(
        pp.verify(&Inbound {
            headers: &headers,
            body: &body
        })
        .await,
        Err(Rejected::Certificate)
    );
}

#[tokio::test]
async fn webhook_events_map_to_the_core() {
    let signer = signer();
    let pp = PayPal::new(&pp_config(), cert_server(signer.pem.clone())).unwrap();
    let verify = |body: String| {
        let headers = signer.headers(
            "t-2",
            "2026-12-07T15:00:00Z",
            WEBHOOK_ID,
            CERT_URL,
            body.as_bytes(),
        );
        let pp = &pp;
        async move {
            pp.verify(&Inbound {
                headers: &headers,
                body: body.as_bytes(),
            })
            .await
            .unwrap()
        }
    };
    let refunded = verify(format!(
        r#"{{"id":"WH-2","event_type":"PAYMENT.CAPTURE.REFUNDED","create_time":"2026-12-07T15:00:01Z","resource":{{"id":"1JU08902781691411","status":"COMPLETED","amount":{{"currency_code":"EUR","value":"16.00"}},"custom_id":"PY_test1","create_time":"2026-12-07T15:00:00Z","links":[{{"href":"{PP}/v2/payments/captures/{CAPTURE}","rel":"up","method":"GET"}}]}}}}"#
    ))
    .await;
    assert_eq!(
        refunded.capture_ref,
        Some(ProviderRef::new(CAPTURE).unwrap())
    );
    assert_eq!(
        refunded.notifications[0].id.as_str(),
        "pp:refund:1JU08902781691411:COMPLETED"
    );
    assert!(
        matches!(&refunded.notifications[0].event, Event::Refunded { amount, .. } if *amount == eur(1600))
    );

    let approved = verify(format!(
        r#"{{"id":"WH-3","event_type":"CHECKOUT.ORDER.APPROVED","resource":{{"id":"{ORDER}","status":"APPROVED","purchase_units":[{{"custom_id":"PY_test1"}}]}}}}"#
    ))
    .await;
    assert!(approved.capture_wanted);
    assert!(approved.notifications.is_empty());
    assert_eq!(approved.payment, Some(PaymentId::new("PY_test1").unwrap()));
    assert_eq!(
        approved.provider_ref,
        Some(ProviderRef::new(ORDER).unwrap())
    );

    let denied = verify(format!(
        r#"{{"id":"WH-4","event_type":"PAYMENT.CAPTURE.DENIED","resource":{{"id":"{CAPTURE}","status":"DECLINED","amount":{{"currency_code":"EUR","value":"29.00"}},"update_time":"2026-12-07T14:05:40Z","supplementary_data":{{"related_ids":{{"order_id":"{ORDER}"}}}}}}}}"#
    ))
    .await;
    assert_eq!(
        denied.notifications[0].id.as_str(),
        format!("pp:capture:{CAPTURE}:DECLINED")
    );

    let reversed = verify(format!(
        r#"{{"id":"WH-5","event_type":"CHECKOUT.PAYMENT-APPROVAL.REVERSED","create_time":"2026-12-07T15:00:00Z","resource":{{"order_id":"{ORDER}"}}}}"#
    ))
    .await;
    assert_eq!(
        reversed.notifications[0].id.as_str(),
        format!("pp:order:{ORDER}:approval-reversed")
    );
    assert_eq!(
        reversed.notifications[0].event,
        Event::Failed {
            reason: FailReason::ProviderError
        }
    );

    let pending = verify(format!(
        r#"{{"id":"WH-6","event_type":"PAYMENT.CAPTURE.PENDING","resource":{{"id":"{CAPTURE}","status":"PENDING","amount":{{"currency_code":"EUR","value":"29.00"}}}}}}"#
    ))
    .await;
    assert!(pending.notifications.is_empty());

    let other =
        verify(r#"{"id":"WH-7","event_type":"BILLING.PLAN.CREATED","resource":{}}"#.to_owned())
            .await;
    assert!(other.notifications.is_empty());
    assert!(!other.capture_wanted);
}

#[tokio::test]
async fn the_verify_api_is_asked_when_configured() {
    let script = Script::new(|r, n| match path_of(&r.url).as_str() {
        "/v1/oauth2/token" => json(200, PP_TOKEN),
        "/v1/notifications/verify-webhook-signature" if n == 0 => {
            json(200, r#"{"verification_status":"SUCCESS"}"#)
        }
        _ => json(200, r#"{"verification_status":"FAILURE"}"#),
    });
    let mut config = pp_config();
    config.verification = Verification::Api;
    let pp = PayPal::new(&config, script.clone()).unwrap();
    let signer = signer();
    let body = capture_event();
    let headers = signer.headers("t-1", "2026-12-07T14:05:41Z", WEBHOOK_ID, CERT_URL, &body);
    pp.verify(&Inbound {
        headers: &headers,
        body: &body,
    })
    .await
    .unwrap();
    assert_eq!(
        pp.verify(&Inbound {
            headers: &headers,
            body: &body
        })
        .await,
        Err(Rejected::Signature)
    );
    let sent = &script.requests("/v1/notifications/verify-webhook-signature")[0];
    let v: serde_json::Value = serde_json::from_slice(&sent.body).unwrap();
    assert_eq!(v["webhook_id"], WEBHOOK_ID);
    assert_eq!(
        v["webhook_event"]["id"],
        "WH-9UG43882HX7271132-6E0871324L7949614"
    );
    assert_eq!(v["transmission_id"], "t-1");
}

#[test]
fn paypal_configuration_defaults_and_checks() {
    let c = pp_config();
    assert_eq!(c.verification, Verification::Local);
    assert_eq!(c.cert_hosts.len(), 4);
    let d: PayPalConfig =
        serde_json::from_str(r#"{"client_id":"c","client_secret":"s","webhook_id":"w"}"#).unwrap();
    assert_eq!(d.base_url, "https://api-m.paypal.com");
    assert!(serde_json::from_str::<PayPalConfig>(
        r#"{"client_id":"c","webhook_id":"w","bogus":1}"#
    )
    .is_err());
    let script = Script::new(|_, _| json(500, "{}"));
    let mut c = pp_config();
    c.webhook_id = String::new();
    assert!(PayPal::new(&c, script.clone()).is_err());
    let mut c = pp_config();
    c.client_secret = None;
    assert!(PayPal::new(&c, script).is_err());
    assert!(!format!("{:?}", pp_config()).contains("pp-secret"));
}
