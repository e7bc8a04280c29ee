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

#[async_trait::async_trait]
pub trait Operations: Send + Sync {
    fn backend(&self) -> Backend;
    async fn migrate(&self) -> Result<()>;
    async fn ping(&self) -> Result<()>;
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

            async fn ping(&self) -> $crate::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
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
