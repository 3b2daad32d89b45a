//! Session timers in paused tokio time: no sleeping in tests.
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use vamt_signalling::session::{self, Inbound, Outbound};
use vamt_signalling::{CloseReason, Hub, SignallingMetrics, TokenKeys};

mod common;

use common::{join_frame, SECRET};

async fn hub() -> Arc<Hub> {
    hub_in(prometheus::Registry::new()).await
}

async fn hub_in(registry: prometheus::Registry) -> Arc<Hub> {
    let (sfu, _server) = vamt_sfu::server::bind(
        "127.0.0.1:0".parse().expect("addr"),
        &[],
        vamt_sfu::SfuMetrics::new(&registry).expect("metrics"),
    )
    .await
    .expect("bind");
    Arc::new(Hub::new(
        TokenKeys::from_secret(SECRET),
        Arc::new(sfu),
        SignallingMetrics::new(&registry).expect("metrics"),
        vamt_signalling::hub::system_clock(),
    ))
}

fn counter(registry: &prometheus::Registry, name: &str, label: &str) -> f64 {
    registry
        .gather()
        .iter()
        .filter(|m| m.name() == name)
        .flat_map(|m| m.get_metric())
        .filter(|m| m.get_label().iter().any(|l| l.value() == label))
        .map(|m| m.get_counter().get_value())
        .sum()
}

#[tokio::test(start_paused = true)]
async fn a_socket_that_never_joins_is_closed_at_the_join_deadline_however_it_pings() {
    let registry = prometheus::Registry::new();
    let hub = hub_in(registry.clone()).await;
    let deadline = vamt_signalling::limits::JOIN_DEADLINE;

    // Pinging every second (and answering heartbeats) is no join: closed at the deadline.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let idle = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    let mut pongs = 0;
    // Pings at 0.25 s, 1.25 s, …; answers read half a second later, off the deadline's tick.
    let mut closed = None;
    // Bounded: three deadlines' worth of seconds.
    for _ in 0..deadline.as_secs() * 3 {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let _ = in_tx.send(Inbound::Text(r#"{"type":"ping"}"#.into())).await;
        let _ = in_tx.send(Inbound::Alive).await;
        tokio::time::sleep(Duration::from_millis(500)).await;
        match out_rx.try_recv() {
            Ok(Outbound::Text(t)) if t == r#"{"type":"pong"}"# => pongs += 1,
            Ok(other) => {
                closed = Some(other);
                break;
            }
            Err(e) => panic!("no answer to a ping: {e:?}"),
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    assert_eq!(closed, Some(Outbound::close(CloseReason::JoinTimeout)));
    assert_eq!(
        closed,
        Some(Outbound::Close {
            code: 1008,
            reason: "no join in time".into()
        })
    );
    // Ten pings answered (0.25 s … 9.25 s), the eleventh found the socket closed.
    assert_eq!(
        pongs,
        deadline.as_secs(),
        "closed at the deadline, not before"
    );
    idle.await.expect("the session ends with the close");
    assert_eq!(
        counter(&registry, "vamt_signalling_closes_total", "join_timeout"),
        1.0
    );

    // Joining just before the deadline disarms it: open long after.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let joiner = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    tokio::time::sleep(deadline - Duration::from_millis(100)).await;
    in_tx.send(join_frame("RM_deadline1")).await.expect("send");
    match out_rx.recv().await {
        Some(Outbound::Text(t)) => assert!(t.contains(r#""type":"joined""#), "{t}"),
        other => panic!("not joined: {other:?}"),
    }
    tokio::time::sleep(deadline * 3).await;
    assert!(!joiner.is_finished());
    assert!(out_rx.try_recv().is_err(), "nothing was closed");
    drop(in_tx);
    joiner.await.expect("session ends when the socket closes");
    assert_eq!(
        counter(&registry, "vamt_signalling_closes_total", "join_timeout"),
        1.0
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_socket_is_closed_after_the_idle_timeout_and_a_pinging_one_is_not() {
    let hub = hub().await;

    // Joined, then silent: closed with 1001 45 s after the last frame (three missed
    // heartbeats).
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let silent = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    in_tx.send(join_frame("RM_timers00")).await.expect("send");
    assert!(matches!(out_rx.recv().await, Some(Outbound::Text(t)) if t.contains("joined")));
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

    // Joined and pinging every 20 s: open after five minutes.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let alive = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    in_tx.send(join_frame("RM_timers01")).await.expect("send");
    assert!(matches!(out_rx.recv().await, Some(Outbound::Text(t)) if t.contains("joined")));
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

    // Joined, then only answering the server's heartbeat pings (what a non-browser client's
    // WebSocket library does by itself): open after five minutes, and nothing is sent back.
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let quiet = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    in_tx.send(join_frame("RM_timers02")).await.expect("send");
    assert!(matches!(out_rx.recv().await, Some(Outbound::Text(t)) if t.contains("joined")));
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
