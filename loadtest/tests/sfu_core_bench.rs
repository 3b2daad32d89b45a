//! The SFU core bench runs and its figures are consistent (no timing asserted: figures are
//! reported, not judged, in tests).
#[test]
fn sfu_core_bench_reports_consistent_figures() {
    let r = vamt_loadtest::sfu_core::run(&vamt_loadtest::sfu_core::SfuCoreBench {
        consultations: 2,
        seconds: 2,
        video_frame_bytes: 4200,
    });
    assert_eq!(r.participants, 4);
    // Each participant receives the other's 50 audio packets and ~28.6 video frames per
    // second: 4 × 2 s × (50 + 28) frames, give or take the first and last frame.
    assert!((600..=650).contains(&r.forwarded_frames), "{r:?}");
    // A 4200-byte video frame leaves as several RTP packets, plus RTCP: more datagrams
    // than frames.
    assert!(r.sent_datagrams > r.forwarded_frames + 400, "{r:?}");
    assert!(r.sfu_cpu_seconds > 0.0 && r.ours_pps_per_cpu_s > 0.0);
    println!("{}", serde_json::to_string(&r).expect("json"));
}
