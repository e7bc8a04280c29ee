//! HRnexus Kompas subscribers, the proof of their consent, and confirmation links.
//!
//! Tokens are never stored: a confirmation link is kept as the SHA-256 of its token, and the
//! manage/unsubscribe link of a subscriber as the SHA-256 of a token derived from `link_key`
//! under the server secret (the caller derives it; this crate never sees the secret).

use serde::Serialize;

use crate::{Result, UnixTime};
use hrnexus_core::email::EmailAddress;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Subscriber {
    pub id: i64,
    pub email: String,
    pub lang: String,
    /// `hrnexus_core::newsletter::State` in its stored spelling.
    pub state: String,
    /// `hrnexus_core::newsletter::Preferences` in its stored spelling.
    pub preferences: String,
    #[serde(skip)]
    pub link_key: String,
    #[serde(skip)]
    pub link_hash: String,
    pub created_at: UnixTime,
    pub confirmed_at: Option<UnixTime>,
    pub unsubscribed_at: Option<UnixTime>,
}

/// One consent request and its confirmation (the proof).
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Consent {
    pub id: i64,
    pub subscriber_id: i64,
    pub requested_at: UnixTime,
    /// The requester's network (IP truncated), not their address.
    pub request_ip: Option<String>,
    pub text_version: String,
    pub shown_text: String,
    pub preferences: String,
    pub expires_at: UnixTime,
    pub confirmed_at: Option<UnixTime>,
}

/// What a consent request records.
#[derive(Debug, Clone)]
pub struct NewConsent<'a> {
    pub requested_at: UnixTime,
    pub request_ip: Option<&'a str>,
    pub text_version: &'a str,
    pub shown_text: &'a str,
    pub preferences: &'a str,
}

/// A sign-up through the form.
#[derive(Debug, Clone)]
pub struct NewSubscription<'a> {
    pub email: &'a EmailAddress,
    pub lang: &'a str,
    /// Used only when the address is new: an existing subscriber keeps theirs.
    pub link_key: &'a str,
    pub link_hash: &'a str,
    pub consent: NewConsent<'a>,
    /// SHA-256 of the confirmation token.
    pub token_hash: &'a str,
    pub expires_at: UnixTime,
}

#[async_trait::async_trait]
pub trait NewsletterStore: Send + Sync {
    async fn subscriber_by_email(&self, email: &EmailAddress) -> Result<Option<Subscriber>>;
    async fn subscriber_by_link_hash(&self, link_hash: &str) -> Result<Option<Subscriber>>;
    /// Sign-up requests for `email` since `since` (to stop mail floods to one address).
    async fn count_signup_requests(&self, email: &EmailAddress, since: UnixTime) -> Result<i64>;
    /// In one transaction: creates the subscriber as pending when the address is new (an
    /// existing one is left as it is until the link is used), records the consent request
    /// with the confirmation token's hash, and queues `mail`. Returns the subscriber's id.
    async fn request_subscription(
        &self,
        request: &NewSubscription<'_>,
        mail: &crate::OutgoingMail,
    ) -> Result<i64>;
    /// The subscriber whose unused, unexpired confirmation link has this hash.
    async fn pending_confirmation(
        &self,
        token_hash: &str,
        now: UnixTime,
    ) -> Result<Option<Subscriber>>;
    /// Uses a confirmation link: the consent is confirmed, the subscriber confirmed with the
    /// preferences asked for, every other open link of theirs ended, and `welcome` queued, in
    /// one transaction. False for an unknown, used or expired link.
    async fn confirm_subscription(
        &self,
        token_hash: &str,
        now: UnixTime,
        welcome: &crate::OutgoingMail,
    ) -> Result<bool>;
    /// Unsubscribes (and ends open confirmation links). False when already unsubscribed.
    async fn unsubscribe(&self, id: i64, now: UnixTime) -> Result<bool>;
    async fn set_newsletter_preferences(&self, id: i64, preferences: &str) -> Result<()>;
    /// Subscribes an unsubscribed person again from their own link (which proves the mailbox):
    /// the consent is recorded as requested and confirmed at once. False when not unsubscribed.
    async fn resubscribe(&self, id: i64, consent: &NewConsent<'_>) -> Result<bool>;
    async fn consents(&self, subscriber_id: i64) -> Result<Vec<Consent>>;
    /// Deletes the subscriber and every consent row. False when there was nothing to delete.
    async fn erase_subscriber(&self, id: i64) -> Result<bool>;
    /// Removes consent requests made before `before` that were never confirmed, and pending
    /// subscribers left without any request. Returns the number of subscribers removed.
    async fn delete_unconfirmed_signups(&self, before: UnixTime) -> Result<u64>;
}

/// Expands to `impl NewsletterStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_newsletter_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::newsletter::NewsletterStore for $store {
            async fn subscriber_by_email(
                &self,
                email: &hrnexus_core::email::EmailAddress,
            ) -> $crate::Result<Option<$crate::Subscriber>> {
                Ok(sqlx::query_as("SELECT id, email, lang, state, preferences, link_key, link_hash, created_at, confirmed_at, unsubscribed_at FROM newsletter_subscribers WHERE email = $1").bind(email.as_str()).fetch_optional(&self.pool).await?)
            }

