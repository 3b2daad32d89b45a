//! `vamt-loadtest run SCENARIO --target URL`: runs a scenario file and prints a report;
//! the last line is one JSON object for scripts.
use std::path::PathBuf;

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "vamt-loadtest",
    version,
    about = "Load generator and benchmarks for vamt"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a scenario file against a vamt installation.
    Run {
        /// The scenario (TOML), e.g. loadtest/scenarios/booking-browse.toml.
        scenario: PathBuf,
        /// Base URL of the portal. Only target installations you run yourself.
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        target: String,
    },
    /// Benchmarks; the last output line is one JSON object.
    Bench {
        #[command(subcommand)]
        bench: Bench,
    },
}

#[derive(Subcommand)]
enum Bench {
    /// 1:1 consultations (720p simulcast + Opus) through a real server over real sockets in
    /// a network namespace: vamt and, with `--peer janus`, Janus VideoRoom in the same run.
    /// Needs root. Run a release build: `cargo build --release`.
    Sfu {
        /// The comparison server: `janus` or `none`.
        #[arg(long, default_value = "janus")]
        peer: String,
        /// 1:1 consultations.
        #[arg(long, default_value_t = 20)]
        consultations: usize,
        /// Seconds measured, after connecting and warming up.
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Longest warm-up in seconds (until subscribers receive the top layer).
        #[arg(long, default_value_t = 20)]
        warmup: u64,
        /// The vamt binary (default: next to this one).
        #[arg(long)]
        vamt: Option<PathBuf>,
        /// The janus binary.
        #[arg(long, default_value = "janus")]
        janus: PathBuf,
        /// Do not pin the server to CPU 0 and the generator to CPU 1.
        #[arg(long)]
        no_pin: bool,
    },
    /// TURN relaying on loopback: vamt's relay and, with `--peer coturn`, coturn's
    /// turnserver under the same load, over channels and Send indications. Run a release
    /// build.
    Turn {
        /// The comparison server: `coturn` or `none`.
        #[arg(long, default_value = "coturn")]
        peer: String,
        /// Clients, each with its own allocation.
        #[arg(long, default_value_t = 50)]
        clients: usize,
        /// Packets per second each client sends (and receives).
        #[arg(long, default_value_t = 200)]
        rate: u32,
        /// Seconds measured per case.
        #[arg(long, default_value_t = 5)]
        seconds: u64,
        /// Payload sizes, comma-separated.
        #[arg(long, default_value = "200,1200", value_delimiter = ',')]
        sizes: Vec<usize>,
        /// The vamt binary (default: next to this one).
        #[arg(long)]
        vamt: Option<PathBuf>,
        /// coturn's server binary.
        #[arg(long, default_value = "turnserver")]
        turnserver: PathBuf,
        /// Do not pin the server to CPU 0 and the generator to CPU 1.
        #[arg(long)]
        no_pin: bool,
    },
    /// The slot engine on a city-sized catalogue (5 locations, 40 clerks, 60 services,
    /// 8 weeks ahead, mostly booked): search latency. Run a release build.
    Booking {
        /// Searches timed.
        #[arg(long, default_value_t = 2000)]
        searches: usize,
        /// Share of the clerks' time already booked (0–1).
        #[arg(long, default_value_t = 0.7)]
        booked: f64,
        /// Clients in the release storm (0: no storm).
        #[arg(long, default_value_t = 500)]
        storm_clients: usize,
        /// Clerks at the virtual office during the storm.
        #[arg(long, default_value_t = 10)]
        storm_clerks: usize,
        /// PostgreSQL server (admin URL) for the storm's second run; `none` to skip it.
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        postgres: String,
    },
    /// Consultations through the SFU's sans-IO core on a simulated network: forwarded
    /// packets per second of SFU time.
    SfuCore {
        /// 1:1 consultations.
        #[arg(long, default_value_t = 50)]
        consultations: usize,
        /// Simulated seconds of media.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Video bytes per frame at 30 fps (4200 ≈ 1 Mbit/s).
        #[arg(long, default_value_t = 4200)]
        video_frame_bytes: usize,
    },
}

