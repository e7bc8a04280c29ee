//! An employee answers a scan at `/scan/{token}`, on both backends: the form in the scan's
//! language, errors beside the question, single use, shared links, closed rounds, limits.

use crate::{both_backends, common};

use chrono::{Duration, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    storage::{Department, NewScan, OutgoingMail, ScanOwner, now},
};
use hrnexus_core::email::EmailAddress;

const ASPECTS: [&str; 5] = [
    "werkwijze",
    "sterke_punten",
    "taakinvloed",
    "open_mening",
    "steun",
];

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

/// An employer signed in once through a magic link, as the employer area does it.
async fn employer(app: &TestApp) -> i64 {
    let email = EmailAddress::parse("eigenaar@bakkerij.nl").unwrap();
    let token = auth::random_token();
    let mail = OutgoingMail {
        recipient: email.as_str().to_owned(),
        subject: "Inloglink".into(),
        text_body: "link".into(),
        html_body: None,
        headers: Vec::new(),
        carries_secret: true,
    };
    app.store
        .create_login_link(&email, "nl", &auth::token_hash(&token), now() + 600, &mail)
        .await
        .unwrap();
    app.store
        .consume_login_link(&auth::token_hash(&token), now())
        .await
        .unwrap()
        .expect("the link signs in")
        .id
}

struct ScanSetup {
    lang: &'static str,
    departments: Vec<String>,
    closes_on: NaiveDate,
    shared_token: Option<String>,
}

impl Default for ScanSetup {
    fn default() -> Self {
        ScanSetup {
            lang: "nl",
            departments: Vec::new(),
            closes_on: today() + Duration::days(14),
            shared_token: None,
        }
    }
}

struct Scan {
    round_id: i64,
    departments: Vec<Department>,
}

async fn scan(app: &TestApp, setup: ScanSetup) -> Scan {
    let employer_id = employer(app).await;
    let scan_id = app
        .store
        .create_scan(&NewScan {
            owner: ScanOwner::Employer(employer_id),
            organisation: "Bakkerij De Korenbloem".into(),
            team: "Winkelteam".into(),
            lang: setup.lang.into(),
            min_group: 5,
            min_comments: 8,
            departments: setup.departments,
            opened_on: today() - Duration::days(30),
            closes_on: setup.closes_on,
            shared_token_hash: setup.shared_token.as_deref().map(auth::token_hash),
            invites: Vec::new(),
        })
        .await
        .unwrap();
    let rounds = app.store.rounds(scan_id).await.unwrap();
    Scan {
        round_id: rounds.last().unwrap().id,
        departments: app.store.departments(scan_id).await.unwrap(),
    }
}

/// A fresh invite link for the round; returns its path.
async fn invite(app: &TestApp, round_id: i64, department_id: Option<i64>) -> String {
    let token = auth::random_token();
    app.store
        .add_invites(round_id, &[(auth::token_hash(&token), department_id)])
        .await
        .unwrap();
    format!("/scan/{token}")
}

/// Responses stored for the round, all departments together.
async fn stored(app: &TestApp, round_id: i64) -> u32 {
    app.store
        .round_counts(round_id)
        .await
        .unwrap()
        .iter()
        .map(|g| g.counts.responses)
        .sum()
}

fn full_answers() -> Vec<(&'static str, &'static str)> {
    vec![
        ("werkwijze", "4"),
        ("sterke_punten", "5"),
        ("taakinvloed", "weet_niet"),
        ("open_mening", "2"),
        ("steun", "3"),
    ]
}

fn header(response: &reqwest::Response, name: &str) -> String {
    response
        .headers()
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default()
}

/// The HTML of one question's fieldset.
fn fieldset<'a>(html: &'a str, key: &str) -> &'a str {
    let start = html
        .find(&format!("id=\"vraag-{key}\""))
        .unwrap_or_else(|| panic!("question {key} not in page"));
    let end = start + html[start..].find("</fieldset>").unwrap();
    &html[start..end]
}

fn checked(html: &str, key: &str, value: &str) -> bool {
    fieldset(html, key).contains(&format!("name=\"{key}\" value=\"{value}\" checked"))
}

