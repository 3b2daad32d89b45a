//! The hub over a fake media plane (issue 19): what signalling asks of the media and what
//! it makes of the answers, without binding a UDP socket or running an SFU.
use std::sync::{Arc, Mutex};

use tokio::sync::mpsc;
use vamt_sfu::{SfuError, SfuEvent};
use vamt_signalling::media::{MediaFuture, MediaPlane};
use vamt_signalling::session::{self, Inbound, Outbound};
use vamt_signalling::{Hub, ParticipantId, RoomId, SignallingMetrics, TokenKeys};

mod common;

use common::{join_frame, SECRET};

/// Records what the hub asked; answers every offer with a fixed SDP and reports the
/// participant connected at once.
#[derive(Default)]
struct FakeMedia {
    calls: Mutex<Vec<String>>,
    stopped: std::sync::atomic::AtomicBool,
}

impl FakeMedia {
    fn record(&self, call: String) {
        self.calls.lock().expect("calls").push(call);
    }

    fn calls(&self) -> Vec<String> {
        self.calls.lock().expect("calls").clone()
    }
}

impl MediaPlane for FakeMedia {
    fn offer(
        &self,
        room: RoomId,
        participant: ParticipantId,
        sdp: String,
        events: mpsc::UnboundedSender<SfuEvent>,
    ) -> MediaFuture<'_, String> {
        self.record(format!("offer {room} {participant} {sdp}"));
        // An offer that "publishes" starts a microphone on MID 0 and two videos on 1 and 2.
        if sdp.contains("publishes") {
            for (mid, kind) in [("0", "audio"), ("1", "video"), ("2", "video")] {
                let _ = events.send(SfuEvent::TrackPublished {
                    participant: participant.clone(),
                    track: vamt_sfu::TrackId::random(),
                    kind,
                    mid: mid.to_owned(),
                });
            }
        }
        let _ = events.send(SfuEvent::Connected { participant });
        Box::pin(async { Ok("fake answer".to_owned()) })
    }

    fn answer(&self, participant: ParticipantId, _sdp: String) -> MediaFuture<'_, ()> {
        self.record(format!("answer {participant}"));
        Box::pin(async { Err(SfuError::NoPendingOffer) })
    }

    fn add_candidate(&self, participant: ParticipantId, candidate: String) -> MediaFuture<'_, ()> {
        self.record(format!("candidate {participant} {candidate}"));
        Box::pin(async { Ok(()) })
    }

    fn redirect(&self, participant: ParticipantId, _events: mpsc::UnboundedSender<SfuEvent>) {
        self.record(format!("redirect {participant}"));
    }

    fn set_rendered_size(
        &self,
        participant: ParticipantId,
        mid: String,
        width: u32,
        height: u32,
    ) -> MediaFuture<'_, ()> {
        self.record(format!("size {participant} {mid} {width}x{height}"));
        Box::pin(async { Ok(()) })
    }

    fn set_muted(&self, participant: ParticipantId, muted: bool) -> MediaFuture<'_, ()> {
        self.record(format!("muted {participant} {muted}"));
        Box::pin(async { Ok(()) })
    }

    fn remove(&self, participant: ParticipantId) {
        self.record(format!("remove {participant}"));
    }

    fn is_running(&self) -> bool {
        !self.stopped.load(std::sync::atomic::Ordering::SeqCst)
    }
}

async fn next_text(out: &mut mpsc::UnboundedReceiver<Outbound>) -> serde_json::Value {
    match out.recv().await {
        Some(Outbound::Text(t)) => serde_json::from_str(&t).expect("json"),
        other => panic!("expected a text frame, got {other:?}"),
    }
}

