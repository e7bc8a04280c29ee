//! The command line: serve, migrate, create-admin, backup, create-api-key.

use std::{io::IsTerminal, path::PathBuf};

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use hrnexus_core::email::EmailAddress;

use crate::{
    app, auth,
    config::{LogFormat, Overrides, Settings},
    demo,
    storage::StorageError,
};

#[derive(Parser)]
#[command(
    name = "hrnexus",
    version,
    about = "HRnexus: autonomie op de werkvloer, gemeten en verbeterd."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args, Clone, Default)]
struct Common {
    /// Configuration file (default: ./hrnexus.toml when present).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Data folder for the embedded database and mail files (default ./data).
    #[arg(long, global = true)]
    data_dir: Option<String>,
    /// `sqlite:…` or `postgres://…` (default: SQLite in the data folder).
    #[arg(long, global = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the site.
    Serve {
        #[command(flatten)]
        common: Common,
        /// Address to listen on (default 127.0.0.1:8080).
        #[arg(long)]
        listen: Option<String>,
        /// Fill an empty database with demo data and print the demo login.
        #[arg(long)]
        demo: bool,
    },
    /// Create or update the database schema, then exit.
    Migrate {
        #[command(flatten)]
        common: Common,
    },
    /// Create a beheerder (staff) account; the password is read from the terminal or stdin.
    CreateAdmin {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        email: String,
    },
    /// Write a consistent copy of the running SQLite database to FILE.
    Backup {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        to: PathBuf,
    },
    /// Create an API key and print it; it is shown this once (only a hash is stored).
    CreateApiKey {
        #[command(flatten)]
        common: Common,
        /// What the key is for, as shown in Beheer → API keys.
        #[arg(long)]
        name: String,
    },
}

fn load(common: &Common, listen: Option<String>) -> anyhow::Result<Settings> {
    Ok(Settings::load(&Overrides {
        config_file: common.config.clone(),
        listen,
        data_dir: common.data_dir.clone(),
        database_url: common.database_url.clone(),
    })?)
}

fn init_logging(settings: &Settings) {
    use tracing_subscriber::{EnvFilter, fmt};
    let filter = EnvFilter::try_new(&settings.log).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr);
    let _ = match settings.log_format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve {
            common,
            listen,
            demo,
        } => serve(load(&common, listen)?, demo).await,
        Command::Migrate { common } => {
            let settings = load(&common, None)?;
            init_logging(&settings);
            app::open_storage(&settings).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::CreateAdmin { common, email } => {
            let settings = load(&common, None)?;
            let email = EmailAddress::parse(&email)
                .map_err(|_| anyhow::anyhow!("--email: not a valid email address"))?;
            let password = read_password()?;
            if password.chars().count() < auth::MIN_PASSWORD_LEN {
                anyhow::bail!(
                    "the password needs at least {} characters",
                    auth::MIN_PASSWORD_LEN
                );
            }
            let store = app::open_storage(&settings).await?;
            let hash = auth::hash_password(&password);
            match store.create_staff(&email, &hash).await {
                Ok(_) => println!(
                    "beheerder {} created; two-step sign-in is set up at the first login",
                    email.as_str()
                ),
                Err(StorageError::Conflict) => {
                    let staff = store
                        .staff_by_email(&email)
                        .await?
                        .context("account vanished")?;
                    store.set_staff_password(staff.id, &hash).await?;
                    println!(
                        "beheerder {} already existed: password replaced",
                        email.as_str()
                    );
                }
                Err(e) => return Err(e.into()),
            }
            Ok(())
        }
        Command::Backup { common, to } => {
            let settings = load(&common, None)?;
            if to.exists() {
                anyhow::bail!("{} already exists; choose a new file", to.display());
            }
            let store = app::open_storage(&settings).await?;
            store.backup_to(&to).await?;
            println!("backup written to {}", to.display());
            Ok(())
        }
        Command::CreateApiKey { common, name } => {
            let settings = load(&common, None)?;
            let name = name.trim();
            // The same limits as the back office's form.
            anyhow::ensure!(
                !name.is_empty() && name.chars().count() <= 80,
                "--name: 1 to 80 characters"
            );
            anyhow::ensure!(
                !name.chars().any(char::is_control),
                "--name: no control characters"
            );
            let store = app::open_storage(&settings).await?;
            let (key, prefix, hash) = auth::new_api_key();
            store
                .create_api_key(name, &prefix, &hash, "command line")
                .await?;
            // Only the key on stdout, so that scripts can capture it.
            println!("{key}");
            Ok(())
        }
    }
}

/// From the terminal without echo, or the first line of stdin when piped (for scripts).
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Again: ")?;
        anyhow::ensure!(first == second, "the two passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_owned())
    }
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    init_logging(&settings);
    let started = std::time::Instant::now();
    let store = app::open_storage(&settings).await?;
    if demo {
        if let Some(login) = demo::fill(&store).await? {
            println!(
                "demo data loaded. Beheer login: {} / {}",
                login.email, login.password
            );
            println!(
                "demo employer: request a sign-in link for {} at {}/werkgever/login and open it from Beheer → Outbox",
                demo::DEMO_EMPLOYER,
                settings.base_url()
            );
            if let Some(token) = &login.scan_token {
                println!(
                    "demo scan, answer it as an employee: {}/scan/{token}",
                    settings.base_url()
                );
            }
        } else {
            println!("database already has data: demo data not loaded");
        }
    }
    let running = app::start(settings, store).await?;
    tracing::info!(
        addr = %running.addr,
        admin = ?running.admin_addr,
        ms = started.elapsed().as_millis() as u64,
        "HRnexus is listening on http://{}",
        running.addr
    );
    app::shutdown_signal().await;
    tracing::info!("shutting down: finishing requests in flight");
    running.stop().await;
    Ok(())
}
