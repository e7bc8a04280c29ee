//! Storage: one trait, one implementation per backend (SQLite embedded, PostgreSQL for
//! several instances). Both pass the same contract tests in `tests/storage_contract.rs`.
//!
//! Queries whose SQL is identical on both backends are written once in `shared.rs`;
//! the backend files hold only connection set-up and what genuinely differs
//! (claiming outbox mail, backups).

mod invitation;
mod postgres;
mod scan;
mod shared;
mod sqlite;

use std::{path::Path, sync::Arc};

use async_trait::async_trait;
use hrnexus_core::email::EmailAddress;
use serde::{Deserialize, Serialize};

pub use invitation::*;
pub use postgres::PgStore;
pub use scan::*;
pub use sqlite::SqliteStore;

/// Unix time in seconds. Both backends store times as integers so that the same SQL
/// compares them; conversion to calendar dates happens at the edges.
pub type UnixTime = i64;

pub fn now() -> UnixTime {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or_default()
}

/// A random 128-bit id for rows whose order must not tell anything (responses, comments).
pub fn random_id() -> String {
    format!("{:032x}", rand::random::<u128>())
}

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("already exists")]
    Conflict,
    #[error("{0}")]
    Unsupported(&'static str),
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("migration: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
}

impl StorageError {
    fn from_write(err: sqlx::Error) -> Self {
        match &err {
            sqlx::Error::Database(db) if db.is_unique_violation() => StorageError::Conflict,
            _ => StorageError::Database(err),
        }
    }
}

pub type Result<T, E = StorageError> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor: Option<&'a str>,
    pub event: &'a str,
    pub detail: &'a str,
    pub ip: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: UnixTime,
    pub actor: Option<String>,
    pub event: String,
    pub detail: String,
    pub ip: Option<String>,
}

/// A mail as the platform composed it, before it enters the outbox.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutgoingMail {
    pub recipient: String,
    pub subject: String,
    pub text_body: String,
    pub html_body: Option<String>,
    /// Extra headers such as List-Unsubscribe, as (name, value) pairs.
    pub headers: Vec<(String, String)>,
    /// The body carries a secret (a sign-in link, a personal scan link): the back office
    /// never shows it, and the stored bodies are overwritten once the mail is delivered.
    #[serde(default)]
    pub carries_secret: bool,
}

