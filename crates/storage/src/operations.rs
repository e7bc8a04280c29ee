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
                    .await?,
                    outbox: delete(
                        "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, created_at) < $1",
                        cutoffs.outbox,
                    )
                    .await?,
                    help_requests: delete("DELETE FROM help_requests WHERE created_at < $1", cutoffs.help_requests)
                        .await?,
                    sessions: delete("DELETE FROM sessions WHERE expires_at < $1", cutoffs.sessions).await?,
                })
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_operations;
