//! The signalling socket refuses bad input with typed errors and keeps serving everyone.
use crate::common;

use std::time::Duration;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio_tungstenite::tungstenite::Message;
use vamt_signalling::{Role, RoomClaims, TokenKeys};

type Ws =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn connect(addr: std::net::SocketAddr) -> Ws {
    let (ws, _) = tokio_tungstenite::connect_async(format!("ws://{addr}/ws"))
        .await
        .expect("websocket connects");
    ws
}

async fn send(ws: &mut Ws, v: Value) {
    ws.send(Message::Text(v.to_string().into()))
        .await
        .expect("send");
}

async fn recv(ws: &mut Ws) -> Value {
    loop {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a reply within 5 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = msg {
            return serde_json::from_str(&t).expect("server sends JSON");
        }
    }
}

async fn expect_error(ws: &mut Ws, code: &str) {
    let m = recv(ws).await;
    assert_eq!(m["type"], "error", "{m}");
    assert_eq!(m["code"], code, "{m}");
    assert!(m["message"].as_str().is_some_and(|s| !s.is_empty()), "{m}");
}

fn token(room: &str, exp_offset: i64, role: Role, now: u64) -> String {
    TokenKeys::from_secret(common::SECRET)
        .sign(&RoomClaims {
            sub: format!("{role}:t"),
            name: format!("Test {role}"),
            room: room.into(),
            booking: "BK_test".into(),
            role,
            iat: now,
            exp: (now as i64 + exp_offset) as u64,
            lobby: false,
            opens_at: None,
        })
        .expect("sign")
}

