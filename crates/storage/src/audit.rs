//! The audit log: who did what, from where. Login throttling counts its rows, so every
//! instance sees the same attempts.

use serde::Serialize;

use crate::{Result, UnixTime};

#[derive(Debug, Clone)]
pub struct NewAuditEntry<'a> {
    pub actor: Option<&'a str>,
    pub event: &'a str,
    pub detail: &'a str,
    pub ip: Option<&'a str>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: UnixTime,
    pub actor: Option<String>,
    pub event: String,
    pub detail: String,
    pub ip: Option<String>,
}

#[async_trait::async_trait]
pub trait AuditStore: Send + Sync {
    async fn record_audit(&self, entry: &NewAuditEntry<'_>) -> Result<()>;
    async fn recent_audit(&self, limit: i64) -> Result<Vec<AuditEntry>>;
    /// Counts `event` entries since `since` for an actor or an IP address (login throttling
    /// lives in the database so that every instance sees the same attempts).
    async fn count_audit_since(
        &self,
        event: &str,
        actor: Option<&str>,
        ip: Option<&str>,
        since: UnixTime,
    ) -> Result<i64>;
}

/// Expands to `impl AuditStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_audit_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::audit::AuditStore for $store {
            async fn record_audit(&self, entry: &$crate::NewAuditEntry<'_>) -> $crate::Result<()> {
                sqlx::query("INSERT INTO audit_log (at, actor, event, detail, ip) VALUES ($1, $2, $3, $4, $5)")
                    .bind($crate::now())
                    .bind(entry.actor)
                    .bind(entry.event)
                    .bind(entry.detail)
                    .bind(entry.ip)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recent_audit(&self, limit: i64) -> $crate::Result<Vec<$crate::AuditEntry>> {
                Ok(sqlx::query_as("SELECT id, at, actor, event, detail, ip FROM audit_log ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_audit_since(
                &self,
                event: &str,
                actor: Option<&str>,
                ip: Option<&str>,
                since: $crate::UnixTime,
            ) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar(
                    "SELECT COUNT(*) FROM audit_log WHERE event = $1 AND at >= $2
                     AND ($3 IS NULL OR actor = $3) AND ($4 IS NULL OR ip = $4)",
                )
                .bind(event)
                .bind(since)
                .bind(actor)
                .bind(ip)
                .fetch_one(&self.pool)
                .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_audit_store;