            async fn subscriber_by_link_hash(&self, link_hash: &str) -> $crate::Result<Option<$crate::Subscriber>> {
                Ok(sqlx::query_as("SELECT id, email, lang, state, preferences, link_key, link_hash, created_at, confirmed_at, unsubscribed_at FROM newsletter_subscribers WHERE link_hash = $1").bind(link_hash).fetch_optional(&self.pool).await?)
            }

            async fn count_signup_requests(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                since: i64,
            ) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar::<_, i64>(
                    "SELECT COUNT(*) FROM newsletter_consents c JOIN newsletter_subscribers s ON s.id = c.subscriber_id
                     WHERE s.email = $1 AND c.requested_at >= $2",
                )
                .bind(email.as_str())
                .bind(since)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn request_subscription(
                &self,
                request: &$crate::NewSubscription<'_>,
                mail: &$crate::OutgoingMail,
            ) -> $crate::Result<i64> {
                let consent = &request.consent;
                let mut tx = self.pool.begin().await?;
                sqlx::query(
                    "INSERT INTO newsletter_subscribers (email, lang, state, preferences, link_key, link_hash, created_at)
                     VALUES ($1, $2, 'pending', $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING",
                )
                .bind(request.email.as_str())
                .bind(request.lang)
                .bind(consent.preferences)
                .bind(request.link_key)
                .bind(request.link_hash)
                .bind(consent.requested_at)
                .execute(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                let id: i64 = sqlx::query_scalar("SELECT id FROM newsletter_subscribers WHERE email = $1")
                    .bind(request.email.as_str())
                    .fetch_one(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO newsletter_consents
                     (subscriber_id, requested_at, request_ip, text_version, shown_text, preferences, token_hash, expires_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(id)
                .bind(consent.requested_at)
                .bind(consent.request_ip)
                .bind(consent.text_version)
                .bind(consent.shown_text)
                .bind(consent.preferences)
                .bind(request.token_hash)
                .bind(request.expires_at)
                .execute(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                $crate::outbox::insert_mail!(&mut *tx, mail, $crate::now())?;
                tx.commit().await?;
                Ok(id)
            }

            async fn pending_confirmation(
                &self,
                token_hash: &str,
                now: i64,
            ) -> $crate::Result<Option<$crate::Subscriber>> {
                Ok(sqlx::query_as(
                    "SELECT id, email, lang, state, preferences, link_key, link_hash, created_at, confirmed_at, unsubscribed_at FROM newsletter_subscribers WHERE id = (
                       SELECT subscriber_id FROM newsletter_consents
                       WHERE token_hash = $1 AND confirmed_at IS NULL AND expires_at > $2)",
                ).bind(token_hash).bind(now).fetch_optional(&self.pool).await?)
            }

            async fn confirm_subscription(
                &self,
                token_hash: &str,
                now: i64,
                welcome: &$crate::OutgoingMail,
            ) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let used: Option<(i64, String)> = sqlx::query_as(
                    "UPDATE newsletter_consents SET confirmed_at = $2, token_hash = NULL
                     WHERE token_hash = $1 AND confirmed_at IS NULL AND expires_at > $2
                     RETURNING subscriber_id, preferences",
                )
                .bind(token_hash)
                .bind(now)
                .fetch_optional(&mut *tx)
                .await?;
                let Some((id, preferences)) = used else { return Ok(false) };
                sqlx::query(
                    "UPDATE newsletter_subscribers SET state = 'confirmed', confirmed_at = $2,
                     unsubscribed_at = NULL, preferences = $3 WHERE id = $1",
                )
                .bind(id)
                .bind(now)
                .bind(preferences)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE newsletter_consents SET token_hash = NULL
                     WHERE subscriber_id = $1 AND confirmed_at IS NULL",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                $crate::outbox::insert_mail!(&mut *tx, welcome, $crate::now())?;
                tx.commit().await?;
                Ok(true)
            }

            async fn unsubscribe(&self, id: i64, now: i64) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE newsletter_subscribers SET state = 'unsubscribed', unsubscribed_at = $2
                     WHERE id = $1 AND state <> 'unsubscribed'",
                )
                .bind(id)
                .bind(now)
                .execute(&mut *tx)
                .await?;
                sqlx::query(
                    "UPDATE newsletter_consents SET token_hash = NULL
                     WHERE subscriber_id = $1 AND confirmed_at IS NULL",
                )
                .bind(id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn set_newsletter_preferences(&self, id: i64, preferences: &str) -> $crate::Result<()> {
                sqlx::query("UPDATE newsletter_subscribers SET preferences = $2 WHERE id = $1")
                    .bind(id)
                    .bind(preferences)
                    .execute(&self.pool)
                    .await?;
                Ok(())
            }

            async fn resubscribe(&self, id: i64, consent: &$crate::NewConsent<'_>) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                let done = sqlx::query(
                    "UPDATE newsletter_subscribers SET state = 'confirmed', confirmed_at = $2,
                     unsubscribed_at = NULL, preferences = $3 WHERE id = $1 AND state = 'unsubscribed'",
                )
                .bind(id)
                .bind(consent.requested_at)
                .bind(consent.preferences)
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() != 1 {
                    return Ok(false);
                }
                sqlx::query(
                    "INSERT INTO newsletter_consents
                     (subscriber_id, requested_at, request_ip, text_version, shown_text, preferences, expires_at, confirmed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $2, $2)",
                )
                .bind(id)
                .bind(consent.requested_at)
                .bind(consent.request_ip)
                .bind(consent.text_version)
                .bind(consent.shown_text)
                .bind(consent.preferences)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(true)
            }

            async fn consents(&self, subscriber_id: i64) -> $crate::Result<Vec<$crate::Consent>> {
                Ok(sqlx::query_as("SELECT id, subscriber_id, requested_at, request_ip, text_version, shown_text, preferences, expires_at, confirmed_at FROM newsletter_consents WHERE subscriber_id = $1 ORDER BY id").bind(subscriber_id).fetch_all(&self.pool).await?)
            }

            async fn erase_subscriber(&self, id: i64) -> $crate::Result<bool> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM newsletter_consents WHERE subscriber_id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                let done = sqlx::query("DELETE FROM newsletter_subscribers WHERE id = $1")
                    .bind(id)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                Ok(done.rows_affected() == 1)
            }

            async fn delete_unconfirmed_signups(&self, before: i64) -> $crate::Result<u64> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("DELETE FROM newsletter_consents WHERE confirmed_at IS NULL AND requested_at < $1")
                    .bind(before)
                    .execute(&mut *tx)
                    .await?;
                let done = sqlx::query(
                    "DELETE FROM newsletter_subscribers WHERE state = 'pending' AND created_at < $1
                     AND NOT EXISTS (SELECT 1 FROM newsletter_consents c WHERE c.subscriber_id = newsletter_subscribers.id)",
                )
                .bind(before)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(done.rows_affected())
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_newsletter_store;
