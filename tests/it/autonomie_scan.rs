//! `/autonomie-scan`: the explanation page, the quick check and the cost calculator, over HTTP.
//! Nothing here is stored, but the tests run on both backends like the rest of the site.

use crate::{both_backends, common};

use common::{Db, TestApp};

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let response = app.get(path).await;
    let status = response.status().as_u16();
    (status, response.text().await.unwrap())
}

/// The part of the page from `start` up to the next `end` after it.
fn part<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html
        .find(start)
        .unwrap_or_else(|| panic!("{start:?} not in page"));
    let rest = &html[from..];
    let to = rest[start.len()..]
        .find(end)
        .map_or(rest.len(), |i| i + start.len());
    &rest[..to]
}

/// The quick check fieldset of one aspect.
fn question<'a>(html: &'a str, aspect: &str) -> &'a str {
    let at = html
        .find(&format!("name=\"{aspect}\""))
        .unwrap_or_else(|| panic!("no question {aspect}"));
    let start = html[..at].rfind("<fieldset").unwrap();
    let end = at + html[at..].find("</fieldset>").unwrap();
    &html[start..end]
}

/// The calculator field block of one input.
fn cost_field<'a>(html: &'a str, name: &str) -> &'a str {
    let id = format!("for=\"kosten-{name}\"");
    let at = html.find(&id).unwrap_or_else(|| panic!("no field {name}"));
    let start = html[..at].rfind("<div class=\"field").unwrap();
    let end = at + html[at..].find("</div>").unwrap();
    &html[start..end]
}

const ALL_ASPECTS: [&str; 5] = [
    "werkwijze",
    "sterke_punten",
    "taakinvloed",
    "open_mening",
    "steun",
];

async fn the_page_explains_the_scan_in_both_languages(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, nl) = page(&app, "/autonomie-scan").await;
    assert_eq!(status, 200);
    assert!(nl.contains("<html lang=\"nl\">"));
    for text in [
        "De autonomie-scan",
        "Anoniem",
        "ongeveer twee minuten",
        "werk aan de winkel",
        "HR-dienstverlener",
        "Herhalen en vergelijken",
        "Eigen werkwijze: zelf bepalen hoe je je werk aanpakt.",
        "Steun bij verandering",
    ] {
        assert!(nl.contains(text), "{text:?} missing");
    }
    // The call to action for a team scan, and the quick check form.
    assert!(nl.contains("href=\"/werkgever/login\">Start een teamscan</a>"));
    assert!(nl.contains("action=\"/autonomie-scan/snelle-check\""));
    assert!(nl.contains("Mijn medewerkers mogen zelf bepalen hoe ze hun werk aanpakken."));
    assert!(nl.contains("we bewaren niets van wat je invult"));
    for aspect in ALL_ASPECTS {
        let q = question(&nl, aspect);
        assert!(q.contains("<legend>"), "{aspect} has a legend");
        assert_eq!(
            q.matches("type=\"radio\"").count(),
            6,
            "{aspect}: 5 + weet ik niet"
        );
        assert!(q.contains("value=\"weet_niet\"") && q.contains("Weet ik niet"));
        assert!(!q.contains("checked"));
    }
    // The calculator with its defaults and every source named.
    assert!(nl.contains("id=\"kosten\""));
    assert!(nl.contains("action=\"/autonomie-scan#kosten\""));
    assert!(cost_field(&nl, "verzuimpercentage").contains("value=\"5\""));
    assert!(cost_field(&nl, "kosten_per_verzuimdag").contains("value=\"250\""));
    assert!(cost_field(&nl, "werkdagen_per_jaar").contains("value=\"220\""));
    assert!(cost_field(&nl, "vervangingskosten_percentage").contains("value=\"50\""));
    assert!(cost_field(&nl, "verbetering_percentage").contains("value=\"10\""));
    assert!(cost_field(&nl, "medewerkers").contains("value=\"\""));
    for text in [
        "CBS, Ziekteverzuim",
        "Ziekteverzuimpercentage; bedrijfstakken (SBI 2008) en bedrijfsgrootte",
        "rond 5% van de werkdagen",
        "€\u{a0}250 tot €\u{a0}405 per dag",
        "arbodiensten en verzuimverzekeraars",
        "30% tot 200% van een jaarsalaris",
        "220 dagen",
    ] {
        assert!(nl.contains(text), "{text:?} missing");
    }
    assert!(!nl.contains("cost-result"), "nothing calculated yet");

    let (status, en) = page(&app, "/en/autonomie-scan").await;
    assert_eq!(status, 200);
    assert!(en.contains("<html lang=\"en\">"));
    assert!(en.contains("href=\"/en/werkgever/login\">Start a team scan</a>"));
    assert!(en.contains("action=\"/en/autonomie-scan/snelle-check\""));
    assert!(en.contains("action=\"/en/autonomie-scan#kosten\""));
    assert!(en.contains("My employees are free to decide how they approach their work."));
    assert!(en.contains("€250 to €405 per day"));
    assert!(en.contains("CBS (Statistics Netherlands), Ziekteverzuim"));
    assert!(en.contains("Don&#39;t know") || en.contains("Don't know"));
}