#[tokio::test]
async fn bad_messages_get_typed_errors_and_others_keep_being_served() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let now_s = now.timestamp() as u64;
    let room = "RM_testroom";

    // A good participant joins first.
    let mut good = connect(stack.addr).await;
    send(&mut good, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    let joined = recv(&mut good).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    assert_eq!(joined["role"], "clerk");

    let mut bad = connect(stack.addr).await;
    bad.send(Message::Text("{this is not json".into()))
        .await
        .expect("send");
    expect_error(&mut bad, "malformed").await;
    send(&mut bad, json!({"type": "offer"})).await;
    expect_error(&mut bad, "malformed").await;
    send(&mut bad, json!({"type": "teleport"})).await;
    expect_error(&mut bad, "unknown_type").await;
    bad.send(Message::Binary(vec![1, 2, 3].into()))
        .await
        .expect("send");
    expect_error(&mut bad, "malformed").await;
    send(&mut bad, json!({"type": "offer", "sdp": "v=0"})).await;
    expect_error(&mut bad, "not_joined").await;
    send(
        &mut bad,
        json!({"type": "offer", "sdp": "x".repeat(70 * 1024)}),
    )
    .await;
    expect_error(&mut bad, "too_large").await;
    send(&mut bad, json!({"type": "join", "protocol": 3, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    expect_error(&mut bad, "unsupported_protocol").await;
    // Unknown fields are refused for every type, those without fields too.
    send(&mut bad, json!({"type": "ping", "x": 1})).await;
    expect_error(&mut bad, "malformed").await;
    send(&mut bad, json!({"type": "leave", "reason": "bye"})).await;
    expect_error(&mut bad, "malformed").await;
    send(&mut bad, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, -1, Role::Citizen, now_s)})).await;
    expect_error(&mut bad, "token_expired").await;
    send(&mut bad, json!({"type": "join", "protocol": 1, "room": room, "token": token("RM_otherroom", 600, Role::Citizen, now_s)})).await;
    expect_error(&mut bad, "wrong_room").await;
    let forged = TokenKeys::from_secret(b"another-secret-another-secret-xx!")
        .sign(&RoomClaims {
            sub: "x".into(),
            name: "x".into(),
            room: room.into(),
            booking: "BK_x".into(),
            role: Role::Clerk,
            iat: now_s,
            exp: now_s + 600,
            lobby: false,
            opens_at: None,
        })
        .expect("sign");
    send(
        &mut bad,
        json!({"type": "join", "protocol": 1, "room": room, "token": forged}),
    )
    .await;
    expect_error(&mut bad, "token_invalid").await;

    // After all that the bad socket still answers, and the good one never heard of it.
    send(&mut bad, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut bad).await["type"], "pong");
    send(&mut good, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut good).await["type"], "pong");

    // A valid citizen joins now: the clerk is told, the citizen sees the clerk.
    send(&mut bad, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let joined = recv(&mut bad).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    assert_eq!(joined["participants"][0]["role"], "clerk");
    let seen = recv(&mut good).await;
    assert_eq!(seen["type"], "participant_joined", "{seen}");
    assert_eq!(seen["role"], "citizen");

    // An SDP the media server cannot use is refused, the session stays.
    send(&mut bad, json!({"type": "offer", "sdp": "v=0\r\nnonsense"})).await;
    expect_error(&mut bad, "negotiation_failed").await;
    send(&mut bad, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    expect_error(&mut bad, "already_joined").await;

    // Leaving tells the others why.
    send(&mut bad, json!({"type": "leave"})).await;
    let left = recv(&mut good).await;
    assert_eq!(left["type"], "participant_left", "{left}");
    assert_eq!(left["reason"], "left");

    let metrics = stack.state.registry.gather();
    let errors: f64 = metrics
        .iter()
        .find(|m| m.name() == "vamt_signalling_errors_total")
        .map(|m| {
            m.get_metric()
                .iter()
                .map(|c| c.get_counter().get_value())
                .sum()
        })
        .unwrap_or(0.0);
    assert!(errors >= 12.0, "errors counted: {errors}");
}

#[tokio::test]
async fn a_flood_of_garbage_closes_only_the_abuser() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let mut abuser = connect(stack.addr).await;
    for _ in 0..60 {
        abuser
            .send(Message::Text("garbage".into()))
            .await
            .expect("send");
    }
    let mut closed = None;
    while let Ok(Some(frame)) = tokio::time::timeout(Duration::from_secs(5), abuser.next()).await {
        if let Ok(Message::Close(Some(c))) = frame {
            closed = Some(c);
            break;
        }
    }
    let close = closed.expect("abusive socket gets a close frame");
    assert_eq!(u16::from(close.code), 1008);
    assert!(!close.reason.is_empty());

    let mut other = connect(stack.addr).await;
    send(&mut other, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut other).await["type"], "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooding_client_is_limited_and_closed_while_others_are_served() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;

    async fn ping_rtts(ws: &mut Ws, n: usize) -> Vec<f64> {
        let mut rtts = Vec::with_capacity(n);
        for _ in 0..n {
            let t0 = std::time::Instant::now();
            send(ws, json!({"type": "ping"})).await;
            assert_eq!(recv(ws).await["type"], "pong");
            rtts.push(t0.elapsed().as_secs_f64() * 1000.0);
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        rtts.sort_by(f64::total_cmp);
        rtts
    }
    let p99 = |v: &[f64]| v[((v.len() as f64 * 0.99).ceil() as usize).clamp(1, v.len()) - 1];

    let mut other = connect(stack.addr).await;
    let baseline = ping_rtts(&mut other, 40).await;

    let mut flooder = connect(stack.addr).await;
    let flood = tokio::spawn(async move {
        let msg = json!({"type": "ping"}).to_string();
        let started = std::time::Instant::now();
        let mut sent = 0;
        // 10,000 messages, as fast as the socket takes them (bounded in count).
        for _ in 0..10_000 {
            if flooder
                .send(Message::Text(msg.clone().into()))
                .await
                .is_err()
            {
                break;
            }
            sent += 1;
        }
        // What the flooder reads back is racy by nature: the server closes while thousands
        // of its messages are unread, so the kernel may reset the connection and discard
        // frames queued for it. Only "closed, by a close frame or a reset" is certain.
        let mut pongs = 0;
        let mut close = None;
        loop {
            match tokio::time::timeout(Duration::from_secs(5), flooder.next()).await {
                Ok(Some(Ok(Message::Text(t)))) => {
                    let v: Value = serde_json::from_str(&t).expect("json");
                    if v["type"] == "pong" {
                        pongs += 1;
                    }
                }
                Ok(Some(Ok(Message::Close(c)))) => {
                    close = c;
                    break;
                }
                Ok(Some(Ok(_))) => {}
                Ok(Some(Err(_))) | Ok(None) => break,
                Err(_) => panic!("the flooder's connection stays open"),
            }
        }
        (sent, started.elapsed(), pongs, close)
    });
    let during = ping_rtts(&mut other, 40).await;
    let (sent, took, pongs, close) = flood.await.expect("flooder task");
    let dropped = counter(&stack, "vamt_signalling_messages_total", "dropped");
    let rate_limited = counter(&stack, "vamt_signalling_errors_total", "rate_limited");

    println!(
        "flood: {sent} messages in {took:?}; server dropped {dropped} and sent {rate_limited} rate_limited errors; \
         flooder read {pongs} pongs; other client's ping p99 {:.2} ms before, {:.2} ms during",
        p99(&baseline),
        p99(&during)
    );
    assert_eq!(
        during.len(),
        40,
        "the other client got every answer during the flood"
    );
    // The burst (60) passed, then the server dropped (a token refilling at 20/s may let a
    // message through meanwhile) and closed after 500 drops in a row.
    assert!(dropped >= 500.0, "dropped until the close: {dropped}");
    assert!(rate_limited >= 1.0, "the flooder was told");
    assert!(pongs <= 100, "about the burst was answered: {pongs}");
    if let Some(close) = close {
        assert_eq!(u16::from(close.code), 1008);
        assert_eq!(close.reason.as_str(), "message flood");
    }
}

#[tokio::test]
async fn a_ninth_participant_is_refused_with_room_full() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let now_s = now.timestamp() as u64;
    let room = "RM_fullroom";
    let mut members = Vec::new();
    for i in 0..vamt_signalling::hub::MAX_PARTICIPANTS {
        let mut ws = connect(stack.addr).await;
        send(&mut ws, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
        let joined = recv(&mut ws).await;
        assert_eq!(joined["type"], "joined", "member {i}: {joined}");
        members.push(ws);
    }
    let mut ninth = connect(stack.addr).await;
    send(&mut ninth, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    expect_error(&mut ninth, "room_full").await;
    // When someone leaves, there is room again (as soon as the leave is processed).
    send(&mut members[0], json!({"type": "leave"})).await;
    let mut admitted = false;
    for _ in 0..100 {
        send(&mut ninth, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
        let reply = recv(&mut ninth).await;
        if reply["type"] == "joined" {
            admitted = true;
            break;
        }
        assert_eq!(reply["code"], "room_full", "{reply}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(admitted, "admitted once a seat was free");
}

#[tokio::test]
async fn chat_reaches_the_room_with_a_receipt_and_bad_chat_is_refused() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let now_s = now.timestamp() as u64;
    let room = "RM_chatroom";
    let mut citizen = connect(stack.addr).await;
    send(
        &mut citizen,
        json!({"type": "chat", "id": "early", "text": "hello?"}),
    )
    .await;
    expect_error(&mut citizen, "not_joined").await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let me = recv(&mut citizen).await["participant"]
        .as_str()
        .expect("id")
        .to_owned();
    let mut clerk = connect(stack.addr).await;
    send(&mut clerk, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    assert_eq!(recv(&mut citizen).await["type"], "participant_joined");

    send(
        &mut citizen,
        json!({"type": "chat", "id": "m1", "text": "Können Sie mich hören? <b>no html</b>"}),
    )
    .await;
    let got = recv(&mut clerk).await;
    assert_eq!(got["type"], "chat", "{got}");
    assert_eq!(got["from"], me.as_str());
    assert_eq!(got["name"], "Test citizen");
    assert_eq!(
        got["text"], "Können Sie mich hören? <b>no html</b>",
        "relayed as sent; the page renders text"
    );
    let own = recv(&mut citizen).await;
    assert_eq!(
        (own["type"].as_str(), own["id"].as_str()),
        (Some("chat"), Some("m1"))
    );
    let receipt = recv(&mut citizen).await;
    assert_eq!(
        receipt,
        json!({"type": "chat_delivered", "id": "m1", "recipients": 1})
    );

    send(
        &mut citizen,
        json!({"type": "chat", "id": "m2", "text": "x".repeat(2001)}),
    )
    .await;
    expect_error(&mut citizen, "malformed").await;
    send(
        &mut citizen,
        json!({"type": "chat", "id": "", "text": "hi"}),
    )
    .await;
    expect_error(&mut citizen, "malformed").await;
}

#[tokio::test]
async fn video_size_is_checked_and_an_unknown_track_refused() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_videosize01";
    let mut ws = connect(stack.addr).await;
    send(
        &mut ws,
        json!({"type": "video_size", "mid": "1", "width": 320, "height": 180}),
    )
    .await;
    expect_error(&mut ws, "not_joined").await;
    send(&mut ws, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    assert_eq!(recv(&mut ws).await["type"], "joined");
    send(
        &mut ws,
        json!({"type": "video_size", "mid": "1", "width": 99_999, "height": 180}),
    )
    .await;
    expect_error(&mut ws, "malformed").await;
    send(
        &mut ws,
        json!({"type": "video_size", "mid": "", "width": 320, "height": 180}),
    )
    .await;
    expect_error(&mut ws, "malformed").await;
    send(
        &mut ws,
        json!({"type": "video_size", "mid": "1", "width": -1, "height": 180}),
    )
    .await;
    expect_error(&mut ws, "malformed").await;
    // Joined, but no media negotiated yet: there is no video on MID 1 to size.
    send(
        &mut ws,
        json!({"type": "video_size", "mid": "1", "width": 320, "height": 180}),
    )
    .await;
    expect_error(&mut ws, "unknown_track").await;
    // The socket still serves.
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await["type"], "pong");
}

#[tokio::test]
async fn an_observer_may_watch_but_not_send_media_or_chat() {
    use str0m::media::{Direction, MediaKind};
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_observed01";
    let mut ws = connect(stack.addr).await;
    send(&mut ws, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Observer, now_s)})).await;
    let joined = recv(&mut ws).await;
    assert_eq!(joined["role"], "observer", "{joined}");

    send(
        &mut ws,
        json!({"type": "chat", "id": "m1", "text": "hello"}),
    )
    .await;
    expect_error(&mut ws, "forbidden").await;

    // An offer that would send a camera is refused before it reaches the media server…
    let offer = |dir: Direction| {
        let mut rtc = str0m::Rtc::builder().build(std::time::Instant::now());
        let mut api = rtc.sdp_api();
        api.add_media(MediaKind::Audio, dir, None, None, None);
        api.add_media(MediaKind::Video, dir, None, None, None);
        let (offer, _) = api.apply().expect("an offer");
        offer.to_sdp_string()
    };
    send(
        &mut ws,
        json!({"type": "offer", "sdp": offer(Direction::SendOnly)}),
    )
    .await;
    expect_error(&mut ws, "forbidden").await;
    assert!(stack.state.hub.media_ready());

    // …and a receive-only one is answered.
    send(
        &mut ws,
        json!({"type": "offer", "sdp": offer(Direction::RecvOnly)}),
    )
    .await;
    let answer = recv(&mut ws).await;
    assert_eq!(answer["type"], "answer", "{answer}");

    // The same offer from a citizen is fine: the role decides, not the SDP.
    let mut citizen = connect(stack.addr).await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    assert_eq!(recv(&mut citizen).await["type"], "joined");
    send(
        &mut citizen,
        json!({"type": "offer", "sdp": offer(Direction::SendOnly)}),
    )
    .await;
    loop {
        let m = recv(&mut citizen).await;
        if m["type"] == "answer" {
            break;
        }
        assert_ne!(m["type"], "error", "{m}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dropped_socket_resumes_its_place_and_the_others_never_see_it_leave() {
    let stack = common::start(
        common::monday_morning(),
        json!({"call": {"resume_grace_seconds": 1}}),
    )
    .await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_resume001";
    let mut clerk = connect(stack.addr).await;
    send(&mut clerk, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    let mut citizen = connect(stack.addr).await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let joined = recv(&mut citizen).await;
    let me = joined["participant"].as_str().expect("id").to_owned();
    let resume_token = joined["resume_token"]
        .as_str()
        .expect("resume token")
        .to_owned();
    assert!(resume_token.len() >= 64, "a long random secret");
    assert_eq!(recv(&mut clerk).await["type"], "participant_joined");

    // The citizen's network changes: the socket is gone without a `leave`.
    drop(citizen);
    let note = recv(&mut clerk).await;
    assert_eq!(note["type"], "participant_reconnecting", "{note}");
    assert_eq!(note["participant"], me.as_str());

    // A wrong token takes nothing over.
    let mut stranger = connect(stack.addr).await;
    send(
        &mut stranger,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": "0".repeat(64)}),
    )
    .await;
    expect_error(&mut stranger, "resume_failed").await;

    // The citizen is back within the grace period, as the same participant.
    let mut again = connect(stack.addr).await;
    send(
        &mut again,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": resume_token}),
    )
    .await;
    let resumed = recv(&mut again).await;
    assert_eq!(resumed["type"], "resumed", "{resumed}");
    assert_eq!(resumed["participant"], me.as_str());
    assert_eq!(resumed["participants"].as_array().map(Vec::len), Some(1));
    let back = recv(&mut clerk).await;
    assert_eq!(back["type"], "participant_resumed", "{back}");
    // The place works: chat goes out under the same identity; the clerk saw no `left`.
    send(
        &mut again,
        json!({"type": "chat", "id": "c1", "text": "wieder da"}),
    )
    .await;
    let chat = recv(&mut clerk).await;
    assert_eq!(chat["type"], "chat", "{chat}");
    assert_eq!(chat["from"], me.as_str());

    // Dropped again and not back in time: now the citizen has left.
    drop(again);
    assert_eq!(recv(&mut clerk).await["type"], "participant_reconnecting");
    let left = recv(&mut clerk).await;
    assert_eq!(left["type"], "participant_left", "{left}");
    assert_eq!(left["reason"], "connection_lost");
    let mut late = connect(stack.addr).await;
    send(
        &mut late,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": resume_token}),
    )
    .await;
    expect_error(&mut late, "resume_failed").await;

    let gathered = stack.state.registry.gather();
    let resumes = gathered
        .iter()
        .find(|m| m.name() == "vamt_signalling_resumes_total")
        .expect("resumes counted");
    let count = |outcome: &str| -> f64 {
        resumes
            .get_metric()
            .iter()
            .filter(|m| m.get_label().iter().any(|l| l.value() == outcome))
            .map(|m| m.get_counter().get_value())
            .sum()
    };
    assert_eq!(count("held"), 2.0);
    assert_eq!(count("resumed"), 1.0);
    assert_eq!(count("failed"), 2.0);
}

fn lobby_token(room: &str, role: Role, sub: &str, opens_at: u64, now: u64) -> String {
    TokenKeys::from_secret(common::SECRET)
        .sign(&RoomClaims {
            sub: sub.into(),
            name: format!("Name {sub}"),
            room: room.into(),
            booking: format!("BK_{sub}"),
            role,
            iat: now,
            exp: now + 600,
            lobby: role == Role::Citizen,
            opens_at: Some(opens_at),
        })
        .expect("sign")
}

async fn join(ws: &mut Ws, room: &str, token: String) {
    send(
        ws,
        json!({"type": "join", "protocol": 1, "room": room, "token": token}),
    )
    .await;
}

async fn expect_close(ws: &mut Ws, code: u16) {
    loop {
        match tokio::time::timeout(Duration::from_secs(5), ws.next()).await {
            Ok(Some(Ok(Message::Close(Some(c))))) => {
                assert_eq!(u16::from(c.code), code, "{c:?}");
                return;
            }
            Ok(Some(Ok(_))) => continue,
            other => panic!("expected a close frame {code}, got {other:?}"),
        }
    }
}

#[tokio::test]
async fn the_waiting_room_queues_by_appointment_and_only_the_clerk_admits_mutes_removes_and_ends() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let t = now.timestamp() as u64;
    let (room, other_room) = ("RM_lobbyroom", "RM_laterroom");

    // Too early: refused with the time the room opens.
    let mut early = connect(stack.addr).await;
    join(
        &mut early,
        room,
        lobby_token(room, Role::Citizen, "early", t + 900, t),
    )
    .await;
    let m = recv(&mut early).await;
    assert_eq!(
        (m["type"].as_str(), m["code"].as_str()),
        (Some("error"), Some("too_early")),
        "{m}"
    );
    assert_eq!(m["retry_at"], t + 900);

    let mut clerk = connect(stack.addr).await;
    join(
        &mut clerk,
        room,
        lobby_token(room, Role::Clerk, "clerk", t, t),
    )
    .await;
    let joined = recv(&mut clerk).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let clerk_id = joined["participant"].as_str().expect("id").to_owned();

    // A citizen for this room waits; the clerk sees them.
    let mut citizen = connect(stack.addr).await;
    join(
        &mut citizen,
        room,
        lobby_token(room, Role::Citizen, "erika", t - 60, t),
    )
    .await;
    let w = recv(&mut citizen).await;
    assert_eq!(
        (w["type"].as_str(), w["position"].as_u64()),
        (Some("waiting"), Some(1)),
        "{w}"
    );
    let citizen_id = w["participant"].as_str().expect("id").to_owned();
    // The clerk was there first: it hears of the newcomer as a change, not a list.
    let lobby = recv(&mut clerk).await;
    assert_eq!(lobby["type"], "lobby_add", "{lobby}");
    assert_eq!(lobby["position"], 1, "{lobby}");
    assert_eq!(lobby["participant"], citizen_id.as_str());
    assert_eq!(lobby["name"], "Name erika");

    // Someone with an earlier appointment (another room) goes ahead in the office's queue.
    let mut earlier = connect(stack.addr).await;
    join(
        &mut earlier,
        other_room,
        lobby_token(other_room, Role::Citizen, "max", t - 600, t),
    )
    .await;
    assert_eq!(recv(&mut earlier).await["position"], 1);
    let moved = recv(&mut citizen).await;
    assert_eq!(
        (moved["type"].as_str(), moved["position"].as_u64()),
        (Some("waiting"), Some(2)),
        "{moved}"
    );

    // Waiting is not being in the call: no media, no chat, no admitting oneself.
    send(&mut citizen, json!({"type": "offer", "sdp": "v=0"})).await;
    expect_error(&mut citizen, "not_admitted").await;
    send(
        &mut citizen,
        json!({"type": "admit", "participant": citizen_id}),
    )
    .await;
    expect_error(&mut citizen, "not_admitted").await;
    // The clerk cannot admit someone who waits for another room, nor a made-up ID.
    send(
        &mut clerk,
        json!({"type": "admit", "participant": "PA_nobody"}),
    )
    .await;
    expect_error(&mut clerk, "unknown_participant").await;

    // Admitted: the citizen gets `joined` with the clerk in it, the clerk sees them join.
    send(
        &mut clerk,
        json!({"type": "admit", "participant": citizen_id}),
    )
    .await;
    let j = recv(&mut citizen).await;
    assert_eq!(j["type"], "joined", "{j}");
    assert_eq!(j["participant"], citizen_id.as_str());
    assert_eq!(j["participants"][0]["role"], "clerk");
    assert!(j["resume_token"].as_str().is_some_and(|s| s.len() >= 32));
    let seen = recv(&mut clerk).await;
    assert_eq!(
        (seen["type"].as_str(), seen["participant"].as_str()),
        (Some("participant_joined"), Some(citizen_id.as_str())),
        "{seen}"
    );
    let emptied = recv(&mut clerk).await;
    assert_eq!(
        emptied,
        json!({"type": "lobby_remove", "participant": citizen_id})
    );
    // The one ahead in the queue kept its place, so it hears nothing of it.
    send(&mut earlier, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut earlier).await["type"], "pong");

    // A citizen's token cannot moderate.
    for m in [
        json!({"type": "admit", "participant": "PA_x"}),
        json!({"type": "decline", "participant": "PA_x"}),
        json!({"type": "mute", "participant": clerk_id}),
        json!({"type": "remove", "participant": clerk_id}),
        json!({"type": "end_call"}),
    ] {
        send(&mut citizen, m).await;
        expect_error(&mut citizen, "forbidden").await;
    }

    // Mute: the whole room hears of it; only the participant takes it back.
    send(
        &mut clerk,
        json!({"type": "mute", "participant": citizen_id}),
    )
    .await;
    for ws in [&mut clerk, &mut citizen] {
        assert_eq!(
            recv(ws).await,
            json!({"type": "muted", "participant": citizen_id, "muted": true})
        );
    }
    send(&mut citizen, json!({"type": "unmute"})).await;
    for ws in [&mut clerk, &mut citizen] {
        assert_eq!(
            recv(ws).await,
            json!({"type": "muted", "participant": citizen_id, "muted": false})
        );
    }

    // Another room's clerk declines the one waiting there.
    let mut clerk2 = connect(stack.addr).await;
    join(
        &mut clerk2,
        other_room,
        lobby_token(other_room, Role::Clerk, "clerk2", t, t),
    )
    .await;
    assert_eq!(recv(&mut clerk2).await["type"], "joined");
    let l2 = recv(&mut clerk2).await;
    assert_eq!(l2["waiting"].as_array().map(Vec::len), Some(1), "{l2}");
    let max_id = l2["waiting"][0]["participant"]
        .as_str()
        .expect("id")
        .to_owned();
    send(
        &mut clerk,
        json!({"type": "decline", "participant": max_id}),
    )
    .await;
    expect_error(&mut clerk, "unknown_participant").await;
    send(
        &mut clerk2,
        json!({"type": "decline", "participant": max_id}),
    )
    .await;
    assert_eq!(
        recv(&mut earlier).await,
        json!({"type": "bye", "reason": "declined"})
    );
    expect_close(&mut earlier, 4003).await;

    // Remove: the citizen is sent out and cannot come back with its token.
    send(
        &mut clerk,
        json!({"type": "remove", "participant": citizen_id}),
    )
    .await;
    assert_eq!(
        recv(&mut citizen).await,
        json!({"type": "bye", "reason": "removed"})
    );
    expect_close(&mut citizen, 4001).await;
    let left = recv(&mut clerk).await;
    assert_eq!(
        (left["type"].as_str(), left["reason"].as_str()),
        (Some("participant_left"), Some("removed")),
        "{left}"
    );
    let mut again = connect(stack.addr).await;
    join(
        &mut again,
        room,
        lobby_token(room, Role::Citizen, "erika", t - 60, t),
    )
    .await;
    expect_error(&mut again, "forbidden").await;

    // End the call: everyone in it is told and closed, and the room takes no more joins.
    let mut interpreter = connect(stack.addr).await;
    join(
        &mut interpreter,
        room,
        lobby_token(room, Role::Interpreter, "interp", t, t),
    )
    .await;
    assert_eq!(recv(&mut interpreter).await["type"], "joined");
    assert_eq!(recv(&mut clerk).await["type"], "participant_joined");
    send(&mut clerk, json!({"type": "end_call"})).await;
    for ws in [&mut clerk, &mut interpreter] {
        assert_eq!(
            recv(ws).await,
            json!({"type": "bye", "reason": "call_ended"})
        );
        expect_close(ws, 4002).await;
    }
    let mut late = connect(stack.addr).await;
    join(
        &mut late,
        room,
        lobby_token(room, Role::Clerk, "clerk", t, t),
    )
    .await;
    expect_error(&mut late, "call_ended").await;
    assert_eq!(
        stack.state.hub.participant_count(),
        1,
        "only the other room's clerk is left"
    );
}

#[tokio::test]
async fn a_shutting_down_node_tells_everyone_to_come_back_and_takes_no_joins() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let t = now.timestamp() as u64;
    let room = "RM_drainroom";
    let mut clerk = connect(stack.addr).await;
    join(
        &mut clerk,
        room,
        lobby_token(room, Role::Clerk, "clerk", t, t),
    )
    .await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    let mut waiting = connect(stack.addr).await;
    join(
        &mut waiting,
        room,
        lobby_token(room, Role::Citizen, "erika", t, t),
    )
    .await;
    assert_eq!(recv(&mut waiting).await["type"], "waiting");
    assert_eq!(recv(&mut clerk).await["type"], "lobby_add");

    stack.state.hub.shutdown();
    // In the room and in the waiting room alike: come back in a few seconds.
    for ws in [&mut clerk, &mut waiting] {
        assert_eq!(
            recv(ws).await,
            json!({"type": "bye", "reason": "server_shutdown", "reconnect_after_seconds": 3})
        );
        expect_close(ws, 1001).await;
    }
    let mut late = connect(stack.addr).await;
    join(
        &mut late,
        room,
        lobby_token(room, Role::Clerk, "clerk", t, t),
    )
    .await;
    expect_error(&mut late, "unavailable").await;
}

#[tokio::test]
async fn the_server_pings_every_socket_as_a_heartbeat() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_heartbeat";
    let mut ws = connect(stack.addr).await;
    // Joined: an unjoined socket would be closed before the first heartbeat.
    send(&mut ws, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut ws).await["type"], "joined");
    let t0 = std::time::Instant::now();
    let limit = vamt_signalling::limits::HEARTBEAT_INTERVAL + Duration::from_secs(5);
    let ping = loop {
        match tokio::time::timeout(limit, ws.next()).await {
            Ok(Some(Ok(Message::Ping(p)))) => break p,
            Ok(Some(Ok(_))) => continue,
            other => panic!("no heartbeat ping: {other:?}"),
        }
    };
    assert!(ping.is_empty());
    println!("heartbeat ping after {:?}", t0.elapsed());
    // The pong tungstenite sends back counts as life: the socket still answers.
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await["type"], "pong");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_participant_whose_media_dies_gets_media_lost_and_the_others_see_it_leave() {
    use std::time::Instant;
    use str0m::media::{Direction, MediaKind};
    use str0m::net::{Protocol, Receive};
    use str0m::{Candidate, Event, Input, Output};

    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_medialost1";
    let mut clerk = connect(stack.addr).await;
    send(&mut clerk, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    let mut citizen = connect(stack.addr).await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let me = recv(&mut citizen).await["participant"]
        .as_str()
        .expect("id")
        .to_owned();
    assert_eq!(recv(&mut clerk).await["type"], "participant_joined");

    // A real media connection from a real UDP socket.
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let local = sock.local_addr().expect("local");
    let mut rtc = str0m::Rtc::builder().build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").expect("candidate"));
    let mut api = rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, pending) = api.apply().expect("offer");
    send(
        &mut citizen,
        json!({"type": "offer", "sdp": offer.to_sdp_string()}),
    )
    .await;
    let answer = loop {
        let m = recv(&mut citizen).await;
        if m["type"] == "answer" {
            break m["sdp"].as_str().expect("sdp").to_owned();
        }
    };
    rtc.sdp_api()
        .accept_answer(
            pending,
            str0m::change::SdpAnswer::from_sdp_string(&answer).expect("answer"),
        )
        .expect("accepted");
    let server = stack.sfu.local_addr();
    let mut connected = false;
    // Bounded: at most 1000 rounds of 5 ms.
    for _ in 0..1000 {
        let _ = rtc.handle_input(Input::Timeout(Instant::now()));
        while let Ok(out) = rtc.poll_output() {
            match out {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    let _ = sock.send_to(&t.contents, t.destination).await;
                }
                Output::Event(Event::Connected) => connected = true,
                Output::Event(_) => {}
            }
        }
        let mut buf = vec![0u8; 2048];
        while let Ok((n, _)) = sock.try_recv_from(&mut buf) {
            let input = Input::Receive(
                Instant::now(),
                Receive {
                    proto: Protocol::Udp,
                    source: server,
                    destination: local,
                    contents: buf[..n].try_into().expect("datagram"),
                },
            );
            let _ = rtc.handle_input(input);
        }
        if connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(connected, "media connected");

    // The network dies: nothing more from this socket. ICE consent (RFC 7675) runs out,
    // the SFU drops the peer, signalling tells the participant and the room.
    drop(sock);
    let started = Instant::now();
    let lost = loop {
        let m = tokio::time::timeout(Duration::from_secs(40), citizen.next())
            .await
            .expect("media_lost within 40 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t).expect("json");
            if v["type"] == "error" {
                break v;
            }
        }
    };
    assert_eq!(lost["code"], "media_lost", "{lost}");
    let left = loop {
        let m = tokio::time::timeout(Duration::from_secs(5), clerk.next())
            .await
            .expect("participant_left")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = m {
            let v: Value = serde_json::from_str(&t).expect("json");
            if v["type"] == "participant_left" {
                break v;
            }
        }
    };
    assert_eq!(left["participant"], me.as_str());
    println!(
        "dead media detected after {:?}: left with reason {}",
        started.elapsed(),
        left["reason"]
    );
    assert_eq!(stack.state.hub.participant_count(), 1);
}

