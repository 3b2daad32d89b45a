//! `bench sfu-core`: consultations through the SFU's sans-IO core on a simulated network.
//! Only time spent inside the core counts as SFU time; the simulated peers' own work (str0m
//! clients encrypting and decrypting) is excluded, so the figure is the forwarding cost.
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use serde::Serialize;
use str0m::change::{SdpAnswer, SdpOffer};
use str0m::format::Codec;
use str0m::media::{Direction, Frequency, MediaKind, MediaTime, Mid};
use str0m::net::{Protocol, Receive};
use str0m::{Candidate, Event, Input, Output, Rtc};
use vamt_sfu::{ParticipantId, RoomId, Sfu, SfuEvent, SfuMetrics};

/// What to simulate.
#[derive(Debug, Clone)]
pub struct SfuCoreBench {
    /// 1:1 consultations (two participants each, both sending audio and video).
    pub consultations: usize,
    /// Simulated seconds of talking after everyone is connected.
    pub seconds: u64,
    /// Video bytes per frame (30 frames per second); 4200 ≈ 1 Mbit/s, a 720p camera.
    pub video_frame_bytes: usize,
}

/// The result; printed as the last line of the bench.
#[derive(Debug, Clone, Serialize)]
pub struct SfuCoreReport {
    /// Consultations simulated.
    pub consultations: usize,
    /// Participants.
    pub participants: usize,
    /// Simulated seconds of media.
    pub simulated_seconds: u64,
    /// Media frames the SFU wrote to subscribers (an Opus packet, a whole video frame).
    pub forwarded_frames: u64,
    /// Datagrams the SFU sent (RTP after packetization, RTCP, ICE): the packet rate.
    pub sent_datagrams: u64,
    /// Seconds spent inside the SFU core.
    pub sfu_cpu_seconds: f64,
    /// Datagrams sent per second of SFU time: the figure to compare.
    pub ours_pps_per_cpu_s: f64,
    /// Consultations one core could carry in real time at this cost.
    pub consultations_per_core: f64,
}

const SFU_ADDR: &str = "10.0.0.1:7882";
const STEP: Duration = Duration::from_millis(5);

struct Peer {
    id: ParticipantId,
    addr: SocketAddr,
    rtc: Rtc,
    audio: Mid,
    video: Mid,
    connected: bool,
}

