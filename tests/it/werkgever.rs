//! The employer area: magic-link sign-in, creating scans, links shown once, rounds, and one
//! employer never seeing another's scan. On both backends.

use crate::{both_backends, common};

use chrono::{Days, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    mail::{SignInLink, compose},
    storage::{ScanEntry, ScanOwner, now},
};
use hrnexus_core::email::EmailAddress;

const EMAIL: &str = "werkgever@bedrijf.nl";
const OTHER: &str = "ander@elders.nl";

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    &html[from..from + html[from..].find(end).unwrap()]
}

/// The path of the newest sign-in link mailed to `email`, read from the `.eml` file the
/// outbox worker writes (the outbox itself no longer holds the link once delivered).
async fn mailed_link(app: &TestApp, email: &str) -> String {
    let dir = app.dir.path().join("mail");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter(|e| e.path().extension().is_some_and(|x| x == "eml"))
                    .filter_map(|e| {
                        let text = std::fs::read_to_string(e.path()).ok()?;
                        let modified = e.metadata().ok()?.modified().ok()?;
                        Some((modified, text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| *modified);
        // Quoted-printable: soft line breaks and `=3D` are all a link can contain.
        let newest = found
            .into_iter()
            .rev()
            .map(|(_, text)| text.replace("=\r\n", "").replace("=3D", "="))
            .find(|text| {
                text.lines()
                    .any(|l| l.to_ascii_lowercase() == format!("to: {email}"))
                    && text.contains("/inloggen/")
            });
        if let Some(text) = newest {
            let start = text.find("http://").expect("an absolute link");
            let url = text[start..].split_whitespace().next().unwrap();
            return url
                .strip_prefix("http://localhost:8080")
                .expect("the configured base address")
                .to_owned();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no sign-in mail to {email} in {}",
            dir.display()
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

fn token_of(path: &str) -> &str {
    path.rsplit('/').next().unwrap()
}

/// Asks for a link, opens it and confirms it: signed in afterwards.
async fn sign_in(app: &TestApp, email: &str) {
    let response = app.post_form("/werkgever/login", &[("email", email)]).await;
    assert_eq!(response.status(), 200);
    let link = mailed_link(app, email).await;
    assert_eq!(app.get(&link).await.status(), 200);
    let response = app.post_form(&link, &[]).await;
    assert_eq!(response.status(), 303, "the link signs in");
    assert_eq!(location(&response), "/werkgever");
}

async fn get_as(app: &TestApp, client: &reqwest::Client, path: &str) -> reqwest::Response {
    client.get(app.url(path)).send().await.unwrap()
}

async fn post_as(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
) -> reqwest::Response {
    client
        .post(app.url(path))
        .header("sec-fetch-site", "same-origin")
        .form(form)
        .send()
        .await
        .unwrap()
}

async fn sign_in_as(app: &TestApp, client: &reqwest::Client, email: &str) {
    let response = post_as(app, client, "/werkgever/login", &[("email", email)]).await;
    assert_eq!(response.status(), 200);
    let link = mailed_link(app, email).await;
    let response = post_as(app, client, &link, &[]).await;
    assert_eq!(response.status(), 303);
}

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

fn date(days_from_today: i64) -> String {
    let day = if days_from_today >= 0 {
        today() + Days::new(days_from_today as u64)
    } else {
        today() - Days::new(days_from_today.unsigned_abs())
    };
    day.format("%Y-%m-%d").to_string()
}

async fn employer_id(app: &TestApp, email: &str) -> i64 {
    for id in 1..20 {
        if let Some(employer) = app.store.employer_by_id(id).await.unwrap()
            && employer.email == email
        {
            return id;
        }
    }
    panic!("no employer {email}")
}

/// The invite links in the text box of a links page.
fn invite_links(html: &str) -> Vec<String> {
    between(html, "wrap=\"off\">", "</textarea>")
        .lines()
        .map(str::to_owned)
        .collect()
}

fn scan_id_of(html: &str) -> i64 {
    between(html, "action=\"/werkgever/scans/", "/links.txt")
        .parse()
        .unwrap()
}

async fn create_scan(app: &TestApp, fields: &[(&str, &str)]) -> reqwest::Response {
    let closes = date(14);
    let mut form: Vec<(&str, &str)> = vec![
        ("organisation", "Bakkerij De Korf"),
        ("team", "Winkel"),
        ("departments", ""),
        ("closes_on", &closes),
        ("lang", "nl"),
        ("invite", "personal"),
        ("count", "3"),
    ];
    for (key, value) in fields {
        form.retain(|(k, _)| k != key);
        form.push((key, value));
    }
    app.post_form("/werkgever/scans/nieuw", &form).await
}

// ---------------------------------------------------------------------------------------

async fn magic_link_sign_in(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    // Not signed in: every employer page sends to the sign-in page, in the right language.
    assert_eq!(location(&app.get("/werkgever").await), "/werkgever/login");
    assert_eq!(
        location(&app.get("/en/werkgever").await),
        "/en/werkgever/login"
    );
    assert_eq!(
        location(&app.get("/werkgever/scans/nieuw").await),
        "/werkgever/login"
    );
    let page = app.get("/werkgever/login").await.text().await.unwrap();
    assert!(page.contains("Inloggen als werkgever") && page.contains("name=\"email\""));

    // A bad address: the message beside the field, what was typed kept, no mail.
    let response = app
        .post_form("/werkgever/login", &[("email", "geen-adres")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"email-error\"") && html.contains("value=\"geen-adres\""));
    assert!(html.contains("aria-describedby=\"email-error\""));
    assert!(app.store.list_mail(10).await.unwrap().is_empty());

    // A good address: "check your mail", and a mail with an absolute link.
    let response = app
        .post_form("/werkgever/login", &[("email", " Werkgever@Bedrijf.nl ")])
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Kijk in je e-mail") && html.contains(EMAIL));
    let mails = app.store.list_mail(10).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].mail.subject, "Je inloglink voor HRnexus");
    let link = mailed_link(&app, EMAIL).await;
    assert!(link.starts_with("/werkgever/inloggen/"));
    let token = token_of(&link).to_owned();
    assert_eq!(token.len(), 43, "256-bit token");
    assert!(mails[0].mail.carries_secret, "the link is a secret");

    // Opening the link (as a mail scanner does) signs nobody in.
    let response = app.get(&link).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{link}\"")) && html.contains("method=\"post\""));
    assert_eq!(location(&app.get("/werkgever").await), "/werkgever/login");
    // … and does not use it up.
    let response = app.post_form(&link, &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/werkgever");

    // Signed in: the overview, empty for now.
    let response = app.get("/werkgever").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Mijn scans") && html.contains(EMAIL));
    assert!(
        html.contains("Met de autonomie-scan"),
        "empty state explains"
    );
    assert!(html.contains("href=\"/werkgever/scans/nieuw\""));
    // The sign-in page knows.
    assert_eq!(location(&app.get("/werkgever/login").await), "/werkgever");

    // The link works once.
    let again = app.post_form(&link, &[]).await;
    assert_eq!(again.status(), 410);
    let html = again.text().await.unwrap();
    assert!(html.contains("Deze inloglink werkt niet meer"));
    assert!(html.contains("href=\"/werkgever/login\""));

    // The audit log names the address and the event, never the token.
    let audit = app.store.recent_audit(20).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.event == "employer_link_requested" && e.actor.as_deref() == Some(EMAIL))
    );
    assert!(audit.iter().any(|e| e.event == "employer_login"));
    assert!(audit.iter().all(|e| !e.detail.contains(&token)));

    // Signing out ends it.
    let response = app.post_form("/werkgever/uitloggen", &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/werkgever/login");
    assert_eq!(location(&app.get("/werkgever").await), "/werkgever/login");
}

