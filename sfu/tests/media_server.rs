//! The media server's I/O loop on real loopback sockets: UDP and ICE-TCP (RFC 4571 framing)
//! participants in one room, and strangers on the TCP port turned away.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use str0m::change::{SdpAnswer, SdpOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive, TcpType};
use str0m::{Candidate, Event, Input, Output, Rtc};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpStream, UdpSocket};
use tokio::sync::mpsc;
use vamt_sfu::server::{self, SfuHandle};
use vamt_sfu::{ParticipantId, RoomId, SfuEvent, SfuMetrics};

enum Link {
    Udp(UdpSocket),
    Tcp {
        write: tokio::net::tcp::OwnedWriteHalf,
        frames: mpsc::UnboundedReceiver<Vec<u8>>,
    },
}

struct Client {
    rtc: Rtc,
    id: ParticipantId,
    local: SocketAddr,
    server: SocketAddr,
    link: Link,
    audio: Mid,
    events: mpsc::UnboundedReceiver<SfuEvent>,
    connected: bool,
    received: usize,
}

async fn join(sfu: &SfuHandle, room: &RoomId, proto: Protocol) -> Client {
    join_at(sfu, room, proto, sfu.local_addr()).await
}

async fn join_at(sfu: &SfuHandle, room: &RoomId, proto: Protocol, server: SocketAddr) -> Client {
    let (link, local) = match proto {
        Protocol::Tcp => {
            let stream = TcpStream::connect(server).await.expect("TCP connect");
            let local = stream.local_addr().expect("local");
            let (mut rd, write) = stream.into_split();
            let (tx, frames) = mpsc::unbounded_channel();
            tokio::spawn(async move {
                while let Ok(len) = rd.read_u16().await {
                    let mut buf = vec![0u8; usize::from(len)];
                    if rd.read_exact(&mut buf).await.is_err() || tx.send(buf).is_err() {
                        break;
                    }
                }
            });
            (Link::Tcp { write, frames }, local)
        }
        _ => {
            let any = if server.is_ipv6() {
                "[::1]:0"
            } else {
                "127.0.0.1:0"
            };
            let sock = UdpSocket::bind(any).await.expect("UDP bind");
            let local = sock.local_addr().expect("local");
            (Link::Udp(sock), local)
        }
    };
    let mut rtc = Rtc::builder().build(Instant::now());
    let candidate = match proto {
        Protocol::Tcp => Candidate::builder()
            .tcp()
            .host(local)
            .tcptype(TcpType::Active)
            .build(),
        _ => Candidate::host(local, "udp"),
    }
    .expect("candidate");
    rtc.add_local_candidate(candidate);
    let mut change = rtc.sdp_api();
    let audio = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
    let (offer, pending) = change.apply().expect("offer");
    let id = ParticipantId::random();
    let (tx, events) = mpsc::unbounded_channel();
    let answer = sfu
        .offer(room.clone(), id.clone(), offer.to_sdp_string(), tx)
        .await
        .expect("SFU answers");
    rtc.sdp_api()
        .accept_answer(
            pending,
            SdpAnswer::from_sdp_string(&answer).expect("answer"),
        )
        .expect("accepted");
    Client {
        rtc,
        id,
        local,
        server,
        link,
        audio,
        events,
        connected: false,
        received: 0,
    }
}

impl Client {
    /// One round of I/O: send what the Rtc wants sent, feed what arrived, answer offers.
    async fn pump(&mut self, sfu: &SfuHandle) {
        let now = Instant::now();
        let _ = self.rtc.handle_input(Input::Timeout(now));
        loop {
            match self.rtc.poll_output().expect("client runs") {
                Output::Timeout(_) => break,
                Output::Transmit(t) => match &mut self.link {
                    Link::Udp(s) => {
                        let _ = s.send_to(&t.contents, t.destination).await;
                    }
                    Link::Tcp { write, .. } => {
                        let mut framed = (t.contents.len() as u16).to_be_bytes().to_vec();
                        framed.extend_from_slice(&t.contents);
                        write.write_all(&framed).await.expect("TCP write");
                    }
                },
                Output::Event(Event::Connected) => self.connected = true,
                Output::Event(Event::MediaData(_)) => self.received += 1,
                Output::Event(_) => {}
            }
        }
        let mut incoming = Vec::new();
        match &mut self.link {
            Link::Udp(s) => {
                let mut buf = vec![0u8; 2048];
                while let Ok((n, _)) = s.try_recv_from(&mut buf) {
                    incoming.push((Protocol::Udp, buf[..n].to_vec()));
                }
            }
            Link::Tcp { frames, .. } => {
                while let Ok(f) = frames.try_recv() {
                    incoming.push((Protocol::Tcp, f));
                }
            }
        }
        for (proto, data) in incoming {
            let input = Input::Receive(
                Instant::now(),
                Receive {
                    proto,
                    source: self.server,
                    destination: self.local,
                    contents: data.as_slice().try_into().expect("datagram"),
                },
            );
            let _ = self.rtc.handle_input(input);
        }
        while let Ok(ev) = self.events.try_recv() {
            if let SfuEvent::Offer { sdp, .. } = ev {
                let offer = SdpOffer::from_sdp_string(&sdp).expect("offer");
                let answer = self.rtc.sdp_api().accept_offer(offer).expect("accept");
                sfu.answer(self.id.clone(), answer.to_sdp_string())
                    .await
                    .expect("answer");
            }
        }
    }

