//! The PayPal adapter against the simulator (`vamt-paysim`, docs/payments.md §5.3), over
//! the real HTTP client on loopback: order, approval on the pay page, capture, refunds, a
//! declined and a cancelled payment, idempotent retries, and webhooks: the signed one
//! verifies (again when replayed), each forgery is rejected for its reason.

mod common;
use common::{eur, Ask, Browser};
use std::sync::Arc;
use std::time::Duration;

use http::header::{HeaderName, HeaderValue};
use http::HeaderMap;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;
use vamt_payments::provider::{
    Handle, HyperClient, Inbound, PayPal, PayPalConfig, Provider, ProviderError, RefundKey,
    Rejected, Secret, Verification,
};
use vamt_payments::{Event, FailReason, ProviderRef};

const WEBHOOK_ID: &str = "8PT597110X687430LKGECATA";

async fn sim(webhook_url: Option<String>) -> vamt_paysim::Sim {
    vamt_paysim::paypal(vamt_paysim::PayPalConfig {
        client_id: "vamt-pp-client".into(),
        client_secret: "vamt-pp-secret".into(),
        webhook_id: WEBHOOK_ID.into(),
        webhook_url,
    })
    .await
    .expect("simulator starts")
}

fn config(url: &str) -> PayPalConfig {
    PayPalConfig {
        enabled: true,
        base_url: url.to_owned(),
        client_id: "vamt-pp-client".into(),
        client_secret: Some(Secret::new("vamt-pp-secret")),
        client_secret_file: None,
        webhook_id: WEBHOOK_ID.into(),
        verification: Verification::Local,
        cert_hosts: vec!["127.0.0.1".into()],
        brand_name: "Stadt Test".into(),
        soft_descriptor: String::new(),
        allow_http: true,
        request_timeout_seconds: 5,
    }
}

fn paypal(url: &str) -> PayPal {
    PayPal::new(&config(url), Arc::new(HyperClient::new(true).unwrap())).unwrap()
}

fn paid_capture(notes: &[vamt_payments::Notification]) -> String {
    let paid: Vec<_> = notes
        .iter()
        .filter_map(|n| match &n.event {
            Event::Paid {
                amount,
                provider_ref,
            } => Some((n, *amount, provider_ref.as_str().to_owned())),
            _ => None,
        })
        .collect();
    assert_eq!(paid.len(), 1, "{notes:?}");
    let (note, amount, capture) = &paid[0];
    assert_eq!(*amount, eur(2900));
    assert_eq!(note.id.as_str(), format!("pp:capture:{capture}:COMPLETED"));
    assert!(note.seq > 0);
    capture.clone()
}

#[tokio::test]
async fn approve_capture_and_refund() {
    let sim = sim(None).await;
    let pp = paypal(sim.url());
    let browser = Browser::new();
    let ask = Ask::new();
    let created = pp.create(&ask.request()).await.unwrap();
    let order = created.handle.provider_ref.as_str().to_owned();
    assert_eq!(
        created.started.id.as_str(),
        format!("pp:order:{order}:created")
    );
    assert!(created.redirect.as_str().starts_with(sim.url()));

    // Not approved yet: nothing to say, nothing to capture.
    assert_eq!(pp.status(&created.handle).await.unwrap(), vec![]);
    assert_eq!(pp.capture(&created.handle).await.unwrap(), vec![]);

    let back = browser.press(created.redirect.as_str(), "pay").await;
    if back.status == 303 {
        let location = back.headers["location"].to_str().unwrap();
        assert!(location.starts_with("https://termine.example.test/pay/return/PY_x?k=abc&"));
        assert!(location.contains(&format!("token={order}")));
    }
    let notes = pp.capture(&created.handle).await.unwrap();
    let capture = paid_capture(&notes);

    // Capturing again (a second tab, the webhook) or asking: the same fact, the same ID.
    assert_eq!(pp.capture(&created.handle).await.unwrap(), notes);
    assert_eq!(pp.status(&created.handle).await.unwrap(), notes);

    // Refunds: 16.00, then the rest, then one too many.
    let handle = Handle {
        provider_ref: created.handle.provider_ref.clone(),
        capture_ref: Some(ProviderRef::new(&capture).unwrap()),
    };
    let key = RefundKey::generate();
    let first = pp
        .refund(&handle, eur(1600), "Kopie entfällt", &key)
        .await
        .unwrap();
    let refund_id = match &first[..] {
        [n] => match &n.event {
            Event::Refunded { amount, refund_id } => {
                assert_eq!(*amount, eur(1600));
                assert_eq!(n.id.as_str(), format!("pp:refund:{refund_id}:COMPLETED"));
                refund_id.clone()
            }
            other => panic!("{other:?}"),
        },
        other => panic!("{other:?}"),
    };
    // The same key again: PayPal answers the first refund, not a second one.
    let again = pp
        .refund(&handle, eur(1600), "Kopie entfällt", &key)
        .await
        .unwrap();
    assert_eq!(again, first);
    // Without the capture in the handle, the adapter finds it in the order.
    let rest = pp
        .refund(
            &created.handle,
            eur(1300),
            "Termin entfällt",
            &RefundKey::generate(),
        )
        .await
        .unwrap();
    assert!(
        matches!(&rest[0].event, Event::Refunded { amount, refund_id: r }
        if *amount == eur(1300) && *r != refund_id)
    );
    match pp
        .refund(&handle, eur(100), "zu viel", &RefundKey::generate())
        .await
    {
        Err(ProviderError::Refused {
            status: 422, code, ..
        }) => {
            // PayPal names a refund of a capture refunded in full so; one beyond the rest
            // of a partly refunded capture REFUND_AMOUNT_EXCEEDED.
            assert!(
                code == "CAPTURE_FULLY_REFUNDED" || code == "REFUND_AMOUNT_EXCEEDED",
                "{code}"
            )
        }
        other => panic!("{other:?}"),
    }

    // What PayPal got: the attempt as PayPal-Request-Id of the order, amounts as strings.
    let requests = browser.requests(sim.url()).await;
    let create = requests
        .iter()
        .find(|r| r["method"] == "POST" && r["path"] == "/v2/checkout/orders")
        .unwrap();
    let id = create["headers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| {
            h[0].as_str()
                .unwrap()
                .eq_ignore_ascii_case("paypal-request-id")
        })
        .unwrap();
    assert_eq!(id[1], ask.attempt.as_str());
}