#[tokio::test]
async fn candidates_and_answers_are_checked_by_the_media_server() {
    use str0m::media::{Direction, MediaKind};
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_candidates";
    let mut ws = connect(stack.addr).await;
    send(&mut ws, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut ws).await["type"], "joined");

    // Before any offer there is no media connection to add to or answer for.
    send(&mut ws, json!({"type": "candidate", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host"})).await;
    expect_error(&mut ws, "negotiation_failed").await;
    send(&mut ws, json!({"type": "answer", "sdp": "v=0\r\n"})).await;
    expect_error(&mut ws, "negotiation_failed").await;

    let mut rtc = str0m::Rtc::builder().build(std::time::Instant::now());
    let mut api = rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, _) = api.apply().expect("offer");
    send(
        &mut ws,
        json!({"type": "offer", "sdp": offer.to_sdp_string()}),
    )
    .await;
    assert_eq!(recv(&mut ws).await["type"], "answer");

    // A trickled host candidate and the end-of-candidates marker are taken silently; a
    // garbled one is refused; an answer nobody asked for too.
    send(&mut ws, json!({"type": "candidate", "candidate": "candidate:1 1 udp 2122260223 127.0.0.1 54321 typ host"})).await;
    send(&mut ws, json!({"type": "candidate", "candidate": ""})).await;
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(
        recv(&mut ws).await["type"],
        "pong",
        "no error before the pong"
    );
    send(
        &mut ws,
        json!({"type": "candidate", "candidate": "candidate:garbage"}),
    )
    .await;
    expect_error(&mut ws, "negotiation_failed").await;
    send(&mut ws, json!({"type": "answer", "sdp": "v=0\r\nnonsense"})).await;
    expect_error(&mut ws, "negotiation_failed").await;
    send(&mut ws, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut ws).await["type"], "pong", "the session goes on");
}

