//! `bench booking` builds its city and reports what it measured (the figures themselves
//! belong in docs/benchmarks.md, from a release build).
use vamt_loadtest::booking_bench::{run, BookingBench};

#[test]
fn the_booking_benchmark_searches_a_city_and_reports_every_search() {
    let r = run(&BookingBench {
        searches: 40,
        booked: 0.7,
    })
    .expect("runs");
    assert_eq!((r.locations, r.clerks, r.services), (5, 40, 60));
    assert_eq!(r.searches, 40);
    assert!(r.booked_appointments > 10_000, "{r:?}");
    assert!(
        r.mean_offers > 0.0,
        "a mostly booked city still has free times: {r:?}"
    );
    assert!(r.slot_search_p50_ms <= r.slot_search_p99_ms);
    assert!(r.slot_search_p99_ms <= r.slot_search_max_ms);
    // A fuller city leaves fewer free times.
    let full = run(&BookingBench {
        searches: 40,
        booked: 0.95,
    })
    .expect("runs");
    assert!(full.mean_offers < r.mean_offers, "{full:?} vs {r:?}");
}
