//! `/kompas` over HTTP: double opt-in with proof, the same page for every address, expired and
//! odd links, RFC 8058 one-click unsubscribe from another site without a session, the
//! headers in every Kompas mail, preferences, re-subscription, download, erasure, the rate
//! limit and the retention of unconfirmed sign-ups.

use std::time::{Duration, Instant};

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::{
    i18n::Lang,
    services::newsletter::{Signup, sign_up},
    storage::now,
};
use hrnexus_core::{email::EmailAddress, newsletter::Preferences};

/// The mails (headers and bodies, quoted-printable undone) delivered to `email` so far, oldest
/// first; waits until there are at least `count`.
pub(crate) async fn mails_to(app: &TestApp, email: &str, count: usize) -> Vec<String> {
    let dir = app.dir.path().join("mail");
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let mut found: Vec<(std::time::SystemTime, String)> = std::fs::read_dir(&dir)
            .map(|entries| {
                entries
                    .flatten()
                    .filter_map(|e| {
                        let text = std::fs::read_to_string(e.path()).ok()?;
                        Some((e.metadata().ok()?.modified().ok()?, text))
                    })
                    .collect()
            })
            .unwrap_or_default();
        found.sort_by_key(|(modified, _)| *modified);
        let mails: Vec<String> = found
            .into_iter()
            .map(|(_, text)| {
                text.replace("=\r\n", "")
                    .replace("=\n", "")
                    .replace("=3D", "=")
            })
            .filter(|text| {
                text.lines()
                    .any(|l| l.to_ascii_lowercase() == format!("to: {email}"))
            })
            .collect();
        if mails.len() >= count {
            return mails;
        }
        assert!(
            Instant::now() < deadline,
            "fewer than {count} mails to {email}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The value of header `name` in a raw mail.
fn header<'a>(mail: &'a str, name: &str) -> Option<&'a str> {
    let prefix = format!("{}:", name.to_ascii_lowercase());
    mail.lines()
        .take_while(|l| !l.is_empty())
        .find(|l| l.to_ascii_lowercase().starts_with(&prefix))
        .map(|l| l[prefix.len()..].trim())
}

/// The site path of the first link in `mail` under `path` (e.g. `/kompas/bevestigen/`).
fn link(app: &TestApp, mail: &str, path: &str) -> Option<String> {
    let base = app.running.state.settings.base_url();
    let at = mail.find(&format!("{base}{path}"))?;
    let url = mail[at..]
        .split(|c: char| c.is_whitespace() || c == '"' || c == '<' || c == '>')
        .next()?;
    url.strip_prefix(base).map(str::to_owned)
}

/// Asserts the RFC 8058 headers and returns the unsubscribe path they name.
pub(crate) fn one_click_path(app: &TestApp, mail: &str) -> String {
    let base = app.running.state.settings.base_url();
    let value = header(mail, "List-Unsubscribe").expect("List-Unsubscribe header");
    let url = value
        .strip_prefix('<')
        .and_then(|v| v.strip_suffix('>'))
        .expect("<url>");
    let path = url.strip_prefix(base).expect("our url").to_owned();
    assert!(path.starts_with("/kompas/afmelden/"), "{path}");
    assert_eq!(
        header(mail, "List-Unsubscribe-Post"),
        Some("List-Unsubscribe=One-Click")
    );
    // The same link in the body, for people.
    assert!(
        mail.matches(url).count() >= 2,
        "link in the body too: {mail}"
    );
    path
}

pub(crate) async fn sign_up_form(app: &TestApp, email: &str) -> reqwest::Response {
    app.post_form(
        "/kompas",
        &[
            ("email", email),
            ("toestemming", "ja"),
            ("evenementen", "ja"),
        ],
    )
    .await
}

pub(crate) async fn state_of(app: &TestApp, email: &str) -> Option<String> {
    app.store
        .subscriber_by_email(&EmailAddress::parse(email).unwrap())
        .await
        .unwrap()
        .map(|s| s.state)
}

/// Signs up and confirms through the mails; returns the one-click path.
pub(crate) async fn subscribed(app: &TestApp, email: &str) -> String {
    assert_eq!(sign_up_form(app, email).await.status(), 200);
    let mails = mails_to(app, email, 1).await;
    let confirm = link(app, mails.last().unwrap(), "/kompas/bevestigen/").unwrap();
    assert_eq!(app.post_form(&confirm, &[]).await.status(), 200);
    let mails = mails_to(app, email, 2).await;
    one_click_path(app, &mails[1])
}

