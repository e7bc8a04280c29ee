//! The embedded default: one SQLite file in WAL mode.

use std::sync::Arc;
use std::{path::Path, str::FromStr, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    Backend, QueuedMail, Result, StorageError, Submission, SubmitOutcome,
    batcher::Batcher,
    outbox::OutboxRow,
    scans::{CountsCache, DepartmentsCache, store_answers},
};

pub struct SqliteStore {
    pool: SqlitePool,
    counts: CountsCache,
    departments: DepartmentsCache,
    answers: Batcher,
    /// Writers of this process take turns here rather than in SQLite's busy handler, whose
    /// sleeps (up to 100 ms each) made the slowest writes wait for hundreds of ms.
    write_gate: Arc<tokio::sync::Mutex<()>>,
}

/// A write transaction holding this process's turn to write; `&mut *tx` is its connection,
/// as with a plain transaction. The turn ends when it is committed or dropped.
pub(crate) struct GatedTx {
    tx: sqlx::Transaction<'static, sqlx::Sqlite>,
    _turn: tokio::sync::OwnedMutexGuard<()>,
}

impl std::ops::Deref for GatedTx {
    type Target = sqlx::SqliteConnection;

    fn deref(&self) -> &Self::Target {
        &self.tx
    }
}

impl std::ops::DerefMut for GatedTx {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.tx
    }
}

impl GatedTx {
    pub(crate) async fn commit(self) -> std::result::Result<(), sqlx::Error> {
        self.tx.commit().await
    }
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except for the last commits on power loss.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true)
            // Deleted rows (a sealed round's old answer rows) are overwritten, not left in
            // free pages of the file.
            .pragma("secure_delete", "ON");
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A local file: no liveness ping before every checkout.
            .test_before_acquire(false)
            .connect_with(options)
            .await?;
        let writer = pool.clone();
        let write_gate = Arc::new(tokio::sync::Mutex::new(()));
        let gate = write_gate.clone();
        // SQLite has one write lock: one writer storing whole batches.
        let answers = Batcher::start(1, move |batch| {
            let pool = writer.clone();
            let gate = gate.clone();
            async move { Self::write_answers(&pool, &gate, &batch).await }
        });
        Ok(Self {
            pool,
            counts: CountsCache::default(),
            departments: DepartmentsCache::default(),
            answers,
            write_gate,
        })
    }

    /// Checks that `path` is a sound HRnexus database before it replaces the live one: it
    /// opens read-only, passes SQLite's integrity check and holds HRnexus's migrations.
    pub async fn check_backup(path: &Path) -> Result<()> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .read_only(true)
            .create_if_missing(false);
        let pool = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options)
            .await?;
        let verdict: String = sqlx::query_scalar("PRAGMA integrity_check")
            .fetch_one(&pool)
            .await?;
        if verdict != "ok" {
            return Err(StorageError::Unsupported(
                "the file fails SQLite's integrity check",
            ));
        }
        let migrations: Option<i64> = sqlx::query_scalar(
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'",
        )
        .fetch_optional(&pool)
        .await?;
        if migrations.unwrap_or(0) == 0 {
            return Err(StorageError::Unsupported(
                "the file is not an HRnexus database",
            ));
        }
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&pool)
                .await?;
        if !crate::operations::unknown_migrations(&MIGRATOR, &applied).is_empty() {
            return Err(StorageError::Unsupported(
                "the file was written by a newer HRnexus (it holds migrations this binary does not know)",
            ));
        }
        pool.close().await;
        Ok(())
    }

    async fn write_answers(
        pool: &SqlitePool,
        gate: &Arc<tokio::sync::Mutex<()>>,
        batch: &[Submission],
    ) -> Result<Vec<SubmitOutcome>> {
        let mut tx = Self::begin_immediate(pool, gate).await?;
        let outcomes = store_answers!(tx, batch, "")?;
        tx.commit().await?;
        Ok(outcomes)
    }

    /// A write transaction that holds the write lock from its first statement, so it never
    /// has to upgrade a read snapshot (which fails at once when another writer got there).
    async fn begin_immediate(
        pool: &SqlitePool,
        gate: &Arc<tokio::sync::Mutex<()>>,
    ) -> Result<GatedTx> {
        let turn = gate.clone().lock_owned().await;
        Ok(GatedTx {
            tx: pool.begin_with("BEGIN IMMEDIATE").await?,
            _turn: turn,
        })
    }

    async fn begin_write(&self) -> Result<GatedTx> {
        Self::begin_immediate(&self.pool, &self.write_gate).await
    }

    /// Empties the write-ahead log after a seal, so the frames that held the round's
    /// answers in arrival order do not outlive it.
    async fn after_seal(&self) {
        if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
            .execute(&self.pool)
            .await
        {
            tracing::warn!(error = %e, "checkpoint after sealing a round failed");
        }
    }
}

