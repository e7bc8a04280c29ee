//! Server-side sessions: the cookie only carries a random id; its hash is the key here.

use crate::{Result, UnixTime};

#[async_trait::async_trait]
pub trait SessionStore: Send + Sync {
    async fn session_insert(&self, id_hash: &str, data: &str, expires_at: UnixTime)
    -> Result<bool>;
    async fn session_upsert(&self, id_hash: &str, data: &str, expires_at: UnixTime) -> Result<()>;
    async fn session_load(&self, id_hash: &str, now: UnixTime) -> Result<Option<String>>;
    async fn session_delete(&self, id_hash: &str) -> Result<()>;
    async fn session_delete_expired(&self, now: UnixTime) -> Result<u64>;
}

/// Expands to `impl SessionStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_session_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::sessions::SessionStore for $store {
            async fn session_insert(&self, id_hash: &str, data: &str, expires_at: i64) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING",
                )
                .bind(id_hash)
                .bind(data)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn session_upsert(&self, id_hash: &str, data: &str, expires_at: i64) -> $crate::Result<()> {
                sqlx::query(
                    "INSERT INTO sessions (id, data, expires_at) VALUES ($1, $2, $3)
                     ON CONFLICT (id) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at",
                )
                .bind(id_hash)
                .bind(data)
                .bind(expires_at)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn session_load(&self, id_hash: &str, now: i64) -> $crate::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                    .bind(id_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn session_delete(&self, id_hash: &str) -> $crate::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn session_delete_expired(&self, now: i64) -> $crate::Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_session_store;
