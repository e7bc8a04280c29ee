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
            "INSERT INTO outbox (created_at, recipient, subject, text_body, html_body, headers, next_attempt_at, carries_secret)
             VALUES ($1, $2, $3, $4, $5, $6, $1, $7) RETURNING id",
        )
        .bind($now)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(headers)
        .bind(mail.carries_secret)
        .fetch_one($executor)
        .await
    }};
}
pub(crate) use insert_mail;

/// Inserts one outbox row tagged with its round and kind (invitation or reminder mail).
macro_rules! insert_round_mail {
    ($executor:expr, $mail:expr, $now:expr, $round_id:expr, $kind:expr) => {{
        let mail: &$crate::storage::OutgoingMail = $mail;
        let headers = serde_json::to_string(&mail.headers).unwrap_or_else(|_| "[]".into());
        sqlx::query(
            "INSERT INTO outbox (created_at, recipient, subject, text_body, html_body, headers, next_attempt_at, round_id, kind)
             VALUES ($1, $2, $3, $4, $5, $6, $1, $7, $8)",
        )
        .bind($now)
        .bind(&mail.recipient)
        .bind(&mail.subject)
        .bind(&mail.text_body)
        .bind(&mail.html_body)
        .bind(headers)
        .bind($round_id)
        .bind($kind)
        .execute($executor)
        .await
    }};
}
pub(crate) use insert_round_mail;