fn hidden_form_id(html: &str) -> String {
    let marker = "name=\"formulier\" value=\"";
    let start = html.find(marker).expect("a form id in a shared-link form") + marker.len();
    html[start..start + html[start..].find('"').unwrap()].to_owned()
}

async fn form_renders_in_the_scan_language(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;

    let response = app.get(&link).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    // Other sites get the origin at most, never the path with the token.
    assert_eq!(
        header(&response, "referrer-policy"),
        "strict-origin-when-cross-origin"
    );
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    let token = link.rsplit('/').next().unwrap();
    assert!(
        !html.contains(token),
        "the token is not repeated in the page (alternates, links)"
    );
    assert!(
        !html.contains("rel=\"alternate\""),
        "no alternate addresses on token pages (they would repeat the token)"
    );
    // The language switch is relative to the page: the token is not written into it.
    assert!(html.contains("href=\"?taal=en\""));
    assert!(html.contains("Winkelteam") && html.contains("Bakkerij De Korenbloem"));
    assert!(html.contains("noindex"));
    for (i, key) in ASPECTS.iter().enumerate() {
        let question = fieldset(&html, key);
        assert!(
            question.contains(&format!("Vraag {} van 5", i + 1)),
            "{key}"
        );
        assert!(question.contains("<legend>"));
        for value in ["1", "2", "3", "4", "5", "weet_niet"] {
            assert!(
                question.contains(&format!("name=\"{key}\" value=\"{value}\"")),
                "{key} {value}"
            );
        }
        assert!(question.contains("Weet ik niet") && question.contains("Helemaal eens"));
    }
    assert!(html.contains("Ik mag zelf bepalen hoe ik mijn werk aanpak."));
    // The optional block, the comment with its warning; no department (the scan has none).
    for signal in ["mentale_vermoeidheid", "initiatief", "vertrekintentie"] {
        assert!(
            fieldset(&html, signal).contains("niet verplicht"),
            "{signal}"
        );
    }
    assert!(html.contains("name=\"opmerking\""));
    assert!(html.contains("Noem geen namen"));
    assert!(!html.contains("name=\"afdeling\""));
    assert!(
        !html.contains("name=\"formulier\""),
        "invites need no form id"
    );
    assert!(html.contains("minstens 5 mensen") && html.contains("vanaf 8 antwoorden"));
    // No question about illness, sick leave or health.
    assert!(!html.contains("name=\"verzuim\""));
    assert!(!html.to_lowercase().contains("thuisgebleven"));
    assert!(html.contains("pas als de scan gesloten is"));

    // A Dutch scan stays Dutch under /en: the employer chose the language.
    let html = app.get(&format!("/en{link}")).await.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">") && html.contains("Vraag 1 van 5"));
}

async fn an_english_scan_renders_english(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(
        &app,
        ScanSetup {
            lang: "en",
            ..Default::default()
        },
    )
    .await;
    let link = invite(&app, s.round_id, None).await;
    let html = app.get(&link).await.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Question 1 of 5") && html.contains("Strongly agree"));
    assert!(html.contains("I can decide for myself how I approach my work."));
    assert!(!html.contains("Vraag 1 van 5"));

    // Thanks in English too, at a path without the token.
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/en/scan/bedankt");
    let html = app.get("/en/scan/bedankt").await.text().await.unwrap();
    assert!(html.contains("Thank you for your answers!"));
}

