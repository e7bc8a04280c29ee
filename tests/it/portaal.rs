//! The provider portal over HTTP, with two provider accounts: each signs in with a mailed
//! link and only ever reaches its own introductions and profile; the other's ids are 404
//! on every route that takes one.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::storage::{
    ActorRef, ChangeOutcome, IntakeChange, IntakeEffect, IntakeExtras, NewProvider, OutgoingMail,
};
use hrnexus_core::{
    email::EmailAddress,
    intake::{IntakeInput, IntakeRequest, IntakeStatus},
    provider::{Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug},
};

fn provider(slug: &str) -> NewProvider {
    NewProvider {
        slug: Slug::parse(slug).unwrap(),
        organisation: format!("Bureau {slug}"),
        kvk: KvkNumber::parse("12345678").unwrap(),
        description: format!("Profiel van {slug}."),
        categories: vec![ServiceCategory::CoachingLeiderschap],
        provinces: vec![Province::Zeeland],
        sizes: vec![CompanySize::Micro],
        certifications: vec![],
        languages: vec!["Nederlands".into()],
        capacity: 2,
        availability: Availability::Accepting,
        contact_email: EmailAddress::parse(&format!("intro@{slug}.nl")).ok(),
    }
}

/// An intake proposed to `provider`; returns the introduction's id.
async fn proposed_to(app: &TestApp, provider: i64, question: &str) -> i64 {
    let email = format!("werkgever-{provider}@x.nl");
    let request = IntakeRequest::parse(IntakeInput {
        organisation: "Bakkerij Jansen",
        contact_name: "Anna",
        email: &email,
        phone: "0612345678",
        kvk: "",
        company_size: "2-9",
        province: "zeeland",
        question,
        categories: &[],
        sector: "",
        urgency: "",
        consent: "ja",
        provider: "",
    })
    .unwrap();
    let mail = OutgoingMail {
        recipient: email.clone(),
        subject: "Ontvangen".into(),
        text_body: "Bedankt".into(),
        html_body: None,
        headers: vec![],
        carries_secret: false,
    };
    let id = app
        .store
        .create_intake(&request, &IntakeExtras::default(), "nl", &mail)
        .await
        .unwrap()
        .unwrap();
    let at = hrnexus::storage::now();
    let staff = ActorRef {
        kind: "staff",
        id: Some(1),
    };
    for change in [
        IntakeChange {
            intake_id: id,
            from: IntakeStatus::New,
            to: IntakeStatus::InProgress,
            actor: staff,
            event: "take_up",
            detail: "",
            effect: IntakeEffect::None,
            at,
        },
        IntakeChange {
            intake_id: id,
            from: IntakeStatus::InProgress,
            to: IntakeStatus::Proposed,
            actor: staff,
            event: "propose",
            detail: "",
            effect: IntakeEffect::Propose {
                provider_id: provider,
                score: 10,
                reasons: String::new(),
                deadline_at: at + 3 * 86_400,
                answer_token_hash: format!("hash-{id}"),
            },
            at,
        },
    ] {
        assert_eq!(
            app.store.change_intake(&change, &[]).await.unwrap(),
            ChangeOutcome::Done
        );
    }
    app.store.introductions_of_intake(id).await.unwrap()[0].id
}

/// Signs `email` in to the portal with a fresh client, through the mailed link.
async fn portal_client(app: &TestApp, email: &str) -> reqwest::Client {
    let client = common::client();
    let post = |path: &str, form: &[(&str, &str)]| {
        client
            .post(app.url(path))
            .header("sec-fetch-site", "same-origin")
            .form(form)
            .send()
    };
    let page = post("/portaal/inloggen", &[("email", email)])
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .unwrap()
            .contains("Als dit adres toegang heeft")
    );
    let link = common::mailed_link(app, email, "/portaal/inloggen/").await;
    let confirm = client.get(app.url(&link)).send().await.unwrap();
    assert_eq!(confirm.status(), 200, "a button, not a sign-in on GET");
    let signed_in = post(&link, &[]).await.unwrap();
    assert_eq!(signed_in.headers()["location"], "/portaal");
    // Single use.
    assert_eq!(post(&link, &[]).await.unwrap().status(), 410);
    client
}