impl OutgoingMail {
    /// Marks the mail as carrying a secret; any composer of such mail calls this.
    pub fn carrying_secret(mut self) -> Self {
        self.carries_secret = true;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MailStatus {
    Pending,
    Sending,
    Sent,
    Failed,
}

impl MailStatus {
    fn parse(s: &str) -> Self {
        match s {
            "sending" => Self::Sending,
            "sent" => Self::Sent,
            "failed" => Self::Failed,
            _ => Self::Pending,
        }
    }
    pub fn key(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Sending => "sending",
            Self::Sent => "sent",
            Self::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct QueuedMail {
    pub id: i64,
    pub created_at: UnixTime,
    pub mail: OutgoingMail,
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: UnixTime,
    pub last_error: Option<String>,
    pub sent_at: Option<UnixTime>,
}

#[derive(sqlx::FromRow)]
struct OutboxRow {
    id: i64,
    created_at: i64,
    recipient: String,
    subject: String,
    text_body: String,
    html_body: Option<String>,
    headers: String,
    carries_secret: bool,
    status: String,
    attempts: i32,
    next_attempt_at: i64,
    last_error: Option<String>,
    sent_at: Option<i64>,
}

impl From<OutboxRow> for QueuedMail {
    fn from(row: OutboxRow) -> Self {
        QueuedMail {
            id: row.id,
            created_at: row.created_at,
            mail: OutgoingMail {
                recipient: row.recipient,
                subject: row.subject,
                text_body: row.text_body,
                html_body: row.html_body,
                headers: serde_json::from_str(&row.headers).unwrap_or_default(),
                carries_secret: row.carries_secret,
            },
            status: MailStatus::parse(&row.status),
            attempts: row.attempts,
            next_attempt_at: row.next_attempt_at,
            last_error: row.last_error,
            sent_at: row.sent_at,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct OutboxCounts {
    pub pending: i64,
    pub sending: i64,
    pub sent: i64,
    pub failed: i64,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    #[serde(skip)]
    pub key_hash: String,
    pub created_by: String,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
}

#[async_trait]
pub trait Storage: Send + Sync + 'static {
    fn backend(&self) -> Backend;
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;

    // Staff accounts.
    async fn create_staff(&self, email: &EmailAddress, password_hash: &str) -> Result<i64>;
    async fn set_staff_password(&self, id: i64, password_hash: &str) -> Result<()>;
    async fn staff_by_email(&self, email: &EmailAddress) -> Result<Option<Staff>>;
    async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>>;
    async fn count_staff(&self) -> Result<i64>;
    /// Turns on two-factor sign-in and queues the notice about it in the same transaction.
    async fn enable_totp(&self, id: i64, secret: &str, notice: &OutgoingMail) -> Result<()>;
    /// Accepts a TOTP time step once: false when this or a later step was already used.
    async fn accept_totp_step(&self, id: i64, step: i64) -> Result<bool>;

    // Audit log.
    async fn record_audit(&self, entry: &NewAuditEntry<'_>) -> Result<()>;
    async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditEntry>>;
    /// Counts `event` entries since `since` for an actor or an IP address (login throttling
    /// lives in the database so that every instance sees the same attempts).
    async fn count_audit_since(
        &self,
        event: &str,
        actor: Option<&str>,
        ip: Option<&str>,
        since: UnixTime,
    ) -> Result<i64>;

    // Sessions (server-side; the cookie only carries a random id).
    async fn session_insert(&self, id_hash: &str, data: &str, expires_at: UnixTime)
    -> Result<bool>;
    async fn session_upsert(&self, id_hash: &str, data: &str, expires_at: UnixTime) -> Result<()>;
    async fn session_load(&self, id_hash: &str, now: UnixTime) -> Result<Option<String>>;
    async fn session_delete(&self, id_hash: &str) -> Result<()>;
    async fn session_delete_expired(&self, now: UnixTime) -> Result<u64>;

    // Mail outbox.
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<i64>;
    /// Claims up to `limit` due messages for `lease` seconds. A claimed message is invisible
    /// to other workers until it is marked or its lease runs out (a crashed worker).
    async fn claim_mail(&self, now: UnixTime, lease: i64, limit: i64) -> Result<Vec<QueuedMail>>;
    async fn mark_mail_sent(&self, id: i64, now: UnixTime) -> Result<()>;
    /// Records a failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_mail_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<UnixTime>,
    ) -> Result<()>;
    async fn list_mail(&self, limit: i64) -> Result<Vec<QueuedMail>>;
    async fn mail_by_id(&self, id: i64) -> Result<Option<QueuedMail>>;
    async fn outbox_counts(&self) -> Result<OutboxCounts>;

    // API keys (only a hash of the key is stored).
    async fn create_api_key(
        &self,
        name: &str,
        prefix: &str,
        key_hash: &str,
        created_by: &str,
    ) -> Result<i64>;
    async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>>;
    async fn touch_api_key(&self, id: i64, now: UnixTime) -> Result<()>;
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, now: UnixTime) -> Result<bool>;

    // Employers (magic-link sign-in).
    /// Stores a sign-in link and queues the mail that carries it, in one transaction.
    async fn create_login_link(
        &self,
        email: &EmailAddress,
        lang: &str,
        token_hash: &str,
        expires_at: UnixTime,
        mail: &OutgoingMail,
    ) -> Result<()>;
    /// Uses a link once: returns the employer (created at the first sign-in), or `None` when
    /// the link is unknown, used or expired. Older unused links of the address stop working.
    async fn consume_login_link(&self, token_hash: &str, now: UnixTime)
    -> Result<Option<Employer>>;
    async fn employer_by_id(&self, id: i64) -> Result<Option<Employer>>;

    // Scans.
    /// Creates the scan, its departments and its first round in one transaction.
    async fn create_scan(&self, scan: &NewScan) -> Result<i64>;
    async fn scan_by_id(&self, id: i64) -> Result<Option<Scan>>;
    async fn scans_of(&self, owner: ScanOwner) -> Result<Vec<ScanSummary>>;
    async fn departments(&self, scan_id: i64) -> Result<Vec<Department>>;
    /// Rounds of a scan, oldest first, with their response counts.
    async fn rounds(&self, scan_id: i64) -> Result<Vec<Round>>;
    /// Opens the next round (closing the current one) with its invites, and returns it.
    async fn open_round(
        &self,
        scan_id: i64,
        opened_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
        shared_token_hash: Option<&str>,
        invites: &[(String, Option<i64>)],
    ) -> Result<Round>;
    /// Closes a round by hand and seals it (see `seal_round`). A closed round stays closed.
    async fn close_round(&self, round_id: i64, now: UnixTime) -> Result<()>;
    /// Seals a round that is closed (by hand, or because `today` is past its closing date):
    /// its answers and comments are rewritten in random order with new random ids in one
    /// transaction and its "used" markers are deleted, so neither arrival order nor
    /// transaction ids remain. Returns false when there was nothing to seal (still open, or
    /// sealed before). Safe to run on several instances at once.
    async fn seal_round(
        &self,
        round_id: i64,
        now: UnixTime,
        today: chrono::NaiveDate,
    ) -> Result<bool>;
    /// Seals every round that closed and is not sealed yet; returns how many.
    async fn seal_due_rounds(&self, now: UnixTime, today: chrono::NaiveDate) -> Result<u32>;
    /// Stores hashes of new single-use invite tokens (with their department, if any).
    async fn add_invites(&self, round_id: i64, invites: &[(String, Option<i64>)]) -> Result<()>;
    /// What a `/scan/{token}` token opens: an invite or a shared link.
    async fn scan_entry(&self, token_hash: &str) -> Result<Option<ScanEntry>>;
    /// Stores one response at most once per marker; refuses closed rounds. Submissions
    /// arriving together are written in one transaction (group commit); the call returns
    /// only once its answer is committed.
    async fn submit_response(&self, submission: &Submission) -> Result<SubmitOutcome>;
    /// Answer counts per department for one round (aggregated in the database).
    async fn round_counts(&self, round_id: i64) -> Result<Vec<GroupCounts>>;
    async fn round_comments(&self, round_id: i64) -> Result<Vec<StoredComment>>;
    async fn create_help_request(&self, request: &NewHelpRequest) -> Result<i64>;
    async fn help_requests(&self, limit: i64) -> Result<Vec<HelpRequest>>;

    // Operations.
    /// A consistent copy of the live database written to `path`.
    async fn backup_to(&self, path: &Path) -> Result<()>;

    // Account set-up links for beheerders (`hrnexus create-admin`): single use, stored hashed.
    /// Creates the account (with `placeholder_hash`, a hash of a password nobody knows) when
    /// it does not exist yet, ends its earlier unused set-up links and stores the new one.
    /// Returns the account id and whether the account is new.
    async fn create_staff_setup_link(
        &self,
        email: &EmailAddress,
        placeholder_hash: &str,
        token_hash: &str,
        expires_at: UnixTime,
    ) -> Result<(i64, bool)>;
    /// The account an unused, unexpired set-up link belongs to.
    async fn staff_setup_link(&self, token_hash: &str, now: UnixTime) -> Result<Option<Staff>>;
    /// Uses a set-up link once: sets the chosen password and clears the second factor, which
    /// the holder enrols next. `None` when the link is unknown, used or expired.
    async fn use_staff_setup_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Staff>>;
    // Invitations by e-mail, reminders, and derived shared links (issue 12).
    /// Stores the invites, the addresses (shuffled, unlinked to the invites) and queues the
    /// mails, all in one transaction. Addresses already invited to the round are skipped.
    async fn invite_by_mail(&self, batch: &MailInvitations) -> Result<MailInvitationOutcome>;
    /// Counts of the round's invitation and reminder mails by delivery status.
    async fn invitation_counts(&self, round_id: i64) -> Result<InvitationCounts>;
    /// Open rounds with addresses whose reminder is not sent and whose closing date lies
    /// within `days_before` days of `today`.
    async fn due_reminders(
        &self,
        today: chrono::NaiveDate,
        days_before: i64,
    ) -> Result<Vec<DueReminder>>;
    async fn invitation_addresses(&self, round_id: i64) -> Result<Vec<InvitationAddress>>;
    /// Claims the round's reminder and queues its mails in one transaction; false (nothing
    /// queued) when another instance claimed it first.
    async fn queue_reminders(
        &self,
        round_id: i64,
        now: UnixTime,
        mails: &[OutgoingMail],
    ) -> Result<bool>;
    /// Deletes the round's addresses and blanks the recipients and bodies of its mails
    /// (mails still waiting are given up). The lead calls this when a round closes.
    async fn forget_invitation_addresses(&self, round_id: i64) -> Result<()>;
    /// Rounds that still hold addresses but are closed or past their closing date.
    async fn rounds_with_stale_addresses(&self, today: chrono::NaiveDate) -> Result<Vec<i64>>;
    /// The stored hash of the round's shared link, if it has one.
    async fn shared_link_hash(&self, round_id: i64) -> Result<Option<String>>;
    /// Sets (or replaces) the round's shared link hash.
    async fn set_shared_link_hash(&self, round_id: i64, token_hash: &str) -> Result<()>;
    // Retention.
    /// Deletes what is older than its cutoff. Plain DELETEs with a cutoff: idempotent, so
    /// every instance may run it at the same time.
    async fn delete_expired_data(&self, cutoffs: &RetentionCutoffs) -> Result<RetentionReport>;
}

pub type DynStorage = Arc<dyn Storage>;

/// Opens the database named by `url` (`sqlite:…` or `postgres://…`) and migrates it.
pub async fn connect(url: &str) -> Result<DynStorage> {
    let store: DynStorage = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Arc::new(PgStore::connect(url).await?)
    } else {
        Arc::new(SqliteStore::connect(url).await?)
    };
    store.migrate().await?;
    Ok(store)
}

/// Rows older than these times go (`None`: keep that kind of row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionCutoffs {
    /// Audit entries recorded before this time.
    pub audit_log: Option<UnixTime>,
    /// Sign-in links used or expired before this time.
    pub login_links: Option<UnixTime>,
    /// Outbox mail sent, or failed for good, before this time.
    pub outbox: Option<UnixTime>,
    /// Help requests made before this time.
    pub help_requests: Option<UnixTime>,
    /// Sessions that expired before this time.
    pub sessions: Option<UnixTime>,
}

/// How many rows a retention pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub audit_log: u64,
    pub login_links: u64,
    pub outbox: u64,
    pub help_requests: u64,
    pub sessions: u64,
}
