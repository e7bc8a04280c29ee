//! Issues of the HRnexus Kompas: composed, previewed, tested and sent from the back office;
//! received once by every confirmed reader and by nobody else; the public archive; and the
//! safety of sending from two instances at once, and when one of them is killed mid-issue,
//! against a real SMTP server process that records what it receives.

use std::{
    collections::HashMap,
    time::{Duration, Instant},
};

use crate::{both_backends, common, introductions::sign_in_staff};

use common::Db;
use hrnexus::{
    app,
    storage::{DynStorage, NewArticle, NewConsent, NewIssue, NewSubscription, OutgoingMail, now},
};
use hrnexus_core::{content::ArticleSlug, email::EmailAddress, issue::IssueState};

async fn publish_article(store: &DynStorage, title: &str, slug: &str) -> i64 {
    store
        .create_article(&NewArticle {
            lang: "nl".into(),
            slug: ArticleSlug::parse(slug).unwrap(),
            title: title.into(),
            summary: "Waarom regelruimte loont.".into(),
            body_markdown: "Tekst van het artikel.".into(),
            theme: "Leiderschap".into(),
            author: "Redactie HRnexus".into(),
            published_at: Some(now() - 3600),
        })
        .await
        .unwrap()
}

/// Waits until the issue is sent; returns its deliveries' progress.
async fn wait_sent(store: &DynStorage, id: i64, within: Duration) {
    let deadline = Instant::now() + within;
    loop {
        let issue = store.issue(id).await.unwrap().unwrap();
        if IssueState::parse(&issue.state) == IssueState::Sent {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "issue not sent in time: {:?} {:?}",
            issue.state,
            store.issue_progress(id).await.unwrap()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn composed_previewed_tested_sent_and_archived(db: Db) {
    let Some(app) =
        common::spawn_with(db, "[newsletter]\nmax_per_second = 0\ncheck_seconds = 1\n").await
    else {
        return;
    };
    let readers = ["lezer1@voorbeeld.nl", "lezer2@voorbeeld.nl"];
    let mut one_click = HashMap::new();
    for reader in readers {
        one_click.insert(reader, crate::kompas::subscribed(&app, reader).await);
    }
    // Signed up, never confirmed: gets nothing but the confirmation mail.
    assert_eq!(
        crate::kompas::sign_up_form(&app, "onbevestigd@voorbeeld.nl")
            .await
            .status(),
        200
    );
    let article = publish_article(&app.store, "Regelruimte in de zorg", "regelruimte-zorg").await;

    sign_in_staff(&app).await;
    let page = app.get("/beheer/kompas/nieuw").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(
        html.contains(&format!("value=\"{article}\" checked")),
        "a recent article is ticked: {html}"
    );

    // Wrong input: a Dutch message beside the field, what was typed kept, nothing stored.
    let intro = "Beste lezer,\n\nDeze maand: regelruimte.";
    let response = app
        .post_form(
            "/beheer/kompas/nieuw",
            &[
                ("lang", "nl"),
                ("subject", " "),
                ("introduction", intro),
                ("artikel", "999999"),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Vul dit veld in."), "{html}");
    assert!(html.contains("bestaat niet (meer)"), "{html}");
    assert!(html.contains("Deze maand: regelruimte."));
    // (A short new-article mail may exist by now; no monthly issue does.)
    let stored = app.store.issues(10).await.unwrap();
    assert!(stored.iter().all(|i| i.audience != "all"), "{stored:?}");

    let article_id = article.to_string();
    let response = app
        .post_form(
            "/beheer/kompas/nieuw",
            &[
                ("lang", "nl"),
                ("subject", "Kompas december"),
                ("introduction", intro),
                ("artikel", &article_id),
            ],
        )
        .await;
    assert_eq!(response.status(), 303);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let id: i64 = location.rsplit('/').next().unwrap().parse().unwrap();

    // The preview: the HTML part as readers get it, in a sandbox that runs nothing.
    let preview = app.get(&format!("/beheer/kompas/{id}/voorbeeld")).await;
    assert_eq!(preview.status(), 200);
    let csp = preview.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.contains("sandbox") && csp.contains("default-src 'none'"),
        "{csp}"
    );
    let html = preview.text().await.unwrap();
    assert!(html.contains("<table") && html.contains("Regelruimte in de zorg"));
    let page = app.get(&location).await.text().await.unwrap();
    assert!(
        page.contains("Deze maand: regelruimte."),
        "the text part shown"
    );
    assert!(
        page.contains("Gaat naar 2 bevestigde abonnees"),
        "who it would go to now"
    );
    let anonymous = common::client()
        .get(app.url(&format!("/beheer/kompas/{id}/voorbeeld")))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303, "staff only");

    // A test mail to one address; a wrong address is named beside the field.
    let response = app
        .post_form(
            &format!("/beheer/kompas/{id}/test"),
            &[("test_address", "geen adres")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Vul een geldig e-mailadres in") && html.contains("geen adres"));
    let response = app
        .post_form(
            &format!("/beheer/kompas/{id}/test"),
            &[("test_address", "redactie@hrnexus.nl")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let test = crate::kompas::mails_to(&app, "redactie@hrnexus.nl", 1).await;
    assert!(test[0].contains("[TEST] Kompas december"));
    assert_eq!(
        app.store.issue(id).await.unwrap().unwrap().state,
        "draft",
        "a test changes nothing"
    );

    // A moment in the past is refused with what was typed kept.
    let response = app
        .post_form(
            &format!("/beheer/kompas/{id}/verzenden"),
            &[("when", "later"), ("send_at", "2020-01-06T09:00")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("al voorbij") && html.contains("2020-01-06T09:00"));

    let response = app
        .post_form(
            &format!("/beheer/kompas/{id}/verzenden"),
            &[("when", "now")],
        )
        .await;
    assert_eq!(response.status(), 303);
    wait_sent(&app.store, id, Duration::from_secs(30)).await;
    let progress = app.store.issue_progress(id).await.unwrap();
    assert_eq!((progress.total, progress.sent, progress.failed), (2, 2, 0));

    // Sent: nothing about it can change any more.
    let response = app
        .post_form(
            &format!("/beheer/kompas/{id}"),
            &[("lang", "nl"), ("subject", "Anders"), ("introduction", "x")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert_eq!(
        app.store.issue(id).await.unwrap().unwrap().subject,
        "Kompas december"
    );

    for reader in readers {
        // Confirmation, welcome, then the issue.
        let mails = crate::kompas::mails_to(&app, reader, 3).await;
        assert_eq!(mails.len(), 3, "{reader}: one issue, once");
        let issue = &mails[2];
        assert!(issue.contains("Subject: Kompas december"), "{issue}");
        assert!(issue.contains("text/plain") && issue.contains("text/html"));
        assert!(issue.contains("Regelruimte in de zorg"));
        assert!(issue.contains("/inzichten/regelruimte-zorg"));
        let path = crate::kompas::one_click_path(&app, issue);
        assert_eq!(path, one_click[reader], "the reader's own link");
    }
    let pending = crate::kompas::mails_to(&app, "onbevestigd@voorbeeld.nl", 1).await;
    assert_eq!(pending.len(), 1, "the unconfirmed address got no issue");

    // One click from the mail program unsubscribes, without a session.
    let response = common::client()
        .post(app.url(&one_click[readers[0]]))
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        crate::kompas::state_of(&app, readers[0]).await.as_deref(),
        Some("unsubscribed")
    );

    // Someone holding the database finds no working manage link: issue mails are composed at
    // delivery and never stored, and the outbox forgot the links it delivered.
    for mail in app.store.list_mail(100).await.unwrap() {
        if mail.status == hrnexus::storage::MailStatus::Sent && mail.mail.carries_secret {
            assert!(!mail.mail.text_body.contains("/kompas/afmelden/"));
            assert!(mail.mail.headers.is_empty());
        }
    }

    // After the retention period the deliveries (who got which issue) go; the figures stay.
    let retention = app.running.state.settings.retention.clone();
    let later = now() + (retention.outbox_days as i64 + 1) * 86_400;
    app::apply_retention(&app.store, &retention, later)
        .await
        .unwrap();
    assert_eq!(app.store.issue_progress(id).await.unwrap().total, 0);
    let status = hrnexus::services::issues::status(app.store.as_ref(), id)
        .await
        .unwrap();
    assert_eq!((status.progress.total, status.progress.sent), (2, 2));

    // The public archive shows what went out, in its language only.
    let archive = app.get("/kompas/archief").await.text().await.unwrap();
    assert!(archive.contains("Kompas december"));
    let shown = app.get(&format!("/kompas/archief/{id}")).await;
    assert_eq!(shown.status(), 200);
    let shown = shown.text().await.unwrap();
    assert!(shown.contains("Regelruimte in de zorg") && shown.contains("Deze maand: regelruimte."));
    assert_eq!(
        app.get(&format!("/en/kompas/archief/{id}")).await.status(),
        404
    );
    let draft = app
        .store
        .create_issue(
            &NewIssue {
                lang: "nl",
                subject: "Nog niet af",
                introduction: "Concept",
                article_ids: &[],
            },
            now(),
        )
        .await
        .unwrap();
    assert_eq!(
        app.get(&format!("/kompas/archief/{draft}")).await.status(),
        404
    );
    assert_eq!(app.get("/kompas/archief/abc").await.status(), 404);
    assert!(
        !app.get("/kompas/archief")
            .await
            .text()
            .await
            .unwrap()
            .contains("Nog niet af")
    );
}

/// `count` confirmed subscribers `lezer{i}@voorbeeld.nl`, straight through storage.
async fn seed_readers(store: &DynStorage, count: usize) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0..count {
        let address = format!("lezer{i}@voorbeeld.nl");
        let email = EmailAddress::parse(&address).unwrap();
        let token_hash = format!("confirm-{i}");
        let mail = OutgoingMail {
            recipient: address.clone(),
            subject: "Aanmelding".into(),
            text_body: "x".into(),
            ..OutgoingMail::default()
        };
        store
            .request_subscription(
                &NewSubscription {
                    email: &email,
                    lang: "nl",
                    link_key: &format!("key-{i}"),
                    link_hash: &format!("link-{i}"),
                    consent: NewConsent {
                        requested_at: now(),
                        request_ip: None,
                        text_version: "test",
                        shown_text: "Ja, stuur mij het Kompas.",
                        preferences: "",
                    },
                    token_hash: &token_hash,
                    expires_at: now() + 3600,
                },
                &mail,
            )
            .await
            .unwrap();
        assert!(
            store
                .confirm_subscription(&token_hash, now(), &mail)
                .await
                .unwrap()
        );
        out.push(address);
    }
    // The empty sign-up mails are not what this test is about.
    sqlx_free_outbox(store).await;
    out
}

/// Marks every queued mail failed so the outbox worker leaves the SMTP server to the issue.
async fn sqlx_free_outbox(store: &DynStorage) {
    for mail in store.list_mail(100_000).await.unwrap() {
        store.mark_mail_failed(mail.id, "test", None).await.unwrap();
    }
}

/// The issue mails the SMTP server recorded, per recipient.
fn received(server: &common::SmtpServer, subject: &str) -> HashMap<String, usize> {
    let dir = server.maildir.path().join("box").join("new");
    let mut counts = HashMap::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let Ok(text) = std::fs::read_to_string(entry.path()) else {
            continue;
        };
        if !text.contains(&format!("Subject: {subject}")) {
            continue;
        }
        if let Some(to) = text
            .lines()
            .find_map(|l| l.strip_prefix("To: "))
            .map(str::to_owned)
        {
            *counts.entry(to).or_insert(0) += 1;
        }
    }
    counts
}

async fn scheduled_issue(store: &DynStorage, subject: &str) -> i64 {
    let id = store
        .create_issue(
            &NewIssue {
                lang: "nl",
                subject,
                introduction: "Beste lezer,\n\nDit nummer gaat naar iedereen precies een keer.",
                article_ids: &[],
            },
            now(),
        )
        .await
        .unwrap();
    assert!(store.schedule_issue(id, Some(now()), now()).await.unwrap());
    id
}

/// Two instances against one PostgreSQL send one issue: every subscriber gets it exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_send_an_issue_exactly_once() {
    let Some(server) = common::start_smtp_server("Kompas from two instances") else {
        return;
    };
    let Some(pg) = common::fresh_pg_database().await else {
        return;
    };
    let toml = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n\n\
         [newsletter]\nmax_per_second = 0\nbatch = 20\nconcurrency = 4\ncheck_seconds = 1\n",
        server.port
    );
    let mut instances = Vec::new();
    for _ in 0..2 {
        let dir = tempfile::tempdir().unwrap();
        let settings = common::settings(dir.path(), Some(pg.url.clone()), &toml);
        let store = app::open_storage(&settings).await.unwrap();
        let running = app::start(settings, store.clone()).await.unwrap();
        instances.push((dir, store, running));
    }
    let store = instances[0].1.clone();
    let readers = seed_readers(&store, 300).await;
    let id = scheduled_issue(&store, "Kompas voor twee instanties").await;
    for (_, _, running) in &instances {
        running.state.issue_wake.notify_one();
    }
    wait_sent(&store, id, Duration::from_secs(90)).await;
    let counts = received(&server, "Kompas voor twee instanties");
    for reader in &readers {
        assert_eq!(counts.get(reader), Some(&1), "{reader}");
    }
    assert_eq!(counts.len(), readers.len(), "nobody else");
    let progress = store.issue_progress(id).await.unwrap();
    assert_eq!((progress.sent, progress.remaining()), (300, 0));
    for (_, _, running) in instances {
        running.stop().await;
    }
}

fn hrnexus_process(dir: &std::path::Path, pg_url: &str, smtp_port: u16) -> std::process::Child {
    let config = dir.join("hrnexus.toml");
    std::fs::write(
        &config,
        format!(
            "[smtp]\nhost = \"127.0.0.1\"\nport = {smtp_port}\ntls = \"none\"\n\n\
             [newsletter]\nmax_per_second = 100\nbatch = 10\nconcurrency = 4\n\
             lease_seconds = 2\ncheck_seconds = 1\n"
        ),
    )
    .unwrap();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_hrnexus"));
    for (key, _) in std::env::vars().filter(|(k, _)| k.starts_with("HRNEXUS_")) {
        command.env_remove(key);
    }
    command
        .env("HRNEXUS_LOG", "warn")
        .env(
            "HRNEXUS_SERVER_SECRET",
            "4b6f6d7061732d746573742d7365637265742d6b6f6d7061732d746573742d31",
        )
        .args(["serve", "--listen", "127.0.0.1:0", "--config"])
        .arg(&config)
        .args(["--data-dir"])
        .arg(dir)
        .args(["--database-url", pg_url])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap()
}

/// One of two instances is killed with SIGKILL in the middle of an issue: the other finishes
/// it, nobody is skipped, and the only duplicates are mails of the batch that was in flight.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sigkill_mid_issue_skips_nobody() {
    let Some(server) = common::start_smtp_server("Kompas after a SIGKILL") else {
        return;
    };
    let Some(pg) = common::fresh_pg_database().await else {
        return;
    };
    let store = hrnexus::storage::connect(&pg.url).await.unwrap();
    let readers = seed_readers(&store, 400).await;
    let subject = "Kompas na een SIGKILL";
    let id = scheduled_issue(&store, subject).await;
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let mut a = hrnexus_process(dir_a.path(), &pg.url, server.port);
    let mut b = hrnexus_process(dir_b.path(), &pg.url, server.port);
    // Let both send a while, then kill one without any chance to clean up.
    let deadline = Instant::now() + Duration::from_secs(60);
    while received(&server, subject).len() < 60 {
        assert!(Instant::now() < deadline, "sending did not start");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.kill().unwrap();
    a.wait().unwrap();
    wait_sent(&store, id, Duration::from_secs(90)).await;
    b.kill().unwrap();
    b.wait().unwrap();
    let counts = received(&server, subject);
    for reader in &readers {
        assert!(
            counts.get(reader).is_some_and(|n| *n >= 1),
            "{reader} was skipped"
        );
    }
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    // In flight at the kill: at most one claimed batch (10) of the killed instance.
    println!(
        "Kompas SIGKILL test: {duplicates} duplicate(s) among {} readers",
        readers.len()
    );
    assert!(duplicates <= 10, "{duplicates} duplicates");
    let progress = store.issue_progress(id).await.unwrap();
    assert_eq!(progress.sent, 400);
}

async fn the_api_lists_articles_and_starts_a_double_opt_in(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (key, prefix, hash) = hrnexus::auth::new_api_key();
    app.store
        .create_api_key("partner-site", &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    publish_article(&app.store, "Regelruimte in de zorg", "regelruimte-zorg").await;
    app.store
        .create_article(&NewArticle {
            lang: "nl".into(),
            slug: ArticleSlug::parse("nog-geheim").unwrap(),
            title: "Nog geheim".into(),
            summary: "Concept.".into(),
            body_markdown: "x".into(),
            theme: "Leiderschap".into(),
            author: "Redactie HRnexus".into(),
            published_at: None,
        })
        .await
        .unwrap();
    let api = |path: &str| app.client.get(app.url(path)).bearer_auth(&key).send();
    assert_eq!(
        app.client
            .get(app.url("/api/v1/articles"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
    let list: serde_json::Value = api("/api/v1/articles").await.unwrap().json().await.unwrap();
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 1, "drafts never appear: {list:?}");
    assert_eq!(list[0]["slug"], "regelruimte-zorg");
    assert!(
        list[0]["url"]
            .as_str()
            .unwrap()
            .ends_with("/inzichten/regelruimte-zorg")
    );
    assert_eq!(api("/api/v1/articles?lang=de").await.unwrap().status(), 422);
    assert_eq!(api("/api/v1/articles?page=0").await.unwrap().status(), 422);
    let en: serde_json::Value = api("/api/v1/articles?lang=en")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(en.as_array().unwrap().len(), 0);

    let subscribe = |body: serde_json::Value| {
        app.client
            .post(app.url("/api/v1/kompas/subscriptions"))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let refused = subscribe(serde_json::json!({"email": "geen adres", "consent": true}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let refused: serde_json::Value = refused.json().await.unwrap();
    assert!(refused["fields"]["email"].is_string(), "{refused}");
    let refused = subscribe(serde_json::json!({"email": "lezer@voorbeeld.nl", "consent": false}))
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    assert!(
        crate::kompas::state_of(&app, "lezer@voorbeeld.nl")
            .await
            .is_none()
    );

    let started = subscribe(
        serde_json::json!({"email": "lezer@voorbeeld.nl", "consent": true, "events": true}),
    )
    .await
    .unwrap();
    assert_eq!(started.status(), 202);
    let body: serde_json::Value = started.json().await.unwrap();
    assert_eq!(body["status"], "confirmation_mailed");
    // Pending until the person confirms from their own mailbox, with the API in the proof.
    assert_eq!(
        crate::kompas::state_of(&app, "lezer@voorbeeld.nl")
            .await
            .as_deref(),
        Some("pending")
    );
    let subscriber = app
        .store
        .subscriber_by_email(&EmailAddress::parse("lezer@voorbeeld.nl").unwrap())
        .await
        .unwrap()
        .unwrap();
    let consents = app.store.consents(subscriber.id).await.unwrap();
    assert!(consents[0].shown_text.contains("API: partner-site"));
    // The same answer for an address that is already known.
    let again = subscribe(serde_json::json!({"email": "lezer@voorbeeld.nl", "consent": true}))
        .await
        .unwrap();
    assert_eq!(again.status(), 202);
    let mails = crate::kompas::mails_to(&app, "lezer@voorbeeld.nl", 1).await;
    assert!(mails[0].contains("/kompas/bevestigen/"));
}

/// A subscriber who ticked "een korte mail bij een nieuw artikel" gets one when an article is
/// published, once; others get nothing; old articles are never announced; the short mail is
/// not in the public archive.
async fn a_new_article_is_announced_to_those_who_asked(db: Db) {
    let Some(app) =
        common::spawn_with(db, "[newsletter]\nmax_per_second = 0\ncheck_seconds = 1\n").await
    else {
        return;
    };
    // One reader with the box ticked (through the form), one without.
    let with = "wil-artikelen@voorbeeld.nl";
    let response = app
        .post_form(
            "/kompas",
            &[("email", with), ("toestemming", "ja"), ("artikelen", "ja")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let mails = crate::kompas::mails_to(&app, with, 1).await;
    let confirm = mails[0]
        .split_whitespace()
        .find_map(|w| {
            w.find("/kompas/bevestigen/")
                .map(|at| w[at..].trim_end_matches(['"', '>']).to_owned())
        })
        .unwrap();
    assert_eq!(app.post_form(&confirm, &[]).await.status(), 200);
    crate::kompas::subscribed(&app, "zonder-artikelen@voorbeeld.nl").await;

    // An old article is not news.
    app.store
        .create_article(&NewArticle {
            lang: "nl".into(),
            slug: ArticleSlug::parse("oud-nieuws").unwrap(),
            title: "Oud nieuws".into(),
            summary: "Van vorige maand.".into(),
            body_markdown: "x".into(),
            theme: "Leiderschap".into(),
            author: "Redactie HRnexus".into(),
            published_at: Some(now() - 30 * 86_400),
        })
        .await
        .unwrap();
    publish_article(&app.store, "Regelruimte in de zorg", "regelruimte-zorg").await;
    app.running.state.issue_wake.notify_one();
    let mails = crate::kompas::mails_to(&app, with, 3).await;
    let alert = &mails[2];
    assert!(
        alert.contains("Subject: Nieuw op HRnexus: Regelruimte in de zorg"),
        "{alert}"
    );
    assert!(alert.contains("/inzichten/regelruimte-zorg"));
    crate::kompas::one_click_path(&app, alert);

    // Once, and only to the reader who asked.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(crate::kompas::mails_to(&app, with, 3).await.len(), 3);
    assert_eq!(
        crate::kompas::mails_to(&app, "zonder-artikelen@voorbeeld.nl", 2)
            .await
            .len(),
        2,
        "confirmation and welcome only"
    );
    let issues = app.store.issues(10).await.unwrap();
    assert_eq!(
        issues.len(),
        1,
        "one announcement, none for the old article"
    );
    assert!(
        !app.get("/kompas/archief")
            .await
            .text()
            .await
            .unwrap()
            .contains("Nieuw op HRnexus")
    );
    assert_eq!(
        app.get(&format!("/kompas/archief/{}", issues[0].id))
            .await
            .status(),
        404
    );
}

both_backends!(
    composed_previewed_tested_sent_and_archived,
    the_api_lists_articles_and_starts_a_double_opt_in,
    a_new_article_is_announced_to_those_who_asked,
);
