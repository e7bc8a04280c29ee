//! Accounts: staff (beheerders) with their set-up links and second factor, employers with
//! their sign-in links, and API keys (only hashes of links and keys are stored).

use hrnexus_core::email::EmailAddress;
use serde::Serialize;

use crate::{OutgoingMail, Result, UnixTime};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Staff {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub created_at: UnixTime,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct ApiKey {
    pub id: i64,
    pub name: String,
    pub prefix: String,
    #[serde(skip)]
    pub key_hash: String,
    pub created_by: String,
    pub created_at: UnixTime,
    pub last_used_at: Option<UnixTime>,
    pub revoked_at: Option<UnixTime>,
    /// Set for a provider's own key: it reaches that provider's introductions.
    pub provider_id: Option<i64>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Employer {
    pub id: i64,
    pub email: String,
    pub created_at: UnixTime,
    pub last_login_at: Option<UnixTime>,
}

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn create_staff(&self, email: &EmailAddress, password_hash: &str) -> Result<i64>;
    async fn set_staff_password(&self, id: i64, password_hash: &str) -> Result<()>;
    async fn staff_by_email(&self, email: &EmailAddress) -> Result<Option<Staff>>;
    async fn staff_by_id(&self, id: i64) -> Result<Option<Staff>>;
    async fn count_staff(&self) -> Result<i64>;
    /// Addresses of every staff member, for notices from the workflow.
    async fn staff_emails(&self) -> Result<Vec<String>>;
    /// Turns on two-factor sign-in and queues the notice about it in the same transaction.
    async fn enable_totp(&self, id: i64, secret: &str, notice: &OutgoingMail) -> Result<()>;
    /// Accepts a TOTP time step once: false when this or a later step was already used.
    async fn accept_totp_step(&self, id: i64, step: i64) -> Result<bool>;
    /// Creates the account (with `placeholder_hash`, a hash of a password nobody knows) when
    /// it does not exist yet, ends its earlier unused set-up links and stores the new one.
    /// Returns the account id and whether the account is new.
    async fn create_staff_setup_link(
        &self,
        email: &EmailAddress,
        placeholder_hash: &str,
        token_hash: &str,
        expires_at: UnixTime,
    ) -> Result<(i64, bool)>;
    /// The account an unused, unexpired set-up link belongs to.
    async fn staff_setup_link(&self, token_hash: &str, now: UnixTime) -> Result<Option<Staff>>;
    /// Uses a set-up link once: sets the chosen password and clears the second factor, which
    /// the holder enrols next. `None` when the link is unknown, used or expired.
    async fn use_staff_setup_link(
        &self,
        token_hash: &str,
        password_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Staff>>;
    async fn create_api_key(
        &self,
        name: &str,
        prefix: &str,
        key_hash: &str,
        created_by: &str,
    ) -> Result<i64>;
    async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<ApiKey>>;
    async fn touch_api_key(&self, id: i64, now: UnixTime) -> Result<()>;
    async fn list_api_keys(&self) -> Result<Vec<ApiKey>>;
    async fn revoke_api_key(&self, id: i64, now: UnixTime) -> Result<bool>;
    /// A key of provider `provider_id`, created in its portal.
    async fn create_provider_api_key(
        &self,
        provider_id: i64,
        name: &str,
        prefix: &str,
        key_hash: &str,
        created_by: &str,
    ) -> Result<i64>;
    async fn provider_api_keys(&self, provider_id: i64) -> Result<Vec<ApiKey>>;
    /// Revokes key `id` only when it belongs to `provider_id`.
    async fn revoke_provider_api_key(
        &self,
        provider_id: i64,
        id: i64,
        now: UnixTime,
    ) -> Result<bool>;
    /// Stores a sign-in link and queues the mail that carries it, in one transaction.
    async fn create_login_link(
        &self,
        email: &EmailAddress,
        lang: &str,
        token_hash: &str,
        expires_at: UnixTime,
        mail: &OutgoingMail,
    ) -> Result<()>;
    /// Uses a link once: returns the employer (created at the first sign-in), or `None` when
    /// the link is unknown, used or expired. Older unused links of the address stop working.
    async fn consume_login_link(&self, token_hash: &str, now: UnixTime)
    -> Result<Option<Employer>>;
    async fn employer_by_id(&self, id: i64) -> Result<Option<Employer>>;
}

/// Expands to `impl AccountStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_account_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::accounts::AccountStore for $store {
            async fn create_staff(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                password_hash: &str,
            ) -> $crate::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO staff (email, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id",
                )
                .bind(email.as_str())
                .bind(password_hash)
                .bind($crate::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)
            }

            async fn set_staff_password(&self, id: i64, password_hash: &str) -> $crate::Result<()> {
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
            ) -> $crate::Result<Option<$crate::Staff>> {
                Ok(sqlx::query_as("SELECT id, email, password_hash, totp_secret, created_at FROM staff WHERE email = $1")
                    .bind(email.as_str())
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn staff_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Staff>> {
                Ok(sqlx::query_as("SELECT id, email, password_hash, totp_secret, created_at FROM staff WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn staff_emails(&self) -> $crate::Result<Vec<String>> {
                Ok(sqlx::query_scalar("SELECT email FROM staff ORDER BY id")
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_staff(&self) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff").fetch_one(&self.pool).await?)
            }

            async fn enable_totp(
                &self,
                id: i64,
                secret: &str,
                notice: &$crate::OutgoingMail,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE staff SET totp_secret = $1 WHERE id = $2")
                    .bind(secret)
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                $crate::outbox::insert_mail!(&mut *tx, notice, $crate::now())?;
                tx.commit().await?;
                Ok(())
            }

            async fn accept_totp_step(&self, id: i64, step: i64) -> $crate::Result<bool> {
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

            async fn create_staff_setup_link(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                placeholder_hash: &str,
                token_hash: &str,
                expires_at: i64,
            ) -> $crate::Result<(i64, bool)> {
                let mut tx = self.pool.begin().await?;
                let created: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO staff (email, password_hash, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (email) DO NOTHING RETURNING id",
                )
                .bind(email.as_str())
                .bind(placeholder_hash)
                .bind($crate::now())
                .fetch_optional(&mut *tx)
                .await?;
                let id: i64 = match created {
                    Some(id) => id,
                    None => sqlx::query_scalar("SELECT id FROM staff WHERE email = $1")
                        .bind(email.as_str())
                        .fetch_one(&mut *tx)
                        .await?,
                };
                // Only the newest link works: one printed by mistake is ended by printing another.
                sqlx::query("UPDATE staff_setup_links SET used_at = $2 WHERE staff_id = $1 AND used_at IS NULL")
                    .bind(id)
                    .bind($crate::now())
                    .execute(&mut *tx)
                    .await?;
                sqlx::query("INSERT INTO staff_setup_links (token_hash, staff_id, expires_at) VALUES ($1, $2, $3)")
                    .bind(token_hash)
                    .bind(id)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok((id, created.is_some()))
            }

            async fn staff_setup_link(
                &self,
                token_hash: &str,
                now: i64,
            ) -> $crate::Result<Option<$crate::Staff>> {
                Ok(sqlx::query_as(
                    "SELECT s.id, s.email, s.password_hash, s.totp_secret, s.created_at
                     FROM staff_setup_links l JOIN staff s ON s.id = l.staff_id
                     WHERE l.token_hash = $1 AND l.used_at IS NULL AND l.expires_at > $2",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&self.pool)
                .await?)
            }

            async fn use_staff_setup_link(
                &self,
                token_hash: &str,
                password_hash: &str,
                now: i64,
            ) -> $crate::Result<Option<$crate::Staff>> {
                let mut tx = self.pool.begin().await?;
                let staff_id: Option<i64> = sqlx::query_scalar(
                    "UPDATE staff_setup_links SET used_at = $2
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING staff_id",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some(staff_id) = staff_id else { return Ok(None) };
                let staff: $crate::Staff = sqlx::query_as(
                    "UPDATE staff SET password_hash = $1, totp_secret = NULL WHERE id = $2
                     RETURNING id, email, password_hash, totp_secret, created_at",
                )
                .bind(password_hash)
                .bind(staff_id)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(staff))
            }

            async fn create_provider_api_key(
                &self,
                provider_id: i64,
                name: &str,
                prefix: &str,
                key_hash: &str,
                created_by: &str,
            ) -> $crate::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO api_keys (name, prefix, key_hash, created_by, created_at, provider_id)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(name)
                .bind(prefix)
                .bind(key_hash)
                .bind(created_by)
                .bind($crate::now())
                .bind(provider_id)
                .fetch_one(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)
            }

            async fn provider_api_keys(&self, provider_id: i64) -> $crate::Result<Vec<$crate::ApiKey>> {
                Ok(sqlx::query_as("SELECT * FROM api_keys WHERE provider_id = $1 ORDER BY id DESC")
                    .bind(provider_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn revoke_provider_api_key(
                &self,
                provider_id: i64,
                id: i64,
                now: $crate::UnixTime,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND provider_id = $3 AND revoked_at IS NULL",
                )
                .bind(now)
                .bind(id)
                .bind(provider_id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_api_key(
                &self,
                name: &str,
                prefix: &str,
                key_hash: &str,
                created_by: &str,
            ) -> $crate::Result<i64> {
                sqlx::query_scalar::<_, i64>(
                    "INSERT INTO api_keys (name, prefix, key_hash, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5) RETURNING id",
                )
                .bind(name)
                .bind(prefix)
                .bind(key_hash)
                .bind(created_by)
                .bind($crate::now())
                .fetch_one(&self.pool)
                .await
                .map_err($crate::StorageError::from_write)
            }

            async fn api_key_by_hash(&self, key_hash: &str) -> $crate::Result<Option<$crate::ApiKey>> {
                Ok(sqlx::query_as("SELECT * FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL")
                    .bind(key_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn touch_api_key(&self, id: i64, now: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn list_api_keys(&self) -> $crate::Result<Vec<$crate::ApiKey>> {
                Ok(sqlx::query_as("SELECT * FROM api_keys ORDER BY id DESC").fetch_all(&self.pool).await?)
            }

            async fn revoke_api_key(&self, id: i64, now: i64) -> $crate::Result<bool> {
                let done = sqlx::query("UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            async fn create_login_link(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                lang: &str,
                token_hash: &str,
                expires_at: i64,
                mail: &$crate::OutgoingMail,
            ) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO login_links (token_hash, email, lang, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(email.as_str())
                    .bind(lang)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                $crate::outbox::insert_mail!(&mut *tx, mail, $crate::now())?;
                tx.commit().await?;
                Ok(())
            }

            async fn consume_login_link(
                &self,
                token_hash: &str,
                now: i64,
            ) -> $crate::Result<Option<$crate::Employer>> {
                let mut tx = self.pool.begin().await?;
                let used: Option<(String, i64)> = sqlx::query_as(
                    "UPDATE login_links SET used_at = $2
                     WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2 RETURNING email, expires_at",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((email, expires_at)) = used else { return Ok(None) };
                // Every link lives equally long, so an earlier expiry is an older link: those
                // stop working once a newer one was used.
                sqlx::query(
                    "UPDATE login_links SET used_at = $3
                     WHERE email = $1 AND used_at IS NULL AND expires_at <= $2",
                )
                .bind(&email)
                .bind(expires_at)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                let employer: $crate::Employer = sqlx::query_as(
                    "INSERT INTO employers (email, created_at, last_login_at) VALUES ($1, $2, $2)
                     ON CONFLICT (email) DO UPDATE SET last_login_at = excluded.last_login_at
                     RETURNING id, email, created_at, last_login_at",
                )
                .bind(email)
                .bind(now)
                .fetch_one(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(Some(employer))
            }

            async fn employer_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Employer>> {
                Ok(sqlx::query_as("SELECT id, email, created_at, last_login_at FROM employers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_account_store;
