//! The load generator against a real portal on loopback: every request answered, figures
//! reported.
#[path = "../../portal/web/tests/portal/common/mod.rs"]
mod common;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn browse_scenario_runs_against_a_real_portal() {
    let stack = common::start(common::monday_morning(), serde_json::json!({})).await;
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/loadtest/scenarios/booking-browse.toml"
    ))
    .expect("scenario file");
    let mut scenario = vamt_loadtest::Scenario::parse(&text).expect("scenario parses");
    // Same phases, fewer requests: this checks the tool, the benchmark run is separate.
    for vamt_loadtest::Phase::Http(p) in &mut scenario.phase {
        p.requests = p.requests.min(200);
    }
    let report = vamt_loadtest::run(&scenario, &format!("http://{}", stack.addr))
        .await
        .expect("runs");
    assert_eq!(report.phases.len(), 2);
    let browse = &report.phases[1];
    assert_eq!(browse.errors, 0, "{report:?}");
    assert_eq!(browse.ok, 200);
    assert!(
        browse.p50_ms > 0.0 && browse.p50_ms <= browse.p99_ms && browse.p99_ms <= browse.max_ms
    );
    // The portal counted the same requests the tool made.
    let gathered = stack.state.registry.gather();
    let served: f64 = gathered
        .iter()
        .filter(|m| m.name() == "vamt_portal_http_requests_total")
        .flat_map(|m| m.get_metric())
        .map(|m| m.get_counter().get_value())
        .sum();
    assert_eq!(
        served as u64,
        report.phases.iter().map(|p| p.ok).sum::<u64>()
    );
}

/// The release storm of `bench booking` at a small size: every client answered (held or
/// taken), no more held than there is clerk time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn release_storm_answers_every_client_and_holds_no_more_than_the_day_has() {
    let r = vamt_loadtest::booking_storm::run(None, 60, 2)
        .await
        .expect("storm runs");
    assert_eq!(r.errors, 0, "{r:?}");
    assert_eq!(r.held + r.taken, 60);
    assert!(r.held > 0 && r.held <= r.released_slots * 2, "{r:?}");
    assert!(r.p50_ms > 0.0 && r.p50_ms <= r.p99_ms && r.p99_ms <= r.max_ms);
}