async fn a_missing_answer_is_pointed_out_and_the_others_are_kept(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, html) = page(
        &app,
        "/autonomie-scan/snelle-check?werkwijze=2&sterke_punten=4&taakinvloed=weet_niet&steun=9",
    )
    .await;
    assert_eq!(status, 422);
    assert!(html.contains("Nog niet alle vragen zijn beantwoord"));

    // The unanswered question says so, linked to its fieldset.
    let open = question(&html, "open_mening");
    assert!(open.contains("has-error"));
    assert!(open.contains("aria-describedby=\"snel-open_mening-fout\""));
    assert!(open.contains(
        "<p class=\"field-error\" id=\"snel-open_mening-fout\">Kies een antwoord bij deze uitspraak.</p>"
    ));
    assert!(!open.contains("checked"));
    // An answer that is not on the scale is refused beside its question too.
    let steun = question(&html, "steun");
    assert!(steun.contains("Dit antwoord kennen we niet"));
    assert!(!steun.contains("checked"));

    // The other answers are still chosen, and carry no message.
    for (aspect, value) in [
        ("werkwijze", "2"),
        ("sterke_punten", "4"),
        ("taakinvloed", "weet_niet"),
    ] {
        let q = question(&html, aspect);
        assert!(!q.contains("field-error"), "{aspect} has no error");
        assert!(
            q.contains(&format!("value=\"{value}\" checked")),
            "{aspect} keeps {value}"
        );
        assert_eq!(q.matches("checked").count(), 1);
    }
    assert_eq!(html.matches("class=\"field-error\"").count(), 2);

    // A submit with nothing chosen at all: every question gets its message.
    let (status, html) = page(&app, "/autonomie-scan/snelle-check?").await;
    assert_eq!(status, 422);
    assert_eq!(
        html.matches("Kies een antwoord bij deze uitspraak.")
            .count(),
        5
    );
    // Typing the address without any answers just leads to the form.
    let response = app.get("/en/autonomie-scan/snelle-check").await;
    assert_eq!(response.status(), 303);
    assert_eq!(
        response.headers()["location"],
        "/en/autonomie-scan#snelle-check"
    );

    // In English, the message is English.
    let (status, html) = page(&app, "/en/autonomie-scan/snelle-check?werkwijze=3").await;
    assert_eq!(status, 422);
    assert!(question(&html, "steun").contains("Choose an answer for this statement."));
}