async fn english_sign_in(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let response = app
        .post_form("/en/werkgever/login", &[("email", EMAIL)])
        .await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Check your email"));
    let mails = app.store.list_mail(10).await.unwrap();
    assert_eq!(mails[0].mail.subject, "Your sign-in link for HRnexus");
    let link = mailed_link(&app, EMAIL).await;
    assert!(link.starts_with("/en/werkgever/inloggen/"));
    let html = app.get(&link).await.text().await.unwrap();
    assert!(html.contains("Sign in to HRnexus"));
    let response = app.post_form(&link, &[]).await;
    assert_eq!(location(&response), "/en/werkgever");
    let html = app.get("/en/werkgever").await.text().await.unwrap();
    assert!(html.contains("My scans"));
    let again = app.post_form(&link, &[]).await;
    assert_eq!(again.status(), 410);
    assert!(
        again
            .text()
            .await
            .unwrap()
            .contains("This sign-in link no longer works")
    );
}

async fn same_page_for_known_and_unknown_addresses(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let known = post_as(
        &app,
        &common::client(),
        "/werkgever/login",
        &[("email", EMAIL)],
    )
    .await;
    let unknown = post_as(
        &app,
        &common::client(),
        "/werkgever/login",
        &[("email", "nieuw@bedrijf.nl")],
    )
    .await;
    assert_eq!(known.status(), unknown.status());
    let known = known.text().await.unwrap().replace(EMAIL, "ADDRESS");
    let unknown = unknown
        .text()
        .await
        .unwrap()
        .replace("nieuw@bedrijf.nl", "ADDRESS");
    assert_eq!(known, unknown);
    // Both got a link; the unknown address gets its account only when it uses it.
    let link = mailed_link(&app, "nieuw@bedrijf.nl").await;
    let client = common::client();
    assert_eq!(post_as(&app, &client, &link, &[]).await.status(), 303);
    assert_eq!(get_as(&app, &client, "/werkgever").await.status(), 200);
}

