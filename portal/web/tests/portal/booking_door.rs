//! The door of the booking form: per-address limits behind a trusted proxy, and the proof
//! of work that lets a browser with JavaScript past the limit for proofless attempts.
use crate::common;

use std::net::SocketAddr;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

async fn attempt(
    stack: &common::Stack,
    peer: &str,
    forwarded: Option<&str>,
    slot: &str,
    who: &str,
    proof: &str,
) -> (StatusCode, String) {
    let body = format!(
        "slot={}&name={who}&email={who}%40example.org&lang=en&altcha={}",
        slot.replace(':', "%3A"),
        proof
            .replace('+', "%2B")
            .replace('/', "%2F")
            .replace('=', "%3D")
    );
    let mut req = Request::post("/book/meldebescheinigung")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(f) = forwarded {
        req = req.header("x-forwarded-for", f);
    }
    let mut req = req.body(Body::from(body)).expect("request");
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(req)
        .await
        .expect("infallible");
    let status = resp.status();
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

async fn proof(stack: &common::Stack) -> String {
    let resp = vamt_portal::app(stack.state.clone())
        .oneshot(
            Request::get("/api/v1/challenge")
                .body(Body::empty())
                .expect("request"),
        )
        .await
        .expect("infallible");
    assert_eq!(resp.status(), StatusCode::OK);
    let bytes = resp.into_body().collect().await.expect("body").to_bytes();
    let c: vamt_portal::pow::Challenge = serde_json::from_slice(&bytes).expect("challenge");
    vamt_portal::pow::solve(&c).expect("solvable")
}

#[tokio::test]
async fn an_address_gets_a_few_proofless_attempts_an_hour_and_a_proof_opens_the_rest() {
    let stack = common::start(
        common::monday_morning(),
        json!({
            "http": {"trusted_proxies": ["127.0.0.1"]},
            "booking": {"unproven_per_ip_hour": 2, "max_per_ip_hour": 4, "pow_max_number": 2000}
        }),
    )
    .await;
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    let slot = |i: usize| vamt_portal_storage::db::ts(slots[i].start);
    // Behind the reverse proxy on loopback: the address it names counts.
    let via = |client: &'static str| ("127.0.0.1:40000", Some(client));
    let (peer, fwd) = via("198.51.100.7");
    for i in 0..2 {
        let (status, body) = attempt(&stack, peer, fwd, &slot(i), &format!("a{i}"), "").await;
        assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    }
    let (status, body) = attempt(&stack, peer, fwd, &slot(2), "a2", "").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("allow JavaScript"), "{body}");

    // A proof lets the same address on; used twice, it is refused.
    let p = proof(&stack).await;
    let (status, body) = attempt(&stack, peer, fwd, &slot(2), "a2", &p).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let (status, body) = attempt(&stack, peer, fwd, &slot(3), "a3", &p).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        body.contains("security check has expired or is invalid"),
        "{body}"
    );
    let (status, _) = attempt(&stack, peer, fwd, &slot(3), "a3", "Zm9yZ2Vk").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "a forged proof");

    // Four attempts an hour from one address, proof or not.
    let p = proof(&stack).await;
    let (status, body) = attempt(&stack, peer, fwd, &slot(3), "a3", &p).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");
    let p = proof(&stack).await;
    let (status, body) = attempt(&stack, peer, fwd, &slot(4), "a4", &p).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(body.contains("Too many booking attempts"), "{body}");

    // Another address behind the same proxy has its own hour.
    let (peer2, fwd2) = via("198.51.100.8");
    let (status, _) = attempt(&stack, peer2, fwd2, &slot(4), "b0", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER);
    // A client that talks to the portal directly cannot borrow an address by header.
    for i in 0..2 {
        let (status, _) = attempt(
            &stack,
            "203.0.113.5:5000",
            Some("198.51.100.9"),
            &slot(5 + i),
            &format!("c{i}"),
            "",
        )
        .await;
        assert_eq!(status, StatusCode::SEE_OTHER);
    }
    let (status, _) = attempt(
        &stack,
        "203.0.113.5:5000",
        Some("198.51.100.10"),
        &slot(7),
        "c2",
        "",
    )
    .await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "counted as 203.0.113.5"
    );

    // An hour later the first address starts afresh.
    stack.clock.advance(chrono::Duration::minutes(61));
    let later = vamt_portal_storage::db::ts(slots[20].start);
    let (status, body) = attempt(&stack, peer, fwd, &later, "a5", "").await;
    assert_eq!(status, StatusCode::SEE_OTHER, "{body}");

    let refused = stack
        .state
        .registry
        .gather()
        .into_iter()
        .find(|m| m.name() == "vamt_portal_booking_refused_total")
        .map(|m| {
            m.get_metric()
                .iter()
                .map(|x| x.get_counter().get_value())
                .sum::<f64>()
        })
        .unwrap_or(0.0);
    assert_eq!(refused, 5.0, "every refusal counted");
}

