//! HRnexus Kompas issues and their delivery to every confirmed subscriber.
//!
//! An issue goes draft → scheduled → sending → sent. Starting one (`start_issue`) is a single
//! transaction that can succeed on one instance only: it freezes what the issue shows and
//! creates one delivery row per confirmed subscriber of the issue's language. Deliveries are
//! then claimed under a lease like outbox mail, so several instances send one issue together
//! without sending anyone the same issue twice; a crashed instance's claims come back when
//! their lease runs out. The mail itself is composed when it is delivered: it carries the
//! subscriber's manage link, a secret that is never stored.

use serde::Serialize;

use crate::{Result, UnixTime};

/// What the back office writes.
#[derive(Debug, Clone)]
pub struct NewIssue<'a> {
    pub lang: &'a str,
    pub subject: &'a str,
    pub introduction: &'a str,
    pub article_ids: &'a [i64],
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub(crate) struct IssueRow {
    id: i64,
    lang: String,
    subject: String,
    introduction: String,
    article_ids: String,
    items: Option<String>,
    state: String,
    audience: String,
    send_at: Option<i64>,
    total: i64,
    sent_count: i64,
    failed_count: i64,
    created_at: i64,
    updated_at: i64,
    started_at: Option<i64>,
    finished_at: Option<i64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Issue {
    pub id: i64,
    pub lang: String,
    pub subject: String,
    pub introduction: String,
    pub article_ids: Vec<i64>,
    /// What the sent issue shows, frozen when sending started (JSON written by the caller).
    pub items: Option<String>,
    /// `hrnexus_core::issue::IssueState` in its stored spelling.
    pub state: String,
    /// `all` (the monthly issue) or `new_articles` (a short mail about one new article).
    pub audience: String,
    pub send_at: Option<UnixTime>,
    /// Deliveries created when sending started.
    pub total: i64,
    /// Sent and failed for good, recorded when the issue was done (the deliveries themselves
    /// are removed after the retention period).
    pub sent_count: i64,
    pub failed_count: i64,
    pub created_at: UnixTime,
    pub updated_at: UnixTime,
    pub started_at: Option<UnixTime>,
    pub finished_at: Option<UnixTime>,
}

impl From<IssueRow> for Issue {
    fn from(r: IssueRow) -> Self {
        Issue {
            id: r.id,
            lang: r.lang,
            subject: r.subject,
            introduction: r.introduction,
            article_ids: serde_json::from_str(&r.article_ids).unwrap_or_default(),
            items: r.items,
            state: r.state,
            audience: r.audience,
            send_at: r.send_at,
            total: r.total,
            sent_count: r.sent_count,
            failed_count: r.failed_count,
            created_at: r.created_at,
            updated_at: r.updated_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        }
    }
}

/// How far the sending of one issue is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct IssueProgress {
    pub total: i64,
    /// Waiting for their first or next attempt.
    pub pending: i64,
    /// Claimed by an instance right now.
    pub sending: i64,
    pub sent: i64,
    /// Failed for good (refused address, too many attempts).
    pub failed: i64,
    /// Unsubscribed or erased after the issue started: not sent, on purpose.
    pub skipped: i64,
}

impl IssueProgress {
    /// Deliveries not finished yet.
    pub fn remaining(&self) -> i64 {
        self.pending + self.sending
    }
}

/// A claimed delivery with what is needed to compose its mail. The subscriber fields are
/// `None` when the subscriber was erased after the issue started.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ClaimedDelivery {
    pub id: i64,
    pub issue_id: i64,
    pub attempts: i32,
    pub email: Option<String>,
    pub lang: Option<String>,
    pub link_key: Option<String>,
    /// The subscriber's state now (they may have unsubscribed after the issue started).
    pub subscriber_state: Option<String>,
}

