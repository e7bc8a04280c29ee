//! Hardening from issue 11, on both backends: mail that carries a sign-in link, slow
//! clients, retention with a controllable clock, text with control characters, request ids.

use crate::{both_backends, common};

use std::time::{Duration, Instant};

use common::{Db, TestApp};
use hrnexus::{
    app::apply_retention,
    auth,
    config::Retention,
    storage::{MailStatus, NewAuditEntry, NewScan, OutgoingMail, ScanOwner, now},
};
use hrnexus_core::email::EmailAddress;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const STAFF: &str = "beheer@hrnexus.nl";
const PASSWORD: &str = "een lang genoeg wachtwoord";
const EMPLOYER: &str = "werkgever@bedrijf.nl";
const DAY: i64 = 86_400;

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

/// The newest `.eml` file to `email` that contains `needle` (quoted-printable undone).
async fn delivered_file(app: &TestApp, email: &str, needle: &str) -> String {
    let dir = app.dir.path().join("mail");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let modified = e.metadata().ok()?.modified().ok()?;
                        Some((modified, std::fs::read_to_string(e.path()).ok()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| *modified);
        if let Some((_, text)) = found.into_iter().rev().find(|(_, text)| {
            text.to_ascii_lowercase().contains(&format!("to: {email}")) && text.contains(needle)
        }) {
            return text.replace("=\r\n", "").replace("=3D", "=");
        }
        assert!(
            Instant::now() < deadline,
            "no mail to {email} with {needle}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Asks for a sign-in link, reads it from the delivered file and uses it.
async fn sign_in_employer(app: &TestApp) -> String {
    let response = app
        .post_form("/werkgever/login", &[("email", EMPLOYER)])
        .await;
    assert_eq!(response.status(), 200);
    let text = delivered_file(app, EMPLOYER, "/werkgever/inloggen/").await;
    let start = text.find("http://localhost:8080").unwrap() + "http://localhost:8080".len();
    let link = text[start..].split_whitespace().next().unwrap().to_owned();
    let response = app.post_form(&link, &[]).await;
    assert_eq!(location(&response), "/werkgever");
    link
}

/// A staff account, signed in with password and a freshly enrolled second factor.
async fn sign_in_staff(app: &TestApp) {
    let email = EmailAddress::parse(STAFF).unwrap();
    app.store
        .create_staff(&email, &auth::hash_password(PASSWORD))
        .await
        .unwrap();
    let response = app
        .post_form("/beheer/login", &[("email", STAFF), ("password", PASSWORD)])
        .await;
    assert_eq!(response.status(), 303);
    let page = app.get(&location(&response)).await.text().await.unwrap();
    let secret = between(&page, "<code class=\"secret\">", "</code>").to_owned();
    let code = auth::totp(&secret, STAFF)
        .unwrap()
        .generate_current()
        .to_string();
    let response = app
        .post_form("/beheer/twee-staps/instellen", &[("code", &code)])
        .await;
    assert_eq!(location(&response), "/beheer");
}

// ---------------------------------------------------------------------------------------
// Mail that carries a secret.

fn secret_mail(to: &str, secret: bool) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "Je inloglink".into(),
        text_body: "Inloggen: https://hrnexus.nl/werkgever/inloggen/geheim".into(),
        html_body: Some("<a href=\"https://hrnexus.nl/werkgever/inloggen/geheim\">".into()),
        headers: Vec::new(),
        carries_secret: secret,
    }
}

async fn secret_bodies_are_erased_once_delivered(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let sent = store
        .enqueue_mail(&secret_mail("a@x.nl", true))
        .await
        .unwrap();
    let retried = store
        .enqueue_mail(&secret_mail("b@x.nl", true))
        .await
        .unwrap();
    let plain = store
        .enqueue_mail(&secret_mail("c@x.nl", false))
        .await
        .unwrap();
    let t0 = now();
    // The worker gets the whole mail to deliver.
    let claimed = store.claim_mail(t0, 300, 10).await.unwrap();
    assert_eq!(claimed[0].mail, secret_mail("a@x.nl", true));
    store.mark_mail_sent(sent, t0).await.unwrap();
    store.mark_mail_sent(plain, t0).await.unwrap();
    store
        .mark_mail_failed(retried, "421 later", Some(t0 + 60))
        .await
        .unwrap();

    let erased = store.mail_by_id(sent).await.unwrap().unwrap();
    assert_eq!(erased.status, MailStatus::Sent);
    assert!(erased.mail.carries_secret);
    assert_eq!(
        (erased.mail.text_body.as_str(), erased.mail.html_body),
        ("", None)
    );
    // Still to be retried: the body must stay deliverable.
    let waiting = store.mail_by_id(retried).await.unwrap().unwrap();
    assert!(waiting.mail.text_body.contains("geheim"));
    // Failed for good: nobody will deliver it, so it goes too.
    store
        .mark_mail_failed(retried, "550 no such user", None)
        .await
        .unwrap();
    let failed = store.mail_by_id(retried).await.unwrap().unwrap();
    assert_eq!(failed.status, MailStatus::Failed);
    assert_eq!(
        (failed.mail.text_body.as_str(), failed.mail.html_body),
        ("", None)
    );
    // Mail without a secret keeps its text for the outbox viewer.
    let kept = store.mail_by_id(plain).await.unwrap().unwrap();
    assert_eq!(kept.mail, secret_mail("c@x.nl", false));
}

async fn sign_in_links_never_reach_the_back_office(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in_staff(&app).await;
    let response = app
        .post_form("/werkgever/login", &[("email", EMPLOYER)])
        .await;
    assert_eq!(response.status(), 200);
    // The operator's mailbox stand-in (data/mail) has the link…
    let file = delivered_file(&app, EMPLOYER, "/werkgever/inloggen/").await;
    let start = file.find("/werkgever/inloggen/").unwrap() + "/werkgever/inloggen/".len();
    let token: String = file[start..].chars().take(43).collect();
    assert_eq!(token.len(), 43);

    let mail = app
        .store
        .list_mail(10)
        .await
        .unwrap()
        .into_iter()
        .find(|m| m.mail.recipient == EMPLOYER)
        .unwrap();
    assert!(mail.mail.carries_secret);
    // …the database does not, once the mail is delivered…
    let deadline = Instant::now() + Duration::from_secs(10);
    let stored = loop {
        let stored = app.store.mail_by_id(mail.id).await.unwrap().unwrap();
        if stored.status == MailStatus::Sent {
            break stored;
        }
        assert!(Instant::now() < deadline, "not delivered");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(!stored.mail.text_body.contains(&token));
    assert!(!stored.mail.html_body.unwrap_or_default().contains(&token));
    // …and neither do the back-office pages: they say a link was there and is hidden.
    let list = app.get("/beheer/outbox").await.text().await.unwrap();
    assert!(list.contains("Je inloglink voor HRnexus") && !list.contains(&token));
    let detail = app.get(&format!("/beheer/outbox/{}", mail.id)).await;
    assert_eq!(detail.status(), 200);
    let detail = detail.text().await.unwrap();
    assert!(!detail.contains(&token) && !detail.contains("/werkgever/inloggen/"));
    assert!(detail.contains("id=\"mail-secret\"") && detail.contains("persoonlijke inloglink"));
    // The link itself still works for its owner.
    let link = format!("/werkgever/inloggen/{token}");
    assert_eq!(location(&app.post_form(&link, &[]).await), "/werkgever");
}

// ---------------------------------------------------------------------------------------
// Slow clients.

async fn slow_clients_are_cut_off(db: Db) {
    let Some(app) = common::spawn_with(
        db,
        "[http]\nheader_read_timeout_seconds = 2\nbody_read_timeout_seconds = 2\n",
    )
    .await
    else {
        return;
    };
    let addr = app.running.addr;
    // 200 clients that send half a request line and headers, then nothing.
    let mut slow = Vec::new();
    for _ in 0..200 {
        let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
        stream
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(stream);
    }
    // Plus a few that connect and never say anything.
    for _ in 0..20 {
        slow.push(tokio::net::TcpStream::connect(addr).await.unwrap());
    }
    // And one that sends headers but only part of the promised body.
    let mut body = tokio::net::TcpStream::connect(addr).await.unwrap();
    body.write_all(
        b"POST /werkgever/login HTTP/1.1\r\nHost: x\r\nSec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nemail=a",
    )
    .await
    .unwrap();
    let started = Instant::now();

    // Meanwhile the site answers as usual.
    let fresh = reqwest::Client::new();
    for _ in 0..5 {
        let asked = Instant::now();
        let response = fresh.get(app.url("/healthz")).send().await.unwrap();
        assert_eq!(response.status(), 200);
        assert!(
            asked.elapsed() < Duration::from_secs(1),
            "healthz slowed down"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    // Every slow connection is closed by the server soon after the timeout.
    let closes = slow.into_iter().map(|mut stream| async move {
        let mut buffer = [0u8; 1024];
        loop {
            match tokio::time::timeout(Duration::from_secs(6), stream.read(&mut buffer)).await {
                Ok(Ok(0)) | Ok(Err(_)) => return true,
                Ok(Ok(_)) => continue, // a 408 before closing is fine
                Err(_) => return false,
            }
        }
    });
    let closed = futures_util_join_all(closes).await;
    assert!(
        closed.iter().all(|c| *c),
        "{} of {} connections still open",
        closed.iter().filter(|c| !**c).count(),
        closed.len()
    );
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(5), "closed after {elapsed:?}");

    // The half-sent body is not waited for either.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), body.read_to_end(&mut answer)).await;
    assert!(read.is_ok(), "a half-sent body holds its connection");
    let answer = String::from_utf8_lossy(&answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 4"),
        "{answer}"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
}

async fn connections_beyond_the_limit_wait_their_turn(db: Db) {
    let Some(app) = common::spawn_with(
        db,
        "[http]\nheader_read_timeout_seconds = 2\nmax_connections = 3\n",
    )
    .await
    else {
        return;
    };
    let mut silent = Vec::new();
    for _ in 0..3 {
        silent.push(
            tokio::net::TcpStream::connect(app.running.addr)
                .await
                .unwrap(),
        );
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let asked = Instant::now();
    let fresh = reqwest::Client::new();
    let waiting = tokio::spawn({
        let url = app.url("/healthz");
        async move { fresh.get(url).send().await.map(|r| r.status().as_u16()) }
    });
    tokio::time::sleep(Duration::from_millis(1000)).await;
    assert!(
        !waiting.is_finished(),
        "a fourth connection was served at once"
    );
    // The silent ones time out, and the waiting client gets its turn.
    let status = tokio::time::timeout(Duration::from_secs(5), waiting)
        .await
        .expect("served once a slot was free")
        .unwrap()
        .unwrap();
    assert_eq!(status, 200);
    assert!(asked.elapsed() >= Duration::from_millis(1500));
}

/// `join_all` without pulling in the futures crate: one task per future.
async fn futures_util_join_all<F>(futures: impl Iterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.map(tokio::spawn).collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.unwrap());
    }
    out
}

// ---------------------------------------------------------------------------------------
// Retention.

async fn retention_deletes_only_what_is_old(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let t0 = now();
    store
        .record_audit(&NewAuditEntry {
            actor: None,
            event: "login_failed",
            detail: "",
            ip: Some("192.0.2.1"),
        })
        .await
        .unwrap();
    let email = EmailAddress::parse(EMPLOYER).unwrap();
    let used = "used-link-hash";
    store
        .create_login_link(&email, "nl", used, t0 + 600, &secret_mail(EMPLOYER, true))
        .await
        .unwrap();
    let employer = store.consume_login_link(used, t0).await.unwrap().unwrap();
    store
        .create_login_link(
            &email,
            "nl",
            "fresh-link",
            t0 + 30 * DAY,
            &secret_mail(EMPLOYER, true),
        )
        .await
        .unwrap();
    // Two mails queued with the links: one delivered, one still waiting.
    // Claimed "now": the mails were queued a moment after t0.
    let claimed = store.claim_mail(now(), 300, 1).await.unwrap();
    store.mark_mail_sent(claimed[0].id, t0).await.unwrap();
    let scan_id = store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(employer.id),
            organisation: "Bakkerij Jansen".into(),
            team: "Productie".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: Vec::new(),
            opened_on: hrnexus::i18n::today(),
            closes_on: hrnexus::i18n::today() + chrono::Days::new(14),
            shared_token_hash: None,
            invites: Vec::new(),
        })
        .await
        .unwrap();
    assert!(scan_id > 0);
    // An intake closed today: its personal fields go after the retention period.
    let intake = store
        .create_intake(
            &hrnexus_core::intake::IntakeRequest::parse(hrnexus_core::intake::IntakeInput {
                organisation: "Bakkerij Jansen",
                contact_name: "Anna",
                email: EMPLOYER,
                phone: "",
                kvk: "",
                company_size: "2-9",
                province: "zeeland",
                question: "Hoe nu verder?",
                categories: &[],
                sector: "",
                urgency: "",
                consent: "ja",
                provider: "",
            })
            .unwrap(),
            &hrnexus::storage::IntakeExtras::default(),
            "nl",
            &secret_mail(EMPLOYER, false),
        )
        .await
        .unwrap()
        .unwrap();
    let closed = store
        .change_intake(
            &hrnexus::storage::IntakeChange {
                intake_id: intake,
                from: hrnexus_core::intake::IntakeStatus::New,
                to: hrnexus_core::intake::IntakeStatus::Closed,
                actor: hrnexus::storage::ActorRef {
                    kind: "staff",
                    id: Some(1),
                },
                event: "close",
                detail: "spam",
                effect: hrnexus::storage::IntakeEffect::Finish {
                    feedback_token_hash: None,
                },
                at: t0,
            },
            &[],
        )
        .await
        .unwrap();
    assert_eq!(closed, hrnexus::storage::ChangeOutcome::Done);
    store.session_upsert("expired", "{}", t0 - 1).await.unwrap();
    store.session_upsert("live", "{}", t0 + DAY).await.unwrap();

    let retention = Retention {
        audit_log_days: 30,
        login_links_days: 7,
        outbox_days: 10,
        intakes_days: 60,
        sessions_days: 0,
        interval_minutes: 60,
    };
    // Today: only the expired session is old enough.
    let report = apply_retention(store, &retention, t0).await.unwrap();
    assert_eq!(
        (
            report.audit_log,
            report.login_links,
            report.outbox,
            report.intakes,
            report.sessions
        ),
        (0, 0, 0, 0, 1)
    );
    assert!(store.session_load("live", t0).await.unwrap().is_some());

    // Eight days on: the used link goes (the fresh one has not expired yet), and so does
    // the session that expired meanwhile.
    let report = apply_retention(store, &retention, t0 + 8 * DAY)
        .await
        .unwrap();
    assert_eq!(
        (
            report.login_links,
            report.outbox,
            report.audit_log,
            report.sessions
        ),
        (1, 0, 0, 1)
    );
    assert!(
        store
            .consume_login_link("fresh-link", t0 + 8 * DAY)
            .await
            .unwrap()
            .is_some()
    );

    // Eleven days on: the delivered mail goes, those still queued (the other link's and
    // the intake's confirmation) stay.
    let report = apply_retention(store, &retention, t0 + 11 * DAY)
        .await
        .unwrap();
    assert_eq!(report.outbox, 1);
    let left = store.list_mail(10).await.unwrap();
    assert_eq!(left.len(), 2);
    assert!(left.iter().all(|m| m.status == MailStatus::Pending));

    // Two months on, with every instance running the job at once: each row goes once.
    let later = t0 + 61 * DAY;
    let runs: Vec<_> = (0..4)
        .map(|_| {
            let store = store.clone();
            let retention = retention.clone();
            tokio::spawn(async move { apply_retention(&store, &retention, later).await.unwrap() })
        })
        .collect();
    let mut total = hrnexus::storage::RetentionReport::default();
    for run in runs {
        let r = run.await.unwrap();
        total.audit_log += r.audit_log;
        total.login_links += r.login_links;
        total.intakes += r.intakes;
        total.sessions += r.sessions;
    }
    assert_eq!(
        (
            total.audit_log,
            total.login_links,
            total.intakes,
            total.sessions
        ),
        (1, 1, 1, 0)
    );
    assert!(store.recent_audit(10).await.unwrap().is_empty());
    let anonymised = store.intake_by_id(intake).await.unwrap().unwrap();
    assert_eq!(
        (anonymised.email.as_str(), anonymised.question.as_str()),
        ("", "")
    );
    // Periods of 0 keep data for ever.
    let keep = Retention {
        audit_log_days: 0,
        ..retention
    };
    store
        .record_audit(&NewAuditEntry {
            actor: None,
            event: "x",
            detail: "",
            ip: None,
        })
        .await
        .unwrap();
    apply_retention(store, &keep, t0 + 5000 * DAY)
        .await
        .unwrap();
    assert_eq!(store.recent_audit(10).await.unwrap().len(), 1);
}

// ---------------------------------------------------------------------------------------
// Text with control characters.

async fn control_characters_are_refused_beside_the_field(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in_employer(&app).await;
    let good = [
        ("organisation", "Bakkerij Jansen"),
        ("team", "Productie"),
        ("departments", "Winkel\r\nBakkerij"),
        ("closes_on", "2099-01-01"),
        ("lang", "nl"),
        ("invite", "shared"),
        ("count", ""),
    ];
    let closes_on = (hrnexus::i18n::today() + chrono::Days::new(14)).to_string();
    for (field, value) in [
        ("organisation", "Bakkerij\0Jansen"),
        ("team", "Pro\0ductie"),
        ("departments", "Winkel\nBak\0kerij"),
        ("departments", "Winkel\tOost"),
    ] {
        let mut form: Vec<(&str, &str)> = good
            .iter()
            .filter(|(k, _)| *k != field && *k != "closes_on")
            .copied()
            .collect();
        form.push((field, value));
        form.push(("closes_on", &closes_on));
        let response = app.post_form("/werkgever/scans/nieuw", &form).await;
        assert_eq!(response.status(), 422, "{field} = {value:?}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("id=\"{field}-error\"")) && html.contains("niet kan"),
            "{field}: {html}"
        );
    }
    assert!(
        app.store
            .scans_of(ScanOwner::Employer(1))
            .await
            .unwrap()
            .is_empty()
    );

    // The API: a line break inside one department name is refused, not split in two.
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key("test", &prefix, &hash, STAFF)
        .await
        .unwrap();
    for body in [
        serde_json::json!({"organisation": "Bakkerij\u{0}Jansen", "team": "T", "departments": [],
            "closes_on": closes_on, "invite": "shared"}),
        serde_json::json!({"organisation": "Bakkerij", "team": "T", "departments": ["Winkel\nKantoor"],
            "closes_on": closes_on, "invite": "shared"}),
        serde_json::json!({"organisation": "Bakkerij", "team": "T", "departments": ["Win\u{0}kel"],
            "closes_on": closes_on, "invite": "shared"}),
    ] {
        let response = app
            .client
            .post(app.url("/api/v1/scans"))
            .bearer_auth(&key)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        let json: serde_json::Value = response.json().await.unwrap();
        assert!(json.to_string().contains("not allowed"), "{json}");
    }

    // A valid scan, then a help request with a NUL byte in its question.
    let response = app
        .post_form("/werkgever/scans/nieuw", &{
            let mut form: Vec<(&str, &str)> = good
                .iter()
                .filter(|(k, _)| *k != "closes_on")
                .copied()
                .collect();
            form.push(("closes_on", &closes_on));
            form
        })
        .await;
    assert_eq!(response.status(), 200, "scan created");
    let scan = app
        .store
        .scans_of(ScanOwner::Employer(1))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        app.store.departments(scan.scan.id).await.unwrap().len(),
        2,
        "one department per line"
    );
    // The contact form refuses them too, beside the question, and stores nothing.
    let stamp = hrnexus::web::contact::stamp(&app.running.state.secret, now() - 60);
    let response = app
        .post_form(
            "/contact",
            &[
                ("organisation", "Bakkerij Jansen"),
                ("contact_name", "Anna"),
                ("email", "anna@bakkerij.nl"),
                ("company_size", "2-9"),
                ("province", "zeeland"),
                ("question", "Hoe\0 nu?"),
                ("consent", "ja"),
                ("formulier", &stamp),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"question-error\""), "{html}");
    assert!(app.store.intakes(None, 10).await.unwrap().is_empty());
}