async fn a_missing_answer_is_pointed_out_and_nothing_is_stored(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    let mut form = full_answers();
    form.retain(|(k, _)| *k != "taakinvloed");
    form.push(("vertrekintentie", "2"));
    form.push(("opmerking", "Meer overleg zou fijn zijn."));
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 422);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    let missing = fieldset(&html, "taakinvloed");
    assert!(missing.contains("id=\"taakinvloed-error\""));
    assert!(missing.contains("aria-describedby=\"taakinvloed-error\""));
    assert!(missing.contains("Kies een antwoord bij deze vraag."));
    assert!(!missing.contains("checked"));
    // The summary links to the question; the other answers are kept.
    assert!(html.contains("href=\"#vraag-taakinvloed\""));
    assert!(checked(&html, "werkwijze", "4"));
    assert!(checked(&html, "sterke_punten", "5"));
    assert!(checked(&html, "open_mening", "2"));
    assert!(checked(&html, "steun", "3"));
    assert!(checked(&html, "vertrekintentie", "2"));
    assert!(
        checked(&html, "initiatief", ""),
        "a skipped signal stays skipped"
    );
    assert!(html.contains(">Meer overleg zou fijn zijn.</textarea>"));
    assert!(!fieldset(&html, "werkwijze").contains("field-error"));
    assert_eq!(stored(&app, s.round_id).await, 0);

    // An answer that is not on the scale is refused the same way.
    let mut form = full_answers();
    form[0] = ("werkwijze", "6");
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(fieldset(&html, "werkwijze").contains("Dit antwoord kennen we niet."));
    assert_eq!(stored(&app, s.round_id).await, 0);

    // The invite is still usable.
    assert_eq!(app.get(&link).await.status(), 200);
}

async fn a_valid_answer_is_stored_once_and_the_link_never_tells(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(
        &app,
        ScanSetup {
            departments: vec!["Winkel".into(), "Bakkerij".into()],
            ..Default::default()
        },
    )
    .await;
    let (winkel, bakkerij) = (s.departments[0].id, s.departments[1].id);
    let link = invite(&app, s.round_id, Some(winkel)).await;

    // The invite knows the department: the form does not ask.
    let html = app.get(&link).await.text().await.unwrap();
    assert!(!html.contains("name=\"afdeling\""));

    let mut form = full_answers();
    form.push(("mentale_vermoeidheid", "4"));
    form.push(("initiatief", ""));
    let other = bakkerij.to_string();
    form.push(("afdeling", &other));
    form.push(("opmerking", "  Fijne collega's.  "));
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/scan/bedankt");

    let groups = app.store.round_counts(s.round_id).await.unwrap();
    assert_eq!(stored(&app, s.round_id).await, 1);
    let group = groups.iter().find(|g| g.counts.responses == 1).unwrap();
    assert_eq!(
        group.department_id,
        Some(winkel),
        "the invite's department wins"
    );
    let aspects: Vec<_> = group.counts.aspects.iter().map(|(_, c)| *c).collect();
    assert_eq!(aspects[0].counts, [0, 0, 0, 1, 0]);
    assert_eq!(aspects[2].dont_know, 1);
    let signals: Vec<_> = group.counts.signals.iter().map(|(_, c)| *c).collect();
    assert_eq!(signals[0].counts, [0, 0, 0, 1, 0]);
    assert_eq!(
        signals[1].counts.iter().sum::<u32>() + signals[1].dont_know,
        0,
        "skipped"
    );
    let comments = app.store.round_comments(s.round_id).await.unwrap();
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].body, "Fijne collega's.");

    let thanks = app.get("/scan/bedankt").await;
    assert_eq!(thanks.status(), 200);
    assert!(
        thanks
            .text()
            .await
            .unwrap()
            .contains("Bedankt voor je antwoorden!")
    );

    // Opening the link again looks exactly like opening an unused one, so whoever holds
    // the link cannot tell that someone answered through it.
    let unused = invite(&app, s.round_id, Some(winkel)).await;
    let again = app.get(&link).await;
    let fresh = app.get(&unused).await;
    assert_eq!(
        (again.status().as_u16(), fresh.status().as_u16()),
        (200, 200)
    );
    assert_eq!(header(&again, "cache-control"), "no-store");
    assert_eq!(
        again.text().await.unwrap().replace(&link, ""),
        fresh.text().await.unwrap().replace(&unused, "")
    );
    // A second post (a double click, or someone else) ends at the same thanks and stores
    // nothing.
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/scan/bedankt");
    assert_eq!(stored(&app, s.round_id).await, 1);
}