crate::accounts::impl_account_store!(SqliteStore, {});
crate::audit::impl_audit_store!(SqliteStore, {});
crate::sessions::impl_session_store!(SqliteStore, {});
crate::scans::impl_scan_store!(SqliteStore, {});
crate::invitations::impl_invitation_store!(SqliteStore, {});
crate::intake::impl_intake_store!(SqliteStore, {});
crate::newsletter::impl_newsletter_store!(SqliteStore, {});
crate::articles::impl_article_store!(SqliteStore, {});
crate::providers::impl_provider_store!(SqliteStore, {});

crate::issues::impl_issue_store!(SqliteStore, {
    async fn claim_deliveries(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<crate::ClaimedDelivery>> {
        // SQLite's RETURNING cannot reach a joined table, so the claim and the read of the
        // subscribers are two statements in one write transaction (one writer at a time).
        let mut tx = self.begin_write().await?;
        let ids: Vec<i64> = sqlx::query_scalar(
            "UPDATE newsletter_deliveries SET status = 'sending', next_attempt_at = $1 + $2
             WHERE id IN (SELECT id FROM newsletter_deliveries
                          WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                          ORDER BY next_attempt_at, id LIMIT $3)
             RETURNING id",
        )
        .bind(now)
        .bind(lease)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let claimed = sqlx::query_as(
            "SELECT d.id, d.issue_id, d.attempts, s.email, s.lang, s.link_key, s.state AS subscriber_state
             FROM newsletter_deliveries d LEFT JOIN newsletter_subscribers s ON s.id = d.subscriber_id
             WHERE d.id IN (SELECT value FROM json_each($1))
             ORDER BY d.id",
        )
        .bind(json_ids(&ids))
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed)
    }

    async fn mark_deliveries_sent(&self, ids: &[i64], now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE newsletter_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL
             WHERE id IN (SELECT value FROM json_each($2))",
        )
        .bind(now)
        .bind(json_ids(ids))
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_deliveries_skipped(&self, ids: &[i64]) -> Result<()> {
        sqlx::query(
            "UPDATE newsletter_deliveries SET status = 'skipped' WHERE id IN (SELECT value FROM json_each($1))",
        )
        .bind(json_ids(ids))
        .execute(&self.pool)
        .await?;
        Ok(())
    }
});

/// A list of ids as one JSON array parameter (SQLite has no array type; `json_each` reads it).
fn json_ids(ids: &[i64]) -> String {
    serde_json::to_string(ids).unwrap_or_else(|_| "[]".into())
}

crate::outbox::impl_outbox_store!(SqliteStore, {
    async fn claim_mail(&self, now: i64, lease: i64, limit: i64) -> Result<Vec<QueuedMail>> {
        // One statement is atomic in SQLite, and SQLite has a single writer, so two
        // workers can never claim the same row.
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "UPDATE outbox SET status = 'sending', next_attempt_at = $1 + $2
             WHERE id IN (SELECT id FROM outbox
                          WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                          ORDER BY next_attempt_at, id LIMIT $3)
             RETURNING *",
        )
        .bind(now)
        .bind(lease)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }
});

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");

crate::operations::impl_operations!(SqliteStore, Backend::Sqlite, {
    async fn migrate(&self) -> Result<()> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    async fn pending_migrations(&self) -> Result<usize> {
        let applied: Vec<i64> =
            sqlx::query_scalar("SELECT version FROM _sqlx_migrations WHERE success")
                .fetch_all(&self.pool)
                .await?;
        Ok(crate::operations::missing_migrations(&MIGRATOR, &applied))
    }

    async fn rate_limit_allows(
        &self,
        key: &str,
        now_ms: i64,
        interval_ms: i64,
        window_ms: i64,
    ) -> Result<bool> {
        // Through the write gate, like every other write here (one process per SQLite file).
        let mut tx = self.begin_write().await?;
        let moment: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rate_limits (key, tat_ms) VALUES ($1, $2 + $3)
             ON CONFLICT (key) DO UPDATE SET tat_ms = MAX(rate_limits.tat_ms, $2) + $3
              WHERE MAX(rate_limits.tat_ms, $2) + $3 - $2 <= $4
             RETURNING tat_ms",
        )
        .bind(key)
        .bind(now_ms)
        .bind(interval_ms)
        .bind(window_ms)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(moment.is_some())
    }

    async fn backup_to(&self, path: &Path) -> Result<()> {
        // VACUUM INTO writes a transactionally consistent copy while the site keeps running.
        let target = path
            .to_str()
            .ok_or(StorageError::Unsupported("backup path is not UTF-8"))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
});
