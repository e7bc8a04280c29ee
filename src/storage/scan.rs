//! Rows and inputs of the autonomie-scan area.

use chrono::NaiveDate;
use hrnexus_core::scan::ScanCounts;
use serde::Serialize;

use super::UnixTime;

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Employer {
    pub id: i64,
    pub email: String,
    pub created_at: UnixTime,
    pub last_login_at: Option<UnixTime>,
}

/// Who owns a scan: an employer signed in on the site, or an API client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScanOwner {
    Employer(i64),
    ApiKey(i64),
}

#[derive(Debug, Clone)]
pub struct NewScan {
    pub owner: ScanOwner,
    pub organisation: String,
    pub team: String,
    pub lang: String,
    pub min_group: i32,
    pub min_comments: i32,
    /// Department names in the order they are shown (may be empty: one team).
    pub departments: Vec<String>,
    pub opened_on: NaiveDate,
    pub closes_on: NaiveDate,
    /// Hash of the shared link's token, when the scan uses one link for everybody.
    pub shared_token_hash: Option<String>,
    /// Hashes of personal invite tokens for the first round (with their department, if any),
    /// stored in the same transaction as the scan.
    pub invites: Vec<(String, Option<i64>)>,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Scan {
    pub id: i64,
    pub employer_id: Option<i64>,
    pub api_key_id: Option<i64>,
    pub organisation: String,
    pub team: String,
    pub lang: String,
    pub min_group: i32,
    pub min_comments: i32,
    #[serde(skip)]
    pub comment_seed: i64,
    pub created_at: UnixTime,
}

impl Scan {
    pub fn is_owned_by(&self, owner: ScanOwner) -> bool {
        match owner {
            ScanOwner::Employer(id) => self.employer_id == Some(id),
            ScanOwner::ApiKey(id) => self.api_key_id == Some(id),
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Department {
    pub id: i64,
    pub scan_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub position: i32,
}

#[derive(Debug, Clone, sqlx::FromRow, Serialize)]
pub struct Round {
    pub id: i64,
    pub scan_id: i64,
    pub number: i32,
    pub opened_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub closed_at: Option<UnixTime>,
    /// When the round's answers were rewritten in random order and its markers deleted
    /// (right after it closed).
    pub sealed_at: Option<UnixTime>,
    /// Whether this round has one shared link (the token itself is never stored).
    pub shared_link: bool,
    /// Invite links issued for this round.
    pub invited: i32,
    /// Responses stored so far (all departments together).
    pub responses: i64,
}

impl Round {
    /// Open for answers on `today`: not closed by hand and the closing date not passed.
    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.closed_at.is_none() && today <= self.closes_on
    }

    /// Whether this round's results may be shown on `today` (see
    /// `hrnexus_core::scan::release`).
    pub fn state(&self, today: NaiveDate) -> hrnexus_core::scan::RoundState {
        hrnexus_core::scan::RoundState::of(self.closed_at.is_some(), self.closes_on, today)
    }
}

/// A scan summary for lists: the scan and its latest round.
#[derive(Debug, Clone)]
pub struct ScanSummary {
    pub scan: Scan,
    pub latest: Round,
}

/// What a token in `/scan/{token}` opens.
#[derive(Debug, Clone)]
pub enum ScanEntry {
    Invite {
        scan: Scan,
        round: Round,
        department_id: Option<i64>,
        used: bool,
    },
    Shared {
        scan: Scan,
        round: Round,
    },
}

impl ScanEntry {
    pub fn scan(&self) -> &Scan {
        match self {
            ScanEntry::Invite { scan, .. } | ScanEntry::Shared { scan, .. } => scan,
        }
    }
    pub fn round(&self) -> &Round {
        match self {
            ScanEntry::Invite { round, .. } | ScanEntry::Shared { round, .. } => round,
        }
    }
}

/// One employee's answers, as stored: no token, no address, no time of day.
#[derive(Debug, Clone)]
pub struct Submission {
    pub round_id: i64,
    /// What keeps one person's answers from being stored twice: a keyed hash (under the
    /// server secret) of the invite token or of the form id of a shared-link form. Nothing
    /// else about the link is written with the answer.
    pub marker: String,
    pub department_id: Option<i64>,
    pub answered_on: NaiveDate,
    /// Per aspect in `Aspect::ALL` order: 1..=5, or 0 for "weet ik niet".
    pub answers: [i16; 5],
    /// Per signal in `Signal::ALL` order: 1..=5, 0 for "weet ik niet", `None` when skipped.
    pub signals: [Option<i16>; 3],
    pub comment: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SubmitOutcome {
    Stored,
    /// The invite was used, or this form was already submitted.
    AlreadyUsed,
    /// The round was closed or its closing date has passed.
    Closed,
}

/// Answer counts of the responses placed directly on one department (`None`: no department).
#[derive(Debug, Clone)]
pub struct GroupCounts {
    pub department_id: Option<i64>,
    pub counts: ScanCounts,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredComment {
    pub department_id: Option<i64>,
    pub body: String,
}

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
