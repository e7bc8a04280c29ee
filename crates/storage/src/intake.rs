//! Requests for help from employers (intakes, from the contact page or a scan's "vraag
//! hulp") and the introduction workflow that follows: every status change recorded, and
//! introductions to providers counted against their capacity in the same transaction.

use hrnexus_core::intake::{IntakeRequest, IntakeStatus};
use serde::Serialize;

use crate::{Result, UnixTime};

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
    /// Weak aspect keys from the employer's scan, comma-separated (aggregates only).
    pub aspects: String,
    pub form_nonce: Option<String>,
    pub closed_at: Option<UnixTime>,
    pub anonymised_at: Option<UnixTime>,
    /// Totals shared by a help request from before intakes existed (JSON).
    pub scan_summary: Option<String>,
    /// A sector key; empty when not given.
    pub sector: String,
    /// An urgency key (`normal`, `high`).
    pub urgency: String,
}

impl Intake {
    pub fn status(&self) -> Option<IntakeStatus> {
        IntakeStatus::from_key(&self.status)
    }

    pub fn category_keys(&self) -> impl Iterator<Item = &str> {
        self.categories.split(',').filter(|k| !k.is_empty())
    }

    pub fn aspect_keys(&self) -> impl Iterator<Item = &str> {
        self.aspects.split(',').filter(|k| !k.is_empty())
    }
}

/// What a new intake holds beyond the checked form.
#[derive(Debug, Clone, Default)]
pub struct IntakeExtras {
    /// Weak aspect keys the form was pre-filled with from a scan.
    pub aspects: Vec<String>,
    /// Hash of the form's one-time id: a second submit of the same form stores nothing.
    pub form_nonce: Option<String>,
}

/// One recorded status change of an intake.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct IntakeEventRow {
    pub id: i64,
    pub intake_id: i64,
    pub at: UnixTime,
    /// staff | provider | employer | system
    pub actor: String,
    pub actor_id: Option<i64>,
    pub event: String,
    pub from_status: String,
    pub to_status: String,
    pub detail: String,
}

/// An introduction of an intake to a provider, with the provider's name.
#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Introduction {
    pub id: i64,
    pub intake_id: i64,
    pub provider_id: i64,
    pub provider_organisation: String,
    pub provider_slug: String,
    /// proposed | accepted | declined | expired | withdrawn | completed
    pub status: String,
    pub score: i64,
    /// Reason codes met, comma-separated.
    pub reasons: String,
    pub proposed_at: UnixTime,
    pub deadline_at: UnixTime,
    pub answered_at: Option<UnixTime>,
    pub decline_reason: Option<String>,
    pub feedback_rating: Option<i64>,
    pub feedback_comment: Option<String>,
    pub feedback_at: Option<UnixTime>,
}

/// Who caused a status change, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActorRef {
    /// staff | provider | employer | system
    pub kind: &'static str,
    pub id: Option<i64>,
}

/// What a status change does besides moving the status; all of it in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntakeEffect {
    None,
    /// Ask a provider: takes one of its open places, only while it accepts and has room.
    Propose {
        provider_id: i64,
        score: i64,
        reasons: String,
        deadline_at: UnixTime,
        /// SHA-256 of the link the provider answers through.
        answer_token_hash: String,
    },
    /// The provider said yes to the open proposal.
    Accept {
        introduction_id: i64,
    },
    /// The open proposal ends (declined with a reason key, or `expired`); its place is freed.
    EndProposal {
        introduction_id: i64,
        status: &'static str,
        reason: Option<String>,
    },
    /// Completed or closed: an open proposal is withdrawn and an accepted introduction
    /// completed, their places freed; the intake gets its closing time. The completed
    /// introduction keeps the hash of the employer's feedback link, when one is mailed.
    Finish {
        feedback_token_hash: Option<String>,
    },
}