/// The allocator `vamt` runs on, so that what runs here in-process (the release storm's
/// portal) is measured as it runs there.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    let cli = Cli::parse();
    // The media bench's clients run on one thread: on its one pinned core, several runtime
    // threads would preempt each other and add time slices to the measured delay.
    let mut runtime = match &cli.command {
        Command::Bench {
            bench: Bench::Sfu { .. } | Bench::Turn { .. },
        } => tokio::runtime::Builder::new_current_thread(),
        _ => tokio::runtime::Builder::new_multi_thread(),
    };
    runtime.enable_all().build()?.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Run { scenario, target } => {
            let text = std::fs::read_to_string(&scenario)
                .with_context(|| format!("reading {}", scenario.display()))?;
            let s = vamt_loadtest::Scenario::parse(&text)?;
            let report = vamt_loadtest::run(&s, &target).await?;
            for p in &report.phases {
                println!(
                    "{:<24} ok {:>8}  errors {:>6}  {:>9.1} req/s  p50 {:>7.2} ms  p99 {:>7.2} ms  max {:>7.2} ms",
                    p.phase, p.ok, p.errors, p.rps, p.p50_ms, p.p99_ms, p.max_ms
                );
            }
            println!("{}", serde_json::to_string(&report)?);
            if report.phases.iter().any(|p| p.errors > 0) {
                anyhow::bail!("some requests failed");
            }
            Ok(())
        }
        Command::Bench {
            bench:
                Bench::Sfu {
                    peer,
                    consultations,
                    seconds,
                    warmup,
                    vamt,
                    janus,
                    no_pin,
                },
        } => {
            use vamt_loadtest::sfu_bench::{PeerServer, SfuBench};
            let peer = match peer.as_str() {
                "janus" => PeerServer::Janus,
                "none" => PeerServer::None,
                other => anyhow::bail!("--peer {other}: expected janus or none"),
            };
            let vamt = vamt_binary(vamt)?;
            let r = vamt_loadtest::sfu_bench::run(&SfuBench {
                consultations,
                seconds,
                warmup: std::time::Duration::from_secs(warmup),
                vamt,
                peer,
                janus,
                pin: !no_pin,
            })
            .await?;
            for s in std::iter::once(&r.ours).chain(r.peer.as_ref()) {
                println!(
                    "{:<6} {} consultations: {:.0} packets per CPU-second ({} packets, {:.2} CPU-s in {:.1} s), latency p50 {:.2} ms p99 {:.2} ms, loss audio {:.3}% video frames {:.3}%, layers {:?}, {:.2} MiB per participant, {:.0} consultations per core, generator at {:.0}% of its core",
                    s.server, s.consultations, s.pps_per_cpu_s, s.forwarded_packets, s.server_cpu_seconds, s.seconds,
                    s.p50_latency_ms, s.p99_latency_ms, s.audio_loss * 100.0, s.video_frame_loss * 100.0,
                    s.frames_by_layer, s.memory_per_participant_mib, s.consultations_per_core,
                    s.generator_cpu_share * 100.0
                );
            }
            if let Some(ratio) = r.ratio {
                println!(
                    "ratio vamt / {}: {ratio:.2}",
                    r.peer.as_ref().map_or("peer", |p| p.server.as_str())
                );
            }
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Command::Bench {
            bench:
                Bench::Turn {
                    peer,
                    clients,
                    rate,
                    seconds,
                    sizes,
                    vamt,
                    turnserver,
                    no_pin,
                },
        } => {
            use vamt_loadtest::turn_bench::{PeerServer, TurnBench};
            let peer = match peer.as_str() {
                "coturn" => PeerServer::Coturn,
                "none" => PeerServer::None,
                other => anyhow::bail!("--peer {other}: expected coturn or none"),
            };
            let vamt = vamt_binary(vamt)?;
            let r = vamt_loadtest::turn_bench::run(&TurnBench {
                clients,
                rate,
                seconds,
                sizes,
                vamt,
                turnserver,
                peer,
                pin: !no_pin,
            })
            .await?;
            for c in &r.cases {
                println!(
                    "{:<6} {:<10} {:>5} B: {:>8.0} packets per CPU-second ({} packets, {:.2} CPU-s), latency p50 {:.3} ms p99 {:.3} ms, loss {:.3}%, generator at {:.0}% of its core",
                    c.server, c.mode, c.size, c.pps_per_cpu_s, c.relayed_packets, c.server_cpu_seconds,
                    c.p50_latency_ms, c.p99_latency_ms, c.loss * 100.0, c.generator_cpu_share * 100.0
                );
            }
            if let Some(ratio) = r.ratio {
                println!("ratio vamt / coturn: {ratio:.2}");
            }
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
        Command::Bench {
            bench:
                Bench::Booking {
                    searches,
                    booked,
                    storm_clients,
                    storm_clerks,
                    postgres,
                },
        } => {
            let r =
                vamt_loadtest::booking_bench::run(&vamt_loadtest::booking_bench::BookingBench {
                    searches,
                    booked,
                })?;
            println!(
                "booking: {} locations, {} clerks, {} services, {} days, {} appointments booked; {} searches, {:.0} offers each: slot search p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
                r.locations, r.clerks, r.services, r.horizon_days, r.booked_appointments, r.searches, r.mean_offers, r.slot_search_p50_ms, r.slot_search_p99_ms, r.slot_search_max_ms
            );
            let mut storms = Vec::new();
            if storm_clients > 0 {
                use vamt_loadtest::booking_storm;
                storms.push(booking_storm::run(None, storm_clients, storm_clerks).await?);
                if postgres != "none" {
                    let (url, name) = booking_storm::create_postgres(&postgres).await?;
                    let result = booking_storm::run(Some(&url), storm_clients, storm_clerks).await;
                    let _ = booking_storm::drop_postgres(&postgres, &name).await;
                    storms.push(result?);
                }
                for s in &storms {
                    println!(
                        "release storm on {}: {} clients, {} clerks, {} times released: {} held, {} taken, {} errors; answer p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                        s.engine, s.clients, s.clerks, s.released_slots, s.held, s.taken, s.errors, s.p50_ms, s.p99_ms, s.max_ms
                    );
                }
            }
            let mut out = serde_json::to_value(&r)?;
            out["storms"] = serde_json::to_value(&storms)?;
            println!("{out}");
            Ok(())
        }
        Command::Bench {
            bench:
                Bench::SfuCore {
                    consultations,
                    seconds,
                    video_frame_bytes,
                },
        } => {
            let r = vamt_loadtest::sfu_core::run(&vamt_loadtest::sfu_core::SfuCoreBench {
                consultations,
                seconds,
                video_frame_bytes,
            });
            println!(
                "sfu-core: {} consultations, {} frames forwarded as {} datagrams in {:.3} s of SFU time: {:.0} datagrams per CPU-second, ~{:.0} consultations per core",
                r.consultations, r.forwarded_frames, r.sent_datagrams, r.sfu_cpu_seconds, r.ours_pps_per_cpu_s, r.consultations_per_core
            );
            println!("{}", serde_json::to_string(&r)?);
            Ok(())
        }
    }
}

/// `--vamt`, or the `vamt` binary next to this one (both come out of one cargo build).
fn vamt_binary(given: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    match given {
        Some(v) => Ok(v),
        None => Ok(std::env::current_exe()?
            .parent()
            .context("no directory for the vamt binary")?
            .join("vamt")),
    }
}