/// Reads frames until `n` texts satisfy `want`, returning those and the bytes of every text
/// frame read on the way.
async fn read_until(ws: &mut Ws, n: usize, want: impl Fn(&Value) -> bool) -> (Vec<Value>, usize) {
    let (mut got, mut bytes) = (Vec::new(), 0);
    while got.len() < n {
        let msg = tokio::time::timeout(Duration::from_secs(5), ws.next())
            .await
            .expect("a frame within 5 s")
            .expect("socket open")
            .expect("frame");
        if let Message::Text(t) = msg {
            bytes += t.len();
            let v: Value = serde_json::from_str(&t).expect("json");
            if want(&v) {
                got.push(v);
            }
        }
    }
    (got, bytes)
}

fn counter(stack: &common::Stack, name: &str, label: &str) -> f64 {
    stack
        .state
        .registry
        .gather()
        .iter()
        .filter(|m| m.name() == name)
        .flat_map(|m| m.get_metric())
        .filter(|m| m.get_label().iter().any(|l| l.value() == label))
        .map(|m| m.get_counter().get_value())
        .sum()
}

/// Opens a WebSocket by hand and then neither reads nor answers anything: a client that
/// would not even complete the close handshake.
async fn raw_upgrade(addr: std::net::SocketAddr) -> tokio::net::TcpStream {
    use tokio::io::AsyncWriteExt;
    let mut tcp = tokio::net::TcpStream::connect(addr).await.expect("tcp");
    let request = format!(
        "GET /ws HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
         Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    );
    tcp.write_all(request.as_bytes())
        .await
        .expect("upgrade request");
    tcp
}

