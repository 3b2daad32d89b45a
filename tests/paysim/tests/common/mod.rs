//! A small HTTP client for the simulator tests: a fresh connection per request, so that a
//! mode set between two requests applies to the second (no pooled connection survives).

// Each test file uses a different part of these helpers.
#![allow(dead_code)]

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::Value;

pub type TestResult = Result<(), Box<dyn std::error::Error>>;

/// An answer, read to the end.
pub struct Resp {
    pub status: u16,
    pub headers: hyper::HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Result<Value, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<String> {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

/// One request; `Err` when the connection fails (reset, refused) or 10 s pass.
pub async fn send(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: impl Into<Bytes>,
) -> Result<Resp, String> {
    let client = Client::builder(TokioExecutor::new())
        .pool_max_idle_per_host(0)
        .build_http::<Full<Bytes>>();
    let mut req = hyper::Request::builder().method(method).uri(url);
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    let req = req
        .body(Full::new(body.into()))
        .map_err(|e| e.to_string())?;
    let resp = tokio::time::timeout(Duration::from_secs(10), client.request(req))
        .await
        .map_err(|_| "timeout".to_owned())?
        .map_err(|e| format!("{e:?}"))?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp
        .into_body()
        .collect()
        .await
        .map_err(|e| e.to_string())?
        .to_bytes();
    Ok(Resp {
        status,
        headers,
        body,
    })
}

pub async fn get(url: &str, headers: &[(&str, &str)]) -> Result<Resp, String> {
    send("GET", url, headers, Bytes::new()).await
}

pub async fn post_json(url: &str, headers: &[(&str, &str)], body: &Value) -> Result<Resp, String> {
    let mut all = vec![("content-type", "application/json")];
    all.extend_from_slice(headers);
    send("POST", url, &all, body.to_string()).await
}

pub async fn post_form(url: &str, headers: &[(&str, &str)], body: &str) -> Result<Resp, String> {
    let mut all = vec![("content-type", "application/x-www-form-urlencoded")];
    all.extend_from_slice(headers);
    send("POST", url, &all, body.to_owned()).await
}

/// `POST /_sim/mode` with `body`.
pub async fn set_mode(base: &str, body: Value) -> Result<(), String> {
    let r = post_json(&format!("{base}/_sim/mode"), &[], &body).await?;
    if r.status == 200 {
        Ok(())
    } else {
        Err(format!("mode: {} {}", r.status, r.text()))
    }
}

/// The mode checks common to both simulators: `api` must answer 2xx in mode normal;
/// `page` is a pay page, which keeps answering in every mode.
pub async fn check_modes(
    base: &str,
    api: &str,
    headers: &[(&str, &str)],
    page: &str,
) -> TestResult {
    // down: the connection is reset, while the pay page and the control API answer.
    set_mode(base, serde_json::json!({"mode": "down"})).await?;
    assert!(get(api, headers).await.is_err(), "down answers nothing");
    assert_eq!(get(page, &[]).await?.status, 200, "pay page while down");
    assert_eq!(
        get(&format!("{base}/_sim/requests"), &[]).await?.status,
        200
    );

    // error503: the provider's error body.
    set_mode(base, serde_json::json!({"mode": "error503"})).await?;
    let r = get(api, headers).await?;
    assert_eq!(r.status, 503);

    // timeout: nothing within the client's patience, then the connection ends.
    set_mode(base, serde_json::json!({"mode": "timeout", "seconds": 1})).await?;
    let started = std::time::Instant::now();
    assert!(
        get(api, headers).await.is_err(),
        "timeout ends without an answer"
    );
    assert!(started.elapsed() >= Duration::from_millis(900));

    // slow: answered, late.
    set_mode(base, serde_json::json!({"mode": "slow", "millis": 300})).await?;
    let started = std::time::Instant::now();
    assert!((200..300).contains(&get(api, headers).await?.status));
    assert!(started.elapsed() >= Duration::from_millis(300));

    // down_then_back: down for a second, then normal by itself.
    set_mode(
        base,
        serde_json::json!({"mode": "down_then_back", "seconds": 1}),
    )
    .await?;
    assert!(get(api, headers).await.is_err(), "down at first");
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert!(
        (200..300).contains(&get(api, headers).await?.status),
        "back"
    );

    set_mode(base, serde_json::json!({"mode": "normal"})).await?;
    let log = get(&format!("{base}/_sim/requests"), &[]).await?.json()?;
    let modes: Vec<&str> = log
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["mode"].as_str()).collect())
        .unwrap_or_default();
    for m in ["down", "error503", "timeout", "slow", "down_then_back"] {
        assert!(modes.contains(&m), "request under {m} recorded");
    }
    Ok(())
}
