//! `bench sfu`: 1:1 consultations (720p simulcast camera + Opus both ways) through a real
//! server over real sockets, vamt's SFU and, in the same run, Janus VideoRoom as the peer.
//!
//! Each server runs alone in a network namespace the bench makes ([`netns`]), pinned to CPU
//! 0; the generator (str0m clients, this process) runs on CPU 1. The figure is RTP datagrams
//! delivered to subscribers per CPU-second of the server process (`/proc/PID/stat`), so a
//! noisy machine changes the wall time, not the figure. `docs/benchmarks.md` has the method.
mod janus;
mod media;
mod netns;
mod ours;
mod peer;
pub(crate) mod process;

use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use serde::Serialize;
use vamt_sfu::RoomId;
use vamt_signalling::{Role, TokenKeys};

use peer::Stats;
use process::Server;

pub use media::{opus_frames, read_stamp, video_frame, LAYERS};

/// Which server to compare against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeerServer {
    /// Only vamt.
    None,
    /// Janus VideoRoom (`janus` on the PATH, Debian package `janus`).
    Janus,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct SfuBench {
    /// 1:1 consultations.
    pub consultations: usize,
    /// Seconds of measurement (after everyone is connected and warmed up).
    pub seconds: u64,
    /// Longest warm-up: until subscribers receive the top simulcast layer.
    pub warmup: Duration,
    /// The `vamt` binary to test.
    pub vamt: PathBuf,
    /// The comparison server.
    pub peer: PeerServer,
    /// The `janus` binary.
    pub janus: PathBuf,
    /// Pin the server to CPU 0 and the generator to CPU 1 (when the machine has two).
    pub pin: bool,
}

/// One server's figures.
#[derive(Debug, Clone, Serialize)]
pub struct ServerReport {
    /// `vamt` or `janus`.
    pub server: String,
    /// Consultations run.
    pub consultations: usize,
    /// Peer connections that connected (vamt: one per participant; Janus: two).
    pub connected: usize,
    /// Wall seconds of the measurement window.
    pub seconds: f64,
    /// CPU seconds of the server process in the window.
    pub server_cpu_seconds: f64,
    /// CPU seconds of the generator in the window (over ~0.8 of the window: the figure
    /// measures the generator, discard it).
    pub generator_cpu_share: f64,
    /// RTP datagrams delivered to subscribers in the window.
    pub forwarded_packets: u64,
    /// The figure: forwarded RTP datagrams per CPU-second of the server.
    pub pps_per_cpu_s: f64,
    /// Video frames (send stamp to complete frame at the subscriber), milliseconds.
    pub p50_latency_ms: f64,
    /// 99th percentile of the same.
    pub p99_latency_ms: f64,
    /// Opus packets lost (fraction of those sent).
    pub audio_loss: f64,
    /// Camera frames lost (fraction of those sent).
    pub video_frame_loss: f64,
    /// Frames received per simulcast layer (low, mid, high).
    pub frames_by_layer: [u64; 3],
    /// Peak resident memory above the idle server, per participant, MiB.
    pub memory_per_participant_mib: f64,
    /// Consultations one core carries at this cost (consultations ÷ server CPU share).
    pub consultations_per_core: f64,
}

/// The whole result; printed as the last line.
#[derive(Debug, Clone, Serialize)]
pub struct SfuBenchReport {
    /// vamt's forwarded packets per CPU-second.
    pub ours_pps_per_cpu_s: f64,
    /// The peer's.
    pub peer_pps_per_cpu_s: Option<f64>,
    /// ours ÷ peer.
    pub ratio: Option<f64>,
    /// vamt's 99th percentile frame delay, milliseconds.
    pub p99_added_latency_ms: f64,
    /// vamt's consultations per core.
    pub consultations_per_core: f64,
    /// vamt's peak memory per participant, MiB.
    pub memory_per_participant_mib: f64,
    /// Everything measured of vamt.
    pub ours: ServerReport,
    /// Everything measured of the peer.
    pub peer: Option<ServerReport>,
}