async fn the_quick_check_gives_an_instant_result_with_advice(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, html) = page(
        &app,
        "/autonomie-scan/snelle-check?werkwijze=1&sterke_punten=2&taakinvloed=3&open_mening=4&steun=5",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Jouw uitslag van de snelle check"));
    assert!(html.contains("het beeld van één persoon"));
    assert!(html.contains("Niets van deze uitslag is opgeslagen"));
    // Asking for help leads to the intake with the weak aspects and fitting categories.
    assert!(html.contains("Vraag hulp van een professional"));
    assert!(
        html.contains("/contact?aspect="),
        "the intake is pre-filled"
    );
    // Index: the answers 1–5 are 0, 25, 50, 75 and 100 on the 0–100 scale: mean 50.
    assert!(html.contains("50 van de 100"), "index shown");
    assert!(html.contains("width=\"50\""), "index bar");

    // Per topic: the answer and the judgement.
    let topic = |name: &str| part(&html, &format!("<h3>{name}</h3>"), "</li>").to_owned();
    let werkwijze = topic("Eigen werkwijze");
    assert!(werkwijze.contains("Helemaal oneens"));
    assert!(werkwijze.contains("Werk aan de winkel"));
    assert!(topic("Sterke punten").contains("Werk aan de winkel"));
    assert!(topic("Invloed op taken").contains("Aandacht nodig"));
    assert!(topic("Eerlijk je mening geven").contains(">Goed<"));
    assert!(topic("Steun bij verandering").contains("Helemaal eens"));

    // Advice from the core, worst first, worded from the article.
    let advice = part(&html, "id=\"advies\"", "</section>");
    assert!(advice.contains("Waar je kunt beginnen"));
    let first = advice.find("Eigen werkwijze").unwrap();
    let attention = advice.find("Invloed op taken").unwrap();
    assert!(first < attention, "werk aan de winkel before attention");
    assert!(
        !advice.contains("Eerlijk je mening geven"),
        "good topics need no advice"
    );
    for text in [
        "Geef heldere doelen, maar laat de invulling los",
        "hoe zou jij dit aanpakken?",
        "Train leidinggevenden in coachend leiderschap",
        "Herontwerp taken waar nodig",
        "Coaching en leiderschapstrainingen",
        "HR-advies over functies en taakverdeling",
    ] {
        assert!(advice.contains(text), "{text:?} missing from advice");
    }

    // Next steps: the team scan, changing the answers, and the calculator that keeps them.
    assert!(html.contains("href=\"/werkgever/login\">Start een teamscan</a>"));
    assert!(html.contains(
        "href=\"/autonomie-scan?werkwijze=1&#38;sterke_punten=2&#38;taakinvloed=3&#38;open_mening=4&#38;steun=5#snelle-check\""
    ));
    let calculator = part(&html, "id=\"kosten\"", "</form>");
    assert!(calculator.contains("action=\"/autonomie-scan/snelle-check#kosten\""));
    assert!(calculator.contains("<input type=\"hidden\" name=\"werkwijze\" value=\"1\">"));
    assert!(calculator.contains("<input type=\"hidden\" name=\"steun\" value=\"5\">"));

    // Recalculating on the result page keeps the result and adds the costs.
    let (status, html) = page(
        &app,
        "/autonomie-scan/snelle-check?werkwijze=1&sterke_punten=2&taakinvloed=3&open_mening=4&steun=5\
         &medewerkers=20&gemiddeld_jaarsalaris=40000&verloop_percentage=10",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("50 van de 100"));
    assert!(html.contains("€\u{a0}95.000"));

    // "Change my answers" opens the form with them chosen.
    let (_, form) = page(
        &app,
        "/autonomie-scan?werkwijze=1&sterke_punten=2&taakinvloed=3&open_mening=4&steun=5",
    )
    .await;
    assert!(question(&form, "taakinvloed").contains("value=\"3\" checked"));

    // All good: no advice needed, but a nudge to check with the team.
    let (_, html) = page(
        &app,
        "/en/autonomie-scan/snelle-check?werkwijze=5&sterke_punten=4&taakinvloed=5&open_mening=4&steun=5",
    )
    .await;
    assert!(html.contains("100 out of 100") || html.contains("out of 100"));
    assert!(html.contains("You rate the room in your team as good on every topic"));
    assert!(!html.contains("Work to be done</span>"));

    // Only "weet ik niet": no index, and no judgement.
    let (status, html) = page(
        &app,
        "/autonomie-scan/snelle-check?werkwijze=weet_niet&sterke_punten=weet_niet&taakinvloed=weet_niet&open_mening=weet_niet&steun=weet_niet",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("we kunnen geen index berekenen"));
    assert!(html.contains("Bij de onderwerpen waar je &#34;weet ik niet&#34; koos"));
    assert!(!html.contains("als goed in"));
    assert_eq!(html.matches("Geen oordeel").count(), 5);
}