/// Runs the bench.
pub fn run(b: &SfuCoreBench) -> SfuCoreReport {
    vamt_sfu::install_crypto_provider();
    let sfu_addr: SocketAddr = SFU_ADDR
        .parse()
        .unwrap_or_else(|_| SocketAddr::from(([10, 0, 0, 1], 7882)));
    let metrics = SfuMetrics::unregistered();
    let mut sfu_time = Duration::ZERO;
    let mut now = Instant::now();
    let mut sfu = match Sfu::new(vec![sfu_addr], vec![], metrics.clone()) {
        Ok(s) => s,
        Err(e) => panic!("bench SFU: {e}"),
    };
    let mut peers = Vec::new();
    for _ in 0..b.consultations {
        let room = RoomId::random();
        for side in 0..2u16 {
            let n = peers.len() as u32;
            let addr = SocketAddr::from(([10, 1, (n >> 8) as u8, n as u8], 5000 + side));
            let mut rtc = Rtc::builder().build(now);
            if let Ok(cand) = Candidate::host(addr, "udp") {
                rtc.add_local_candidate(cand);
            }
            let mut change = rtc.sdp_api();
            let audio = change.add_media(MediaKind::Audio, Direction::SendOnly, None, None, None);
            let video = change.add_media(MediaKind::Video, Direction::SendOnly, None, None, None);
            let Some((offer, pending)) = change.apply() else {
                continue;
            };
            let id = ParticipantId::random();
            let t0 = Instant::now();
            let answer = sfu.offer(now, &room, &id, &offer.to_sdp_string());
            sfu_time += t0.elapsed();
            let Ok(answer) = answer else { continue };
            if let Ok(a) = SdpAnswer::from_sdp_string(&answer) {
                let _ = rtc.sdp_api().accept_answer(pending, a);
            }
            peers.push(Peer {
                id,
                addr,
                rtc,
                audio,
                video,
                connected: false,
            });
        }
    }

    let step = |now: Instant, peers: &mut Vec<Peer>, sfu: &mut Sfu, sfu_time: &mut Duration| {
        let mut to_sfu = Vec::new();
        for p in peers.iter_mut() {
            let _ = p.rtc.handle_input(Input::Timeout(now));
            while let Ok(out) = p.rtc.poll_output() {
                match out {
                    Output::Timeout(_) => break,
                    Output::Transmit(t) => to_sfu.push((p.addr, t.contents.to_vec())),
                    Output::Event(Event::Connected) => p.connected = true,
                    Output::Event(_) => {}
                }
            }
        }
        let t0 = Instant::now();
        for (src, data) in &to_sfu {
            sfu.handle_receive(now, Protocol::Udp, *src, sfu_addr, data);
        }
        sfu.handle_timeout(now);
        sfu.poll(now);
        let mut out = Vec::new();
        while let Some(t) = sfu.pop_transmit() {
            out.push(t);
        }
        let mut offers = Vec::new();
        while let Some(ev) = sfu.pop_event() {
            if let SfuEvent::Offer { participant, sdp } = ev {
                offers.push((participant, sdp));
            }
        }
        *sfu_time += t0.elapsed();
        for t in out {
            if let Some(p) = peers.iter_mut().find(|p| p.addr == t.destination) {
                if let Ok(contents) = (&t.contents[..]).try_into() {
                    let input = Input::Receive(
                        now,
                        Receive {
                            proto: Protocol::Udp,
                            source: sfu_addr,
                            destination: p.addr,
                            contents,
                        },
                    );
                    let _ = p.rtc.handle_input(input);
                }
            }
        }
        for (participant, sdp) in offers {
            if let Some(p) = peers.iter_mut().find(|p| p.id == participant) {
                let Ok(offer) = SdpOffer::from_sdp_string(&sdp) else {
                    continue;
                };
                if let Ok(answer) = p.rtc.sdp_api().accept_offer(offer) {
                    let t0 = Instant::now();
                    let _ = sfu.answer(&participant, &answer.to_sdp_string());
                    *sfu_time += t0.elapsed();
                }
            }
        }
    };

    // Connect and negotiate everyone (not counted: set-up, not forwarding).
    for _ in 0..400 {
        now += STEP;
        let mut setup_time = Duration::ZERO;
        step(now, &mut peers, &mut sfu, &mut setup_time);
    }
    let forwarded_before = forwarded(&metrics);
    let sent_before = metrics.datagrams.with_label_values(&["out"]).get();
    sfu_time = Duration::ZERO;

    let frame = vec![0u8; b.video_frame_bytes];
    let steps = b.seconds * 1000 / STEP.as_millis() as u64;
    for i in 0..steps {
        now += STEP;
        let ms = i * STEP.as_millis() as u64;
        for p in peers.iter_mut().filter(|p| p.connected) {
            // Opus: one 20 ms frame; video: 30 frames per second.
            if ms.is_multiple_of(20) {
                write(
                    &mut p.rtc,
                    p.audio,
                    Codec::Opus,
                    now,
                    MediaTime::new(ms * 48, Frequency::FORTY_EIGHT_KHZ),
                    &[0x5a; 80],
                );
            }
            if ms.is_multiple_of(35) {
                write(
                    &mut p.rtc,
                    p.video,
                    Codec::Vp8,
                    now,
                    MediaTime::new(ms * 90, Frequency::NINETY_KHZ),
                    &frame,
                );
            }
        }
        step(now, &mut peers, &mut sfu, &mut sfu_time);
    }
    let forwarded_frames = forwarded(&metrics) - forwarded_before;
    let sent_datagrams = metrics.datagrams.with_label_values(&["out"]).get() - sent_before;
    let secs = sfu_time.as_secs_f64().max(1e-9);
    let pps = sent_datagrams as f64 / secs;
    let per_consultation_pps =
        sent_datagrams as f64 / b.seconds.max(1) as f64 / b.consultations.max(1) as f64;
    SfuCoreReport {
        consultations: b.consultations,
        participants: peers.len(),
        simulated_seconds: b.seconds,
        forwarded_frames,
        sent_datagrams,
        sfu_cpu_seconds: secs,
        ours_pps_per_cpu_s: pps,
        consultations_per_core: if per_consultation_pps > 0.0 {
            pps / per_consultation_pps
        } else {
            0.0
        },
    }
}

fn forwarded(m: &SfuMetrics) -> u64 {
    m.forwarded_frames.with_label_values(&["audio"]).get()
        + m.forwarded_frames.with_label_values(&["video"]).get()
}

fn write(rtc: &mut Rtc, mid: Mid, codec: Codec, now: Instant, time: MediaTime, data: &[u8]) {
    let Some(writer) = rtc.writer(mid) else {
        return;
    };
    let Some(pt) = writer
        .payload_params()
        .find(|p| p.spec().codec == codec)
        .map(|p| p.pt())
    else {
        return;
    };
    let _ = writer.write(pt, now, time, data.to_vec());
}
