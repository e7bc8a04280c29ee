//! Running the database: which backend, migrations, liveness, backups and retention.

use std::path::Path;

use crate::{Backend, Result, UnixTime};

/// Rows older than these times go (`None`: keep that kind of row).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionCutoffs {
    /// Audit entries recorded before this time.
    pub audit_log: Option<UnixTime>,
    /// Sign-in links used or expired before this time.
    pub login_links: Option<UnixTime>,
    /// Outbox mail sent, or failed for good, before this time.
    pub outbox: Option<UnixTime>,
    /// Intakes that reached a final status before this time: their personal fields are
    /// emptied (the statistics stay).
    pub intakes: Option<UnixTime>,
    /// Sessions that expired before this time.
    pub sessions: Option<UnixTime>,
}

/// How many rows a retention pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RetentionReport {
    pub audit_log: u64,
    pub login_links: u64,
    pub outbox: u64,
    /// Intakes anonymised.
    pub intakes: u64,
    pub sessions: u64,
}

/// The connection pool right now (for `/metrics`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PoolStatus {
    /// Connections open, idle or in use.
    pub open: u32,
    pub idle: u32,
    /// The most the pool will open.
    pub max: u32,
}

#[async_trait::async_trait]
pub trait Operations: Send + Sync {
    fn backend(&self) -> Backend;
    /// The connection pool's state, without I/O.
    fn pool_status(&self) -> PoolStatus;
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;
    /// How many of this binary's migrations the database has not applied (readiness). One
    /// query, so it also tells whether the database answers.
    async fn pending_migrations(&self) -> Result<usize>;
    /// One request against a rate limit shared by every instance: `true` when `key` may go
    /// ahead now. A generic cell rate algorithm (as the in-memory `governor`): each allowed
    /// request moves the key's moment `interval_ms` on from `max(moment, now_ms)`, and a
    /// request is allowed while that stays within `window_ms` of now; refused requests
    /// change nothing. `window_ms / interval_ms` requests may come at once. One statement.
    async fn rate_limit_allows(
        &self,
        key: &str,
        now_ms: i64,
        interval_ms: i64,
        window_ms: i64,
    ) -> Result<bool>;
    /// Deletes rate-limit rows whose moment has passed (they mean the same as no row).
    async fn forget_rate_limits(&self, now_ms: i64) -> Result<u64>;
    /// A consistent copy of the live database written to `path`.
    async fn backup_to(&self, path: &Path) -> Result<()>;
    /// Deletes what is older than its cutoff. Plain DELETEs with a cutoff: idempotent, so
    /// every instance may run it at the same time.
    async fn delete_expired_data(&self, cutoffs: &RetentionCutoffs) -> Result<RetentionReport>;
}

/// Expands to `impl Operations for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_operations {
    ($store:ty, $backend:expr, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::operations::Operations for $store {
            fn backend(&self) -> $crate::Backend {
                $backend
            }

            fn pool_status(&self) -> $crate::PoolStatus {
                $crate::PoolStatus {
                    open: self.pool.size(),
                    idle: u32::try_from(self.pool.num_idle()).unwrap_or(u32::MAX),
                    max: self.pool.options().get_max_connections(),
                }
            }

            async fn ping(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn forget_rate_limits(&self, now_ms: i64) -> $crate::Result<u64> {
                Ok(sqlx::query("DELETE FROM rate_limits WHERE tat_ms < $1")
                    .bind(now_ms)
                    .execute(&self.pool)
                    .await?
                    .rows_affected())
            }

            async fn delete_expired_data(
                &self,
                cutoffs: &$crate::RetentionCutoffs,
            ) -> $crate::Result<$crate::RetentionReport> {
                // Each statement stands alone: a second instance doing the same finds less.
                let delete = |sql: &'static str, cutoff: Option<i64>| async move {
                    match cutoff {
                        Some(cutoff) => sqlx::query(sql)
                            .bind(cutoff)
                            .execute(&self.pool)
                            .await
                            .map(|done| done.rows_affected()),
                        None => Ok(0),
                    }
                };
                Ok($crate::RetentionReport {
                    audit_log: delete("DELETE FROM audit_log WHERE at < $1", cutoffs.audit_log).await?,
                    login_links: delete(
                        "DELETE FROM login_links WHERE expires_at < $1 OR used_at < $1",
                        cutoffs.login_links,
                    )
                    .await?
                        + delete(
                            "DELETE FROM provider_login_links WHERE expires_at < $1 OR used_at < $1",
                            cutoffs.login_links,
                        )
                        .await?,
                    outbox: delete(
                        "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, created_at) < $1",
                        cutoffs.outbox,
                    )
                    .await?
                        // Who received which issue: the issue keeps its figures.
                        + delete(
                            "DELETE FROM newsletter_deliveries WHERE issue_id IN
                               (SELECT id FROM newsletter_issues WHERE state = 'sent' AND finished_at < $1)",
                            cutoffs.outbox,
                        )
                        .await?,
                    intakes: match cutoffs.intakes {
                        None => 0,
                        Some(cutoff) => {
                            let mut tx = self.begin_write().await?;
                            let done = sqlx::query(
                                "UPDATE intakes SET organisation = '', contact_name = '', email = '', phone = NULL,
                                        kvk = NULL, question = '', provider_slug = NULL, scan_summary = NULL,
                                        form_nonce = NULL, anonymised_at = $2
                                  WHERE closed_at < $1 AND anonymised_at IS NULL",
                            )
                            .bind(cutoff)
                            .bind($crate::now())
                            .execute(&mut *tx)
                            .await?;
                            // What the employer or staff wrote along the way goes too.
                            for sql in [
                                "UPDATE intake_events SET detail = '' WHERE detail <> ''
                                   AND intake_id IN (SELECT id FROM intakes WHERE anonymised_at IS NOT NULL)",
                                "UPDATE introductions SET feedback_comment = NULL WHERE feedback_comment IS NOT NULL
                                   AND intake_id IN (SELECT id FROM intakes WHERE anonymised_at IS NOT NULL)",
                            ] {
                                sqlx::query(sql).execute(&mut *tx).await?;
                            }
                            tx.commit().await?;
                            done.rows_affected()
                        }
                    },
                    sessions: delete("DELETE FROM sessions WHERE expires_at < $1", cutoffs.sessions).await?,
                })
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_operations;

/// The versions of `migrator`'s migrations that `applied` (the successful rows of
/// `_sqlx_migrations`) lacks.
pub(crate) fn missing_migrations(migrator: &sqlx::migrate::Migrator, applied: &[i64]) -> usize {
    migrator
        .iter()
        .filter(|m| !m.migration_type.is_down_migration() && !applied.contains(&m.version))
        .count()
}

/// The versions in `applied` that `migrator` does not know: written by a newer HRnexus.
pub(crate) fn unknown_migrations(migrator: &sqlx::migrate::Migrator, applied: &[i64]) -> Vec<i64> {
    applied
        .iter()
        .copied()
        .filter(|v| !migrator.iter().any(|m| m.version == *v))
        .collect()
}