async fn the_calculator_computes_and_formats_dutch(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40.000&verzuimpercentage=5\
         &kosten_per_verzuimdag=250&werkdagen_per_jaar=220&verloop_percentage=10\
         &vervangingskosten_percentage=50&verbetering_percentage=10",
    )
    .await;
    assert_eq!(status, 200);
    let result = part(&html, "class=\"cost-result\"", "<details");
    // Absence: 20 employees × 220 days × 5 % = 220 days; × € 250 = € 55.000.
    assert!(result.contains("<dd>220</dd>"));
    assert!(result.contains("€\u{a0}55.000"));
    // Turnover: 20 × 10 % = 2 leavers; × € 40.000 × 50 % = € 40.000.
    assert!(result.contains("<dd>2</dd>"));
    assert!(result.contains("€\u{a0}40.000"));
    // Total € 95.000; per employee 95.000 / 20 = € 4.750.
    assert!(result.contains("€\u{a0}95.000"));
    assert!(result.contains("€\u{a0}4.750"));
    // 10 % less of both: € 5.500 + € 4.000 = € 9.500 a year.
    assert!(result.contains("Wat 10% minder verzuim en verloop oplevert"));
    assert!(result.contains("€\u{a0}5.500"));
    assert!(result.contains("€\u{a0}4.000"));
    assert!(result.contains("€\u{a0}9.500"));
    // What was typed stays in the form.
    assert!(cost_field(&html, "gemiddeld_jaarsalaris").contains("value=\"40.000\""));
    assert!(!html.contains("aria-invalid"));

    // Only the required fields: the defaults fill in the rest (same figures as above).
    let (_, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40000&verloop_percentage=10&verzuimpercentage=",
    )
    .await;
    assert!(html.contains("€\u{a0}95.000") && html.contains("€\u{a0}9.500"));
    assert!(cost_field(&html, "verzuimpercentage").contains("value=\"5\""));

    // Other reference figures can be changed: € 405 a day, 4,5 % absence.
    // 20 × 220 × 4,5 % = 198 days × € 405 = € 80.190; plus € 40.000 = € 120.190.
    let (_, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40000&verloop_percentage=10\
         &verzuimpercentage=4,5&kosten_per_verzuimdag=405",
    )
    .await;
    assert!(html.contains("€\u{a0}80.190"));
    assert!(html.contains("€\u{a0}120.190"));
    assert!(html.contains("<dd>198</dd>"));
}

async fn bad_numbers_are_pointed_out_beside_the_field(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, html) = page(
        &app,
        "/autonomie-scan?medewerkers=12,5&gemiddeld_jaarsalaris=veel&verzuimpercentage=-2\
         &verloop_percentage=150&werkdagen_per_jaar=220",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("Niet alles is goed ingevuld"));
    assert!(
        !html.contains("class=\"cost-result\""),
        "no result with errors"
    );

    let field = cost_field(&html, "medewerkers");
    assert!(field.contains("aria-invalid=\"true\""));
    assert!(
        field.contains("aria-describedby=\"kosten-medewerkers-fout kosten-medewerkers-uitleg\"")
    );
    assert!(field.contains("value=\"12,5\""));
    assert!(field.contains(
        "<p class=\"field-error\" id=\"kosten-medewerkers-fout\">Vul een heel getal in, zonder komma.</p>"
    ));
    let salary = cost_field(&html, "gemiddeld_jaarsalaris");
    assert!(salary.contains("value=\"veel\"") && salary.contains("Vul een getal in"));
    assert!(cost_field(&html, "verzuimpercentage").contains("Vul een getal van 0 of hoger in."));
    assert!(cost_field(&html, "verloop_percentage").contains("Vul een getal tussen 0 en 100 in."));
    let days = cost_field(&html, "werkdagen_per_jaar");
    assert!(!days.contains("aria-invalid") && days.contains("value=\"220\""));

    // A required field left empty.
    let (_, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40000",
    )
    .await;
    assert!(cost_field(&html, "verloop_percentage").contains("Vul dit veld in."));

    // English messages on English pages.
    let (status, html) = page(&app, "/en/autonomie-scan?medewerkers=lots").await;
    assert_eq!(status, 200);
    assert!(cost_field(&html, "medewerkers").contains("Enter a number, for example 40000 or 5.5."));
    assert!(cost_field(&html, "gemiddeld_jaarsalaris").contains("Fill in this field."));
}

