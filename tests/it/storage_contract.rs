//! The storage contract: every backend must behave the same. Runs on SQLite always and on
//! PostgreSQL when a server is reachable.

use crate::{both_backends, common};

use hrnexus::storage::{
    MailStatus, NewAuditEntry, NewScan, OutgoingMail, ScanEntry, ScanOwner, StorageError,
    Submission, SubmitOutcome, now,
};
use hrnexus_core::email::EmailAddress;

use common::Db;

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "Onderwerp".into(),
        text_body: "Tekst".into(),
        html_body: Some("<p>Tekst</p>".into()),
        headers: vec![(
            "List-Unsubscribe".into(),
            "<https://hrnexus.nl/afmelden>".into(),
        )],
        carries_secret: false,
    }
}

fn email(s: &str) -> EmailAddress {
    EmailAddress::parse(s).unwrap()
}

async fn staff_accounts_are_unique(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let id = store
        .create_staff(&email("a@hrnexus.nl"), "hash1")
        .await
        .unwrap();
    assert!(matches!(
        store.create_staff(&email("a@hrnexus.nl"), "hash2").await,
        Err(StorageError::Conflict)
    ));
    let staff = store
        .staff_by_email(&email("a@hrnexus.nl"))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (staff.id, staff.password_hash.as_str(), staff.totp_secret),
        (id, "hash1", None)
    );
    store.set_staff_password(id, "hash3").await.unwrap();
    assert_eq!(
        store.staff_by_id(id).await.unwrap().unwrap().password_hash,
        "hash3"
    );
    assert!(
        store
            .staff_by_email(&email("b@hrnexus.nl"))
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(store.count_staff().await.unwrap(), 1);
}

async fn enabling_totp_queues_its_notice_atomically(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let id = store
        .create_staff(&email("a@hrnexus.nl"), "h")
        .await
        .unwrap();
    store
        .enable_totp(id, "SECRET", &mail("a@hrnexus.nl"))
        .await
        .unwrap();
    assert_eq!(
        store
            .staff_by_id(id)
            .await
            .unwrap()
            .unwrap()
            .totp_secret
            .as_deref(),
        Some("SECRET")
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, 1);
    // When the mail cannot be queued, the change does not happen either.
    let other = store
        .create_staff(&email("b@hrnexus.nl"), "h")
        .await
        .unwrap();
    assert!(store.enable_totp(other, "SECRET", &mail("")).await.is_err());
    assert_eq!(
        store.staff_by_id(other).await.unwrap().unwrap().totp_secret,
        None
    );
    assert_eq!(store.outbox_counts().await.unwrap().pending, 1);
}

async fn totp_steps_are_accepted_once(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let id = store
        .create_staff(&email("a@hrnexus.nl"), "h")
        .await
        .unwrap();
    assert!(store.accept_totp_step(id, 100).await.unwrap());
    assert!(!store.accept_totp_step(id, 100).await.unwrap());
    assert!(!store.accept_totp_step(id, 99).await.unwrap());
    assert!(store.accept_totp_step(id, 101).await.unwrap());
}

async fn audit_counts_by_actor_and_ip(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    for (actor, ip) in [
        ("a@x.nl", "10.0.0.1"),
        ("a@x.nl", "10.0.0.2"),
        ("b@x.nl", "10.0.0.1"),
    ] {
        store
            .record_audit(&NewAuditEntry {
                actor: Some(actor),
                event: "login_failed",
                detail: "",
                ip: Some(ip),
            })
            .await
            .unwrap();
    }
    store
        .record_audit(&NewAuditEntry {
            actor: None,
            event: "other",
            detail: "d",
            ip: None,
        })
        .await
        .unwrap();
    let since = now() - 60;
    assert_eq!(
        store
            .count_audit_since("login_failed", Some("a@x.nl"), None, since)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_audit_since("login_failed", None, Some("10.0.0.1"), since)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        store
            .count_audit_since("login_failed", None, None, since)
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        store
            .count_audit_since("login_failed", None, None, now() + 10)
            .await
            .unwrap(),
        0
    );
    let recent = store.recent_audit(10).await.unwrap();
    assert_eq!(recent.len(), 4);
    assert_eq!(recent[0].event, "other");
}