async fn a_shared_link_form_is_stored_once(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let token = auth::random_token();
    let s = scan(
        &app,
        ScanSetup {
            departments: vec!["Winkel".into(), "Bakkerij".into()],
            shared_token: Some(token.clone()),
            ..Default::default()
        },
    )
    .await;
    let link = format!("/scan/{token}");
    let html = app.get(&link).await.text().await.unwrap();
    let form_id = hidden_form_id(&html);
    // Shared link with departments: the employee may say which, or not.
    assert!(html.contains("name=\"afdeling\"") && html.contains("Zeg ik liever niet"));
    assert!(html.contains(">Bakkerij</option>"));

    let bakkerij = s.departments[1].id.to_string();
    let mut form = full_answers();
    form.push(("formulier", &form_id));
    form.push(("afdeling", &bakkerij));
    let first = app.post_form(&link, &form).await;
    assert_eq!(first.status(), 303);
    assert!(header(&first, "set-cookie").contains("HttpOnly"));
    let second = app.post_form(&link, &form).await;
    assert_eq!(second.status(), 200);
    assert!(second.text().await.unwrap().contains("Al beantwoord"));
    assert_eq!(stored(&app, s.round_id).await, 1);
    // One answer per browser: this browser now gets thanks instead of a new form.
    let revisit = app.get(&link).await.text().await.unwrap();
    assert!(revisit.contains("Al beantwoord") && !revisit.contains("name=\"formulier\""));
    let groups = app.store.round_counts(s.round_id).await.unwrap();
    assert!(
        groups
            .iter()
            .any(|g| g.department_id == Some(s.departments[1].id) && g.counts.responses == 1)
    );

    // The next colleague (another browser) gets a new form id and is counted too.
    let app = common::TestApp {
        client: common::client(),
        ..app
    };
    let html = app.get(&link).await.text().await.unwrap();
    let next_id = hidden_form_id(&html);
    assert_ne!(next_id, form_id);
    let mut form = full_answers();
    form.push(("formulier", &next_id));
    form.push(("afdeling", ""));
    assert_eq!(app.post_form(&link, &form).await.status(), 303);
    assert_eq!(stored(&app, s.round_id).await, 2);

    // An unknown department is pointed out beside the select; the form id is kept.
    let app = common::TestApp {
        client: common::client(),
        ..app
    };
    let third_id = hidden_form_id(&app.get(&link).await.text().await.unwrap());
    let mut form = full_answers();
    form.push(("formulier", &third_id));
    form.push(("afdeling", "999999"));
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"afdeling-error\""));
    assert_eq!(hidden_form_id(&html), third_id);

    // Without the form id (a tampered form) nothing is stored.
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 400);
    assert_eq!(stored(&app, s.round_id).await, 2);
}

async fn a_closed_round_accepts_nothing(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    app.store.close_round(s.round_id, now()).await.unwrap();
    let response = app.get(&link).await;
    assert_eq!(response.status(), 410);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze scan is gesloten")
    );
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 410);
    assert_eq!(stored(&app, s.round_id).await, 0);

    // A closing date in the past closes it too, in the scan's language.
    let s = scan(
        &app,
        ScanSetup {
            lang: "en",
            closes_on: today() - Duration::days(2),
            ..Default::default()
        },
    )
    .await;
    let link = invite(&app, s.round_id, None).await;
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 410);
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">") && html.contains("This scan is closed"));
    assert_eq!(stored(&app, s.round_id).await, 0);
}

async fn an_unknown_token_gets_a_friendly_page(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let response = app.get("/scan/bestaat-niet").await;
    assert_eq!(response.status(), 404);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"nl\">"));
    assert!(html.contains("Deze link werkt niet") && html.contains("nieuwe link"));

    let response = app.get("/en/scan/bestaat-niet").await;
    assert_eq!(response.status(), 404);
    let html = response.text().await.unwrap();
    assert!(html.contains("This link does not work") && html.contains("new link"));

    let response = app.post_form("/scan/bestaat-niet", &full_answers()).await;
    assert_eq!(response.status(), 404);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("Deze link werkt niet")
    );
}

/// What the site's menu links to; none of it belongs on a page behind a scan link.
const MENU_LINKS: [&str; 4] = [
    "href=\"/dienstverleners\"",
    "href=\"/werkgever\"",
    "href=\"/inzichten\"",
    "class=\"nav\"",
];

fn has_no_site_menu(html: &str, what: &str) {
    for link in MENU_LINKS {
        assert!(!html.contains(link), "{what}: {link}");
    }
    assert!(
        html.contains("class=\"token-header\""),
        "{what}: the slim header"
    );
}

