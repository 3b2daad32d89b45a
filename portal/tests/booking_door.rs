//! The door of the booking form: per-address limits behind a trusted proxy, and the proof
//! of work that lets a browser with JavaScript past the limit for proofless attempts.
mod common;

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
        json!({"booking": {"unproven_per_ip_hour": 2, "max_per_ip_hour": 4, "pow_max_number": 2000}}),
    )
    .await;
    let slots = vamt_portal::booking::free_slots(
        &stack.state.db,
        &stack.state.settings,
        stack.clock.now(),
        &vamt_portal::booking::services(&stack.state.db)
            .await
            .expect("services")
            .into_iter()
            .filter(|s| s.slug == "meldebescheinigung")
            .collect::<Vec<_>>(),
    )
    .await
    .expect("slots");
    let slot = |i: usize| vamt_portal::db::ts(slots[i].start);
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
    let later = vamt_portal::db::ts(slots[20].start);
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
