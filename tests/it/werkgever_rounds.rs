//! The employer's dashboard cards, moving a round's closing date, and deleting a scan with
//! all its data (issue 9): through the real app, on both backends, with the refusals, the
//! cross-site refusal and another employer's scan.

use crate::{both_backends, common};

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    storage::{
        MailInvitations, MailedInvite, NewScan, OutgoingMail, ScanOwner, Submission, SubmitOutcome,
        now,
    },
    web::werkgever::{EMPLOYER_KEY, EmployerSession},
};
use hrnexus_core::email::EmailAddress;
use tower_sessions::session::{Id, Record};

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

fn day(offset: i64) -> NaiveDate {
    if offset >= 0 {
        today() + Days::new(offset as u64)
    } else {
        today() - Days::new(offset.unsigned_abs())
    }
}

fn iso(offset: i64) -> String {
    day(offset).format("%Y-%m-%d").to_string()
}

fn mail(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.to_owned(),
        subject: "mail".into(),
        text_body: "mail".into(),
        html_body: None,
        headers: vec![],
        carries_secret: true,
    }
}

/// A signed-in employer: a real employer row and a real session, with the cookie to use.
struct SignedIn {
    id: i64,
    email: String,
    cookie: String,
    client: reqwest::Client,
}

async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    let address = EmailAddress::parse(email).unwrap();
    let token_hash = auth::token_hash(&auth::random_token());
    app.store
        .create_login_link(&address, "nl", &token_hash, now() + 600, &mail(email))
        .await
        .unwrap();
    let employer = app
        .store
        .consume_login_link(&token_hash, now())
        .await
        .unwrap()
        .expect("employer created");
    let session = EmployerSession {
        employer_id: employer.id,
        email: email.to_owned(),
        signed_in_at: now(),
    };
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let record = Record {
        id: Id::default(),
        data: HashMap::from([(
            EMPLOYER_KEY.to_owned(),
            serde_json::to_value(&session).unwrap(),
        )]),
        expiry_date: expiry,
    };
    assert!(
        app.store
            .session_insert(
                &auth::token_hash(&record.id.to_string()),
                &serde_json::to_string(&record).unwrap(),
                expiry.unix_timestamp(),
            )
            .await
            .unwrap()
    );
    SignedIn {
        id: employer.id,
        email: email.to_owned(),
        cookie: format!("hrnexus_session={}", record.id),
        client: common::client(),
    }
}

impl SignedIn {
    fn owner(&self) -> ScanOwner {
        ScanOwner::Employer(self.id)
    }

    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client
            .get(app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }

    async fn page(&self, app: &TestApp, path: &str) -> String {
        let response = self.get(app, path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.text().await.unwrap()
    }

    /// A form post as the browser sends it on this site.
    async fn post(&self, app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.post_from(app, path, form, "same-origin").await
    }

    async fn post_from(
        &self,
        app: &TestApp,
        path: &str,
        form: &[(&str, &str)],
        site: &str,
    ) -> reqwest::Response {
        self.client
            .post(app.url(path))
            .header("cookie", &self.cookie)
            .header("sec-fetch-site", site)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// A scan opened `opened` days from today (negative: in the past), with `invites` personal
/// links or, when `shared`, a shared link; returns (scan id, round id).
async fn scan(
    app: &TestApp,
    who: &SignedIn,
    organisation: &str,
    opened: i64,
    invites: usize,
    shared: bool,
) -> (i64, i64) {
    let id = app
        .store
        .create_scan(&NewScan {
            owner: who.owner(),
            organisation: organisation.into(),
            team: "Winkel".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: vec![],
            opened_on: day(opened),
            closes_on: day(14),
            shared_token_hash: shared.then(|| auth::token_hash(&auth::random_token())),
            invites: (0..invites)
                .map(|_| (auth::token_hash(&auth::random_token()), None))
                .collect(),
        })
        .await
        .unwrap();
    let round = app.store.rounds(id).await.unwrap().remove(0).id;
    (id, round)
}

async fn respond_n(app: &TestApp, round_id: i64, n: usize, answer: i16, comment: bool) {
    for _ in 0..n {
        let outcome = app
            .store
            .submit_response(&Submission {
                round_id,
                marker: auth::token_hash(&auth::random_token()),
                department_id: None,
                answered_on: today(),
                answers: [answer; 5],
                signals: [None; 3],
                comment: comment.then(|| "Meer overleg graag".to_owned()),
            })
            .await
            .unwrap();
        assert_eq!(outcome, SubmitOutcome::Stored);
    }
}

/// Visible text of an HTML fragment, whitespace collapsed.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The visible text of the dashboard card of `organisation`.
fn card(html: &str, organisation: &str) -> String {
    html.split("<li class=\"card wg-scan\">")
        .skip(1)
        .map(|c| text(&c[..c.find("</li>").unwrap()]))
        .find(|c| c.contains(organisation))
        .unwrap_or_else(|| panic!("no card of {organisation}"))
}

fn location(response: &reqwest::Response) -> String {
    response.headers()["location"].to_str().unwrap().to_owned()
}

// ---------------------------------------------------------------------------------------

async fn dashboard_cards_show_each_scans_headline(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let me = sign_in(&app, "eigenaar@winkel.nl").await;
    // Personal links, nobody answered yet.
    let (_, _) = scan(&app, &me, "Personeel BV", 0, 3, false).await;
    // A shared link with answers, nobody invited by mail.
    let (_, shared_round) = scan(&app, &me, "Gedeeld BV", 0, 0, true).await;
    respond_n(&app, shared_round, 2, 4, false).await;
    // A closed round with enough answers, and a second round now open with a few.
    let (measured, first) = scan(&app, &me, "Gemeten BV", -20, 8, false).await;
    respond_n(&app, first, 6, 4, false).await;
    app.store.close_round(first, now()).await.unwrap();
    let link = auth::token_hash(&auth::random_token());
    let second = app
        .store
        .open_round(measured, today(), day(10), Some(&link), &[])
        .await
        .unwrap();
    respond_n(&app, second.id, 2, 1, false).await;
    // A closed round with too few answers for any figure.
    let (_, few) = scan(&app, &me, "Klein BV", -20, 4, false).await;
    respond_n(&app, few, 4, 5, false).await;
    app.store.close_round(few, now()).await.unwrap();

    let html = me.page(&app, "/werkgever").await;
    let personal = card(&html, "Personeel BV");
    let open_until = format!(
        "Open tot en met {}",
        hrnexus::i18n::Lang::Nl.date_long(day(14))
    );
    assert!(personal.contains(&open_until), "{personal}");
    assert!(
        personal.contains("Reacties 0 van 3 uitgenodigd"),
        "{personal}"
    );
    assert!(!personal.contains("index"), "{personal}");
    let shared = card(&html, "Gedeeld BV");
    assert!(
        shared.contains("Reacties 2 via de gedeelde link"),
        "a shared link is not '0 uitgenodigd': {shared}"
    );
    assert!(!shared.contains("uitgenodigd"), "{shared}");
    // The index is the closed round's (all answers 4: (4 − 1) / 4 × 100 = 75), never the
    // open round's (all answers 1 would give 0).
    let measured_card = card(&html, "Gemeten BV");
    assert!(measured_card.contains("Ronde 2"), "{measured_card}");
    assert!(
        measured_card.contains("Reacties 2 via de gedeelde link"),
        "{measured_card}"
    );
    assert!(
        measured_card.contains("Autonomie-index 75 van 100 (ronde 1)"),
        "{measured_card}"
    );
    let results = me
        .page(
            &app,
            &format!("/werkgever/scans/{measured}/resultaten?ronde=1"),
        )
        .await;
    assert!(text(&results).contains("Autonomie-index: 75 van 100"));
    let small = card(&html, "Klein BV");
    assert!(small.contains("Gesloten"), "{small}");
    assert!(small.contains("Reacties 4 van 4 uitgenodigd"), "{small}");
    assert!(
        !small.contains("index"),
        "below the threshold: no figure: {small}"
    );

    // English.
    let html = me.page(&app, "/en/werkgever").await;
    let personal = card(&html, "Personeel BV");
    assert!(personal.contains("Open until") && personal.contains("0 of 3 invited"));
    assert!(card(&html, "Gemeten BV").contains("Autonomy index 75 out of 100 (round 1)"));
    assert!(card(&html, "Gedeeld BV").contains("through the shared link"));
}

/// The demo scan's closed rounds went out as personal links: every round with answers shows
/// what they are counted against, and no round shows "0 uitgenodigd" next to answers.
async fn demo_rounds_show_their_invitations(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    hrnexus::demo::fill(&app.store).await.unwrap();
    let me = sign_in(&app, hrnexus::demo::DEMO_EMPLOYER).await;
    let scan = app.store.scans_of(me.owner()).await.unwrap().remove(0).scan;
    let rounds = app.store.rounds(scan.id).await.unwrap();
    assert_eq!(rounds.len(), 3);
    assert_eq!(
        (
            rounds[0].invited,
            rounds[0].responses,
            rounds[0].shared_link
        ),
        (42, 37, false)
    );
    let page = text(
        &me.page(&app, &format!("/werkgever/scans/{}", scan.id))
            .await,
    );
    assert!(page.contains("1 ") && page.contains(" 37 42 88%"), "{page}");
    assert!(!page.contains(" 37 0 "), "{page}");
    let dashboard = me.page(&app, "/werkgever").await;
    let demo = card(&dashboard, "Bakkerij Jansen");
    assert!(demo.contains("via de gedeelde link"), "{demo}");
    assert!(demo.contains("Autonomie-index"), "{demo}");
}

async fn moving_the_closing_date(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let me = sign_in(&app, "eigenaar@winkel.nl").await;
    let (id, _) = scan(&app, &me, "Datum BV", -5, 3, false).await;
    let path = format!("/werkgever/scans/{id}");
    let form_path = format!("{path}/sluitdatum");
    let closes = || async { app.store.rounds(id).await.unwrap()[0].closes_on };

    // The scan page has the form (with the current date) and the way to close early.
    let html = me.page(&app, &path).await;
    assert!(html.contains(&format!("action=\"{form_path}\"")));
    assert!(html.contains(&format!("value=\"{}\"", iso(14))));
    assert!(html.contains(&format!("href=\"{path}/sluiten\"")));
    assert!(html.contains(&format!("href=\"{path}/verwijderen\"")));

    // Refusals: the message beside the field, what was typed kept, nothing changed.
    let far = day(-5).checked_add_months(chrono::Months::new(12)).unwrap();
    let too_far = (far + Days::new(1)).format("%Y-%m-%d").to_string();
    let before = iso(-6);
    let past = iso(-1);
    for (typed, message) in [
        ("", "Kies een sluitdatum."),
        ("volgende week", "Vul een geldige datum in"),
        (before.as_str(), "vóór de start van de ronde"),
        (past.as_str(), "Deze datum is al voorbij"),
        (
            too_far.as_str(),
            "Een ronde staat hoogstens een jaar open. Kies uiterlijk",
        ),
    ] {
        let response = me.post(&app, &form_path, &[("closes_on", typed)]).await;
        assert_eq!(response.status(), 422, "{typed}");
        let html = response.text().await.unwrap();
        assert!(html.contains("id=\"closes_on-error\""), "{typed}");
        assert!(html.contains(message), "{typed}: {message}");
        assert!(html.contains(&format!("value=\"{typed}\"")), "{typed} kept");
        assert_eq!(closes().await, day(14));
    }
    let response = me
        .post(&app, &format!("/en{form_path}"), &[("closes_on", &past)])
        .await;
    assert_eq!(response.status(), 422);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("This date has passed")
    );

    // Sent from another site: refused before anything happens.
    let later = iso(30);
    let response = me
        .post_from(&app, &form_path, &[("closes_on", &later)], "cross-site")
        .await;
    assert_eq!(response.status(), 403);
    assert_eq!(closes().await, day(14));

    // Another employer: the scan does not exist.
    let other = sign_in(&app, "ander@elders.nl").await;
    let response = other.post(&app, &form_path, &[("closes_on", &later)]).await;
    assert_eq!(response.status(), 404);
    assert_eq!(closes().await, day(14));

    // Later, then earlier (today is allowed: the closing day still counts), the last day a
    // year after the round opened.
    for (typed, expected) in [
        (later.clone(), day(30)),
        (iso(0), today()),
        (far.format("%d-%m-%Y").to_string(), far),
    ] {
        let response = me.post(&app, &form_path, &[("closes_on", &typed)]).await;
        assert_eq!(response.status(), 303, "{typed}");
        assert_eq!(location(&response), path);
        assert_eq!(closes().await, expected);
    }
    let audit = app.store.recent_audit(20).await.unwrap();
    let moved: Vec<_> = audit
        .iter()
        .filter(|a| a.event == "round_closing_date_changed")
        .collect();
    assert_eq!(moved.len(), 3);
    assert_eq!(moved[0].actor.as_deref(), Some(me.email.as_str()));

    // A closed round keeps its date: the page says so on top.
    let response = me.post(&app, &format!("{path}/sluiten"), &[]).await;
    assert_eq!(response.status(), 303);
    let response = me.post(&app, &form_path, &[("closes_on", &later)]).await;
    assert_eq!(response.status(), 409);
    let html = response.text().await.unwrap();
    assert!(html.contains("Deze ronde is al gesloten"));
    assert!(
        !html.contains(&format!("action=\"{form_path}\"")),
        "no form once closed"
    );
    assert_eq!(closes().await, far);
}

async fn deleting_a_scan_with_everything(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let me = sign_in(&app, "eigenaar@winkel.nl").await;
    let (id, first) = scan(&app, &me, "Weg BV", -20, 6, false).await;
    respond_n(&app, first, 5, 3, true).await;
    let second = app
        .store
        .open_round(id, today(), day(10), None, &[])
        .await
        .unwrap();
    respond_n(&app, second.id, 2, 4, false).await;
    app.store
        .invite_by_mail(&MailInvitations {
            round_id: second.id,
            department_id: None,
            invited_on: today(),
            max_per_round: 100,
            invites: vec![MailedInvite {
                email: "medewerker@winkel.nl".into(),
                token_hash: auth::token_hash(&auth::random_token()),
                mail: mail("medewerker@winkel.nl"),
            }],
        })
        .await
        .unwrap();
    let (kept, _) = scan(&app, &me, "Blijft BV", 0, 2, false).await;
    let path = format!("/werkgever/scans/{id}/verwijderen");

    // The confirmation names what goes.
    let page = text(&me.page(&app, &path).await);
    for expected in [
        "Weg BV · Winkel",
        "Rondes: 2",
        "Ingevulde scans (antwoorden van medewerkers): 7",
        "Opmerkingen: 5",
        "Persoonlijke links en uitnodigingen: 7",
        "Bewaarde e-mailadressen voor de herinnering: 1",
        "Uitnodigingen en herinneringen die nog verstuurd moeten worden: 1",
    ] {
        assert!(page.contains(expected), "{expected}: {page}");
    }
    let english = text(&me.page(&app, &format!("/en{path}")).await);
    assert!(english.contains("Rounds: 2") && english.contains("Delete scan for good"));

    // Without the box ticked: refused, beside the box.
    let response = me.post(&app, &path, &[]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"confirm-error\"") && html.contains("Vink het vakje aan"));
    // From another site, or by another employer: refused, nothing deleted.
    let response = me
        .post_from(&app, &path, &[("confirm", "ja")], "cross-site")
        .await;
    assert_eq!(response.status(), 403);
    let other = sign_in(&app, "ander@elders.nl").await;
    assert_eq!(other.get(&app, &path).await.status(), 404);
    let response = other.post(&app, &path, &[("confirm", "ja")]).await;
    assert_eq!(response.status(), 404);
    assert!(app.store.scan_by_id(id).await.unwrap().is_some());
    for bogus in ["999999", "abc"] {
        let response = me
            .post(
                &app,
                &format!("/werkgever/scans/{bogus}/verwijderen"),
                &[("confirm", "ja")],
            )
            .await;
        assert_eq!(response.status(), 404, "{bogus}");
    }

    // Confirmed: gone, the dashboard says so, the other scan stays.
    let response = me.post(&app, &path, &[("confirm", "ja")]).await;
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/werkgever?verwijderd=1");
    assert!(app.store.scan_by_id(id).await.unwrap().is_none());
    assert!(app.store.rounds(id).await.unwrap().is_empty());
    assert_eq!(
        app.store.scan_footprint(id).await.unwrap(),
        Default::default()
    );
    let dashboard = me.page(&app, "/werkgever?verwijderd=1").await;
    assert!(dashboard.contains("De scan is verwijderd"));
    assert!(!dashboard.contains("Weg BV") && dashboard.contains("Blijft BV"));
    assert!(app.store.scan_by_id(kept).await.unwrap().is_some());
    assert_eq!(
        me.get(&app, &format!("/werkgever/scans/{id}"))
            .await
            .status(),
        404
    );
    assert_eq!(me.get(&app, &path).await.status(), 404);
    // The audit entry names the account and the counts, nothing personal.
    let audit = app.store.recent_audit(20).await.unwrap();
    let entry = audit.iter().find(|a| a.event == "scan_deleted").unwrap();
    assert_eq!(
        entry.actor.as_deref(),
        Some(format!("werkgever #{}", me.id).as_str())
    );
    assert!(entry.detail.contains("7 responses"), "{}", entry.detail);
    for personal in ["Weg BV", "Winkel", "@", "Meer overleg"] {
        assert!(!entry.detail.contains(personal), "{}", entry.detail);
    }
    assert!(entry.ip.is_none());
}

/// `DELETE /api/v1/scans/{id}`: the same deletion for an API key's scans.
async fn the_api_deletes_a_scan_of_its_key(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = |name: &'static str| {
        let app = &app;
        async move {
            let (key, prefix, hash) = auth::new_api_key();
            app.store
                .create_api_key(name, &prefix, &hash, "beheer@hrnexus.nl")
                .await
                .unwrap();
            key
        }
    };
    let mine = key("mijn koppeling").await;
    let theirs = key("andere koppeling").await;
    let created: serde_json::Value = app
        .client
        .post(app.url("/api/v1/scans"))
        .bearer_auth(&mine)
        .json(&serde_json::json!({
            "organisation": "Api BV", "team": "Support", "closes_on": iso(7),
            "invite": "personal", "count": 4
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = created["scan"]["id"].as_i64().unwrap();
    let path = app.url(&format!("/api/v1/scans/{id}"));
    // Another key, a browser on another site: refused, nothing deleted.
    let response = app
        .client
        .delete(&path)
        .bearer_auth(&theirs)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .delete(&path)
        .bearer_auth(&mine)
        .header("sec-fetch-site", "cross-site")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
    assert!(app.store.scan_by_id(id).await.unwrap().is_some());
    let response = app
        .client
        .delete(&path)
        .bearer_auth(&mine)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["id"], id);
    assert_eq!(
        (body["rounds"].as_i64(), body["invites"].as_i64()),
        (Some(1), Some(4))
    );
    assert!(app.store.scan_by_id(id).await.unwrap().is_none());
    let response = app
        .client
        .get(&path)
        .bearer_auth(&mine)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let response = app
        .client
        .delete(&path)
        .bearer_auth(&mine)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    let audit = app.store.recent_audit(20).await.unwrap();
    assert!(audit.iter().any(|a| {
        a.event == "scan_deleted"
            && a.actor
                .as_deref()
                .is_some_and(|actor| actor.starts_with("api-sleutel #"))
    }));
    // The document describes the operation.
    let doc = serde_json::to_value(hrnexus::web::api::openapi()).unwrap();
    let operation = &doc["paths"]["/api/v1/scans/{id}"]["delete"];
    assert_eq!(operation["operationId"], "deleteScan");
    assert_eq!(
        operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/DeletedScan"
    );
}

both_backends!(
    the_api_deletes_a_scan_of_its_key,
    dashboard_cards_show_each_scans_headline,
    demo_rounds_show_their_invitations,
    moving_the_closing_date,
    deleting_a_scan_with_everything,
);