async fn expired_and_unknown_links(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let email = EmailAddress::parse(EMAIL).unwrap();
    let token = auth::random_token();
    let mail = compose(
        EMAIL,
        &SignInLink {
            lang: hrnexus::i18n::Lang::Nl,
            link: format!("http://x/werkgever/inloggen/{token}"),
        },
    )
    .unwrap();
    app.store
        .create_login_link(&email, "nl", &auth::token_hash(&token), now() - 60, &mail)
        .await
        .unwrap();
    let path = format!("/werkgever/inloggen/{token}");
    // The page with the button shows; only the post finds out.
    assert_eq!(app.get(&path).await.status(), 200);
    let response = app.post_form(&path, &[]).await;
    assert_eq!(response.status(), 410);
    let html = response.text().await.unwrap();
    assert!(html.contains("Deze inloglink werkt niet meer"));
    assert!(html.contains("verlopen of al gebruikt"));
    assert_eq!(location(&app.get("/werkgever").await), "/werkgever/login");

    // In English, and for a token that never existed, the same friendly page.
    let response = app
        .post_form(&format!("/en/werkgever/inloggen/{token}"), &[])
        .await;
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("expired or was already used")
    );
    for bogus in ["abc", &"x".repeat(300), "%3Cscript%3E"] {
        let response = app
            .post_form(&format!("/werkgever/inloggen/{bogus}"), &[])
            .await;
        assert_eq!(response.status(), 410, "{bogus}");
        let response = app.get(&format!("/werkgever/inloggen/{bogus}")).await;
        assert!(response.status() == 200 || response.status() == 410);
        assert!(!response.text().await.unwrap().contains("<script>"));
    }
}

