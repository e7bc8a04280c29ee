//! Invitations by e-mail and their reminders. Addresses are kept apart from the invites
//! and forgotten when a round closes.

use chrono::NaiveDate;
use serde::Serialize;

use crate::{OutgoingMail, Result, UnixTime};

/// One personal invitation to mail: the address, the hash of the token its mail carries,
/// and the composed mail. Storage keeps the address and the hash in separate tables with
/// nothing that joins them.
#[derive(Debug, Clone)]
pub struct MailedInvite {
    pub email: String,
    pub token_hash: String,
    pub mail: OutgoingMail,
}

#[derive(Debug, Clone)]
pub struct MailInvitations {
    pub round_id: i64,
    /// The department the links are fixed to, if one was chosen.
    pub department_id: Option<i64>,
    pub invited_on: NaiveDate,
    /// At most this many addresses per round, counting the ones invited before.
    pub max_per_round: i64,
    pub invites: Vec<MailedInvite>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailInvitationOutcome {
    /// Invites stored and mails queued; `already` addresses had been invited to this round.
    Queued { queued: u32, already: u32 },
    /// The round would exceed its limit; nothing was stored. `existing` were invited before.
    TooMany { existing: i64 },
}

/// What the employer may know about its invitation mails: counts, never addresses.
#[derive(Debug, Clone, Default, Serialize)]
pub struct InvitationCounts {
    /// Invitation mails queued for the round.
    pub invited: i64,
    pub sent: i64,
    pub failed: i64,
    /// Waiting or being delivered.
    pub pending: i64,
    pub reminders: i64,
    pub reminder_sent_at: Option<UnixTime>,
}

/// A round whose reminder is due, with what the reminder mail needs.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct DueReminder {
    pub round_id: i64,
    pub lang: String,
    pub organisation: String,
    pub team: String,
    pub closes_on: NaiveDate,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct InvitationAddress {
    pub email: String,
    pub invited_on: NaiveDate,
}

#[async_trait::async_trait]
pub trait InvitationStore: Send + Sync {
    /// Stores the invites, the addresses (shuffled, unlinked to the invites) and queues the
    /// mails, all in one transaction. Addresses already invited to the round are skipped.
    async fn invite_by_mail(&self, batch: &MailInvitations) -> Result<MailInvitationOutcome>;
    /// Counts of the round's invitation and reminder mails by delivery status.
    async fn invitation_counts(&self, round_id: i64) -> Result<InvitationCounts>;
    /// Open rounds with addresses whose reminder is not sent and whose closing date lies
    /// within `days_before` days of `today`.
    async fn due_reminders(
        &self,
        today: chrono::NaiveDate,
        days_before: i64,
    ) -> Result<Vec<DueReminder>>;
    async fn invitation_addresses(&self, round_id: i64) -> Result<Vec<InvitationAddress>>;
    /// Claims the round's reminder and queues its mails in one transaction; false (nothing
    /// queued) when another instance claimed it first.
    async fn queue_reminders(
        &self,
        round_id: i64,
        now: UnixTime,
        mails: &[OutgoingMail],
    ) -> Result<bool>;
    /// Deletes the round's addresses and blanks the recipients and bodies of its mails
    /// (mails still waiting are given up). The lead calls this when a round closes.
    async fn forget_invitation_addresses(&self, round_id: i64) -> Result<()>;
    /// Rounds that still hold addresses but are closed or past their closing date.
    async fn rounds_with_stale_addresses(&self, today: chrono::NaiveDate) -> Result<Vec<i64>>;
}

/// Expands to `impl InvitationStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_invitation_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::invitations::InvitationStore for $store {
            // Invitations by e-mail, reminders, and derived shared links (issue 12).
            async fn invite_by_mail(
                &self,
                batch: &$crate::MailInvitations,
            ) -> $crate::Result<$crate::MailInvitationOutcome> {
                use rand::seq::SliceRandom;
                let mut tx = self.begin_write().await?;
                let existing: Vec<String> = sqlx::query_scalar("SELECT email FROM invitation_addresses WHERE round_id = $1")
                    .bind(batch.round_id)
                    .fetch_all(&mut *tx)
                    .await?;
                let existing: std::collections::HashSet<String> = existing.into_iter().collect();
                let mut fresh: Vec<&$crate::MailedInvite> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for invite in &batch.invites {
                    if !existing.contains(&invite.email) && seen.insert(invite.email.as_str()) {
                        fresh.push(invite);
                    }
                }
                let already = (batch.invites.len() - fresh.len()) as u32;
                if existing.len() as i64 + fresh.len() as i64 > batch.max_per_round {
                    return Ok($crate::MailInvitationOutcome::TooMany { existing: existing.len() as i64 });
                }
                // Three independent orders: addresses, invites and mails are each inserted in
                // their own order, so no row position (rowid, ctid) pairs an address with its
                // invite.
                let mut addresses: Vec<&str> = fresh.iter().map(|i| i.email.as_str()).collect();
                let mut mails: Vec<&$crate::OutgoingMail> = fresh.iter().map(|i| &i.mail).collect();
                {
                    // The thread-local generator must not live across an await.
                    let mut rng = rand::rng();
                    addresses.shuffle(&mut rng);
                    mails.shuffle(&mut rng);
                }
                for email in addresses {
                    sqlx::query("INSERT INTO invitation_addresses (id, round_id, email, invited_on) VALUES ($1, $2, $3, $4)")
                        .bind($crate::random_id())
                        .bind(batch.round_id)
                        .bind(email)
                        .bind(batch.invited_on)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::StorageError::from_write)?;
                }
                let mut invites: Vec<(String, Option<i64>)> =
                    fresh.iter().map(|i| (i.token_hash.clone(), batch.department_id)).collect();
                invites.sort();
                $crate::scans::insert_invites!(tx, batch.round_id, &invites)?;
                let now = $crate::now();
                for mail in mails {
                    $crate::outbox::insert_round_mail!(&mut *tx, mail, now, batch.round_id, "invitation")?;
                }
                tx.commit().await?;
                Ok($crate::MailInvitationOutcome::Queued { queued: fresh.len() as u32, already })
            }

            async fn invitation_counts(&self, round_id: i64) -> $crate::Result<$crate::InvitationCounts> {
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT kind, status, CAST(COUNT(*) AS BIGINT) FROM outbox
                     WHERE round_id = $1 AND kind IS NOT NULL GROUP BY kind, status",
                )
                .bind(round_id)
                .fetch_all(&self.pool)
                .await?;
                let mut counts = $crate::InvitationCounts::default();
                for (kind, status, n) in rows {
                    match (kind.as_str(), status.as_str()) {
                        ("invitation", status) => {
                            counts.invited += n;
                            match status {
                                "sent" => counts.sent += n,
                                "failed" => counts.failed += n,
                                _ => counts.pending += n,
                            }
                        }
                        ("reminder", _) => counts.reminders += n,
                        _ => {}
                    }
                }
                counts.reminder_sent_at = sqlx::query_scalar("SELECT reminder_sent_at FROM rounds WHERE id = $1")
                    .bind(round_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten();
                Ok(counts)
            }

            async fn due_reminders(
                &self,
                today: chrono::NaiveDate,
                days_before: i64,
            ) -> $crate::Result<Vec<$crate::DueReminder>> {
                let last = today.checked_add_days(chrono::Days::new(days_before.max(0) as u64)).unwrap_or(today);
                Ok(sqlx::query_as(
                    "SELECT r.id AS round_id, s.lang, s.organisation, s.team, r.closes_on
                     FROM rounds r JOIN scans s ON s.id = r.scan_id
                     WHERE r.closed_at IS NULL AND r.reminder_sent_at IS NULL
                       AND r.closes_on >= $1 AND r.closes_on <= $2
                       AND EXISTS (SELECT 1 FROM invitation_addresses a WHERE a.round_id = r.id)",
                )
                .bind(today)
                .bind(last)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn invitation_addresses(&self, round_id: i64) -> $crate::Result<Vec<$crate::InvitationAddress>> {
                Ok(sqlx::query_as("SELECT email, invited_on FROM invitation_addresses WHERE round_id = $1 ORDER BY id")
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn queue_reminders(
                &self,
                round_id: i64,
                now: i64,
                mails: &[$crate::OutgoingMail],
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                // The conditional update is the claim: of several instances, one wins.
                let claimed = sqlx::query("UPDATE rounds SET reminder_sent_at = $2 WHERE id = $1 AND reminder_sent_at IS NULL")
                    .bind(round_id)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                if claimed.rows_affected() != 1 {
                    return Ok(false);
                }
                for mail in mails {
                    $crate::outbox::insert_round_mail!(&mut *tx, mail, now, round_id, "reminder")?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn forget_invitation_addresses(&self, round_id: i64) -> $crate::Result<()> {
                let mut tx = self.begin_write().await?;
                sqlx::query("DELETE FROM invitation_addresses WHERE round_id = $1")
                    .bind(round_id)
                    .execute(&mut *tx)
                    .await?;
                // The outbox copies of these mails hold the addresses (and the invitations the
                // links): blank them, and give up mails that were still waiting.
                sqlx::query(
                    "UPDATE outbox SET recipient = '-', text_body = '', html_body = NULL, headers = '[]',
                        status = CASE WHEN status IN ('pending', 'sending') THEN 'failed' ELSE status END,
                        last_error = CASE WHEN status IN ('pending', 'sending') THEN 'round closed' ELSE last_error END
                     WHERE round_id = $1 AND recipient <> '-'",
                )
                .bind(round_id)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }

            async fn rounds_with_stale_addresses(&self, today: chrono::NaiveDate) -> $crate::Result<Vec<i64>> {
                Ok(sqlx::query_scalar(
                    "SELECT r.id FROM rounds r
                     WHERE (r.closed_at IS NOT NULL OR r.closes_on < $1)
                       AND (EXISTS (SELECT 1 FROM invitation_addresses a WHERE a.round_id = r.id)
                            OR EXISTS (SELECT 1 FROM outbox o WHERE o.round_id = r.id AND o.recipient <> '-'))",
                )
                .bind(today)
                .fetch_all(&self.pool)
                .await?)
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_invitation_store;
