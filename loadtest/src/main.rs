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

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .init();
    match Cli::parse().command {
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