/// A status change: from `from` (which must still be the intake's status) to `to`.
#[derive(Debug, Clone)]
pub struct IntakeChange<'a> {
    pub intake_id: i64,
    pub from: IntakeStatus,
    pub to: IntakeStatus,
    pub actor: ActorRef,
    /// What happened, as a code (e.g. "take_up", "propose", "decline").
    pub event: &'a str,
    pub detail: &'a str,
    pub effect: IntakeEffect,
    pub at: UnixTime,
}

/// How a status change ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeOutcome {
    Done,
    /// The intake (or the introduction) was no longer where the change expected it: someone
    /// else changed it first. Nothing was written.
    Stale,
    /// The provider is paused or has no room left. Nothing was written.
    NoCapacity,
}

/// Counts per provider that feed the ranking and the dashboard.
#[derive(Debug, Clone, Default, sqlx::FromRow, Serialize, PartialEq, Eq)]
pub struct ProviderTally {
    pub provider_id: i64,
    pub accepted: i64,
    pub declined: i64,
    pub expired: i64,
    pub ratings: i64,
    pub rating_sum: i64,
}

/// A proposal whose deadline passed.
#[derive(Debug, Clone, Copy, sqlx::FromRow, PartialEq, Eq)]
pub struct OverdueProposal {
    pub introduction_id: i64,
    pub intake_id: i64,
    pub provider_id: i64,
}

#[async_trait::async_trait]
pub trait IntakeStore: Send + Sync {
    /// Stores a checked intake (status new, consent given now) and queues `confirmation`,
    /// in one transaction.
    /// `None` when `extras.form_nonce` was stored before (a double submit): nothing written.
    async fn create_intake(
        &self,
        request: &IntakeRequest,
        extras: &IntakeExtras,
        lang: &str,
        confirmation: &crate::OutgoingMail,
    ) -> Result<Option<i64>>;
    async fn intake_by_id(&self, id: i64) -> Result<Option<Intake>>;
    /// Newest first; only those with `status` when given.
    async fn intakes(&self, status: Option<IntakeStatus>, limit: i64) -> Result<Vec<Intake>>;
    /// How many intakes have this status (counted in the database).
    async fn count_intakes(&self, status: IntakeStatus) -> Result<i64>;
    /// Applies a status change with its effect and queues `mails`, all in one transaction.
    async fn change_intake(
        &self,
        change: &IntakeChange<'_>,
        mails: &[crate::OutgoingMail],
    ) -> Result<ChangeOutcome>;
    /// The intake's recorded changes, oldest first.
    async fn intake_events(&self, intake_id: i64) -> Result<Vec<IntakeEventRow>>;
    /// The intake's introductions, oldest first.
    async fn introductions_of_intake(&self, intake_id: i64) -> Result<Vec<Introduction>>;
    async fn introduction_by_id(&self, id: i64) -> Result<Option<Introduction>>;
    /// Every introduction of one provider, newest first.
    async fn introductions_of_provider(&self, provider_id: i64) -> Result<Vec<Introduction>>;
    /// The introduction whose feedback link hashes to `token_hash`.
    async fn introduction_by_feedback_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<Introduction>>;
    /// The introduction whose answer link hashes to `token_hash`.
    async fn introduction_by_answer_token(&self, token_hash: &str) -> Result<Option<Introduction>>;
    /// Proposals still waiting for an answer after `now`'s deadline.
    async fn overdue_proposals(&self, now: UnixTime) -> Result<Vec<OverdueProposal>>;
    /// For every intake made at or after `since`: when it was made, and when a provider
    /// accepted it (the first time), for the dashboard.
    async fn intake_timeline(&self, since: UnixTime) -> Result<Vec<(UnixTime, Option<UnixTime>)>>;
    /// Accepted, declined and expired introductions and feedback per provider.
    async fn provider_tallies(&self) -> Result<Vec<ProviderTally>>;
    /// Stores the employer's feedback on an accepted or completed introduction, once.
    async fn set_feedback(
        &self,
        introduction_id: i64,
        rating: i64,
        comment: Option<&str>,
        at: UnixTime,
    ) -> Result<bool>;
}

