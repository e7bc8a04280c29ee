//! Queries whose SQL is the same on SQLite and PostgreSQL, written once.
//!
//! `sqlx::query` is generic over the database, so the same text compiles against either
//! pool; a macro stamps the shared methods into each backend's `impl Storage` next to the
//! methods that differ. (A generic function over `sqlx::Database` would need a long list
//! of executor and codec bounds for every query; the macro keeps the SQL readable.)

/// Inserts one outbox row through `$executor` (a pool or an open transaction).
macro_rules! insert_mail {
    ($executor:expr, $mail:expr, $now:expr) => {{
        let mail: &$crate::storage::OutgoingMail = $mail;
        let headers = serde_json::to_string(&mail.headers).unwrap_or_else(|_| "[]".into());
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO outbox (created_at, recipient, subject, text_body, html_body, headers, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $1) RETURNING id",
        )
        .bind($now)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(headers)
        .fetch_one($executor)
        .await
    }};
}
pub(crate) use insert_mail;

/// Expands to `impl Storage for $store` with the shared methods plus `$specific` ones.
macro_rules! storage_impl {
    ($store:ty, $backend:expr, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::storage::Storage for $store {
            fn backend(&self) -> $crate::storage::Backend {
                $backend
            }

            async fn ping(&self) -> $crate::storage::Result<()> {
                sqlx::query("SELECT 1").execute(&self.pool).await?;
                Ok(())
            }

            async fn create_staff(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                password_hash: &str,
            ) -> $crate::storage::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO staff (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(email.as_str())
                .bind(password_hash)
                .bind($crate::storage::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::storage::StorageError::from_write)
            }

            async fn set_staff_password(&self, id: i64, password_hash: &str) -> $crate::storage::Result<()> {
                sqlx::query("UPDATE staff SET password_hash = $1 WHERE id = $2")
                    .bind(password_hash)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn staff_by_email(
                &self,
                email: &hrnexus_core::email::EmailAddress,
            ) -> $crate::storage::Result<Option<$crate::storage::Staff>> {
                Ok(sqlx::query_as("SELECT id, email, password_hash, totp_secret, created_at FROM staff WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn staff_by_id(&self, id: i64) -> $crate::storage::Result<Option<$crate::storage::Staff>> {
                Ok(sqlx::query_as("SELECT id, email, password_hash, totp_secret, created_at FROM staff WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn count_staff(&self) -> $crate::storage::Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&self.pool).await?)
            }

            async fn enable_totp(
                &self,
                id: i64,
                secret: &str,
                notice: &$crate::storage::OutgoingMail,
            ) -> $crate::storage::Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
                    .bind(secret)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                $crate::storage::shared::insert_mail!(&mut *tx, notice, $crate::storage::now())?;
                tx.commit().await?;
                Ok(())
            }

            async fn accept_totp_step(&self, id: i64, step: i64) -> $crate::storage::Result<bool> {
                let done = sqlx::query(
                    "UPDATE staff SET totp_last_step = $1
                     WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
                )
                .bind(step)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn record_audit(&self, entry: &$crate::storage::NewAuditEntry<'_>) -> $crate::storage::Result<()> {
                sqlx::query("INSERT INTO audit_log (at, actor, event, detail, ip) VALUES ($1, $2, $3, $4, $5)")
                    .bind($crate::storage::now())
                    .bind(entry.actor)
                    .bind(entry.event)
                    .bind(entry.detail)
                    .bind(entry.ip)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn recent_audit(&self, limit: i64) -> $crate::storage::Result<Vec<$crate::storage::AuditEntry>> {
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
                since: $crate::storage::UnixTime,
            ) -> $crate::storage::Result<i64> {
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

            async fn session_insert(&self, id_hash: &str, data: &str, expires_at: i64) -> $crate::storage::Result<bool> {
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

            async fn session_upsert(&self, id_hash: &str, data: &str, expires_at: i64) -> $crate::storage::Result<()> {
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

            async fn session_load(&self, id_hash: &str, now: i64) -> $crate::storage::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT data FROM sessions WHERE id = $1 AND expires_at > $2")
                    .bind(id_hash)
                    .bind(now)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn session_delete(&self, id_hash: &str) -> $crate::storage::Result<()> {
                sqlx::query("DELETE FROM sessions WHERE id = $1").bind(id_hash).execute(&self.pool).await?;
                Ok(())
            }

            async fn session_delete_expired(&self, now: i64) -> $crate::storage::Result<u64> {
                let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected())
            }

            async fn enqueue_mail(&self, mail: &$crate::storage::OutgoingMail) -> $crate::storage::Result<i64> {
                Ok($crate::storage::shared::insert_mail!(&self.pool, mail, $crate::storage::now())?)
            }

            async fn mark_mail_sent(&self, id: i64, now: i64) -> $crate::storage::Result<()> {
                sqlx::query(
                    "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL
                     WHERE id = $2",
                )
                .bind(now)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn mark_mail_failed(&self, id: i64, error: &str, retry_at: Option<i64>) -> $crate::storage::Result<()> {
                sqlx::query(
                    "UPDATE outbox SET attempts = attempts + 1, last_error = $1,
                     status = CASE WHEN $2 IS NULL THEN 'failed' ELSE 'pending' END,
                     next_attempt_at = COALESCE($2, next_attempt_at)
                     WHERE id = $3",
                )
                .bind(error)
                .bind(retry_at)
                .bind(id)
                .execute(&self.pool)
                .await?;
                Ok(())
            }

            async fn list_mail(&self, limit: i64) -> $crate::storage::Result<Vec<$crate::storage::QueuedMail>> {
                let rows: Vec<$crate::storage::OutboxRow> =
                    sqlx::query_as("SELECT * FROM outbox ORDER BY id DESC LIMIT $1")
                        .bind(limit)
                        .fetch_all(&self.pool)
                        .await?;
                Ok(rows.into_iter().map(Into::into).collect())
            }

            async fn mail_by_id(&self, id: i64) -> $crate::storage::Result<Option<$crate::storage::QueuedMail>> {
                let row: Option<$crate::storage::OutboxRow> = sqlx::query_as("SELECT * FROM outbox WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?;
                Ok(row.map(Into::into))
            }

            async fn outbox_counts(&self) -> $crate::storage::Result<$crate::storage::OutboxCounts> {
                let rows: Vec<(String, i64)> = sqlx::query_as("SELECT status, COUNT(*) FROM outbox GROUP BY status")
                    .fetch_all(&self.pool)
                    .await?;
                let mut counts = $crate::storage::OutboxCounts::default();
                for (status, n) in rows {
                    match status.as_str() {
                        "pending" => counts.pending = n,
                        "sending" => counts.sending = n,
                        "sent" => counts.sent = n,
                        _ => counts.failed = n,
                    }
                }
                Ok(counts)
            }

            async fn create_api_key(
                &self,
                name: &str,
                prefix: &str,
                key_hash: &str,
                created_by: &str,
            ) -> $crate::storage::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO api_keys (name, prefix, key_hash, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(name)
                .bind(prefix)
                .bind(key_hash)
                .bind(created_by)
                .bind($crate::storage::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::storage::StorageError::from_write)
            }

            async fn api_key_by_hash(&self, key_hash: &str) -> $crate::storage::Result<Option<$crate::storage::ApiKey>> {
                Ok(sqlx::query_as("SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                    .bind(key_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn touch_api_key(&self, id: i64, now: i64) -> $crate::storage::Result<()> {
                sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_api_keys(&self) -> $crate::storage::Result<Vec<$crate::storage::ApiKey>> {
                Ok(sqlx::query_as("SELECT * FROM api_keys ORDER BY id DESC").fetch_all(&self.pool).await?)
            }

            async fn revoke_api_key(&self, id: i64, now: i64) -> $crate::storage::Result<bool> {
                let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            $($specific)*
        }
    };
}
pub(crate) use storage_impl;