async fn send(
    client: &reqwest::Client,
    app: &TestApp,
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

async fn a_provider_reaches_only_its_own(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let a = app.store.create_provider(&provider("alfa")).await.unwrap();
    let b = app.store.create_provider(&provider("beta")).await.unwrap();
    let email_a = EmailAddress::parse("lisa@alfa.nl").unwrap();
    let email_b = EmailAddress::parse("tom@beta.nl").unwrap();
    app.store
        .create_provider_account(a, &email_a)
        .await
        .unwrap();
    app.store
        .create_provider_account(b, &email_b)
        .await
        .unwrap();
    let intro_a = proposed_to(&app, a, "Vraag voor Alfa over roosters.").await;
    let intro_b = proposed_to(&app, b, "Vraag voor Beta over werkdruk.").await;

    // Signed out: the sign-in page.
    let anonymous = common::client()
        .get(app.url("/portaal"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);
    assert_eq!(anonymous.headers()["location"], "/portaal/inloggen");
    // An unknown address gets the same page and no mail.
    let unknown = send(
        &common::client(),
        &app,
        "/portaal/inloggen",
        &[("email", "niemand@x.nl")],
    )
    .await;
    assert!(
        unknown
            .text()
            .await
            .unwrap()
            .contains("Als dit adres toegang heeft")
    );

    let alfa = portal_client(&app, "lisa@alfa.nl").await;
    let home = alfa.get(app.url("/portaal")).send().await.unwrap();
    assert_eq!(home.headers()["cache-control"], "no-store");
    let home = home.text().await.unwrap();
    assert!(home.contains(&format!("/portaal/introducties/{intro_a}/accepteren")));
    assert!(
        !home.contains(&format!("/portaal/introducties/{intro_b}/")),
        "another provider's request"
    );
    assert!(
        !home.contains("Vraag voor Alfa"),
        "the question only after accepting"
    );
    // (Not "werkgever-": the footer links /scan/wat-je-werkgever-ziet.)
    assert!(
        !home.contains("@x.nl"),
        "no contact details before accepting"
    );

    // The other provider's introduction is not there for Alfa, on every route.
    for answer in ["accepteren", "afwijzen"] {
        let path = format!("/portaal/introducties/{intro_b}/{answer}");
        let response = send(&alfa, &app, &path, &[("reason", "other")]).await;
        assert_eq!(response.status(), 404, "{path}");
    }
    for path in [
        "/portaal/introducties/999999/accepteren",
        "/portaal/introducties/abc/accepteren",
        &format!("/portaal/introducties/{intro_a}/verzinsel"),
    ] {
        assert_eq!(send(&alfa, &app, path, &[]).await.status(), 404, "{path}");
    }
    let b_intro = app
        .store
        .introduction_by_id(intro_b)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(b_intro.status, "proposed", "untouched");

    // Alfa accepts its own: the employer's details appear.
    let accepted = send(
        &alfa,
        &app,
        &format!("/portaal/introducties/{intro_a}/accepteren"),
        &[],
    )
    .await;
    assert_eq!(accepted.status(), 303);
    let home = alfa
        .get(app.url("/portaal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(&format!("werkgever-{a}@x.nl")));
    assert!(home.contains("Vraag voor Alfa") && !home.contains("Vraag voor Beta"));
    // Answering twice is refused.
    let again = send(
        &alfa,
        &app,
        &format!("/portaal/introducties/{intro_a}/afwijzen"),
        &[("reason", "other")],
    )
    .await;
    assert_eq!(again.status(), 409);

    // The profile: Alfa's own, changes stay Alfa's.
    let profile = alfa
        .get(app.url("/portaal/profiel"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(profile.contains("Profiel van alfa.") && !profile.contains("Profiel van beta."));
    let bad = send(
        &alfa,
        &app,
        "/portaal/profiel",
        &[("description", "Nieuw"), ("capacity", "veel")],
    )
    .await;
    assert_eq!(bad.status(), 422);
    let html = bad.text().await.unwrap();
    assert!(html.contains("id=\"capacity-error\"") && html.contains(">Nieuw</textarea>"));
    let good = [
        ("description", "Wij coachen teams in Zeeland."),
        ("categories", "coaching_leiderschap"),
        ("provinces", "zeeland"),
        ("provinces", "utrecht"),
        ("sizes", "2-9"),
        ("languages", "Nederlands"),
        ("capacity", "5"),
        ("availability", "accepting"),
        ("contact_email", "nieuw@alfa.nl"),
        // Fields HRnexus manages are ignored when sent.
        ("organisation", "Overgenomen"),
        ("slug", "beta"),
    ];
    assert_eq!(
        send(&alfa, &app, "/portaal/profiel", &good).await.status(),
        200
    );
    let now_a = app.store.provider_by_id(a).await.unwrap().unwrap();
    assert_eq!(now_a.description, "Wij coachen teams in Zeeland.");
    assert_eq!(
        (
            now_a.capacity,
            now_a.organisation.as_str(),
            now_a.slug.as_str()
        ),
        (5, "Bureau alfa", "alfa")
    );
    assert_eq!(now_a.provinces.len(), 2);
    let now_b = app.store.provider_by_id(b).await.unwrap().unwrap();
    assert_eq!(now_b.description, "Profiel van beta.");

    // Beta signs in and sees its own, not Alfa's.
    let beta = portal_client(&app, "tom@beta.nl").await;
    let home = beta
        .get(app.url("/portaal"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(home.contains(&format!("/portaal/introducties/{intro_b}/accepteren")));
    assert!(!home.contains("Vraag voor Alfa") && !home.contains(&format!("werkgever-{a}@")));
    let response = send(
        &beta,
        &app,
        &format!("/portaal/introducties/{intro_a}/afwijzen"),
        &[("reason", "other")],
    )
    .await;
    assert_eq!(response.status(), 404);

    // Signing out ends it.
    assert_eq!(
        send(&beta, &app, "/portaal/uitloggen", &[]).await.status(),
        303
    );
    assert_eq!(
        beta.get(app.url("/portaal")).send().await.unwrap().status(),
        303
    );
}

/// A provider makes an API key in its portal; the key lists and answers only that
/// provider's introductions; HRnexus's own keys reach none.
async fn a_provider_key_reaches_only_its_own_introductions(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let a = app.store.create_provider(&provider("alfa")).await.unwrap();
    let b = app.store.create_provider(&provider("beta")).await.unwrap();
    app.store
        .create_provider_account(a, &EmailAddress::parse("lisa@alfa.nl").unwrap())
        .await
        .unwrap();
    let intro_a = proposed_to(&app, a, "Vraag voor Alfa over roosters.").await;
    let second_a = proposed_to(&app, a, "Nog een vraag voor Alfa.").await;
    let intro_b = proposed_to(&app, b, "Vraag voor Beta over werkdruk.").await;

    let alfa = portal_client(&app, "lisa@alfa.nl").await;
    let bad = send(&alfa, &app, "/portaal/api-sleutels", &[("name", "")]).await;
    assert_eq!(bad.status(), 422);
    let page = send(&alfa, &app, "/portaal/api-sleutels", &[("name", "Ons CRM")])
        .await
        .text()
        .await
        .unwrap();
    let marker = "<code class=\"secret\" id=\"new-key\">";
    let start = page.find(marker).unwrap() + marker.len();
    let key = page[start..start + page[start..].find("</code>").unwrap()].to_owned();

    let api = common::client();
    let list: serde_json::Value = api
        .get(app.url("/api/v1/introductions"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<i64> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [second_a, intro_a], "only Alfa's, newest first");
    assert!(list[0]["contact"].is_null(), "no contact before accepting");
    assert!(
        !list.to_string().contains("Vraag voor"),
        "no question before accepting"
    );

    let post = |path: String, body: serde_json::Value| {
        api.post(app.url(&path))
            .bearer_auth(&key)
            .json(&body)
            .send()
    };
    let foreign = post(
        format!("/api/v1/introductions/{intro_b}/accept"),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(foreign.status(), 404);
    let accepted = post(
        format!("/api/v1/introductions/{intro_a}/accept"),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(accepted.status(), 200);
    let body: serde_json::Value = accepted.json().await.unwrap();
    assert_eq!(body["status"], "accepted");
    assert_eq!(
        body["contact"]["question"],
        "Vraag voor Alfa over roosters."
    );
    let again = post(
        format!("/api/v1/introductions/{intro_a}/accept"),
        serde_json::json!({}),
    )
    .await
    .unwrap();
    assert_eq!(again.status(), 409);
    let unknown_reason = post(
        format!("/api/v1/introductions/{second_a}/decline"),
        serde_json::json!({"reason": "zin"}),
    )
    .await
    .unwrap();
    assert_eq!(unknown_reason.status(), 422);
    let declined = post(
        format!("/api/v1/introductions/{second_a}/decline"),
        serde_json::json!({"reason": "no_capacity"}),
    )
    .await
    .unwrap();
    assert_eq!(declined.status(), 200);
    assert_eq!(
        app.store
            .introduction_by_id(intro_b)
            .await
            .unwrap()
            .unwrap()
            .status,
        "proposed",
        "Beta's untouched"
    );

    // HRnexus's own keys reach no introductions.
    let (staff_key, prefix, hash) = hrnexus::auth::new_api_key();
    app.store
        .create_api_key("intern", &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    let refused = api
        .get(app.url("/api/v1/introductions"))
        .bearer_auth(&staff_key)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);

    // Revoked in the portal: the key stops working; another provider's key id is 404.
    let keys = app.store.provider_api_keys(a).await.unwrap();
    let other = send(&alfa, &app, "/portaal/api-sleutels/999999/intrekken", &[]).await;
    assert_eq!(other.status(), 404);
    let revoked = send(
        &alfa,
        &app,
        &format!("/portaal/api-sleutels/{}/intrekken", keys[0].id),
        &[],
    )
    .await;
    assert_eq!(revoked.status(), 303);
    let gone = api
        .get(app.url("/api/v1/introductions"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap();
    assert_eq!(gone.status(), 401);
}

both_backends!(
    a_provider_reaches_only_its_own,
    a_provider_key_reaches_only_its_own_introductions
);
