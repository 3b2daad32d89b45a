//! The XBezahldienste simulator over real HTTP (docs/payments.md §3.1, §5.2).

mod common;

use common::{get, post_form, post_json, send, TestResult};
use serde_json::{json, Value};
use vamt_paysim::{xbezahldienste, Sim, XbdConfig};

const ORIGINATOR: &str = "stadt-musterstadt-termine";
const ENDPOINT: &str = "09162000";
const SECRET: &str = "s3cret-xbd";

async fn sim() -> std::io::Result<Sim> {
    xbezahldienste(XbdConfig {
        originator_id: ORIGINATOR.into(),
        endpoint_id: ENDPOINT.into(),
        client_id: "vamt".into(),
        client_secret: SECRET.into(),
    })
    .await
}

async fn token(base: &str) -> Result<String, Box<dyn std::error::Error>> {
    let r = post_form(
        &format!("{base}/auth/token"),
        &[],
        &format!("grant_type=client_credentials&client_id=vamt&client_secret={SECRET}"),
    )
    .await?;
    assert_eq!(r.status, 200, "{}", r.text());
    let v = r.json()?;
    assert_eq!(v["token_type"], "Bearer");
    assert_eq!(v["expires_in"], 300);
    Ok(v["access_token"].as_str().ok_or("no token")?.to_owned())
}

/// The request of §3.1.3, as text so that the amounts are the number tokens vamt writes.
fn request_text(request_id: &str, gros: &str, second_net: &str) -> String {
    format!(
        r#"{{
  "requestId": "{request_id}",
  "requestTimestamp": "2026-12-07T14:03:12.345Z",
  "currency": "EUR",
  "grosAmount": {gros},
  "purpose": "Gebuehr BK-7Q2M",
  "description": "Führungszeugnis, 1 weitere beglaubigte Kopie",
  "redirectUrl": "https://termine.example.de/pay/return/PY_4kq9?k=Zx8-_a",
  "items": [
    {{ "id": "1", "reference": "svc-12", "description": "Führungszeugnis",
      "taxRate": 0, "quantity": 1, "singleNetAmount": 13.00, "singleTaxAmount": 0,
      "totalNetAmount": 13.00, "totalTaxAmount": 0, "bookingData": {{ "service": "12" }} }},
    {{ "id": "2", "reference": "svc-12-extra-copy", "description": "Weitere beglaubigte Kopie",
      "taxRate": 0, "quantity": 1, "singleNetAmount": {second_net}, "singleTaxAmount": 0,
      "totalNetAmount": {second_net}, "totalTaxAmount": 0 }}
  ]
}}"#
    )
}

fn create_url(base: &str) -> String {
    format!("{base}/paymenttransaction/{ORIGINATOR}/{ENDPOINT}")
}

async fn create(base: &str, bearer: &str, body: String) -> Result<common::Resp, String> {
    send(
        "POST",
        &create_url(base),
        &[
            ("authorization", bearer),
            ("content-type", "application/json"),
            ("accept", "application/json, application/problem+json"),
        ],
        body,
    )
    .await
}

/// A problem+json answer with the expected status and `functionalCode`.
fn assert_problem(
    r: &common::Resp,
    status: u16,
    code: &str,
) -> Result<Value, Box<dyn std::error::Error>> {
    assert_eq!(r.status, status, "{}", r.text());
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/problem+json")
    );
    let v = r.json()?;
    assert_eq!(v["functionalCode"], code, "{v}");
    assert_eq!(v["status"], status);
    assert!(v["type"].is_string() && v["title"].is_string() && v["detail"].is_string());
    Ok(v)
}