async fn sign_in_links_are_rate_limited(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    for _ in 0..5 {
        let response = app.post_form("/werkgever/login", &[("email", EMAIL)]).await;
        assert_eq!(response.status(), 200);
    }
    let response = app.post_form("/werkgever/login", &[("email", EMAIL)]).await;
    assert_eq!(response.status(), 429);
    let html = response.text().await.unwrap();
    assert!(html.contains("te veel inloglinks") && html.contains(&format!("value=\"{EMAIL}\"")));
    let to_address = app
        .store
        .list_mail(100)
        .await
        .unwrap()
        .iter()
        .filter(|m| m.mail.recipient == EMAIL)
        .count();
    assert_eq!(to_address, 5, "no sixth mail");
    assert!(
        app.store
            .recent_audit(50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.event == "employer_link_throttled")
    );

    // Per IP address: 20 links an hour, whatever the address.
    for i in 0..15 {
        let email = format!("persoon{i}@bedrijf.nl");
        let response = app
            .post_form("/werkgever/login", &[("email", &email)])
            .await;
        assert_eq!(response.status(), 200, "request {i}");
    }
    let response = app
        .post_form("/werkgever/login", &[("email", "nog-een@bedrijf.nl")])
        .await;
    assert_eq!(response.status(), 429);
    assert_eq!(app.store.list_mail(100).await.unwrap().len(), 20);
}

async fn create_scan_refuses_bad_input(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let owner = ScanOwner::Employer(employer_id(&app, EMAIL).await);

    let page = app.get("/werkgever/scans/nieuw").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for field in [
        "organisation",
        "team",
        "departments",
        "closes_on",
        "lang-nl",
        "lang-en",
        "invite-personal",
        "invite-shared",
        "count",
    ] {
        assert!(
            html.contains(&format!("for=\"{field}\"")),
            "label for {field}"
        );
    }
    assert!(html.contains("<fieldset") && html.contains("<legend>"));
    assert!(
        html.contains(&format!("value=\"{}\"", date(14))),
        "a suggested date"
    );

    // Everything empty: a message beside every required field.
    let response = app
        .post_form(
            "/werkgever/scans/nieuw",
            &[
                ("organisation", ""),
                ("team", " "),
                ("closes_on", ""),
                ("count", ""),
            ],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    for id in [
        "organisation-error",
        "team-error",
        "closes_on-error",
        "lang-error",
        "invite-error",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id}");
    }
    assert!(html.contains("Vul de naam van de organisatie in."));

    let long = "x".repeat(121);
    let many: String = (1..=31).map(|i| format!("Afdeling {i}\n")).collect();
    let long_department = format!("Zorg\n{}", "a".repeat(81));
    let past = date(-2);
    let far = date(400);
    let cases: Vec<(&str, &str, &str, &str)> = vec![
        ("organisation", &long, "organisation-error", "hoogstens 120"),
        ("team", &long, "team-error", "hoogstens 120"),
        ("team", "", "team-error", "Vul de naam van het team in."),
        (
            "departments",
            "Zorg\nTechniek\n zorg ",
            "departments-error",
            "meer dan één keer",
        ),
        ("departments", &many, "departments-error", "hoogstens 30"),
        (
            "departments",
            &long_department,
            "departments-error",
            "hoogstens 80",
        ),
        ("closes_on", &past, "closes_on-error", "al voorbij"),
        ("closes_on", &far, "closes_on-error", "binnen een jaar"),
        (
            "closes_on",
            "31-02-2026",
            "closes_on-error",
            "geldige datum",
        ),
        ("lang", "de", "lang-error", "taal van de scan"),
        ("invite", "alles", "invite-error", "hoe je medewerkers"),
        ("count", "0", "count-error", "tussen 1 en 2000"),
        ("count", "2001", "count-error", "tussen 1 en 2000"),
        ("count", "veel", "count-error", "tussen 1 en 2000"),
    ];
    for (field, value, error_id, message) in cases {
        let response = create_scan(&app, &[(field, value)]).await;
        assert_eq!(response.status(), 422, "{field}={value}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains(&format!("id=\"{error_id}\"")),
            "{field}: {error_id}"
        );
        assert!(html.contains(message), "{field}: {message}");
        assert!(
            html.contains(&format!("aria-describedby=\"{error_id}\""))
                || html.contains(&format!(" {error_id}\"")),
            "{field}: error linked"
        );
        // The other answers are kept.
        assert!(html.contains("value=\"Bakkerij De Korf\"") || field == "organisation");
        assert!(html.contains("value=\"Winkel\"") || field == "team");
    }
    // What was typed stays, escaped.
    let response = create_scan(
        &app,
        &[("departments", "<b>Zorg</b>\n<b>Zorg</b>"), ("count", "0")],
    )
    .await;
    let html = response.text().await.unwrap();
    let kept = between(
        &html,
        "aria-describedby=\"departments-hint departments-error\">",
        "</textarea>",
    );
    assert_eq!(
        kept,
        "&#60;b&#62;Zorg&#60;/b&#62;\n&#60;b&#62;Zorg&#60;/b&#62;"
    );
    assert!(!html.contains("<b>Zorg</b>"));

    assert!(
        app.store.scans_of(owner).await.unwrap().is_empty(),
        "nothing stored"
    );
}