async fn sessions_expire_and_never_collide(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let later = now() + 600;
    assert!(store.session_insert("h1", "{}", later).await.unwrap());
    assert!(
        !store
            .session_insert("h1", "{\"x\":1}", later)
            .await
            .unwrap()
    );
    assert_eq!(
        store.session_load("h1", now()).await.unwrap().as_deref(),
        Some("{}")
    );
    store
        .session_upsert("h1", "{\"y\":2}", later)
        .await
        .unwrap();
    assert_eq!(
        store.session_load("h1", now()).await.unwrap().as_deref(),
        Some("{\"y\":2}")
    );
    store.session_upsert("old", "{}", now() - 1).await.unwrap();
    assert!(store.session_load("old", now()).await.unwrap().is_none());
    assert_eq!(store.session_delete_expired(now()).await.unwrap(), 1);
    store.session_delete("h1").await.unwrap();
    assert!(store.session_load("h1", now()).await.unwrap().is_none());
}

async fn outbox_claims_retries_and_fails(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let first = store.enqueue_mail(&mail("a@x.nl")).await.unwrap();
    let second = store.enqueue_mail(&mail("b@x.nl")).await.unwrap();
    let t0 = now();
    let claimed = store.claim_mail(t0, 300, 10).await.unwrap();
    assert_eq!(
        claimed.iter().map(|m| m.id).collect::<Vec<_>>(),
        vec![first, second]
    );
    assert_eq!(claimed[0].mail, mail("a@x.nl"));
    // Claimed messages are invisible until their lease runs out.
    assert!(store.claim_mail(t0, 300, 10).await.unwrap().is_empty());
    store.mark_mail_sent(first, t0).await.unwrap();
    store
        .mark_mail_failed(second, "421 try later", Some(t0 + 60))
        .await
        .unwrap();
    let retried = store.mail_by_id(second).await.unwrap().unwrap();
    assert_eq!(
        (
            retried.status,
            retried.attempts,
            retried.last_error.as_deref()
        ),
        (MailStatus::Pending, 1, Some("421 try later"))
    );
    assert!(store.claim_mail(t0 + 59, 300, 10).await.unwrap().is_empty());
    let again = store.claim_mail(t0 + 60, 300, 10).await.unwrap();
    assert_eq!(again.len(), 1);
    store
        .mark_mail_failed(second, "550 no such user", None)
        .await
        .unwrap();
    let counts = store.outbox_counts().await.unwrap();
    assert_eq!(
        (counts.sent, counts.failed, counts.pending, counts.sending),
        (1, 1, 0, 0)
    );
    let sent = store.mail_by_id(first).await.unwrap().unwrap();
    assert_eq!((sent.status, sent.sent_at), (MailStatus::Sent, Some(t0)));
    // A lease that ran out (a crashed worker) makes the message claimable again.
    let third = store.enqueue_mail(&mail("c@x.nl")).await.unwrap();
    // Queued a moment after t0 (perhaps in the next second): claimed from its own time on.
    let t1 = now();
    assert_eq!(store.claim_mail(t1, 300, 10).await.unwrap()[0].id, third);
    assert_eq!(
        store.claim_mail(t1 + 301, 300, 10).await.unwrap()[0].id,
        third
    );
    assert_eq!(store.list_mail(10).await.unwrap()[0].id, third);
}