/// Runs the bench. Needs root (network namespaces).
pub async fn run(b: &SfuBench) -> anyhow::Result<SfuBenchReport> {
    vamt_sfu::install_crypto_provider();
    let two_cpus = std::thread::available_parallelism().map_or(1, |n| n.get()) >= 2;
    let pin = b.pin && two_cpus;
    if pin {
        process::pin_self(1);
    }
    let opus = Arc::new(media::opus_frames().context("encoding Opus")?);
    let work = std::env::temp_dir().join(format!("vamt-bench-{}", std::process::id()));
    std::fs::create_dir_all(&work)?;
    let ns = netns::Namespace::create()?;
    let ours = run_vamt(b, &ns, &work, pin, &opus).await;
    let peer = match (b.peer, &ours) {
        (PeerServer::Janus, Ok(_)) => Some(run_janus(b, &ns, &work, pin, &opus).await),
        _ => None,
    };
    drop(ns);
    let _ = std::fs::remove_dir_all(&work);
    let ours = ours?;
    let peer = peer.transpose()?;
    let peer_pps = peer.as_ref().map(|p| p.pps_per_cpu_s);
    Ok(SfuBenchReport {
        ours_pps_per_cpu_s: ours.pps_per_cpu_s,
        peer_pps_per_cpu_s: peer_pps,
        ratio: peer_pps
            .filter(|p| *p > 0.0)
            .map(|p| ours.pps_per_cpu_s / p),
        p99_added_latency_ms: ours.p99_latency_ms,
        consultations_per_core: ours.consultations_per_core,
        memory_per_participant_mib: ours.memory_per_participant_mib,
        ours,
        peer,
    })
}

