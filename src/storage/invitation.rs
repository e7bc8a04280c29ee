//! Rows and inputs of invitations by e-mail (addresses kept for one reminder only).

use chrono::NaiveDate;
use serde::Serialize;

use super::{OutgoingMail, UnixTime};

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
