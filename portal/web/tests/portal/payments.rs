//! Fees paid in the call, end to end against the providers' simulators (`vamt-paysim`,
//! written from docs/payments.md §5, not from the adapters): the clerk asks for the fees,
//! the citizen's choice opens the provider's transaction, the test plays the browser on
//! the provider's pay page and follows its redirect back; the portal settles by asking the
//! provider. Success, cancel, failure, a replayed return, a forged return key, a provider
//! down and back, the settle job's time-out, and PayPal's webhooks (genuine, replayed,
//! forged).
use crate::common;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use vamt_signalling::{Role, RoomClaims};

use common::{
    call, citizen_token, clerk_token, demo_booking, json, json_request, metrics_text,
    monday_morning, start, tool, with_token, Stack,
};

const ORIGINATOR: &str = "stadt-test-termine";
const ENDPOINT: &str = "09162000";
const WEBHOOK_ID: &str = "WH-SIM-0001";

/// A plain HTTP/1.1 exchange with a simulator, as a browser or a test's control call
/// makes it: status, headers (lower-case names), body.
async fn http(
    method: &str,
    url: &str,
    content_type: Option<&str>,
    body: &str,
) -> (u16, Vec<(String, String)>, String) {
    let rest = url.strip_prefix("http://").expect("http URL");
    let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let path = if path.is_empty() { "/" } else { path };
    let mut stream = tokio::net::TcpStream::connect(host).await.expect("connect");
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(t) = content_type {
        req.push_str(&format!("Content-Type: {t}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    stream.write_all(req.as_bytes()).await.expect("write");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.expect("read");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    // Chunked answers are not decoded: the pages and control answers read here are small
    // and the tests look for text in them.
    (status, headers, body.to_owned())
}

fn header_of<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

/// The action of the form whose button has `id` on a pay page.
fn form_action(html: &str, id: &str) -> String {
    let button = html
        .find(&format!("id=\"{id}\""))
        .unwrap_or_else(|| panic!("no #{id} in {html}"));
    let form = html[..button].rfind("<form").expect("form");
    let action = html[form..button]
        .split("action=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .expect("action");
    action.replace("&amp;", "&")
}

/// The portal with the providers pointed at their simulators. The demo booking's second
/// service is a certificate with a fee (10 €) and extra copies at 10 € each.
async fn stack_with(xbd: &vamt_paysim::Sim, paypal: Option<&vamt_paysim::Sim>) -> Stack {
    let mut payments = json!({
        "xbezahldienste": {
            "enabled": true,
            "base_url": xbd.url(),
            "originator_id": ORIGINATOR,
            "endpoint_id": ENDPOINT,
            "token_url": format!("{}/auth/token", xbd.url()),
            "client_id": "vamt-test",
            "client_secret": "geheim",
            "allow_http": true,
            "request_timeout_seconds": 5,
        }
    });
    if let Some(pp) = paypal {
        payments["paypal"] = json!({
            "enabled": true,
            "base_url": pp.url(),
            "client_id": "vamt-pp",
            "client_secret": "pp-geheim",
            "webhook_id": WEBHOOK_ID,
            "cert_hosts": ["127.0.0.1"],
            "allow_http": true,
            "request_timeout_seconds": 5,
        });
    }
    start(monday_morning(), json!({ "payments": payments })).await
}

async fn xbd_sim() -> vamt_paysim::Sim {
    vamt_paysim::xbezahldienste(vamt_paysim::XbdConfig {
        originator_id: ORIGINATOR.into(),
        endpoint_id: ENDPOINT.into(),
        client_id: "vamt-test".into(),
        client_secret: "geheim".into(),
    })
    .await
    .expect("simulator")
}

struct Call {
    booking: String,
    clerk: String,
    citizen: String,
}

async fn call_of(stack: &Stack) -> Call {
    let (booking, key) = demo_booking(stack);
    let citizen = citizen_token(stack, &booking, &key).await;
    let clerk = clerk_token(stack, &booking).await;
    Call {
        booking,
        clerk,
        citizen,
    }
}

/// The call's tokens, valid for a day: the settle job's test moves the clock past the
/// appointment, when the portal would no longer hand out tokens for it.
async fn day_long(stack: &Stack) -> Call {
    let (booking, _) = demo_booking(stack);
    let room: String = sqlx::query_scalar("SELECT room_id FROM bookings WHERE id = $1")
        .bind(&booking)
        .fetch_one(stack.state.db.pool())
        .await
        .expect("room");
    let now = stack.clock.now().timestamp() as u64;
    let token = |sub: &str, role: Role| {
        stack
            .state
            .tokens
            .sign(&RoomClaims {
                sub: sub.into(),
                name: "Test".into(),
                room: room.clone(),
                booking: booking.clone(),
                role,
                iat: now,
                exp: now + 86_400,
                lobby: false,
                opens_at: None,
            })
            .expect("token")
    };
    Call {
        clerk: token("clerk:1", Role::Clerk),
        citizen: token(&format!("citizen:{booking}"), Role::Citizen),
        booking,
    }
}

/// Starts the appointment's payments afresh (the settle job's test tries three in a row).
async fn forget_payments(stack: &Stack) {
    for table in ["payment_notifications", "payments"] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table}")))
            .execute(stack.state.db.pool())
            .await
            .expect("clear");
    }
}

/// A payment's state, from the ledger.
async fn state_of(stack: &Stack, payment: &str) -> String {
    vamt_payments::ledger::get(&stack.state.db, payment)
        .await
        .expect("payment")
        .status()
        .state
        .word()
        .to_owned()
}

async fn panel(stack: &Stack, c: &Call, token: &str) -> Value {
    let r = call(
        stack,
        with_token(
            Request::get(format!("/api/v1/calls/{}/payment", c.booking))
                .body(Body::empty())
                .expect("request"),
            token,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    json(&r.body)
}

/// The clerk asks for the fee with `copies` extra copies; returns the payment's ID.
async fn request(stack: &Stack, c: &Call, copies: u32) -> String {
    let fees = panel(stack, c, &c.clerk).await;
    let service = fees["fees"][0]["service"].as_i64().expect("a fee");
    assert_eq!(fees["fees"][0]["options"][0]["id"], "extra-copy");
    let r = call(
        stack,
        with_token(
            json_request(
                "POST",
                &format!("/api/v1/calls/{}/payment", c.booking),
                &json!({ "options": [{ "service": service, "option": "extra-copy", "quantity": copies }] }),
            ),
            &c.clerk,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let v = json(&r.body);
    assert_eq!(v["payment"]["state"], "requested");
    v["payment"]["id"].as_str().expect("id").to_owned()
}

/// The citizen's click on a way: the portal's answer page sends on to the pay page.
async fn choose(stack: &Stack, c: &Call, payment: &str, way: &str) -> common::Resp {
    let form = format!("way={way}&token={}&lang=de", c.citizen);
    call(
        stack,
        Request::post(format!("/pay/{payment}/start"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(form))
            .expect("request"),
    )
    .await
}

/// The pay page's address from the portal's onward page.
fn pay_page(resp: &common::Resp) -> String {
    assert_eq!(resp.status, StatusCode::OK, "{}", resp.body);
    resp.body
        .split("url=")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(unescape)
        .expect("refresh URL")
}

/// An attribute's text as a browser reads it (the templates escape `/` and `&`).
fn unescape(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

/// Plays the browser on the provider's page: clicks `button`, follows the redirect back
/// into the portal, and returns the portal's result page.
async fn click(stack: &Stack, sim: &vamt_paysim::Sim, page: &str, button: &str) -> common::Resp {
    let (status, _, html) = http("GET", page, None, "").await;
    assert_eq!(status, 200, "{html}");
    let action = form_action(&html, button);
    let target = if action.starts_with("http") {
        action
    } else {
        format!("{}{action}", sim.url())
    };
    let (status, headers, body) = http(
        "POST",
        &target,
        Some("application/x-www-form-urlencoded"),
        "",
    )
    .await;
    assert!(status == 303 || status == 302, "{status} {body}");
    let back = header_of(&headers, "location").expect("redirect back");
    let path = back
        .find("/pay/")
        .map(|i| &back[i..])
        .expect("back to the portal");
    call(
        stack,
        Request::get(path)
            .header("sec-fetch-site", "cross-site")
            .body(Body::empty())
            .expect("request"),
    )
    .await
}

fn outcome(resp: &common::Resp) -> String {
    resp.body
        .split("data-outcome=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no outcome in {}", resp.body))
        .to_owned()
}

async fn timeline(stack: &Stack, c: &Call) -> Vec<String> {
    let r = call(
        stack,
        with_token(
            Request::get(format!("/api/v1/calls/{}/case", c.booking))
                .body(Body::empty())
                .expect("request"),
            &c.clerk,
        ),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    json(&r.body)["timeline"]
        .as_array()
        .expect("timeline")
        .iter()
        .filter_map(|e| e["event"].as_str().map(str::to_owned))
        .filter(|e| e.starts_with("payment") || e.starts_with("refund"))
        .collect()
}

fn metric(text: &str, prefix: &str) -> f64 {
    text.lines()
        .filter(|l| l.starts_with(prefix))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum()
}

#[tokio::test]
async fn xbezahldienste_pays_once_whatever_returns_and_is_audited() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let c = call_of(&stack).await;
    let payment = request(&stack, &c, 1).await;

    // The citizen sees amount, lines and the choice; a second request is refused.
    let seen = panel(&stack, &c, &c.citizen).await;
    assert_eq!(seen["fees"], json!([]), "the citizen sees no price list");
    assert_eq!(seen["payment"]["amount"], "20,00 €");
    assert_eq!(seen["payment"]["lines"].as_array().map(Vec::len), Some(2));
    assert_eq!(seen["payment"]["ways"][0]["way"], "xbezahldienste");
    let again = call(
        &stack,
        with_token(
            json_request(
                "POST",
                &format!("/api/v1/calls/{}/payment", c.booking),
                &json!({}),
            ),
            &c.clerk,
        ),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(again.body.contains("payment_open"), "{}", again.body);

    let page = pay_page(&choose(&stack, &c, &payment, "xbezahldienste").await);
    assert!(page.starts_with(sim.url()), "{page}");
    let creates: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/paymenttransaction/"))
        .collect();
    assert_eq!(creates.len(), 1);
    let sent: Value = serde_json::from_str(&creates[0].body).expect("request JSON");
    // 20.00 as a JSON number built from minor units, and the items adding up to it.
    assert!(
        creates[0].body.contains("\"grosAmount\":20.00"),
        "{}",
        creates[0].body
    );
    assert_eq!(sent["items"].as_array().map(Vec::len), Some(2));

    let back = click(&stack, &sim, &page, "pay").await;
    assert_eq!(outcome(&back), "paid", "{}", back.body);
    let seen = panel(&stack, &c, &c.clerk).await;
    assert_eq!(seen["payment"]["state"], "paid");

    // Asked again by the settle job: the same fact, a duplicate; nothing changes.
    let before = metrics_text(&stack).await;
    stack.clock.advance(chrono::Duration::minutes(2));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(
        panel(&stack, &c, &c.clerk).await["payment"]["state"],
        "paid"
    );
    assert_eq!(
        timeline(&stack, &c).await,
        [
            "payment_requested",
            "payment_started",
            "payment_state",
            "payment_state"
        ]
    );
    let after = metrics_text(&stack).await;
    assert_eq!(
        metric(&before, "vamt_portal_payments_transitions_total"),
        metric(&after, "vamt_portal_payments_transitions_total")
    );
    assert!(metric(&after, "vamt_portal_payments_requested_total") >= 1.0);
}

#[tokio::test]
async fn a_replayed_return_changes_nothing_and_a_wrong_key_is_refused() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let c = call_of(&stack).await;
    let payment = request(&stack, &c, 0).await;
    let page = pay_page(&choose(&stack, &c, &payment, "xbezahldienste").await);
    // The return URL the portal gave the provider, as the provider sends the browser back.
    let create = sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.starts_with("/paymenttransaction/"))
        .expect("create");
    let sent: Value = serde_json::from_str(&create.body).expect("JSON");
    let return_url = sent["redirectUrl"]
        .as_str()
        .expect("redirectUrl")
        .to_owned();
    let return_path = &return_url[return_url.find("/pay/").expect("path")..];

    // Before paying: the return finds it still open and says it is checking.
    let early = call(
        &stack,
        Request::get(return_path).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(outcome(&early), "checking");
    assert!(
        early.body.contains("http-equiv=\"refresh\""),
        "{}",
        early.body
    );

    let back = click(&stack, &sim, &page, "pay").await;
    assert_eq!(outcome(&back), "paid");
    let before = metrics_text(&stack).await;
    for _ in 0..3 {
        let r = call(
            &stack,
            Request::get(return_path).body(Body::empty()).expect("req"),
        )
        .await;
        assert_eq!(outcome(&r), "paid");
    }
    let after = metrics_text(&stack).await;
    assert!(
        metric(&after, "vamt_portal_payments_notifications_total{outcome=\"duplicate\",provider=\"xbezahldienste\",source=\"return\"}")
            > metric(&before, "vamt_portal_payments_notifications_total{outcome=\"duplicate\",provider=\"xbezahldienste\",source=\"return\"}"),
        "{after}"
    );
    assert_eq!(
        timeline(&stack, &c).await.len(),
        4,
        "requested, started, to started, to paid: the replays add nothing"
    );

    // A wrong key: refused before anything is asked; a cross-site POST return is taken.
    let asked = sim.requests().len();
    let forged = format!("/pay/return/{payment}?k=not-the-key");
    let r = call(
        &stack,
        Request::get(&forged).body(Body::empty()).expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        sim.requests().len(),
        asked,
        "no status query for a wrong key"
    );
    let r = call(
        &stack,
        Request::post(return_path)
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from("status=PAYED"))
            .expect("req"),
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "the exempt return takes a cross-site POST"
    );
    assert_eq!(outcome(&r), "paid");
    let r = call(
        &stack,
        Request::post(format!("/pay/{payment}/start"))
            .header("sec-fetch-site", "cross-site")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!(
                "way=xbezahldienste&token={}",
                c.citizen
            )))
            .expect("req"),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "starting is not exempt");
}

#[tokio::test]
async fn cancel_and_failure_end_the_payment_and_the_clerk_can_ask_again() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let c = call_of(&stack).await;
    for (button, state) in [("cancel", "cancelled"), ("fail", "failed")] {
        let payment = request(&stack, &c, 0).await;
        let page = pay_page(&choose(&stack, &c, &payment, "xbezahldienste").await);
        let back = click(&stack, &sim, &page, button).await;
        assert_eq!(outcome(&back), state, "{}", back.body);
        let seen = panel(&stack, &c, &c.citizen).await;
        assert_eq!(seen["payment"]["state"], state);
        assert_eq!(
            seen["payment"]["ways"],
            json!([]),
            "an ended payment offers no way"
        );
    }
}

#[tokio::test]
async fn a_provider_down_leaves_the_payment_requested_until_it_is_back() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let c = call_of(&stack).await;
    let payment = request(&stack, &c, 0).await;
    let (s, _, b) = http(
        "POST",
        &format!("{}/_sim/mode", sim.url()),
        Some("application/json"),
        r#"{"mode":"down"}"#,
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let r = choose(&stack, &c, &payment, "xbezahldienste").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.body);
    assert_eq!(outcome(&r), "unavailable");
    assert_eq!(
        panel(&stack, &c, &c.clerk).await["payment"]["state"],
        "requested"
    );

    http(
        "POST",
        &format!("{}/_sim/mode", sim.url()),
        Some("application/json"),
        r#"{"mode":"normal"}"#,
    )
    .await;
    let page = pay_page(&choose(&stack, &c, &payment, "xbezahldienste").await);
    let back = click(&stack, &sim, &page, "pay").await;
    assert_eq!(outcome(&back), "paid");
}

#[tokio::test]
async fn the_settle_job_settles_without_a_return_and_times_out_what_never_ends() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let c = day_long(&stack).await;

    // Paid on the platform, the browser never came back: the job asks and finds it paid.
    let payment = request(&stack, &c, 0).await;
    let page = pay_page(&choose(&stack, &c, &payment, "xbezahldienste").await);
    let (_, _, html) = http("GET", &page, None, "").await;
    let action = form_action(&html, "pay");
    let (status, _, _) = http("POST", &format!("{}{action}", sim.url()), None, "").await;
    assert_eq!(status, 303);
    stack.clock.advance(chrono::Duration::minutes(2));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(state_of(&stack, &payment).await, "paid");

    // Started and abandoned: still open after a check, failed (expired) after the time-out.
    let c2 = c;
    forget_payments(&stack).await;
    let payment = request(&stack, &c2, 0).await;
    let _page = pay_page(&choose(&stack, &c2, &payment, "xbezahldienste").await);
    stack.clock.advance(chrono::Duration::minutes(5));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(state_of(&stack, &payment).await, "started");
    stack.clock.advance(chrono::Duration::minutes(120));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(state_of(&stack, &payment).await, "failed");
    let m = metrics_text(&stack).await;
    assert!(
        metric(&m, "vamt_portal_payments_expired_total") >= 1.0,
        "{m}"
    );

    // A provider that never answers does not keep a payment open either.
    forget_payments(&stack).await;
    let payment = request(&stack, &c2, 0).await;
    let _page = pay_page(&choose(&stack, &c2, &payment, "xbezahldienste").await);
    http(
        "POST",
        &format!("{}/_sim/mode", sim.url()),
        Some("application/json"),
        r#"{"mode":"down"}"#,
    )
    .await;
    stack.clock.advance(chrono::Duration::minutes(130));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(state_of(&stack, &payment).await, "failed");
}

const IBAN: &str = "DE89370400440532013000";

/// A statement of the invoices' account with the given lines (amount, reference).
fn statement(lines: &[(&str, &str, &str)]) -> String {
    let entries: String = lines
        .iter()
        .map(|(bank_ref, amount, reference)| {
            format!(
                "<Ntry><Amt Ccy=\"EUR\">{amount}</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>\
                 <BookgDt><Dt>2026-11-24</Dt></BookgDt><ValDt><Dt>2026-11-24</Dt></ValDt>\
                 <AcctSvcrRef>{bank_ref}</AcctSvcrRef><NtryDtls><TxDtls>\
                 <RltdPties><Dbtr><Pty><Nm>Erika Mustermann</Nm></Pty></Dbtr></RltdPties>\
                 <RmtInf><Strd><CdtrRefInf><Tp><CdOrPrtry><Cd>SCOR</Cd></CdOrPrtry></Tp>\
                 <Ref>{reference}</Ref></CdtrRefInf></Strd></RmtInf></TxDtls></NtryDtls></Ntry>"
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
         <Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"><BkToCstmrStmt>\
         <GrpHdr><MsgId>MSG-TEST-1</MsgId><CreDtTm>2026-11-25T06:00:00+01:00</CreDtTm></GrpHdr>\
         <Stmt><Id>STMT-1</Id><ElctrncSeqNb>1</ElctrncSeqNb><Acct><Id><IBAN>{IBAN}</IBAN></Id></Acct>\
         {entries}</Stmt></BkToCstmrStmt></Document>"
    )
}

/// The statement uploaded as an admin does it, by the payments page's form.
async fn import(stack: &Stack, cookie: &str, xml: &str) -> common::Resp {
    let boundary = "vamtboundary7MA4YWxk";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"statement\"; filename=\"auszug.xml\"\r\n\
         Content-Type: application/xml\r\n\r\n{xml}\r\n--{boundary}--\r\n"
    );
    call(
        stack,
        Request::post("/admin/payments/statement?lang=en")
            .header(header::COOKIE, cookie)
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(body))
            .expect("request"),
    )
    .await
}

#[tokio::test]
async fn an_invoice_has_its_number_reference_and_girocode_and_a_statement_pays_it_once() {
    let xbd = xbd_sim().await;
    let stack = start(
        monday_morning(),
        json!({ "payments": { "invoice": {
            "enabled": true,
            "creditor_name": "Stadtkasse Musterstadt",
            "iban": IBAN,
            "bic": "COBADEFFXXX",
            "letterhead": ["Stadt Musterstadt", "Bürgeramt"],
            "tax_note": "Verwaltungsgebühren sind nicht umsatzsteuerbar.",
        }, "xbezahldienste": {
            "enabled": true, "base_url": xbd.url(), "originator_id": ORIGINATOR,
            "endpoint_id": ENDPOINT, "token_url": format!("{}/auth/token", xbd.url()),
            "client_id": "vamt-test", "client_secret": "geheim", "allow_http": true,
        } } }),
    )
    .await;
    // Tokens for the day: the test moves the clock past the settle job's time-out.
    let c = day_long(&stack).await;
    let payment = request(&stack, &c, 2).await;
    let r = choose(&stack, &c, &payment, "invoice").await;
    assert_eq!(outcome(&r), "invoice", "{}", r.body);
    assert_eq!(state_of(&stack, &payment).await, "started");
    // An invoice is due in 14 days: the settle job's time-out of online payments is not its.
    stack.clock.advance(chrono::Duration::hours(3));
    stack.state.cashier.settle_due().await.expect("settle");
    assert_eq!(state_of(&stack, &payment).await, "started");

    // Numbered without gaps from the year's first; the reference made from the number.
    let (number, reference): (String, String) =
        sqlx::query_as("SELECT number, reference FROM invoices WHERE payment_id = $1")
            .bind(&payment)
            .fetch_one(stack.state.db.pool())
            .await
            .expect("invoice");
    assert_eq!(number, "2026-000001");
    assert_eq!(reference, "RF422026000001");

    // The mail links the PDF in the case's downloads; read back by poppler and zbar.
    let mail = common::outbox_to(&stack, "erika@example.org")
        .into_iter()
        .find(|m| m.contains("2026-000001"))
        .expect("the invoice mail");
    let link = mail
        .split_whitespace()
        .find(|w| w.contains("/documents/") && w.contains("key="))
        .expect("download link");
    let path = &link[link.find("/documents/").expect("path")..];
    let pdf = call(&stack, Request::get(path).body(Body::empty()).expect("req")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join("rechnung.pdf");
    std::fs::write(&file, &pdf.bytes).expect("write");
    let text = tool("pdftotext", &["-layout", file.to_str().expect("path"), "-"]);
    for needle in [
        "2026-000001",
        "RF42 2026 0000 01",
        "30,00 €",
        "DE89 3704 0044 0532 0130 00",
    ] {
        assert!(text.contains(needle), "{needle} in\n{text}");
    }
    let image = dir.path().join("page");
    tool(
        "pdftoppm",
        &[
            "-r",
            "150",
            "-png",
            "-singlefile",
            file.to_str().expect("path"),
            image.to_str().expect("path"),
        ],
    );
    let decoded = tool(
        "zbarimg",
        &[
            "--raw",
            "-q",
            image.with_extension("png").to_str().expect("path"),
        ],
    );
    assert_eq!(
        decoded.trim_end_matches('\n'),
        format!("BCD\n002\n1\nSCT\nCOBADEFFXXX\nStadtkasse Musterstadt\n{IBAN}\nEUR30.00\n\n{reference}")
    );

    // A statement with the right line pays it; an underpayment and an unknown reference are
    // reported; the same statement again changes nothing.
    let cookie = common::sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let xml = statement(&[
        ("BANK-1", "29.00", &reference),
        ("BANK-2", "30.00", &reference),
        ("BANK-3", "30.00", &reference),
        ("BANK-4", "30.00", "RF18539007547034"),
    ]);
    let r = import(&stack, &cookie, &xml).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("data-matched=\"1\""), "{}", r.body);
    for o in [
        "amount_mismatch",
        "matched",
        "already_paid",
        "unknown_reference",
    ] {
        assert!(
            r.body.contains(&format!("data-outcome=\"{o}\"")),
            "{o}: {}",
            r.body
        );
    }
    assert_eq!(state_of(&stack, &payment).await, "paid");
    let again = import(&stack, &cookie, &xml).await;
    assert!(again.body.contains("data-matched=\"0\""), "{}", again.body);
    assert!(
        again.body.contains("data-outcome=\"duplicate\""),
        "{}",
        again.body
    );
    let paid: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM payment_notifications WHERE payment_id = $1 AND kind = 'paid'",
    )
    .bind(&payment)
    .fetch_one(stack.state.db.pool())
    .await
    .expect("count");
    assert_eq!(paid, 1);
    let wrong_account = import(
        &stack,
        &cookie,
        &xml.replace(IBAN, "DE02120300000000202051"),
    )
    .await;
    assert_eq!(wrong_account.status, StatusCode::SEE_OTHER);

    // The receipt followed; the CSV has the payment line by line; a refund is recorded
    // with the treasury's reference and refused beyond what was paid.
    assert!(common::outbox_to(&stack, "erika@example.org")
        .iter()
        .any(|m| m.contains("Quittung") && m.contains("30,00")));
    let csv = call(
        &stack,
        Request::get("/admin/payments.csv?from=2026-11-01&to=2026-11-30")
            .header(header::COOKIE, &cookie)
            .body(Body::empty())
            .expect("req"),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    let rows: Vec<&str> = csv.body.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert!(
        rows[0].starts_with("payment_id,booking_id,"),
        "{}",
        csv.body
    );
    assert_eq!(
        rows.len(),
        3,
        "the header and one row per line: {}",
        csv.body
    );
    assert!(
        rows[1].contains(",paid,invoice,TRANSFER,2026-000001,"),
        "{}",
        rows[1]
    );
    assert!(
        rows[2].contains(",extra-copy,2,10.00,20.00,30.00,0.00"),
        "{}",
        rows[2]
    );
    let refund = |amount: &str, reference: &str| {
        Request::post(format!("/admin/payments/{payment}/refund"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(format!(
                "lang=en&amount={amount}&reason=Kopie+nicht+ausgestellt&reference={reference}"
            )))
            .expect("req")
    };
    let r = call(&stack, refund("40", "KASSE-7")).await;
    assert!(r.location.contains("refused=amount"), "{}", r.location);
    let r = call(&stack, refund("10,00", "")).await;
    assert!(r.location.contains("refused=reference"), "{}", r.location);
    let r = call(&stack, refund("10,00", "KASSE-7")).await;
    assert!(r.location.contains("saved=1"), "{}", r.location);
    assert_eq!(state_of(&stack, &payment).await, "partially_refunded");
    assert!(timeline(&stack, &c)
        .await
        .contains(&"refund_requested".to_owned()));
}

#[tokio::test]
async fn paypal_captures_on_return_and_takes_only_signed_webhooks() {
    let xbd = xbd_sim().await;
    let pp = vamt_paysim::paypal(vamt_paysim::PayPalConfig {
        client_id: "vamt-pp".into(),
        client_secret: "pp-geheim".into(),
        webhook_id: WEBHOOK_ID.into(),
        webhook_url: None,
    })
    .await
    .expect("simulator");
    let stack = stack_with(&xbd, Some(&pp)).await;
    let (s, _, b) = http(
        "POST",
        &format!("{}/_sim/webhook_url", pp.url()),
        Some("application/json"),
        &json!({ "url": format!("http://{}/pay/webhook/paypal", stack.addr) }).to_string(),
    )
    .await;
    assert_eq!(s, 200, "{b}");
    let c = call_of(&stack).await;
    let payment = request(&stack, &c, 0).await;
    let page = pay_page(&choose(&stack, &c, &payment, "paypal").await);
    assert!(
        page.starts_with(&format!("{}/checkoutnow?token=", pp.url())),
        "{page}"
    );
    let back = click(&stack, &pp, &page, "pay").await;
    assert_eq!(outcome(&back), "paid", "{}", back.body);

    // The capture's webhook follows, signed: the same fact, a duplicate.
    let webhook_duplicate = "vamt_portal_payments_notifications_total{outcome=\"duplicate\",provider=\"paypal\",source=\"webhook\"}";
    let mut seen = 0.0;
    for _ in 0..50 {
        seen = metric(&metrics_text(&stack).await, webhook_duplicate);
        if seen >= 1.0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        seen >= 1.0,
        "the capture's webhook arrived and changed nothing"
    );

    // Forged ones are refused with 400 before they reach the payment; a replay and a
    // redelivery of the genuine one are taken and change nothing; an order of someone
    // else's is answered 200 and ignored.
    let tamper = |kind: &'static str| {
        let url = format!("{}/_sim/webhooks/{kind}", pp.url());
        async move {
            let (s, _, body) = http("POST", &url, Some("application/json"), "{}").await;
            assert_eq!(s, 200, "{kind}: {body}");
            let v: Value = serde_json::from_str(&body).expect("JSON");
            v["status"]
                .as_u64()
                .unwrap_or_else(|| panic!("{kind}: {body}"))
        }
    };
    let before = metrics_text(&stack).await;
    for kind in [
        "forge_body",
        "forge_signature",
        "forge_cert_url",
        "forge_webhook_id",
        "missing_headers",
    ] {
        assert_eq!(tamper(kind).await, 400, "{kind}");
    }
    for kind in ["replay", "redeliver", "unknown_order"] {
        assert_eq!(tamper(kind).await, 200, "{kind}");
    }
    let after = metrics_text(&stack).await;
    assert_eq!(
        metric(&after, "vamt_portal_payments_signature_failures_total")
            - metric(&before, "vamt_portal_payments_signature_failures_total"),
        5.0,
        "{after}"
    );
    assert_eq!(
        metric(&before, "vamt_portal_payments_transitions_total"),
        metric(&after, "vamt_portal_payments_transitions_total")
    );
    assert_eq!(state_of(&stack, &payment).await, "paid");

    // An admin refunds part through PayPal's API; the refund's webhook changes nothing more.
    let cookie = common::sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let r = call(
        &stack,
        Request::post(format!("/admin/payments/{payment}/refund"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from("lang=en&amount=4,00&reason=Teilerstattung"))
            .expect("req"),
    )
    .await;
    assert!(r.location.contains("saved=1"), "{}", r.location);
    assert_eq!(state_of(&stack, &payment).await, "partially_refunded");
    let status = vamt_payments::ledger::get(&stack.state.db, &payment)
        .await
        .expect("payment")
        .status();
    assert_eq!(status.refunded.minor, 400);
}

#[tokio::test]
async fn an_admin_prices_a_fee_option_and_the_clerk_offers_it() {
    let xbd = xbd_sim().await;
    let stack = stack_with(&xbd, None).await;
    let c = call_of(&stack).await;
    let cookie = common::sign_in(
        &stack,
        &stack.demo.clerk_username,
        &stack.demo.clerk_password,
    )
    .await;
    let service: i64 =
        sqlx::query_scalar("SELECT id FROM services WHERE slug = 'meldebescheinigung'")
            .fetch_one(stack.state.db.pool())
            .await
            .expect("service");
    let post = |form: &str| {
        Request::post(format!("/admin/services/{service}/options"))
            .header(header::COOKIE, &cookie)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header("sec-fetch-site", "same-origin")
            .body(Body::from(format!("lang=en&{form}")))
            .expect("req")
    };
    for (form, refused) in [
        ("option=Extra+Copy&unit=5&max=3", "option=id"),
        ("option=certified&unit=0&max=3", "option=unit"),
        ("option=certified&unit=5&max=100", "option=max"),
    ] {
        let r = call(&stack, post(form)).await;
        assert!(r.location.contains(refused), "{form}: {}", r.location);
    }
    let r = call(&stack, post("option=certified&unit=7,50&max=2")).await;
    assert!(r.location.contains("saved=1"), "{}", r.location);
    let page = call(
        &stack,
        common::get(&format!("/admin/services/{service}?lang=en"), &cookie),
    )
    .await;
    assert!(
        page.body.contains("(certified)") && page.body.contains("7.50"),
        "{}",
        page.body
    );
    let fees = panel(&stack, &c, &c.clerk).await;
    let options: Vec<&str> = fees["fees"][0]["options"]
        .as_array()
        .expect("options")
        .iter()
        .filter_map(|o| o["id"].as_str())
        .collect();
    assert_eq!(options, ["certified", "extra-copy"]);
    let r = call(&stack, post("option=certified&remove=1")).await;
    assert!(r.location.contains("saved=1"), "{}", r.location);
    let fees = panel(&stack, &c, &c.clerk).await;
    assert_eq!(fees["fees"][0]["options"].as_array().map(Vec::len), Some(1));
}

/// A hearing case with a warning fine of 30 € and its letter's code.
async fn warning_fine_case(stack: &Stack) -> (String, String) {
    let line = json!({
        "case_number": "OWI-2026-000030", "offence_code": "141312",
        "offence_text": "Zu schnell", "committed_at": "2026-11-20T07:42",
        "place": "Saarbrücken", "legal_basis": "§ 49 StVO",
        "sanction": "warning_fine", "amount": "30.00", "currency": "EUR",
        "plate": "SB-X 1", "name": "Erika Mustermann", "street": "Heidestraße 17",
        "postcode": "66111", "city": "Saarbrücken", "deadline": "2026-12-21",
    })
    .to_string();
    let lines =
        vamt_hearing::import::read(vamt_hearing::import::Format::JsonLines, line.as_bytes())
            .expect("case");
    let hearings = &stack.state.hearings;
    hearings
        .import(&lines, &std::collections::HashMap::new(), "test")
        .await
        .expect("import")
        .expect("stored");
    let ids = hearings.without_letter().await.expect("ids");
    let (_, code) = hearings
        .issue_letters(&ids, "test")
        .await
        .expect("letter")
        .remove(0);
    let signed_in = call(
        stack,
        common::post(
            "/hearing/login",
            &format!("case_number=OWI-2026-000030&code={}", code.plain()),
            "",
        ),
    )
    .await;
    assert_eq!(
        signed_in.status,
        StatusCode::SEE_OTHER,
        "{}",
        signed_in.body
    );
    (ids[0].clone(), signed_in.cookie.expect("session"))
}

#[tokio::test]
async fn a_hearings_warning_fine_is_paid_through_the_platform_and_the_case_shows_it() {
    let sim = xbd_sim().await;
    let stack = stack_with(&sim, None).await;
    let (case, session) = warning_fine_case(&stack).await;

    let page = call(&stack, common::get("/hearing/case?lang=en", &session)).await;
    assert!(
        page.body.contains("Pay the warning fine now"),
        "{}",
        page.body
    );
    assert!(page.body.contains("value=\"xbezahldienste\""));
    // An invoice is no way to pay in the hearing.
    let invoice = call(
        &stack,
        common::post("/hearing/pay", "way=invoice", &session),
    )
    .await;
    assert_eq!(invoice.status, StatusCode::SEE_OTHER);
    assert_eq!(count_payments(&stack).await, 0);

    let onward = call(
        &stack,
        common::post("/hearing/pay", "way=xbezahldienste&lang=en", &session),
    )
    .await;
    let pay_at = pay_page(&onward);
    assert!(pay_at.starts_with(sim.url()), "{pay_at}");
    let create = sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path.starts_with("/paymenttransaction/"))
        .expect("a transaction");
    assert!(
        create.body.contains("\"grosAmount\":30.00"),
        "{}",
        create.body
    );
    assert!(create.body.contains("warning-fine"), "{}", create.body);
    assert!(
        create.body.contains("VG OWI-2026-000030"),
        "{}",
        create.body
    );
    // Pressed again while the platform's page is open: the payment under way is the one,
    // the page says so, and no second payment or transaction is made.
    let again = call(
        &stack,
        common::post("/hearing/pay", "way=xbezahldienste&lang=en", &session),
    )
    .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(outcome(&again), "not_startable");
    assert_eq!(count_payments(&stack).await, 1);

    let back = click(&stack, &sim, &pay_at, "pay").await;
    assert_eq!(outcome(&back), "paid", "{}", back.body);
    assert!(
        back.body.contains("href=\"&#x2f;hearing&#x2f;case?lang=")
            || back.body.contains("href=\"/hearing/case?lang="),
        "{}",
        back.body
    );
    let page = call(&stack, common::get("/hearing/case?lang=en", &session)).await;
    assert!(
        page.body.contains("The warning fine is paid"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("Pay the warning fine now"));
    let paid = stack
        .state
        .hearings
        .list(vamt_hearing::docket::Filter::Paid, 10)
        .await
        .expect("list");
    assert_eq!(
        paid.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(),
        [case.as_str()]
    );
    let log = stack.state.hearings.audit_log(&case).await.expect("log");
    let events: Vec<&str> = log.iter().map(|(_, _, e)| e.as_str()).collect();
    for expected in ["payment_requested", "payment_started", "paid"] {
        assert!(events.contains(&expected), "{expected}: {events:?}");
    }
    // Paid: no second payment.
    let after = call(
        &stack,
        common::post("/hearing/pay", "way=xbezahldienste", &session),
    )
    .await;
    assert_eq!(after.status, StatusCode::SEE_OTHER);
    assert_eq!(count_payments(&stack).await, 1);

    // The accounting's CSV names the line as a warning fine, and the case as its subject.
    let admin = common::sign_in(&stack, "clerk", &stack.demo.clerk_password).await;
    let csv = call(
        &stack,
        common::get("/admin/payments.csv?from=2026-11-01&to=2026-11-30", &admin),
    )
    .await;
    let line = csv.body.lines().nth(1).unwrap_or_default().to_owned();
    assert!(
        line.contains(&case) && line.contains("warning-fine") && line.contains("30.00"),
        "{}",
        csv.body
    );
}

async fn count_payments(stack: &Stack) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM payments")
        .fetch_one(stack.state.db.pool())
        .await
        .expect("count")
}
