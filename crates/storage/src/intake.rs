//! Requests for help from employers (the intake that leads to an introduction).

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

#[async_trait::async_trait]
pub trait IntakeStore: Send + Sync {
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

            $($specific)*
        }
    };
}
pub(crate) use impl_intake_store;