async fn english_pages_format_english(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (status, html) = page(
        &app,
        "/en/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40,000&verloop_percentage=10",
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("What absence and turnover cost you per year"));
    for amount in [
        "€55,000",
        "€40,000",
        "€95,000",
        "€4,750",
        "€5,500",
        "€4,000",
        "€9,500",
    ] {
        assert!(html.contains(amount), "{amount} missing");
    }
    assert!(!html.contains("€\u{a0}95.000"));
    assert!(html.contains("What 10% less absence and turnover saves"));

    // Bigger and fractional figures: 1,250 × 220 × 5.5 % = 15,125 days × €250 = €3,781,250.
    let (_, html) = page(
        &app,
        "/en/autonomie-scan?medewerkers=1250&gemiddeld_jaarsalaris=40000&verloop_percentage=10\
         &verzuimpercentage=5.5",
    )
    .await;
    assert!(html.contains("<dd>15,125</dd>"));
    assert!(html.contains("€3,781,250"));
}

/// "Stuur mij mijn uitslag (en het Kompas)": the result by mail, the Kompas only through its own
/// double opt-in, a wrong address named beside the field with the result still there.
async fn the_result_is_mailed_on_request_with_the_kompas_as_a_choice(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let answers = [
        ("werkwijze", "2"),
        ("sterke_punten", "4"),
        ("taakinvloed", "1"),
        ("open_mening", "5"),
        ("steun", "3"),
    ];
    let (status, html) = page(&app, "/autonomie-scan/snelle-check?werkwijze=2&sterke_punten=4&taakinvloed=1&open_mening=5&steun=3").await;
    assert_eq!(status, 200);
    assert!(html.contains("action=\"/autonomie-scan/snelle-check/mailen#uitslag-mailen\""));
    assert!(
        html.contains("name=\"werkwijze\" value=\"2\""),
        "answers travel along"
    );
    assert!(
        html.contains("href=\"https://opendata.cbs.nl/statline/#/CBS/nl/dataset/80072ned/table\""),
        "the CBS source is a real link"
    );

    let mut form: Vec<(&str, &str)> = answers.to_vec();
    form.push(("email", "geen adres"));
    form.push(("kompas", "ja"));
    let response = app
        .post_form("/autonomie-scan/snelle-check/mailen", &form)
        .await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(
        html.contains("geldig e-mailadres") || html.contains("e-mailadres"),
        "{html}"
    );
    assert!(html.contains("value=\"geen adres\""), "typed kept");
    assert!(html.contains("id=\"check-kompas\" name=\"kompas\" value=\"ja\" checked"));
    assert!(
        html.contains("Werk aan de winkel") || html.contains("werk aan de winkel"),
        "the result still shown"
    );

    let mut form: Vec<(&str, &str)> = answers.to_vec();
    form.push(("email", "eigenaar@bakkerij.nl"));
    form.push(("kompas", "ja"));
    let response = app
        .post_form("/autonomie-scan/snelle-check/mailen", &form)
        .await;
    assert_eq!(response.status(), 303);
    let to = response.headers()["location"].to_str().unwrap().to_owned();
    assert!(
        to.contains("gemaild=1") && to.contains("werkwijze=2"),
        "{to}"
    );
    let (status, html) = page(&app, &to).await;
    assert_eq!(status, 200);
    assert!(html.contains("onderweg naar je mailbox"));

    let result = common::mailed_text(&app, "eigenaar@bakkerij.nl", "snelle check").await;
    assert!(
        result.contains("/autonomie-scan/snelle-check?werkwijze=2"),
        "{result}"
    );
    // The Kompas: only a confirmation link, nothing subscribed before it is used.
    common::mailed_link(&app, "eigenaar@bakkerij.nl", "/kompas/bevestigen/").await;
    let subscriber = app
        .store
        .subscriber_by_email(
            &hrnexus_core::email::EmailAddress::parse("eigenaar@bakkerij.nl").unwrap(),
        )
        .await
        .unwrap()
        .unwrap();
    assert_eq!(subscriber.state, "pending");
    let consents = app.store.consents(subscriber.id).await.unwrap();
    assert!(
        consents[0].shown_text.contains("Kompas"),
        "the words next to the box are the proof"
    );

    // Without the box: the result only.
    let mut form: Vec<(&str, &str)> = answers.to_vec();
    form.push(("email", "alleen-uitslag@bakkerij.nl"));
    let response = app
        .post_form("/autonomie-scan/snelle-check/mailen", &form)
        .await;
    assert_eq!(response.status(), 303);
    common::mailed_text(&app, "alleen-uitslag@bakkerij.nl", "snelle check").await;
    assert!(
        app.store
            .subscriber_by_email(
                &hrnexus_core::email::EmailAddress::parse("alleen-uitslag@bakkerij.nl").unwrap()
            )
            .await
            .unwrap()
            .is_none()
    );
}

