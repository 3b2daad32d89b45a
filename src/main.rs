//! `vamt`: the virtual citizens' office. `vamt serve` runs everything in one process.
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use config::{Config, Settings};
use serde_json::{json, Map, Value};

mod config;
mod media;
mod serve;
mod turn;

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
    /// Run the TURN relay alone (coturn-like flags; see docs/turn.md).
    Turn(turn::TurnArgs),
    /// Configuration tools.
    Config {
        #[command(subcommand)]
        command: ConfigCommand,
    },
    /// Clerk accounts (run on the host that has the data directory).
    Clerk {
        #[command(subcommand)]
        command: ClerkCommand,
    },
    /// Seal a PDF with the office's seal (documents.seal_cert/seal_key, else the demo seal),
    /// as documents issued in a call are sealed.
    Seal {
        /// The PDF to seal.
        input: PathBuf,
        /// Where to write the sealed PDF.
        output: PathBuf,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// The case records' audit logs.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Check every case's hash chain; exit 1 naming each case whose log was changed or cut.
    Verify(ConfigArgs),
}

#[derive(Subcommand)]
enum ClerkCommand {
    /// Create a clerk; prints a generated password once.
    Add {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Name shown to citizens in calls.
        #[arg(long)]
        name: String,
        /// Also allow the admin pages (catalogue, hours, clerks).
        #[arg(long)]
        admin: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Grant the admin role (or withdraw it with --revoke).
    Admin {
        /// Login name.
        #[arg(long)]
        username: String,
        /// Withdraw the role instead.
        #[arg(long)]
        revoke: bool,
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// List clerks.
    List {
        #[command(flatten)]
        config: ConfigArgs,
    },
    /// Set a new generated password (printed once) and end the clerk's sessions.
    ResetPassword {
        /// Login name.
        #[arg(long)]
        username: String,
        #[command(flatten)]
        config: ConfigArgs,
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

    fn settings(&self) -> Result<Settings, vamt_portal_core::config::ConfigError> {
        Config::load(self.config.as_deref(), self.overrides())?.validate()
    }
}

/// Validates the configuration (exit 2 naming the key if it is bad), then runs `task` on a
/// tokio runtime; errors end the process with a message and exit 1.
fn run<F, Fut>(args: &ConfigArgs, refuse: &str, multi_thread: bool, task: F) -> ExitCode
where
    F: FnOnce(Settings) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<ExitCode>>,
{
    let settings = match args.settings() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("{refuse}: {e}");
            return ExitCode::from(2);
        }
    };
    let mut builder = if multi_thread {
        tokio::runtime::Builder::new_multi_thread()
    } else {
        tokio::runtime::Builder::new_current_thread()
    };
    let runtime = match builder.enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("vamt: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(task(settings)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("vamt: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// mimalloc rather than glibc's malloc: glibc grows each thread's arena a few pages at a
/// time, an `mprotect` and page faults per step, which was 11 % of the CPU of a release
/// storm (500 bookings at once); with mimalloc the storm's p99 fell by about a fifth
/// (`docs/benchmarks.md`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Config {
            command: ConfigCommand::Check(args),
        } => match args.settings() {
            Ok(s) => {
                match toml::to_string_pretty(&s.raw.redacted()) {
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
        Command::Clerk { command } => {
            let args = match &command {
                ClerkCommand::Add { config, .. }
                | ClerkCommand::List { config }
                | ClerkCommand::Admin { config, .. }
                | ClerkCommand::ResetPassword { config, .. } => config.clone(),
            };
            run(&args, "vamt", false, |settings| async move {
                clerk_command(settings, command).await
            })
        }
        Command::Seal {
            input,
            output,
            config,
        } => run(&config, "vamt", false, |settings| async move {
            seal_file(settings, input, output).await
        }),
        Command::Audit {
            command: AuditCommand::Verify(args),
        } => run(&args, "vamt", false, |settings| async move {
            audit_verify(settings).await
        }),
        Command::Turn(args) => {
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
            match runtime.block_on(turn::run(args)) {
                Ok(code) => code,
                Err(e) => {
                    eprintln!("vamt turn: {e:#}");
                    ExitCode::FAILURE
                }
            }
        }
        Command::Serve(args) => run(
            &args,
            "vamt: refusing to start",
            true,
            |settings| async move { serve::run(settings).await.map(|()| ExitCode::SUCCESS) },
        ),
    }
}

/// `vamt seal IN OUT`: `IN` sealed with the office's seal into `OUT`.
async fn seal_file(
    settings: Settings,
    input: PathBuf,
    output: PathBuf,
) -> anyhow::Result<ExitCode> {
    use anyhow::Context;
    let sealer = serve::load_sealer(&settings)?;
    let pdf = std::fs::read(&input).with_context(|| format!("reading {}", input.display()))?;
    let sealed = vamt_pdf::seal(&pdf, &sealer, chrono::Utc::now(), "Issued by the office")
        .with_context(|| format!("sealing {}", input.display()))?;
    std::fs::write(&output, sealed).with_context(|| format!("writing {}", output.display()))?;
    println!("sealed {} into {}", input.display(), output.display());
    Ok(ExitCode::SUCCESS)
}

/// `vamt audit verify`: every case's chain, from the database the configuration names.
async fn audit_verify(settings: Settings) -> anyhow::Result<ExitCode> {
    let db = vamt_portal_storage::db::open(&settings.portal.database_url).await?;
    let report = vamt_documents::audit::verify_all(&db).await?;
    db.close().await;
    for (case, why) in &report.broken {
        println!("{case}: BROKEN: {why}");
    }
    println!(
        "{} cases, {} entries: {} sound, {} broken",
        report.sound + report.broken.len() as u64,
        report.entries,
        report.sound,
        report.broken.len()
    );
    Ok(if report.broken.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

async fn clerk_command(settings: Settings, command: ClerkCommand) -> anyhow::Result<ExitCode> {
    use vamt_booking::clerk;
    let portal = &settings.portal;
    vamt_portal_storage::private_file::dir(&portal.storage.data_dir)?;
    vamt_portal_storage::private_file::sqlite(&portal.database_url)?;
    let db = vamt_portal_storage::db::open(&portal.database_url).await?;
    let code = match command {
        ClerkCommand::Add {
            username,
            name,
            admin,
            ..
        } => {
            let username = username.trim();
            if username.is_empty() || name.trim().is_empty() {
                eprintln!("vamt: --username and --name must not be empty");
                ExitCode::from(2)
            } else if clerk::list(&db)
                .await?
                .iter()
                .any(|c| c.username == username)
            {
                eprintln!("vamt: clerk {username:?} exists; use `vamt clerk reset-password`");
                ExitCode::from(2)
            } else {
                let password = clerk::generate_password();
                clerk::create(&db, username, name.trim(), &password, chrono::Utc::now()).await?;
                if admin {
                    clerk::set_admin(&db, username, true).await?;
                }
                println!("clerk {username} created; password (shown only now): {password}");
                ExitCode::SUCCESS
            }
        }
        ClerkCommand::List { .. } => {
            for c in clerk::list(&db).await? {
                let role = match (c.active, c.is_admin) {
                    (false, _) => "inactive",
                    (true, true) => "admin",
                    (true, false) => "clerk",
                };
                println!("{}\t{}\t{role}", c.username, c.display_name);
            }
            ExitCode::SUCCESS
        }
        ClerkCommand::Admin {
            username, revoke, ..
        } => {
            if clerk::set_admin(&db, username.trim(), !revoke).await? {
                ExitCode::SUCCESS
            } else {
                eprintln!("vamt: no clerk {:?}", username.trim());
                ExitCode::from(2)
            }
        }
        ClerkCommand::ResetPassword { username, .. } => {
            let password = clerk::generate_password();
            if clerk::reset_password(&db, username.trim(), &password).await? {
                println!(
                    "password of {} reset; new password (shown only now): {password}",
                    username.trim()
                );
                ExitCode::SUCCESS
            } else {
                eprintln!("vamt: no clerk {:?}", username.trim());
                ExitCode::from(2)
            }
        }
    };
    db.close().await;
    Ok(code)
}