#[tokio::test]
async fn cancelled_and_declined() {
    let sim = sim(None).await;
    let pp = paypal(sim.url());
    let browser = Browser::new();

    let created = pp.create(&Ask::new().request()).await.unwrap();
    browser.press(created.redirect.as_str(), "cancel").await;
    let order = created.handle.provider_ref.as_str();
    let notes = pp.cancelled(&created.handle).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].id.as_str(), format!("pp:order:{order}:cancelled"));
    assert_eq!(notes[0].event, Event::Cancelled);

    let created = pp.create(&Ask::new().request()).await.unwrap();
    browser.press(created.redirect.as_str(), "fail").await;
    let notes = pp.capture(&created.handle).await.unwrap();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(
        notes[0].event,
        Event::Failed {
            reason: FailReason::Declined
        }
    );
    // An approved order is not cancelled by an old tab's cancel link.
    let created = pp.create(&Ask::new().request()).await.unwrap();
    browser.press(created.redirect.as_str(), "pay").await;
    let notes = pp.cancelled(&created.handle).await.unwrap();
    assert!(
        notes.iter().all(|n| n.event != Event::Cancelled),
        "{notes:?}"
    );
}

#[tokio::test]
async fn retries_keep_the_request_id_and_down_is_unavailable() {
    let sim = sim(None).await;
    let pp = paypal(sim.url());
    let browser = Browser::new();

    // The same attempt twice: one order.
    let ask = Ask::new();
    let first = pp.create(&ask.request()).await.unwrap();
    let second = pp.create(&ask.request()).await.unwrap();
    assert_eq!(first.handle, second.handle);

    // Down: Unavailable.
    browser
        .control(&format!("{}/_sim/mode", sim.url()), r#"{"mode":"down"}"#)
        .await;
    assert!(matches!(
        pp.create(&Ask::new().request()).await,
        Err(ProviderError::Unavailable(_))
    ));
    browser
        .control(
            &format!("{}/_sim/mode", sim.url()),
            r#"{"mode":"error503"}"#,
        )
        .await;
    assert!(matches!(
        pp.status(&first.handle).await,
        Err(ProviderError::Unavailable(_))
    ));

    // Down for a second, then back: the create's retries ride over it with one key.
    browser
        .control(
            &format!("{}/_sim/mode", sim.url()),
            r#"{"mode":"down_then_back","seconds":1}"#,
        )
        .await;
    let ask = Ask::new();
    let created = pp.create(&ask.request()).await.unwrap();
    let requests = browser.requests(sim.url()).await;
    let creates: Vec<_> = requests
        .iter()
        .filter(|r| r["method"] == "POST" && r["path"] == "/v2/checkout/orders")
        .filter(|r| {
            r["headers"].as_array().unwrap().iter().any(|h| {
                h[0].as_str()
                    .unwrap()
                    .eq_ignore_ascii_case("paypal-request-id")
                    && h[1] == ask.attempt.as_str()
            })
        })
        .collect();
    assert!(!creates.is_empty());
    // Back to normal: the order is there and only one.
    assert_eq!(pp.status(&created.handle).await.unwrap(), vec![]);
    let again = pp.create(&ask.request()).await.unwrap();
    assert_eq!(again.handle, created.handle);
}

/// A webhook receiver: every delivery's headers and raw body, answered 200.
async fn receiver() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Vec<u8>)>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!(
        "http://{}/pay/webhook/paypal",
        listener.local_addr().unwrap()
    );
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let tx = tx.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 8192];
                let head_end = loop {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        return;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                    if let Some(p) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        break p + 4;
                    }
                };
                let head = String::from_utf8_lossy(&buf[..head_end]).to_string();
                let mut headers = HeaderMap::new();
                let mut len = 0usize;
                for line in head.split("\r\n").skip(1) {
                    if let Some((k, v)) = line.split_once(':') {
                        let (k, v) = (k.trim(), v.trim());
                        if k.eq_ignore_ascii_case("content-length") {
                            len = v.parse().unwrap_or(0);
                        }
                        if let (Ok(n), Ok(v)) = (
                            HeaderName::from_bytes(k.as_bytes()),
                            HeaderValue::from_str(v),
                        ) {
                            headers.append(n, v);
                        }
                    }
                }
                while buf.len() < head_end + len {
                    let n = sock.read(&mut chunk).await.unwrap_or(0);
                    if n == 0 {
                        break;
                    }
                    buf.extend_from_slice(&chunk[..n]);
                }
                let end = (head_end + len).min(buf.len());
                let body = buf[head_end..end].to_vec();
                let _ = sock
                    .write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 0\r\nconnection: close\r\n\r\n")
                    .await;
                let _ = tx.send((headers, body));
            });
        }
    });
    (url, rx)
}

