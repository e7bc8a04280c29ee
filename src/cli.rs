//! The command line: serve, migrate, create-admin, backup, create-api-key.

use std::{io::IsTerminal, path::PathBuf};

use clap::{Args, Parser, Subcommand};
use hrnexus_core::email::EmailAddress;

use crate::{
    app, auth,
    config::{LogFormat, Overrides, Settings},
    demo,
    storage::now,
};

/// How long a beheerder's account set-up link works.
const SETUP_LINK_VALID_SECONDS: i64 = 24 * 60 * 60;

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
    /// Create a beheerder (staff) account and print its personal single-use set-up link
    /// (24 hours), where the new beheerder chooses a password and sets up two-step sign-in.
    CreateAdmin {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        email: String,
    },
    /// Import provider profiles from a CSV file (one per line; the header names the columns:
    /// organisation, slug, kvk, description, categories, provinces, sizes, certifications,
    /// languages, capacity, availability, contact_email). Each line is checked and saved on
    /// its own; an existing slug is updated. Prints a report per line; exits 1 when a line
    /// was wrong.
    ImportProviders {
        #[command(flatten)]
        common: Common,
        /// The CSV file.
        file: PathBuf,
    },
    /// Write a consistent copy of the running SQLite database to FILE.
    Backup {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        to: PathBuf,
    },
    /// Replace the embedded SQLite database with a backup (checked first). Stop the site
    /// before; an existing database is only replaced with --force.
    Restore {
        #[command(flatten)]
        common: Common,
        #[arg(long)]
        from: PathBuf,
        /// Replace an existing database.
        #[arg(long)]
        force: bool,
    },
    /// Create an API key and print it; it is shown this once (only a hash is stored).
    CreateApiKey {
        #[command(flatten)]
        common: Common,
        /// What the key is for, as shown in Beheer → API keys.
        #[arg(long)]
        name: String,
    },
    /// The HRnexus Kompas: `hrnexus newsletter status` shows each issue with sent, failed and
    /// remaining mails (`--watch` repeats it every two seconds until nothing is being sent).
    Newsletter {
        #[command(subcommand)]
        command: NewsletterCommand,
    },
}