async fn api_key_names_refuse_control_characters(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in_staff(&app).await;
    let response = app
        .post_form("/beheer/api-sleutels", &[("name", "Koppeling\0HR")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"name-error\"") && html.contains("niet kan"));
    assert!(app.store.list_api_keys().await.unwrap().is_empty());
}

// ---------------------------------------------------------------------------------------
// Request ids.

async fn every_request_has_an_id(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let id = |r: &reqwest::Response| r.headers()["x-request-id"].to_str().unwrap().to_owned();
    let first = id(&app.get("/healthz").await);
    let second = id(&app.get("/").await);
    assert!(first.len() == 16 && first.chars().all(|c| c.is_ascii_hexdigit()));
    assert_ne!(first, second);
    // A client that is not a trusted proxy cannot choose its id.
    let chosen = app
        .client
        .get(app.url("/healthz"))
        .header("x-request-id", "mijn-eigen-id")
        .send()
        .await
        .unwrap();
    assert_ne!(id(&chosen), "mijn-eigen-id");

    // A database failure: the 500 page quotes the id the logs carry.
    let url = app.running.state.settings.database_url();
    drop_table(&url, "login_links").await;
    let response = app
        .post_form("/werkgever/login", &[("email", EMPLOYER)])
        .await;
    assert_eq!(response.status(), 500);
    let code = id(&response);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(&format!("Vermeld dan code {code}.")),
        "{html}"
    );
    let response = app
        .post_form("/en/werkgever/login", &[("email", EMPLOYER)])
        .await;
    let code = id(&response);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains(&format!("quote code {code}."))
    );
}

