//! Settings: built-in defaults, then `hrnexus.toml`, then `HRNEXUS_*` environment
//! variables, then command-line flags (each overrides the one before).
//!
//! Values that open something (the database URL, which may hold a password; the SMTP
//! password; the metrics token; the server secret) are `SecretString`s: their `Debug` output
//! is `[REDACTED]`, so printing the settings or an error that holds them leaks nothing.

use std::{net::SocketAddr, path::PathBuf};

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    pub listen: SocketAddr,
    pub data_dir: PathBuf,
    /// `sqlite:…` or `postgres://…`; empty means `<data_dir>/hrnexus.db`.
    #[serde(default)]
    pub database_url: Option<SecretString>,
    /// The address visitors use, e.g. `https://hrnexus.nl`; used in mail links, and an
    /// `https` address turns on HSTS and Secure cookies. Empty (the default): the address
    /// the site really listens on, so that printed and mailed links use the same host as
    /// the browser (cookies are per host).
    #[serde(default)]
    pub base_url: String,
    /// Whether `base_url` was derived from the listen address rather than configured.
    #[serde(skip)]
    pub base_url_from_listen: bool,
    /// A second listener for `/metrics` that is not exposed to the public.
    #[serde(default)]
    pub admin_listen: Option<SocketAddr>,
    /// With a token, `/metrics` is also served on the public listener to `Bearer <token>`.
    #[serde(default)]
    pub metrics_token: Option<SecretString>,
    pub log_format: LogFormat,
    /// Log filter in `tracing` syntax, e.g. `info` or `debug,sqlx=warn`.
    pub log: String,
    pub mail_from: String,
    #[serde(default)]
    pub smtp: Option<SmtpSettings>,
    pub session_idle_minutes: u64,
    pub session_absolute_hours: u64,
    /// Body size limit for forms and API requests, in kilobytes.
    pub max_body_kb: usize,
    /// Public form posts (scan answers, sign-in links) per minute per IP address; 0 turns
    /// the limit off (benchmarks). Kept in memory: it only slows down floods.
    pub public_form_rate_per_minute: u32,
    /// Proxies whose `X-Forwarded-For` is believed (for rate limits and the audit log).
    #[serde(default)]
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Key for keyed hashes that must not be computable from the database alone (64 hex
    /// characters, the same on every instance); empty means `<data_dir>/server.key`.
    #[serde(default)]
    pub server_secret: Option<SecretString>,
    /// Days before a round's closing date that invited addresses get their one reminder.
    #[serde(default = "default_reminder_days")]
    pub reminder_days_before_close: i64,
    /// Limits on slow and idle clients (`[http]`).
    #[serde(default)]
    pub http: HttpLimits,
    /// How long data is kept before the retention job deletes it (`[retention]`).
    #[serde(default)]
    pub retention: Retention,
    /// The introduction workflow and the matching weights (`[introductions]`).
    #[serde(default)]
    pub introductions: Introductions,
    #[serde(default)]
    pub newsletter: Newsletter,
    /// Who runs this installation (`[operator]`): shown on /over-hrnexus, in the privacy
    /// statement and in the processing agreement.
    #[serde(default)]
    pub operator: Operator,
}

/// The organisation that runs this installation of HRnexus, as visitors must be able to find
/// it (name, KvK number, address, e-mail). Empty fields are left off the pages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Operator {
    pub name: String,
    /// Eight digits.
    pub kvk: String,
    /// One line, e.g. "Stationsplein 1, 3511 ED Utrecht".
    pub address: String,
    pub email: String,
    pub phone: String,
}

impl Default for Operator {
    fn default() -> Self {
        Operator {
            name: "HRnexus".into(),
            kvk: String::new(),
            address: String::new(),
            email: String::new(),
            phone: String::new(),
        }
    }
}

/// Sending issues of the HRnexus Kompas (`[newsletter]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Newsletter {
    /// Mails per second per instance (0: no limit). Mail providers throttle or block bulk
    /// senders that go faster than agreed; with several instances the total is this times
    /// the number of instances.
    pub max_per_second: u32,
    /// Deliveries one instance claims at a time.
    pub batch: u32,
    /// SMTP conversations at once per instance.
    pub concurrency: usize,
    /// How long a claimed delivery stays with one instance; after a crash, another instance
    /// takes over the unfinished claims once this has passed.
    pub lease_seconds: i64,
    /// How often each instance looks for issues whose moment has come.
    pub check_seconds: u64,
}

