//! Issues of the HRnexus Kompas: composing one from recent articles and an introduction, the
//! preview and the test mail, scheduling, and sending it to every confirmed subscriber.
//!
//! Sending is a job every instance runs (`run_sender`): it starts issues whose moment has come
//! (one instance wins; see `IssueStore::start_issue`), then claims deliveries in batches under
//! a lease, composes each mail for its subscriber (with their own manage link, a secret that
//! is never stored), hands the batch to the SMTP server a few conversations at a time, and
//! marks the batch. A delivery is marked sent only after the server accepted it, so an
//! instance killed mid-batch leaves its claims to be sent again after the lease: the only
//! possible duplicates are the mails of that batch that were already accepted.

use std::{collections::HashMap, sync::Arc, time::Duration};

use hrnexus_core::{
    email::EmailAddress,
    issue::{self, Delivery, IssueDraft, IssueState},
    newsletter::State as SubscriberState,
};
use tokio::sync::{Notify, watch};

use super::{Result, ServiceError, newsletter};
use crate::{
    i18n::Lang,
    mail::{IssueItem, KompasIssue, Mailer, Session, compose, compose_subscribed},
    secret::ServerSecret,
    storage::{Article, ClaimedDelivery, Issue, IssueProgress, NewIssue, Storage, UnixTime},
};

/// What the sending job needs to know (from `[newsletter]` and the base URL).
#[derive(Debug, Clone)]
pub struct SendSettings {
    pub base_url: String,
    pub per_second: u32,
    pub batch: u32,
    pub concurrency: usize,
    pub lease_seconds: i64,
    pub check_every: Duration,
}

fn lang_of(code: &str) -> Lang {
    if code == "en" { Lang::En } else { Lang::Nl }
}

/// The public page of an issue in the archive.
pub fn web_url(base_url: &str, issue: &Issue) -> String {
    format!(
        "{base_url}{}/kompas/archief/{}",
        lang_of(&issue.lang).prefix(),
        issue.id
    )
}

fn article_url(base_url: &str, article: &Article) -> String {
    format!(
        "{base_url}{}/inzichten/{}",
        lang_of(&article.lang).prefix(),
        article.slug
    )
}

/// Published articles in `lang` that can go into an issue, newest first, with whether each is
/// recent enough to be ticked for a new issue.
pub async fn offered_articles(
    store: &dyn Storage,
    lang: &str,
    now: UnixTime,
) -> Result<Vec<(Article, bool)>> {
    let articles = store
        .published_articles(&crate::storage::ArticleQuery {
            lang,
            theme: None,
            now,
            limit: 30,
            offset: 0,
        })
        .await?;
    let recent_from = now - issue::RECENT_ARTICLE_DAYS * 24 * 60 * 60;
    Ok(articles
        .into_iter()
        .map(|a| {
            let recent = a.published_at.is_some_and(|at| at >= recent_from);
            (a, recent)
        })
        .collect())
}

pub async fn create(store: &dyn Storage, draft: &IssueDraft, now: UnixTime) -> Result<i64> {
    Ok(store
        .create_issue(
            &NewIssue {
                lang: draft.lang,
                subject: &draft.subject,
                introduction: &draft.introduction,
                article_ids: &draft.article_ids,
            },
            now,
        )
        .await?)
}

/// Changes a draft or scheduled issue; `Conflict` once sending has started.
pub async fn update(store: &dyn Storage, id: i64, draft: &IssueDraft, now: UnixTime) -> Result<()> {
    let issue = store.issue(id).await?.ok_or(ServiceError::NotFound)?;
    let changed = store
        .update_issue(
            issue.id,
            &NewIssue {
                lang: draft.lang,
                subject: &draft.subject,
                introduction: &draft.introduction,
                article_ids: &draft.article_ids,
            },
            now,
        )
        .await?;
    if changed {
        Ok(())
    } else {
        Err(ServiceError::Conflict)
    }
}

/// What the issue shows: the frozen items once it went out, else its articles as they are now
/// (only those still published, in the order chosen).
pub async fn items(
    store: &dyn Storage,
    base_url: &str,
    issue: &Issue,
    now: UnixTime,
) -> Result<Vec<IssueItem>> {
    if let Some(frozen) = &issue.items {
        return Ok(serde_json::from_str(frozen).unwrap_or_default());
    }
    let mut out = Vec::new();
    for id in &issue.article_ids {
        if let Some(article) = store.article_by_id(*id).await?
            && article.published_at.is_some_and(|at| at <= now)
        {
            out.push(IssueItem {
                url: article_url(base_url, &article),
                title: article.title,
                summary: article.summary,
            });
        }
    }
    Ok(out)
}

