//! The autonomie-scan: scans, departments, rounds, invites, answers and their sealing.

use chrono::NaiveDate;
use hrnexus_core::scan::ScanCounts;
use serde::Serialize;

use crate::{Result, UnixTime};

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

/// Everything stored for one scan, counted: what deleting it removes (the confirmation
/// page names these) and what a deletion removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ScanFootprint {
    pub rounds: i64,
    pub departments: i64,
    /// Stored answers (one per employee who answered).
    pub responses: i64,
    pub comments: i64,
    /// Personal links (invites), used or not.
    pub invites: i64,
    /// Addresses kept for the reminder of an open round.
    pub addresses: i64,
    /// Invitation and reminder mails not sent yet.
    pub pending_mails: i64,
    /// Every outbox copy of an invitation or reminder of the scan's rounds.
    pub mails: i64,
}

/// The tables that hold a scan's rows, with the condition that picks them: every one of
/// them is emptied when the scan is deleted (children first). `$1` is the scan id.
pub(crate) const SCAN_ROWS: [(&str, &str); 9] = [
    (
        "outbox",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    (
        "scan_markers",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    (
        "invitation_addresses",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    (
        "invites",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    (
        "comments",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    (
        "responses",
        "round_id IN (SELECT id FROM rounds WHERE scan_id = $1)",
    ),
    ("rounds", "scan_id = $1"),
    ("departments", "scan_id = $1"),
    ("scans", "id = $1"),
];

/// Counts what is stored for scan `$1` (see [`ScanFootprint`]); built from constants.
pub(crate) const SCAN_FOOTPRINT_SQL: &str = "SELECT
    (SELECT COUNT(*) FROM rounds WHERE scan_id = $1),
    (SELECT COUNT(*) FROM departments WHERE scan_id = $1),
    (SELECT COUNT(*) FROM responses WHERE round_id IN (SELECT id FROM rounds WHERE scan_id = $1)),
    (SELECT COUNT(*) FROM comments WHERE round_id IN (SELECT id FROM rounds WHERE scan_id = $1)),
    (SELECT COUNT(*) FROM invites WHERE round_id IN (SELECT id FROM rounds WHERE scan_id = $1)),
    (SELECT COUNT(*) FROM invitation_addresses WHERE round_id IN (SELECT id FROM rounds WHERE scan_id = $1)),
    (SELECT COUNT(*) FROM outbox WHERE status IN ('pending', 'sending')
        AND round_id IN (SELECT id FROM rounds WHERE scan_id = $1)),
    (SELECT COUNT(*) FROM outbox WHERE round_id IN (SELECT id FROM rounds WHERE scan_id = $1))";

pub(crate) type FootprintRow = (i64, i64, i64, i64, i64, i64, i64, i64);

pub(crate) fn footprint(
    (rounds, departments, responses, comments, invites, addresses, pending_mails, mails): FootprintRow,
) -> ScanFootprint {
    ScanFootprint {
        rounds,
        departments,
        responses,
        comments,
        invites,
        addresses,
        pending_mails,
        mails,
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

/// Stores invite token hashes for a round through `$executor` and counts them as invited.
macro_rules! insert_invites {
    ($executor:expr, $round_id:expr, $invites:expr) => {{
        let invites: &[(String, Option<i64>)] = $invites;
        let result: Result<(), sqlx::Error> = async {
            // Many rows per statement: 2,000 links are 8 statements, not 2,000.
            for chunk in invites.chunks($crate::scans::INVITES_PER_INSERT) {
                let sql = $crate::scans::insert_invites_sql(chunk.len());
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
                for (token_hash, department_id) in chunk {
                    query = query.bind(token_hash).bind($round_id).bind(department_id);
                }
                query.execute(&mut *$executor).await?;
            }
            sqlx::query("UPDATE rounds SET invited = invited + $2 WHERE id = $1")
                .bind($round_id)
                .bind(invites.len() as i32)
                .execute(&mut *$executor)
                .await?;
            Ok(())
        }
        .await;
        result
    }};
}
pub(crate) use insert_invites;

/// Invite rows per INSERT: 3 parameters each stays far below both backends' limits.
pub(crate) const INVITES_PER_INSERT: usize = 250;

/// `INSERT INTO invites … VALUES ($1, $2, $3), ($4, $5, $6), …` for `rows` rows. Built from
/// numbers only, never from input.
pub(crate) fn insert_invites_sql(rows: usize) -> String {
    let values: Vec<String> = (0..rows)
        .map(|i| format!("(${}, ${}, ${})", 3 * i + 1, 3 * i + 2, 3 * i + 3))
        .collect();
    format!(
        "INSERT INTO invites (token_hash, round_id, department_id) VALUES {}",
        values.join(", ")
    )
}

/// The answer columns in the order of `Aspect::ALL` then `Signal::ALL`.
const ANSWER_COLUMNS: [&str; 8] = [
    "werkwijze",
    "sterke_punten",
    "taakinvloed",
    "open_mening",
    "steun",
    "mentale_vermoeidheid",
    "initiatief",
    "vertrekintentie",
];

/// One pass over a round's responses: per department the response count and, per answer
/// column, how often each value 0..=5 occurs (0 is "weet ik niet"; skipped signals are NULL
/// and not counted). Built once from constants, never from input.
pub(crate) fn round_counts_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let counts: Vec<String> = ANSWER_COLUMNS
            .iter()
            .flat_map(|column| (0..=5).map(move |value| format!("SUM(CASE WHEN {column} = {value} THEN 1 ELSE 0 END)")))
            .map(|sum| format!("CAST({sum} AS BIGINT)"))
            .collect();
        format!(
            "SELECT department_id, CAST(COUNT(*) AS BIGINT), {} FROM responses WHERE round_id = $1 GROUP BY department_id",
            counts.join(", ")
        )
    })
}

/// Stores a batch of answers through an open write transaction `$tx`, one statement per row
/// (cheap on SQLite, which runs in-process); `$lock` is appended to the round lookup, and
/// SQLite's write transaction already excludes everything else, so it passes "". Writes
/// nothing that refers to an invite or a form id: only the keyed marker, the answers and
/// the comment. (PostgreSQL sends whole batches as arrays instead: `postgres.rs`.)
macro_rules! store_answers {
    ($tx:expr, $batch:expr, $lock:literal) => {{
        use $crate::SubmitOutcome;
        let batch: &[$crate::Submission] = $batch;
        let result: Result<Vec<SubmitOutcome>, sqlx::Error> = async {
            let mut rounds: std::collections::HashMap<i64, Option<(Option<i64>, chrono::NaiveDate)>> =
                std::collections::HashMap::new();
            let mut outcomes = Vec::with_capacity(batch.len());
            for s in batch {
                if !rounds.contains_key(&s.round_id) {
                    let round: Option<(Option<i64>, chrono::NaiveDate)> =
                        sqlx::query_as(concat!("SELECT closed_at, closes_on FROM rounds WHERE id = $1", $lock))
                            .bind(s.round_id)
                            .fetch_optional(&mut *$tx)
                            .await?;
                    rounds.insert(s.round_id, round);
                }
                let open = matches!(rounds.get(&s.round_id), Some(Some((None, closes_on))) if s.answered_on <= *closes_on);
                if !open {
                    outcomes.push(SubmitOutcome::Closed);
                    continue;
                }
                let marked = sqlx::query("INSERT INTO scan_markers (round_id, marker) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                    .bind(s.round_id)
                    .bind(&s.marker)
                    .execute(&mut *$tx)
                    .await?;
                if marked.rows_affected() != 1 {
                    outcomes.push(SubmitOutcome::AlreadyUsed);
                    continue;
                }
                let [a1, a2, a3, a4, a5] = s.answers;
                let [s1, s2, s3] = s.signals;
                sqlx::query(
                    $crate::scans::INSERT_RESPONSE,
                )
                .bind($crate::random_id())
                .bind(s.round_id)
                .bind(s.department_id)
                .bind(s.answered_on)
                .bind(a1).bind(a2).bind(a3).bind(a4).bind(a5)
                .bind(s1).bind(s2).bind(s3)
                .execute(&mut *$tx)
                .await?;
                if let Some(body) = &s.comment {
                    sqlx::query($crate::scans::INSERT_COMMENT)
                        .bind($crate::random_id())
                        .bind(s.round_id)
                        .bind(s.department_id)
                        .bind(body)
                        .execute(&mut *$tx)
                        .await?;
                }
                outcomes.push(SubmitOutcome::Stored);
            }
            Ok(outcomes)
        }
        .await;
        result
    }};
}
pub(crate) use store_answers;

/// One answer row (bind: id, round, department, date, five aspects, three signals); used
/// when an answer arrives and when a sealed round is rewritten.
pub(crate) const INSERT_RESPONSE: &str =
    "INSERT INTO responses (id, round_id, department_id, answered_on,
    werkwijze, sterke_punten, taakinvloed, open_mening, steun, mentale_vermoeidheid, initiatief,
    vertrekintentie) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)";

/// One comment row (bind: id, round, department, body).
pub(crate) const INSERT_COMMENT: &str =
    "INSERT INTO comments (id, round_id, department_id, body) VALUES ($1, $2, $3, $4)";

/// A stored answer as the seal reads and rewrites it (the `verzuim` column is no longer
/// written and is left out).
pub(crate) type SealedResponse = (
    Option<i64>,
    chrono::NaiveDate,
    i16,
    i16,
    i16,
    i16,
    i16,
    Option<i16>,
    Option<i16>,
    Option<i16>,
);

/// Remembers the departments of scans. They are written once, with their scan, and never
/// change, so a copy per instance is always right; every answer form needs them. An empty
/// list is not remembered (it may be a scan id that does not exist yet).
#[derive(Default)]
pub(crate) struct DepartmentsCache(
    std::sync::Mutex<std::collections::HashMap<i64, Vec<super::Department>>>,
);

impl DepartmentsCache {
    const CAPACITY: usize = 4096;

    pub(crate) fn get(&self, scan_id: i64) -> Option<Vec<super::Department>> {
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.get(&scan_id).cloned()
    }

    pub(crate) fn put(&self, scan_id: i64, departments: &[super::Department]) {
        if departments.is_empty() {
            return;
        }
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= Self::CAPACITY {
            cache.clear();
        }
        cache.insert(scan_id, departments.to_vec());
    }

    /// Forgets a deleted scan's departments.
    pub(crate) fn forget(&self, scan_id: i64) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache.remove(&scan_id);
    }
}

/// Remembers each round's counts together with the number of responses they were made from.
///
/// Responses are only ever added, so an unchanged count means unchanged counts: a cheap
/// indexed `COUNT(*)` decides whether the one-pass aggregation must run again. Closed rounds
/// never change, and an open round is recounted once per new batch of responses. Every
/// instance keeps its own copy; nothing here is needed by another instance.
#[derive(Default)]
pub(crate) struct CountsCache(
    std::sync::Mutex<std::collections::HashMap<i64, (i64, Vec<super::GroupCounts>)>>,
);

impl CountsCache {
    /// Rounds remembered at most; beyond that the cache starts afresh (it only saves time).
    const CAPACITY: usize = 512;

    pub(crate) fn get(&self, round_id: i64, responses: i64) -> Option<Vec<super::GroupCounts>> {
        let cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .get(&round_id)
            .filter(|(n, _)| *n == responses)
            .map(|(_, groups)| groups.clone())
    }

    pub(crate) fn put(&self, round_id: i64, responses: i64, groups: &[super::GroupCounts]) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() >= Self::CAPACITY {
            cache.clear();
        }
        cache.insert(round_id, (responses, groups.to_vec()));
    }

    /// Forgets the counts of deleted rounds.
    pub(crate) fn forget(&self, round_ids: &[i64]) {
        let mut cache = self.0.lock().unwrap_or_else(|e| e.into_inner());
        for id in round_ids {
            cache.remove(id);
        }
    }
}

/// Folds one `round_counts_sql` row into counts for its department.
pub(crate) fn group_counts<R>(row: &R) -> Result<super::GroupCounts, sqlx::Error>
where
    R: sqlx::Row,
    usize: sqlx::ColumnIndex<R>,
    Option<i64>: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    i64: for<'r> sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    use hrnexus_core::scan::{Answer, Aspect, ScanCounts, Signal};
    let mut counts = ScanCounts {
        responses: row.try_get::<i64, _>(1)? as u32,
        ..ScanCounts::default()
    };
    for (question, _) in ANSWER_COLUMNS.iter().enumerate() {
        for value in 0..=5u8 {
            let n = row.try_get::<i64, _>(2 + question * 6 + value as usize)? as u32;
            let answer = Answer::from_score(value).unwrap_or(Answer::DontKnow);
            match question {
                0..=4 => counts.aspects[Aspect::ALL[question]].add_n(answer, n),
                _ => counts.signals[Signal::ALL[question - 5]].add_n(answer, n),
            }
        }
    }
    Ok(super::GroupCounts {
        department_id: row.try_get(0)?,
        counts,
    })
}