async fn token_pages_have_a_slim_layout_and_a_small_stylesheet(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    let form = app.get(&link).await.text().await.unwrap();
    has_no_site_menu(&form, "form");
    let css = crate::http_site::stylesheet_href(&form);
    let site_css = crate::http_site::stylesheet_href(&app.get("/").await.text().await.unwrap());
    assert!(
        css.starts_with("/static/scan.") && css.ends_with(".css"),
        "{css}"
    );

    // The form and its stylesheet, compressed, stay well within what a phone on a slow
    // network fetches quickly (the browser test sums the real transfer).
    let client = common::client();
    let fetch = |path: String| {
        let client = client.clone();
        let url = app.url(&path);
        async move {
            let response = client
                .get(url)
                .header("accept-encoding", "gzip, deflate, br")
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{path}");
            let encoding = header(&response, "content-encoding");
            (encoding, response.bytes().await.unwrap().len())
        }
    };
    let (encoding, html_bytes) = fetch(link.clone()).await;
    assert_eq!(encoding, "br", "the form is compressed");
    let (encoding, css_bytes) = fetch(css.clone()).await;
    assert_eq!(encoding, "br");
    let (_, site_css_bytes) = fetch(site_css).await;
    assert!(css_bytes < site_css_bytes, "{css_bytes} < {site_css_bytes}");
    assert!(
        html_bytes + css_bytes < 10_000,
        "form {html_bytes} B + stylesheet {css_bytes} B"
    );
    let gzip = client
        .get(app.url(&link))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(header(&gzip, "content-encoding"), "gzip");
    assert_eq!(header(&gzip, "cache-control"), "no-store");

    // The notices and the thank-you page have the slim layout too.
    let closed = app.get("/scan/bestaat-niet").await.text().await.unwrap();
    has_no_site_menu(&closed, "unknown link");
    let thanks = app.get("/scan/bedankt").await.text().await.unwrap();
    has_no_site_menu(&thanks, "thanks");
    assert!(thanks.contains("href=\"/en/scan/bedankt\""), "the switch");
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 303);
}

async fn the_form_can_be_answered_in_english(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    // A Dutch scan; the employee picks English with the switch in the header.
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    let token = link.rsplit('/').next().unwrap().to_owned();
    let dutch = app.get(&link).await.text().await.unwrap();
    assert!(dutch.contains("<html lang=\"nl\">") && dutch.contains("href=\"?taal=en\""));

    let english_url = format!("{link}?taal=en");
    let response = app.get(&english_url).await;
    assert_eq!(response.status(), 200);
    assert_eq!(header(&response, "cache-control"), "no-store");
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(html.contains("Question 1 of 5") && html.contains("Strongly agree"));
    assert!(!html.contains("Vraag 1 van 5"));
    assert!(html.contains("href=\"?taal=nl\"") && html.contains(">Nederlands</a>"));
    assert!(html.contains("name=\"taal\" value=\"en\""));
    assert!(
        !html.contains(&token),
        "the token is not written into the page"
    );

    // A validation error keeps the choice (the form posts to the same address with the field).
    let mut form = full_answers();
    form.retain(|(k, _)| *k != "steun");
    form.push(("taal", "en"));
    let response = app.post_form(&english_url, &form).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"en\">"));
    assert!(fieldset(&html, "steun").contains("Please choose an answer to this question."));
    assert!(checked(&html, "werkwijze", "4"));
    assert!(html.contains("name=\"taal\" value=\"en\""));
    assert_eq!(stored(&app, s.round_id).await, 0);

    // The hidden field alone carries the choice too, and the thank-you page is English.
    let mut form = full_answers();
    form.push(("taal", "en"));
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 303);
    assert_eq!(header(&response, "location"), "/en/scan/bedankt");
    assert_eq!(stored(&app, s.round_id).await, 1);
    let thanks = app.get("/en/scan/bedankt").await.text().await.unwrap();
    assert!(
        thanks.contains("<html lang=\"en\">") && thanks.contains("Thank you for your answers!")
    );
    assert!(thanks.contains("href=\"/scan/bedankt\"") && thanks.contains(">Nederlands</a>"));

    // An English scan can be answered in Dutch; an unknown choice is no choice.
    let en = scan(
        &app,
        ScanSetup {
            lang: "en",
            ..Default::default()
        },
    )
    .await;
    let en_link = invite(&app, en.round_id, None).await;
    let html = app
        .get(&format!("{en_link}?taal=nl"))
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("<html lang=\"nl\">") && html.contains("Vraag 1 van 5"));
    let response = app.get(&format!("{en_link}?taal=xx")).await;
    assert_eq!(response.status(), 200);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("<html lang=\"en\">")
    );
    let mut form = full_answers();
    form.push(("taal", "nl"));
    let response = app.post_form(&en_link, &form).await;
    assert_eq!(header(&response, "location"), "/scan/bedankt");

    // Notices follow the choice as well.
    let html = app
        .get("/scan/bestaat-niet?taal=en")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("This link does not work"));
}