/// The mail of `issue` for one reader whose manage page is `manage_url`.
fn mail_for(
    issue: &Issue,
    items: Vec<IssueItem>,
    base_url: &str,
    manage_url: String,
) -> KompasIssue {
    KompasIssue {
        lang: lang_of(&issue.lang),
        subject: issue.subject.clone(),
        paragraphs: issue::paragraphs(&issue.introduction),
        items,
        // A new-article mail is not in the archive: its "read in your browser" is Inzichten.
        web_url: if issue.audience == "all" {
            web_url(base_url, issue)
        } else {
            format!("{base_url}{}/inzichten", lang_of(&issue.lang).prefix())
        },
        manage_url,
    }
}

/// The issue as a subscriber will get it, for the preview: (HTML, text). The manage link points
/// to the sign-up page instead of anyone's own page.
pub async fn preview(
    store: &dyn Storage,
    base_url: &str,
    id: i64,
    now: UnixTime,
) -> Result<(String, String)> {
    use crate::mail::Rendered;
    let issue = store.issue(id).await?.ok_or(ServiceError::NotFound)?;
    let items = items(store, base_url, &issue, now).await?;
    let placeholder = format!("{base_url}{}/kompas", lang_of(&issue.lang).prefix());
    let mail = mail_for(&issue, items, base_url, placeholder);
    Ok((mail.html()?, mail.text()?))
}

/// Queues the issue as a test mail to one address (subject marked as a test). It goes through
/// the outbox like any single mail and changes nothing about the issue.
pub async fn send_test(
    store: &dyn Storage,
    base_url: &str,
    id: i64,
    to: &EmailAddress,
    now: UnixTime,
) -> Result<()> {
    let issue = store.issue(id).await?.ok_or(ServiceError::NotFound)?;
    let items = items(store, base_url, &issue, now).await?;
    let placeholder = format!("{base_url}{}/kompas", lang_of(&issue.lang).prefix());
    let mut mail = mail_for(&issue, items, base_url, placeholder);
    mail.subject = format!("[TEST] {}", mail.subject);
    store.enqueue_mail(&compose(to.as_str(), &mail)?).await?;
    Ok(())
}

/// Schedules the issue at `at` (now or later), or back to draft with `None`. `Conflict` once
/// sending has started.
pub async fn schedule(
    store: &dyn Storage,
    id: i64,
    at: Option<UnixTime>,
    now: UnixTime,
) -> Result<()> {
    let issue = store.issue(id).await?.ok_or(ServiceError::NotFound)?;
    if store.schedule_issue(issue.id, at, now).await? {
        Ok(())
    } else {
        Err(ServiceError::Conflict)
    }
}

/// An issue with how far its sending is.
pub struct IssueStatus {
    pub issue: Issue,
    pub state: IssueState,
    pub progress: IssueProgress,
}

pub async fn status(store: &dyn Storage, id: i64) -> Result<IssueStatus> {
    let issue = store.issue(id).await?.ok_or(ServiceError::NotFound)?;
    with_progress(store, issue).await
}

/// The figures from the deliveries, or, once those are removed after the retention period,
/// the ones recorded when the issue was done.
async fn with_progress(store: &dyn Storage, issue: Issue) -> Result<IssueStatus> {
    let mut progress = store.issue_progress(issue.id).await?;
    let state = IssueState::parse(&issue.state);
    if state == IssueState::Sent && progress.total == 0 && issue.total > 0 {
        progress = IssueProgress {
            total: issue.total,
            sent: issue.sent_count,
            failed: issue.failed_count,
            skipped: issue.total - issue.sent_count - issue.failed_count,
            ..IssueProgress::default()
        };
    }
    Ok(IssueStatus {
        state,
        issue,
        progress,
    })
}

/// The newest issues with their progress (for the back office and `hrnexus newsletter status`).
pub async fn statuses(store: &dyn Storage, limit: i64) -> Result<Vec<IssueStatus>> {
    let mut out = Vec::new();
    for issue in store.issues(limit).await? {
        out.push(with_progress(store, issue).await?);
    }
    Ok(out)
}

