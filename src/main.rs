//! `vamt`: the virtual citizens' office. `vamt serve` runs everything in one process.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use serde_json::{json, Map, Value};
use vamt_portal::config::{Config, Settings};

mod serve;

#[derive(Parser)]
#[command(
    name = "vamt",
    version,
    about = "Virtual citizens' office: booking, video consultation, hearings"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run portal, signalling, media server and STUN in one process (SQLite, local files).
    Serve(ConfigArgs),
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
}

#[derive(Subcommand)]
enum ConfigCommand {
    /// Validate the configuration and print the effective values.
    Check(ConfigArgs),
}

/// Flags override the file and the environment.
#[derive(Args, Clone)]
struct ConfigArgs {
    /// TOML configuration file.
    #[arg(long, env = "VAMT_CONFIG")]
    config: Option<PathBuf>,
    /// Portal listen address (http.listen), e.g. 0.0.0.0:8080.
    #[arg(long)]
    http: Option<String>,
    /// The SFU's UDP port (media.port).
    #[arg(long)]
    media_port: Option<u16>,
    /// Data directory (storage.data_dir).
    #[arg(long)]
    data: Option<PathBuf>,
    /// Database URL (database.url).
    #[arg(long)]
    database: Option<String>,
    /// SMTP server URL (mail.smtp_url).
    #[arg(long)]
    smtp: Option<String>,
}

impl ConfigArgs {
    fn overrides(&self) -> Value {
        let mut root = Map::new();
        let mut set = |section: &str, key: &str, v: Value| {
            let entry = root.entry(section.to_owned()).or_insert_with(|| json!({}));
            if let Value::Object(m) = entry {
                m.insert(key.to_owned(), v);
            }
        };
        if let Some(v) = &self.http {
            set("http", "listen", json!(v));
        }
        if let Some(v) = self.media_port {
            set("media", "port", json!(v));
        }
        if let Some(v) = &self.data {
            set("storage", "data_dir", json!(v));
        }
        if let Some(v) = &self.database {
            set("database", "url", json!(v));
        }
        if let Some(v) = &self.smtp {
            set("mail", "smtp_url", json!(v));
        }
        Value::Object(root)
    }

    fn settings(&self) -> Result<Settings, vamt_portal::config::ConfigError> {
        Config::load(self.config.as_deref(), self.overrides())?.validate()
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Config {
            command: ConfigCommand::Check(args),
        } => match args.settings() {
            Ok(s) => {
                match toml::to_string_pretty(&s.raw) {
                    Ok(text) => print!("{text}"),
                    Err(e) => eprintln!("vamt: cannot print the configuration: {e}"),
                }
                eprintln!("configuration is valid");
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("vamt: {e}");
                ExitCode::from(2)
            }
        },
        Command::Serve(args) => {
            let settings = match args.settings() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("vamt: refusing to start: {e}");
                    return ExitCode::from(2);
                }
            };
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(r) => r,
                Err(e) => {
                    eprintln!("vamt: cannot start the runtime: {e}");
                    return ExitCode::FAILURE;
                }
            };
            match runtime.block_on(serve::run(settings)) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("vamt: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}
