//! PostgreSQL, for several app instances behind a load balancer.

use std::{path::Path, time::Duration};

use sqlx::postgres::{PgPool, PgPoolOptions};

use super::{
    Backend, QueuedMail, Result, StorageError, Submission, SubmitOutcome,
    batcher::Batcher,
    outbox::OutboxRow,
    scans::{CountsCache, DepartmentsCache},
};

pub struct PgStore {
    pool: PgPool,
    counts: CountsCache,
    departments: DepartmentsCache,
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
            departments: DepartmentsCache::default(),
            answers,
        })
    }

    /// Stores a batch in four statements whatever its size (the rows travel as arrays), so
    /// a batch costs four round trips instead of three per answer. `FOR SHARE` on the rounds
    /// makes closing a round wait for answers in flight, and answers after it see it closed.
    /// Writes nothing that refers to an invite or a form id: only the keyed marker, the
    /// answers and the comment.
    async fn write_answers(pool: &PgPool, batch: &[Submission]) -> Result<Vec<SubmitOutcome>> {
        use std::collections::{HashMap, HashSet};
        let mut tx = pool.begin().await?;
        let mut round_ids: Vec<i64> = batch.iter().map(|s| s.round_id).collect();
        round_ids.sort_unstable();
        round_ids.dedup();
        let rounds: HashMap<i64, (Option<i64>, chrono::NaiveDate)> =
            sqlx::query_as::<_, (i64, Option<i64>, chrono::NaiveDate)>(
                "SELECT id, closed_at, closes_on FROM rounds WHERE id = ANY($1) FOR SHARE",
            )
            .bind(&round_ids)
            .fetch_all(&mut *tx)
            .await?
            .into_iter()
            .map(|(id, closed_at, closes_on)| (id, (closed_at, closes_on)))
            .collect();
        let open = |s: &Submission| matches!(rounds.get(&s.round_id), Some((None, closes_on)) if s.answered_on <= *closes_on);
        let candidates: Vec<&Submission> = batch.iter().filter(|s| open(s)).collect();
        let inserted: HashSet<(i64, String)> = sqlx::query_as::<_, (i64, String)>(
            "INSERT INTO scan_markers (round_id, marker)
             SELECT * FROM UNNEST($1::bigint[], $2::text[]) ON CONFLICT DO NOTHING
             RETURNING round_id, marker",
        )
        .bind(candidates.iter().map(|s| s.round_id).collect::<Vec<_>>())
        .bind(
            candidates
                .iter()
                .map(|s| s.marker.clone())
                .collect::<Vec<_>>(),
        )
        .fetch_all(&mut *tx)
        .await?
        .into_iter()
        .collect();
        // The first submission of a new marker is stored; any other with it was a repeat.
        let mut claimed: HashSet<(i64, &str)> = HashSet::new();
        let mut stored: Vec<&Submission> = Vec::new();
        let outcomes: Vec<SubmitOutcome> = batch
            .iter()
            .map(|s| {
                if !open(s) {
                    SubmitOutcome::Closed
                } else if inserted.contains(&(s.round_id, s.marker.clone()))
                    && claimed.insert((s.round_id, s.marker.as_str()))
                {
                    stored.push(s);
                    SubmitOutcome::Stored
                } else {
                    SubmitOutcome::AlreadyUsed
                }
            })
            .collect();
        if !stored.is_empty() {
            let column = |i: usize| stored.iter().map(|s| s.answers[i]).collect::<Vec<i16>>();
            let signal = |i: usize| {
                stored
                    .iter()
                    .map(|s| s.signals[i])
                    .collect::<Vec<Option<i16>>>()
            };
            sqlx::query(
                "INSERT INTO responses (id, round_id, department_id, answered_on, werkwijze, sterke_punten,
                    taakinvloed, open_mening, steun, mentale_vermoeidheid, initiatief, vertrekintentie)
                 SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::date[], $5::smallint[],
                    $6::smallint[], $7::smallint[], $8::smallint[], $9::smallint[], $10::smallint[],
                    $11::smallint[], $12::smallint[])",
            )
            .bind(stored.iter().map(|_| super::random_id()).collect::<Vec<_>>())
            .bind(stored.iter().map(|s| s.round_id).collect::<Vec<_>>())
            .bind(stored.iter().map(|s| s.department_id).collect::<Vec<_>>())
            .bind(stored.iter().map(|s| s.answered_on).collect::<Vec<_>>())
            .bind(column(0))
            .bind(column(1))
            .bind(column(2))
            .bind(column(3))
            .bind(column(4))
            .bind(signal(0))
            .bind(signal(1))
            .bind(signal(2))
            .execute(&mut *tx)
            .await?;
            let commented: Vec<&&Submission> =
                stored.iter().filter(|s| s.comment.is_some()).collect();
            if !commented.is_empty() {
                sqlx::query(
                    "INSERT INTO comments (id, round_id, department_id, body)
                     SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::bigint[], $4::text[])",
                )
                .bind(
                    commented
                        .iter()
                        .map(|_| super::random_id())
                        .collect::<Vec<_>>(),
                )
                .bind(commented.iter().map(|s| s.round_id).collect::<Vec<_>>())
                .bind(
                    commented
                        .iter()
                        .map(|s| s.department_id)
                        .collect::<Vec<_>>(),
                )
                .bind(
                    commented
                        .iter()
                        .map(|s| s.comment.clone().unwrap_or_default())
                        .collect::<Vec<_>>(),
                )
                .execute(&mut *tx)
                .await?;
            }
        }
        tx.commit().await?;
        Ok(outcomes)
    }

    async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Postgres>> {
        Ok(self.pool.begin().await?)
    }

    /// Dead row versions of the old answer rows are left to autovacuum.
    async fn after_seal(&self) {}
}