async fn run_vamt(
    b: &SfuBench,
    ns: &netns::Namespace,
    work: &Path,
    pin: bool,
    opus: &Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<ServerReport> {
    let secret: String = format!("bench-{}-{:?}", std::process::id(), Instant::now())
        .chars()
        .cycle()
        .take(48)
        .collect();
    let data = work.join("vamt");
    std::fs::create_dir_all(&data)?;
    let log = std::fs::File::create(work.join("vamt.log"))?;
    let inner = netns::INNER_IP;
    let child = ns
        .command(pin.then_some(0), &b.vamt.to_string_lossy())
        .args(["serve", "--http", &format!("{inner}:8080"), "--data"])
        .arg(&data)
        .env("VAMT_MEDIA__BIND", inner.to_string())
        .env("VAMT_TURN__LISTEN", format!("{inner}:3478"))
        .env("VAMT_SECURITY__TOKEN_SECRET", &secret)
        // Every simulated participant comes from the bench's one address.
        .env("VAMT_CALL__MAX_SOCKETS_PER_ADDRESS", "100000")
        .env("VAMT_METRICS__LISTEN", format!("{inner}:9464"))
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .spawn()
        .with_context(|| format!("starting {}", b.vamt.display()))?;
    let mut server = Server { child };
    wait_ready(&mut server, &format!("http://{inner}:8080/readyz")).await?;
    let keys = TokenKeys::from_secret(secret.as_bytes());
    let stats = Arc::new(Stats::new());
    let baseline_kib = process::status_kib(server.pid(), "VmRSS").unwrap_or(0);
    let ws = format!("ws://{inner}:8080/ws");
    let local = IpAddr::V4(netns::HOST_IP);
    for _ in 0..b.consultations {
        let room = RoomId::random();
        for role in [Role::Clerk, Role::Citizen] {
            ours::join(&ws, &keys, &room, role, local, stats.clone(), opus.clone()).await?;
        }
    }
    measure(
        "vamt",
        b,
        &mut server,
        stats,
        b.consultations * 2,
        baseline_kib,
    )
    .await
}

async fn run_janus(
    b: &SfuBench,
    ns: &netns::Namespace,
    work: &Path,
    pin: bool,
    opus: &Arc<Vec<Vec<u8>>>,
) -> anyhow::Result<ServerReport> {
    let dir = work.join("janus");
    std::fs::create_dir_all(&dir)?;
    write_janus_config(&dir)?;
    let child = ns
        .command(pin.then_some(0), &b.janus.to_string_lossy())
        .arg("-F")
        .arg(&dir)
        .arg("-C")
        .arg(dir.join("janus.jcfg"))
        .arg("-L")
        .arg(work.join("janus.log"))
        .args(["-o", "-N"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .with_context(|| format!("starting {} (apt-get install janus)", b.janus.display()))?;
    let mut server = Server { child };
    let base = format!("http://{}:8088/janus", netns::INNER_IP);
    let mut session = None;
    for _ in 0..100 {
        if !server.alive() {
            bail!("janus exited; see its log");
        }
        if let Ok(j) = janus::Janus::connect(&base).await {
            session = Some(j);
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let Some(j) = session else {
        bail!("Janus did not answer at {base}");
    };
    let stats = Arc::new(Stats::new());
    let baseline_kib = process::status_kib(server.pid(), "VmRSS").unwrap_or(0);
    let local = IpAddr::V4(netns::HOST_IP);
    let mut rooms = Vec::new();
    for n in 0..b.consultations {
        let room = 1000 + n as u64;
        rooms.push((room, janus::publish(&j, room, local, &stats, opus).await?));
    }
    wait_connected("janus", &mut server, &stats, rooms.len() * 2).await?;
    for (room, feeds) in rooms {
        janus::subscribe(&j, room, feeds, local, &stats, opus).await?;
    }
    measure(
        "janus",
        b,
        &mut server,
        stats,
        b.consultations * 4,
        baseline_kib,
    )
    .await
}

/// Waits for every connection, warms up until subscribers get the top layer, then measures.
async fn measure(
    name: &str,
    b: &SfuBench,
    server: &mut Server,
    stats: Arc<Stats>,
    connections: usize,
    baseline_kib: u64,
) -> anyhow::Result<ServerReport> {
    let result = measure_inner(name, b, server, &stats, connections, baseline_kib).await;
    stats.stopped.store(true, Ordering::Relaxed);
    // Let the peer tasks see the flag before the next server starts.
    tokio::time::sleep(Duration::from_millis(300)).await;
    result
}

async fn measure_inner(
    name: &str,
    b: &SfuBench,
    server: &mut Server,
    stats: &Stats,
    connections: usize,
    baseline_kib: u64,
) -> anyhow::Result<ServerReport> {
    wait_connected(name, server, stats, connections).await?;
    // Warm up: the estimator must find the bandwidth before the top layer flows.
    let warm_until = Instant::now() + b.warmup;
    let mut stable = 0;
    while Instant::now() < warm_until && stable < 3 {
        for l in &stats.recent_layers {
            l.store(0, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_secs(1)).await;
        let by_layer: Vec<u64> = stats
            .recent_layers
            .iter()
            .map(|l| l.load(Ordering::Relaxed))
            .collect();
        let total: u64 = by_layer.iter().sum();
        stable = if total > 0 && by_layer[2] * 100 >= total * 98 {
            stable + 1
        } else {
            0
        };
    }
    let pid = server.pid();
    let own = std::process::id();
    let cpu0 = process::cpu_seconds(pid).unwrap_or(0.0);
    let gen0 = process::cpu_seconds(own).unwrap_or(0.0);
    let t0 = Instant::now();
    stats.measuring.store(true, Ordering::Relaxed);
    tokio::time::sleep(Duration::from_secs(b.seconds)).await;
    stats.measuring.store(false, Ordering::Relaxed);
    let wall = t0.elapsed().as_secs_f64();
    let cpu = (process::cpu_seconds(pid).unwrap_or(0.0) - cpu0).max(1e-6);
    let gen = process::cpu_seconds(own).unwrap_or(0.0) - gen0;
    // Frames still in flight when the window closed count as sent but not received; wait
    // for them before reading the counters.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let hwm = process::status_kib(pid, "VmHWM").unwrap_or(0);
    let participants = (b.consultations * 2).max(1) as f64;
    let forwarded = stats.rtp_datagrams_in.load(Ordering::Relaxed);
    let mut lat: Vec<u32> = stats
        .latencies_us
        .lock()
        .map(|l| l.clone())
        .unwrap_or_default();
    lat.sort_unstable();
    let q = |p: f64| {
        if lat.is_empty() {
            return 0.0;
        }
        let i = ((lat.len() - 1) as f64 * p).round() as usize;
        f64::from(lat[i]) / 1000.0
    };
    let frames_by_layer = [0, 1, 2].map(|i| stats.video_received[i].load(Ordering::Relaxed));
    let video_received: u64 = frames_by_layer.iter().sum();
    let loss = |sent: u64, got: u64| {
        if sent == 0 {
            1.0
        } else {
            (1.0 - got as f64 / sent as f64).max(0.0)
        }
    };
    // In a 1:1 consultation each packet a publisher sends has exactly one subscriber.
    let audio_loss = loss(
        stats.audio_sent.load(Ordering::Relaxed),
        stats.audio_received.load(Ordering::Relaxed),
    );
    let video_frame_loss = loss(stats.video_sent.load(Ordering::Relaxed), video_received);
    Ok(ServerReport {
        server: name.to_owned(),
        consultations: b.consultations,
        connected: stats.connected.load(Ordering::Relaxed),
        seconds: wall,
        server_cpu_seconds: cpu,
        generator_cpu_share: gen / wall,
        forwarded_packets: forwarded,
        pps_per_cpu_s: forwarded as f64 / cpu,
        p50_latency_ms: q(0.5),
        p99_latency_ms: q(0.99),
        audio_loss,
        video_frame_loss,
        frames_by_layer,
        memory_per_participant_mib: hwm.saturating_sub(baseline_kib) as f64 / 1024.0 / participants,
        consultations_per_core: b.consultations as f64 / (cpu / wall),
    })
}

async fn wait_connected(
    name: &str,
    server: &mut Server,
    stats: &Stats,
    connections: usize,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + peer::CONNECT_TIMEOUT;
    while stats.connected.load(Ordering::Relaxed) < connections {
        if Instant::now() > deadline || !server.alive() {
            bail!(
                "{name}: {} of {connections} peer connections connected",
                stats.connected.load(Ordering::Relaxed)
            );
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    Ok(())
}

async fn wait_ready(server: &mut Server, url: &str) -> anyhow::Result<()> {
    use http_body_util::Empty;
    use hyper_util::client::legacy::Client;
    use hyper_util::rt::TokioExecutor;
    let client: Client<_, Empty<bytes::Bytes>> = Client::builder(TokioExecutor::new()).build_http();
    let uri: hyper::Uri = url.parse()?;
    for _ in 0..300 {
        if !server.alive() {
            bail!("the server exited during start; see its log");
        }
        if let Ok(r) = client.get(uri.clone()).await {
            if r.status().is_success() {
                return Ok(());
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    bail!("{url} not ready after 30 s")
}

/// Janus from a config folder of the bench's own: VideoRoom and the HTTP transport only,
/// bound to the namespace's address, no STUN/TURN, full trickle.
fn write_janus_config(dir: &Path) -> anyhow::Result<()> {
    let lib = "/usr/lib/x86_64-linux-gnu/janus";
    let multiarch = if Path::new(lib).exists() {
        lib
    } else {
        "/usr/lib/janus"
    };
    let inner = netns::INNER_IP;
    let main = format!(
        r#"general: {{
	configs_folder = "{dir}"
	plugins_folder = "{multiarch}/plugins"
	transports_folder = "{multiarch}/transports"
	events_folder = "{multiarch}/events"
	loggers_folder = "{multiarch}/loggers"
	debug_level = 3
	interface = "{inner}"
}}
media: {{
	rtp_port_range = "20000-40000"
}}
nat: {{
	full_trickle = true
	ignore_mdns = true
}}
plugins: {{
	disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}}
transports: {{
	disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so"
}}
loggers: {{
	disable = "libjanus_jsonlog.so"
}}
events: {{
	broadcast = false
	disable = "libjanus_gelfevh.so,libjanus_mqttevh.so,libjanus_nanomsgevh.so,libjanus_rabbitmqevh.so,libjanus_sampleevh.so,libjanus_wsevh.so"
}}
"#,
        dir = dir.display()
    );
    std::fs::write(dir.join("janus.jcfg"), main)?;
    std::fs::write(
        dir.join("janus.transport.http.jcfg"),
        format!(
            "general: {{\n\tjson = \"plain\"\n\tbase_path = \"/janus\"\n\thttp = true\n\tport = 8088\n\tip = \"{inner}\"\n\thttps = false\n}}\nadmin: {{\n\tadmin_http = false\n}}\n"
        ),
    )?;
    std::fs::write(dir.join("janus.plugin.videoroom.jcfg"), "general: {\n}\n")?;
    Ok(())
}