#[async_trait::async_trait]
pub trait ScanStore: Send + Sync {
    /// Creates the scan, its departments and its first round in one transaction.
    async fn create_scan(&self, scan: &NewScan) -> Result<i64>;
    async fn scan_by_id(&self, id: i64) -> Result<Option<Scan>>;
    async fn scans_of(&self, owner: ScanOwner) -> Result<Vec<ScanSummary>>;
    /// Every round of every scan of `owner`, by scan then number (one query for a list).
    async fn rounds_of(&self, owner: ScanOwner) -> Result<Vec<Round>>;
    async fn departments(&self, scan_id: i64) -> Result<Vec<Department>>;
    /// Rounds of a scan, oldest first, with their response counts.
    async fn rounds(&self, scan_id: i64) -> Result<Vec<Round>>;
    /// Opens the next round (closing the current one) with its invites, and returns it.
    async fn open_round(
        &self,
        scan_id: i64,
        opened_on: chrono::NaiveDate,
        closes_on: chrono::NaiveDate,
        shared_token_hash: Option<&str>,
        invites: &[(String, Option<i64>)],
    ) -> Result<Round>;
    /// Closes a round by hand and seals it (see `seal_round`). A closed round stays closed.
    async fn close_round(&self, round_id: i64, now: UnixTime) -> Result<()>;
    /// Seals a round that is closed (by hand, or because `today` is past its closing date):
    /// its answers and comments are rewritten in random order with new random ids in one
    /// transaction and its "used" markers are deleted, so neither arrival order nor
    /// transaction ids remain. Returns false when there was nothing to seal (still open, or
    /// sealed before). Safe to run on several instances at once.
    async fn seal_round(
        &self,
        round_id: i64,
        now: UnixTime,
        today: chrono::NaiveDate,
    ) -> Result<bool>;
    /// Seals every round that closed and is not sealed yet; returns how many.
    async fn seal_due_rounds(&self, now: UnixTime, today: chrono::NaiveDate) -> Result<u32>;
    /// Stores hashes of new single-use invite tokens (with their department, if any).
    async fn add_invites(&self, round_id: i64, invites: &[(String, Option<i64>)]) -> Result<()>;
    /// What a `/scan/{token}` token opens: an invite or a shared link.
    async fn scan_entry(&self, token_hash: &str) -> Result<Option<ScanEntry>>;
    /// Stores one response at most once per marker; refuses closed rounds. Submissions
    /// arriving together are written in one transaction (group commit); the call returns
    /// only once its answer is committed.
    async fn submit_response(&self, submission: &Submission) -> Result<SubmitOutcome>;
    /// Answer counts per department for one round (aggregated in the database).
    async fn round_counts(&self, round_id: i64) -> Result<Vec<GroupCounts>>;
    async fn round_comments(&self, round_id: i64) -> Result<Vec<StoredComment>>;
    /// Every scan of `owner`, newest first (also a scan without rounds, which `scans_of`
    /// leaves out).
    async fn owned_scans(&self, owner: ScanOwner) -> Result<Vec<Scan>>;
    /// Moves the closing date of a round that is still open on `today` (not closed by hand,
    /// not sealed, its date not passed). False, and nothing changed, when it is not open
    /// (any more) or does not exist. The rules for the new date are the caller's
    /// (`hrnexus_core::scan::setup::check_new_closing_date`).
    async fn set_closing_date(
        &self,
        round_id: i64,
        closes_on: chrono::NaiveDate,
        today: chrono::NaiveDate,
    ) -> Result<bool>;
    /// What is stored for a scan (what deleting it would remove).
    async fn scan_footprint(&self, scan_id: i64) -> Result<ScanFootprint>;
    /// Deletes the scan and everything stored for it in one transaction: rounds, answers,
    /// comments, markers, invites, invitation addresses, every outbox copy of its
    /// invitations and reminders, departments; and writes `audit` in the same transaction.
    /// Returns what was deleted, or `None` when there was no such scan (nothing written).
    async fn delete_scan(
        &self,
        scan_id: i64,
        audit: &crate::NewAuditEntry<'_>,
    ) -> Result<Option<ScanFootprint>>;
    /// The stored hash of the round's shared link, if it has one.
    async fn shared_link_hash(&self, round_id: i64) -> Result<Option<String>>;
    /// Sets (or replaces) the round's shared link hash.
    async fn set_shared_link_hash(&self, round_id: i64, token_hash: &str) -> Result<()>;
}