impl Default for Newsletter {
    fn default() -> Self {
        Newsletter {
            max_per_second: 50,
            batch: 200,
            concurrency: 8,
            lease_seconds: 120,
            check_seconds: 5,
        }
    }
}

/// The introduction workflow (`[introductions]`).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Introductions {
    /// Working days (Dutch public holidays excluded) a provider has to answer a proposal.
    pub response_working_days: u32,
    /// Propose the best match without staff once its score reaches this; 0 leaves every
    /// first proposal to staff.
    pub auto_propose_min_score: u32,
    /// Weights of the matching criteria.
    pub weight_chosen_category: u32,
    pub weight_scan_category: u32,
    pub weight_province: u32,
    pub weight_company_size: u32,
    pub weight_language: u32,
    pub weight_urgent_room: u32,
    pub weight_feedback: u32,
    /// How often each instance looks for proposals past their deadline.
    pub deadline_check_minutes: u64,
}

impl Default for Introductions {
    fn default() -> Self {
        let w = hrnexus_core::matching::Weights::default();
        Introductions {
            response_working_days: hrnexus_core::workdays::DEFAULT_RESPONSE_WORKING_DAYS,
            auto_propose_min_score: 0,
            weight_chosen_category: w.chosen_category,
            weight_scan_category: w.scan_category,
            weight_province: w.province,
            weight_company_size: w.company_size,
            weight_language: w.language,
            weight_urgent_room: w.urgent_room,
            weight_feedback: w.feedback,
            deadline_check_minutes: 10,
        }
    }
}

impl Introductions {
    pub fn weights(&self) -> hrnexus_core::matching::Weights {
        hrnexus_core::matching::Weights {
            chosen_category: self.weight_chosen_category,
            scan_category: self.weight_scan_category,
            province: self.weight_province,
            company_size: self.weight_company_size,
            language: self.weight_language,
            urgent_room: self.weight_urgent_room,
            feedback: self.weight_feedback,
        }
    }
}

fn default_reminder_days() -> i64 {
    2
}

/// Without these a client that sends half a request keeps a connection (and a file
/// descriptor) forever; enough of them and nobody else gets in.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct HttpLimits {
    /// Time to send the request line and headers, from the connection's first byte or from
    /// the end of the previous request on a kept-alive connection.
    pub header_read_timeout_seconds: u64,
    /// Time to send the whole request body.
    pub body_read_timeout_seconds: u64,
    /// Time for a whole request, body included, before the server answers 408.
    pub request_timeout_seconds: u64,
    /// Open connections per listener; further clients wait in the kernel's backlog.
    pub max_connections: usize,
}

impl Default for HttpLimits {
    fn default() -> Self {
        HttpLimits {
            header_read_timeout_seconds: 10,
            body_read_timeout_seconds: 30,
            request_timeout_seconds: 60,
            max_connections: 4096,
        }
    }
}

/// Retention periods in days; 0 keeps that kind of data for ever (sessions: deleted as soon
/// as they expire).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Retention {
    pub audit_log_days: u64,
    /// Sign-in links, counted from when they were used or expired.
    pub login_links_days: u64,
    /// Outbox mail that was sent or failed for good.
    pub outbox_days: u64,
    /// Intakes, counted from their closing (completed or closed): personal fields emptied.
    pub intakes_days: u64,
    /// Expired sessions, counted from their expiry.
    pub sessions_days: u64,
    /// How often each instance runs the retention job.
    pub interval_minutes: u64,
}

