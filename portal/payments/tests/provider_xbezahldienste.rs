//! The XBezahldienste adapter against the simulator (`vamt-paysim`, docs/payments.md §5.2),
//! over the real HTTP client on loopback: create, the citizen on the pay page (its form
//! POSTed as a browser would), the status query, problem+json refusals, a platform down and
//! back.

mod common;
use common::{eur, Ask, Browser};
use std::sync::Arc;
use std::time::Duration;

use vamt_payments::provider::{
    HyperClient, Provider, ProviderError, Secret, XBezahldienste, XbdAuth, XbdConfig,
};
use vamt_payments::{Event, FailReason};

const ORIGINATOR: &str = "stadt-test";
const ENDPOINT: &str = "09162000";

async fn sim() -> vamt_paysim::Sim {
    vamt_paysim::xbezahldienste(vamt_paysim::XbdConfig {
        originator_id: ORIGINATOR.into(),
        endpoint_id: ENDPOINT.into(),
        client_id: "vamt-client".into(),
        client_secret: "vamt-secret".into(),
    })
    .await
    .expect("simulator starts")
}

fn config(url: &str) -> XbdConfig {
    XbdConfig {
        enabled: true,
        base_url: url.to_owned(),
        originator_id: ORIGINATOR.into(),
        endpoint_id: ENDPOINT.into(),
        auth: XbdAuth::Oauth2,
        token_url: Some(format!("{url}/auth/token")),
        client_id: Some("vamt-client".into()),
        client_secret: Some(Secret::new("vamt-secret")),
        client_secret_file: None,
        client_cert_file: None,
        client_key_file: None,
        client_cert_password: None,
        client_cert_password_file: None,
        ca_file: None,
        send_requestor: false,
        purpose_prefix: "Gebuehr".into(),
        allow_http: true,
        request_timeout_seconds: 5,
        booking_data: Default::default(),
    }
}

#[tokio::test]
async fn paid_on_the_pay_page_is_paid_with_the_platforms_amount() {
    let sim = sim().await;
    let xbd = XBezahldienste::new(
        &config(sim.url()),
        Arc::new(HyperClient::new(true).unwrap()),
    )
    .unwrap();
    let browser = Browser::new();
    let ask = Ask::new();
    let created = xbd.create(&ask.request()).await.unwrap();
    let tx = created.handle.provider_ref.as_str().to_owned();
    assert_eq!(created.started.id.as_str(), format!("xbd:{tx}:INITIAL"));
    assert!(created.redirect.as_str().starts_with(sim.url()));

    // Still open before the citizen pays.
    assert_eq!(xbd.status(&created.handle).await.unwrap(), vec![]);

    let back = browser.press(created.redirect.as_str(), "pay").await;
    if back.status == 303 {
        assert_eq!(
            back.headers["location"],
            "https://termine.example.test/pay/return/PY_x?k=abc"
        );
    }
    let notes = xbd.status(&created.handle).await.unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0].id.as_str(), format!("xbd:{tx}:PAYED"));
    assert!(notes[0].seq > 0, "the transaction's timestamp");
    match &notes[0].event {
        Event::Paid {
            amount,
            provider_ref,
        } => {
            assert_eq!(*amount, eur(2900));
            assert!(
                provider_ref.as_str().starts_with("SIM-KZ-"),
                "{provider_ref}"
            );
        }
        other => panic!("{other:?}"),
    }
    // Asking again says the same thing with the same ID: a duplicate for the core.
    assert_eq!(xbd.status(&created.handle).await.unwrap(), notes);

    // What reached the platform: the token by client credentials, the create with the
    // attempt as requestId and the amount as the number token 29.00.
    let requests = browser.requests(sim.url()).await;
    let create = requests
        .iter()
        .find(|r| {
            r["method"] == "POST"
                && r["path"]
                    .as_str()
                    .unwrap()
                    .starts_with("/paymenttransaction/")
        })
        .unwrap();
    let body = create["body"].as_str().unwrap();
    assert!(body.contains("\"grosAmount\":29.00"), "{body}");
    assert!(body.contains(ask.attempt.as_str()));
}

