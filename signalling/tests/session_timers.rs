//! Session timers in paused tokio time: no sleeping in tests.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use vamt_signalling::session::{self, Inbound, Outbound};
use vamt_signalling::{Hub, SignallingMetrics, TokenKeys};

async fn hub() -> Arc<Hub> {
    let registry = prometheus::Registry::new();
    let (sfu, _server) = vamt_sfu::server::bind(
        "127.0.0.1:0".parse().expect("addr"),
        &[],
        vamt_sfu::SfuMetrics::new(&registry).expect("metrics"),
    )
    .await
    .expect("bind");
    Arc::new(Hub::new(
        TokenKeys::from_secret(b"0123456789abcdef0123456789abcdef"),
        sfu,
        SignallingMetrics::new(&registry).expect("metrics"),
        vamt_signalling::hub::system_clock(),
    ))
}

#[tokio::test(start_paused = true)]
async fn a_silent_socket_is_closed_after_the_idle_timeout_and_a_pinging_one_is_not() {
    let hub = hub().await;

    // Silent: closed with 1001 after 45 s (three missed heartbeats).
    let (_in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let silent = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    tokio::time::sleep(Duration::from_secs(44)).await;
    assert!(out_rx.try_recv().is_err(), "still open at 44 s");
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        out_rx.recv().await,
        Some(Outbound::Close {
            code: 1001,
            reason: "idle".into()
        })
    );
    silent.await.expect("session ends");

    // Pinging every 20 s: open after five minutes.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let alive = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    for _ in 0..15 {
        in_tx
            .send(Inbound::Text(r#"{"type":"ping"}"#.into()))
            .await
            .expect("send");
        tokio::time::sleep(Duration::from_secs(20)).await;
        assert_eq!(
            out_rx.recv().await,
            Some(Outbound::Text(r#"{"type":"pong"}"#.into()))
        );
    }
    assert!(!alive.is_finished());
    drop(in_tx);
    alive.await.expect("session ends when the socket closes");

    // Only answering the server's heartbeat pings (what a non-browser client's WebSocket
    // library does by itself): open after five minutes, and nothing is sent back.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let quiet = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    for _ in 0..20 {
        tokio::time::sleep(vamt_signalling::limits::HEARTBEAT_INTERVAL).await;
        in_tx.send(Inbound::Alive).await.expect("send");
    }
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert!(!quiet.is_finished());
    assert!(out_rx.try_recv().is_err(), "a pong needs no answer");
    drop(in_tx);
    quiet.await.expect("session ends when the socket closes");
}
