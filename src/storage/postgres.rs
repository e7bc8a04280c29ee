//! PostgreSQL, for several app instances behind a load balancer.

use std::{path::Path, time::Duration};

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{
    Backend, OutboxRow, QueuedMail, Result, StorageError,
    shared::{CountsCache, WriteGate, storage_impl},
};

pub struct PgStore {
    pool: PgPool,
    counts: CountsCache,
    writes: WriteGate,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            .connect(url)
            .await?;
        Ok(Self {
            pool,
            counts: CountsCache::default(),
            writes: WriteGate::concurrent(),
        })
    }
}

storage_impl!(PgStore, Backend::Postgres, {
    async fn migrate(&self) -> Result<()> {
        // The migrator takes an advisory lock, so instances starting together are safe.
        sqlx::migrate!("./migrations/postgres")
            .run(&self.pool)
            .await?;
        Ok(())
    }

    async fn claim_mail(&self, now: i64, lease: i64, limit: i64) -> Result<Vec<QueuedMail>> {
        // SKIP LOCKED lets several instances claim at once without ever taking the same row.
        let rows: Vec<OutboxRow> = sqlx::query_as(
            "UPDATE outbox SET status = 'sending', next_attempt_at = $1 + $2
             WHERE id IN (SELECT id FROM outbox
                          WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                          ORDER BY next_attempt_at, id LIMIT $3
                          FOR UPDATE SKIP LOCKED)
             RETURNING *",
        )
        .bind(now)
        .bind(lease)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        Ok(rows.into_iter().map(Into::into).collect())
    }

    async fn backup_to(&self, _path: &Path) -> Result<()> {
        Err(StorageError::Unsupported(
            "backup --to works on the embedded SQLite database; use pg_dump for PostgreSQL",
        ))
    }
});