async fn concurrent_claims_never_share_a_message(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = t.store.clone();
    for i in 0..60 {
        store
            .enqueue_mail(&mail(&format!("m{i}@x.nl")))
            .await
            .unwrap();
    }
    let t0 = now();
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                loop {
                    let batch = store.claim_mail(t0, 300, 5).await.unwrap();
                    if batch.is_empty() {
                        return mine;
                    }
                    mine.extend(batch.into_iter().map(|m| m.id));
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(
        (count, all.len()),
        (60, 60),
        "every message claimed exactly once"
    );
}

async fn api_keys_are_found_by_hash_until_revoked(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let id = store
        .create_api_key("Koppeling", "hrx_abc", "hash-1", "a@x.nl")
        .await
        .unwrap();
    assert!(matches!(
        store
            .create_api_key("Dubbel", "hrx_abc", "hash-1", "a@x.nl")
            .await,
        Err(StorageError::Conflict)
    ));
    let key = store.api_key_by_hash("hash-1").await.unwrap().unwrap();
    assert_eq!(
        (key.id, key.name.as_str(), key.last_used_at),
        (id, "Koppeling", None)
    );
    store.touch_api_key(id, 1234).await.unwrap();
    assert_eq!(
        store.list_api_keys().await.unwrap()[0].last_used_at,
        Some(1234)
    );
    assert!(store.revoke_api_key(id, now()).await.unwrap());
    assert!(!store.revoke_api_key(id, now()).await.unwrap());
    assert!(store.api_key_by_hash("hash-1").await.unwrap().is_none());
}

async fn backups_are_consistent_copies(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    store
        .create_staff(&email("a@hrnexus.nl"), "h")
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("backup.db");
    match db {
        Db::Sqlite => {
            store.backup_to(&target).await.unwrap();
            let copy = hrnexus::storage::connect(&format!("sqlite://{}", target.display()))
                .await
                .unwrap();
            assert_eq!(copy.count_staff().await.unwrap(), 1);
        }
        Db::Postgres => {
            assert!(matches!(
                store.backup_to(&target).await,
                Err(StorageError::Unsupported(_))
            ));
        }
    }
}

/// The shared rate limit: `window / interval` at once, then one per interval, per key;
/// refusals do not count; rows whose moment has passed are forgotten.
async fn rate_limits_allow_a_burst_then_a_pace(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let (interval, window) = (20_000, 60_000);
    let t0 = 1_800_000_000_000_i64;
    let hit = |key: &'static str, at: i64| store.rate_limit_allows(key, at, interval, window);
    let mut burst = vec![];
    for i in 0..5 {
        burst.push(hit("form:a", t0 + i).await.unwrap());
    }
    assert_eq!(burst, [true, true, true, false, false]);
    // Another key has its own allowance.
    assert!(hit("form:b", t0 + 10).await.unwrap());
    // One interval later there is room for one more, and no more.
    assert!(!hit("form:a", t0 + interval - 100).await.unwrap());
    assert!(hit("form:a", t0 + interval).await.unwrap());
    assert!(!hit("form:a", t0 + interval + 1).await.unwrap());
    // A quiet key is forgotten once its moment has passed, not before.
    assert_eq!(store.forget_rate_limits(t0 + 30_000).await.unwrap(), 1);
    assert_eq!(store.forget_rate_limits(t0 + 30_000).await.unwrap(), 0);
    assert_eq!(store.forget_rate_limits(t0 + 10 * window).await.unwrap(), 1);
    // After a long pause the whole burst is back.
    for i in 0..3 {
        assert!(hit("form:a", t0 + 20 * window + i).await.unwrap());
    }
    assert!(!hit("form:a", t0 + 20 * window + 3).await.unwrap());
}

/// Many posts from one key at once on separate connections: exactly the burst is let through.
async fn concurrent_rate_limit_hits_never_overshoot(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let now = 1_800_000_000_000_i64;
    let tasks: Vec<_> = (0..20)
        .map(|_| {
            let store = t.store.clone();
            tokio::spawn(async move {
                store
                    .rate_limit_allows("form:busy", now, 12_000, 60_000)
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut allowed = 0;
    for task in tasks {
        allowed += usize::from(task.await.unwrap());
    }
    assert_eq!(allowed, 5);
    assert_eq!(t.store.pending_migrations().await.unwrap(), 0);
}

fn today() -> chrono::NaiveDate {
    hrnexus::i18n::today()
}

async fn employer(store: &hrnexus::storage::DynStorage, address: &str) -> i64 {
    let token = format!("hash-{address}");
    store
        .create_login_link(&email(address), "nl", &token, now() + 600, &mail(address))
        .await
        .unwrap();
    store
        .consume_login_link(&token, now())
        .await
        .unwrap()
        .unwrap()
        .id
}

fn new_scan(owner: ScanOwner, departments: &[&str], shared: Option<&str>) -> NewScan {
    NewScan {
        owner,
        organisation: "Bakkerij Jansen".into(),
        team: "Productie".into(),
        lang: "nl".into(),
        min_group: 5,
        min_comments: 8,
        departments: departments.iter().map(|d| d.to_string()).collect(),
        opened_on: today(),
        closes_on: today() + chrono::Duration::days(14),
        shared_token_hash: shared.map(str::to_owned),
        invites: Vec::new(),
    }
}

fn submission(
    round_id: i64,
    marker: String,
    department_id: Option<i64>,
    answers: [i16; 5],
) -> Submission {
    Submission {
        round_id,
        marker,
        department_id,
        answered_on: today(),
        answers,
        signals: [Some(4), None, Some(0)],
        comment: None,
    }
}

async fn magic_links_sign_in_once(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let address = email("eigenaar@bakkerij.nl");
    store
        .create_login_link(
            &address,
            "nl",
            "h1",
            now() + 600,
            &mail("eigenaar@bakkerij.nl"),
        )
        .await
        .unwrap();
    assert_eq!(
        store.outbox_counts().await.unwrap().pending,
        1,
        "the link mail is queued with the link"
    );
    let first = store
        .consume_login_link("h1", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(first.email, "eigenaar@bakkerij.nl");
    assert!(
        store
            .consume_login_link("h1", now())
            .await
            .unwrap()
            .is_none(),
        "single use"
    );
    store
        .create_login_link(
            &address,
            "nl",
            "h2",
            now() + 600,
            &mail("eigenaar@bakkerij.nl"),
        )
        .await
        .unwrap();
    let again = store
        .consume_login_link("h2", now())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(again.id, first.id, "the same employer");
    store
        .create_login_link(
            &address,
            "nl",
            "h3",
            now() - 1,
            &mail("eigenaar@bakkerij.nl"),
        )
        .await
        .unwrap();
    assert!(
        store
            .consume_login_link("h3", now())
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    assert!(
        store
            .consume_login_link("unknown", now())
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.employer_by_id(first.id).await.unwrap().unwrap().email,
        first.email
    );
}

async fn scans_belong_to_their_owner(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let (a, b) = (
        employer(store, "a@x.nl").await,
        employer(store, "b@x.nl").await,
    );
    let scan_id = store
        .create_scan(&new_scan(
            ScanOwner::Employer(a),
            &["Winkel", "Bakkerij"],
            None,
        ))
        .await
        .unwrap();
    let scan = store.scan_by_id(scan_id).await.unwrap().unwrap();
    assert!(scan.is_owned_by(ScanOwner::Employer(a)) && !scan.is_owned_by(ScanOwner::Employer(b)));
    assert_eq!(
        store.scans_of(ScanOwner::Employer(a)).await.unwrap().len(),
        1
    );
    assert!(
        store
            .scans_of(ScanOwner::Employer(b))
            .await
            .unwrap()
            .is_empty()
    );
    let names: Vec<String> = store
        .departments(scan_id)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["Winkel", "Bakkerij"]);
    let rounds = store.rounds(scan_id).await.unwrap();
    assert_eq!(
        (rounds.len(), rounds[0].number, rounds[0].shared_link),
        (1, 1, false)
    );
    assert!(rounds[0].is_open(today()));

    let second = store
        .open_round(
            scan_id,
            today(),
            today() + chrono::Duration::days(7),
            Some("shared-2"),
            &[("r2-invite".into(), None)],
        )
        .await
        .unwrap();
    assert_eq!(
        (second.number, second.shared_link, second.invited),
        (2, true, 1)
    );
    assert!(
        matches!(store.scan_entry("r2-invite").await.unwrap(), Some(ScanEntry::Invite { round, .. }) if round.id == second.id)
    );
    let mut with_links = new_scan(ScanOwner::Employer(a), &[], None);
    with_links.invites = vec![("first-a".into(), None), ("first-b".into(), None)];
    let linked = store.create_scan(&with_links).await.unwrap();
    assert_eq!(
        store.rounds(linked).await.unwrap()[0].invited,
        2,
        "links stored with the scan"
    );
    assert!(store.scan_entry("first-b").await.unwrap().is_some());
    let rounds = store.rounds(scan_id).await.unwrap();
    assert!(
        !rounds[0].is_open(today()),
        "opening a round closes the previous one"
    );
    store.close_round(second.id, now()).await.unwrap();
    assert!(!store.rounds(scan_id).await.unwrap()[1].is_open(today()));
}

async fn responses_are_stored_once_and_only_while_open(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let owner = ScanOwner::Employer(employer(store, "a@x.nl").await);
    let scan_id = store
        .create_scan(&new_scan(owner, &["Winkel"], Some("shared-1")))
        .await
        .unwrap();
    let round = store.rounds(scan_id).await.unwrap().remove(0);
    let winkel = store.departments(scan_id).await.unwrap()[0].id;
    store
        .add_invites(
            round.id,
            &[("inv-1".into(), Some(winkel)), ("inv-2".into(), None)],
        )
        .await
        .unwrap();
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].invited, 2);

    match store.scan_entry("inv-1").await.unwrap().unwrap() {
        ScanEntry::Invite {
            department_id,
            used,
            round: r,
            ..
        } => assert_eq!((department_id, used, r.id), (Some(winkel), false, round.id)),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        store.scan_entry("shared-1").await.unwrap(),
        Some(ScanEntry::Shared { .. })
    ));
    assert!(store.scan_entry("nothing").await.unwrap().is_none());

    // Markers are keyed hashes of tokens in the app; any distinct string will do here.
    let invite = |marker: &str| format!("invite-{marker}");
    let mut with_comment = submission(round.id, invite("inv-1"), Some(winkel), [5, 4, 3, 2, 0]);
    with_comment.comment = Some("Meer ruimte graag".into());
    assert_eq!(
        store.submit_response(&with_comment).await.unwrap(),
        SubmitOutcome::Stored
    );
    assert_eq!(
        store.submit_response(&with_comment).await.unwrap(),
        SubmitOutcome::AlreadyUsed
    );
    assert!(
        matches!(
            store.scan_entry("inv-1").await.unwrap(),
            Some(ScanEntry::Invite { used: false, .. })
        ),
        "an answer writes nothing to its invite"
    );
    let shared = "form-1".to_string();
    assert_eq!(
        store
            .submit_response(&submission(round.id, shared.clone(), None, [1, 1, 1, 1, 1]))
            .await
            .unwrap(),
        SubmitOutcome::Stored
    );
    assert_eq!(
        store
            .submit_response(&submission(round.id, shared, None, [1, 1, 1, 1, 1]))
            .await
            .unwrap(),
        SubmitOutcome::AlreadyUsed
    );

    let groups = store.round_counts(round.id).await.unwrap();
    assert_eq!(groups.len(), 2);
    let (none, shop) = (&groups[0], &groups[1]);
    assert_eq!((none.department_id, none.counts.responses), (None, 1));
    assert_eq!(
        (shop.department_id, shop.counts.responses),
        (Some(winkel), 1)
    );
    use hrnexus_core::scan::{Aspect, Signal};
    assert_eq!(
        shop.counts.aspects[Aspect::Werkwijze].counts,
        [0, 0, 0, 0, 1]
    );
    assert_eq!(shop.counts.aspects[Aspect::Steun].dont_know, 1);
    assert_eq!(
        shop.counts.signals[Signal::Initiative].total(),
        0,
        "skipped signals are not counted"
    );
    assert_eq!(shop.counts.signals[Signal::IntentionToLeave].dont_know, 1);
    // Counts are remembered between calls, but never outlive a new response.
    assert_eq!(
        store.round_counts(round.id).await.unwrap()[1]
            .counts
            .responses,
        1
    );
    let another = "form-2".to_string();
    assert_eq!(
        store
            .submit_response(&submission(
                round.id,
                another,
                Some(winkel),
                [2, 2, 2, 2, 2]
            ))
            .await
            .unwrap(),
        SubmitOutcome::Stored
    );
    let again = store.round_counts(round.id).await.unwrap();
    assert_eq!(again[1].counts.responses, 2);
    assert_eq!(
        again[1].counts.aspects[Aspect::Werkwijze].counts,
        [0, 1, 0, 0, 1]
    );
    let comments = store.round_comments(round.id).await.unwrap();
    assert_eq!(
        (comments.len(), comments[0].body.as_str()),
        (1, "Meer ruimte graag")
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].responses, 3);

    store.close_round(round.id, now()).await.unwrap();
    let late = submission(round.id, invite("inv-2"), None, [3, 3, 3, 3, 3]);
    assert_eq!(
        store.submit_response(&late).await.unwrap(),
        SubmitOutcome::Closed
    );
    assert!(
        matches!(
            store.scan_entry("inv-2").await.unwrap(),
            Some(ScanEntry::Invite { used: false, .. })
        ),
        "nothing half-written"
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].responses, 3);
}

async fn one_invite_used_at_once_stores_one_response(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = t.store.clone();
    let owner = ScanOwner::Employer(employer(&store, "a@x.nl").await);
    let scan_id = store
        .create_scan(&new_scan(owner, &[], None))
        .await
        .unwrap();
    let round = store.rounds(scan_id).await.unwrap().remove(0);
    store
        .add_invites(round.id, &[("inv".into(), None)])
        .await
        .unwrap();
    let attempts: Vec<_> = (0..8)
        .map(|_| {
            let store = store.clone();
            let s = submission(round.id, "invite-inv".to_string(), None, [4, 4, 4, 4, 4]);
            tokio::spawn(async move { store.submit_response(&s).await.unwrap() })
        })
        .collect();
    let mut stored = 0;
    for attempt in attempts {
        if attempt.await.unwrap() == SubmitOutcome::Stored {
            stored += 1;
        }
    }
    assert_eq!(stored, 1);
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].responses, 1);
}