/// The language switch's link on this page (`English` or `Nederlands`), `&amp;` undone.
fn switch_link(html: &str) -> String {
    let at = html
        .find("hreflang=\"en\" lang=\"en\">English")
        .or_else(|| html.find("hreflang=\"nl\" lang=\"nl\">Nederlands"))
        .expect("a language switch");
    let start = html[..at].rfind("href=\"").unwrap() + 6;
    let end = start + html[start..].find('"').unwrap();
    html[start..end].replace("&amp;", "&").replace("&#38;", "&")
}

/// Switching language on a result keeps it: the quick check's answers and a calculated
/// cost travel along, the numbers rewritten the way the other language writes them.
async fn switching_language_keeps_the_result(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (_, html) = page(
        &app,
        "/autonomie-scan/snelle-check?werkwijze=4&sterke_punten=2&taakinvloed=5&open_mening=1&steun=weet_niet",
    )
    .await;
    let link = switch_link(&html);
    assert_eq!(
        link,
        "/en/autonomie-scan/snelle-check?werkwijze=4&sterke_punten=2&taakinvloed=5&open_mening=1&steun=weet_niet"
    );
    let (status, english) = page(&app, &link).await;
    assert_eq!(status, 200);
    assert!(english.contains("lang=\"en\""));
    let digits = |html: &str| -> String {
        part(html, "class=\"index-value\"", "</p>")
            .chars()
            .filter(char::is_ascii_digit)
            .collect()
    };
    assert_eq!(digits(&english), digits(&html), "the same index in English");

    // A calculated cost, in Dutch, becomes the same result in English (40.000 → 40,000).
    let (_, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40.000&verloop_percentage=10&verzuimpercentage=4,5",
    )
    .await;
    let link = switch_link(&html);
    assert!(link.starts_with("/en/autonomie-scan?"), "{link}");
    assert!(link.contains("gemiddeld_jaarsalaris=40%2C000"), "{link}");
    assert!(link.contains("verzuimpercentage=4.5"), "{link}");
    assert!(link.ends_with("#kosten"), "{link}");
    let (_, english) = page(&app, &link).await;
    let dutch_total = part(&html, "cost-total\"", "</div>").to_owned();
    let english_total = part(&english, "cost-total\"", "</div>").to_owned();
    assert!(dutch_total.contains("€\u{a0}"), "{dutch_total}");
    assert_eq!(
        dutch_total
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
        english_total
            .chars()
            .filter(char::is_ascii_digit)
            .collect::<String>(),
        "the same total in both languages"
    );
    // Without a result there is nothing to keep.
    let (_, html) = page(&app, "/autonomie-scan").await;
    assert_eq!(switch_link(&html), "/en/autonomie-scan");
}

/// After calculating, the result comes first, with where to go next.
async fn the_cost_result_comes_first_with_next_steps(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let (_, html) = page(
        &app,
        "/autonomie-scan?medewerkers=20&gemiddeld_jaarsalaris=40000&verloop_percentage=10",
    )
    .await;
    let calculator = part(&html, "id=\"kosten\"", "</section>");
    let result = calculator.find("class=\"cost-result\"").expect("a result");
    let form = calculator.find("<form").expect("the form");
    assert!(result < form, "the result above the form");
    let next = part(calculator, "class=\"cost-next\"", "</p>");
    assert!(next.contains("href=\"/werkgever/login\""), "{next}");
    assert!(next.contains("href=\"/contact#formulier\""), "{next}");
    // The home page's "Doe de snelle check" lands at the check itself.
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("href=\"/autonomie-scan#snelle-check\""));
}

both_backends!(
    switching_language_keeps_the_result,
    the_cost_result_comes_first_with_next_steps,
    the_result_is_mailed_on_request_with_the_kompas_as_a_choice,
    the_page_explains_the_scan_in_both_languages,
    a_missing_answer_is_pointed_out_and_the_others_are_kept,
    the_quick_check_gives_an_instant_result_with_advice,
    the_calculator_computes_and_formats_dutch,
    bad_numbers_are_pointed_out_beside_the_field,
    english_pages_format_english,
);
