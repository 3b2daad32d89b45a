//! The load generator against a real portal on loopback: every request answered, figures
//! reported.
#[path = "../portal/tests/common/mod.rs"]
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