#[tokio::test]
async fn create_pay_and_query() -> TestResult {
    let sim = sim().await?;
    let base = sim.url();
    let bearer = format!("Bearer {}", token(base).await?);
    let r = create(base, &bearer, request_text("AT0001", "29.00", "16.00")).await?;
    assert_eq!(r.status, 200, "{}", r.text());
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    // The request is echoed as sent: the amounts keep their decimals.
    assert!(r.text().contains(r#""grosAmount": 29.00"#), "{}", r.text());
    let v = r.json()?;
    let info = &v["paymentInformation"];
    assert_eq!(info["status"], "INITIAL");
    assert_eq!(info["transactionReference"], "SIM-KZ-1");
    let id = info["transactionId"].as_str().ok_or("no id")?.to_owned();
    assert_eq!(id.len(), 36, "a UUID");
    assert_eq!(
        info["transactionRedirectUrl"].as_str(),
        Some(format!("{base}/pay/{id}").as_str())
    );
    assert_eq!(
        info["transactionUrl"].as_str(),
        Some(format!("{}/{id}", create_url(base)).as_str())
    );
    assert_eq!(v["paymentRequest"]["requestId"], "AT0001");

    // The pay page: plain HTML with the three buttons and the amount.
    let page = get(&format!("{base}/pay/{id}"), &[]).await?;
    assert_eq!(page.status, 200);
    let html = page.text();
    for needle in [
        "id=\"pay\"",
        "id=\"cancel\"",
        "id=\"fail\"",
        "29.00 EUR",
        "Bezahlen",
        "Fehlschlagen lassen",
    ] {
        assert!(html.contains(needle), "{needle} in {html}");
    }
    assert!(!html.contains("<script"), "no JavaScript");

    // Status before paying: INITIAL.
    let status_url = format!("{}/{id}", create_url(base));
    let s = get(&status_url, &[("authorization", &bearer)]).await?;
    assert_eq!(s.json()?["paymentInformation"]["status"], "INITIAL");

    // #pay: 303 to the redirect URL exactly as given.
    let r = send("POST", &format!("{base}/pay/{id}/pay"), &[], "").await?;
    assert_eq!(r.status, 303);
    assert_eq!(
        r.header("location").as_deref(),
        Some("https://termine.example.de/pay/return/PY_4kq9?k=Zx8-_a")
    );
    let s = get(&status_url, &[("authorization", &bearer)])
        .await?
        .json()?;
    let info = &s["paymentInformation"];
    assert_eq!(info["status"], "PAYED");
    assert_eq!(info["paymentMethod"], "CREDITCARD");
    assert!(info["transactionTimestamp"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    assert!(info["transactionRedirectUrl"].is_null());

    // A final status stays: cancelling after paying changes nothing.
    send("POST", &format!("{base}/pay/{id}/cancel"), &[], "").await?;
    let s = get(&status_url, &[("authorization", &bearer)])
        .await?
        .json()?;
    assert_eq!(s["paymentInformation"]["status"], "PAYED");

    // The log shows what was sent, with the secrets redacted.
    let log = sim.requests();
    let token_req = log
        .iter()
        .find(|r| r.path == "/auth/token")
        .ok_or("token logged")?;
    assert!(!token_req.body.contains(SECRET), "{}", token_req.body);
    let create_req = log
        .iter()
        .find(|r| r.method == "POST" && r.path == create_url("").as_str())
        .ok_or("create logged")?;
    assert_eq!(
        create_req.header("authorization"),
        Some("Bearer [redacted]")
    );
    assert!(create_req.body.contains("AT0001"));
    assert!(
        log.iter().all(|r| !r.path.starts_with("/pay/")),
        "pay pages are not API"
    );
    let over_http = get(&format!("{base}/_sim/requests"), &[]).await?.json()?;
    assert_eq!(over_http.as_array().map(Vec::len), Some(log.len()));
    Ok(())
}

#[tokio::test]
async fn cancel_fail_expire_and_set() -> TestResult {
    let sim = sim().await?;
    let base = sim.url();
    let bearer = format!("Bearer {}", token(base).await?);
    let mut ids = Vec::new();
    for n in 0..4 {
        let r = create(
            base,
            &bearer,
            request_text(&format!("AT-{n}"), "29.00", "16.00"),
        )
        .await?;
        assert_eq!(r.status, 200, "{}", r.text());
        ids.push(
            r.json()?["paymentInformation"]["transactionId"]
                .as_str()
                .ok_or("id")?
                .to_owned(),
        );
    }
    let status = |id: &str| format!("{}/{id}", create_url(base));
    let r = send("POST", &format!("{base}/pay/{}/cancel", ids[0]), &[], "").await?;
    assert_eq!(r.status, 303);
    let r = send("POST", &format!("{base}/pay/{}/fail", ids[1]), &[], "").await?;
    assert_eq!(r.status, 303);
    let r = send("POST", &format!("{base}/_sim/expire/{}", ids[2]), &[], "").await?;
    assert_eq!(r.status, 200);
    let r = post_json(
        &format!("{base}/_sim/transactions/{}/set", ids[3]),
        &[],
        &json!({"status": "PAYED"}),
    )
    .await?;
    assert_eq!(r.status, 200);
    for (id, want) in ids.iter().zip(["CANCELED", "FAILED", "FAILED", "PAYED"]) {
        let s = get(&status(id), &[("authorization", &bearer)])
            .await?
            .json()?;
        assert_eq!(s["paymentInformation"]["status"], want);
    }

    // The auto-submitted form POST instead of a redirect.
    let r = post_json(
        &format!("{base}/_sim/return_method"),
        &[],
        &json!({"method": "post"}),
    )
    .await?;
    assert_eq!(r.status, 200);
    let r = create(base, &bearer, request_text("AT-post", "29.00", "16.00")).await?;
    let id = r.json()?["paymentInformation"]["transactionId"]
        .as_str()
        .ok_or("id")?
        .to_owned();
    let r = send("POST", &format!("{base}/pay/{id}/pay"), &[], "").await?;
    assert_eq!(r.status, 200);
    let html = r.text();
    assert!(html.contains("method=\"post\""), "{html}");
    assert!(
        html.contains("action=\"https://termine.example.de/pay/return/PY_4kq9?k=Zx8-_a\""),
        "{html}"
    );
    assert!(html.contains("submit()"), "{html}");

    // Unknown transactions.
    let r = get(
        &status("00000000-0000-0000-0000-000000000000"),
        &[("authorization", &bearer)],
    )
    .await?;
    assert_problem(&r, 404, "UNSPECIFIED")?;
    assert_eq!(get(&format!("{base}/pay/nope"), &[]).await?.status, 404);

    // Reset forgets everything.
    assert_eq!(
        send("POST", &format!("{base}/_sim/reset"), &[], "")
            .await?
            .status,
        200
    );
    assert!(sim.requests().is_empty());
    let r = get(&status(&ids[0]), &[("authorization", &bearer)]).await?;
    assert_problem(&r, 403, "FORBIDDEN")?;
    Ok(())
}

#[tokio::test]
async fn problems() -> TestResult {
    let sim = sim().await?;
    let base = sim.url();

    // Token endpoint: wrong secret, wrong grant, JSON body and Basic accepted.
    let r = post_form(
        &format!("{base}/auth/token"),
        &[],
        "grant_type=client_credentials&client_id=vamt&client_secret=nope",
    )
    .await?;
    assert_eq!(r.status, 401);
    assert_eq!(r.json()?["error"], "invalid_client");
    let r = post_form(
        &format!("{base}/auth/token"),
        &[],
        &format!("grant_type=password&client_id=vamt&client_secret={SECRET}"),
    )
    .await?;
    assert_eq!(r.status, 400);
    let r = post_json(
        &format!("{base}/auth/token"),
        &[],
        &json!({"grant_type": "client_credentials", "client_id": "vamt", "client_secret": SECRET}),
    )
    .await?;
    assert_eq!(r.status, 200);
    let bearer = format!("Bearer {}", token(base).await?);

    // No token, an unknown token.
    let r = create(base, "", request_text("AT-1", "29.00", "16.00")).await?;
    assert_problem(&r, 403, "FORBIDDEN")?;
    let r = create(
        base,
        "Bearer sim-forged",
        request_text("AT-1", "29.00", "16.00"),
    )
    .await?;
    assert_problem(&r, 403, "FORBIDDEN")?;

    // Another tenant.
    let r = send(
        "POST",
        &format!("{base}/paymenttransaction/other/{ENDPOINT}"),
        &[
            ("authorization", &bearer),
            ("content-type", "application/json"),
        ],
        request_text("AT-1", "29.00", "16.00"),
    )
    .await?;
    assert_problem(&r, 403, "NO_VALID_ORIGINATOR_OR_ENDPOINT")?;
    let r = get(
        &format!("{base}/status/{ORIGINATOR}/other"),
        &[("authorization", &bearer)],
    )
    .await?;
    assert_problem(&r, 403, "NO_VALID_ORIGINATOR_OR_ENDPOINT")?;
    let r = get(
        &format!("{base}/status/{ORIGINATOR}/{ENDPOINT}"),
        &[("authorization", &bearer)],
    )
    .await?;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()?, json!({}));

    // Field rules.
    let cases: Vec<(String, &str)> = vec![
        (request_text("AT-1", "29.00", "16.00").replace("\"EUR\"", "\"CHF\""), "CHF"),
        (request_text("AT-1", "29.001", "16.001"), "grosAmount"),
        (request_text("AT 1", "29.00", "16.00"), "requestId"),
        (request_text("AT-1", "29.00", "16.00").replace("Gebuehr BK-7Q2M", "Gebuehr fuer den Termin BK-7Q2M"), "purpose"),
        (request_text("AT-1", "29.00", "16.00").replace("Gebuehr BK-7Q2M", "Gebühr"), "purpose"),
        (request_text("AT-1", "29.00", "16.00").replace("\"quantity\": 1,", "\"quantity\": 1.5,"), "quantity"),
        (request_text("AT-1", "29.00", "16.00").replace("\"2026-12-07T14:03:12.345Z\"", "\"gestern\""), "requestTimestamp"),
        (request_text("AT-1", "29.00", "16.00").replace("\"grosAmount\": 29.00", "\"grosAmount\": \"29.00\""), "grosAmount"),
        (request_text("AT-1", "29.00", "16.00").replace("\"redirectUrl\": \"https://termine.example.de/pay/return/PY_4kq9?k=Zx8-_a\",", ""), "redirectUrl"),
        ("{\"requestId\": \"AT-1\", \"currency\": \"EUR\", \"grosAmount\": 1, \"redirectUrl\": \"x\", \"items\": []}".to_owned(), "items"),
        ("not json".to_owned(), "JSON"),
    ];
    for (body, field) in cases {
        let r = create(base, &bearer, body).await?;
        let v = assert_problem(&r, 400, "VALIDATION_ERROR")?;
        assert!(
            v["detail"].as_str().is_some_and(|d| d.contains(field)),
            "{field}: {v}"
        );
    }

    // The sum, compared as decimals: 13.00 + 16.10 is not 29.00; exponents are exact.
    let r = create(base, &bearer, request_text("AT-1", "29.00", "16.10")).await?;
    assert_problem(&r, 400, "CALCULATION_ERROR")?;
    let r = create(base, &bearer, request_text("AT-exp", "2.91e1", "16.10")).await?;
    assert_eq!(r.status, 200, "{}", r.text());

    // The same requestId twice.
    let r = create(base, &bearer, request_text("AT-dup", "29.00", "16.00")).await?;
    assert_eq!(r.status, 200);
    let r = create(base, &bearer, request_text("AT-dup", "29.00", "16.00")).await?;
    assert_problem(&r, 409, "PAYMENT_EXISTS")?;

    // Told to miscompute.
    post_json(
        &format!("{base}/_sim/miscompute"),
        &[],
        &json!({"on": true}),
    )
    .await?;
    let r = create(base, &bearer, request_text("AT-mis", "29.00", "16.00")).await?;
    assert_problem(&r, 400, "CALCULATION_ERROR")?;
    post_json(
        &format!("{base}/_sim/miscompute"),
        &[],
        &json!({"on": false}),
    )
    .await?;

    // A problem queued through the control API, then normal again.
    let r = post_json(
        &format!("{base}/_sim/fail_next"),
        &[],
        &json!({"operation": "create", "functionalCode": "BOOKING_DATA_MISSING"}),
    )
    .await?;
    assert_eq!(r.status, 200);
    let r = create(base, &bearer, request_text("AT-bd", "29.00", "16.00")).await?;
    assert_problem(&r, 400, "BOOKING_DATA_MISSING")?;
    let r = create(base, &bearer, request_text("AT-bd", "29.00", "16.00")).await?;
    assert_eq!(r.status, 200, "{}", r.text());

    // An expired token: 401, so a client renews it.
    post_json(
        &format!("{base}/_sim/token_ttl"),
        &[],
        &json!({"seconds": 0}),
    )
    .await?;
    let r = create(base, &bearer, request_text("AT-late", "29.00", "16.00")).await?;
    assert_problem(&r, 401, "FORBIDDEN")?;
    let r = post_form(
        &format!("{base}/auth/token"),
        &[],
        &format!("grant_type=client_credentials&client_id=vamt&client_secret={SECRET}"),
    )
    .await?;
    assert_eq!(r.json()?["expires_in"], 0);
    Ok(())
}

#[tokio::test]
async fn modes() -> TestResult {
    let sim = sim().await?;
    let base = sim.url();
    let bearer = format!("Bearer {}", token(base).await?);
    let r = create(base, &bearer, request_text("AT-m", "29.00", "16.00")).await?;
    let id = r.json()?["paymentInformation"]["transactionId"]
        .as_str()
        .ok_or("id")?
        .to_owned();
    let status_url = format!("{base}/status/{ORIGINATOR}/{ENDPOINT}");
    // error503 answers with a problem.
    common::set_mode(base, json!({"mode": "error503"})).await?;
    let r = get(&status_url, &[("authorization", &bearer)]).await?;
    assert_problem(&r, 503, "UNSPECIFIED")?;
    common::check_modes(
        base,
        &status_url,
        &[("authorization", &bearer)],
        &format!("{base}/pay/{id}"),
    )
    .await?;
    // Paying works while the API is down.
    common::set_mode(base, json!({"mode": "down"})).await?;
    let r = send("POST", &format!("{base}/pay/{id}/pay"), &[], "").await?;
    assert_eq!(r.status, 303);
    common::set_mode(base, json!({"mode": "normal"})).await?;
    let s = get(
        &format!("{}/{id}", create_url(base)),
        &[("authorization", &bearer)],
    )
    .await?
    .json()?;
    assert_eq!(s["paymentInformation"]["status"], "PAYED");
    Ok(())
}