#[tokio::test]
async fn the_hub_negotiates_and_removes_media_through_its_media_plane() {
    let media = Arc::new(FakeMedia::default());
    let registry = prometheus::Registry::new();
    let hub = Arc::new(Hub::new(
        TokenKeys::from_secret(SECRET),
        media.clone(),
        SignallingMetrics::new(&registry).expect("metrics"),
        vamt_signalling::hub::system_clock(),
    ));
    assert!(hub.media_ready());

    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let run = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    in_tx.send(join_frame("RM_fakemedia1")).await.expect("send");
    let joined = next_text(&mut out_rx).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let me = joined["participant"]
        .as_str()
        .expect("participant")
        .to_owned();

    // The offer goes to the media plane; its answer and events come back to the browser.
    in_tx
        .send(Inbound::Text(r#"{"type":"offer","sdp":"v=0 fake"}"#.into()))
        .await
        .expect("send");
    let mut seen = Vec::new();
    // Bounded: the answer and `media_connected`, in either order.
    for _ in 0..2 {
        seen.push(next_text(&mut out_rx).await);
    }
    assert!(
        seen.iter()
            .any(|m| m["type"] == "answer" && m["sdp"] == "fake answer"),
        "{seen:?}"
    );
    assert!(
        seen.iter().any(|m| m["type"] == "media_connected"),
        "{seen:?}"
    );

    // A media-plane refusal is the browser's `negotiation_failed`, not a dropped socket.
    in_tx
        .send(Inbound::Text(r#"{"type":"answer","sdp":"v=0"}"#.into()))
        .await
        .expect("send");
    let refused = next_text(&mut out_rx).await;
    assert_eq!(refused["type"], "error", "{refused}");
    assert_eq!(refused["code"], "negotiation_failed", "{refused}");

    // Leaving takes the participant out of the media plane too.
    in_tx
        .send(Inbound::Text(r#"{"type":"leave"}"#.into()))
        .await
        .expect("send");
    run.await.expect("the session ends after leave");
    assert_eq!(
        media.calls(),
        vec![
            format!("offer RM_fakemedia1 {me} v=0 fake"),
            format!("answer {me}"),
            format!("remove {me}"),
        ]
    );

    // Readiness follows the media plane.
    media
        .stopped
        .store(true, std::sync::atomic::Ordering::SeqCst);
    assert!(!hub.media_ready());
}

#[tokio::test]
async fn published_tracks_are_announced_with_the_source_their_publisher_named() {
    let media = Arc::new(FakeMedia::default());
    let registry = prometheus::Registry::new();
    let hub = Arc::new(Hub::new(
        TokenKeys::from_secret(SECRET),
        media.clone(),
        SignallingMetrics::new(&registry).expect("metrics"),
        vamt_signalling::hub::system_clock(),
    ));
    let (in_tx, in_rx) = mpsc::channel::<Inbound>(8);
    let (out_tx, mut out_rx) = mpsc::unbounded_channel();
    let run = tokio::spawn(session::run(hub.clone(), in_rx, out_tx));
    in_tx.send(join_frame("RM_sources1")).await.expect("send");
    let joined = next_text(&mut out_rx).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let me = joined["participant"]
        .as_str()
        .expect("participant")
        .to_owned();

    let text = |s: &str| Inbound::Text(s.to_owned());
    // Bad MIDs are refused and change nothing.
    in_tx
        .send(text(r#"{"type":"track_sources","sources":{"":"screen"}}"#))
        .await
        .expect("send");
    let refused = next_text(&mut out_rx).await;
    assert_eq!(refused["code"], "malformed", "{refused}");
    // MID 2 is the screen; MID 1 is said to be a microphone, which a video cannot be.
    in_tx
        .send(text(
            r#"{"type":"track_sources","sources":{"1":"microphone"}}"#,
        ))
        .await
        .expect("send");
    in_tx
        .send(text(r#"{"type":"track_sources","sources":{"2":"screen"}}"#))
        .await
        .expect("send");
    in_tx
        .send(text(r#"{"type":"offer","sdp":"v=0 publishes"}"#))
        .await
        .expect("send");
    let mut published = Vec::new();
    // Bounded: the answer, media_connected and three tracks.
    for _ in 0..5 {
        let m = next_text(&mut out_rx).await;
        if m["type"] == "track_published" {
            assert_eq!(m["participant"], me.as_str(), "{m}");
            assert!(
                m["track"].as_str().is_some_and(|t| t.starts_with("TR_")),
                "{m}"
            );
            published.push((m["kind"].clone(), m["source"].clone()));
        }
    }
    assert_eq!(
        published,
        vec![
            ("audio".into(), "microphone".into()),
            ("video".into(), "camera".into()),
            ("video".into(), "screen".into()),
        ]
    );
    in_tx.send(text(r#"{"type":"leave"}"#)).await.expect("send");
    run.await.expect("the session ends after leave");
}
