//! `bench turn` at a tiny load: both servers relay every packet over channels and
//! indications, and the report carries the figures the issue names.
use vamt_loadtest::turn_bench::{run, PeerServer, TurnBench};

#[tokio::test(flavor = "current_thread")]
async fn the_turn_benchmark_runs_against_vamt_and_coturn() {
    let r = run(&TurnBench {
        clients: 2,
        rate: 50,
        seconds: 1,
        sizes: vec![200],
        vamt: env!("CARGO_BIN_EXE_vamt").into(),
        turnserver: "turnserver".into(),
        peer: PeerServer::Coturn,
        pin: false,
    })
    .await
    .expect("the benchmark runs (coturn from scripts/install-deps test)");
    assert_eq!(r.cases.len(), 4, "two servers × channel/indication");
    for c in &r.cases {
        assert!(c.relayed_packets > 100, "{c:?}");
        assert!(c.loss < 0.05, "{c:?}");
        assert!(c.p99_latency_ms > 0.0, "{c:?}");
    }
    let json = serde_json::to_value(&r).expect("json");
    for key in [
        "ours_pps_per_cpu_s",
        "peer_pps_per_cpu_s",
        "ratio",
        "p99_relay_latency_ms",
    ] {
        assert!(json.get(key).is_some(), "{key} in the report");
    }
    println!("{json}");
}
