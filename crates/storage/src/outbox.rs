//! The mail outbox: mail is written in the same transaction as its cause and delivered by a worker.

use serde::{Deserialize, Serialize};

use crate::{Result, UnixTime};

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
pub(crate) struct OutboxRow {
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
    /// When the oldest mail not yet delivered (pending or sending) was queued.
    pub oldest_unsent_at: Option<UnixTime>,
}

/// Inserts one outbox row through `$executor` (a pool or an open transaction).
macro_rules! insert_mail {
    ($executor:expr, $mail:expr, $now:expr) => {{
        let mail: &$crate::OutgoingMail = $mail;
        let headers = serde_json::to_string(&mail.headers).unwrap_or_else(|_| "[]".into());
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO outbox (created_at, recipient, subject, text_body, html_body, headers, next_attempt_at, carries_secret)
             VALUES ($1, $2, $3, $4, $5, $6, $1, $7) RETURNING id",
        )
        .bind($now)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(headers)
        .bind(mail.carries_secret)
        .fetch_one($executor)
        .await
    }};
}
pub(crate) use insert_mail;

/// Inserts one outbox row tagged with its round and kind (invitation or reminder mail).
macro_rules! insert_round_mail {
    ($executor:expr, $mail:expr, $now:expr, $round_id:expr, $kind:expr) => {{
        let mail: &$crate::OutgoingMail = $mail;
        let headers = serde_json::to_string(&mail.headers).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO outbox (created_at, recipient, subject, text_body, html_body, headers, next_attempt_at, round_id, kind)
             VALUES ($1, $2, $3, $4, $5, $6, $1, $7, $8)",
        )
        .bind($now)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(headers)
        .bind($round_id)
        .bind($kind)
        .execute($executor)
        .await
    }};
}
pub(crate) use insert_round_mail;

#[async_trait::async_trait]
pub trait OutboxStore: Send + Sync {
    async fn enqueue_mail(&self, mail: &OutgoingMail) -> Result<i64>;
    /// Claims up to `limit` due messages for `lease` seconds. A claimed message is invisible
    /// to other workers until it is marked or its lease runs out (a crashed worker).
    async fn claim_mail(&self, now: UnixTime, lease: i64, limit: i64) -> Result<Vec<QueuedMail>>;
    async fn mark_mail_sent(&self, id: i64, now: UnixTime) -> Result<()>;
    /// Gives a claimed message back (an instance stopping): another worker may take it at
    /// once instead of waiting for the lease to run out. Only a message still being sent.
    async fn release_mail(&self, id: i64, now: UnixTime) -> Result<()>;
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
}

/// Expands to `impl OutboxStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_outbox_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::outbox::OutboxStore for $store {
            async fn enqueue_mail(&self, mail: &$crate::OutgoingMail) -> $crate::Result<i64> {
                Ok($crate::outbox::insert_mail!(&self.pool, mail, $crate::now())?)
            }

            async fn mark_mail_sent(&self, id: i64, now: i64) -> $crate::Result<()> {
                sqlx::query(
                    // A delivered secret leaves the database: the recipient has it now. Headers
                    // go too: a List-Unsubscribe header holds the reader's manage link.
                    "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
                     text_body = CASE WHEN carries_secret THEN '' ELSE text_body END,
                     html_body = CASE WHEN carries_secret THEN NULL ELSE html_body END,
                     headers = CASE WHEN carries_secret THEN '[]' ELSE headers END
                     WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn release_mail(&self, id: i64, now: i64) -> $crate::Result<()> {
                sqlx::query(
                    "UPDATE outbox SET status = 'pending', next_attempt_at = $1
                     WHERE id = $2 AND status = 'sending'",
                )
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_mail_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> $crate::Result<()> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1,
                     status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END,
                     next_attempt_at = COALESCE($2, next_attempt_at),
                     text_body = CASE WHEN carries_secret AND $2 IS NULL THEN '' ELSE text_body END,
                     html_body = CASE WHEN carries_secret AND $2 IS NULL THEN NULL ELSE html_body END,
                     headers = CASE WHEN carries_secret AND $2 IS NULL THEN '[]' ELSE headers END
                     WHERE id = $3",
                )
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_mail(&self, limit: i64) -> $crate::Result<Vec<$crate::QueuedMail>> {
                let rows: Vec<$crate::outbox::OutboxRow> =
                    sqlx::query_as("SELECT * FROM outbox ORDER BY id DESC LIMIT $1")
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn mail_by_id(&self, id: i64) -> $crate::Result<Option<$crate::QueuedMail>> {
                let row: Option<$crate::outbox::OutboxRow> = sqlx::query_as("SELECT * FROM outbox WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(Into::into))
            }

            async fn outbox_counts(&self) -> $crate::Result<$crate::OutboxCounts> {
                let rows: Vec<(String, i64, Option<i64>)> =
                    sqlx::query_as("SELECT status, COUNT(*), MIN(created_at) FROM outbox GROUP BY status")
                        .fetch_all(&self.pool)
                        .await?;
                let mut counts = $crate::OutboxCounts::default();
                for (status, n, oldest) in rows {
                    match status.as_str() {
                        "pending" | "sending" => {
                            if status == "pending" {
                                counts.pending = n;
                            } else {
                                counts.sending = n;
                            }
                            counts.oldest_unsent_at = match (counts.oldest_unsent_at, oldest) {
                                (Some(a), Some(b)) => Some(a.min(b)),
                                (a, b) => a.or(b),
                            };
                        }
                        "sent" => counts.sent = n,
                        _ => counts.failed = n,
                    }
                }
                Ok(counts)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_outbox_store;