async fn create_scan_with_personal_links(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let response = create_scan(&app, &[("departments", "Zorg\n\nTechniek  en beheer\n")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("Je scan staat klaar"));
    let links = invite_links(&html);
    assert_eq!(links.len(), 3);
    let scan_id = scan_id_of(&html);
    for link in &links {
        let token = link
            .strip_prefix("http://localhost:8080/scan/")
            .expect("an absolute Dutch scan link");
        match app
            .store
            .scan_entry(&auth::token_hash(token))
            .await
            .unwrap()
        {
            Some(ScanEntry::Invite {
                scan,
                round,
                department_id,
                used,
            }) => {
                assert_eq!(scan.id, scan_id);
                assert_eq!(round.number, 1);
                assert_eq!((department_id, used), (None, false));
                assert_eq!((scan.min_group, scan.min_comments), (5, 8));
                assert_eq!(scan.organisation, "Bakkerij De Korf");
            }
            other => panic!("not an invite: {other:?}"),
        }
    }
    let departments = app.store.departments(scan_id).await.unwrap();
    let names: Vec<_> = departments.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["Zorg", "Techniek en beheer"]);
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert_eq!((rounds.len(), rounds[0].invited), (1, 3));
    assert!(!rounds[0].shared_link);

    // The download gives the same links as a text file.
    let seed = between(&html, "name=\"seed\" value=\"", "\"").to_owned();
    let download = format!("/werkgever/scans/{scan_id}/links.txt");
    let response = app
        .post_form(&download, &[("seed", &seed), ("count", "3")])
        .await;
    assert_eq!(response.status(), 200);
    assert!(header(&response, "content-type").starts_with("text/plain"));
    assert!(header(&response, "content-disposition").starts_with("attachment"));
    assert_eq!(header(&response, "cache-control"), "no-store");
    let text = response.text().await.unwrap();
    assert_eq!(text.lines().collect::<Vec<_>>(), links);
    // A raised count, a wrong seed or a missing one gives nothing.
    let response = app
        .post_form(&download, &[("seed", &seed), ("count", "4")])
        .await;
    assert_eq!(response.status(), 404);
    let response = app
        .post_form(
            &download,
            &[("seed", &auth::random_token()), ("count", "3")],
        )
        .await;
    assert_eq!(response.status(), 404);
    let response = app.post_form(&download, &[("count", "3")]).await;
    assert_eq!(response.status(), 400);

    // The overview lists the scan; no page shows the links again.
    let html = app.get("/werkgever").await.text().await.unwrap();
    assert!(html.contains("Bakkerij De Korf · Winkel"));
    assert!(html.contains(&format!("href=\"/werkgever/scans/{scan_id}\"")));
    assert!(html.contains("Open") && html.contains("Ronde 1"));
    let closes = between(&html, "Open tot en met ", "</span>");
    assert!(closes.split(' ').count() == 4, "a long date: {closes}");
    let detail = app.get(&format!("/werkgever/scans/{scan_id}")).await;
    assert_eq!(detail.status(), 200);
    let html = detail.text().await.unwrap();
    assert!(html.contains("Zorg, Techniek en beheer"));
    assert!(html.contains(&format!("/werkgever/scans/{scan_id}/resultaten")));
    assert!(html.contains("<span class=\"stat\">3</span> uitgenodigd"));
    assert!(html.contains("<span class=\"stat\">0%</span> respons"));
    // The footer links the employees' privacy page, which lives under /scan/ too.
    let without_footer = html.replace("/scan/wat-je-werkgever-ziet", "");
    assert!(
        !without_footer.contains("/scan/"),
        "no invite links on later visits"
    );
    for link in &links {
        assert!(!html.contains(token_of(link)));
    }

    // An English scan gets English links.
    let response = create_scan(&app, &[("lang", "en"), ("count", "1")]).await;
    let html = response.text().await.unwrap();
    let links = invite_links(&html);
    assert_eq!(links.len(), 1);
    assert!(links[0].starts_with("http://localhost:8080/en/scan/"));
}

