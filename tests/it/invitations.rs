//! Getting the scan to people without the employer holding personal links: invitations by
//! e-mail through a real SMTP server (aiosmtpd), one reminder without a link, addresses
//! forgotten at closing, printable cards, the shared link shown again, the employees' page
//! and the API. On both backends.

use crate::{both_backends, common};

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    services::invitations::reminder_pass,
    storage::{
        MailInvitationOutcome, MailInvitations, MailedInvite, NewScan, OutgoingMail, ScanEntry,
        ScanOwner,
    },
};
use serde_json::{Value, json};

const EMAIL: &str = "werkgever@bedrijf.nl";
const BASE: &str = "http://localhost:8080";

// ---------------------------------------------------------------------------------------
// Helpers

/// Delivered messages with quoted-printable soft breaks undone (links stay whole).
fn delivered(server: &common::SmtpServer) -> Vec<String> {
    let new = server.maildir.path().join("box").join("new");
    std::fs::read_dir(new)
        .map(|dir| {
            dir.flatten()
                .map(|e| {
                    std::fs::read_to_string(e.path())
                        .unwrap()
                        .replace("=\r\n", "")
                        .replace("=\n", "")
                        .replace("=3D", "=")
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Waits until messages matching `filter` number `count`.
async fn wait_for(
    server: &common::SmtpServer,
    count: usize,
    filter: impl Fn(&str) -> bool,
) -> Vec<String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let found: Vec<String> = delivered(server)
            .into_iter()
            .filter(|m| filter(m))
            .collect();
        if found.len() >= count {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "expected {count} messages, got {}",
            found.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

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

/// Every scan path (`/scan/<43 characters>`) in a text.
fn scan_paths(text: &str) -> Vec<String> {
    let mut paths = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("/scan/") {
        let tail = &rest[at + 6..];
        let token: String = tail
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        if token.len() == 43 {
            paths.push(format!("/scan/{token}"));
        }
        rest = tail;
    }
    paths
}

async fn sign_in(app: &TestApp) {
    sign_in_through(app, None).await;
}

/// Signs in with the link from the `.eml` files, or from the test SMTP server's maildir.
async fn sign_in_through(app: &TestApp, server: Option<&common::SmtpServer>) {
    let response = app.post_form("/werkgever/login", &[("email", EMAIL)]).await;
    assert_eq!(response.status(), 200);
    let path = match server {
        Some(server) => {
            let dir = server.maildir.path().join("box").join("new");
            common::mailed_sign_in_link_in(app, &dir, EMAIL).await
        }
        None => common::mailed_sign_in_link(app, EMAIL).await,
    };
    assert_eq!(app.post_form(&path, &[]).await.status(), 303);
}

fn date(days: u64) -> String {
    (hrnexus::i18n::today() + Days::new(days))
        .format("%Y-%m-%d")
        .to_string()
}

/// Creates a scan through the employer's form and returns its id and the page.
async fn create_scan(
    app: &TestApp,
    invite: &str,
    closes_in_days: u64,
    departments: &str,
) -> (i64, String) {
    let closes = date(closes_in_days);
    let count = if invite == "personal" { "1" } else { "" };
    let response = app
        .post_form(
            "/werkgever/scans/nieuw",
            &[
                ("organisation", "Bakkerij De Korf"),
                ("team", "Winkel"),
                ("departments", departments),
                ("closes_on", &closes),
                ("lang", "nl"),
                ("invite", invite),
                ("count", count),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let id = between(
        &html,
        "class=\"button secondary\" href=\"/werkgever/scans/",
        "\"",
    )
    .parse()
    .unwrap();
    (id, html)
}

fn answers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("werkwijze", "4"),
        ("sterke_punten", "5"),
        ("taakinvloed", "3"),
        ("open_mening", "2"),
        ("steun", "3"),
    ]
}

async fn round_id(app: &TestApp, scan_id: i64) -> i64 {
    app.store.rounds(scan_id).await.unwrap().pop().unwrap().id
}

// ---------------------------------------------------------------------------------------

async fn mail_invitations_reminders_and_forgetting(db: Db) {
    let Some(server) = common::start_smtp_server("invitation mail") else {
        return;
    };
    let smtp = format!(
        "[smtp]\nhost = \"127.0.0.1\"\nport = {}\ntls = \"none\"\n",
        server.port
    );
    let Some(app) = common::spawn_with(db, &smtp).await else {
        return;
    };
    sign_in_through(&app, Some(&server)).await;
    // Closing the day after tomorrow: the reminder (2 days before) is due.
    let (scan_id, _) = create_scan(&app, "shared", 2, "").await;
    let round = round_id(&app, scan_id).await;
    let page = format!("/werkgever/scans/{scan_id}/uitnodigen-per-mail");
    assert_eq!(app.get(&page).await.status(), 200);

    // A bad line: nothing is sent, the message names it, the typed text stays.
    let typed = "jan@voorbeeld.nl\ngeen-adres\n";
    let response = app.post_form(&page, &[("addresses", typed)]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("“geen-adres”"), "the bad line is named");
    assert!(
        html.contains("is geen geldig e-mailadres") || html.contains("geen geldig e-mailadres")
    );
    assert!(
        html.contains(">jan@voorbeeld.nl\ngeen-adres\n</textarea>"),
        "typed text kept"
    );
    assert_eq!(app.store.invitation_counts(round).await.unwrap().invited, 0);
    // Empty: a message too.
    let response = app.post_form(&page, &[("addresses", "  \n")]).await;
    assert_eq!(response.status(), 422);

    // Duplicates collapse; each address gets one mail.
    let response = app
        .post_form(
            &page,
            &[(
                "addresses",
                "jan@voorbeeld.nl\nPiet@Voorbeeld.nl\nJAN@voorbeeld.nl\n",
            )],
        )
        .await;
    assert_eq!(response.status(), 303);
    let html = app.get(&location(&response)).await.text().await.unwrap();
    assert!(html.contains("2 uitnodigingen staan klaar"), "{html}");
    assert!(
        html.contains("1 adres was dubbel of al uitgenodigd en is overgeslagen"),
        "{html}"
    );
    // The same addresses again: skipped, nothing new.
    let response = app
        .post_form(&page, &[("addresses", "piet@voorbeeld.nl")])
        .await;
    assert!(location(&response).contains("verstuurd=0&al=1"));

    let invitations = wait_for(&server, 2, |m| {
        m.contains("@voorbeeld.nl") && !m.contains("Herinnering")
    })
    .await;
    assert_eq!(invitations.len(), 2, "one mail per address");
    let mut tokens = Vec::new();
    for address in ["jan@voorbeeld.nl", "piet@voorbeeld.nl"] {
        let mail = invitations
            .iter()
            .find(|m| m.contains(&format!("To: {address}")))
            .unwrap_or_else(|| panic!("no invitation to {address}"));
        assert!(mail.contains("text/plain") && mail.contains("text/html"));
        let paths = scan_paths(mail);
        assert!(!paths.is_empty(), "a personal link");
        assert!(mail.contains("/scan/wat-je-werkgever-ziet"));
        tokens.push(paths[0].clone());
    }
    assert_ne!(tokens[0], tokens[1]);
    // The links work: the form opens, an answer is stored.
    for path in &tokens {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200);
        let token = path.rsplit('/').next().unwrap();
        assert!(matches!(
            app.store
                .scan_entry(&auth::token_hash(token))
                .await
                .unwrap(),
            Some(ScanEntry::Invite { .. })
        ));
    }
    let response = app.post_form(&tokens[0], &answers()).await;
    assert_eq!(response.status(), 303, "answered through the mailed link");

    // Counts for the employer, never an address.
    let deadline = Instant::now() + Duration::from_secs(20);
    while app.store.invitation_counts(round).await.unwrap().sent < 2 {
        assert!(Instant::now() < deadline, "invitations not marked sent");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let html = app.get(&page).await.text().await.unwrap();
    assert!(
        !html.contains("jan@") && !html.contains("piet@"),
        "no address shown"
    );
    assert!(html.contains("<span class=\"stat\">2</span> uitgenodigd per e-mail"));
    assert!(html.contains("<span class=\"stat\">2</span> verzonden"));
    let scan_page = app
        .get(&format!("/werkgever/scans/{scan_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!scan_page.contains("jan@") && !scan_page.contains("piet@"));

    // The reminder: claimed once even when two instances run the job at the same moment.
    let today = hrnexus::i18n::today();
    let (a, b) = tokio::join!(
        reminder_pass(&app.store, BASE, today, 2),
        reminder_pass(&app.store, BASE, today, 2)
    );
    assert_eq!(a.unwrap() + b.unwrap(), 2, "one reminder per address");
    assert_eq!(reminder_pass(&app.store, BASE, today, 2).await.unwrap(), 0);
    app.running.state.mail_wake.notify_one();
    let reminders = wait_for(&server, 2, |m| m.contains("Herinnering")).await;
    for reminder in &reminders {
        assert!(
            scan_paths(reminder).is_empty(),
            "a reminder carries no link"
        );
        assert!(reminder.contains("Al ingevuld? Dank je wel"));
        assert!(reminder.contains("uitnodigingsmail van"));
    }
    assert_eq!(
        app.store.invitation_counts(round).await.unwrap().reminders,
        2
    );

    // Closing forgets the addresses, and blanks them in the outbox.
    assert_eq!(
        app.store.invitation_addresses(round).await.unwrap().len(),
        2
    );
    let response = app
        .post_form(&format!("/werkgever/scans/{scan_id}/sluiten"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        app.store
            .invitation_addresses(round)
            .await
            .unwrap()
            .is_empty()
    );
    for mail in app.store.list_mail(100).await.unwrap() {
        assert!(
            !mail.mail.recipient.ends_with("@voorbeeld.nl"),
            "outbox still names {}",
            mail.mail.recipient
        );
    }
    // Counts survive the forgetting.
    let counts = app.store.invitation_counts(round).await.unwrap();
    assert_eq!((counts.invited, counts.sent), (2, 2));
}

/// Storage: addresses of a round past its closing date are deleted by the job, and an
/// address row has nothing that joins it to an invite.
async fn stale_addresses_are_deleted(db: Db) {
    let Some(ts) = common::store(db).await else {
        return;
    };
    let store = &ts.store;
    let employer = {
        let email = hrnexus_core::email::EmailAddress::parse(EMAIL).unwrap();
        let mail = OutgoingMail {
            recipient: EMAIL.into(),
            subject: "x".into(),
            text_body: "x".into(),
            html_body: None,
            headers: vec![],
            carries_secret: false,
        };
        store
            .create_login_link(&email, "nl", "h", hrnexus::storage::now() + 60, &mail)
            .await
            .unwrap();
        store
            .consume_login_link("h", hrnexus::storage::now())
            .await
            .unwrap()
            .unwrap()
            .id
    };
    let today = hrnexus::i18n::today();
    let yesterday = today - Days::new(1);
    let scan_id = store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(employer),
            organisation: "O".into(),
            team: "T".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: vec![],
            opened_on: today - Days::new(10),
            closes_on: yesterday,
            shared_token_hash: None,
            invites: vec![],
        })
        .await
        .unwrap();
    let round = store.rounds(scan_id).await.unwrap().pop().unwrap().id;
    let invites: Vec<MailedInvite> = (0..5)
        .map(|i| MailedInvite {
            email: format!("p{i}@voorbeeld.nl"),
            token_hash: auth::token_hash(&auth::random_token()),
            mail: OutgoingMail {
                recipient: format!("p{i}@voorbeeld.nl"),
                subject: "Uitnodiging".into(),
                text_body: "link".into(),
                html_body: None,
                headers: vec![],
                carries_secret: true,
            },
        })
        .collect();
    let batch = MailInvitations {
        round_id: round,
        department_id: None,
        invited_on: NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
        max_per_round: 6,
        invites: invites.clone(),
    };
    assert_eq!(
        store.invite_by_mail(&batch).await.unwrap(),
        MailInvitationOutcome::Queued {
            queued: 5,
            already: 0
        }
    );
    // The limit counts earlier batches; the same addresses again are skipped.
    let more = MailInvitations {
        invites: (5..7)
            .map(|i| MailedInvite {
                email: format!("p{i}@voorbeeld.nl"),
                ..invites[0].clone()
            })
            .collect(),
        ..batch.clone()
    };
    assert_eq!(
        store.invite_by_mail(&more).await.unwrap(),
        MailInvitationOutcome::TooMany { existing: 5 }
    );
    assert_eq!(
        store.invite_by_mail(&batch).await.unwrap(),
        MailInvitationOutcome::Queued {
            queued: 0,
            already: 5
        }
    );
    assert_eq!(store.rounds(scan_id).await.unwrap()[0].invited, 5);
    assert_eq!(store.invitation_addresses(round).await.unwrap().len(), 5);
    // The job: no reminder for a past round, but its addresses go.
    assert_eq!(reminder_pass(store, BASE, today, 2).await.unwrap(), 0);
    assert!(store.invitation_addresses(round).await.unwrap().is_empty());
    assert!(
        store
            .rounds_with_stale_addresses(today)
            .await
            .unwrap()
            .is_empty()
    );
}

async fn cards_poster_and_the_shared_link_again(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app).await;
    let (scan_id, html) = create_scan(&app, "shared", 14, "Winkel\nBakkerij").await;
    let shown = between(
        &html,
        "id=\"shared-link\" class=\"wg-link-box\" type=\"text\" readonly value=\"",
        "\"",
    )
    .to_owned();

    // Shown again, the same link, and it is the one that works.
    let page = format!("/werkgever/scans/{scan_id}/gedeelde-link");
    let response = app.get(&page).await;
    assert_eq!(response.headers()["cache-control"], "no-store");
    let again = response.text().await.unwrap();
    let again = between(&again, "readonly value=\"", "\"").to_owned();
    assert_eq!(again, shown);
    let path = again.strip_prefix(BASE).unwrap();
    assert_eq!(app.get(path).await.status(), 200);
    assert!(matches!(
        app.store
            .scan_entry(&auth::token_hash(path.rsplit('/').next().unwrap()))
            .await
            .unwrap(),
        Some(ScanEntry::Shared { .. })
    ));
    // The poster shows it as a QR code.
    let poster = app
        .get(&format!("/werkgever/scans/{scan_id}/poster"))
        .await
        .text()
        .await
        .unwrap();
    assert!(poster.contains(&shown) && poster.contains("<svg"));

    // Cards: N distinct working links, each with a QR code, for a department.
    let cards = format!("/werkgever/scans/{scan_id}/kaarten");
    assert_eq!(app.get(&cards).await.status(), 200);
    for bad in ["0", "201", "veel"] {
        let response = app.post_form(&cards, &[("count", bad)]).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains("Vul een aantal in tussen 1 en 200."));
        assert!(
            html.contains(&format!("value=\"{bad}\"")),
            "typed text kept"
        );
    }
    let department = app.store.departments(scan_id).await.unwrap()[1].id;
    let response = app
        .post_form(
            &cards,
            &[("count", "8"), ("department", &department.to_string())],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("Schud de kaarten"));
    let links: Vec<String> = html
        .split("class=\"card-url\">")
        .skip(1)
        .map(|s| s[..s.find('<').unwrap()].to_owned())
        .collect();
    assert_eq!(links.len(), 8);
    assert_eq!(html.matches("<svg").count(), 8);
    let distinct: std::collections::HashSet<_> = links.iter().collect();
    assert_eq!(distinct.len(), 8);
    for link in &links {
        let path = link.strip_prefix(BASE).unwrap();
        assert_eq!(app.get(path).await.status(), 200);
        match app
            .store
            .scan_entry(&auth::token_hash(path.rsplit('/').next().unwrap()))
            .await
            .unwrap()
        {
            Some(ScanEntry::Invite { department_id, .. }) => {
                assert_eq!(department_id, Some(department))
            }
            other => panic!("not an invite: {other:?}"),
        }
    }
    // Shown once: the scan's pages do not repeat them.
    let scan_page = app
        .get(&format!("/werkgever/scans/{scan_id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(!scan_page.contains(&links[0]));
}

async fn the_page_for_employees(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let html = app
        .get("/scan/wat-je-werkgever-ziet")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>Wat je werkgever wel en niet ziet</h1>"));
    assert!(html.contains("minder dan 5 mensen"));
    assert!(html.contains("minstens 8"));
    assert!(html.contains("per browser, niet per persoon"));
    assert!(html.contains("Helemaal uitsluiten kunnen we het niet"));
    let html = app
        .get("/en/scan/what-your-employer-sees")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<h1>What your employer can and cannot see</h1>"));
    // Linked from the answer form.
    sign_in(&app).await;
    let (_, html) = create_scan(&app, "shared", 14, "").await;
    let link = between(&html, "readonly value=\"", "\"");
    let form = app
        .get(link.strip_prefix(BASE).unwrap())
        .await
        .text()
        .await
        .unwrap();
    assert!(form.contains("href=\"/scan/wat-je-werkgever-ziet\""));
}

async fn invitations_through_the_api(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key("test", &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    let call = |path: String, body: Value| {
        app.client
            .post(app.url(&path))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let response = call(
        "/api/v1/scans".into(),
        json!({"organisation": "Acme", "team": "Support", "closes_on": date(10), "invite": "shared"}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201);
    let scan: Value = response.json().await.unwrap();
    let id = scan["scan"]["id"]
        .as_i64()
        .or(scan["id"].as_i64())
        .expect("scan id");
    let path = format!("/api/v1/scans/{id}/invitations");

    let response = call(path.clone(), json!({"addresses": ["a@voorbeeld.nl", "b@"]}))
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert!(body["fields"]["addresses"].as_str().unwrap().contains("b@"));

    let response = call(
        path.clone(),
        json!({"addresses": ["a@voorbeeld.nl", "B@voorbeeld.nl", "a@voorbeeld.nl"]}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["queued"], 2);
    assert_eq!(body["skipped"], 1);
    assert_eq!(body["invited"], 2);
    assert!(
        !body.to_string().contains("voorbeeld.nl"),
        "no addresses back"
    );
    assert!(!body.to_string().contains("/scan/"), "no links back");

    let response = call(
        path,
        json!({"addresses": ["c@voorbeeld.nl"], "department_id": 999}),
    )
    .await
    .unwrap();
    assert_eq!(response.status(), 422);
    // Documented.
    let doc = app.get("/api/openapi.json").await.text().await.unwrap();
    assert!(doc.contains("/api/v1/scans/{id}/invitations"));
}

both_backends!(
    mail_invitations_reminders_and_forgetting,
    stale_addresses_are_deleted,
    cards_poster_and_the_shared_link_again,
    the_page_for_employees,
    invitations_through_the_api,
);

/// 200 cards (the most per request) render in one page of modest size. Run with
/// `cargo test --test it two_hundred_cards -- --nocapture` to see the figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_cards() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    sign_in(&app).await;
    let (scan_id, _) = create_scan(&app, "shared", 14, "").await;
    let started = Instant::now();
    let response = app
        .post_form(
            &format!("/werkgever/scans/{scan_id}/kaarten"),
            &[("count", "200")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(html.matches("class=\"card-url\"").count(), 200);
    eprintln!(
        "200 cards: {} kB in {} ms",
        html.len() / 1024,
        elapsed.as_millis()
    );
    assert!(html.len() < 8 * 1024 * 1024);
}