    fn send_audio(&mut self, seq: u64) {
        let Some(writer) = self.rtc.writer(self.audio) else {
            return;
        };
        let Some(pt) = writer
            .payload_params()
            .find(|p| p.spec().codec == Codec::Opus)
            .map(|p| p.pt())
        else {
            return;
        };
        let _ = writer.write(
            pt,
            Instant::now(),
            MediaTime::new(seq * 960, Frequency::FORTY_EIGHT_KHZ),
            vec![seq as u8; 60],
        );
    }
}

async fn start() -> (SfuHandle, SfuMetrics, tokio::sync::oneshot::Sender<()>) {
    vamt_sfu::install_crypto_provider();
    let metrics = SfuMetrics::unregistered();
    let (handle, srv) = server::bind("127.0.0.1:0".parse().expect("addr"), &[], metrics.clone())
        .await
        .expect("bind");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(srv.run(async move {
        let _ = stopped.await;
    }));
    (handle, metrics, stop)
}

#[tokio::test]
async fn udp_and_ice_tcp_participants_hear_each_other_through_real_sockets() {
    let (sfu, metrics, _stop) = start().await;
    let room = RoomId::random();
    let mut tcp = join(&sfu, &room, Protocol::Tcp).await;
    let mut udp = join(&sfu, &room, Protocol::Udp).await;
    // Bounded in count: at most 2000 rounds of 5 ms; done as soon as media flowed.
    let mut seq = 0;
    for round in 0..2000 {
        tcp.pump(&sfu).await;
        udp.pump(&sfu).await;
        if tcp.connected && udp.connected && round % 4 == 0 {
            tcp.send_audio(seq);
            udp.send_audio(seq);
            seq += 1;
        }
        if tcp.received >= 50 && udp.received >= 50 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(tcp.connected && udp.connected, "both connected");
    assert!(
        tcp.received >= 50,
        "TCP participant received {}",
        tcp.received
    );
    assert!(
        udp.received >= 50,
        "UDP participant received {}",
        udp.received
    );
    assert!(metrics.forwarded_frames.with_label_values(&["audio"]).get() >= 100);
    assert_eq!(metrics.participants.get(), 2);
}

#[tokio::test]
async fn strangers_on_the_tcp_port_are_disconnected() {
    let (sfu, _metrics, _stop) = start().await;
    let mut stranger = TcpStream::connect(sfu.local_addr()).await.expect("connect");
    // A well-framed datagram that no participant's ICE accepts.
    let junk = b"\x00\x01\x00\x00not an ICE check of anyone";
    let mut framed = (junk.len() as u16).to_be_bytes().to_vec();
    framed.extend_from_slice(junk);
    stranger.write_all(&framed).await.expect("write");
    let mut buf = [0u8; 16];
    let read = tokio::time::timeout(Duration::from_secs(5), stranger.read(&mut buf))
        .await
        .expect("the server closes the connection instead of holding it");
    assert!(matches!(read, Ok(0) | Err(_)), "closed: {read:?}");
    // The server still serves: a real participant connects afterwards.
    let room = RoomId::random();
    let mut c = join(&sfu, &room, Protocol::Tcp).await;
    for _ in 0..2000 {
        c.pump(&sfu).await;
        if c.connected {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(c.connected);
}

#[tokio::test]
async fn a_node_bound_to_all_interfaces_announcing_its_public_address_connects() {
    // The cloud set-up: bind 0.0.0.0, announce the public (here: loopback) address.
    vamt_sfu::install_crypto_provider();
    let metrics = SfuMetrics::unregistered();
    let (sfu, srv) = server::bind(
        "0.0.0.0:0".parse().expect("addr"),
        &["127.0.0.1".parse().expect("ip")],
        metrics.clone(),
    )
    .await
    .expect("bind");
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(srv.run(async move {
        let _ = stopped.await;
    }));
    let room = RoomId::random();
    let server_addr = SocketAddr::new("127.0.0.1".parse().expect("ip"), sfu.local_addr().port());
    let mut a = join_at(&sfu, &room, Protocol::Udp, server_addr).await;
    let mut b = join_at(&sfu, &room, Protocol::Udp, server_addr).await;
    let mut seq = 0;
    for round in 0..2000 {
        a.pump(&sfu).await;
        b.pump(&sfu).await;
        if a.connected && b.connected && round % 4 == 0 {
            a.send_audio(seq);
            seq += 1;
        }
        if b.received >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        a.connected && b.connected,
        "ICE and DTLS complete via the announced address"
    );
    assert!(b.received >= 20, "media flows: {}", b.received);
}

#[tokio::test]
async fn one_dual_stack_socket_serves_ipv4_and_ipv6_participants_in_one_room() {
    vamt_sfu::install_crypto_provider();
    let metrics = SfuMetrics::unregistered();
    let announce: [std::net::IpAddr; 2] =
        ["127.0.0.1".parse().expect("v4"), "::1".parse().expect("v6")];
    let Ok((sfu, srv)) =
        server::bind("[::]:0".parse().expect("addr"), &announce, metrics.clone()).await
    else {
        eprintln!("no IPv6 on this host: skipped");
        return;
    };
    let (_stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(srv.run(async move {
        let _ = stopped.await;
    }));
    let port = sfu.local_addr().port();
    let room = RoomId::random();
    let mut v4 = join_at(
        &sfu,
        &room,
        Protocol::Udp,
        SocketAddr::new(announce[0], port),
    )
    .await;
    let mut v6 = join_at(
        &sfu,
        &room,
        Protocol::Udp,
        SocketAddr::new(announce[1], port),
    )
    .await;
    let mut seq = 0;
    for round in 0..2000 {
        v4.pump(&sfu).await;
        v6.pump(&sfu).await;
        if v4.connected && v6.connected && round % 4 == 0 {
            v4.send_audio(seq);
            v6.send_audio(seq);
            seq += 1;
        }
        if v4.received >= 20 && v6.received >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(v4.connected && v6.connected, "both families connect");
    assert!(
        v4.received >= 20 && v6.received >= 20,
        "v4 got {}, v6 got {}",
        v4.received,
        v6.received
    );
    assert!(v6.local.is_ipv6() && v4.local.is_ipv4());
}

#[tokio::test]
async fn a_participant_that_moves_to_a_new_socket_restarts_ice_and_media_resumes() {
    let (sfu, metrics, _stop) = start().await;
    let room = RoomId::random();
    let mut mover = join(&sfu, &room, Protocol::Udp).await;
    let mut other = join(&sfu, &room, Protocol::Udp).await;
    let mut seq = 0;
    // Bounded in count: at most 2000 rounds of 5 ms; done as soon as media flowed.
    for round in 0..2000 {
        mover.pump(&sfu).await;
        other.pump(&sfu).await;
        if mover.connected && other.connected && round % 4 == 0 {
            mover.send_audio(seq);
            other.send_audio(seq);
            seq += 1;
        }
        if mover.received >= 20 && other.received >= 20 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert!(
        mover.received >= 20 && other.received >= 20,
        "media before the move"
    );

    // Network change: Wi-Fi to mobile data.
    let moved_at = Instant::now();
    move_to_new_socket(&mut mover, &sfu, &room).await;

    let (heard_before, got_before) = (other.received, mover.received);
    let mut resumed_after = None;
    // At most 2 s (400 rounds of 5 ms): media must be back both ways within it.
    for round in 0..400 {
        mover.pump(&sfu).await;
        other.pump(&sfu).await;
        if round % 4 == 0 {
            mover.send_audio(seq);
            other.send_audio(seq);
            seq += 1;
        }
        if other.received >= heard_before + 10 && mover.received >= got_before + 10 {
            resumed_after = Some(moved_at.elapsed());
            break;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let took = resumed_after.unwrap_or_else(|| {
        panic!(
            "media did not resume within 400 rounds: the other heard {} new frames, the mover got {}",
            other.received - heard_before,
            mover.received - got_before
        )
    });
    println!("ICE restart: media resumed both ways {took:?} after the move");
    assert_eq!(
        metrics.participants.get(),
        2,
        "the same participant, no rejoin"
    );
}

/// A network change (Wi-Fi to mobile data): the old socket is gone; the client gathers a new
/// one, restarts ICE and re-offers over the same signalling session (no new join).
async fn move_to_new_socket(mover: &mut Client, sfu: &SfuHandle, room: &RoomId) {
    let sock = UdpSocket::bind("127.0.0.1:0").await.expect("UDP bind");
    let new_local = sock.local_addr().expect("local");
    assert_ne!(new_local, mover.local);
    mover.link = Link::Udp(sock);
    mover.local = new_local;
    let mut change = mover.rtc.sdp_api();
    let new_creds = change.ice_restart(false);
    let (offer, pending) = change.apply().expect("an ICE-restart offer");
    let offer_sdp = offer.to_sdp_string();
    assert!(offer_sdp.contains(&format!("a=ice-ufrag:{}", new_creds.ufrag)));
    let (tx, events) = mpsc::unbounded_channel();
    let answer = sfu
        .offer(room.clone(), mover.id.clone(), offer_sdp, tx)
        .await
        .expect("the SFU accepts the restart");
    mover.events = events;
    mover
        .rtc
        .sdp_api()
        .accept_answer(
            pending,
            SdpAnswer::from_sdp_string(&answer).expect("answer"),
        )
        .expect("accepted");
    // Applying the restart (at the answer) drops the old candidates: add the new socket's.
    mover
        .rtc
        .add_local_candidate(Candidate::host(new_local, "udp").expect("candidate"));
}

#[test]
fn rooms_on_two_shards_share_the_one_port_and_each_hears_only_its_own() {
    vamt_sfu::install_crypto_provider();
    let metrics = SfuMetrics::unregistered();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let (sfu, threads) = server::spawn(
        "127.0.0.1:0".parse().expect("addr"),
        Vec::new(),
        2,
        metrics.clone(),
        async move {
            let _ = stopped.await;
        },
    )
    .expect("spawn");
    assert_eq!(threads.shards(), 2);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        // Three 1:1 rooms, one participant of each over ICE-TCP: placed least-loaded first,
        // the rooms land on shards 0, 1, 0.
        let rooms: Vec<RoomId> = (0..3).map(|_| RoomId::random()).collect();
        let mut pairs = Vec::new();
        for room in &rooms {
            let a = join(&sfu, room, Protocol::Udp).await;
            let b = join(&sfu, room, Protocol::Tcp).await;
            pairs.push((a, b));
        }
        assert_eq!(sfu.shard_load(), vec![4, 2]);
        let mut seq = 0;
        // Bounded in count: at most 2000 rounds of 5 ms; done as soon as media flowed.
        let flowing = |pairs: &[(Client, Client)], at_least: usize| {
            pairs
                .iter()
                .all(|(a, b)| a.received >= at_least && b.received >= at_least)
        };
        for round in 0..2000 {
            for (a, b) in &mut pairs {
                a.pump(&sfu).await;
                b.pump(&sfu).await;
                if a.connected && b.connected && round % 4 == 0 {
                    a.send_audio(seq);
                    b.send_audio(seq);
                }
            }
            seq += u64::from(round % 4 == 0);
            if flowing(&pairs, 30) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        for (i, (a, b)) in pairs.iter().enumerate() {
            assert!(
                a.received >= 30 && b.received >= 30,
                "room {i}: UDP participant got {}, TCP participant {}",
                a.received,
                b.received
            );
            // Each hears its partner alone: never more frames than the partner sent.
            assert!(a.received <= seq as usize && b.received <= seq as usize);
        }
        assert_eq!(metrics.participants.get(), 6, "shards add up in one gauge");
        assert_eq!(metrics.rooms.get(), 3);
        let on = |shard: &str| metrics.shard_participants.with_label_values(&[shard]).get();
        assert_eq!((on("0"), on("1")), (4, 2), "each shard reports its own");
        assert_eq!(metrics.handoff_dropped.get(), 0, "no hand-over lost");

        // The second room's UDP participant (on shard 1) changes network: its new address
        // reaches the reading shard first, which routes it by the restarted ICE ufrag.
        let (mover, other) = &mut pairs[1];
        move_to_new_socket(mover, &sfu, &rooms[1]).await;
        let (heard_before, got_before) = (other.received, mover.received);
        // At most 2 s (400 rounds of 5 ms).
        for round in 0..400 {
            mover.pump(&sfu).await;
            other.pump(&sfu).await;
            if round % 4 == 0 {
                mover.send_audio(seq);
                other.send_audio(seq);
                seq += 1;
            }
            if other.received >= heard_before + 10 && mover.received >= got_before + 10 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(
            other.received >= heard_before + 10 && mover.received >= got_before + 10,
            "media resumes on shard 1 after the move: the other heard {} new frames, the mover got {}",
            other.received - heard_before,
            mover.received - got_before
        );

        // Leaving frees the place on its shard.
        let (a, b) = &pairs[2];
        sfu.remove(a.id.clone());
        sfu.remove(b.id.clone());
        assert_eq!(sfu.shard_load(), vec![2, 2]);
    });
    let _ = stop.send(());
    threads.join().expect("every shard stops");
    assert_eq!(
        metrics.participants.get(),
        0,
        "stopped shards leave the gauge at zero"
    );
}
