//! `/contact` over HTTP: a good question is stored with its confirmation mail queued, every
//! bad field comes back (422) with a message beside it and what was typed kept, nothing is
//! stored on error, posts are rate limited, and odd input never gives a 500.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus_core::intake::IntakeStatus;

const QUESTION: &str =
    "Onze teamleiders willen meer ruimte geven, maar weten niet waar te beginnen.";

fn good() -> Vec<(&'static str, String)> {
    vec![
        ("organisation", "Bakkerij Jansen".into()),
        ("contact_name", "Anna de Vries".into()),
        ("email", "Anna@Bakkerij-Jansen.nl".into()),
        ("phone", "06 1234 5678".into()),
        ("kvk", "1234 5678".into()),
        ("company_size", "10-49".into()),
        ("province", "noord-brabant".into()),
        ("question", QUESTION.into()),
        ("categories", "coaching_leiderschap".into()),
        ("categories", "teamontwikkeling".into()),
        ("sector", "horeca".into()),
        ("urgency", "high".into()),
        ("consent", "ja".into()),
    ]
}

fn with(field: &str, value: &str) -> Vec<(&'static str, String)> {
    let mut form: Vec<(&'static str, String)> =
        good().into_iter().filter(|(k, _)| *k != field).collect();
    if !value.is_empty() {
        let key = good().into_iter().find(|(k, _)| *k == field).unwrap().0;
        form.push((key, value.to_owned()));
    }
    form
}

/// A form stamp handed out `seconds_ago`, as a person's browser would post it.
fn stamp(app: &TestApp, seconds_ago: i64) -> String {
    hrnexus::web::contact::stamp(
        &app.running.state.secret,
        hrnexus::storage::now() - seconds_ago,
    )
}

/// Posts `form` with a stamp from a minute ago unless the form brings its own.
async fn post(app: &TestApp, path: &str, form: &[(&'static str, String)]) -> reqwest::Response {
    let mut pairs: Vec<(&str, String)> = form.iter().map(|(k, v)| (*k, v.clone())).collect();
    if !pairs.iter().any(|(k, _)| *k == "formulier") {
        pairs.push(("formulier", stamp(app, 60)));
    }
    let pairs: Vec<(&str, &str)> = pairs.iter().map(|(k, v)| (*k, v.as_str())).collect();
    app.post_form(path, &pairs).await
}

async fn nothing_stored(app: &TestApp) {
    assert!(app.store.intakes(None, 10).await.unwrap().is_empty());
    assert!(app.store.list_mail(10).await.unwrap().is_empty());
}

async fn a_good_question_is_stored_and_confirmed(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let response = post(&app, "/contact", &good()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/contact/bedankt");

    let intakes = app.store.intakes(None, 10).await.unwrap();
    assert_eq!(intakes.len(), 1);
    let intake = &intakes[0];
    assert_eq!(intake.status(), Some(IntakeStatus::New));
    assert_eq!(intake.email, "anna@bakkerij-jansen.nl");
    assert_eq!(
        (intake.sector.as_str(), intake.urgency.as_str()),
        ("horeca", "high")
    );
    assert_eq!(intake.phone.as_deref(), Some("0612345678"));
    assert_eq!(intake.kvk.as_deref(), Some("12345678"));
    assert_eq!(
        (intake.company_size.as_str(), intake.province.as_str()),
        ("10-49", "noord-brabant")
    );
    assert_eq!(intake.question, QUESTION);
    assert_eq!(intake.categories, "coaching_leiderschap,teamontwikkeling");
    assert_eq!(intake.lang, "nl");

    let mails = app.store.list_mail(10).await.unwrap();
    assert_eq!(mails.len(), 1);
    let mail = &mails[0].mail;
    assert_eq!(mail.recipient, "anna@bakkerij-jansen.nl");
    assert_eq!(mail.subject, "We hebben je vraag ontvangen");
    assert!(mail.text_body.contains("Beste Anna de Vries,"));
    assert!(mail.text_body.contains("namens Bakkerij Jansen"));
    assert!(
        !mail.text_body.contains("teamleiders"),
        "the question itself is not mailed"
    );
    assert!(
        mail.html_body
            .as_deref()
            .unwrap()
            .contains("Bakkerij Jansen")
    );

    let thanks = app.get("/contact/bedankt").await;
    assert_eq!(thanks.status(), 200);
    assert!(
        thanks
            .text()
            .await
            .unwrap()
            .contains("Bedankt voor je vraag")
    );
}

async fn english_questions_get_english_pages_and_mail(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let page = app.get("/en/contact").await.text().await.unwrap();
    assert!(page.contains("Ask your question"));
    assert!(page.contains("action=\"/en/contact\""));
    let response = post(&app, "/en/contact", &good()).await;
    assert_eq!(response.status(), 303);
    assert_eq!(response.headers()["location"], "/en/contact/bedankt");
    assert_eq!(app.store.intakes(None, 1).await.unwrap()[0].lang, "en");
    let mail = &app.store.list_mail(1).await.unwrap()[0].mail;
    assert_eq!(mail.subject, "We have received your question");

    let refused = post(&app, "/en/contact", &with("kvk", "123")).await;
    assert_eq!(refused.status(), 422);
    assert!(
        refused
            .text()
            .await
            .unwrap()
            .contains("A KvK number has exactly 8 digits.")
    );
}

async fn every_bad_field_is_named_and_what_was_typed_kept(db: Db) {
    let Some(app) = common::spawn_with(db, "public_form_rate_per_minute = 0\n").await else {
        return;
    };
    let long_name = "n".repeat(121);
    let long_question = "v".repeat(4001);
    let cases: Vec<(&str, &str, &str)> = vec![
        ("organisation", "", "Vul de naam van je organisatie in."),
        ("contact_name", &long_name, "maximaal 120 tekens"),
        ("contact_name", "Anna\u{1b}Vries", "onzichtbaar stuurteken"),
        ("email", "anna@bakkerij", "Dit lijkt geen e-mailadres"),
        ("email", "", "Vul je e-mailadres in"),
        ("phone", "bel me maar", "Dit lijkt geen telefoonnummer"),
        ("kvk", "1234567", "precies 8 cijfers"),
        ("company_size", "7", "Kies een van de genoemde groottes."),
        ("company_size", "", "Kies hoeveel mensen"),
        ("province", "bayern", "Kies een van de twaalf provincies."),
        ("province", "", "Kies de provincie"),
        ("question", "   ", "Beschrijf je vraag."),
        ("question", &long_question, "maximaal 4000 tekens"),
        (
            "categories",
            "astrologie",
            "Kies alleen uit de genoemde onderwerpen.",
        ),
        ("sector", "astrologie", "Kies een sector uit de lijst."),
        ("urgency", "gisteren", "Kies hoe snel je hulp zoekt."),
        ("consent", "", "Geef toestemming"),
    ];
    for (field, value, message) in cases {
        let response = post(&app, "/contact", &with(field, value)).await;
        assert_eq!(response.status(), 422, "{field}={value:?}");
        let html = response.text().await.unwrap();
        assert!(html.contains(message), "{field}: {message} missing");
        assert_eq!(
            html.matches("class=\"field-error\"").count(),
            1,
            "{field}: only the wrong field is marked"
        );
        assert!(html.contains(&format!("id=\"{field}-error\"")), "{field}");
        // What was typed stays, in the wrong field and in the others.
        // (A choice the form does not offer cannot be shown as chosen.)
        let typed_field = ![
            "categories",
            "province",
            "company_size",
            "sector",
            "urgency",
        ]
        .contains(&field);
        if !value.trim().is_empty() && !value.contains('\u{1b}') && typed_field {
            assert!(html.contains(value), "{field}: typed value kept");
        }
        if field != "question" {
            assert!(html.contains(QUESTION), "{field}: question kept");
        }
        if field != "organisation" {
            assert!(html.contains("value=\"Bakkerij Jansen\""));
        }
        if field != "province" {
            assert!(html.contains("value=\"noord-brabant\" selected"));
        }
        if field != "sector" {
            assert!(
                html.contains("value=\"horeca\" selected"),
                "{field}: sector kept"
            );
        }
        if field != "urgency" {
            assert!(
                html.contains("value=\"high\" checked"),
                "{field}: urgency kept"
            );
        }
        if field != "company_size" {
            assert!(html.contains("value=\"10-49\" checked"));
        }
        if field != "categories" {
            assert!(html.contains("value=\"teamontwikkeling\" checked"));
        }
        if field != "consent" {
            assert!(html.contains("name=\"consent\" value=\"ja\" checked"));
        }
        nothing_stored(&app).await;
    }
    // Several wrong fields at once: each gets its own message.
    let response = post(&app, "/contact", &[("email", "x".to_string())]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert_eq!(html.matches("class=\"field-error\"").count(), 7);
    nothing_stored(&app).await;
}

async fn odd_input_never_breaks_the_page(db: Db) {
    let Some(app) = common::spawn_with(db, "public_form_rate_per_minute = 0\n").await else {
        return;
    };
    let raw_bodies = [
        "",
        "organisation=%ff%fe%00&email=%",
        "categories=hr_advies&categories=hr_advies&consent=&&&==",
        "question=%00%00&province=noord-brabant%00",
    ];
    for body in raw_bodies {
        let response = app
            .client
            .post(app.url("/contact"))
            .header("sec-fetch-site", "same-origin")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        assert!((400..500).contains(&status), "{body:?} gave {status}");
    }
    let many: Vec<(&'static str, String)> = good()
        .into_iter()
        .chain((0..500).map(|i| ("categories", format!("x{i}"))))
        .collect();
    assert_eq!(post(&app, "/contact", &many).await.status(), 422);
    let json = app
        .client
        .post(app.url("/contact"))
        .header("sec-fetch-site", "same-origin")
        .json(&serde_json::json!({"organisation": "x"}))
        .send()
        .await
        .unwrap();
    assert!(json.status().is_client_error());
    nothing_stored(&app).await;

    // Markup typed into a field is shown as text.
    let response = post(
        &app,
        "/contact",
        &with("organisation", "<script>x</script>"),
    )
    .await;
    assert_eq!(response.status(), 303);
    let page = post(&app, "/contact", &with("phone", "<b>bel</b>")).await;
    let html = page.text().await.unwrap();
    assert!(html.contains("&lt;b&gt;bel&lt;/b&gt;") || html.contains("&#60;b&#62;"));
    assert!(!html.contains("<b>bel</b>"));
}

async fn the_provider_asked_for_is_carried_along_when_it_is_a_slug(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let html = app
        .get("/contact?dienstverlener=coach-en-co")
        .await
        .text()
        .await
        .unwrap();
    assert!(html.contains("name=\"dienstverlener\" value=\"coach-en-co\""));
    for odd in [
        "/contact?dienstverlener=%3Cscript%3E",
        "/contact?dienstverlener=Coach",
        "/contact?dienstverlener=a--b",
        "/contact?dienstverlener[]=x",
        "/contact?dienstverlener=%ff",
    ] {
        let response = app.get(odd).await;
        assert_eq!(response.status(), 200, "{odd}");
        assert!(
            !response
                .text()
                .await
                .unwrap()
                .contains("name=\"dienstverlener\""),
            "{odd}"
        );
    }
    let mut form = good();
    form.push(("dienstverlener", "coach-en-co".into()));
    assert_eq!(post(&app, "/contact", &form).await.status(), 303);
    let mut form = good();
    form.push(("dienstverlener", "../beheer".into()));
    assert_eq!(post(&app, "/contact", &form).await.status(), 303);
    let slugs: Vec<Option<String>> = app
        .store
        .intakes(None, 10)
        .await
        .unwrap()
        .into_iter()
        .map(|i| i.provider_slug)
        .collect();
    assert_eq!(slugs, [None, Some("coach-en-co".to_string())]);
}

async fn posts_are_rate_limited_per_address(db: Db) {
    let Some(app) = common::spawn_with(db, "public_form_rate_per_minute = 2\n").await else {
        return;
    };
    for _ in 0..2 {
        assert_eq!(
            post(&app, "/contact", &with("kvk", "1")).await.status(),
            422
        );
    }
    let response = post(&app, "/contact", &good()).await;
    assert_eq!(response.status(), 429);
    assert_eq!(response.headers()["retry-after"], "60");
    nothing_stored(&app).await;
    // Reading the form is not limited.
    assert_eq!(app.get("/contact").await.status(), 200);
}

async fn the_home_page_leads_to_the_contact_page(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let home = app.get("/").await.text().await.unwrap();
    assert!(home.contains("href=\"/contact\""));
    let home = app.get("/en/").await.text().await.unwrap();
    assert!(home.contains("href=\"/en/contact\""));
    let page = app.get("/contact").await.text().await.unwrap();
    assert!(page.contains("Dien je vraag in"));
    assert!(page.contains("gezondheid"), "the health warning is visible");
}

/// Anti-automation without a captcha: a trap field people never see, and a signed stamp
/// saying when the form was handed out. Bots get the thank-you page and nothing is stored;
/// a missing or forged stamp brings the form back with what was typed; a double submit of
/// one form stores one intake.
async fn bots_are_told_apart_without_a_captcha(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    // The page hands out a stamp and hides the trap from people.
    let page = app.get("/contact").await.text().await.unwrap();
    assert!(page.contains("name=\"formulier\""));
    assert!(page.contains("class=\"trap\" aria-hidden=\"true\""));

    // The trap filled in: thanks, nothing stored.
    let mut form = good();
    form.push(("website", "https://spam.example".into()));
    let response = post(&app, "/contact", &form).await;
    assert_eq!(response.headers()["location"], "/contact/bedankt");
    nothing_stored(&app).await;

    // Posted the moment the form was handed out: thanks, nothing stored.
    let mut form = good();
    form.push(("formulier", stamp(&app, 0)));
    let response = post(&app, "/contact", &form).await;
    assert_eq!(response.headers()["location"], "/contact/bedankt");
    nothing_stored(&app).await;

    // Forged, missing or two days old: the form comes back, typed text kept.
    let forged = stamp(&app, 60).replace('.', ".1");
    for bad in [forged, String::new(), stamp(&app, 2 * 86_400)] {
        let mut form = good();
        form.push(("formulier", bad));
        let response = post(&app, "/contact", &form).await;
        assert_eq!(response.status(), 422);
        let html = response.text().await.unwrap();
        assert!(html.contains("Dit formulier was verlopen"));
        assert!(html.contains("value=\"Bakkerij Jansen\""));
        nothing_stored(&app).await;
    }

    // The same form twice (a double click): one intake, one confirmation.
    let mut form = good();
    form.push(("formulier", stamp(&app, 30)));
    for _ in 0..2 {
        let response = post(&app, "/contact", &form).await;
        assert_eq!(response.headers()["location"], "/contact/bedankt");
    }
    assert_eq!(app.store.intakes(None, 10).await.unwrap().len(), 1);
    assert_eq!(app.store.list_mail(10).await.unwrap().len(), 1);
}

/// Aspects from a scan travel with the form and are stored; unknown ones are dropped.
async fn aspects_from_a_scan_are_stored_with_the_intake(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let mut form = good();
    form.push(("aspect", "steun".into()));
    form.push(("aspect", "werkwijze".into()));
    form.push(("aspect", "<script>".into()));
    assert_eq!(post(&app, "/contact", &form).await.status(), 303);
    let intake = app.store.intakes(None, 1).await.unwrap().remove(0);
    assert_eq!(intake.aspects, "steun,werkwijze");
}

both_backends!(
    bots_are_told_apart_without_a_captcha,
    aspects_from_a_scan_are_stored_with_the_intake,
    a_good_question_is_stored_and_confirmed,
    english_questions_get_english_pages_and_mail,
    every_bad_field_is_named_and_what_was_typed_kept,
    odd_input_never_breaks_the_page,
    the_provider_asked_for_is_carried_along_when_it_is_a_slug,
    posts_are_rate_limited_per_address,
    the_home_page_leads_to_the_contact_page,
);