#[tokio::test]
async fn sockets_that_never_join_are_closed_at_the_deadline_even_if_they_ignore_the_close() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_deadline01";
    let loopback: std::net::IpAddr = "127.0.0.1".parse().expect("ip");

    // One participant joins and stays; ten sockets only ping, five never say anything, not
    // even to the close.
    let mut member = connect(stack.addr).await;
    send(&mut member, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut member).await["type"], "joined");
    let mut idle = Vec::new();
    for _ in 0..10 {
        let mut ws = connect(stack.addr).await;
        send(&mut ws, json!({"type": "ping"})).await;
        assert_eq!(recv(&mut ws).await["type"], "pong");
        idle.push(ws);
    }
    let mut mute = Vec::new();
    for _ in 0..5 {
        mute.push(raw_upgrade(stack.addr).await);
    }

    // The deadline (10 s) passes: every pinging socket gets its close with the reason…
    let limit = vamt_signalling::limits::JOIN_DEADLINE + Duration::from_secs(10);
    for ws in &mut idle {
        let close = loop {
            match tokio::time::timeout(limit, ws.next()).await {
                Ok(Some(Ok(Message::Close(Some(c))))) => break c,
                Ok(Some(Ok(_))) => continue,
                other => panic!("expected a close frame, got {other:?}"),
            }
        };
        assert_eq!(u16::from(close.code), 1008, "{close:?}");
        assert_eq!(close.reason.as_str(), "no join in time");
    }
    // …and the silent ones are hung up on: the server does not wait for their answer.
    for tcp in &mut mute {
        use tokio::io::AsyncReadExt;
        let mut got = Vec::new();
        tokio::time::timeout(limit, tcp.read_to_end(&mut got))
            .await
            .expect("the server hangs up a socket that never joined")
            .expect("read");
        let got = String::from_utf8_lossy(&got);
        assert!(got.starts_with("HTTP/1.1 101"), "{got}");
        assert!(
            got.contains("no join in time"),
            "a close frame came first: {got:?}"
        );
    }

    assert_eq!(
        counter(&stack, "vamt_signalling_closes_total", "join_timeout"),
        15.0
    );
    // The member was never disturbed, and only its socket still counts.
    send(&mut member, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut member).await["type"], "pong");
    let mut open = usize::MAX;
    for _ in 0..100 {
        open = stack.state.hub.open_sockets_from(loopback);
        if open == 1 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(open, 1, "closed sockets gave their places back");
}