async fn create_scan_with_a_shared_link(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let response = create_scan(&app, &[("invite", "shared"), ("count", "")]).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(!html.contains("<textarea"), "no personal links");
    let link = between(
        &html,
        "id=\"shared-link\" class=\"wg-link-box\" type=\"text\" readonly value=\"",
        "\"",
    );
    let token = link.strip_prefix("http://localhost:8080/scan/").unwrap();
    let Some(ScanEntry::Shared { scan, round }) = app
        .store
        .scan_entry(&auth::token_hash(token))
        .await
        .unwrap()
    else {
        panic!("not a shared link");
    };
    assert!(round.shared_link && round.invited == 0);
    let html = app
        .get(&format!("/werkgever/scans/{}", scan.id))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("gedeelde link"));
    assert!(!html.contains(token), "the shared link is shown once");
    assert!(
        !html.contains("respons</li>"),
        "no response rate for a shared link"
    );
}

async fn another_employer_gets_404(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let html = create_scan(&app, &[]).await.text().await.unwrap();
    let scan_id = scan_id_of(&html);
    let seed = between(&html, "name=\"seed\" value=\"", "\"").to_owned();

    let other = common::client();
    sign_in_as(&app, &other, OTHER).await;
    let overview = get_as(&app, &other, "/werkgever")
        .await
        .text()
        .await
        .unwrap();
    assert!(!overview.contains("Bakkerij"));
    for path in ["", "/sluiten", "/nieuwe-ronde"] {
        let response = get_as(&app, &other, &format!("/werkgever/scans/{scan_id}{path}")).await;
        assert_eq!(response.status(), 404, "GET {path}");
    }
    let closes = date(10);
    for (path, form) in [
        ("/sluiten", vec![]),
        ("/uitnodigingen", vec![("count", "5")]),
        (
            "/nieuwe-ronde",
            vec![("closes_on", closes.as_str()), ("invite", "shared")],
        ),
        ("/links.txt", vec![("seed", seed.as_str()), ("count", "3")]),
    ] {
        let response = post_as(
            &app,
            &other,
            &format!("/werkgever/scans/{scan_id}{path}"),
            &form,
        )
        .await;
        assert_eq!(response.status(), 404, "POST {path}");
    }
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert_eq!(rounds.len(), 1);
    assert!(rounds[0].closed_at.is_none() && rounds[0].invited == 3);
    for bogus in ["999999", "abc", "-1"] {
        let response = app.get(&format!("/werkgever/scans/{bogus}")).await;
        assert_eq!(response.status(), 404, "{bogus}");
    }
    // Not signed in at all: the sign-in page, not the scan.
    let response = get_as(
        &app,
        &common::client(),
        &format!("/werkgever/scans/{scan_id}"),
    )
    .await;
    assert_eq!(location(&response), "/werkgever/login");
}