impl Default for Retention {
    fn default() -> Self {
        Retention {
            audit_log_days: 365,
            login_links_days: 7,
            outbox_days: 90,
            intakes_days: 365,
            sessions_days: 0,
            interval_minutes: 60,
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpSettings {
    pub host: String,
    #[serde(default = "default_smtp_port")]
    pub port: u16,
    #[serde(default)]
    pub tls: SmtpTls,
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub password: Option<SecretString>,
}

fn default_smtp_port() -> u16 {
    587
}

#[derive(Debug, Clone, Copy, Default, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// STARTTLS on the submission port (the common case).
    #[default]
    Starttls,
    /// TLS from the first byte (port 465).
    Tls,
    /// Plain text: only for a relay on the same machine or in tests.
    None,
}

/// Values given on the command line; `None` leaves the lower layers in charge.
#[derive(Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub listen: Option<String>,
    pub data_dir: Option<String>,
    pub database_url: Option<String>,
}

/// By hand, so that a database URL with a password never reaches a log.
impl std::fmt::Debug for Overrides {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Overrides")
            .field("config_file", &self.config_file)
            .field("listen", &self.listen)
            .field("data_dir", &self.data_dir)
            .field(
                "database_url",
                &self.database_url.as_ref().map(|_| "[REDACTED]"),
            )
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
#[error("configuration: {0}")]
pub struct ConfigError(String);

/// Variables with our prefix that belong to the test and benchmark harness, not to the app.
const HARNESS_VARIABLES: [&str; 3] = ["HRNEXUS_TEST_", "HRNEXUS_REQUIRE_", "HRNEXUS_BIN"];

/// `HRNEXUS_*` variables, less the ones the test harness uses for itself.
fn settings_from_environment() -> config::Map<String, String> {
    std::env::vars()
        .filter(|(key, _)| key.starts_with("HRNEXUS_"))
        .filter(|(key, _)| {
            !HARNESS_VARIABLES
                .iter()
                .any(|prefix| key.starts_with(prefix))
        })
        .collect()
}

impl Settings {
    pub fn load(overrides: &Overrides) -> Result<Settings, ConfigError> {
        use config::{Config, Environment, File};
        let file = overrides
            .config_file
            .clone()
            .unwrap_or_else(|| PathBuf::from("hrnexus.toml"));
        let explicit_file = overrides.config_file.is_some();
        let mut builder = Config::builder()
            .set_default("listen", "127.0.0.1:8080")
            .and_then(|b| b.set_default("data_dir", "./data"))
            .and_then(|b| b.set_default("log_format", "text"))
            .and_then(|b| b.set_default("log", "info,sqlx=warn,tower_sessions=warn"))
            .and_then(|b| b.set_default("mail_from", "HRnexus <noreply@hrnexus.nl>"))
            .and_then(|b| b.set_default("session_idle_minutes", 30))
            .and_then(|b| b.set_default("session_absolute_hours", 12))
            .and_then(|b| b.set_default("max_body_kb", 64))
            .and_then(|b| b.set_default("public_form_rate_per_minute", 30))
            .map_err(|e| ConfigError(e.to_string()))?
            .add_source(
                File::from(file.clone())
                    .required(explicit_file)
                    .format(config::FileFormat::Toml),
            )
            .add_source(
                Environment::with_prefix("HRNEXUS")
                    .source(Some(settings_from_environment()))
                    .prefix_separator("_")
                    .separator("__")
                    .list_separator(",")
                    .with_list_parse_key("trusted_proxies")
                    .try_parsing(true),
            );
        for (key, value) in [
            ("listen", &overrides.listen),
            ("data_dir", &overrides.data_dir),
            ("database_url", &overrides.database_url),
        ] {
            if let Some(value) = value {
                builder = builder
                    .set_override(key, value.as_str())
                    .map_err(|e| ConfigError(e.to_string()))?;
            }
        }
        let mut settings: Settings = builder
            .build()
            .and_then(|c| c.try_deserialize())
            .map_err(|e| ConfigError(e.to_string()))?;
        if settings.base_url.trim().is_empty() {
            settings.use_listen_address(settings.listen);
        }
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), ConfigError> {
        let fail = |key: &str, problem: &str| Err(ConfigError(format!("{key}: {problem}")));
        if !(self.base_url.starts_with("http://") || self.base_url.starts_with("https://")) {
            return fail("base_url", "must start with http:// or https://");
        }
        if let Some(url) = &self.database_url
            && let url = url.expose_secret()
            && !url.is_empty()
            && !["sqlite:", "postgres://", "postgresql://"]
                .iter()
                .any(|p| url.starts_with(p))
        {
            return fail("database_url", "must start with sqlite: or postgres://");
        }
        if self.session_idle_minutes == 0 || self.session_absolute_hours == 0 {
            return fail(
                "session_idle_minutes / session_absolute_hours",
                "must be at least 1",
            );
        }
        if self.max_body_kb < 4 {
            return fail("max_body_kb", "must be at least 4");
        }
        if let Some(token) = &self.metrics_token
            && token.expose_secret().len() < 16
        {
            return fail("metrics_token", "must be at least 16 characters");
        }
        if let Some(smtp) = &self.smtp
            && smtp.host.trim().is_empty()
        {
            return fail("smtp.host", "must not be empty");
        }
        let http = &self.http;
        if http.header_read_timeout_seconds == 0
            || http.body_read_timeout_seconds == 0
            || http.request_timeout_seconds == 0
        {
            return fail("http.*_timeout_seconds", "must be at least 1");
        }
        if http.max_connections == 0 {
            return fail("http.max_connections", "must be at least 1");
        }
        if self.introductions.response_working_days == 0 {
            return fail("introductions.response_working_days", "must be at least 1");
        }
        if self.introductions.deadline_check_minutes == 0 {
            return fail("introductions.deadline_check_minutes", "must be at least 1");
        }
        if self.retention.interval_minutes == 0 {
            return fail("retention.interval_minutes", "must be at least 1");
        }
        let o = &self.operator;
        if !o.kvk.is_empty() && hrnexus_core::provider::KvkNumber::parse(&o.kvk).is_err() {
            return fail("operator.kvk", "must be a KvK number of eight digits");
        }
        if !o.email.is_empty() && hrnexus_core::email::EmailAddress::parse(&o.email).is_err() {
            return fail("operator.email", "must be an e-mail address");
        }
        if o.name.trim().is_empty() {
            return fail("operator.name", "must not be empty");
        }
        let n = &self.newsletter;
        if n.batch == 0 || n.concurrency == 0 || n.lease_seconds < 1 || n.check_seconds == 0 {
            return fail(
                "newsletter.batch/concurrency/lease_seconds/check_seconds",
                "must be at least 1",
            );
        }
        Ok(())
    }