/// Expands to `impl ScanStore for $store` with the methods whose SQL is the same on both
/// backends, plus the `$specific` ones the backend writes itself.
macro_rules! impl_scan_store {
    ($store:ty, { $($specific:tt)* }) => {
        #[async_trait::async_trait]
        impl $crate::scans::ScanStore for $store {
            async fn create_scan(&self, scan: &$crate::NewScan) -> $crate::Result<i64> {
                let (employer_id, api_key_id) = match scan.owner {
                    $crate::ScanOwner::Employer(id) => (Some(id), None),
                    $crate::ScanOwner::ApiKey(id) => (None, Some(id)),
                };
                let mut tx = self.pool.begin().await?;
                let scan_id: i64 = sqlx::query_scalar(
                    "INSERT INTO scans (employer_id, api_key_id, organisation, team, lang, min_group, min_comments,
                                        comment_seed, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
                )
                .bind(employer_id)
                .bind(api_key_id)
                .bind(&scan.organisation)
                .bind(&scan.team)
                .bind(&scan.lang)
                .bind(scan.min_group)
                .bind(scan.min_comments)
                .bind(rand::random::<i64>())
                .bind($crate::now())
                .fetch_one(&mut *tx)
                .await?;
                for (position, name) in scan.departments.iter().enumerate() {
                    sqlx::query("INSERT INTO departments (scan_id, name, position) VALUES ($1, $2, $3)")
                        .bind(scan_id)
                        .bind(name)
                        .bind(position as i32)
                        .execute(&mut *tx)
                        .await?;
                }
                let round_id: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (scan_id, number, opened_on, closes_on, shared_token_hash)
                     VALUES ($1, 1, $2, $3, $4) RETURNING id",
                )
                .bind(scan_id)
                .bind(scan.opened_on)
                .bind(scan.closes_on)
                .bind(&scan.shared_token_hash)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                $crate::scans::insert_invites!(tx, round_id, &scan.invites)?;
                tx.commit().await?;
                Ok(scan_id)
            }

            async fn scan_by_id(&self, id: i64) -> $crate::Result<Option<$crate::Scan>> {
                Ok(sqlx::query_as("SELECT * FROM scans WHERE id = $1").bind(id).fetch_optional(&self.pool).await?)
            }

            async fn scans_of(
                &self,
                owner: $crate::ScanOwner,
            ) -> $crate::Result<Vec<$crate::ScanSummary>> {
                let (column, id) = match owner {
                    $crate::ScanOwner::Employer(id) => ("employer", id),
                    $crate::ScanOwner::ApiKey(id) => ("api_key", id),
                };
                let scans: Vec<$crate::Scan> = sqlx::query_as(
                    "SELECT * FROM scans WHERE ($1 = 'employer' AND employer_id = $2) OR ($1 = 'api_key' AND api_key_id = $2)
                     ORDER BY id DESC",
                )
                .bind(column)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                // The latest round of every one of these scans, in one query (not one per scan).
                let latest: Vec<$crate::Round> = sqlx::query_as(
                    "SELECT r.id, r.scan_id, r.number, r.opened_on, r.closes_on, r.closed_at, r.sealed_at,
                            (r.shared_token_hash IS NOT NULL) AS shared_link, r.invited,
                            (SELECT COUNT(*) FROM responses WHERE round_id = r.id) AS responses
                     FROM rounds r JOIN scans s ON s.id = r.scan_id
                     WHERE (($1 = 'employer' AND s.employer_id = $2) OR ($1 = 'api_key' AND s.api_key_id = $2))
                       AND r.number = (SELECT MAX(number) FROM rounds WHERE scan_id = r.scan_id)",
                )
                .bind(column)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let mut latest: std::collections::HashMap<i64, $crate::Round> =
                    latest.into_iter().map(|r| (r.scan_id, r)).collect();
                Ok(scans
                    .into_iter()
                    .filter_map(|scan| {
                        let latest = latest.remove(&scan.id)?;
                        Some($crate::ScanSummary { scan, latest })
                    })
                    .collect())
            }

            async fn rounds_of(&self, owner: $crate::ScanOwner) -> $crate::Result<Vec<$crate::Round>> {
                let (column, id) = match owner {
                    $crate::ScanOwner::Employer(id) => ("employer", id),
                    $crate::ScanOwner::ApiKey(id) => ("api_key", id),
                };
                Ok(sqlx::query_as(
                    "SELECT r.id, r.scan_id, r.number, r.opened_on, r.closes_on, r.closed_at, r.sealed_at,
                            (r.shared_token_hash IS NOT NULL) AS shared_link, r.invited,
                            (SELECT COUNT(*) FROM responses WHERE round_id = r.id) AS responses
                     FROM rounds r JOIN scans s ON s.id = r.scan_id
                     WHERE ($1 = 'employer' AND s.employer_id = $2) OR ($1 = 'api_key' AND s.api_key_id = $2)
                     ORDER BY r.scan_id, r.number",
                )
                .bind(column)
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn departments(&self, scan_id: i64) -> $crate::Result<Vec<$crate::Department>> {
                if let Some(departments) = self.departments.get(scan_id) {
                    return Ok(departments);
                }
                let departments: Vec<$crate::Department> =
                    sqlx::query_as("SELECT * FROM departments WHERE scan_id = $1 ORDER BY position, id")
                        .bind(scan_id)
                        .fetch_all(&self.pool)
                        .await?;
                self.departments.put(scan_id, &departments);
                Ok(departments)
            }

            async fn rounds(&self, scan_id: i64) -> $crate::Result<Vec<$crate::Round>> {
                Ok(sqlx::query_as(
                    "SELECT r.id, r.scan_id, r.number, r.opened_on, r.closes_on, r.closed_at, r.sealed_at,
                            (r.shared_token_hash IS NOT NULL) AS shared_link, r.invited,
                            (SELECT COUNT(*) FROM responses WHERE round_id = r.id) AS responses
                     FROM rounds r WHERE r.scan_id = $1 ORDER BY r.number",
                )
                .bind(scan_id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn open_round(
                &self,
                scan_id: i64,
                opened_on: chrono::NaiveDate,
                closes_on: chrono::NaiveDate,
                shared_token_hash: Option<&str>,
                invites: &[(String, Option<i64>)],
            ) -> $crate::Result<$crate::Round> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE rounds SET closed_at = $2 WHERE scan_id = $1 AND closed_at IS NULL")
                    .bind(scan_id)
                    .bind($crate::now())
                    .execute(&mut *tx)
                    .await?;
                // The UNIQUE (scan_id, number) constraint turns a race of two clicks into a conflict.
                let round_id: i64 = sqlx::query_scalar(
                    "INSERT INTO rounds (scan_id, number, opened_on, closes_on, shared_token_hash)
                     SELECT $1, COALESCE(MAX(number), 0) + 1, $2, $3, $4 FROM rounds WHERE scan_id = $1
                     RETURNING id",
                )
                .bind(scan_id)
                .bind(opened_on)
                .bind(closes_on)
                .bind(shared_token_hash)
                .fetch_one(&mut *tx)
                .await
                .map_err($crate::StorageError::from_write)?;
                $crate::scans::insert_invites!(tx, round_id, invites)?;
                tx.commit().await?;
                // The round this one replaced is closed now: seal it.
                let rounds = self.rounds(scan_id).await?;
                for round in rounds.iter().filter(|r| r.closed_at.is_some() && r.sealed_at.is_none()) {
                    self.seal_round(round.id, $crate::now(), opened_on).await?;
                }
                rounds.into_iter().last().ok_or($crate::StorageError::Unsupported("round vanished"))
            }

            async fn close_round(&self, round_id: i64, now: i64) -> $crate::Result<()> {
                sqlx::query("UPDATE rounds SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
                    .bind(round_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                // Closed by hand, so the date does not matter for sealing.
                self.seal_round(round_id, now, chrono::NaiveDate::default()).await?;
                Ok(())
            }

            async fn seal_round(&self, round_id: i64, now: i64, today: chrono::NaiveDate) -> $crate::Result<bool> {
                use rand::seq::SliceRandom;
                let mut tx = self.begin_write().await?;
                // Claiming the round row first also waits for answers still being written.
                let claimed = sqlx::query(
                    "UPDATE rounds SET sealed_at = $2, closed_at = COALESCE(closed_at, $2)
                     WHERE id = $1 AND sealed_at IS NULL AND (closed_at IS NOT NULL OR closes_on < $3)",
                )
                .bind(round_id)
                .bind(now)
                .bind(today)
                .execute(&mut *tx)
                .await?;
                if claimed.rows_affected() != 1 {
                    return Ok(false);
                }
                let mut responses: Vec<$crate::scans::SealedResponse> = sqlx::query_as(
                    "SELECT department_id, answered_on, werkwijze, sterke_punten, taakinvloed, open_mening, steun,
                            mentale_vermoeidheid, initiatief, vertrekintentie
                     FROM responses WHERE round_id = $1",
                )
                .bind(round_id)
                .fetch_all(&mut *tx)
                .await?;
                let mut comments: Vec<(Option<i64>, String)> =
                    sqlx::query_as("SELECT department_id, body FROM comments WHERE round_id = $1")
                        .bind(round_id)
                        .fetch_all(&mut *tx)
                        .await?;
                for table in ["DELETE FROM responses WHERE round_id = $1", "DELETE FROM comments WHERE round_id = $1", "DELETE FROM scan_markers WHERE round_id = $1"] {
                    sqlx::query(table).bind(round_id).execute(&mut *tx).await?;
                }
                {
                    let mut rng = rand::rng();
                    responses.shuffle(&mut rng);
                    comments.shuffle(&mut rng);
                }
                for (department_id, answered_on, a1, a2, a3, a4, a5, s1, s2, s3) in responses {
                    sqlx::query(
                        $crate::scans::INSERT_RESPONSE,
                    )
                    .bind($crate::random_id())
                    .bind(round_id)
                    .bind(department_id)
                    .bind(answered_on)
                    .bind(a1).bind(a2).bind(a3).bind(a4).bind(a5)
                    .bind(s1).bind(s2).bind(s3)
                    .execute(&mut *tx)
                    .await?;
                }
                for (department_id, body) in comments {
                    sqlx::query($crate::scans::INSERT_COMMENT)
                        .bind($crate::random_id())
                        .bind(round_id)
                        .bind(department_id)
                        .bind(body)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                // Invitation addresses are kept only while the round is open.
                $crate::InvitationStore::forget_invitation_addresses(self, round_id).await?;
                self.after_seal().await;
                Ok(true)
            }

            async fn seal_due_rounds(&self, now: i64, today: chrono::NaiveDate) -> $crate::Result<u32> {
                let due: Vec<i64> = sqlx::query_scalar(
                    "SELECT id FROM rounds WHERE sealed_at IS NULL AND (closed_at IS NOT NULL OR closes_on < $1)",
                )
                .bind(today)
                .fetch_all(&self.pool)
                .await?;
                let mut sealed = 0;
                for round_id in due {
                    if self.seal_round(round_id, now, today).await? {
                        sealed += 1;
                    }
                }
                Ok(sealed)
            }

            async fn add_invites(&self, round_id: i64, invites: &[(String, Option<i64>)]) -> $crate::Result<()> {
                let mut tx = self.pool.begin().await?;
                $crate::scans::insert_invites!(tx, round_id, invites)?;
                tx.commit().await?;
                Ok(())
            }

            async fn scan_entry(&self, token_hash: &str) -> $crate::Result<Option<$crate::ScanEntry>> {
                // One round trip: this runs for every answer an employee sends.
                let row = sqlx::query(
                    "SELECT r.id, r.scan_id, r.number, r.opened_on, r.closes_on, r.closed_at,
                            (r.shared_token_hash IS NOT NULL) AS shared_link, r.invited,
                            s.employer_id, s.api_key_id, s.organisation, s.team, s.lang, s.min_group,
                            s.min_comments, s.comment_seed, s.created_at,
                            i.department_id, i.used, (i.token_hash IS NOT NULL) AS via_invite, r.sealed_at
                     FROM rounds r
                     JOIN scans s ON s.id = r.scan_id
                     LEFT JOIN invites i ON i.round_id = r.id AND i.token_hash = $1
                     WHERE r.shared_token_hash = $1
                        OR r.id = (SELECT round_id FROM invites WHERE token_hash = $1)",
                )
                .bind(token_hash)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = row else { return Ok(None) };
                use sqlx::Row;
                let round = $crate::Round {
                    id: row.try_get(0)?,
                    scan_id: row.try_get(1)?,
                    number: row.try_get(2)?,
                    opened_on: row.try_get(3)?,
                    closes_on: row.try_get(4)?,
                    closed_at: row.try_get(5)?,
                    sealed_at: row.try_get(20)?,
                    shared_link: row.try_get(6)?,
                    invited: row.try_get(7)?,
                    responses: 0,
                };
                let scan = $crate::Scan {
                    id: round.scan_id,
                    employer_id: row.try_get(8)?,
                    api_key_id: row.try_get(9)?,
                    organisation: row.try_get(10)?,
                    team: row.try_get(11)?,
                    lang: row.try_get(12)?,
                    min_group: row.try_get(13)?,
                    min_comments: row.try_get(14)?,
                    comment_seed: row.try_get(15)?,
                    created_at: row.try_get(16)?,
                };
                Ok(Some(if row.try_get::<bool, _>(19)? {
                    $crate::ScanEntry::Invite {
                        scan,
                        round,
                        department_id: row.try_get(17)?,
                        used: row.try_get(18)?,
                    }
                } else {
                    $crate::ScanEntry::Shared { scan, round }
                }))
            }

            async fn submit_response(
                &self,
                submission: &$crate::Submission,
            ) -> $crate::Result<$crate::SubmitOutcome> {
                self.answers.submit(submission.clone()).await
            }

            async fn round_counts(&self, round_id: i64) -> $crate::Result<Vec<$crate::GroupCounts>> {
                let responses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE round_id = $1")
                    .bind(round_id)
                    .fetch_one(&self.pool)
                    .await?;
                if let Some(groups) = self.counts.get(round_id, responses) {
                    return Ok(groups);
                }
                let rows = sqlx::query(sqlx::AssertSqlSafe($crate::scans::round_counts_sql()))
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?;
                let mut groups = rows
                    .iter()
                    .map($crate::scans::group_counts)
                    .collect::<Result<Vec<_>, _>>()?;
                groups.sort_by_key(|g| g.department_id);
                // A response stored between the two queries makes the total differ; then the
                // counts are simply not remembered.
                if groups.iter().map(|g| i64::from(g.counts.responses)).sum::<i64>() == responses {
                    self.counts.put(round_id, responses, &groups);
                }
                Ok(groups)
            }

            async fn round_comments(&self, round_id: i64) -> $crate::Result<Vec<$crate::StoredComment>> {
                // Ordered by the random id: the order says nothing about when a comment came in.
                Ok(sqlx::query_as("SELECT department_id, body FROM comments WHERE round_id = $1 ORDER BY id")
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn owned_scans(&self, owner: $crate::ScanOwner) -> $crate::Result<Vec<$crate::Scan>> {
                let (column, id) = match owner {
                    $crate::ScanOwner::Employer(id) => ("employer", id),
                    $crate::ScanOwner::ApiKey(id) => ("api_key", id),
                };
                Ok(sqlx::query_as(
                    "SELECT * FROM scans WHERE ($1 = 'employer' AND employer_id = $2) OR ($1 = 'api_key' AND api_key_id = $2)
                     ORDER BY id DESC",
                )
                .bind(column)
                .bind(id)
                .fetch_all(&self.pool)
                .await?)
            }

            async fn set_closing_date(
                &self,
                round_id: i64,
                closes_on: chrono::NaiveDate,
                today: chrono::NaiveDate,
            ) -> $crate::Result<bool> {
                let mut tx = self.begin_write().await?;
                // Conditional: a round that closed meanwhile (by hand, by its date, or sealed
                // by another instance) keeps its date.
                let changed = sqlx::query(
                    "UPDATE rounds SET closes_on = $2
                     WHERE id = $1 AND closed_at IS NULL AND sealed_at IS NULL AND closes_on >= $3",
                )
                .bind(round_id)
                .bind(closes_on)
                .bind(today)
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(changed.rows_affected() == 1)
            }

            async fn scan_footprint(&self, scan_id: i64) -> $crate::Result<$crate::ScanFootprint> {
                let row: $crate::scans::FootprintRow = sqlx::query_as($crate::scans::SCAN_FOOTPRINT_SQL)
                    .bind(scan_id)
                    .fetch_one(&self.pool)
                    .await?;
                Ok($crate::scans::footprint(row))
            }

            async fn delete_scan(
                &self,
                scan_id: i64,
                audit: &$crate::NewAuditEntry<'_>,
            ) -> $crate::Result<Option<$crate::ScanFootprint>> {
                let mut tx = self.begin_write().await?;
                // Claims the scan row first (a row lock on PostgreSQL; SQLite's write
                // transaction already excludes every other writer), so a second deletion waits
                // and then finds nothing.
                let claimed = sqlx::query("UPDATE scans SET lang = lang WHERE id = $1")
                    .bind(scan_id)
                    .execute(&mut *tx)
                    .await?;
                if claimed.rows_affected() != 1 {
                    return Ok(None);
                }
                let round_ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM rounds WHERE scan_id = $1")
                    .bind(scan_id)
                    .fetch_all(&mut *tx)
                    .await?;
                let row: $crate::scans::FootprintRow = sqlx::query_as($crate::scans::SCAN_FOOTPRINT_SQL)
                    .bind(scan_id)
                    .fetch_one(&mut *tx)
                    .await?;
                for (table, condition) in $crate::scans::SCAN_ROWS {
                    // Table names and conditions are constants of this crate, never input.
                    let sql = format!("DELETE FROM {table} WHERE {condition}");
                    sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scan_id).execute(&mut *tx).await?;
                }
                sqlx::query("INSERT INTO audit_log (at, actor, event, detail, ip) VALUES ($1, $2, $3, $4, $5)")
                    .bind($crate::now())
                    .bind(audit.actor)
                    .bind(audit.event)
                    .bind(audit.detail)
                    .bind(audit.ip)
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                self.departments.forget(scan_id);
                self.counts.forget(&round_ids);
                // On SQLite: the write-ahead log no longer holds the deleted answers either.
                self.after_seal().await;
                Ok(Some($crate::scans::footprint(row)))
            }

            async fn shared_link_hash(&self, round_id: i64) -> $crate::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT shared_token_hash FROM rounds WHERE id = $1")
                    .bind(round_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten())
            }

            async fn set_shared_link_hash(&self, round_id: i64, token_hash: &str) -> $crate::Result<()> {
                sqlx::query("UPDATE rounds SET shared_token_hash = $2 WHERE id = $1")
                    .bind(round_id)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::StorageError::from_write)?;
                Ok(())
            }

            $($specific)*
        }
    };
}
pub(crate) use impl_scan_store;
