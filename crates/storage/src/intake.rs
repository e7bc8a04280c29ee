//! Requests for help from employers (the intake that leads to an introduction): help
//! requests from a scan's results, and intakes from the contact page.

use hrnexus_core::intake::{IntakeRequest, IntakeStatus};
use serde::Serialize;

use crate::{Result, UnixTime};

#[derive(Debug, Clone)]
pub struct NewHelpRequest {
    pub scan_id: i64,
    pub round_id: i64,
    pub employer_id: i64,
    /// The aggregate result the employer agreed to share, as JSON.
    pub summary: String,
    pub question: String,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct HelpRequest {
    pub id: i64,
    pub scan_id: i64,
    pub round_id: i64,
    pub employer_id: i64,
    pub summary: String,
    pub question: String,
    pub consent_at: UnixTime,
    pub created_at: UnixTime,
    pub status: String,
}

/// A question from the contact page, as stored.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Intake {
    pub id: i64,
    pub created_at: UnixTime,
    /// An [`IntakeStatus`] key.
    pub status: String,
    /// The language the form was filled in (and the confirmation mail written in).
    pub lang: String,
    pub organisation: String,
    pub contact_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub kvk: Option<String>,
    pub company_size: String,
    pub province: String,
    pub question: String,
    /// Category keys, comma-separated; empty when none was chosen.
    pub categories: String,
    pub provider_slug: Option<String>,
    pub consent_at: UnixTime,
}

impl Intake {
    pub fn status(&self) -> Option<IntakeStatus> {
        IntakeStatus::from_key(&self.status)
    }

    pub fn category_keys(&self) -> impl Iterator<Item = &str> {
        self.categories.split(',').filter(|k| !k.is_empty())
    }
}

#[async_trait::async_trait]
pub trait IntakeStore: Send + Sync {
    /// Stores a checked intake (status new, consent given now) and queues `confirmation`,
    /// in one transaction.
    async fn create_intake(
        &self,
        request: &IntakeRequest,
        lang: &str,
        confirmation: &crate::OutgoingMail,
    ) -> Result<i64>;
    async fn intake_by_id(&self, id: i64) -> Result<Option<Intake>>;
    /// Newest first.
    async fn intakes(&self, limit: i64) -> Result<Vec<Intake>>;
    /// How many intakes have this status (counted in the database).
    async fn count_intakes(&self, status: IntakeStatus) -> Result<i64>;
    /// Sets the status; false when there is no such intake.
    async fn set_intake_status(&self, id: i64, status: IntakeStatus) -> Result<bool>;
    async fn create_help_request(&self, request: &NewHelpRequest) -> Result<i64>;
    async fn help_requests(&self, limit: i64) -> Result<Vec<HelpRequest>>;
    /// How many help requests have this status (counted in the database).
    async fn count_help_requests(&self, status: &str) -> Result<i64>;
}

/// Expands to `impl IntakeStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_intake_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::intake::IntakeStore for $store {
            async fn create_help_request(&self, request: &$crate::NewHelpRequest) -> $crate::Result<i64> {
                let now = $crate::now();
                Ok(sqlx::query_scalar(
                    "INSERT INTO help_requests (scan_id, round_id, employer_id, summary, question, consent_at, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
                )
                .bind(request.scan_id)
                .bind(request.round_id)
                .bind(request.employer_id)
                .bind(&request.summary)
                .bind(&request.question)
                .bind(now)
                .fetch_one(&self.pool)
                .await?)
            }

            async fn help_requests(&self, limit: i64) -> $crate::Result<Vec<$crate::HelpRequest>> {
                Ok(sqlx::query_as("SELECT * FROM help_requests ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_help_requests(&self, status: &str) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM help_requests WHERE status = $1")
                    .bind(status)
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn create_intake(
                &self,
                request: &hrnexus_core::intake::IntakeRequest,
                lang: &str,
                confirmation: &$crate::OutgoingMail,
            ) -> $crate::Result<i64> {
                let now = $crate::now();
                let categories: Vec<&str> = request.categories.iter().map(|c| c.key()).collect();
                let mut tx = self.begin_write().await?;
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO intakes (created_at, status, lang, organisation, contact_name, email, phone, kvk,
                        company_size, province, question, categories, provider_slug, consent_at)
                     VALUES ($1, 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $1) RETURNING id",
                )
                .bind(now)
                .bind(lang)
                .bind(request.organisation.as_str())
                .bind(request.contact_name.as_str())
                .bind(request.email.as_str())
                .bind(request.phone.as_ref().map(|p| p.as_str()))
                .bind(request.kvk.as_ref().map(|k| k.as_str()))
                .bind(request.company_size.key())
                .bind(request.province.key())
                .bind(request.question.as_str())
                .bind(categories.join(","))
                .bind(request.provider.as_ref().map(|s| s.as_str()))
                .fetch_one(&mut *tx)
                .await?;
                $crate::outbox::insert_mail!(&mut *tx, confirmation, now)?;
                tx.commit().await?;
                Ok(id)
            }

            async fn intake_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Intake>> {
                Ok(sqlx::query_as("SELECT * FROM intakes WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn intakes(&self, limit: i64) -> $crate::Result<Vec<$crate::Intake>> {
                Ok(sqlx::query_as("SELECT * FROM intakes ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn count_intakes(&self, status: hrnexus_core::intake::IntakeStatus) -> $crate::Result<i64> {
                Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM intakes WHERE status = $1")
                    .bind(status.key())
                    .fetch_one(&self.pool)
                    .await?)
            }

            async fn set_intake_status(
                &self,
                id: i64,
                status: hrnexus_core::intake::IntakeStatus,
            ) -> $crate::Result<bool> {
                let done = sqlx::query("UPDATE intakes SET status = $1 WHERE id = $2")
                    .bind(status.key())
                    .bind(id)
                    .execute(&self.pool)
                    .await?;
                Ok(done.rows_affected() == 1)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_intake_store;
