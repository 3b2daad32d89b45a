//! `vamt-loadtest bench turn`: relayed packets per CPU-second and relay latency of vamt's
//! TURN server and, with `--peer coturn`, coturn's `turnserver`, one after the other under
//! the same load (method: `docs/benchmarks.md`).
//!
//! Each client holds an allocation and sends to one peer socket through the relay, over a
//! channel (ChannelData) or with Send indications; the peer sends back to each relayed
//! address at the same rate. Every payload carries its send time, so each direction's
//! latency through the relay is measured at the receiving socket.
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use tokio::net::UdpSocket;
use vamt_turn::auth::long_term_key;
use vamt_turn::stun::{
    decode_xor_address, StunMessage, StunWriter, ATTR_CHANNEL_NUMBER, ATTR_DATA, ATTR_ERROR_CODE,
    ATTR_NONCE, ATTR_REALM, ATTR_REQUESTED_TRANSPORT, ATTR_USERNAME, ATTR_XOR_PEER_ADDRESS,
    ATTR_XOR_RELAYED_ADDRESS, CLASS_INDICATION, CLASS_REQUEST, CLASS_SUCCESS, METHOD_ALLOCATE,
    METHOD_BINDING, METHOD_CHANNEL_BIND, METHOD_CREATE_PERMISSION, METHOD_DATA, METHOD_SEND,
};

use crate::sfu_bench::process::{cpu_seconds, pin_self, Server};

const USER: &str = "bench";
const PASSWORD: &str = "bench-password";
const CHANNEL: u16 = 0x4000;

/// The comparison server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerServer {
    /// coturn's `turnserver`.
    Coturn,
    /// Only vamt.
    None,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct TurnBench {
    /// Clients (allocations), each with its own socket.
    pub clients: usize,
    /// Packets per second each client sends, and the peer sends back to each.
    pub rate: u32,
    /// Seconds measured per case.
    pub seconds: u64,
    /// Payload sizes to run.
    pub sizes: Vec<usize>,
    /// The vamt binary.
    pub vamt: PathBuf,
    /// The turnserver binary.
    pub turnserver: PathBuf,
    /// The comparison server.
    pub peer: PeerServer,
    /// Pin the server to CPU 0 and the generator to CPU 1.
    pub pin: bool,
}

/// One server, one mode, one size.
#[derive(Debug, Clone, Serialize)]
pub struct Case {
    /// `vamt` or `coturn`.
    pub server: String,
    /// `channel` or `indication`.
    pub mode: String,
    /// Payload bytes.
    pub size: usize,
    /// Packets relayed (received at either end) in the window.
    pub relayed_packets: u64,
    /// Server CPU seconds in the window.
    pub server_cpu_seconds: f64,
    /// Relayed packets per server CPU-second.
    pub pps_per_cpu_s: f64,
    /// Relay latency (send stamp to arrival at the other end), milliseconds.
    pub p50_latency_ms: f64,
    /// 99th percentile of the same.
    pub p99_latency_ms: f64,
    /// Share of sent packets that did not arrive.
    pub loss: f64,
    /// The generator's share of its core in the window (above ~0.8 it measured itself).
    pub generator_cpu_share: f64,
}

/// The whole run; the last output line.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every case.
    pub cases: Vec<Case>,
    /// vamt's relayed packets per CPU-second over all cases.
    pub ours_pps_per_cpu_s: f64,
    /// coturn's, over the same cases.
    pub peer_pps_per_cpu_s: Option<f64>,
    /// ours / peer.
    pub ratio: Option<f64>,
    /// vamt's worst p99 relay latency over the cases, milliseconds.
    pub p99_relay_latency_ms: f64,
}

