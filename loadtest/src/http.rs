//! The HTTP phase: concurrent keep-alive clients, latency per request.
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::Uri;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;

use crate::report::{quantile, PhaseReport};
use crate::scenario::{HttpPhase, ScenarioError};

pub async fn run(p: &HttpPhase, base_url: &str) -> Result<PhaseReport, ScenarioError> {
    let base = base_url.trim_end_matches('/');
    let uris: Vec<Uri> = p
        .paths
        .iter()
        .map(|path| {
            format!("{base}{path}")
                .parse::<Uri>()
                .map_err(|e| ScenarioError::Url(format!("{base}{path}: {e}")))
        })
        .collect::<Result<_, _>>()?;
    if uris.iter().any(|u| u.scheme_str() != Some("http")) {
        return Err(ScenarioError::Url(
            "only http:// targets are supported".into(),
        ));
    }
    let uris = Arc::new(uris);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let deadline = started + p.limit();
    let mut tasks = Vec::with_capacity(p.clients);
    for _ in 0..p.clients {
        let uris = uris.clone();
        let next = next.clone();
        let total = p.requests;
        let ok_status = p.ok_status.clone();
        tasks.push(tokio::spawn(async move {
            let client: Client<_, Empty<Bytes>> = Client::builder(TokioExecutor::new())
                .pool_max_idle_per_host(1)
                .build_http();
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            loop {
                let n = next.fetch_add(1, Ordering::Relaxed);
                if n >= total || Instant::now() >= deadline {
                    break;
                }
                let uri = uris[n % uris.len()].clone();
                let t0 = Instant::now();
                let result = tokio::time::timeout_at(deadline.into(), async {
                    let resp = client.get(uri).await?;
                    let status = resp.status().as_u16();
                    // Read the whole body: a page is only served when its last byte is.
                    resp.into_body().collect().await?;
                    Ok::<u16, Box<dyn std::error::Error + Send + Sync>>(status)
                })
                .await;
                match result {
                    Ok(Ok(status)) if ok_status.contains(&status) => {
                        latencies.push(t0.elapsed().as_secs_f64() * 1000.0)
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        if let Ok((l, e)) = t.await {
            all.extend(l);
            errors += e;
        }
    }
    let seconds = started.elapsed().as_secs_f64();
    all.sort_by(f64::total_cmp);
    Ok(PhaseReport {
        phase: p.name.clone(),
        ok: all.len() as u64,
        errors,
        seconds,
        rps: if seconds > 0.0 {
            all.len() as f64 / seconds
        } else {
            0.0
        },
        p50_ms: quantile(&all, 0.5),
        p99_ms: quantile(&all, 0.99),
        max_ms: all.last().copied().unwrap_or(0.0),
    })
}