async fn many_invites_and_the_latest_round_per_scan(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let owner = ScanOwner::Employer(employer(store, "a@x.nl").await);
    let first = store
        .create_scan(&new_scan(owner, &[], None))
        .await
        .unwrap();
    let second = store
        .create_scan(&new_scan(owner, &[], None))
        .await
        .unwrap();
    // 2,000 links (more than one multi-row INSERT) in one round, all findable.
    let invites: Vec<(String, Option<i64>)> =
        (0..2000).map(|i| (format!("many-{i}"), None)).collect();
    let today = hrnexus::i18n::today();
    let round = store
        .open_round(first, today, today + chrono::Days::new(7), None, &invites)
        .await
        .unwrap();
    assert_eq!(round.number, 2);
    assert_eq!(store.rounds(first).await.unwrap()[1].invited, 2000);
    for token in ["many-0", "many-249", "many-250", "many-1999"] {
        assert!(store.scan_entry(token).await.unwrap().is_some(), "{token}");
    }
    // The list of scans carries each scan's latest round.
    let summaries = store.scans_of(owner).await.unwrap();
    let latest: Vec<(i64, i32)> = summaries
        .iter()
        .map(|s| (s.scan.id, s.latest.number))
        .collect();
    assert_eq!(latest, vec![(second, 1), (first, 2)]);
}

both_backends!(
    magic_links_sign_in_once,
    scans_belong_to_their_owner,
    responses_are_stored_once_and_only_while_open,
    one_invite_used_at_once_stores_one_response,
    many_invites_and_the_latest_round_per_scan,
    staff_accounts_are_unique,
    enabling_totp_queues_its_notice_atomically,
    totp_steps_are_accepted_once,
    audit_counts_by_actor_and_ip,
    sessions_expire_and_never_collide,
    outbox_claims_retries_and_fails,
    concurrent_claims_never_share_a_message,
    api_keys_are_found_by_hash_until_revoked,
    backups_are_consistent_copies,
    rate_limits_allow_a_burst_then_a_pace,
    concurrent_rate_limit_hits_never_overshoot,
);

#[test]
fn both_backends_have_the_same_migrations() {
    let versions = |dir: &str| -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(format!(
            "{}/crates/storage/migrations/{dir}",
            env!("CARGO_MANIFEST_DIR")
        ))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
        names.sort();
        names
    };
    assert_eq!(versions("sqlite"), versions("postgres"));
}