#[tokio::test]
async fn one_address_gets_its_share_of_sockets_and_no_more() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let cap = vamt_signalling::limits::MAX_SOCKETS_PER_ADDRESS;
    let mut open = Vec::new();
    for _ in 0..cap {
        open.push(connect(stack.addr).await);
    }
    // One more from the same address is refused before it becomes a WebSocket.
    match tokio_tungstenite::connect_async(format!("ws://{}/ws", stack.addr)).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => {
            assert_eq!(resp.status().as_u16(), 429)
        }
        Err(e) => panic!("refused, but not with 429: {e}"),
        Ok(_) => panic!("socket {} from one address was accepted", cap + 1),
    }
    assert_eq!(
        counter(
            &stack,
            "vamt_signalling_sockets_refused_total",
            "address_limit"
        ),
        1.0
    );
    // Those already open are served as before.
    send(&mut open[0], json!({"type": "ping"})).await;
    assert_eq!(recv(&mut open[0]).await["type"], "pong");

    // One closes: its place is free again (once the server has seen it go).
    let mut gone = open.pop().expect("a socket");
    gone.close(None).await.expect("close");
    while let Ok(Some(Ok(_))) = tokio::time::timeout(Duration::from_secs(5), gone.next()).await {}
    let mut again = None;
    for _ in 0..100 {
        if let Ok((ws, _)) =
            tokio_tungstenite::connect_async(format!("ws://{}/ws", stack.addr)).await
        {
            again = Some(ws);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut again = again.expect("a freed place is taken again");
    send(&mut again, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut again).await["type"], "pong");
}