async fn drop_table(url: &str, table: &str) {
    use sqlx::{Connection, Executor};
    let sql = sqlx::AssertSqlSafe(format!("DROP TABLE {table}"));
    if url.starts_with("postgres") {
        let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
        conn.execute(sql).await.unwrap();
    } else {
        let mut conn = sqlx::SqliteConnection::connect(url).await.unwrap();
        conn.execute(sql).await.unwrap();
    }
}

async fn trusted_proxies_pass_their_request_id(db: Db) {
    let Some(app) = common::spawn_with(db, "trusted_proxies = [\"127.0.0.1\"]\n").await else {
        return;
    };
    let ask = |value: &'static str| {
        app.client
            .get(app.url("/healthz"))
            .header("x-request-id", value)
            .send()
    };
    let response = ask("proxy-1234.abc").await.unwrap();
    assert_eq!(response.headers()["x-request-id"], "proxy-1234.abc");
    // Anything that could disturb a log line is replaced.
    let response = ask("bad id with spaces").await.unwrap();
    assert_ne!(response.headers()["x-request-id"], "bad id with spaces");
}

both_backends!(
    secret_bodies_are_erased_once_delivered,
    sign_in_links_never_reach_the_back_office,
    slow_clients_are_cut_off,
    connections_beyond_the_limit_wait_their_turn,
    retention_deletes_only_what_is_old,
    control_characters_are_refused_beside_the_field,
    api_key_names_refuse_control_characters,
    every_request_has_an_id,
    trusted_proxies_pass_their_request_id,
);
