//! PostgreSQL, for several app instances behind a load balancer.

use std::{path::Path, time::Duration};

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{
    Backend, OutboxRow, QueuedMail, Result, StorageError, Submission, SubmitOutcome,
    shared::{Batcher, CountsCache, storage_impl, store_answers},
};

pub struct PgStore {
    pool: PgPool,
    counts: CountsCache,
    answers: Batcher,
}

impl PgStore {
    pub async fn connect(url: &str) -> Result<Self> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(Duration::from_secs(5))
            // A broken connection fails its query and is replaced; a ping before every
            // checkout would cost a round trip on every request.
            .test_before_acquire(false)
            .connect(url)
            .await?;
        let writer = pool.clone();
        // A few writers: each batch is one transaction, and they run side by side.
        let answers = Batcher::start(4, move |batch| {
            let pool = writer.clone();
            async move { Self::write_answers(&pool, &batch).await }
        });
        Ok(Self {
            pool,
            counts: CountsCache::default(),
            answers,
        })
    }

    async fn write_answers(pool: &PgPool, batch: &[Submission]) -> Result<Vec<SubmitOutcome>> {
        let mut tx = pool.begin().await?;
        let outcomes = store_answers!(tx, batch, " FOR SHARE")?;
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Dead row versions of the old answer rows are left to autovacuum.
    async fn after_seal(&self) {}
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