async fn a_comment_over_1000_characters_is_refused(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    let long = "é".repeat(1001);
    let mut form = full_answers();
    form.push(("opmerking", &long));
    let response = app.post_form(&link, &form).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"opmerking-error\""));
    assert!(html.contains("aria-describedby=\"opmerking-hint opmerking-error\""));
    assert!(html.contains("Je opmerking is te lang."));
    assert!(
        html.contains(&format!(">{long}</textarea>")),
        "the text is kept"
    );
    assert!(checked(&html, "werkwijze", "4"));
    assert_eq!(stored(&app, s.round_id).await, 0);

    // Exactly 1000 characters is fine.
    let fits = "é".repeat(1000);
    let mut form = full_answers();
    form.push(("opmerking", &fits));
    assert_eq!(app.post_form(&link, &form).await.status(), 303);
    assert_eq!(stored(&app, s.round_id).await, 1);
    assert_eq!(
        app.store.round_comments(s.round_id).await.unwrap()[0].body,
        fits
    );
}

async fn posts_are_rate_limited_and_answers_kept(db: Db) {
    let Some(app) = common::spawn_with(db, "public_form_rate_per_minute = 3\n").await else {
        return;
    };
    let s = scan(&app, ScanSetup::default()).await;
    let link = invite(&app, s.round_id, None).await;
    let mut incomplete = full_answers();
    incomplete.pop();
    for _ in 0..3 {
        assert_eq!(app.post_form(&link, &incomplete).await.status(), 422);
    }
    let response = app.post_form(&link, &full_answers()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(header(&response, "retry-after"), "60");
    let html = response.text().await.unwrap();
    assert!(html.contains("wacht een minuut"));
    assert!(
        checked(&html, "steun", "3"),
        "answers kept for the next try"
    );
    assert_eq!(stored(&app, s.round_id).await, 0);
    // Reading the form is not limited.
    assert_eq!(app.get(&link).await.status(), 200);
}

/// Someone holding the whole database (PostgreSQL with its system columns; SQLite with its
/// write-ahead log) finds nothing that joins an answer or a comment to the invite or form id
/// it came through.
async fn answers_cannot_be_joined_to_their_links(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let token = auth::random_token();
    let s = scan(
        &app,
        ScanSetup {
            shared_token: Some(token.clone()),
            ..Default::default()
        },
    )
    .await;
    let mut links = Vec::new();
    for _ in 0..4 {
        links.push(invite(&app, s.round_id, None).await);
    }
    // Secrets of the invite side: tokens, their stored hashes, and shared-link form ids.
    let mut secrets: Vec<String> = Vec::new();
    for link in &links {
        let t = link.trim_start_matches("/scan/").to_owned();
        secrets.push(auth::token_hash(&t));
        secrets.push(t);
    }
    secrets.push(auth::token_hash(&token));
    secrets.push(token.clone());

    let url = app.running.state.settings.database_url();
    let wal = app.dir.path().join("hrnexus.db-wal");
    if db == Db::Sqlite {
        // Start from an empty log, so it holds only what answering writes.
        use sqlx::{Connection, Executor};
        let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            .await
            .unwrap();
        conn.close().await.unwrap();
        assert_eq!(std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0), 0);
    }
    let xmins_before = if db == Db::Postgres {
        pg_rows(&url, "invites").await
    } else {
        Vec::new()
    };
    for (i, link) in links.iter().enumerate().take(3) {
        let mut form = full_answers();
        let comment = format!("opmerking {i}");
        form.push(("opmerking", &comment));
        assert_eq!(app.post_form(link, &form).await.status(), 303);
    }
    let shared = format!("/scan/{token}");
    let form_id = hidden_form_id(&app.get(&shared).await.text().await.unwrap());
    secrets.push(form_id.clone());
    secrets.push(auth::token_hash(&form_id));
    let mut form = full_answers();
    form.push(("formulier", &form_id));
    form.push(("opmerking", "via de gedeelde link"));
    assert_eq!(app.post_form(&shared, &form).await.status(), 303);
    assert_eq!(stored(&app, s.round_id).await, 4);

    match db {
        Db::Postgres => {
            // Invites are never touched by answering: same row versions, no locker.
            let invites = pg_rows(&url, "invites").await;
            assert_eq!(invites, xmins_before, "answering writes nothing to invites");
            let invite_xids: Vec<&str> = invites.iter().map(|(xmin, _, _)| xmin.as_str()).collect();
            for table in ["responses", "comments", "scan_markers"] {
                for (xmin, xmax, row) in pg_rows(&url, table).await {
                    assert!(
                        !invite_xids.contains(&xmin.as_str()),
                        "{table} shares a transaction with an invite"
                    );
                    assert!(!invite_xids.contains(&xmax.as_str()), "{table}: {row}");
                    for secret in &secrets {
                        assert!(
                            !row.contains(secret.as_str()),
                            "{table} holds a link secret: {row}"
                        );
                    }
                }
            }
        }
        Db::Sqlite => {
            let log = std::fs::read(&wal).expect("the write-ahead log");
            assert!(!log.is_empty(), "answers were written to the log");
            let log = String::from_utf8_lossy(&log);
            assert!(log.contains("opmerking 0"), "the log holds the answers");
            for secret in &secrets {
                assert!(
                    !log.contains(secret.as_str()),
                    "the log holds a link secret"
                );
            }
        }
    }

    // Closing seals the round: answers and comments rewritten in one shuffled transaction,
    // markers gone.
    app.store.close_round(s.round_id, now()).await.unwrap();
    assert_eq!(stored(&app, s.round_id).await, 4);
    if db == Db::Postgres {
        let responses = pg_rows(&url, "responses").await;
        let comments = pg_rows(&url, "comments").await;
        assert!(pg_rows(&url, "scan_markers").await.is_empty());
        let xmins: std::collections::HashSet<&str> = responses
            .iter()
            .chain(&comments)
            .map(|(xmin, _, _)| xmin.as_str())
            .collect();
        assert_eq!(
            xmins.len(),
            1,
            "one transaction wrote every answer and comment"
        );
    } else {
        let log = std::fs::read(&wal).unwrap_or_default();
        assert!(log.is_empty(), "the log is emptied after sealing");
    }
}

