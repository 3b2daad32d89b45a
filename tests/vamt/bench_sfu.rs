//! `bench sfu` end to end at a tiny load: vamt and Janus VideoRoom each in the bench's own
//! network namespace, real str0m clients sending libopus packets and simulcast video over
//! the veth pair. Checks the bench measures what it claims (media arrives, the top layer is
//! forwarded, CPU time is read), not the figures themselves: those are in
//! `docs/benchmarks.md`, from release builds.
use std::time::Duration;

use vamt_loadtest::sfu_bench::{self, PeerServer, SfuBench};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bench_sfu_measures_vamt_and_janus_in_one_run() {
    let report = sfu_bench::run(&SfuBench {
        consultations: 2,
        seconds: 3,
        warmup: Duration::from_secs(15),
        vamt: env!("CARGO_BIN_EXE_vamt").into(),
        peer: PeerServer::Janus,
        janus: "janus".into(),
        pin: false,
    })
    .await
    .expect("the bench runs (needs root, iproute2 and the janus package)");
    let peer = report.peer.as_ref().expect("Janus was measured");
    // vamt: one peer connection per participant; Janus: a publisher and a subscriber one.
    assert_eq!(report.ours.connected, 4, "{report:?}");
    assert_eq!(peer.connected, 8, "{report:?}");
    for s in [&report.ours, peer] {
        assert!(s.forwarded_packets > 0, "{s:?}");
        assert!(s.server_cpu_seconds > 0.0, "{s:?}");
        // Every subscriber gets the 720p layer on an unconstrained link.
        assert!(s.frames_by_layer[2] > 0, "{s:?}");
        assert!(
            s.frames_by_layer[2] >= 9 * (s.frames_by_layer[0] + s.frames_by_layer[1]),
            "{s:?}"
        );
        // Audio and video both arrive (a tiny load on loopback loses next to nothing).
        assert!(s.audio_loss < 0.05, "{s:?}");
        assert!(s.video_frame_loss < 0.05, "{s:?}");
        assert!(
            s.p50_latency_ms > 0.0 && s.p50_latency_ms <= s.p99_latency_ms,
            "{s:?}"
        );
    }
    let ratio = report.ratio.expect("a ratio");
    assert!((ratio - report.ours_pps_per_cpu_s / peer.pps_per_cpu_s).abs() < 1e-9);
    // The last line a script reads carries the fields the issue names.
    let json = serde_json::to_value(&report).expect("serializes");
    for key in [
        "ours_pps_per_cpu_s",
        "peer_pps_per_cpu_s",
        "ratio",
        "p99_added_latency_ms",
        "consultations_per_core",
    ] {
        assert!(
            json.get(key).is_some_and(|v| v.is_number()),
            "{key} in {json}"
        );
    }
}