async fn more_invites_close_round_and_new_round(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let html = create_scan(&app, &[("departments", "Zorg\nTechniek"), ("count", "2")])
        .await
        .text()
        .await
        .unwrap();
    let scan_id = scan_id_of(&html);
    let first_links = invite_links(&html);
    let scan_path = format!("/werkgever/scans/{scan_id}");
    let departments = app.store.departments(scan_id).await.unwrap();
    let techniek = departments.iter().find(|d| d.name == "Techniek").unwrap();

    // More invitations, for one department.
    let more = format!("{scan_path}/uitnodigingen");
    let response = app.post_form(&more, &[("count", "0")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"count-error\"") && html.contains("value=\"0\""));
    let response = app
        .post_form(&more, &[("count", "2"), ("department", "424242")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"department-error\"")
    );
    let department = techniek.id.to_string();
    let response = app
        .post_form(&more, &[("count", "2"), ("department", &department)])
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("Nieuwe uitnodigingslinks") && html.contains("Techniek"));
    let links = invite_links(&html);
    assert_eq!(links.len(), 2);
    let token = links[0].rsplit('/').next().unwrap();
    let Some(ScanEntry::Invite { department_id, .. }) = app
        .store
        .scan_entry(&auth::token_hash(token))
        .await
        .unwrap()
    else {
        panic!("not an invite");
    };
    assert_eq!(department_id, Some(techniek.id));
    // The download of this batch works too.
    let seed = between(&html, "name=\"seed\" value=\"", "\"").to_owned();
    let text = app
        .post_form(
            &format!("{scan_path}/links.txt"),
            &[("seed", &seed), ("count", "2")],
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(text.lines().collect::<Vec<_>>(), links);
    assert_eq!(app.store.rounds(scan_id).await.unwrap()[0].invited, 4);

    // Closing asks first, then closes.
    let confirm = app.get(&format!("{scan_path}/sluiten")).await;
    assert_eq!(confirm.status(), 200);
    assert!(
        confirm
            .text()
            .await
            .unwrap()
            .contains("Ja, sluit deze ronde")
    );
    let response = app.post_form(&format!("{scan_path}/sluiten"), &[]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), scan_path);
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert!(rounds[0].closed_at.is_some());
    let html = app.get(&scan_path).await.text().await.unwrap();
    assert!(html.contains("Gesloten"));
    assert!(
        !html.contains("/uitnodigingen\""),
        "no more invitations for a closed round"
    );
    // A stale form still cannot add links to the closed round.
    let response = app.post_form(&more, &[("count", "2")]).await;
    assert_eq!(response.status(), 409);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze ronde is gesloten")
    );
    assert_eq!(app.store.rounds(scan_id).await.unwrap()[0].invited, 4);
    // The confirm page of a closed round goes back to the scan.
    assert_eq!(
        location(&app.get(&format!("{scan_path}/sluiten")).await),
        scan_path
    );
    // Closing again is harmless.
    assert_eq!(
        app.post_form(&format!("{scan_path}/sluiten"), &[])
            .await
            .status(),
        303
    );

    // A new round: bad input first, nothing opened.
    let new_round = format!("{scan_path}/nieuwe-ronde");
    let page = app.get(&new_round).await;
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Ronde 2"));
    let past = date(-1);
    let response = app
        .post_form(
            &new_round,
            &[("closes_on", &past), ("invite", "personal"), ("count", "x")],
        )
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"closes_on-error\"") && html.contains("id=\"count-error\""));
    assert_eq!(app.store.rounds(scan_id).await.unwrap().len(), 1);

    // Then a good one, with personal links.
    let closes = date(30);
    let response = app
        .post_form(
            &new_round,
            &[
                ("closes_on", &closes),
                ("invite", "personal"),
                ("count", "4"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("Ronde 2 is gestart"));
    let round_links = invite_links(&html);
    assert_eq!(round_links.len(), 4);
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert_eq!(rounds.len(), 2);
    assert_eq!((rounds[1].number, rounds[1].invited), (2, 4));
    assert!(rounds[1].closed_at.is_none());
    assert_eq!(rounds[1].closes_on.format("%Y-%m-%d").to_string(), closes);
    let token = round_links[0].rsplit('/').next().unwrap();
    let Some(ScanEntry::Invite { round, .. }) = app
        .store
        .scan_entry(&auth::token_hash(token))
        .await
        .unwrap()
    else {
        panic!("not an invite");
    };
    assert_eq!(round.number, 2);
    // Links of round 1 still point at round 1 (which accepts nothing now).
    let old = first_links[0].rsplit('/').next().unwrap();
    let Some(entry) = app.store.scan_entry(&auth::token_hash(old)).await.unwrap() else {
        panic!("old invite gone");
    };
    assert_eq!(entry.round().number, 1);
    assert!(entry.round().closed_at.is_some());

    // The scan page shows both rounds; a third round with a shared link closes the second.
    let html = app.get(&scan_path).await.text().await.unwrap();
    assert!(html.contains("Ronde 2") && html.contains("<td>1</td>"));
    let response = app
        .post_form(
            &new_round,
            &[("closes_on", &closes), ("invite", "shared"), ("count", "")],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Ronde 3 is gestart") && html.contains("id=\"shared-link\""));
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert_eq!(rounds.len(), 3);
    assert!(rounds[1].closed_at.is_some() && rounds[2].shared_link);
    let overview = app.get("/werkgever").await.text().await.unwrap();
    assert!(overview.contains("Ronde 3"));
}