#[derive(Default)]
struct Tally {
    received: u64,
    latencies_us: Vec<u32>,
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::UdpSocket::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

fn start(server: &str, b: &TurnBench, port: u16) -> anyhow::Result<Server> {
    let mut cmd = if b.pin {
        let mut c = Command::new("taskset");
        c.args(["-c", "0"]);
        c.arg(if server == "vamt" {
            &b.vamt
        } else {
            &b.turnserver
        });
        c
    } else {
        Command::new(if server == "vamt" {
            &b.vamt
        } else {
            &b.turnserver
        })
    };
    let listen = format!("127.0.0.1:{port}");
    if server == "vamt" {
        cmd.args(["turn", "--listen", &listen, "--realm", "vamt.bench"])
            .args(["--user", &format!("{USER}:{PASSWORD}")])
            .args([
                "--allow-loopback-peers",
                "--max-bps",
                "0",
                "--user-quota",
                "100000",
            ])
            .env("RUST_LOG", "warn");
    } else {
        cmd.args(["-n", "--no-cli", "--log-file=stdout", "--simple-log"])
            .arg("--listening-ip=127.0.0.1")
            .arg("--relay-ip=127.0.0.1")
            .arg(format!("--listening-port={port}"))
            .args([
                "--allow-loopback-peers",
                "--lt-cred-mech",
                "--realm=vamt.bench",
            ])
            .arg(format!("--user={USER}:{PASSWORD}"))
            .args([
                "--no-tls",
                "--no-dtls",
                "--no-tcp-relay",
                "--pidfile=/dev/null",
            ]);
    }
    let child = cmd
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {server}"))?;
    Ok(Server { child })
}

async fn request(sock: &UdpSocket, req: &[u8]) -> anyhow::Result<Vec<u8>> {
    let mut buf = vec![0u8; 2048];
    for _ in 0..5 {
        // A connected socket reports a refused earlier datagram here: just retry.
        let _ = sock.send(req).await;
        if let Ok(Ok(n)) =
            tokio::time::timeout(Duration::from_millis(500), sock.recv(&mut buf)).await
        {
            return Ok(buf[..n].to_vec());
        }
    }
    bail!("no answer from the TURN server")
}

async fn wait_ready(server: SocketAddr) -> anyhow::Result<()> {
    let sock = UdpSocket::bind("127.0.0.1:0").await?;
    sock.connect(server).await?;
    let mut req = Vec::new();
    StunWriter::new(&mut req, METHOD_BINDING, CLASS_REQUEST, &[9; 12]);
    for _ in 0..50 {
        if request(&sock, &req).await.is_ok() {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("the TURN server does not answer STUN")
}

fn code(reply: &[u8]) -> Option<u16> {
    let m = StunMessage::parse(reply).ok()?;
    m.attribute(ATTR_ERROR_CODE)
        .map(|v| u16::from(v[2]) * 100 + u16::from(v[3]))
}

/// One client: allocation, permission (and channel) for `peer`; returns its socket and the
/// relayed address.
async fn client(
    server: SocketAddr,
    peer: SocketAddr,
    channel: bool,
    n: u32,
) -> anyhow::Result<(UdpSocket, SocketAddr)> {
    let sock = UdpSocket::bind("127.0.0.1:0").await?;
    sock.connect(server).await?;
    let txn = |k: u8| {
        let mut t = [k; 12];
        t[..4].copy_from_slice(&n.to_be_bytes());
        t
    };
    let mut req = Vec::new();
    StunWriter::new(&mut req, METHOD_ALLOCATE, CLASS_REQUEST, &txn(1))
        .attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0]);
    let challenge = request(&sock, &req).await?;
    let m = StunMessage::parse(&challenge).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (Some(realm), Some(nonce)) = (m.attribute(ATTR_REALM), m.attribute(ATTR_NONCE)) else {
        bail!("no 401 challenge (code {:?})", code(&challenge));
    };
    let realm = String::from_utf8_lossy(realm).into_owned();
    let nonce = nonce.to_vec();
    let key = long_term_key(USER, &realm, PASSWORD);
    let signed = |method: u16, t: [u8; 12], add: &dyn Fn(&mut StunWriter<'_>)| {
        let mut req = Vec::new();
        let mut w = StunWriter::new(&mut req, method, CLASS_REQUEST, &t);
        add(&mut w);
        w.attribute(ATTR_USERNAME, USER.as_bytes())
            .attribute(ATTR_REALM, realm.as_bytes())
            .attribute(ATTR_NONCE, &nonce)
            .integrity(&key, false)
            .fingerprint();
        req
    };
    let reply = request(
        &sock,
        &signed(METHOD_ALLOCATE, txn(2), &|w| {
            w.attribute(ATTR_REQUESTED_TRANSPORT, &[17, 0, 0, 0]);
        }),
    )
    .await?;
    let m = StunMessage::parse(&reply).map_err(|e| anyhow::anyhow!("{e}"))?;
    if m.class() != CLASS_SUCCESS {
        bail!("allocation refused: {:?}", code(&reply));
    }
    let relayed = m
        .attribute(ATTR_XOR_RELAYED_ADDRESS)
        .and_then(|v| decode_xor_address(v, &txn(2)))
        .context("no relayed address")?;
    let reply = request(
        &sock,
        &signed(METHOD_CREATE_PERMISSION, txn(3), &|w| {
            w.xor_address(ATTR_XOR_PEER_ADDRESS, peer);
        }),
    )
    .await?;
    if code(&reply).is_some() {
        bail!("permission refused: {:?}", code(&reply));
    }
    if channel {
        let reply = request(
            &sock,
            &signed(METHOD_CHANNEL_BIND, txn(4), &|w| {
                w.attribute(ATTR_CHANNEL_NUMBER, &[0x40, 0x00, 0, 0])
                    .xor_address(ATTR_XOR_PEER_ADDRESS, peer);
            }),
        )
        .await?;
        if code(&reply).is_some() {
            bail!("channel refused: {:?}", code(&reply));
        }
    }
    Ok((sock, relayed))
}

fn stamp(buf: &mut [u8], epoch: Instant) {
    let ns = epoch.elapsed().as_nanos() as u64;
    buf[..8].copy_from_slice(&ns.to_be_bytes());
}

fn record(tally: &Mutex<Tally>, payload: &[u8], epoch: Instant, measuring: bool) {
    if payload.len() < 8 || !measuring {
        return;
    }
    let mut sent = [0u8; 8];
    sent.copy_from_slice(&payload[..8]);
    let sent = Duration::from_nanos(u64::from_be_bytes(sent));
    let delay = epoch.elapsed().saturating_sub(sent);
    let mut t = tally.lock().unwrap_or_else(|p| p.into_inner());
    t.received += 1;
    t.latencies_us
        .push(delay.as_micros().min(u128::from(u32::MAX)) as u32);
}

/// The payload inside what a client receives: ChannelData or a Data indication.
fn unwrap_to_client(data: &[u8]) -> Option<&[u8]> {
    if data.first().is_some_and(|b| b & 0xC0 == 0x40) {
        let len = usize::from(u16::from_be_bytes([*data.get(2)?, *data.get(3)?]));
        return data.get(4..4 + len);
    }
    let m = StunMessage::parse(data).ok()?;
    (m.class() == CLASS_INDICATION && m.method() == METHOD_DATA)
        .then(|| m.attribute(ATTR_DATA))
        .flatten()
}

async fn run_case(
    b: &TurnBench,
    server: &str,
    pid: u32,
    addr: SocketAddr,
    channel: bool,
    size: usize,
) -> anyhow::Result<Case> {
    eprintln!(
        "{server}: {} clients, {} {size} B ...",
        b.clients,
        if channel { "channel" } else { "indication" }
    );
    let peer = UdpSocket::bind("127.0.0.1:0").await?;
    // The one peer socket takes every client's packets: a default buffer overflowed here
    // whenever the generator was busy for a few milliseconds, which counted as relay loss.
    let state = quinn_udp::UdpSocketState::new((&peer).into())?;
    let _ = state.set_recv_buffer_size((&peer).into(), 4 * 1024 * 1024);
    let peer = Arc::new(peer);
    let peer_addr = peer.local_addr()?;
    let mut clients = Vec::with_capacity(b.clients);
    for n in 0..b.clients {
        clients.push(
            client(addr, peer_addr, channel, n as u32)
                .await
                .with_context(|| format!("{server}: setting up client {n}"))?,
        );
    }
    let epoch = Instant::now();
    let tally = Arc::new(Mutex::new(Tally::default()));
    let measuring = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    let clients: Vec<(Arc<UdpSocket>, SocketAddr)> =
        clients.into_iter().map(|(s, r)| (Arc::new(s), r)).collect();
    for (sock, _) in &clients {
        let (sock, tally, measuring) = (sock.clone(), tally.clone(), measuring.clone());
        tasks.push(tokio::spawn(async move {
            let mut buf = vec![0u8; 2048];
            while let Ok(n) = sock.recv(&mut buf).await {
                if let Some(p) = unwrap_to_client(&buf[..n]) {
                    record(
                        &tally,
                        p,
                        epoch,
                        measuring.load(std::sync::atomic::Ordering::Relaxed),
                    );
                }
            }
        }));
    }
    {
        let (peer, tally, measuring) = (peer.clone(), tally.clone(), measuring.clone());
        tasks.push(tokio::spawn(async move {
            let mut buf = vec![0u8; 2048];
            while let Ok((n, _)) = peer.recv_from(&mut buf).await {
                record(
                    &tally,
                    &buf[..n],
                    epoch,
                    measuring.load(std::sync::atomic::Ordering::Relaxed),
                );
            }
        }));
    }
    // The senders: every millisecond, what is due for each client and back from the peer.
    let mut payload = vec![0x5au8; size];
    let mut indication = Vec::with_capacity(size + 64);
    let mut framed = Vec::with_capacity(size + 4);
    let per_ms = f64::from(b.rate) / 1000.0;
    let mut due = 0.0f64;
    let warmup = Duration::from_secs(1);
    let window = Duration::from_secs(b.seconds);
    let mut tick = tokio::time::interval(Duration::from_millis(1));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let started = Instant::now();
    let (mut sent, mut cpu0, mut gen0, mut t0) = (0u64, 0.0, 0.0, started);
    loop {
        tick.tick().await;
        let elapsed = started.elapsed();
        if elapsed >= warmup && !measuring.load(std::sync::atomic::Ordering::Relaxed) {
            measuring.store(true, std::sync::atomic::Ordering::Relaxed);
            cpu0 = cpu_seconds(pid).unwrap_or(0.0);
            gen0 = cpu_seconds(std::process::id()).unwrap_or(0.0);
            t0 = Instant::now();
            sent = 0;
        }
        if elapsed >= warmup + window {
            break;
        }
        due += per_ms;
        while due >= 1.0 {
            due -= 1.0;
            for (sock, relayed) in &clients {
                stamp(&mut payload, epoch);
                let out: &[u8] = if channel {
                    framed.clear();
                    framed.extend_from_slice(&CHANNEL.to_be_bytes());
                    framed.extend_from_slice(&(size as u16).to_be_bytes());
                    framed.extend_from_slice(&payload);
                    &framed
                } else {
                    StunWriter::new(&mut indication, METHOD_SEND, CLASS_INDICATION, &[7; 12])
                        .xor_address(ATTR_XOR_PEER_ADDRESS, peer_addr)
                        .attribute(ATTR_DATA, &payload);
                    &indication
                };
                let _ = sock.try_send(out);
                stamp(&mut payload, epoch);
                let _ = peer.try_send_to(&payload, *relayed);
                sent += 2;
            }
        }
    }
    let measured = t0.elapsed().as_secs_f64();
    let cpu = cpu_seconds(pid).unwrap_or(0.0) - cpu0;
    let gen = cpu_seconds(std::process::id()).unwrap_or(0.0) - gen0;
    // Let the last packets land, then stop counting.
    tokio::time::sleep(Duration::from_millis(50)).await;
    measuring.store(false, std::sync::atomic::Ordering::Relaxed);
    for t in tasks {
        t.abort();
    }
    let mut t = std::mem::take(&mut *tally.lock().unwrap_or_else(|p| p.into_inner()));
    t.latencies_us.sort_unstable();
    let pct = |p: f64| -> f64 {
        if t.latencies_us.is_empty() {
            return 0.0;
        }
        let i =
            ((t.latencies_us.len() as f64 * p).ceil() as usize).clamp(1, t.latencies_us.len()) - 1;
        f64::from(t.latencies_us[i]) / 1000.0
    };
    Ok(Case {
        server: server.to_owned(),
        mode: if channel { "channel" } else { "indication" }.to_owned(),
        size,
        relayed_packets: t.received,
        server_cpu_seconds: cpu,
        pps_per_cpu_s: if cpu > 0.0 {
            t.received as f64 / cpu
        } else {
            0.0
        },
        p50_latency_ms: pct(0.5),
        p99_latency_ms: pct(0.99),
        loss: if sent > 0 {
            1.0 - (t.received as f64 / sent as f64).min(1.0)
        } else {
            0.0
        },
        generator_cpu_share: if measured > 0.0 { gen / measured } else { 0.0 },
    })
}

/// Runs every case on vamt and, with `--peer coturn`, on coturn.
pub async fn run(b: &TurnBench) -> anyhow::Result<Report> {
    if b.pin {
        pin_self(1);
    }
    let mut servers = vec!["vamt"];
    if b.peer == PeerServer::Coturn {
        servers.push("coturn");
    }
    let mut cases = Vec::new();
    for server in servers {
        for channel in [true, false] {
            for &size in &b.sizes {
                // A fresh server per case: the last case's allocations would otherwise
                // live on (600 s) and meet this case's clients on reused ports (437).
                let port = free_port()?;
                let mut proc = start(server, b, port)?;
                let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
                wait_ready(addr).await?;
                let case = run_case(b, server, proc.pid(), addr, channel, size).await?;
                cases.push(case);
                if !proc.alive() {
                    bail!("{server} died during the run");
                }
            }
        }
    }
    let total = |server: &str| -> Option<f64> {
        let (p, c) = cases
            .iter()
            .filter(|c| c.server == server)
            .fold((0u64, 0.0f64), |(p, c), k| {
                (p + k.relayed_packets, c + k.server_cpu_seconds)
            });
        (c > 0.0).then(|| p as f64 / c)
    };
    let ours = total("vamt").unwrap_or(0.0);
    let peer = total("coturn");
    Ok(Report {
        ours_pps_per_cpu_s: ours,
        peer_pps_per_cpu_s: peer,
        ratio: peer.filter(|p| *p > 0.0).map(|p| ours / p),
        p99_relay_latency_ms: cases
            .iter()
            .filter(|c| c.server == "vamt")
            .map(|c| c.p99_latency_ms)
            .fold(0.0, f64::max),
        cases,
    })
}