/// Expands to `impl IntakeStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_intake_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::intake::IntakeStore for $store {
            async fn create_intake(
                &self,
                request: &hrnexus_core::intake::IntakeRequest,
                extras: &$crate::IntakeExtras,
                lang: &str,
                confirmation: &$crate::OutgoingMail,
            ) -> $crate::Result<Option<i64>> {
                let now = $crate::now();
                let categories: Vec<&str> = request.categories.iter().map(|c| c.key()).collect();
                let mut tx = self.begin_write().await?;
                if let Some(nonce) = &extras.form_nonce {
                    let seen: Option<i64> =
                        sqlx::query_scalar("SELECT id FROM intakes WHERE form_nonce = $1")
                            .bind(nonce)
                            .fetch_optional(&mut *tx)
                            .await?;
                    if seen.is_some() {
                        return Ok(None);
                    }
                }
                let id: i64 = sqlx::query_scalar(
                    "INSERT INTO intakes (created_at, status, lang, organisation, contact_name, email, phone, kvk,
                        company_size, province, question, categories, provider_slug, consent_at, aspects, form_nonce,
                        sector, urgency)
                     VALUES ($1, 'new', $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $1, $13, $14, $15, $16) RETURNING id",
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
                .bind(extras.aspects.join(","))
                .bind(extras.form_nonce.as_deref())
                .bind(request.sector.map_or("", |s| s.key()))
                .bind(request.urgency.key())
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                $crate::outbox::insert_mail!(&mut *tx, confirmation, now)?;
                tx.commit().await?;
                Ok(Some(id))
            }

            async fn intake_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Intake>> {
                Ok(sqlx::query_as("SELECT * FROM intakes WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn intakes(
                &self,
                status: Option<hrnexus_core::intake::IntakeStatus>,
                limit: i64,
            ) -> $crate::Result<Vec<$crate::Intake>> {
                Ok(sqlx::query_as(
                    "SELECT * FROM intakes WHERE ($1 IS NULL OR status = $1) ORDER BY id DESC LIMIT $2",
                )
                .bind(status.map(|s| s.key()))
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

            async fn change_intake(
                &self,
                change: &$crate::IntakeChange<'_>,
                mails: &[$crate::OutgoingMail],
            ) -> $crate::Result<$crate::ChangeOutcome> {
                use $crate::{ChangeOutcome, IntakeEffect};
                let mut tx = self.begin_write().await?;
                let finishing = matches!(change.effect, IntakeEffect::Finish { .. });
                // The conditional UPDATE is the lock: of two instances changing the same
                // intake, the second finds the status moved and writes nothing.
                let moved = sqlx::query(
                    "UPDATE intakes SET status = $1, closed_at = CASE WHEN $2 THEN $3 ELSE closed_at END
                      WHERE id = $4 AND status = $5",
                )
                .bind(change.to.key())
                .bind(finishing)
                .bind(change.at)
                .bind(change.intake_id)
                .bind(change.from.key())
                .execute(&mut *tx)
                .await?;
                if moved.rows_affected() != 1 {
                    return Ok(ChangeOutcome::Stale);
                }
                match &change.effect {
                    IntakeEffect::None => {}
                    IntakeEffect::Propose { provider_id, score, reasons, deadline_at, answer_token_hash } => {
                        // Room is taken by the same statement that checks it, so two instances
                        // proposing at once can never overfill a provider.
                        let taken = sqlx::query(
                            "UPDATE providers SET open_introductions = open_introductions + 1
                              WHERE id = $1 AND availability = 'accepting' AND open_introductions < capacity",
                        )
                        .bind(provider_id)
                        .execute(&mut *tx)
                        .await?;
                        if taken.rows_affected() != 1 {
                            return Ok(ChangeOutcome::NoCapacity);
                        }
                        sqlx::query(
                            "INSERT INTO introductions (intake_id, provider_id, status, score, reasons, proposed_at, deadline_at, answer_token_hash)
                             VALUES ($1, $2, 'proposed', $3, $4, $5, $6, $7)",
                        )
                        .bind(change.intake_id)
                        .bind(provider_id)
                        .bind(score)
                        .bind(reasons)
                        .bind(change.at)
                        .bind(deadline_at)
                        .bind(answer_token_hash)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::StorageError::from_write)?;
                    }
                    IntakeEffect::Accept { introduction_id } => {
                        let done = sqlx::query(
                            "UPDATE introductions SET status = 'accepted', answered_at = $1
                              WHERE id = $2 AND intake_id = $3 AND status = 'proposed'",
                        )
                        .bind(change.at)
                        .bind(introduction_id)
                        .bind(change.intake_id)
                        .execute(&mut *tx)
                        .await?;
                        if done.rows_affected() != 1 {
                            return Ok(ChangeOutcome::Stale);
                        }
                    }
                    IntakeEffect::EndProposal { introduction_id, status, reason } => {
                        let provider: Option<i64> = sqlx::query_scalar(
                            "UPDATE introductions SET status = $1, answered_at = $2, decline_reason = $3
                              WHERE id = $4 AND intake_id = $5 AND status = 'proposed' RETURNING provider_id",
                        )
                        .bind(*status)
                        .bind(change.at)
                        .bind(reason.as_deref())
                        .bind(introduction_id)
                        .bind(change.intake_id)
                        .fetch_optional(&mut *tx)
                        .await?;
                        let Some(provider) = provider else {
                            return Ok(ChangeOutcome::Stale);
                        };
                        $crate::intake::free_place!(&mut *tx, provider)?;
                    }
                    IntakeEffect::Finish { feedback_token_hash } => {
                        let open: Vec<(i64, String)> = sqlx::query_as(
                            "SELECT provider_id, status FROM introductions
                              WHERE intake_id = $1 AND status IN ('proposed', 'accepted')",
                        )
                        .bind(change.intake_id)
                        .fetch_all(&mut *tx)
                        .await?;
                        sqlx::query(
                            "UPDATE introductions
                                SET status = CASE WHEN status = 'proposed' THEN 'withdrawn' ELSE 'completed' END,
                                    answered_at = COALESCE(answered_at, $1),
                                    feedback_token_hash = CASE WHEN status = 'accepted' THEN $3 ELSE NULL END
                              WHERE intake_id = $2 AND status IN ('proposed', 'accepted')",
                        )
                        .bind(change.at)
                        .bind(change.intake_id)
                        .bind(feedback_token_hash.as_deref())
                        .execute(&mut *tx)
                        .await?;
                        for (provider, _) in open {
                            $crate::intake::free_place!(&mut *tx, provider)?;
                        }
                    }
                }
                sqlx::query(
                    "INSERT INTO intake_events (intake_id, at, actor, actor_id, event, from_status, to_status, detail)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                )
                .bind(change.intake_id)
                .bind(change.at)
                .bind(change.actor.kind)
                .bind(change.actor.id)
                .bind(change.event)
                .bind(change.from.key())
                .bind(change.to.key())
                .bind(change.detail)
                .execute(&mut *tx)
                .await?;
                for mail in mails {
                    $crate::outbox::insert_mail!(&mut *tx, mail, change.at)?;
                }
                tx.commit().await?;
                Ok(ChangeOutcome::Done)
            }

            async fn intake_events(&self, intake_id: i64) -> $crate::Result<Vec<$crate::IntakeEventRow>> {
                Ok(sqlx::query_as("SELECT * FROM intake_events WHERE intake_id = $1 ORDER BY id")
                    .bind(intake_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn introductions_of_intake(&self, intake_id: i64) -> $crate::Result<Vec<$crate::Introduction>> {
                Ok(sqlx::query_as(concat!($crate::intake::introduction_select!(), " WHERE i.intake_id = $1 ORDER BY i.id"))
                    .bind(intake_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn introduction_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Introduction>> {
                Ok(sqlx::query_as(concat!($crate::intake::introduction_select!(), " WHERE i.id = $1"))
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn introduction_by_answer_token(&self, token_hash: &str) -> $crate::Result<Option<$crate::Introduction>> {
                Ok(sqlx::query_as(concat!($crate::intake::introduction_select!(), " WHERE i.answer_token_hash = $1"))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn introductions_of_provider(&self, provider_id: i64) -> $crate::Result<Vec<$crate::Introduction>> {
                Ok(sqlx::query_as(concat!($crate::intake::introduction_select!(), " WHERE i.provider_id = $1 ORDER BY i.id DESC"))
                    .bind(provider_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn introduction_by_feedback_token(&self, token_hash: &str) -> $crate::Result<Option<$crate::Introduction>> {
                Ok(sqlx::query_as(concat!($crate::intake::introduction_select!(), " WHERE i.feedback_token_hash = $1"))
                    .bind(token_hash)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn overdue_proposals(&self, now: $crate::UnixTime) -> $crate::Result<Vec<$crate::OverdueProposal>> {
                Ok(sqlx::query_as(
                    "SELECT id AS introduction_id, intake_id, provider_id FROM introductions
                      WHERE status = 'proposed' AND deadline_at < $1 ORDER BY deadline_at, id",
                )
                .bind(now)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn intake_timeline(
                &self,
                since: $crate::UnixTime,
            ) -> $crate::Result<Vec<($crate::UnixTime, Option<$crate::UnixTime>)>> {
                Ok(sqlx::query_as(
                    "SELECT i.created_at,
                            (SELECT MIN(e.at) FROM intake_events e
                              WHERE e.intake_id = i.id AND e.event = 'accept') AS introduced_at
                       FROM intakes i WHERE i.created_at >= $1 ORDER BY i.created_at",
                )
                .bind(since)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn provider_tallies(&self) -> $crate::Result<Vec<$crate::ProviderTally>> {
                Ok(sqlx::query_as(
                    "SELECT provider_id,
                            COUNT(*) FILTER (WHERE status IN ('accepted', 'completed')) AS accepted,
                            COUNT(*) FILTER (WHERE status = 'declined') AS declined,
                            COUNT(*) FILTER (WHERE status = 'expired') AS expired,
                            COUNT(feedback_rating) AS ratings,
                            CAST(COALESCE(SUM(feedback_rating), 0) AS BIGINT) AS rating_sum
                       FROM introductions GROUP BY provider_id ORDER BY provider_id",
                )
                .fetch_all(&self.pool)
                .await?)
            }

            async fn set_feedback(
                &self,
                introduction_id: i64,
                rating: i64,
                comment: Option<&str>,
                at: $crate::UnixTime,
            ) -> $crate::Result<bool> {
                let done = sqlx::query(
                    "UPDATE introductions SET feedback_rating = $1, feedback_comment = $2, feedback_at = $3
                      WHERE id = $4 AND status IN ('accepted', 'completed') AND feedback_rating IS NULL",
                )
                .bind(rating)
                .bind(comment)
                .bind(at)
                .bind(introduction_id)
                .execute(&self.pool)
                .await?;
                Ok(done.rows_affected() == 1)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_intake_store;

/// Frees one open place of provider `$provider` inside transaction `$tx`.
macro_rules! free_place {
    ($tx:expr, $provider:expr) => {
        sqlx::query(
            "UPDATE providers SET open_introductions = open_introductions - 1
              WHERE id = $1 AND open_introductions > 0",
        )
        .bind($provider)
        .execute($tx)
        .await
    };
}
pub(crate) use free_place;

/// Introductions with their provider's name; callers add `WHERE` with `concat!`.
macro_rules! introduction_select {
    () => {
        "SELECT i.id, i.intake_id, i.provider_id,
        p.organisation AS provider_organisation, p.slug AS provider_slug, i.status, i.score,
        i.reasons, i.proposed_at, i.deadline_at, i.answered_at, i.decline_reason,
        i.feedback_rating, i.feedback_comment, i.feedback_at
   FROM introductions i JOIN providers p ON p.id = i.provider_id"
    };
}
pub(crate) use introduction_select;