#[derive(Subcommand)]
enum NewsletterCommand {
    /// Issues, newest first, with how far their sending is.
    Status {
        #[command(flatten)]
        common: Common,
        /// Repeat every two seconds while an issue is being sent.
        #[arg(long)]
        watch: bool,
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
            let store = app::open_storage(&settings).await?;
            let token = auth::random_token();
            // A hash of a password nobody knows: the account cannot sign in until the link is used.
            let placeholder = auth::hash_password(&auth::random_token());
            let (_, created) = store
                .create_staff_setup_link(
                    &email,
                    &placeholder,
                    &auth::token_hash(&token),
                    now() + SETUP_LINK_VALID_SECONDS,
                )
                .await?;
            if created {
                println!(
                    "beheerder {} created, without a password yet",
                    email.as_str()
                );
            } else {
                println!(
                    "beheerder {} already exists: using the link below replaces the password and the two-step verification",
                    email.as_str()
                );
            }
            println!(
                "give this personal set-up link to {} only; it works once, for 24 hours, and earlier set-up links for this account stop working:",
                email.as_str()
            );
            println!("{}/beheer/instellen/{token}", settings.base_url());
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
        Command::Restore {
            common,
            from,
            force,
        } => {
            let settings = load(&common, None)?;
            restore(&settings, &from, force).await
        }
        Command::ImportProviders { common, file } => {
            let settings = load(&common, None)?;
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            let rows = crate::services::providers::read_csv(&bytes).map_err(|e| match e {
                crate::services::providers::ImportError::Unreadable(why) => {
                    anyhow::anyhow!("{}: not readable CSV: {why}", file.display())
                }
                crate::services::providers::ImportError::MissingColumns(c) => {
                    anyhow::anyhow!("{}: missing columns: {}", file.display(), c.join(", "))
                }
                crate::services::providers::ImportError::TooManyRows => anyhow::anyhow!(
                    "{}: more than {} lines; split the file",
                    file.display(),
                    crate::services::providers::MAX_IMPORT_ROWS
                ),
            })?;
            let store = app::open_storage(&settings).await?;
            // The bar goes to stderr (hidden when it is not a terminal); the report to stdout.
            let bar = indicatif::ProgressBar::new(rows.len() as u64).with_style(
                indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} {msg}")
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            let report = crate::services::providers::import(store.as_ref(), rows, |done| {
                bar.set_position(done as u64)
            })
            .await?;
            bar.finish_and_clear();
            let mut wrong = 0;
            for row in &report {
                match &row.outcome {
                    Ok((slug, crate::services::providers::Saved::Created(_))) => {
                        println!("line {}: created {slug}", row.line)
                    }
                    Ok((slug, crate::services::providers::Saved::Updated(_))) => {
                        println!("line {}: updated {slug}", row.line)
                    }
                    Err(problems) => {
                        wrong += 1;
                        let what: Vec<String> = problems
                            .iter()
                            .map(|(field, problem)| match problem {
                                hrnexus_core::provider::ProviderProblem::Unknown(v) => {
                                    format!("{}: unknown value {v:?}", field.key())
                                }
                                other => format!("{}: {}", field.key(), other.code()),
                            })
                            .collect();
                        println!("line {}: NOT saved: {}", row.line, what.join("; "));
                    }
                }
            }
            println!(
                "{} saved, {wrong} not saved, of {} lines",
                report.len() - wrong,
                report.len()
            );
            anyhow::ensure!(wrong == 0, "{wrong} line(s) were not saved");
            Ok(())
        }
        Command::Newsletter {
            command: NewsletterCommand::Status { common, watch },
        } => {
            let settings = load(&common, None)?;
            let store = app::open_storage(&settings).await?;
            loop {
                let statuses = crate::services::issues::statuses(store.as_ref(), 20).await?;
                print_newsletter_status(&statuses);
                let busy = statuses
                    .iter()
                    .any(|s| s.state == hrnexus_core::issue::IssueState::Sending);
                if !watch || !busy {
                    return Ok(());
                }
                tokio::time::sleep(std::time::Duration::from_secs(2)).await;
                println!();
            }
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

/// Copies a checked backup over the embedded database (through a temporary file and a rename,
/// so a failure leaves the old database as it was), then migrates it forward.
async fn restore(settings: &Settings, from: &std::path::Path, force: bool) -> anyhow::Result<()> {
    let url = settings.database_url();
    let Some(target) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .map(|rest| std::path::PathBuf::from(rest.split('?').next().unwrap_or(rest)))
    else {
        anyhow::bail!(
            "restore works on the embedded SQLite database; for PostgreSQL use pg_restore (deploy/README.md)"
        );
    };
    if !from.is_file() {
        anyhow::bail!("--from: {} is not a file", from.display());
    }
    crate::storage::SqliteStore::check_backup(from)
        .await
        .map_err(|e| anyhow::anyhow!("--from: {} cannot be restored: {e}", from.display()))?;
    if target.exists() && !force {
        anyhow::bail!(
            "{} already exists; stop the site and add --force to replace it",
            target.display()
        );
    }
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let temporary = target.with_extension("db.restoring");
    std::fs::copy(from, &temporary)?;
    std::fs::File::open(&temporary)?.sync_all()?;
    // The old database's write-ahead log belongs to the old file and must not be replayed
    // onto the restored one.
    for suffix in ["-wal", "-shm"] {
        let mut side = target.clone().into_os_string();
        side.push(suffix);
        let _ = std::fs::remove_file(side);
    }
    std::fs::rename(&temporary, &target)?;
    app::open_storage(settings).await?;
    println!(
        "restored {} from {} and brought it up to date",
        target.display(),
        from.display()
    );
    Ok(())
}

async fn serve(settings: Settings, demo: bool) -> anyhow::Result<()> {
    init_logging(&settings);
    let started = std::time::Instant::now();
    let store = app::open_storage(&settings).await?;
    let mut demo_login = None;
    if demo {
        if let Some(login) = demo::fill(&store).await? {
            let secret = crate::secret::ServerSecret::load(
                settings.server_secret.as_ref(),
                &settings.data_dir,
            )?;
            demo::fill_kompas(&store, &secret, settings.base_url()).await?;
            demo_login = Some(login);
        } else {
            println!("database already has data: demo data not loaded");
        }
    }
    let running = app::start(settings, store).await?;
    // Printed once listening, with the address links really use.
    if let Some(login) = demo_login {
        let settings = &running.state.settings;
        println!(
            "demo data loaded. Beheer login: {} / {}",
            login.email, login.password
        );
        println!(
            "demo employer: request a sign-in link for {} at {}/werkgever/login and open it from the newest .eml file in {}/mail",
            demo::DEMO_EMPLOYER,
            settings.base_url(),
            settings.data_dir.display()
        );
        if let Some(token) = &login.scan_token {
            println!(
                "demo scan, answer it as an employee: {}/scan/{token}",
                settings.base_url()
            );
        }
        println!("the site: {}/", settings.base_url());
    }
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

fn print_newsletter_status(statuses: &[crate::services::issues::IssueStatus]) {
    if statuses.is_empty() {
        println!("no issues yet");
        return;
    }
    println!(
        "{:>5}  {:<4} {:<10} {:>8} {:>8} {:>8} {:>9} {:>8}  subject",
        "issue", "lang", "state", "total", "sent", "failed", "remaining", "skipped"
    );
    for s in statuses {
        let p = &s.progress;
        println!(
            "{:>5}  {:<4} {:<10} {:>8} {:>8} {:>8} {:>9} {:>8}  {}",
            s.issue.id,
            s.issue.lang,
            s.state.as_str(),
            p.total,
            p.sent,
            p.failed,
            p.remaining(),
            p.skipped,
            s.issue.subject
        );
    }
}
