//! The outbox worker delivers through a real SMTP server process (aiosmtpd), or into `.eml`
//! files when no SMTP server is configured, and retries with backoff when delivery fails.

use crate::common;

use std::time::{Duration, Instant};

use common::Db;
use hrnexus::{
    mail::{Mailer, deliver_due},
    storage::{MailStatus, OutgoingMail, now},
};

fn newsletter_like_mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "HRnexus Kompas — november".into(),
        text_body: "Beste lezer,\n\nDit is de tekst.".into(),
        html_body: Some("<p>Beste lezer,</p><p>Dit is de <strong>tekst</strong>.</p>".into()),
        headers: vec![
            (
                "List-Unsubscribe".into(),
                "<https://hrnexus.nl/kompas/afmelden/abc>".into(),
            ),
            (
                "List-Unsubscribe-Post".into(),
                "List-Unsubscribe=One-Click".into(),
            ),
        ],
        carries_secret: false,
    }
}

fn delivered_messages(server: &common::SmtpServer) -> Vec<String> {
    let new = server.maildir.path().join("box").join("new");
    std::fs::read_dir(new)
        .map(|dir| {
            dir.flatten()
                .map(|e| std::fs::read_to_string(e.path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn worker_delivers_over_smtp_once() {
    let Some(server) = common::start_smtp_server("SMTP delivery") else {
        return;
    };
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n",
        server.port
    );
    let app = common::spawn_with(Db::Sqlite, &smtp).await.unwrap();
    let id = app
        .store
        .enqueue_mail(&newsletter_like_mail("lezer@voorbeeld.nl"))
        .await
        .unwrap();
    app.running.state.mail_wake.notify_one();

    let deadline = Instant::now() + Duration::from_secs(20);
    let message = loop {
        if let Some(message) = delivered_messages(&server).pop() {
            break message;
        }
        assert!(
            Instant::now() < deadline,
            "no mail arrived at the SMTP server"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(message.contains("To: lezer@voorbeeld.nl"));
    assert!(message.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
    assert!(message.contains("multipart/alternative"));
    assert!(message.contains("text/plain") && message.contains("text/html"));

    // Marked sent, and a second pass sends nothing again.
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.store.mail_by_id(id).await.unwrap().unwrap().status != MailStatus::Sent {
        assert!(Instant::now() < deadline, "not marked sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mailer = Mailer::from_settings(&app.running.state.settings).unwrap();
    assert_eq!(deliver_due(&app.store, &mailer).await.unwrap().sent, 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(delivered_messages(&server).len(), 1);
}

/// A sign-in link reaches the recipient over SMTP, and the outbox keeps no copy of it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secret_mail_is_delivered_then_erased() {
    let Some(server) = common::start_smtp_server("SMTP delivery") else {
        return;
    };
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n",
        server.port
    );
    let app = common::spawn_with(Db::Sqlite, &smtp).await.unwrap();
    let mut mail = newsletter_like_mail("werkgever@voorbeeld.nl").carrying_secret();
    mail.text_body = "Inloggen: https://hrnexus.nl/werkgever/inloggen/geheim-token".into();
    let id = app.store.enqueue_mail(&mail).await.unwrap();
    app.running.state.mail_wake.notify_one();
    let deadline = Instant::now() + Duration::from_secs(20);
    let message = loop {
        if let Some(message) = delivered_messages(&server).pop() {
            break message;
        }
        assert!(Instant::now() < deadline, "no mail arrived");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert!(
        message.contains("geheim-token"),
        "the recipient gets the link"
    );
    assert!(message.contains("kompas/afmelden/abc"), "and the header");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let stored = app.store.mail_by_id(id).await.unwrap().unwrap();
        if stored.status == MailStatus::Sent {
            assert!(!stored.mail.text_body.contains("geheim-token"));
            assert_eq!(stored.mail.html_body, None);
            // The one-click header holds a subscriber's manage link: a secret as well.
            assert!(
                stored.mail.headers.is_empty(),
                "headers kept: {:?}",
                stored.mail.headers
            );
            break;
        }
        assert!(Instant::now() < deadline, "not marked sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_smtp_server_means_a_retry_later() {
    let dir = tempfile::tempdir().unwrap();
    let (_reserved, port) = common::closed_port();
    let settings = common::settings(
        dir.path(),
        None,
        &format!("[smtp]\nhost = \"127.0.0.1\"\nport = {port}\ntls = \"none\"\n"),
    );
    let store = hrnexus::app::open_storage(&settings).await.unwrap();
    let id = store
        .enqueue_mail(&newsletter_like_mail("a@voorbeeld.nl"))
        .await
        .unwrap();
    let mailer = Mailer::from_settings(&settings).unwrap();
    let report = deliver_due(&store, &mailer).await.unwrap();
    assert_eq!((report.sent, report.retried, report.failed), (0, 1, 0));
    let mail = store.mail_by_id(id).await.unwrap().unwrap();
    assert_eq!((mail.status, mail.attempts), (MailStatus::Pending, 1));
    assert!(
        mail.next_attempt_at >= now() + 50,
        "backs off before the next try"
    );
    assert!(mail.last_error.is_some());
    // Not due yet: a second pass leaves it alone.
    assert_eq!(deliver_due(&store, &mailer).await.unwrap().retried, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_smtp_mail_becomes_eml_files() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    app.store
        .enqueue_mail(&newsletter_like_mail("lezer@voorbeeld.nl"))
        .await
        .unwrap();
    app.running.state.mail_wake.notify_one();
    let dir = app.dir.path().join("mail");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().collect();
        if let Some(file) = files
            .iter()
            .find(|f| f.file_name().to_string_lossy().ends_with(".eml"))
        {
            let text = std::fs::read_to_string(file.path()).unwrap();
            assert!(text.contains("Subject:") && text.contains("List-Unsubscribe"));
            break;
        }
        assert!(Instant::now() < deadline, "no .eml file written");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Two instances on one PostgreSQL database, each with its own worker: every message is
/// delivered exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_instances_deliver_each_message_once() {
    let Some(pg) = common::fresh_pg_database().await else {
        return;
    };
    let url = pg.url.clone();
    let (dir_a, dir_b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let settings_a = common::settings(dir_a.path(), Some(url.clone()), "");
    let settings_b = common::settings(dir_b.path(), Some(url), "");
    let store = hrnexus::app::open_storage(&settings_a).await.unwrap();
    for i in 0..60 {
        store
            .enqueue_mail(&newsletter_like_mail(&format!("lezer{i}@voorbeeld.nl")))
            .await
            .unwrap();
    }
    let store_b = hrnexus::app::open_storage(&settings_b).await.unwrap();
    let a = hrnexus::app::start(settings_a, store.clone())
        .await
        .unwrap();
    let b = hrnexus::app::start(settings_b, store_b).await.unwrap();
    a.state.mail_wake.notify_one();
    b.state.mail_wake.notify_one();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.outbox_counts().await.unwrap().sent < 60 {
        assert!(Instant::now() < deadline, "not all mail delivered");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let files =
        |dir: &tempfile::TempDir| std::fs::read_dir(dir.path().join("mail")).unwrap().count();
    assert_eq!(
        files(&dir_a) + files(&dir_b),
        60,
        "each message written once, by one instance"
    );
    a.stop().await;
    b.stop().await;
}

/// Graceful shutdown in the middle of delivering: the stopping instance finishes the message
/// in hand, gives the rest of its claimed batch back at once (nothing waits out a lease), and
/// the next instance delivers what is left. Every message arrives exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stopping_mid_delivery_loses_and_repeats_nothing() {
    const TOTAL: usize = 300;
    let dir = tempfile::tempdir().unwrap();
    let settings = || common::settings(dir.path(), None, "");
    let store = hrnexus::app::open_storage(&settings()).await.unwrap();
    for i in 0..TOTAL {
        store
            .enqueue_mail(&newsletter_like_mail(&format!("lezer{i}@voorbeeld.nl")))
            .await
            .unwrap();
    }
    let files = || {
        std::fs::read_dir(dir.path().join("mail"))
            .map(|d| d.count())
            .unwrap_or(0)
    };
    let a = hrnexus::app::start(settings(), store.clone())
        .await
        .unwrap();
    a.state.mail_wake.notify_one();
    let deadline = Instant::now() + Duration::from_secs(30);
    while store.outbox_counts().await.unwrap().sent < 20 {
        assert!(Instant::now() < deadline, "delivery did not start");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    a.stop().await;
    let counts = store.outbox_counts().await.unwrap();
    assert!(
        (counts.sent as usize) < TOTAL,
        "stopped in the middle, not after draining the outbox ({} sent)",
        counts.sent
    );
    assert_eq!(
        files(),
        counts.sent as usize,
        "every delivered message is marked sent"
    );
    assert_eq!(
        counts.sending, 0,
        "messages still claimed by the stopped instance"
    );

    let b = hrnexus::app::start(settings(), store.clone())
        .await
        .unwrap();
    b.state.mail_wake.notify_one();
    let deadline = Instant::now() + Duration::from_secs(60);
    while (store.outbox_counts().await.unwrap().sent as usize) < TOTAL {
        assert!(Instant::now() < deadline, "the rest was not delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    b.stop().await;
    assert_eq!(files(), TOTAL, "each message written exactly once");
}