async fn double_opt_in_then_one_click_unsubscribe(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let page = app.get("/kompas").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains(r#"name="toestemming""#) && html.contains(r#"name="email""#));
    assert_eq!(app.get("/en/kompas").await.status(), 200);

    let response = sign_up_form(&app, "Lid@Example.nl").await;
    assert_eq!(response.status(), 200);
    assert!(response.text().await.unwrap().contains("Kijk in je e-mail"));
    assert_eq!(
        state_of(&app, "lid@example.nl").await.as_deref(),
        Some("pending")
    );

    let mails = mails_to(&app, "lid@example.nl", 1).await;
    let confirmation = &mails[0];
    assert_eq!(
        header(confirmation, "Subject"),
        Some("Bevestig je aanmelding voor het HRnexus Kompas")
    );
    // The text part has no button to point at: it speaks of the link.
    let text_part = &confirmation[..confirmation
        .find("Content-Type: text/html")
        .expect("an HTML part")];
    assert!(text_part.contains("via de link hieronder"), "{text_part}");
    assert!(!text_part.contains("knop"), "{text_part}");
    let unsubscribe = one_click_path(&app, confirmation);
    let confirm = link(&app, confirmation, "/kompas/bevestigen/").expect("confirmation link");

    // Opening the link (a mail scanner) confirms nothing: it shows a button.
    let opened = app.get(&confirm).await;
    assert_eq!(opened.status(), 200);
    assert_eq!(opened.headers()["cache-control"], "no-store");
    assert!(
        opened
            .text()
            .await
            .unwrap()
            .contains(&format!(r#"action="{confirm}""#))
    );
    assert_eq!(
        state_of(&app, "lid@example.nl").await.as_deref(),
        Some("pending")
    );

    let confirmed = app.post_form(&confirm, &[]).await;
    assert_eq!(confirmed.status(), 200);
    assert!(
        confirmed
            .text()
            .await
            .unwrap()
            .contains("Je bent aangemeld")
    );
    let s = app
        .store
        .subscriber_by_email(&EmailAddress::parse("lid@example.nl").unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (s.state.as_str(), s.preferences.as_str()),
        ("confirmed", "evenementen")
    );
    // The proof: the request with its network and the exact text, and the confirmation.
    let consents = app.store.consents(s.id).await.unwrap();
    assert_eq!(consents.len(), 1);
    assert_eq!(consents[0].shown_text, Lang::Nl.t("kompas-consent"));
    assert_eq!(consents[0].request_ip.as_deref(), Some("127.0.0.0/24"));
    assert!(
        consents[0]
            .confirmed_at
            .is_some_and(|at| at >= consents[0].requested_at)
    );
    // Used up.
    assert_eq!(app.post_form(&confirm, &[]).await.status(), 410);

    let mails = mails_to(&app, "lid@example.nl", 2).await;
    assert_eq!(
        header(&mails[1], "Subject"),
        Some("Welkom bij het HRnexus Kompas")
    );
    assert_eq!(one_click_path(&app, &mails[1]), unsubscribe);

    // A mail provider's one-click post: another site, no cookies, no token, just the body.
    let response = reqwest::Client::new()
        .post(app.url(&unsubscribe))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://mail.example.com")
        .header("content-type", "application/x-www-form-urlencoded")
        .body("List-Unsubscribe=One-Click")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        state_of(&app, "lid@example.nl").await.as_deref(),
        Some("unsubscribed")
    );
    // Only that route is exempt: erasing from another site is still refused.
    let token = unsubscribe.rsplit('/').next().unwrap();
    let refused = reqwest::Client::new()
        .post(app.url(&format!("/kompas/wissen/{token}")))
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    assert!(state_of(&app, "lid@example.nl").await.is_some());
}

async fn the_page_is_the_same_for_new_and_known_addresses(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    subscribed(&app, "bekend@example.nl").await;
    sign_up_form(&app, "wacht@example.nl").await;

    let mut pages = Vec::new();
    for email in ["nieuw@example.nl", "bekend@example.nl", "wacht@example.nl"] {
        let response = sign_up_form(&app, email).await;
        pages.push((response.status(), response.text().await.unwrap()));
    }
    assert_eq!(pages[0], pages[1]);
    assert_eq!(pages[0], pages[2]);

    // The confirmed subscriber gets "already subscribed" with the manage link, no new link.
    let mails = mails_to(&app, "bekend@example.nl", 3).await;
    let already = &mails[2];
    assert_eq!(
        header(already, "Subject"),
        Some("Je bent al aangemeld voor het HRnexus Kompas")
    );
    assert!(link(&app, already, "/kompas/bevestigen/").is_none());
    one_click_path(&app, already);
    assert_eq!(
        state_of(&app, "bekend@example.nl").await.as_deref(),
        Some("confirmed")
    );
    // The pending one gets a second confirmation link, and either works.
    let mails = mails_to(&app, "wacht@example.nl", 2).await;
    assert!(link(&app, &mails[1], "/kompas/bevestigen/").is_some());
}

async fn expired_links_and_odd_tokens_get_a_friendly_page(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let state = &app.running.state;
    // A sign-up three days ago: its link has expired.
    sign_up(
        state.store.as_ref(),
        &state.secret,
        state.settings.base_url(),
        &Signup {
            email: EmailAddress::parse("laat@example.nl").unwrap(),
            lang: Lang::Nl,
            preferences: Preferences::default(),
            ip: None,
            shown_text: "Ja.".into(),
        },
        now() - 3 * 24 * 3600,
    )
    .await
    .unwrap();
    state.mail_wake.notify_one();
    let mails = mails_to(&app, "laat@example.nl", 1).await;
    let confirm = link(&app, &mails[0], "/kompas/bevestigen/").unwrap();
    let page = app.get(&confirm).await;
    assert_eq!(page.status(), 410);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Deze link werkt niet (meer)")
    );
    assert_eq!(app.post_form(&confirm, &[]).await.status(), 410);
    assert_eq!(
        state_of(&app, "laat@example.nl").await.as_deref(),
        Some("pending")
    );

    let good_shape = "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXg";
    for token in [
        "x",
        "%2e%2e%2fbeheer",
        "..%2F..%2Fetc",
        good_shape,
        &format!("{good_shape}A"),
        &good_shape[..42],
        "Zm9vYmFyYmF6cXV4cXV1eHF1dXhxdXV4cXV1eHF1dXh",
        "%C3%A9%C3%A9%C3%A9",
        &"a".repeat(5000),
    ] {
        for path in ["bevestigen", "afmelden", "gegevens"] {
            let status = app.get(&format!("/kompas/{path}/{token}")).await.status();
            assert!(
                status == 410 || status == 404,
                "GET {path}/{token}: {status}"
            );
        }
        for path in ["bevestigen", "afmelden", "voorkeuren", "opnieuw", "wissen"] {
            let status = app
                .post_form(&format!("/kompas/{path}/{token}"), &[("toestemming", "ja")])
                .await
                .status();
            assert!(
                status == 410 || status == 404 || status == 429,
                "POST {path}/{token}: {status}"
            );
        }
    }
}

async fn manage_preferences_resubscribe_download_and_erase(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let manage = subscribed(&app, "beheer@example.nl").await;
    let token = manage.rsplit('/').next().unwrap().to_owned();
    let page = app.get(&manage).await;
    assert_eq!(page.status(), 200);
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert!(page.text().await.unwrap().contains("beheer@example.nl"));
    // Opening the page unsubscribes nobody.
    assert_eq!(
        state_of(&app, "beheer@example.nl").await.as_deref(),
        Some("confirmed")
    );

    let saved = app
        .post_form(
            &format!("/kompas/voorkeuren/{token}"),
            &[("artikelen", "ja")],
        )
        .await;
    assert_eq!(saved.status(), 200);
    let email = EmailAddress::parse("beheer@example.nl").unwrap();
    let s = app
        .store
        .subscriber_by_email(&email)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(s.preferences, "artikelen");

    // The button on the page (same origin) unsubscribes too.
    assert_eq!(app.post_form(&manage, &[]).await.status(), 200);
    assert_eq!(
        state_of(&app, "beheer@example.nl").await.as_deref(),
        Some("unsubscribed")
    );
    let page = app.get(&manage).await.text().await.unwrap();
    assert!(page.contains(&format!("/kompas/opnieuw/{token}")));

    // Again: consent is needed, and recorded.
    let refused = app
        .post_form(&format!("/kompas/opnieuw/{token}"), &[("artikelen", "ja")])
        .await;
    assert_eq!(refused.status(), 422);
    assert!(refused.text().await.unwrap().contains("Vink aan"));
    assert_eq!(
        state_of(&app, "beheer@example.nl").await.as_deref(),
        Some("unsubscribed")
    );
    let again = app
        .post_form(
            &format!("/kompas/opnieuw/{token}"),
            &[("toestemming", "ja")],
        )
        .await;
    assert_eq!(again.status(), 303);
    assert_eq!(
        state_of(&app, "beheer@example.nl").await.as_deref(),
        Some("confirmed")
    );

    let download = app.get(&format!("/kompas/gegevens/{token}")).await;
    assert_eq!(download.status(), 200);
    assert!(
        download.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let data: serde_json::Value = download.json().await.unwrap();
    assert_eq!(data["subscriber"]["email"], "beheer@example.nl");
    assert_eq!(data["subscriber"]["state"], "confirmed");
    assert!(data["subscriber"].get("link_key").is_none(), "{data}");
    assert_eq!(data["consents"].as_array().unwrap().len(), 2);

    let erased = app.post_form(&format!("/kompas/wissen/{token}"), &[]).await;
    assert_eq!(erased.status(), 200);
    assert!(state_of(&app, "beheer@example.nl").await.is_none());
    assert_eq!(app.get(&manage).await.status(), 410);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_in_dutch_and_kept() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let response = app
        .post_form("/kompas", &[("email", "geen-adres"), ("artikelen", "ja")])
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("Vul een geldig e-mailadres in"), "{html}");
    assert!(html.contains("Vink aan dat je het Kompas wilt ontvangen"));
    assert!(html.contains(r#"value="geen-adres""#));
    assert!(html.contains(r#"name="artikelen" value="ja" checked"#));
    // A valid address without consent: nothing stored.
    let response = app.post_form("/kompas", &[("email", "a@example.nl")]).await;
    assert_eq!(response.status(), 422);
    assert!(state_of(&app, "a@example.nl").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sign_ups_are_rate_limited_per_ip() {
    let app = common::spawn_with(Db::Sqlite, "public_form_rate_per_minute = 2\n")
        .await
        .unwrap();
    assert_eq!(sign_up_form(&app, "a@example.nl").await.status(), 200);
    assert_eq!(sign_up_form(&app, "b@example.nl").await.status(), 200);
    let limited = sign_up_form(&app, "c@example.nl").await;
    assert_eq!(limited.status(), 429);
    assert!(limited.headers().contains_key("retry-after"));
    assert!(state_of(&app, "c@example.nl").await.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_gets_at_most_three_mails_a_day() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    for _ in 0..5 {
        assert_eq!(sign_up_form(&app, "doelwit@example.nl").await.status(), 200);
    }
    mails_to(&app, "doelwit@example.nl", 3).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(mails_to(&app, "doelwit@example.nl", 3).await.len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn retention_removes_unconfirmed_sign_ups_after_a_week() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    subscribed(&app, "blijft@example.nl").await;
    sign_up_form(&app, "weg@example.nl").await;
    let retention = &app.running.state.settings.retention;
    hrnexus::app::apply_retention(&app.store, retention, now() + 6 * 24 * 3600)
        .await
        .unwrap();
    assert!(state_of(&app, "weg@example.nl").await.is_some());
    hrnexus::app::apply_retention(&app.store, retention, now() + 8 * 24 * 3600)
        .await
        .unwrap();
    assert!(state_of(&app, "weg@example.nl").await.is_none());
    assert_eq!(
        state_of(&app, "blijft@example.nl").await.as_deref(),
        Some("confirmed")
    );
}

both_backends!(
    double_opt_in_then_one_click_unsubscribe,
    the_page_is_the_same_for_new_and_known_addresses,
    expired_links_and_odd_tokens_get_a_friendly_page,
    manage_preferences_resubscribe_download_and_erase,
);