#[tokio::test]
async fn cancel_and_fail_on_the_pay_page() {
    let sim = sim().await;
    let xbd = XBezahldienste::new(
        &config(sim.url()),
        Arc::new(HyperClient::new(true).unwrap()),
    )
    .unwrap();
    let browser = Browser::new();
    for (button, word) in [("cancel", "CANCELED"), ("fail", "FAILED")] {
        let ask = Ask::new();
        let created = xbd.create(&ask.request()).await.unwrap();
        browser.press(created.redirect.as_str(), button).await;
        let notes = xbd.status(&created.handle).await.unwrap();
        let tx = created.handle.provider_ref.as_str();
        assert_eq!(notes[0].id.as_str(), format!("xbd:{tx}:{word}"));
        match word {
            "CANCELED" => assert_eq!(notes[0].event, Event::Cancelled),
            _ => assert_eq!(
                notes[0].event,
                Event::Failed {
                    reason: FailReason::Declined
                }
            ),
        }
    }
}

#[tokio::test]
async fn refusals_are_classified_with_the_functional_code() {
    let sim = sim().await;
    let browser = Browser::new();
    let xbd = XBezahldienste::new(
        &config(sim.url()),
        Arc::new(HyperClient::new(true).unwrap()),
    )
    .unwrap();

    // The platform miscomputes: CALCULATION_ERROR.
    browser
        .control(&format!("{}/_sim/miscompute", sim.url()), r#"{"on":true}"#)
        .await;
    match xbd.create(&Ask::new().request()).await {
        Err(ProviderError::Refused { code, .. }) => assert_eq!(code, "CALCULATION_ERROR"),
        other => panic!("{other:?}"),
    }
    browser
        .control(&format!("{}/_sim/miscompute", sim.url()), r#"{"on":false}"#)
        .await;

    // The same attempt twice: the platform has it already.
    let ask = Ask::new();
    xbd.create(&ask.request()).await.unwrap();
    match xbd.create(&ask.request()).await {
        Err(ProviderError::Refused { code, .. }) => assert_eq!(code, "PAYMENT_EXISTS"),
        other => panic!("{other:?}"),
    }

    // Another tenant: the platform does not know it.
    let mut other = config(sim.url());
    other.endpoint_id = "00000000".into();
    let xbd_other = XBezahldienste::new(&other, Arc::new(HyperClient::new(true).unwrap())).unwrap();
    match xbd_other.create(&Ask::new().request()).await {
        Err(ProviderError::Refused { code, .. }) => {
            assert_eq!(code, "NO_VALID_ORIGINATOR_OR_ENDPOINT")
        }
        other => panic!("{other:?}"),
    }

    // Wrong credentials.
    let mut wrong = config(sim.url());
    wrong.client_secret = Some(Secret::new("wrong"));
    let xbd_wrong = XBezahldienste::new(&wrong, Arc::new(HyperClient::new(true).unwrap())).unwrap();
    assert!(matches!(
        xbd_wrong.create(&Ask::new().request()).await,
        Err(ProviderError::Refused { status: 401, .. })
    ));
}

#[tokio::test]
async fn a_platform_down_is_unavailable_then_back() {
    let sim = sim().await;
    let browser = Browser::new();
    let xbd = XBezahldienste::new(
        &config(sim.url()),
        Arc::new(HyperClient::new(true).unwrap()),
    )
    .unwrap();
    let ask = Ask::new();
    let created = xbd.create(&ask.request()).await.unwrap();

    browser
        .control(&format!("{}/_sim/mode", sim.url()), r#"{"mode":"down"}"#)
        .await;
    assert!(matches!(
        xbd.status(&created.handle).await,
        Err(ProviderError::Unavailable(_))
    ));
    assert!(matches!(
        xbd.create(&Ask::new().request()).await,
        Err(ProviderError::Unavailable(_))
    ));
    browser
        .control(
            &format!("{}/_sim/mode", sim.url()),
            r#"{"mode":"error503"}"#,
        )
        .await;
    assert!(matches!(
        xbd.status(&created.handle).await,
        Err(ProviderError::Unavailable(_))
    ));
    // The pay page answers while the API is down.
    browser.press(created.redirect.as_str(), "pay").await;
    browser
        .control(&format!("{}/_sim/mode", sim.url()), r#"{"mode":"normal"}"#)
        .await;
    let notes = xbd.status(&created.handle).await.unwrap();
    assert!(matches!(notes[0].event, Event::Paid { .. }));

    // Down for a second: the status query rides over it with its retries.
    browser
        .control(
            &format!("{}/_sim/mode", sim.url()),
            r#"{"mode":"down_then_back","seconds":1}"#,
        )
        .await;
    assert_eq!(xbd.status(&created.handle).await.unwrap(), notes);

    // Tokens that run out are renewed.
    browser
        .control(&format!("{}/_sim/token_ttl", sim.url()), r#"{"seconds":1}"#)
        .await;
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(xbd.status(&created.handle).await.unwrap(), notes);
}
