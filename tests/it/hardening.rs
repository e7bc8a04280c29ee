//! Security hardening from the outside probe (issue 11, items 1, 4, 5, 7 and 8): each test
//! reproduces what the probe did, over HTTP against a real server, on both backends.

use crate::{both_backends, common};

use chrono::Days;
use common::{Db, TestApp};
use hrnexus::{auth, storage::now};
use hrnexus_core::email::EmailAddress;

const EMPLOYER: &str = "werkgever@bedrijf.nl";
const STAFF: &str = "beheer@hrnexus.nl";
const PASSWORD: &str = "een lang genoeg wachtwoord";
/// `base_url` of a test app (the default): the site's own origin.
const SITE: &str = "http://localhost:8080";
/// Trust the test client as a proxy, so `X-Forwarded-For` can play different visitors.
const BEHIND_PROXY: &str = "trusted_proxies = [\"127.0.0.1\"]\n";

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

/// Every value of `attr="…"` in a page.
fn attribute_values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let needle = format!(" {attr}=\"");
    html.match_indices(&needle)
        .map(|(at, _)| {
            let rest = &html[at + needle.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

/// A same-origin form post from `client`, optionally as the visitor at `from`.
async fn post(
    app: &TestApp,
    client: &reqwest::Client,
    path: &str,
    form: &[(&str, &str)],
    from: Option<&str>,
) -> reqwest::Response {
    let mut request = client
        .post(app.url(path))
        .header("sec-fetch-site", "same-origin")
        .form(form);
    if let Some(ip) = from {
        request = request.header("x-forwarded-for", ip);
    }
    request.send().await.unwrap()
}

/// The paths of the sign-in links mailed to `email`, newest first, read from the `.eml`
/// files the outbox worker writes (the outbox erases a link once it is delivered). Waits
/// until at least `count` have arrived.
async fn mailed_links(app: &TestApp, email: &str, count: usize) -> Vec<String> {
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
                        Some((e.metadata().ok()?.modified().ok()?, text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
        // Quoted-printable: soft line breaks and `=3D` are all a link can contain.
        let links: Vec<String> = found
            .into_iter()
            .map(|(_, text)| text.replace("=\r\n", "").replace("=3D", "="))
            .filter(|text| {
                text.lines()
                    .any(|l| l.to_ascii_lowercase() == format!("to: {email}"))
            })
            .filter_map(|text| {
                let url = text[text.find(SITE)?..]
                    .split_whitespace()
                    .next()?
                    .to_owned();
                url.strip_prefix(SITE).map(str::to_owned)
            })
            .collect();
        if links.len() >= count {
            return links;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "{count} mails to {email} did not arrive"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

async fn sign_in_employer(app: &TestApp, client: &reqwest::Client) {
    let response = post(
        app,
        client,
        "/werkgever/login",
        &[("email", EMPLOYER)],
        None,
    )
    .await;
    assert_eq!(response.status(), 200);
    let link = mailed_links(app, EMPLOYER, 1).await.remove(0);
    let response = post(app, client, &link, &[], None).await;
    assert_eq!(response.status(), 303, "the link signs in");
}

/// A scan with personal links, created over HTTP by the signed-in employer; its id.
async fn create_scan(app: &TestApp, client: &reqwest::Client) -> i64 {
    let closes = (hrnexus::i18n::today() + Days::new(14))
        .format("%Y-%m-%d")
        .to_string();
    let form = [
        ("organisation", "Bakkerij De Korf"),
        ("team", "Winkel"),
        ("departments", ""),
        ("closes_on", closes.as_str()),
        ("lang", "nl"),
        ("invite", "personal"),
        ("count", "3"),
    ];
    let response = post(app, client, "/werkgever/scans/nieuw", &form, None).await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    between(&html, "action=\"/werkgever/scans/", "/links.txt")
        .parse()
        .unwrap()
}

async fn with_staff(db: Db, extra_toml: &str) -> Option<TestApp> {
    let app = common::spawn_with(db, extra_toml).await?;
    let email = EmailAddress::parse(STAFF).unwrap();
    app.store
        .create_staff(&email, &auth::hash_password(PASSWORD))
        .await
        .unwrap();
    Some(app)
}

/// Password and TOTP enrolment: signed in to the back office afterwards.
async fn sign_in_staff(app: &TestApp, from: Option<&str>) {
    let client = &app.client;
    let form = [("email", STAFF), ("password", PASSWORD)];
    let response = post(app, client, "/beheer/login", &form, from).await;
    assert_eq!(response.status(), 303);
    let page = app.get("/beheer/twee-staps/instellen").await;
    assert_eq!(
        header(&page, "cache-control"),
        "no-store",
        "the TOTP secret"
    );
    let page = page.text().await.unwrap();
    let secret = between(&page, "<code class=\"secret\">", "</code>").to_owned();
    let code = auth::totp(&secret, STAFF)
        .unwrap()
        .generate_current()
        .to_string();
    let response = post(
        app,
        client,
        "/beheer/twee-staps/instellen",
        &[("code", &code)],
        from,
    )
    .await;
    assert_eq!(header(&response, "location"), "/beheer");
}

// ---------------------------------------------------------------------------------------
// Item 1: a path segment never chooses where a form posts.

async fn a_sign_in_link_cannot_choose_where_its_button_posts(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let employer = common::client();
    sign_in_employer(&app, &employer).await;
    let scan_id = create_scan(&app, &employer).await;
    let crafted = format!("/werkgever/inloggen/..%2Fscans%2F{scan_id}%2Fsluiten");

    // The signed-in employer opens the crafted link and presses every button on the page,
    // posting wherever the page says (resolved as a browser resolves it).
    let response = employer.get(app.url(&crafted)).send().await.unwrap();
    let status = response.status();
    let html = response.text().await.unwrap();
    let page_url = reqwest::Url::parse(&app.url(&crafted)).unwrap();
    for action in attribute_values(&html, "action") {
        let target = page_url.join(&action.replace("&#x2f;", "/")).unwrap();
        assert!(
            !target.path().contains("/scans/"),
            "the page posts to {target}"
        );
        let response = employer
            .post(target)
            .header("sec-fetch-site", "same-origin")
            .send()
            .await
            .unwrap();
        assert_ne!(response.status(), 500);
    }
    // And posting to the crafted address itself closes nothing either.
    let response = post(&app, &employer, &crafted, &[], None).await;
    assert_eq!(response.status(), 410);
    let rounds = app.store.rounds(scan_id).await.unwrap();
    assert!(rounds[0].closed_at.is_none(), "the round is still open");
    assert_eq!(status, 410, "an invalid link, not a sign-in button");
    assert!(html.contains("Deze inloglink werkt niet meer"));

    // Other shapes get the same friendly page; a real link still shows its button.
    for bogus in [
        "abc".to_owned(),
        "A".repeat(44),
        format!("{}%2F", "A".repeat(42)),
        "..%2F..%2Fbeheer%2Fapi-sleutels%2F1%2Fintrekken".to_owned(),
    ] {
        let path = format!("/werkgever/inloggen/{bogus}");
        let response = app.get(&path).await;
        assert_eq!(response.status(), 410, "{bogus}");
        assert!(
            !response
                .text()
                .await
                .unwrap()
                .contains("method=\"post\" action=\"/werkgever/inloggen")
        );
    }
    let _ = post(
        &app,
        &app.client,
        "/werkgever/login",
        &[("email", "nieuw@bedrijf.nl")],
        None,
    )
    .await;
    let link = mailed_links(&app, "nieuw@bedrijf.nl", 1).await.remove(0);
    let html = app.get(&link).await.text().await.unwrap();
    assert!(html.contains(&format!("action=\"{link}\"")));
}

async fn ids_and_tokens_in_paths_are_parsed(db: Db) {
    let Some(app) = with_staff(db, "").await else {
        return;
    };
    sign_in_staff(&app, None).await;
    let (_, prefix, hash) = auth::new_api_key();
    let id = app
        .store
        .create_api_key("Koppeling", &prefix, &hash, STAFF)
        .await
        .unwrap();
    for bad in ["0", "-1", "+1", "01", "1.0", "abc", "99999999999999999999"] {
        let response = app
            .post_form(&format!("/beheer/api-sleutels/{bad}/intrekken"), &[])
            .await;
        assert_eq!(response.status(), 404, "{bad}");
        assert_eq!(
            app.get(&format!("/beheer/outbox/{bad}")).await.status(),
            404,
            "{bad}"
        );
    }
    assert!(
        app.store.list_api_keys().await.unwrap()[0]
            .revoked_at
            .is_none()
    );
    let response = app
        .post_form(&format!("/beheer/api-sleutels/{id}/intrekken"), &[])
        .await;
    assert_eq!(response.status(), 303);
    assert!(
        app.store.list_api_keys().await.unwrap()[0]
            .revoked_at
            .is_some()
    );

    // `/scan/{token}`: a malformed token is the friendly unknown-link page.
    for bogus in ["kort", "..%2Fbeheer", &"A".repeat(43)] {
        let response = app.get(&format!("/scan/{bogus}")).await;
        assert_eq!(response.status(), 404, "{bogus}");
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Deze link werkt niet")
        );
    }
}

// ---------------------------------------------------------------------------------------
// Item 4: an attacker slows themselves, not the account's owner.

async fn staff_sign_in_is_throttled_per_account_and_address(db: Db) {
    let Some(app) = with_staff(db, BEHIND_PROXY).await else {
        return;
    };
    let attacker = Some("203.0.113.9");
    let wrong = [("email", STAFF), ("password", "fout")];
    for _ in 0..5 {
        let response = post(&app, &app.client, "/beheer/login", &wrong, attacker).await;
        assert_eq!(response.status(), 401);
    }
    // The owner, from elsewhere, gets in: the attacker did not lock the account.
    let right = [("email", STAFF), ("password", PASSWORD)];
    let owner = common::client();
    let response = post(&app, &owner, "/beheer/login", &right, Some("198.51.100.7")).await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        header(&response, "location"),
        "/beheer/twee-staps/instellen"
    );
    for _ in 0..30 {
        let response = post(&app, &app.client, "/beheer/login", &wrong, attacker).await;
        assert_eq!(response.status(), 429);
        let retry: u64 = header(&response, "retry-after")
            .parse()
            .expect("Retry-After");
        assert!((1..=15 * 60).contains(&retry));
        assert!(
            response
                .text()
                .await
                .unwrap()
                .contains("Te veel mislukte pogingen")
        );
    }
    // Even the right password waits, from the attacker's address.
    let response = post(&app, &app.client, "/beheer/login", &right, attacker).await;
    assert_eq!(response.status(), 429);

    // 31 refused attempts left one "throttled" row, not 31.
    let since = now() - 3600;
    let throttled = app
        .store
        .count_audit_since("login_throttled", None, None, since)
        .await
        .unwrap();
    assert_eq!(throttled, 1);

    // One address trying many accounts still hits the per-address cap.
    let spray = Some("192.0.2.55");
    for i in 0..20 {
        let email = format!("gok{i}@hrnexus.nl");
        let form = [("email", email.as_str()), ("password", "fout")];
        let response = post(&app, &app.client, "/beheer/login", &form, spray).await;
        assert_eq!(response.status(), 401, "attempt {i}");
    }
    for i in 20..25 {
        let email = format!("gok{i}@hrnexus.nl");
        let form = [("email", email.as_str()), ("password", "fout")];
        let response = post(&app, &app.client, "/beheer/login", &form, spray).await;
        assert_eq!(response.status(), 429, "attempt {i}");
        assert!(!header(&response, "retry-after").is_empty());
    }
    let throttled = app
        .store
        .count_audit_since("login_throttled", None, Some("192.0.2.55"), since)
        .await
        .unwrap();
    assert_eq!(throttled, 1, "one row per address and window");
}

async fn employer_link_requests_are_throttled_per_account_and_address(db: Db) {
    let Some(app) = common::spawn_with(db, BEHIND_PROXY).await else {
        return;
    };
    let attacker = Some("203.0.113.9");
    let form = [("email", EMPLOYER)];
    for _ in 0..5 {
        let response = post(&app, &app.client, "/werkgever/login", &form, attacker).await;
        assert_eq!(response.status(), 200);
    }
    let owner = common::client();
    let response = post(
        &app,
        &owner,
        "/werkgever/login",
        &form,
        Some("198.51.100.7"),
    )
    .await;
    assert_eq!(response.status(), 200, "the owner still gets a link");
    for _ in 0..10 {
        let response = post(&app, &app.client, "/werkgever/login", &form, attacker).await;
        assert_eq!(response.status(), 429);
        let retry: u64 = header(&response, "retry-after")
            .parse()
            .expect("Retry-After");
        assert!((1..=3600).contains(&retry));
    }
    let throttled = app
        .store
        .count_audit_since("employer_link_throttled", None, None, now() - 3600)
        .await
        .unwrap();
    assert_eq!(throttled, 1);
}

async fn every_429_says_when_to_retry(db: Db) {
    let Some(app) = common::spawn_with(db, "public_form_rate_per_minute = 2\n").await else {
        return;
    };
    let mut statuses = vec![];
    for _ in 0..3 {
        let response = app
            .post_form("/werkgever/login", &[("email", EMPLOYER)])
            .await;
        statuses.push(response.status().as_u16());
        if response.status() == 429 {
            let retry: u64 = header(&response, "retry-after")
                .parse()
                .expect("Retry-After");
            assert!((1..=60).contains(&retry));
            assert!(
                response
                    .text()
                    .await
                    .unwrap()
                    .contains("<html lang=\"nl\">")
            );
        }
    }
    assert_eq!(statuses, [200, 200, 429]);
}

// ---------------------------------------------------------------------------------------
// Item 5: nothing private stays in a cache.

async fn signed_in_pages_and_the_api_are_not_stored(db: Db) {
    let Some(app) = with_staff(db, "").await else {
        return;
    };
    sign_in_staff(&app, None).await;
    for path in [
        "/beheer",
        "/en/beheer",
        "/beheer/outbox",
        "/beheer/audit",
        "/beheer/api-sleutels",
        "/beheer/intakes",
        "/beheer/login",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
    }
    let employer = common::client();
    sign_in_employer(&app, &employer).await;
    let scan_id = create_scan(&app, &employer).await;
    for path in [
        "/werkgever".to_owned(),
        format!("/werkgever/scans/{scan_id}"),
        format!("/werkgever/scans/{scan_id}/resultaten"),
    ] {
        let response = employer.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert!(
            header(&response, "cache-control").contains("no-store"),
            "{path}"
        );
    }
    // The API, with a key and without one (an error is an API response too).
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key("Koppeling", &prefix, &hash, STAFF)
        .await
        .unwrap();
    let response = app
        .client
        .get(app.url("/api/v1/me"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let response = common::client()
        .get(app.url("/api/v1/me"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_eq!(header(&response, "cache-control"), "no-store");
    // Public pages keep their own caching.
    let css = app.get("/static/style.css").await;
    assert!(header(&css, "cache-control").starts_with("public"));
}

// ---------------------------------------------------------------------------------------
// Item 7: every generated link stays on this site.

async fn error_pages_link_only_to_this_site(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    for path in [
        "/en//evil.example",
        "//evil.example",
        "/en//evil.example/pad",
        "/en/%5Cevil.example",
        "/en/%2F%2Fevil.example",
        "/bestaat/niet%22%3E%3Cscript%3E",
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let html = response.text().await.unwrap();
        for attr in ["href", "action", "src"] {
            for value in attribute_values(&html, attr) {
                let on_site = value.starts_with(&format!("{SITE}/"))
                    || value.starts_with('#')
                    || (value.starts_with('/') && !value.starts_with("//"));
                assert!(on_site, "{path}: {attr}=\"{value}\"");
                assert!(
                    !value.contains('\\') && !value.contains("//evil"),
                    "{path}: {value}"
                );
            }
        }
        assert!(!html.contains("<script>"));
    }
}

// ---------------------------------------------------------------------------------------
// Item 8.

async fn using_a_sign_in_link_ends_the_older_ones(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    for _ in 0..3 {
        app.post_form("/werkgever/login", &[("email", EMPLOYER)])
            .await;
        // Links expire by the second: make each one younger than the last.
        tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    }
    let links = mailed_links(&app, EMPLOYER, 3).await;
    assert_eq!(links.len(), 3);
    let response = app.post_form(&links[1], &[]).await;
    assert_eq!(response.status(), 303, "the middle link works");
    let other = common::client();
    let oldest = post(&app, &other, &links[2], &[], None).await;
    assert_eq!(oldest.status(), 410, "an older unused link stopped working");
    let newest = post(&app, &other, &links[0], &[], None).await;
    assert_eq!(newest.status(), 303, "a newer link still works");
}

async fn the_origin_check_compares_scheme_host_and_port(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let response = app.get("/").await;
    assert_eq!(
        header(&response, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    let own_host = app.base.trim_start_matches("http://").to_owned();
    let https_own_host = format!("https://{own_host}");
    // (Origin, accepted?) for a form post from a browser without Sec-Fetch-Site.
    for (origin, accepted) in [
        (SITE, true),
        ("http://LOCALHOST:8080", true),
        ("https://localhost:8080", false),
        ("http://localhost:8081", false),
        ("http://localhost", false),
        (https_own_host.as_str(), false),
        ("null", false),
        ("https://evil.example", false),
    ] {
        let response = app
            .client
            .post(app.url("/werkgever/login"))
            .header("origin", origin)
            .form(&[("email", EMPLOYER)])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert_eq!(status != 403, accepted, "Origin: {origin} gave {status}");
    }
}

async fn a_new_beheerder_sets_up_the_account_with_a_personal_link(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let email = EmailAddress::parse(STAFF).unwrap();
    let token = auth::random_token();
    let placeholder = auth::hash_password(&auth::random_token());
    let (_, created) = app
        .store
        .create_staff_setup_link(
            &email,
            &placeholder,
            &auth::token_hash(&token),
            now() + 3600,
        )
        .await
        .unwrap();
    assert!(created);
    let link = format!("/beheer/instellen/{token}");

    // Until the link is used nobody can sign in, whatever they guess.
    let response = app
        .post_form("/beheer/login", &[("email", STAFF), ("password", "")])
        .await;
    assert_eq!(response.status(), 401);

    let response = app.get(&link).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains(STAFF) && html.contains(&format!("action=\"{link}\"")));

    // Bad input: a message beside the field, and the link still works afterwards.
    let response = app
        .post_form(&link, &[("password", "kort"), ("repeat", "kort")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"password-error\"") && html.contains("minstens 12 tekens"));
    let response = app
        .post_form(
            &link,
            &[("password", PASSWORD), ("repeat", "iets anders dan dat")],
        )
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("id=\"repeat-error\"")
    );

    let response = app
        .post_form(&link, &[("password", PASSWORD), ("repeat", PASSWORD)])
        .await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        header(&response, "location"),
        "/beheer/twee-staps/instellen"
    );
    // The same session goes on to enrol the second factor.
    let page = app
        .get("/beheer/twee-staps/instellen")
        .await
        .text()
        .await
        .unwrap();
    let secret = between(&page, "<code class=\"secret\">", "</code>").to_owned();
    let code = auth::totp(&secret, STAFF)
        .unwrap()
        .generate_current()
        .to_string();
    let response = app
        .post_form("/beheer/twee-staps/instellen", &[("code", &code)])
        .await;
    assert_eq!(header(&response, "location"), "/beheer");
    assert_eq!(app.get("/beheer").await.status(), 200);

    // Single use: someone else with the same link gets nothing.
    let other = common::client();
    let response = other.get(app.url(&link)).send().await.unwrap();
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze instellink werkt niet")
    );
    let response = post(
        &app,
        &other,
        &link,
        &[
            ("password", "nog een lang wachtwoord"),
            ("repeat", "nog een lang wachtwoord"),
        ],
        None,
    )
    .await;
    assert_eq!(response.status(), 410);
    // The chosen password works; a malformed link is the same friendly page.
    let response = post(
        &app,
        &other,
        "/beheer/login",
        &[("email", STAFF), ("password", PASSWORD)],
        None,
    )
    .await;
    assert_eq!(header(&response, "location"), "/beheer/twee-staps");
    let response = app.get("/en/beheer/instellen/..%2F..%2Fbeheer").await;
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This set-up link does not work")
    );
    let events: Vec<String> = app
        .store
        .recent_audit(50)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event)
        .collect();
    assert!(events.iter().any(|e| e == "staff_setup"), "{events:?}");
}

/// The storage contract behind set-up links, on both backends.
async fn set_up_links_are_single_use_and_replace_each_other(db: Db) {
    let Some(test) = common::store(db).await else {
        return;
    };
    let store = &test.store;
    let email = EmailAddress::parse(STAFF).unwrap();
    let t = now();
    let (id, created) = store
        .create_staff_setup_link(&email, "placeholder", "hash-1", t + 100)
        .await
        .unwrap();
    assert!(created);
    assert_eq!(
        store
            .staff_setup_link("hash-1", t)
            .await
            .unwrap()
            .map(|s| s.id),
        Some(id)
    );
    assert!(
        store
            .staff_setup_link("hash-1", t + 100)
            .await
            .unwrap()
            .is_none(),
        "expired"
    );
    // A second link for the same account ends the first; the account is not duplicated.
    let (again, created) = store
        .create_staff_setup_link(&email, "other placeholder", "hash-2", t + 100)
        .await
        .unwrap();
    assert_eq!((again, created), (id, false));
    assert_eq!(store.count_staff().await.unwrap(), 1);
    assert!(store.staff_setup_link("hash-1", t).await.unwrap().is_none());
    assert!(
        store
            .use_staff_setup_link("hash-1", "pw", t)
            .await
            .unwrap()
            .is_none()
    );
    // Using it sets the password and clears the second factor, once.
    let notice = hrnexus::mail::compose(
        STAFF,
        &hrnexus::mail::TotpEnabled {
            lang: hrnexus::i18n::Lang::Nl,
        },
    )
    .unwrap();
    store.enable_totp(id, "SECRET", &notice).await.unwrap();
    let staff = store
        .use_staff_setup_link("hash-2", "new hash", t)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((staff.id, staff.password_hash.as_str()), (id, "new hash"));
    assert!(staff.totp_secret.is_none());
    assert!(
        store
            .use_staff_setup_link("hash-2", "again", t)
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(
        store.staff_by_id(id).await.unwrap().unwrap().password_hash,
        "new hash"
    );
}

both_backends!(
    set_up_links_are_single_use_and_replace_each_other,
    a_sign_in_link_cannot_choose_where_its_button_posts,
    ids_and_tokens_in_paths_are_parsed,
    staff_sign_in_is_throttled_per_account_and_address,
    employer_link_requests_are_throttled_per_account_and_address,
    every_429_says_when_to_retry,
    signed_in_pages_and_the_api_are_not_stored,
    error_pages_link_only_to_this_site,
    using_a_sign_in_link_ends_the_older_ones,
    the_origin_check_compares_scheme_host_and_port,
    a_new_beheerder_sets_up_the_account_with_a_personal_link,
);
