//! The embedded default: one SQLite file in WAL mode.

use std::{path::Path, str::FromStr, time::Duration};

use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};

use super::{
    Backend, OutboxRow, QueuedMail, Result, StorageError,
    shared::{CountsCache, WriteGate, storage_impl},
};

pub struct SqliteStore {
    pool: SqlitePool,
    counts: CountsCache,
    writes: WriteGate,
}

impl SqliteStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let options = SqliteConnectOptions::from_str(url)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // NORMAL is durable in WAL mode except for the last commits on power loss.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await?;
        Ok(Self {
            pool,
            counts: CountsCache::default(),
            writes: WriteGate::serialised(),
        })
    }
}

storage_impl!(SqliteStore, Backend::Sqlite, {
    async fn migrate(&self) -> Result<()> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&self.pool)
            .await?;
        Ok(())
    }

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