    /// The URL to open the database with (exposed: the pool needs it in full).
    pub fn database_url(&self) -> String {
        match self.database_url.as_ref().map(|url| url.expose_secret()) {
            Some(url) if !url.is_empty() => url.to_owned(),
            _ => format!("sqlite://{}", self.data_dir.join("hrnexus.db").display()),
        }
    }

    /// Links follow `addr` (the address actually bound) unless `base_url` was configured.
    /// An unspecified address (0.0.0.0) is reached locally as 127.0.0.1.
    pub fn use_listen_address(&mut self, addr: SocketAddr) {
        let ip = if addr.ip().is_unspecified() {
            std::net::IpAddr::from([127, 0, 0, 1])
        } else {
            addr.ip()
        };
        self.base_url = format!("http://{}", SocketAddr::new(ip, addr.port()));
        self.base_url_from_listen = true;
    }

    pub fn is_https(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    pub fn base_url(&self) -> &str {
        self.base_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_shows_no_configured_secret() {
        let db_password = "db-wachtwoord-7391";
        let smtp_password = "smtp-wachtwoord-4412";
        let metrics_token = "metrics-token-5508-abcdef";
        let server_secret = "ab".repeat(32);
        let database_url = format!("postgres://hrnexus:{db_password}@db.example/hrnexus");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("hrnexus.toml");
        std::fs::write(
            &file,
            format!(
                "database_url = \"{database_url}\"\n\
                 metrics_token = \"{metrics_token}\"\n\
                 server_secret = \"{server_secret}\"\n\
                 [smtp]\n\
                 host = \"smtp.example\"\n\
                 username = \"mailer\"\n\
                 password = \"{smtp_password}\"\n"
            ),
        )
        .unwrap();
        let overrides = Overrides {
            config_file: Some(file),
            ..Overrides::default()
        };
        let settings = Settings::load(&overrides).unwrap();
        for debug in [format!("{settings:?}"), format!("{settings:#?}")] {
            for secret in [
                db_password,
                smtp_password,
                metrics_token,
                server_secret.as_str(),
            ] {
                assert!(!debug.contains(secret), "{secret} in {debug}");
            }
            // The rest is still there to read.
            assert!(debug.contains("smtp.example") && debug.contains("mailer"));
        }
        // And the values themselves still work.
        assert_eq!(settings.database_url(), database_url);
        let smtp = settings.smtp.as_ref().unwrap();
        assert_eq!(
            smtp.password.as_ref().map(|p| p.expose_secret()),
            Some(smtp_password)
        );
        assert_eq!(
            settings.metrics_token.as_ref().map(|t| t.expose_secret()),
            Some(metrics_token)
        );

        let overrides = Overrides {
            database_url: Some(database_url.clone()),
            ..Overrides::default()
        };
        assert!(!format!("{overrides:?}").contains(db_password));
    }

    #[test]
    fn a_short_metrics_token_or_a_strange_database_url_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let load = |text: &str| {
            let file = dir.path().join("hrnexus.toml");
            std::fs::write(&file, text).unwrap();
            Settings::load(&Overrides {
                config_file: Some(file),
                ..Overrides::default()
            })
        };
        assert!(load("metrics_token = \"kort\"\n").is_err());
        assert!(load("database_url = \"mysql://x\"\n").is_err());
        assert!(load("database_url = \"\"\n").is_ok());
    }
}