crate::accounts::impl_account_store!(PgStore, {});
crate::audit::impl_audit_store!(PgStore, {});
crate::sessions::impl_session_store!(PgStore, {});
crate::scans::impl_scan_store!(PgStore, {});
crate::invitations::impl_invitation_store!(PgStore, {});
crate::intake::impl_intake_store!(PgStore, {});
crate::newsletter::impl_newsletter_store!(PgStore, {});
crate::articles::impl_article_store!(PgStore, {});
crate::providers::impl_provider_store!(PgStore, {});

crate::issues::impl_issue_store!(PgStore, {
    async fn claim_deliveries(
        &self,
        now: i64,
        lease: i64,
        limit: i64,
    ) -> Result<Vec<crate::ClaimedDelivery>> {
        // SKIP LOCKED: instances sending the same issue each take different rows.
        Ok(sqlx::query_as(
            "WITH claimed AS (
                 UPDATE newsletter_deliveries SET status = 'sending', next_attempt_at = $1 + $2
                 WHERE id IN (SELECT id FROM newsletter_deliveries
                              WHERE status IN ('pending', 'sending') AND next_attempt_at <= $1
                              ORDER BY next_attempt_at, id LIMIT $3
                              FOR UPDATE SKIP LOCKED)
                 RETURNING id, issue_id, subscriber_id, attempts)
             SELECT c.id, c.issue_id, c.attempts, s.email, s.lang, s.link_key, s.state AS subscriber_state
             FROM claimed c LEFT JOIN newsletter_subscribers s ON s.id = c.subscriber_id
             ORDER BY c.id",
        )
        .bind(now)
        .bind(lease)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?)
    }

    async fn mark_deliveries_sent(&self, ids: &[i64], now: i64) -> Result<()> {
        sqlx::query(
            "UPDATE newsletter_deliveries SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL
             WHERE id = ANY($2)",
        )
        .bind(now)
        .bind(ids)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_deliveries_skipped(&self, ids: &[i64]) -> Result<()> {
        sqlx::query("UPDATE newsletter_deliveries SET status = 'skipped' WHERE id = ANY($1)")
            .bind(ids)
            .execute(&self.pool)
            .await?;
        Ok(())
    }
});

crate::outbox::impl_outbox_store!(PgStore, {
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
});

static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

crate::operations::impl_operations!(PgStore, Backend::Postgres, {
    async fn migrate(&self) -> Result<()> {
        // The migrator takes an advisory lock, so instances starting together are safe.
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
        // One statement; the row lock orders requests for the same key across instances.
        let moment: Option<i64> = sqlx::query_scalar(
            "INSERT INTO rate_limits (key, tat_ms) VALUES ($1, $2 + $3)
             ON CONFLICT (key) DO UPDATE SET tat_ms = GREATEST(rate_limits.tat_ms, $2) + $3
              WHERE GREATEST(rate_limits.tat_ms, $2) + $3 - $2 <= $4
             RETURNING tat_ms",
        )
        .bind(key)
        .bind(now_ms)
        .bind(interval_ms)
        .bind(window_ms)
        .fetch_optional(&self.pool)
        .await?;
        Ok(moment.is_some())
    }

    async fn backup_to(&self, _path: &Path) -> Result<()> {
        Err(StorageError::Unsupported(
            "backup --to works on the embedded SQLite database; use pg_dump for PostgreSQL",
        ))
    }
});