/// Schedules a short mail about each newly published article for the subscribers who asked
/// for one ("een korte mail bij een nieuw artikel"). One instance wins per article.
pub async fn announce_new_articles(store: &dyn Storage, now: UnixTime) -> Result<usize> {
    let mut announced = 0;
    for article in store.unannounced_articles(now).await? {
        let lang = lang_of(&article.lang);
        let subject = lang.t_args("kompas-alert-subject", &[("title", article.title.clone())]);
        let alert = NewIssue {
            lang: &article.lang,
            subject: &subject,
            introduction: &lang.t("kompas-alert-intro"),
            article_ids: &[article.id],
        };
        if store
            .announce_article(article.id, &alert, now)
            .await?
            .is_some()
        {
            announced += 1;
        }
    }
    Ok(announced)
}

/// Starts every issue whose moment has come (after scheduling the new-article mails);
/// returns how many this instance started.
pub async fn start_due(store: &dyn Storage, base_url: &str, now: UnixTime) -> Result<usize> {
    announce_new_articles(store, now).await?;
    let mut started = 0;
    for issue in store.due_issues(now).await? {
        let items = items(store, base_url, &issue, now).await?;
        let frozen = serde_json::to_string(&items).unwrap_or_else(|_| "[]".into());
        if let Some(total) = store.start_issue(issue.id, &frozen, now).await? {
            tracing::info!(issue = issue.id, total, "Kompas issue started");
            started += 1;
        }
    }
    Ok(started)
}

/// What one round of sending did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub retried: usize,
    pub failed: usize,
    pub skipped: usize,
}

/// The parts of an issue that are the same for every reader, loaded once per issue.
struct Prepared {
    issue: Issue,
    items: Vec<IssueItem>,
}

/// Sends claimed deliveries until none are due or `stop()` says so between two batches;
/// returns what happened. Safe on many instances.
pub async fn deliver_due(
    store: &dyn Storage,
    mailer: &Arc<Mailer>,
    secret: &ServerSecret,
    settings: &SendSettings,
    stop: impl Fn() -> bool,
) -> Result<SendReport> {
    let mut report = SendReport::default();
    let mut prepared: HashMap<i64, Arc<Prepared>> = HashMap::new();
    let claim = i64::from(issue::claim_size(settings.per_second, settings.batch));
    let mut sessions: Vec<Session> = (0..settings.concurrency.max(1))
        .map(|_| mailer.session())
        .collect();
    while !stop() {
        let started = tokio::time::Instant::now();
        let now = crate::storage::now();
        let batch = store
            .claim_deliveries(now, settings.lease_seconds, claim)
            .await?;
        if batch.is_empty() {
            break;
        }
        let count = batch.len() as u32;
        let mut skipped = Vec::new();
        let mut outgoing = Vec::new();
        for delivery in batch {
            let state = delivery
                .subscriber_state
                .as_deref()
                .map(SubscriberState::parse);
            if issue::delivery_for(state) == Delivery::Skip {
                skipped.push(delivery.id);
                continue;
            }
            let issue = match prepared.get(&delivery.issue_id) {
                Some(p) => p.clone(),
                None => {
                    let Some(issue) = store.issue(delivery.issue_id).await? else {
                        skipped.push(delivery.id);
                        continue;
                    };
                    let items = items(store, &settings.base_url, &issue, now).await?;
                    let p = Arc::new(Prepared { issue, items });
                    prepared.insert(delivery.issue_id, p.clone());
                    p
                }
            };
            match compose_delivery(&issue, &delivery, secret, &settings.base_url) {
                Ok(mail) => outgoing.push((delivery, mail)),
                Err(e) => {
                    tracing::error!(delivery = delivery.id, error = %e, "Kompas mail not composed");
                    store
                        .mark_delivery_failed(delivery.id, "could not compose the mail", None)
                        .await?;
                    report.failed += 1;
                }
            }
        }
        if !skipped.is_empty() {
            store.mark_deliveries_skipped(&skipped).await?;
            report.skipped += skipped.len();
        }
        let results = send_all(mailer, &mut sessions, outgoing).await;
        let mut sent = Vec::new();
        for (delivery, result) in results {
            match result {
                Ok(()) => sent.push(delivery.id),
                Err(error) => {
                    let attempts = delivery.attempts + 1;
                    let retry_at =
                        issue::retry_at(attempts, error.permanent, crate::storage::now());
                    // The address stays out of the log: the delivery id is enough to find it.
                    tracing::warn!(delivery = delivery.id, attempts, error = %error.message, "Kompas delivery failed");
                    store
                        .mark_delivery_failed(delivery.id, &error.message, retry_at)
                        .await?;
                    if retry_at.is_some() {
                        report.retried += 1;
                    } else {
                        metrics::counter!("hrnexus_kompas_failed_total").increment(1);
                        report.failed += 1;
                    }
                }
            }
        }
        if !sent.is_empty() {
            store
                .mark_deliveries_sent(&sent, crate::storage::now())
                .await?;
            metrics::counter!("hrnexus_kompas_sent_total").increment(sent.len() as u64);
            report.sent += sent.len();
        }
        let pace = issue::min_duration(count, settings.per_second);
        tokio::time::sleep_until(started + pace).await;
    }
    for session in sessions {
        session.close().await;
    }
    store.finish_issues(crate::storage::now()).await?;
    Ok(report)
}