#[tokio::test]
async fn one_person_holds_one_place_in_the_waiting_room_and_the_clerk_hears_changes_not_lists() {
    let now = common::monday_morning();
    let stack = common::start(now, json!({})).await;
    let t = now.timestamp() as u64;
    let room = "RM_onelobby1";
    const JOINS: usize = 50;

    let mut clerk = connect(stack.addr).await;
    join(
        &mut clerk,
        room,
        lobby_token(room, Role::Clerk, "clerk", t, t),
    )
    .await;
    let joined = recv(&mut clerk).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let clerk_token = joined["resume_token"].as_str().expect("token").to_owned();

    // Erika waits first, Max behind her.
    let erika = lobby_token(room, Role::Citizen, "erika", t - 60, t);
    let mut current = connect(stack.addr).await;
    join(&mut current, room, erika.clone()).await;
    assert_eq!(recv(&mut current).await["position"], 1);
    let mut max = connect(stack.addr).await;
    join(
        &mut max,
        room,
        lobby_token(room, Role::Citizen, "max", t - 60, t),
    )
    .await;
    let max_waits = recv(&mut max).await;
    assert_eq!(max_waits["position"], 2, "{max_waits}");
    let max_id = max_waits["participant"].as_str().expect("id").to_owned();

    // Erika's token joins again and again (a reload loop, or a script replaying it): each
    // new socket takes the place of the one before, which is told and closed.
    let mut last_id = String::new();
    for i in 1..JOINS {
        let mut next = connect(stack.addr).await;
        join(&mut next, room, erika.clone()).await;
        let w = recv(&mut next).await;
        assert_eq!(
            (w["type"].as_str(), w["position"].as_u64()),
            (Some("waiting"), Some(1)),
            "join {i} keeps Erika's place: {w}"
        );
        last_id = w["participant"].as_str().expect("id").to_owned();
        assert_eq!(
            recv(&mut current).await,
            json!({"type": "bye", "reason": "replaced"}),
            "join {i}"
        );
        expect_close(&mut current, 4000).await;
        current = next;
    }

    // The waiting room holds one entry per person.
    let waiting: Vec<String> = stack
        .state
        .hub
        .lobby()
        .into_iter()
        .filter(|e| e.room.as_str() == room)
        .map(|e| e.info.participant)
        .collect();
    assert_eq!(waiting, [last_id.clone(), max_id.clone()]);

    // The clerk heard each change once: an add per join and a remove per replaced socket,
    // in bytes linear in the joins (a whole list per change grew as their square: 2 MB for
    // 200). Applying them gives the waiting room as it is.
    let (changes, bytes) = read_until(&mut clerk, 2 * JOINS, |v| {
        v["type"] == "lobby_add" || v["type"] == "lobby_remove"
    })
    .await;
    let mut list: Vec<String> = Vec::new();
    for c in &changes {
        let id = c["participant"].as_str().expect("id").to_owned();
        list.retain(|p| p != &id);
        if c["type"] == "lobby_add" {
            let at = c["position"].as_u64().expect("position") as usize - 1;
            list.insert(at.min(list.len()), id);
        }
    }
    assert_eq!(list, waiting, "the clerk's list after the changes");
    println!("clerk received {bytes} bytes for {JOINS} joins of one token");
    assert!(
        bytes < JOINS * 2 * 160,
        "{bytes} bytes to the clerk for {JOINS} joins"
    );
    assert_eq!(
        counter(&stack, "vamt_signalling_closes_total", "replaced"),
        (JOINS - 1) as f64
    );

    // Max, behind Erika all along, never moved and was never told anything.
    send(&mut max, json!({"type": "ping"})).await;
    assert_eq!(recv(&mut max).await["type"], "pong");

    // A clerk back from a dropped socket gets the whole list again (it may have missed
    // changes meanwhile).
    // The server may not have seen the old socket go yet; the resume takes over anyway.
    drop(clerk);
    let mut clerk = connect(stack.addr).await;
    send(
        &mut clerk,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": clerk_token}),
    )
    .await;
    let m = recv(&mut clerk).await;
    assert_eq!(m["type"], "resumed", "{m}");
    let full = recv(&mut clerk).await;
    assert_eq!(full["type"], "lobby", "{full}");
    let ids: Vec<&str> = full["waiting"]
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|w| w["participant"].as_str())
        .collect();
    assert_eq!(ids, [last_id.as_str(), max_id.as_str()]);

    // The last socket is Erika's place: the clerk admits it.
    send(&mut clerk, json!({"type": "admit", "participant": last_id})).await;
    assert_eq!(recv(&mut current).await["type"], "joined");
}