#[async_trait::async_trait]
pub trait IssueStore: Send + Sync {
    async fn create_issue(&self, issue: &NewIssue<'_>, now: UnixTime) -> Result<i64>;
    /// Changes a draft or scheduled issue; false once sending has started (or no such issue).
    async fn update_issue(&self, id: i64, issue: &NewIssue<'_>, now: UnixTime) -> Result<bool>;
    async fn issue(&self, id: i64) -> Result<Option<Issue>>;
    /// Newest first.
    async fn issues(&self, limit: i64) -> Result<Vec<Issue>>;
    /// Monthly issues that went out (sending or sent) in `lang`, newest first: the public
    /// archive (short mails about one new article are not in it).
    async fn sent_issues(&self, lang: &str, limit: i64) -> Result<Vec<Issue>>;
    /// Schedules a draft or scheduled issue at `send_at`, or makes it a draft again (`None`).
    /// False once sending has started.
    async fn schedule_issue(
        &self,
        id: i64,
        send_at: Option<UnixTime>,
        now: UnixTime,
    ) -> Result<bool>;
    /// Scheduled issues whose time has come.
    async fn due_issues(&self, now: UnixTime) -> Result<Vec<Issue>>;
    /// Starts a due scheduled issue: freezes `items`, creates one pending delivery per
    /// confirmed subscriber of its language, all in one transaction. `None` when it was not
    /// (or no longer) due and scheduled, e.g. because another instance started it first;
    /// otherwise the number of deliveries.
    async fn start_issue(&self, id: i64, items: &str, now: UnixTime) -> Result<Option<i64>>;
    /// Claims up to `limit` due deliveries for `lease` seconds, oldest first.
    async fn claim_deliveries(
        &self,
        now: UnixTime,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<ClaimedDelivery>>;
    async fn mark_deliveries_sent(&self, ids: &[i64], now: UnixTime) -> Result<()>;
    async fn mark_deliveries_skipped(&self, ids: &[i64]) -> Result<()>;
    /// A failed attempt: retried at `retry_at`, or failed for good when `None`.
    async fn mark_delivery_failed(
        &self,
        id: i64,
        error: &str,
        retry_at: Option<UnixTime>,
    ) -> Result<()>;
    /// Marks issues whose deliveries are all done as sent. Returns how many.
    async fn finish_issues(&self, now: UnixTime) -> Result<u64>;
    async fn issue_progress(&self, id: i64) -> Result<IssueProgress>;
    /// Articles published in the last two days before `now` and not yet announced, oldest
    /// first.
    async fn unannounced_articles(&self, now: UnixTime) -> Result<Vec<crate::Article>>;
    /// Marks the article announced and schedules `alert` (audience `new_articles`) at `now`,
    /// in one transaction; `None` when it was already announced (another instance was first).
    async fn announce_article(
        &self,
        article_id: i64,
        alert: &NewIssue<'_>,
        now: UnixTime,
    ) -> Result<Option<i64>>;
    /// Confirmed subscribers in `lang`: who an issue in that language would go to now.
    async fn confirmed_subscribers(&self, lang: &str) -> Result<i64>;
    /// The subjects of the issues delivered to a subscriber, with when (for their data export).
    async fn issues_received(&self, subscriber_id: i64) -> Result<Vec<(String, UnixTime)>>;
}

/// Expands to `impl IssueStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself (claiming, batch marks).
macro_rules! impl_issue_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::issues::IssueStore for $store {
            async fn create_issue(&self, issue: &$crate::NewIssue<'_>, now: i64) -> $crate::Result<i64> {
                let ids = serde_json::to_string(issue.article_ids).unwrap_or_else(|_| "[]".into());
                Ok(sqlx::query_scalar(
                    "INSERT INTO newsletter_issues (lang, subject, introduction, article_ids, state, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'draft', $5, $5) RETURNING id",
                )
                .bind(issue.lang)
                .bind(issue.subject)
                .bind(issue.introduction)
                .bind(ids)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn update_issue(&self, id: i64, issue: &$crate::NewIssue<'_>, now: i64) -> $crate::Result<bool> {
                let ids = serde_json::to_string(issue.article_ids).unwrap_or_else(|_| "[]".into());
                let done = sqlx::query(
                    "UPDATE newsletter_issues SET lang = $1, subject = $2, introduction = $3, article_ids = $4, updated_at = $5
                     WHERE id = $6 AND state IN ('draft', 'scheduled')",
                )
                .bind(issue.lang)
                .bind(issue.subject)
                .bind(issue.introduction)
                .bind(ids)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn issue(&self, id: i64) -> $crate::Result<Option<$crate::Issue>> {
                let row: Option<$crate::issues::IssueRow> =
                    sqlx::query_as("SELECT * FROM newsletter_issues WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&self.pool)
                        .await?;
                Ok(row.map(Into::into))
            }

            async fn issues(&self, limit: i64) -> $crate::Result<Vec<$crate::Issue>> {
                let rows: Vec<$crate::issues::IssueRow> =
                    sqlx::query_as("SELECT * FROM newsletter_issues ORDER BY id DESC LIMIT $1")
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn sent_issues(&self, lang: &str, limit: i64) -> $crate::Result<Vec<$crate::Issue>> {
                let rows: Vec<$crate::issues::IssueRow> = sqlx::query_as(
                    "SELECT * FROM newsletter_issues WHERE lang = $1 AND state IN ('sending', 'sent') AND audience = 'all'
                     ORDER BY started_at DESC, id DESC LIMIT $2",
                )
                .bind(lang)
                .bind(limit)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn schedule_issue(&self, id: i64, send_at: Option<i64>, now: i64) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE newsletter_issues
                     SET state = CASE WHEN $1 IS NULL THEN 'draft' ELSE 'scheduled' END, send_at = $1, updated_at = $2
                     WHERE id = $3 AND state IN ('draft', 'scheduled')",
                )
                .bind(send_at)
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn due_issues(&self, now: i64) -> $crate::Result<Vec<$crate::Issue>> {
                let rows: Vec<$crate::issues::IssueRow> = sqlx::query_as(
                    "SELECT * FROM newsletter_issues WHERE state = 'scheduled' AND send_at <= $1 ORDER BY send_at, id",
                )
                .bind(now)
                .fetch_all(&self.pool)
                .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn start_issue(&self, id: i64, items: &str, now: i64) -> $crate::Result<Option<i64>> {
                let mut tx = self.begin_write().await?;
                // The state check and the change are one statement: of two instances starting
                // the same issue, the second finds it 'sending' and does nothing.
                let started: Option<(String, String)> = sqlx::query_as(
                    "UPDATE newsletter_issues SET state = 'sending', items = $1, started_at = $2, updated_at = $2
                     WHERE id = $3 AND state = 'scheduled' AND send_at <= $2 RETURNING lang, audience",
                )
                .bind(items)
                .bind(now)
                .bind(id)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((lang, audience)) = started else {
                    return Ok(None);
                };
                // Preferences are stored as a comma-separated list of ticked boxes.
                let created = sqlx::query(
                    "INSERT INTO newsletter_deliveries (issue_id, subscriber_id, status, next_attempt_at)
                     SELECT $1, id, 'pending', $2 FROM newsletter_subscribers
                     WHERE state = 'confirmed' AND lang = $3
                       AND ($4 = 'all' OR ',' || preferences || ',' LIKE '%,artikelen,%')
                     ORDER BY id",
                )
                .bind(id)
                .bind(now)
                .bind(&lang)
                .bind(&audience)
                .execute(&mut *tx)
                .await?
                .rows_affected() as i64;
                sqlx::query("UPDATE newsletter_issues SET total = $1 WHERE id = $2")
                    .bind(created)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(Some(created))
            }

            async fn mark_delivery_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> $crate::Result<()> {
                sqlx::query(
                    "UPDATE newsletter_deliveries SET attempts = attempts + 1, last_error = $1,
                     status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END,
                     next_attempt_at = COALESCE($2, next_attempt_at)
                     WHERE id = $3",
                )
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn finish_issues(&self, now: i64) -> $crate::Result<u64> {
                let done = sqlx::query(
                    "UPDATE newsletter_issues SET state = 'sent', finished_at = $1, updated_at = $1,
                         sent_count = (SELECT COUNT(*) FROM newsletter_deliveries d
                                       WHERE d.issue_id = newsletter_issues.id AND d.status = 'sent'),
                         failed_count = (SELECT COUNT(*) FROM newsletter_deliveries d
                                         WHERE d.issue_id = newsletter_issues.id AND d.status = 'failed')
                     WHERE state = 'sending' AND NOT EXISTS (
                         SELECT 1 FROM newsletter_deliveries d
                         WHERE d.issue_id = newsletter_issues.id AND d.status IN ('pending', 'sending'))",
                )
                .bind(now)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected())
            }

            async fn issue_progress(&self, id: i64) -> $crate::Result<$crate::IssueProgress> {
                let rows: Vec<(String, i64)> = sqlx::query_as(
                    "SELECT status, COUNT(*) FROM newsletter_deliveries WHERE issue_id = $1 GROUP BY status",
                )
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let mut progress = $crate::IssueProgress::default();
                for (status, n) in rows {
                    match status.as_str() {
                        "pending" => progress.pending = n,
                        "sending" => progress.sending = n,
                        "sent" => progress.sent = n,
                        "skipped" => progress.skipped = n,
                        _ => progress.failed += n,
                    }
                    progress.total += n;
                }
                Ok(progress)
            }

            async fn unannounced_articles(&self, now: i64) -> $crate::Result<Vec<$crate::Article>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM articles WHERE announced_at IS NULL AND published_at <= $1 AND published_at > $2
                     ORDER BY published_at, id",
                )
                .bind(now)
                .bind(now - 2 * 24 * 60 * 60)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn announce_article(
                &self,
                article_id: i64,
                alert: &$crate::NewIssue<'_>,
                now: i64,
            ) -> $crate::Result<Option<i64>> {
                let mut tx = self.begin_write().await?;
                let marked = sqlx::query(
                    "UPDATE articles SET announced_at = $1 WHERE id = $2 AND announced_at IS NULL",
                )
                .bind(now)
                .bind(article_id)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if marked != 1 {
                    return Ok(None);
                }
                let ids = serde_json::to_string(alert.article_ids).unwrap_or_else(|_| "[]".into());
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO newsletter_issues (lang, subject, introduction, article_ids, state, audience, send_at, created_at, updated_at)
                     VALUES ($1, $2, $3, $4, 'scheduled', 'new_articles', $5, $5, $5) RETURNING id",
                )
                .bind(alert.lang)
                .bind(alert.subject)
                .bind(alert.introduction)
                .bind(ids)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(id))
            }

            async fn confirmed_subscribers(&self, lang: &str) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM newsletter_subscribers WHERE state = 'confirmed' AND lang = $1",
                )
                .bind(lang)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn issues_received(&self, subscriber_id: i64) -> $crate::Result<Vec<(String, i64)>> {
                Ok(sqlx::query_as(
                    "SELECT i.subject, d.sent_at FROM newsletter_deliveries d
                     JOIN newsletter_issues i ON i.id = d.issue_id
                     WHERE d.subscriber_id = $1 AND d.status = 'sent' AND d.sent_at IS NOT NULL
                     ORDER BY d.sent_at",
                )
                .bind(subscriber_id)
                .fetch_all(&self.pool)
                .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_issue_store;