/// `(xmin, xmax, row as JSON)` of every row of `table`, in physical order.
async fn pg_rows(url: &str, table: &str) -> Vec<(String, String, String)> {
    use sqlx::Connection;
    let mut conn = sqlx::PgConnection::connect(url).await.unwrap();
    let sql =
        format!("SELECT xmin::text, xmax::text, row_to_json(t)::text FROM {table} t ORDER BY ctid");
    let rows = sqlx::query_as::<_, (String, String, String)>(sqlx::AssertSqlSafe(sql))
        .fetch_all(&mut conn)
        .await
        .unwrap();
    conn.close().await.unwrap();
    rows
}

both_backends!(
    answers_cannot_be_joined_to_their_links,
    token_pages_have_a_slim_layout_and_a_small_stylesheet,
    the_form_can_be_answered_in_english,
    form_renders_in_the_scan_language,
    an_english_scan_renders_english,
    a_missing_answer_is_pointed_out_and_nothing_is_stored,
    a_valid_answer_is_stored_once_and_the_link_never_tells,
    a_shared_link_form_is_stored_once,
    a_closed_round_accepts_nothing,
    an_unknown_token_gets_a_friendly_page,
    a_comment_over_1000_characters_is_refused,
    posts_are_rate_limited_and_answers_kept,
);