/// Stores invite token hashes for a round through `$executor` and counts them as invited.
macro_rules! insert_invites {
    ($executor:expr, $round_id:expr, $invites:expr) => {{
        let invites: &[(String, Option<i64>)] = $invites;
        let result: Result<(), sqlx::Error> = async {
            for (token_hash, department_id) in invites {
                sqlx::query(
                    "INSERT INTO invites (token_hash, round_id, department_id) VALUES ($1, $2, $3)",
                )
                .bind(token_hash)
                .bind($round_id)
                .bind(department_id)
                .execute(&mut *$executor)
                .await?;
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

/// Group commit for scan answers.
///
/// Answers queue here; a writer takes everything that has queued up (at most `MAX`) and
/// stores it in one transaction, and each caller hears back only after that commit, so an
/// acknowledged answer is on disk. One commit per batch instead of one per answer is what
/// makes SQLite's single writer fast; answers written together also share one transaction,
/// which says even less about who answered when. SQLite gets one writer (it has one write
/// lock anyway), PostgreSQL a few.
pub(crate) struct Batcher {
    queue: tokio::sync::mpsc::UnboundedSender<AnswerJob>,
}

type AnswerJob = (
    super::Submission,
    tokio::sync::oneshot::Sender<super::Result<super::SubmitOutcome>>,
);

impl Batcher {
    pub(crate) const MAX: usize = 128;

    pub(crate) fn start<W, F>(writers: usize, write: W) -> Batcher
    where
        W: Fn(Vec<super::Submission>) -> F + Send + Sync + 'static,
        F: std::future::Future<Output = super::Result<Vec<super::SubmitOutcome>>> + Send + 'static,
    {
        let (queue, receiver) = tokio::sync::mpsc::unbounded_channel::<AnswerJob>();
        let receiver = std::sync::Arc::new(tokio::sync::Mutex::new(receiver));
        let write = std::sync::Arc::new(write);
        for _ in 0..writers.max(1) {
            let receiver = receiver.clone();
            let write = write.clone();
            tokio::spawn(async move {
                loop {
                    let mut jobs = Vec::new();
                    {
                        let mut receiver = receiver.lock().await;
                        match receiver.recv().await {
                            Some(job) => jobs.push(job),
                            None => return,
                        }
                        while jobs.len() < Self::MAX {
                            match receiver.try_recv() {
                                Ok(job) => jobs.push(job),
                                Err(_) => break,
                            }
                        }
                    }
                    let (batch, replies): (Vec<_>, Vec<_>) = jobs.into_iter().unzip();
                    if batch.len() == 1 {
                        let outcome = write(batch)
                            .await
                            .map(|mut o| o.pop().unwrap_or(super::SubmitOutcome::Closed));
                        if let Some(reply) = replies.into_iter().next() {
                            let _ = reply.send(outcome);
                        }
                        continue;
                    }
                    match write(batch.clone()).await {
                        Ok(outcomes) => {
                            for (reply, outcome) in replies.into_iter().zip(outcomes) {
                                let _ = reply.send(Ok(outcome));
                            }
                        }
                        // One answer that cannot be stored must not fail the others.
                        Err(_) => {
                            for (submission, reply) in batch.into_iter().zip(replies) {
                                let outcome = write(vec![submission])
                                    .await
                                    .map(|mut o| o.pop().unwrap_or(super::SubmitOutcome::Closed));
                                let _ = reply.send(outcome);
                            }
                        }
                    }
                }
            });
        }
        Batcher { queue }
    }

    pub(crate) async fn submit(
        &self,
        submission: super::Submission,
    ) -> super::Result<super::SubmitOutcome> {
        let stopped = || super::StorageError::Unsupported("the answer writer stopped");
        let (reply, outcome) = tokio::sync::oneshot::channel();
        self.queue
            .send((submission, reply))
            .map_err(|_| stopped())?;
        outcome.await.map_err(|_| stopped())?
    }
}

/// Stores a batch of answers through an open write transaction `$tx`, one statement per row
/// (cheap on SQLite, which runs in-process); `$lock` is appended to the round lookup, and
/// SQLite's write transaction already excludes everything else, so it passes "". Writes
/// nothing that refers to an invite or a form id: only the keyed marker, the answers and
/// the comment. (PostgreSQL sends whole batches as arrays instead: `postgres.rs`.)
macro_rules! store_answers {
    ($tx:expr, $batch:expr, $lock:literal) => {{
        use $crate::storage::SubmitOutcome;
        let batch: &[$crate::storage::Submission] = $batch;
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
                    $crate::storage::shared::INSERT_RESPONSE,
                )
                .bind($crate::storage::random_id())
                .bind(s.round_id)
                .bind(s.department_id)
                .bind(s.answered_on)
                .bind(a1).bind(a2).bind(a3).bind(a4).bind(a5)
                .bind(s1).bind(s2).bind(s3)
                .execute(&mut *$tx)
                .await?;
                if let Some(body) = &s.comment {
                    sqlx::query($crate::storage::shared::INSERT_COMMENT)
                        .bind($crate::storage::random_id())
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
                    // A delivered secret leaves the database: the recipient has it now.
                    "UPDATE outbox SET status = 'sent', sent_at = $1, attempts = attempts + 1, last_error = NULL,
                     text_body = CASE WHEN carries_secret THEN '' ELSE text_body END,
                     html_body = CASE WHEN carries_secret THEN NULL ELSE html_body END
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
                     next_attempt_at = COALESCE($2, next_attempt_at),
                     text_body = CASE WHEN carries_secret AND $2 IS NULL THEN '' ELSE text_body END,
                     html_body = CASE WHEN carries_secret AND $2 IS NULL THEN NULL ELSE html_body END
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

            async fn create_login_link(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                lang: &str,
                token_hash: &str,
                expires_at: i64,
                mail: &$crate::storage::OutgoingMail,
            ) -> $crate::storage::Result<()> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("INSERT INTO login_links (token_hash, email, lang, expires_at) VALUES ($1, $2, $3, $4)")
                    .bind(token_hash)
                    .bind(email.as_str())
                    .bind(lang)
                    .bind(expires_at)
                    .execute(&mut *tx)
                    .await?;
                $crate::storage::shared::insert_mail!(&mut *tx, mail, $crate::storage::now())?;
                tx.commit().await?;
                Ok(())
            }

            async fn consume_login_link(
                &self,
                token_hash: &str,
                now: i64,
            ) -> $crate::storage::Result<Option<$crate::storage::Employer>> {
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
                let employer: $crate::storage::Employer = sqlx::query_as(
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

            async fn employer_by_id(&self, id: i64) -> $crate::storage::Result<Option<$crate::storage::Employer>> {
                Ok(sqlx::query_as("SELECT id, email, created_at, last_login_at FROM employers WHERE id = $1")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await?)
            }

            async fn create_scan(&self, scan: &$crate::storage::NewScan) -> $crate::storage::Result<i64> {
                let (employer_id, api_key_id) = match scan.owner {
                    $crate::storage::ScanOwner::Employer(id) => (Some(id), None),
                    $crate::storage::ScanOwner::ApiKey(id) => (None, Some(id)),
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
                .bind($crate::storage::now())
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
                .map_err($crate::storage::StorageError::from_write)?;
                $crate::storage::shared::insert_invites!(tx, round_id, &scan.invites)?;
                tx.commit().await?;
                Ok(scan_id)
            }

            async fn scan_by_id(&self, id: i64) -> $crate::storage::Result<Option<$crate::storage::Scan>> {
                Ok(sqlx::query_as("SELECT * FROM scans WHERE id = $1").bind(id).fetch_optional(&self.pool).await?)
            }

            async fn scans_of(
                &self,
                owner: $crate::storage::ScanOwner,
            ) -> $crate::storage::Result<Vec<$crate::storage::ScanSummary>> {
                let (column, id) = match owner {
                    $crate::storage::ScanOwner::Employer(id) => ("employer", id),
                    $crate::storage::ScanOwner::ApiKey(id) => ("api_key", id),
                };
                let scans: Vec<$crate::storage::Scan> = sqlx::query_as(
                    "SELECT * FROM scans WHERE ($1 = 'employer' AND employer_id = $2) OR ($1 = 'api_key' AND api_key_id = $2)
                     ORDER BY id DESC",
                )
                .bind(column)
                .bind(id)
                .fetch_all(&self.pool)
                .await?;
                let mut summaries = Vec::with_capacity(scans.len());
                for scan in scans {
                    if let Some(latest) = self.rounds(scan.id).await?.pop() {
                        summaries.push($crate::storage::ScanSummary { scan, latest });
                    }
                }
                Ok(summaries)
            }

            async fn departments(&self, scan_id: i64) -> $crate::storage::Result<Vec<$crate::storage::Department>> {
                if let Some(departments) = self.departments.get(scan_id) {
                    return Ok(departments);
                }
                let departments: Vec<$crate::storage::Department> =
                    sqlx::query_as("SELECT * FROM departments WHERE scan_id = $1 ORDER BY position, id")
                        .bind(scan_id)
                        .fetch_all(&self.pool)
                        .await?;
                self.departments.put(scan_id, &departments);
                Ok(departments)
            }

            async fn rounds(&self, scan_id: i64) -> $crate::storage::Result<Vec<$crate::storage::Round>> {
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
            ) -> $crate::storage::Result<$crate::storage::Round> {
                let mut tx = self.pool.begin().await?;
                sqlx::query("UPDATE rounds SET closed_at = $2 WHERE scan_id = $1 AND closed_at IS NULL")
                    .bind(scan_id)
                    .bind($crate::storage::now())
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
                .map_err($crate::storage::StorageError::from_write)?;
                $crate::storage::shared::insert_invites!(tx, round_id, invites)?;
                tx.commit().await?;
                // The round this one replaced is closed now: seal it.
                let rounds = self.rounds(scan_id).await?;
                for round in rounds.iter().filter(|r| r.closed_at.is_some() && r.sealed_at.is_none()) {
                    self.seal_round(round.id, $crate::storage::now(), opened_on).await?;
                }
                rounds.into_iter().last().ok_or($crate::storage::StorageError::Unsupported("round vanished"))
            }

            async fn close_round(&self, round_id: i64, now: i64) -> $crate::storage::Result<()> {
                sqlx::query("UPDATE rounds SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL")
                    .bind(round_id)
                    .bind(now)
                    .execute(&self.pool)
                    .await?;
                // Closed by hand, so the date does not matter for sealing.
                self.seal_round(round_id, now, chrono::NaiveDate::default()).await?;
                Ok(())
            }

            async fn seal_round(&self, round_id: i64, now: i64, today: chrono::NaiveDate) -> $crate::storage::Result<bool> {
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
                let mut responses: Vec<$crate::storage::shared::SealedResponse> = sqlx::query_as(
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
                        $crate::storage::shared::INSERT_RESPONSE,
                    )
                    .bind($crate::storage::random_id())
                    .bind(round_id)
                    .bind(department_id)
                    .bind(answered_on)
                    .bind(a1).bind(a2).bind(a3).bind(a4).bind(a5)
                    .bind(s1).bind(s2).bind(s3)
                    .execute(&mut *tx)
                    .await?;
                }
                for (department_id, body) in comments {
                    sqlx::query($crate::storage::shared::INSERT_COMMENT)
                        .bind($crate::storage::random_id())
                        .bind(round_id)
                        .bind(department_id)
                        .bind(body)
                        .execute(&mut *tx)
                        .await?;
                }
                tx.commit().await?;
                // Invitation addresses are kept only while the round is open.
                self.forget_invitation_addresses(round_id).await?;
                self.after_seal().await;
                Ok(true)
            }

            async fn seal_due_rounds(&self, now: i64, today: chrono::NaiveDate) -> $crate::storage::Result<u32> {
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

            async fn add_invites(&self, round_id: i64, invites: &[(String, Option<i64>)]) -> $crate::storage::Result<()> {
                let mut tx = self.pool.begin().await?;
                $crate::storage::shared::insert_invites!(tx, round_id, invites)?;
                tx.commit().await?;
                Ok(())
            }

            async fn scan_entry(&self, token_hash: &str) -> $crate::storage::Result<Option<$crate::storage::ScanEntry>> {
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
                let round = $crate::storage::Round {
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
                let scan = $crate::storage::Scan {
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
                    $crate::storage::ScanEntry::Invite {
                        scan,
                        round,
                        department_id: row.try_get(17)?,
                        used: row.try_get(18)?,
                    }
                } else {
                    $crate::storage::ScanEntry::Shared { scan, round }
                }))
            }

            async fn submit_response(
                &self,
                submission: &$crate::storage::Submission,
            ) -> $crate::storage::Result<$crate::storage::SubmitOutcome> {
                self.answers.submit(submission.clone()).await
            }

            async fn round_counts(&self, round_id: i64) -> $crate::storage::Result<Vec<$crate::storage::GroupCounts>> {
                let responses: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM responses WHERE round_id = $1")
                    .bind(round_id)
                    .fetch_one(&self.pool)
                    .await?;
                if let Some(groups) = self.counts.get(round_id, responses) {
                    return Ok(groups);
                }
                let rows = sqlx::query(sqlx::AssertSqlSafe($crate::storage::shared::round_counts_sql()))
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?;
                let mut groups = rows
                    .iter()
                    .map($crate::storage::shared::group_counts)
                    .collect::<Result<Vec<_>, _>>()?;
                groups.sort_by_key(|g| g.department_id);
                // A response stored between the two queries makes the total differ; then the
                // counts are simply not remembered.
                if groups.iter().map(|g| i64::from(g.counts.responses)).sum::<i64>() == responses {
                    self.counts.put(round_id, responses, &groups);
                }
                Ok(groups)
            }

            async fn round_comments(&self, round_id: i64) -> $crate::storage::Result<Vec<$crate::storage::StoredComment>> {
                // Ordered by the random id: the order says nothing about when a comment came in.
                Ok(sqlx::query_as("SELECT department_id, body FROM comments WHERE round_id = $1 ORDER BY id")
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_help_request(&self, request: &$crate::storage::NewHelpRequest) -> $crate::storage::Result<i64> {
                let now = $crate::storage::now();
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

            async fn help_requests(&self, limit: i64) -> $crate::storage::Result<Vec<$crate::storage::HelpRequest>> {
                Ok(sqlx::query_as("SELECT * FROM help_requests ORDER BY id DESC LIMIT $1")
                    .bind(limit)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn create_staff_setup_link(
                &self,
                email: &hrnexus_core::email::EmailAddress,
                placeholder_hash: &str,
                token_hash: &str,
                expires_at: i64,
            ) -> $crate::storage::Result<(i64, bool)> {
                let mut tx = self.pool.begin().await?;
                let created: Option<i64> = sqlx::query_scalar(
                    "INSERT INTO staff (email, password_hash, created_at) VALUES ($1, $2, $3)
                     ON CONFLICT (email) DO NOTHING RETURNING id",
                )
                .bind(email.as_str())
                .bind(placeholder_hash)
                .bind($crate::storage::now())
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
                    .bind($crate::storage::now())
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
            ) -> $crate::storage::Result<Option<$crate::storage::Staff>> {
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
            ) -> $crate::storage::Result<Option<$crate::storage::Staff>> {
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
                let staff: $crate::storage::Staff = sqlx::query_as(
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

            // Invitations by e-mail, reminders, and derived shared links (issue 12).

            async fn invite_by_mail(
                &self,
                batch: &$crate::storage::MailInvitations,
            ) -> $crate::storage::Result<$crate::storage::MailInvitationOutcome> {
                use rand::seq::SliceRandom;
                let mut tx = self.begin_write().await?;
                let existing: Vec<String> = sqlx::query_scalar("SELECT email FROM invitation_addresses WHERE round_id = $1")
                    .bind(batch.round_id)
                    .fetch_all(&mut *tx)
                    .await?;
                let existing: std::collections::HashSet<String> = existing.into_iter().collect();
                let mut fresh: Vec<&$crate::storage::MailedInvite> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                for invite in &batch.invites {
                    if !existing.contains(&invite.email) && seen.insert(invite.email.as_str()) {
                        fresh.push(invite);
                    }
                }
                let already = (batch.invites.len() - fresh.len()) as u32;
                if existing.len() as i64 + fresh.len() as i64 > batch.max_per_round {
                    return Ok($crate::storage::MailInvitationOutcome::TooMany { existing: existing.len() as i64 });
                }
                // Three independent orders: addresses, invites and mails are each inserted in
                // their own order, so no row position (rowid, ctid) pairs an address with its
                // invite.
                let mut addresses: Vec<&str> = fresh.iter().map(|i| i.email.as_str()).collect();
                let mut mails: Vec<&$crate::storage::OutgoingMail> = fresh.iter().map(|i| &i.mail).collect();
                {
                    // The thread-local generator must not live across an await.
                    let mut rng = rand::rng();
                    addresses.shuffle(&mut rng);
                    mails.shuffle(&mut rng);
                }
                for email in addresses {
                    sqlx::query("INSERT INTO invitation_addresses (id, round_id, email, invited_on) VALUES ($1, $2, $3, $4)")
                        .bind($crate::storage::random_id())
                        .bind(batch.round_id)
                        .bind(email)
                        .bind(batch.invited_on)
                        .execute(&mut *tx)
                        .await
                        .map_err($crate::storage::StorageError::from_write)?;
                }
                let mut invites: Vec<(String, Option<i64>)> =
                    fresh.iter().map(|i| (i.token_hash.clone(), batch.department_id)).collect();
                invites.sort();
                $crate::storage::shared::insert_invites!(tx, batch.round_id, &invites)?;
                let now = $crate::storage::now();
                for mail in mails {
                    $crate::storage::shared::insert_round_mail!(&mut *tx, mail, now, batch.round_id, "invitation")?;
                }
                tx.commit().await?;
                Ok($crate::storage::MailInvitationOutcome::Queued { queued: fresh.len() as u32, already })
            }

            async fn invitation_counts(&self, round_id: i64) -> $crate::storage::Result<$crate::storage::InvitationCounts> {
                let rows: Vec<(String, String, i64)> = sqlx::query_as(
                    "SELECT kind, status, CAST(COUNT(*) AS BIGINT) FROM outbox
                     WHERE round_id = $1 AND kind IS NOT NULL GROUP BY kind, status",
                )
                .bind(round_id)
                .fetch_all(&self.pool)
                .await?;
                let mut counts = $crate::storage::InvitationCounts::default();
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
            ) -> $crate::storage::Result<Vec<$crate::storage::DueReminder>> {
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

            async fn invitation_addresses(&self, round_id: i64) -> $crate::storage::Result<Vec<$crate::storage::InvitationAddress>> {
                Ok(sqlx::query_as("SELECT email, invited_on FROM invitation_addresses WHERE round_id = $1 ORDER BY id")
                    .bind(round_id)
                    .fetch_all(&self.pool)
                    .await?)
            }

            async fn queue_reminders(
                &self,
                round_id: i64,
                now: i64,
                mails: &[$crate::storage::OutgoingMail],
            ) -> $crate::storage::Result<bool> {
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
                    $crate::storage::shared::insert_round_mail!(&mut *tx, mail, now, round_id, "reminder")?;
                }
                tx.commit().await?;
                Ok(true)
            }

            async fn forget_invitation_addresses(&self, round_id: i64) -> $crate::storage::Result<()> {
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

            async fn rounds_with_stale_addresses(&self, today: chrono::NaiveDate) -> $crate::storage::Result<Vec<i64>> {
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

            async fn shared_link_hash(&self, round_id: i64) -> $crate::storage::Result<Option<String>> {
                Ok(sqlx::query_scalar("SELECT shared_token_hash FROM rounds WHERE id = $1")
                    .bind(round_id)
                    .fetch_optional(&self.pool)
                    .await?
                    .flatten())
            }

            async fn set_shared_link_hash(&self, round_id: i64, token_hash: &str) -> $crate::storage::Result<()> {
                sqlx::query("UPDATE rounds SET shared_token_hash = $2 WHERE id = $1")
                    .bind(round_id)
                    .bind(token_hash)
                    .execute(&self.pool)
                    .await
                    .map_err($crate::storage::StorageError::from_write)?;
                Ok(())
            }

            async fn delete_expired_data(
                &self,
                cutoffs: &$crate::storage::RetentionCutoffs,
            ) -> $crate::storage::Result<$crate::storage::RetentionReport> {
                // Each statement stands alone: a second instance doing the same finds less.
                let delete = |sql: &'static str, cutoff: Option<i64>| async move {
                    match cutoff {
                        Some(cutoff) => sqlx::query(sql)
                            .bind(cutoff)
                            .execute(&self.pool)
                            .await
                            .map(|done| done.rows_affected()),
                        None => Ok(0),
                    }
                };
                Ok($crate::storage::RetentionReport {
                    audit_log: delete("DELETE FROM audit_log WHERE at < $1", cutoffs.audit_log).await?,
                    login_links: delete(
                        "DELETE FROM login_links WHERE expires_at < $1 OR used_at < $1",
                        cutoffs.login_links,
                    )
                    .await?,
                    outbox: delete(
                        "DELETE FROM outbox WHERE status IN ('sent', 'failed') AND COALESCE(sent_at, created_at) < $1",
                        cutoffs.outbox,
                    )
                    .await?,
                    help_requests: delete("DELETE FROM help_requests WHERE created_at < $1", cutoffs.help_requests)
                        .await?,
                    sessions: delete("DELETE FROM sessions WHERE expires_at < $1", cutoffs.sessions).await?,
                })
            }

            $($specific)*
        }
    };
}
pub(crate) use storage_impl;