fn compose_delivery(
    prepared: &Prepared,
    delivery: &ClaimedDelivery,
    secret: &ServerSecret,
    base_url: &str,
) -> Result<crate::storage::OutgoingMail> {
    let (Some(email), Some(link_key)) = (&delivery.email, &delivery.link_key) else {
        return Err(ServiceError::NotFound);
    };
    // The subscriber's own language for the links; the issue's words are the issue's.
    let lang = lang_of(delivery.lang.as_deref().unwrap_or(&prepared.issue.lang));
    let token = newsletter::manage_token(secret, link_key);
    let manage = newsletter::manage_url(base_url, lang, &token);
    let mail = mail_for(
        &prepared.issue,
        prepared.items.clone(),
        base_url,
        manage.clone(),
    );
    Ok(compose_subscribed(email, &mail, &manage)?)
}

/// Hands the mails to the server over the sender's lanes (one kept-open session each), every
/// lane sending its share in turn; results in any order. A lane that panics loses its
/// results: those deliveries stay claimed and come back after the lease.
async fn send_all(
    mailer: &Arc<Mailer>,
    sessions: &mut Vec<Session>,
    outgoing: Vec<(ClaimedDelivery, crate::storage::OutgoingMail)>,
) -> Vec<(ClaimedDelivery, Result<(), crate::mail::DeliveryError>)> {
    let lanes = sessions.len().max(1);
    let mut shares: Vec<Vec<_>> = (0..lanes).map(|_| Vec::new()).collect();
    for (i, item) in outgoing.into_iter().enumerate() {
        shares[i % lanes].push(item);
    }
    let mut tasks = tokio::task::JoinSet::new();
    for share in shares {
        let mut session = sessions.pop().unwrap_or_else(|| mailer.session());
        let mailer = mailer.clone();
        tasks.spawn(async move {
            let mut done = Vec::with_capacity(share.len());
            for (delivery, mail) in share {
                let result = session.send(&mailer, &mail).await;
                done.push((delivery, result));
            }
            (session, done)
        });
    }
    let mut out = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((session, done)) => {
                sessions.push(session);
                out.extend(done);
            }
            Err(e) => {
                sessions.push(mailer.session());
                tracing::error!(error = %e, "Kompas send lane");
            }
        }
    }
    out
}

/// Runs until `shutdown` turns true: starts due issues and sends, when woken by `wake` or every
/// `check_every`.
pub async fn run_sender(
    store: Arc<dyn Storage>,
    mailer: Arc<Mailer>,
    secret: Arc<ServerSecret>,
    settings: SendSettings,
    wake: Arc<Notify>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        // A stop is honoured between batches, never inside one: a batch the server accepted
        // is always marked, so a graceful stop sends nobody the issue twice.
        let stopping = shutdown.clone();
        let round = async {
            start_due(store.as_ref(), &settings.base_url, crate::storage::now()).await?;
            deliver_due(store.as_ref(), &mailer, &secret, &settings, || {
                *stopping.borrow()
            })
            .await
        };
        match round.await {
            Ok(report) if report != SendReport::default() => {
                tracing::info!(
                    sent = report.sent,
                    retried = report.retried,
                    failed = report.failed,
                    skipped = report.skipped,
                    "Kompas sending round"
                );
            }
            Ok(_) => {}
            Err(error) => tracing::error!(error = %error, "Kompas sender"),
        }
        if *shutdown.borrow() {
            return;
        }
        tokio::select! {
            _ = wake.notified() => {}
            _ = tokio::time::sleep(settings.check_every) => {}
            _ = shutdown.changed() => return,
        }
        if *shutdown.borrow() {
            return;
        }
    }
}