/// A booking form posted from `peer`: its status and where it leads.
async fn hold(stack: &common::Stack, peer: &str, slot: &str, who: &str) -> common::Resp {
    let body = format!(
        "slot={}&name={who}&email={who}%40example.org&lang=en&altcha=",
        slot.replace(':', "%3A"),
    );
    let mut req = Request::post("/book/meldebescheinigung")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .expect("request");
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    common::call(stack, req).await
}

/// The key of booking `id` from the opt-in mail to `email`.
fn key_of(stack: &common::Stack, email: &str, id: &str) -> String {
    for raw in common::outbox_to(stack, email) {
        let marker = format!("/booking/{id}/confirm?key=");
        if let Some(at) = raw.find(&marker) {
            let rest = &raw[at + marker.len()..];
            return rest[..rest.find('&').expect("lang follows")].to_owned();
        }
    }
    panic!("no opt-in mail for {id}");
}

async fn confirm(stack: &common::Stack, email: &str, location: &str) -> StatusCode {
    let id = location
        .trim_start_matches("/booked/")
        .split('?')
        .next()
        .expect("id")
        .to_owned();
    let key = key_of(stack, email, &id);
    common::call(
        stack,
        common::post(
            &format!("/booking/{id}/confirm"),
            &format!("key={key}&lang=en"),
            "",
        ),
    )
    .await
    .status
}