async fn signed_in_pages_in_english(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in(&app, EMAIL).await;
    let html = app.get("/en/werkgever").await.text().await.unwrap();
    assert!(
        html.contains("Create a new scan") && html.contains("href=\"/en/werkgever/scans/nieuw\"")
    );
    let response = app
        .post_form("/en/werkgever/scans/nieuw", &[("organisation", "")])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Enter the name of the organisation.")
    );
    let closes = date(7);
    let response = app
        .post_form(
            "/en/werkgever/scans/nieuw",
            &[
                ("organisation", "Acme"),
                ("team", "Support"),
                ("closes_on", &closes),
                ("lang", "en"),
                ("invite", "personal"),
                ("count", "1"),
            ],
        )
        .await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("Your scan is ready"));
    assert!(html.contains("action=\"/en/werkgever/scans/"));
    let response = app.post_form("/en/werkgever/uitloggen", &[]).await;
    assert_eq!(location(&response), "/en/werkgever/login");
}

both_backends!(
    magic_link_sign_in,
    english_sign_in,
    same_page_for_known_and_unknown_addresses,
    expired_and_unknown_links,
    sign_in_links_are_rate_limited,
    create_scan_refuses_bad_input,
    create_scan_with_personal_links,
    create_scan_with_a_shared_link,
    another_employer_gets_404,
    more_invites_close_round_and_new_round,
    signed_in_pages_in_english,
);

/// Without `base_url`, links in mail and on pages use the address the site really listens
/// on (here a port picked by the system), so that a browser following them keeps its
/// cookies (they are per host: `localhost` and `127.0.0.1` do not share them).
#[tokio::test]
async fn links_follow_the_address_listened_on() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("hrnexus.toml");
    std::fs::write(&file, "").unwrap();
    let settings = hrnexus::config::Settings::load(&hrnexus::config::Overrides {
        config_file: Some(file),
        listen: Some("127.0.0.1:0".into()),
        data_dir: Some(dir.path().display().to_string()),
        database_url: None,
    })
    .unwrap();
    assert_eq!(settings.base_url(), "http://127.0.0.1:0");
    let store = hrnexus::app::open_storage(&settings).await.unwrap();
    let running = hrnexus::app::start(settings, store).await.unwrap();
    let base = format!("http://{}", running.addr);
    assert_eq!(running.state.settings.base_url(), base);
    let client = common::client();
    let response = client
        .post(format!("{base}/werkgever/login"))
        .form(&[("email", "eigenaar@bakkerij.nl")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    let mail = loop {
        let found = std::fs::read_dir(dir.path().join("mail"))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .next();
        if let Some(mail) = found {
            break mail.replace("=\r\n", "").replace("=\n", "");
        }
        assert!(std::time::Instant::now() < deadline, "no sign-in mail");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    assert!(
        mail.contains(&format!("{base}/werkgever/inloggen/")),
        "the link uses {base}:\n{mail}"
    );
    assert!(!mail.contains("localhost"), "{mail}");
    running.stop().await;
}