#[tokio::test]
async fn a_resume_token_works_once_and_each_resume_hands_out_the_next() {
    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_rotate001";
    let mut clerk = connect(stack.addr).await;
    send(&mut clerk, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    let mut citizen = connect(stack.addr).await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let joined = recv(&mut citizen).await;
    let me = joined["participant"].as_str().expect("id").to_owned();
    let first = joined["resume_token"].as_str().expect("token").to_owned();
    assert_eq!(recv(&mut clerk).await["type"], "participant_joined");

    // The citizen resumes on a new socket (its old one closed as taken over): the answer
    // carries a new token.
    let mut second_socket = connect(stack.addr).await;
    send(
        &mut second_socket,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": first}),
    )
    .await;
    let resumed = recv(&mut second_socket).await;
    assert_eq!(resumed["type"], "resumed", "{resumed}");
    assert_eq!(resumed["participant"], me.as_str());
    let second = resumed["resume_token"]
        .as_str()
        .expect("a fresh token")
        .to_owned();
    assert!(second.len() >= 64, "a long random secret");
    assert_ne!(second, first);
    expect_close(&mut citizen, 4000).await;

    // Someone who copied the first token replays it: refused, and the place stays with
    // the citizen, undisturbed.
    let mut thief = connect(stack.addr).await;
    send(
        &mut thief,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": first}),
    )
    .await;
    expect_error(&mut thief, "resume_failed").await;
    send(
        &mut second_socket,
        json!({"type": "chat", "id": "c1", "text": "noch da"}),
    )
    .await;
    let chat = recv(&mut clerk).await;
    assert_eq!(
        (chat["type"].as_str(), chat["from"].as_str()),
        (Some("chat"), Some(me.as_str())),
        "{chat}"
    );

    // The newest token works (once more), the one before it no longer.
    let mut third_socket = connect(stack.addr).await;
    send(
        &mut third_socket,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": second}),
    )
    .await;
    let again = recv(&mut third_socket).await;
    assert_eq!(again["type"], "resumed", "{again}");
    let third = again["resume_token"].as_str().expect("token").to_owned();
    assert!(third != first && third != second);
    let mut replay = connect(stack.addr).await;
    send(
        &mut replay,
        json!({"type": "resume", "protocol": 1, "room": room, "resume_token": second}),
    )
    .await;
    expect_error(&mut replay, "resume_failed").await;
    assert_eq!(
        counter(&stack, "vamt_signalling_resumes_total", "failed"),
        2.0
    );
}

#[tokio::test]
async fn a_shared_screen_is_announced_as_screen_and_each_track_found_by_its_msid() {
    use std::time::Instant;
    use str0m::change::{SdpAnswer, SdpOffer};
    use str0m::media::{Direction, MediaKind};
    use str0m::net::{Protocol, Receive};
    use str0m::{Candidate, Event, Input, Output};

    let stack = common::start(common::monday_morning(), json!({})).await;
    let now_s = stack.clock.now().timestamp() as u64;
    let room = "RM_sources1";
    // The clerk speaks version 2, the citizen version 1 (still served, and it may name its
    // sources too).
    let mut clerk = connect(stack.addr).await;
    send(&mut clerk, json!({"type": "join", "protocol": 2, "room": room, "token": token(room, 600, Role::Clerk, now_s)})).await;
    assert_eq!(recv(&mut clerk).await["type"], "joined");
    let mut clerk_rtc = str0m::Rtc::builder().build(Instant::now());
    let mut api = clerk_rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, pending) = api.apply().expect("offer");
    send(
        &mut clerk,
        json!({"type": "offer", "sdp": offer.to_sdp_string()}),
    )
    .await;
    let (answer, _) = read_until(&mut clerk, 1, |m| m["type"] == "answer").await;
    clerk_rtc
        .sdp_api()
        .accept_answer(
            pending,
            SdpAnswer::from_sdp_string(answer[0]["sdp"].as_str().expect("sdp")).expect("answer"),
        )
        .expect("accepted");

    let mut citizen = connect(stack.addr).await;
    send(&mut citizen, json!({"type": "join", "protocol": 1, "room": room, "token": token(room, 600, Role::Citizen, now_s)})).await;
    let joined = recv(&mut citizen).await;
    assert_eq!(joined["type"], "joined", "{joined}");
    let me = joined["participant"].as_str().expect("id").to_owned();
    let sock = tokio::net::UdpSocket::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let local = sock.local_addr().expect("local");
    let mut rtc = str0m::Rtc::builder().build(Instant::now());
    rtc.add_local_candidate(Candidate::host(local, "udp").expect("candidate"));
    let mut api = rtc.sdp_api();
    api.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    api.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
    let screen = api.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
    let (offer, pending) = api.apply().expect("offer");
    send(
        &mut citizen,
        json!({"type": "track_sources", "sources": {screen.to_string(): "screen"}}),
    )
    .await;
    send(
        &mut citizen,
        json!({"type": "offer", "sdp": offer.to_sdp_string()}),
    )
    .await;
    let (answer, _) = read_until(&mut citizen, 1, |m| m["type"] == "answer").await;
    rtc.sdp_api()
        .accept_answer(
            pending,
            SdpAnswer::from_sdp_string(answer[0]["sdp"].as_str().expect("sdp")).expect("answer"),
        )
        .expect("accepted");
    // Tracks are published once the publisher's media connection (DTLS) is up.
    let server = stack.sfu.local_addr();
    let mut connected = false;
    // Bounded: at most 1000 rounds of 5 ms.
    for _ in 0..1000 {
        let _ = rtc.handle_input(Input::Timeout(Instant::now()));
        while let Ok(out) = rtc.poll_output() {
            match out {
                Output::Timeout(_) => break,
                Output::Transmit(t) => {
                    let _ = sock.send_to(&t.contents, t.destination).await;
                }
                Output::Event(Event::Connected) => connected = true,
                Output::Event(_) => {}
            }
        }
        let mut buf = vec![0u8; 2048];
        while let Ok((n, _)) = sock.try_recv_from(&mut buf) {
            let input = Input::Receive(
                Instant::now(),
                Receive {
                    proto: Protocol::Udp,
                    source: server,
                    destination: local,
                    contents: buf[..n].try_into().expect("datagram"),
                },
            );
            let _ = rtc.handle_input(input);
        }
        if connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(connected, "the citizen's media connected");

    // The clerk hears of the citizen's three tracks, and is offered each in an m-section
    // whose `a=msid` names the participant and the announced track.
    let mut announced = Vec::new();
    let mut sdps = Vec::new();
    let found = |announced: &Vec<Value>, sdps: &Vec<String>| {
        announced.len() == 3
            && announced.iter().all(|t| {
                let msid = format!("a=msid:{me} {}", t["track"].as_str().unwrap_or("?"));
                sdps.iter().any(|s| s.lines().any(|l| l == msid))
            })
    };
    // Bounded: at most 20 frames.
    for _ in 0..20 {
        if found(&announced, &sdps) {
            break;
        }
        let m = recv(&mut clerk).await;
        match m["type"].as_str() {
            Some("track_published") if m["participant"] == me.as_str() => announced.push(m),
            Some("offer") => {
                let sdp = m["sdp"].as_str().expect("sdp").to_owned();
                let answer = clerk_rtc
                    .sdp_api()
                    .accept_offer(SdpOffer::from_sdp_string(&sdp).expect("offer"))
                    .expect("the clerk accepts");
                send(
                    &mut clerk,
                    json!({"type": "answer", "sdp": answer.to_sdp_string()}),
                )
                .await;
                sdps.push(sdp);
            }
            _ => {}
        }
    }
    assert!(found(&announced, &sdps), "{announced:?} {sdps:?}");
    let sources: Vec<(&str, &str)> = announced
        .iter()
        .map(|t| {
            (
                t["kind"].as_str().expect("kind"),
                t["source"].as_str().expect("source"),
            )
        })
        .collect();
    assert_eq!(
        sources,
        vec![
            ("audio", "microphone"),
            ("video", "camera"),
            ("video", "screen")
        ]
    );
    // The screen's m-section at the clerk is a video one.
    let screen_track = announced[2]["track"].as_str().expect("track");
    let section = sdps
        .iter()
        .flat_map(|s| s.split("\r\nm=").skip(1))
        .find(|sec| {
            sec.lines()
                .any(|l| l == format!("a=msid:{me} {screen_track}"))
        })
        .expect("the screen's m-section");
    assert!(section.starts_with("video "), "{section}");
}