async fn next(rx: &mut mpsc::UnboundedReceiver<(HeaderMap, Vec<u8>)>) -> (HeaderMap, Vec<u8>) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery within 10 s")
        .expect("receiver running")
}

#[tokio::test]
async fn webhooks_verify_and_forgeries_are_rejected() {
    let (url, mut rx) = receiver().await;
    let sim = sim(Some(url)).await;
    let pp = paypal(sim.url());
    let browser = Browser::new();
    let ask = Ask::new();
    let created = pp.create(&ask.request()).await.unwrap();
    browser.press(created.redirect.as_str(), "pay").await;
    let captured = pp.capture(&created.handle).await.unwrap();
    let capture = paid_capture(&captured);

    // The capture's webhook: verified, the same fact as the capture's answer.
    let (headers, body) = loop {
        let (h, b) = next(&mut rx).await;
        if String::from_utf8_lossy(&b).contains("PAYMENT.CAPTURE.COMPLETED") {
            break (h, b);
        }
    };
    let verified = pp
        .verify(&Inbound {
            headers: &headers,
            body: &body,
        })
        .await
        .unwrap();
    assert_eq!(verified.event_type, "PAYMENT.CAPTURE.COMPLETED");
    assert_eq!(verified.payment.as_ref(), Some(&ask.payment));
    assert_eq!(
        verified.provider_ref.as_ref(),
        Some(&created.handle.provider_ref)
    );
    assert_eq!(
        verified.capture_ref,
        Some(ProviderRef::new(&capture).unwrap())
    );
    assert_eq!(verified.notifications, captured);

    let tamper = |kind: &'static str, body: &'static str| {
        let browser = &browser;
        let url = format!("{}/_sim/webhooks/{kind}", sim.url());
        async move { browser.control(&url, body).await }
    };

    // Replayed byte for byte, and redelivered as a new transmission: both verify.
    for kind in ["replay", "redeliver"] {
        tamper(kind, "{}").await;
        let (h, b) = next(&mut rx).await;
        let again = pp
            .verify(&Inbound {
                headers: &h,
                body: &b,
            })
            .await
            .unwrap();
        assert_eq!(again.notifications, captured, "{kind}");
    }

    // Each forgery, with its reason.
    for (kind, body, reason) in [
        ("forge_body", r#"{"value":"0.01"}"#, Rejected::Signature),
        ("forge_signature", "{}", Rejected::Signature),
        ("forge_cert_url", "{}", Rejected::CertUrl),
        (
            "forge_webhook_id",
            r#"{"webhook_id":"OTHERWEBHOOKID"}"#,
            Rejected::Signature,
        ),
        ("missing_headers", "{}", Rejected::Headers),
    ] {
        tamper(kind, body).await;
        let (h, b) = next(&mut rx).await;
        assert_eq!(
            pp.verify(&Inbound {
                headers: &h,
                body: &b,
            })
            .await,
            Err(reason),
            "{kind}"
        );
    }

    // A correctly signed event about an order vamt never created verifies: that it is
    // unknown is for the caller to find out.
    tamper("unknown_order", "{}").await;
    let (h, b) = next(&mut rx).await;
    let unknown = pp
        .verify(&Inbound {
            headers: &h,
            body: &b,
        })
        .await
        .unwrap();
    assert_ne!(
        unknown.provider_ref.as_ref(),
        Some(&created.handle.provider_ref)
    );

    // The verify API says the same.
    let mut api = config(sim.url());
    api.verification = Verification::Api;
    let pp_api = PayPal::new(&api, Arc::new(HyperClient::new(true).unwrap())).unwrap();
    pp_api
        .verify(&Inbound {
            headers: &headers,
            body: &body,
        })
        .await
        .unwrap();
    tamper("forge_signature", "{}").await;
    let (h, b) = next(&mut rx).await;
    assert_eq!(
        pp_api
            .verify(&Inbound {
                headers: &h,
                body: &b,
            })
            .await,
        Err(Rejected::Signature)
    );
}
