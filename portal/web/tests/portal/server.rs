//! Bounded work before authentication, over real sockets: slow or silent HTTP clients are
//! closed, the connection cap holds, clerk sign-in backs off, and password hashing leaves
//! the async workers free.
use crate::common;

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use prometheus::Encoder;
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Reads until the server closes the connection (or the safety bound, which fails the
/// test: it is far above the configured timeouts, never a measurement).
async fn read_until_closed(s: &mut TcpStream) -> String {
    let mut all = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match tokio::time::timeout(Duration::from_secs(30), s.read(&mut buf)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return String::from_utf8_lossy(&all).into_owned(),
            Ok(Ok(n)) => all.extend_from_slice(&buf[..n]),
            Err(_) => panic!("the server kept the connection open"),
        }
    }
}

#[tokio::test]
async fn slow_and_silent_connections_are_closed() {
    let stack = common::start(
        common::monday_morning(),
        json!({"http": {"header_timeout_seconds": 1, "body_timeout_seconds": 1, "max_connections": 16}}),
    )
    .await;
    // Nothing at all.
    let mut silent = TcpStream::connect(stack.addr).await.expect("connect");
    assert_eq!(read_until_closed(&mut silent).await, "");
    // Headers a byte at a time, slower than the timeout allows in total.
    let mut slow = TcpStream::connect(stack.addr).await.expect("connect");
    let mut closed = false;
    for b in b"GET /healthz HTTP/1.1\r\nHost: x\r\n" {
        if slow.write_all(&[*b]).await.is_err() {
            closed = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    if !closed {
        let rest = read_until_closed(&mut slow).await;
        assert!(!rest.contains("200 OK"), "{rest}");
    }
    // A keep-alive connection left idle after its answer.
    let mut idle = TcpStream::connect(stack.addr).await.expect("connect");
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .expect("write");
    let answer = read_until_closed(&mut idle).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // A body trickled in is not waited for.
    let mut trickle = TcpStream::connect(stack.addr).await.expect("connect");
    trickle
        .write_all(
            b"POST /clerk/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nusername=",
        )
        .await
        .expect("write");
    let answer = read_until_closed(&mut trickle).await;
    assert!(!answer.contains("303"), "{answer}");

    let text = String::from_utf8_lossy(
        &{
            let mut buf = Vec::new();
            prometheus::TextEncoder::new()
                .encode(&stack.state.registry.gather(), &mut buf)
                .expect("encode");
            buf
        }[..],
    )
    .into_owned();
    assert!(
        text.contains("vamt_portal_http_connections_refused_total{reason=\"header_timeout\"}"),
        "{text}"
    );
}

async fn healthz(addr: SocketAddr) -> bool {
    let Ok(mut s) = TcpStream::connect(addr).await else {
        return false;
    };
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .is_err()
    {
        return false;
    }
    read_until_closed(&mut s).await.starts_with("HTTP/1.1 200")
}

#[tokio::test]
async fn connections_past_the_cap_are_closed_at_once() {
    let stack = common::start(
        common::monday_morning(),
        json!({"http": {"max_connections": 16}}),
    )
    .await;
    // The attack: connections opened and left open, until no descriptor is left.
    let mut held = Vec::new();
    for _ in 0..16 {
        held.push(TcpStream::connect(stack.addr).await.expect("connect"));
    }
    let mut over = TcpStream::connect(stack.addr).await.expect("connect");
    let _ = over
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        .await;
    assert_eq!(read_until_closed(&mut over).await, "", "closed unanswered");
    // Once they are gone, a new connection is served again.
    drop(held);
    let mut served = false;
    for _ in 0..100 {
        if healthz(stack.addr).await {
            served = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert!(served, "served again below the cap");
    let mut buf = Vec::new();
    prometheus::TextEncoder::new()
        .encode(&stack.state.registry.gather(), &mut buf)
        .expect("encode");
    let text = String::from_utf8_lossy(&buf);
    assert!(
        text.contains("vamt_portal_http_connections_refused_total{reason=\"cap\"} 1"),
        "{text}"
    );
}

fn login(peer: &str, username: &str, password: &str) -> Request<Body> {
    let mut req = Request::post("/clerk/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(format!(
            "username={}&password={}&lang=en",
            common::enc(username),
            common::enc(password)
        )))
        .expect("request");
    let peer: SocketAddr = peer.parse().expect("peer");
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

#[tokio::test]
async fn clerk_sign_in_backs_off_so_the_fortieth_guess_is_refused_even_when_right() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let user = stack.demo.clerk_username.clone();
    let right = stack.demo.clerk_password.clone();
    // The attack: forty wrong passwords, each from its own address, then the right one.
    let mut statuses = Vec::new();
    for i in 0..40 {
        let r = common::call(
            &stack,
            login(&format!("203.0.113.{}:1000", i + 1), &user, "wrong"),
        )
        .await;
        statuses.push(r.status);
    }
    assert!(statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED));
    assert!(
        statuses[5..].contains(&StatusCode::TOO_MANY_REQUESTS),
        "{statuses:?}"
    );
    let r = common::call(&stack, login("198.51.100.1:1000", &user, &right)).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("Too many failed sign-ins"), "{}", r.body);
    // A name that does not exist backs off the same way (no hint which names exist).
    for _ in 0..6 {
        common::call(&stack, login("192.0.2.1:1000", "nobody", "x")).await;
    }
    let r = common::call(&stack, login("192.0.2.2:1000", "nobody", "x")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    // Once the back-off has passed, the right password signs in and clears the count.
    stack.clock.advance(chrono::Duration::minutes(16));
    let r = common::call(&stack, login("198.51.100.1:1000", &user, &right)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = common::call(&stack, login("198.51.100.1:1000", &user, "wrong")).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // One source trying many names backs off as a client.
    for i in 0..25 {
        common::call(&stack, login("192.0.2.77:1000", &format!("u{i}"), "x")).await;
    }
    let r = common::call(&stack, login("192.0.2.77:1000", "fresh-name", "x")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    let text = {
        let mut buf = Vec::new();
        prometheus::TextEncoder::new()
            .encode(&stack.state.registry.gather(), &mut buf)
            .expect("encode");
        String::from_utf8_lossy(&buf).into_owned()
    };
    for scope in ["account", "client"] {
        assert!(
            text.contains(&format!(
                "vamt_portal_sign_in_throttled_total{{scope=\"{scope}\"}}"
            )),
            "{text}"
        );
    }
    assert!(text.contains("vamt_portal_sign_in_failures_total"));
}

#[test]
fn password_hashing_leaves_the_async_worker_free() {
    // The attack: parallel wrong sign-ins hash on the async workers and stall every other
    // user's requests and signalling. On a one-thread runtime a task that yields in a loop
    // shows it: while eight hashes run, its longest wait between two turns must stay far
    // below one hash's time (measured here, so the ratio, not a number of ours, decides).
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        let t = std::time::Instant::now();
        vamt_booking::clerk::hash_password("one hash")
            .await
            .expect("hash");
        let one_hash = t.elapsed();
        let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ticker = {
            let done = done.clone();
            tokio::spawn(async move {
                let mut worst = Duration::ZERO;
                let mut last = std::time::Instant::now();
                while !done.load(std::sync::atomic::Ordering::Relaxed) {
                    tokio::time::sleep(Duration::from_millis(1)).await;
                    worst = worst.max(last.elapsed());
                    last = std::time::Instant::now();
                }
                worst
            })
        };
        let hashes: Vec<_> = (0..8)
            .map(|i| {
                let pw = format!("pw{i}");
                tokio::spawn(async move { vamt_booking::clerk::hash_password(&pw).await })
            })
            .collect();
        for h in hashes {
            h.await.expect("join").expect("hash");
        }
        done.store(true, std::sync::atomic::Ordering::Relaxed);
        let worst = ticker.await.expect("ticker");
        assert!(
            worst < one_hash / 2,
            "the worker stalled {worst:?}; one hash takes {one_hash:?}"
        );
    });
}