#[tokio::test]
async fn unconfirmed_holds_cannot_lock_an_address_out_and_count_against_their_client() {
    let stack = common::start(
        common::monday_morning(),
        json!({"booking": {"holds_per_client": 3, "max_per_email": 2, "optin_mails_per_address_hour": 10}}),
    )
    .await;
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    let slot = |i: usize| vamt_portal_storage::db::ts(slots[i].start);
    let attacker = "203.0.113.66:4000";
    let victim = "198.51.100.20:5000";

    // The attack: two holds naming the victim's address, never confirmed.
    for i in 0..2 {
        let r = hold(&stack, attacker, &slot(i), "victim").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // The victim still books and confirms.
    let mine = hold(&stack, victim, &slot(2), "victim").await;
    assert_eq!(mine.status, StatusCode::SEE_OTHER, "{}", mine.body);
    assert_eq!(
        confirm(&stack, "victim@example.org", &mine.location).await,
        StatusCode::OK
    );

    // The address's limit holds for confirmed appointments: the third confirmation is
    // refused and its time offered again at once.
    let second = hold(&stack, victim, &slot(3), "victim").await;
    let third = hold(&stack, victim, &slot(4), "victim").await;
    assert_eq!(third.status, StatusCode::SEE_OTHER, "{}", third.body);
    assert_eq!(
        confirm(&stack, "victim@example.org", &second.location).await,
        StatusCode::OK
    );
    assert!(!common::free_times(&stack, "meldebescheinigung")
        .await
        .iter()
        .any(|o| o.start == slots[4].start));
    assert_eq!(
        confirm(&stack, "victim@example.org", &third.location).await,
        StatusCode::CONFLICT
    );
    assert!(
        common::free_times(&stack, "meldebescheinigung")
            .await
            .iter()
            .any(|o| o.start == slots[4].start),
        "the refused hold's time is free again"
    );

    // The attacker's client has its three holds in the confirmation window, no more.
    let r = hold(&stack, attacker, &slot(5), "someone").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = hold(&stack, attacker, &slot(6), "someone-else").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        r.body.contains("still waiting for their confirmation"),
        "{}",
        r.body
    );
    // Attempts that hold nothing use up no place: a time taken three times over, then three
    // holds.
    let other = "192.0.2.10:6000";
    for _ in 0..3 {
        let r = hold(&stack, other, &slot(0), "late").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    }
    for i in 7..10 {
        let r = hold(&stack, other, &slot(i), &format!("late{i}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    // After the confirmation window the attacker's places are free again.
    stack.clock.advance(chrono::Duration::minutes(31));
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    let r = hold(
        &stack,
        attacker,
        &vamt_portal_storage::db::ts(slots[0].start),
        "someone-else",
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn mails_to_unconfirmed_addresses_carry_no_typed_text_and_are_limited_per_recipient() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    // The attack: the city's sender carries a text of the visitor's choosing to anyone.
    let spam = "Your account is locked: log in at https://evil.example/ now";
    let form = |i: usize| {
        format!(
            "slot={}&name={}&email=stranger%40example.org&lang=en&altcha=",
            common::enc(&vamt_portal_storage::db::ts(slots[i].start)),
            common::enc(spam)
        )
    };
    let mut held = Vec::new();
    for i in 0..5 {
        let mut req = Request::post("/book/meldebescheinigung")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(form(i)))
            .expect("request");
        // From five different clients: a botnet is not stopped by per-client limits.
        let peer: SocketAddr = format!("192.0.2.{}:7000", 10 + i).parse().expect("peer");
        req.extensions_mut().insert(ConnectInfo(peer));
        let r = common::call(&stack, req).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
        held.push(r.location);
    }
    let mails = common::outbox_to(&stack, "stranger@example.org");
    assert_eq!(mails.len(), 3, "three opt-in mails an hour to one address");
    for m in &mails {
        assert!(!m.contains("evil.example"), "{m}");
        assert!(!m.contains("locked"), "{m}");
    }
    // The holds whose mail was not sent are released at once: their times are free.
    let now_free = common::free_times(&stack, "meldebescheinigung").await;
    let freed = slots[..5]
        .iter()
        .filter(|s| now_free.iter().any(|f| f.start == s.start))
        .count();
    assert_eq!(freed, 2, "{held:?}");
    let limited = stack
        .state
        .registry
        .gather()
        .into_iter()
        .find(|m| m.name() == "vamt_portal_optin_mails_limited_total")
        .map(|m| m.get_metric()[0].get_counter().get_value())
        .unwrap_or(0.0);
    assert_eq!(limited, 2.0);
}

#[tokio::test]
async fn a_forwarded_header_is_not_believed_unless_its_proxy_is_named() {
    // The attack: behind a proxy that passes the header on, a client names a new address
    // for every attempt and never meets a limit. By default no proxy is trusted.
    let stack = common::start(
        common::monday_morning(),
        json!({"booking": {"unproven_per_ip_hour": 2, "max_per_ip_hour": 4}}),
    )
    .await;
    let slots = common::free_times(&stack, "meldebescheinigung").await;
    let mut statuses = Vec::new();
    for (i, slot) in slots.iter().take(4).enumerate() {
        let fake = format!("198.51.100.{}", 50 + i);
        let (status, _) = attempt(
            &stack,
            "127.0.0.1:40000",
            Some(&fake),
            &vamt_portal_storage::db::ts(slot.start),
            &format!("x{i}"),
            "",
        )
        .await;
        statuses.push(status);
    }
    assert_eq!(
        statuses,
        [
            StatusCode::SEE_OTHER,
            StatusCode::SEE_OTHER,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::TOO_MANY_REQUESTS
        ],
        "counted as the proxy's address, whatever the header says"
    );
}
