//! The introduction workflow over HTTP, on both backends: an employer's question reaches
//! staff, staff see the matches with why and propose one, the provider answers through the
//! link in its mail, a decline or a missed deadline moves on to the next match (the deadline
//! job runs with a clock the test controls), both sides are mailed on acceptance, and every
//! step is recorded with who did it.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::{auth, storage::NewProvider};
use hrnexus_core::{
    email::EmailAddress,
    intake::IntakeStatus,
    provider::{Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug},
};

const STAFF: &str = "beheer@hrnexus.nl";
const PASSWORD: &str = "een lang genoeg wachtwoord";
const EMPLOYER: &str = "anna@bakkerij-jansen.nl";

fn provider(slug: &str, organisation: &str) -> NewProvider {
    NewProvider {
        slug: Slug::parse(slug).unwrap(),
        organisation: organisation.into(),
        kvk: KvkNumber::parse("12345678").unwrap(),
        description: "Wij helpen mkb-teams.".into(),
        categories: vec![ServiceCategory::CoachingLeiderschap],
        provinces: vec![Province::Zeeland],
        sizes: vec![CompanySize::Micro],
        certifications: vec![],
        languages: vec!["Nederlands".into()],
        capacity: 1,
        availability: Availability::Accepting,
        contact_email: EmailAddress::parse(&format!("intro@{slug}.nl")).ok(),
    }
}

async fn post(app: &TestApp, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
    app.post_form(path, form).await
}

/// Password and TOTP enrolment: signed in to the back office afterwards.
pub async fn sign_in_staff(app: &TestApp) {
    let email = EmailAddress::parse(STAFF).unwrap();
    app.store
        .create_staff(&email, &auth::hash_password(PASSWORD))
        .await
        .unwrap();
    let response = post(
        app,
        "/beheer/login",
        &[("email", STAFF), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(response.status(), 303);
    let page = app
        .get("/beheer/twee-staps/instellen")
        .await
        .text()
        .await
        .unwrap();
    let start = page
        .find("<code class=\"secret\">")
        .unwrap_or_else(|| panic!("{page}"))
        + 21;
    let secret = &page[start..start + page[start..].find("</code>").unwrap()];
    let code = auth::totp(secret, STAFF)
        .unwrap()
        .generate_current()
        .to_string();
    let response = post(app, "/beheer/twee-staps/instellen", &[("code", &code)]).await;
    assert_eq!(response.headers()["location"], "/beheer");
}

async fn ask(app: &TestApp) -> i64 {
    let stamp =
        hrnexus::web::contact::stamp(&app.running.state.secret, hrnexus::storage::now() - 60);
    let response = post(
        app,
        "/contact",
        &[
            ("organisation", "Bakkerij Jansen"),
            ("contact_name", "Anna de Vries"),
            ("email", EMPLOYER),
            ("phone", "0612345678"),
            ("company_size", "2-9"),
            ("province", "zeeland"),
            ("question", "Onze teamleiders willen meer ruimte geven."),
            ("categories", "coaching_leiderschap"),
            ("aspect", "steun"),
            ("consent", "ja"),
            ("formulier", &stamp),
        ],
    )
    .await;
    assert_eq!(response.status(), 303);
    app.store.intakes(None, 1).await.unwrap()[0].id
}

async fn status(app: &TestApp, id: i64) -> Option<IntakeStatus> {
    app.store.intake_by_id(id).await.unwrap().unwrap().status()
}

async fn step(app: &TestApp, id: i64, step: &str, form: &[(&str, &str)]) -> reqwest::Response {
    post(app, &format!("/beheer/intakes/{id}/{step}"), form).await
}

async fn the_whole_workflow(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let eerste = app
        .store
        .create_provider(&provider("eerste", "Eerste Coaching"))
        .await
        .unwrap();
    let tweede = app
        .store
        .create_provider(&provider("tweede", "Tweede Advies"))
        .await
        .unwrap();
    let id = ask(&app).await;

    // Signed out, the queue is not there for anyone.
    let anonymous = common::client()
        .get(app.url("/beheer/intakes"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 303);

    sign_in_staff(&app).await;
    let queue = app.get("/beheer/intakes?status=new").await;
    assert_eq!(queue.headers()["cache-control"], "no-store");
    assert!(queue.text().await.unwrap().contains("Bakkerij Jansen"));

    // Proposing before taking up is refused with a reason.
    let eerste_id = eerste.to_string();
    let response = step(&app, id, "voorstellen", &[("provider", &eerste_id)]).await;
    assert_eq!(response.status(), 409);
    assert!(response.text().await.unwrap().contains("Die stap kan niet"));
    assert_eq!(step(&app, id, "oppakken", &[]).await.status(), 303);

    // The matches, each with why.
    let page = app
        .get(&format!("/beheer/intakes/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Waarom deze match"));
    assert!(page.contains("Eerste Coaching") && page.contains("Tweede Advies"));
    assert!(page.contains("werkt in Zeeland"), "{page}");
    assert!(page.contains("biedt Coaching"), "{page}");

    // Staff propose the first; its mail holds the answer link, not the employer's address.
    assert_eq!(
        step(&app, id, "voorstellen", &[("provider", &eerste_id)])
            .await
            .status(),
        303
    );
    assert_eq!(status(&app, id).await, Some(IntakeStatus::Proposed));
    let link = common::mailed_link(&app, "intro@eerste.nl", "/portaal/voorstel/").await;
    let proposal = app.get(&link).await;
    assert_eq!(proposal.status(), 200);
    assert_eq!(proposal.headers()["cache-control"], "no-store");
    let proposal = proposal.text().await.unwrap();
    assert!(proposal.contains("Zeeland"), "what kind of help is shown");
    assert!(
        !proposal.contains("Onze teamleiders willen meer ruimte geven."),
        "the question is shown only on acceptance"
    );
    assert!(
        !proposal.contains(EMPLOYER),
        "who asked is told only on acceptance"
    );
    let proposal_mail = common::mailed_text(&app, "intro@eerste.nl", "/portaal/voorstel/").await;
    assert!(
        !proposal_mail.contains("Onze teamleiders"),
        "nor in the proposal mail"
    );

    // Declining needs a reason; then the next match is asked by itself.
    let response = post(&app, &format!("{link}/afwijzen"), &[]).await;
    assert_eq!(response.status(), 422);
    assert!(response.text().await.unwrap().contains("Kies een reden"));
    let response = post(
        &app,
        &format!("{link}/afwijzen"),
        &[("reason", "outside_region")],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert_eq!(status(&app, id).await, Some(IntakeStatus::Proposed));
    let intros = app.store.introductions_of_intake(id).await.unwrap();
    assert_eq!(
        intros
            .iter()
            .map(|i| (i.provider_id, i.status.as_str()))
            .collect::<Vec<_>>(),
        [(eerste, "declined"), (tweede, "proposed")]
    );
    // Staff hear where the request went.
    let moved = common::mailed_text(&app, STAFF, "Tweede Advies").await;
    assert!(moved.contains("volgende match"));
    // The old link now says it was answered and takes no second answer.
    let again = post(&app, &format!("{link}/accepteren"), &[]).await;
    assert_eq!(again.status(), 409);
    assert!(again.text().await.unwrap().contains("afgewezen"));

    // The second never answers: after two working days the deadline job ends the proposal;
    // nobody else fits, so staff are told.
    let deadline = intros[1].deadline_at;
    assert!(
        deadline - intros[1].proposed_at >= 2 * 86_400,
        "two working days"
    );
    let workflow = app.running.state.workflow();
    let none_yet = hrnexus::services::introductions::expire_overdue(
        app.store.as_ref(),
        &workflow,
        deadline - 1,
    )
    .await
    .unwrap();
    assert_eq!(none_yet, 0);
    let expired = hrnexus::services::introductions::expire_overdue(
        app.store.as_ref(),
        &workflow,
        deadline + 1,
    )
    .await
    .unwrap();
    assert_eq!(expired, 1);
    assert_eq!(status(&app, id).await, Some(IntakeStatus::InProgress));
    common::mailed_text(&app, STAFF, "wacht op een keuze").await;

    // A third provider joins; staff propose it and it accepts through its link.
    let derde = app
        .store
        .create_provider(&provider("derde", "Derde Bureau"))
        .await
        .unwrap();
    let derde_id = derde.to_string();
    assert_eq!(
        step(&app, id, "voorstellen", &[("provider", &derde_id)])
            .await
            .status(),
        303
    );
    let link = common::mailed_link(&app, "intro@derde.nl", "/portaal/voorstel/").await;
    assert_eq!(
        post(&app, &format!("{link}/accepteren"), &[])
            .await
            .status(),
        303
    );
    assert_eq!(status(&app, id).await, Some(IntakeStatus::Introduced));
    let to_employer = common::mailed_text(&app, EMPLOYER, "Derde Bureau").await;
    assert!(to_employer.contains("/dienstverleners/derde"));
    let to_provider = common::mailed_text(&app, "intro@derde.nl", EMPLOYER).await;
    assert!(to_provider.contains("0612345678"));
    assert!(to_provider.contains("Onze teamleiders willen meer ruimte geven."));

    // Staff complete it; its place is free again; every step has its actor.
    assert_eq!(step(&app, id, "afronden", &[]).await.status(), 303);
    assert_eq!(status(&app, id).await, Some(IntakeStatus::Completed));
    let derde_now = app.store.provider_by_id(derde).await.unwrap().unwrap();
    assert_eq!(derde_now.open_introductions, 0);
    let events: Vec<(String, String)> = app
        .store
        .intake_events(id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.actor, e.event))
        .collect();
    let expected = [
        ("staff", "take_up"),
        ("staff", "propose"),
        ("provider", "decline"),
        ("system", "propose"),
        ("system", "deadline_passed"),
        ("staff", "propose"),
        ("provider", "accept"),
        ("staff", "complete"),
    ];
    assert_eq!(events, expected.map(|(a, e)| (a.to_owned(), e.to_owned())));
    let page = app
        .get(&format!("/beheer/intakes/{id}"))
        .await
        .text()
        .await
        .unwrap();
    assert!(page.contains("Afgerond"));
    assert!(
        !page.contains("Voorstellen</button>"),
        "a final intake offers no steps"
    );

    // The employer is asked how it went; the rating counts once, in the provider's record.
    let feedback = common::mailed_link(&app, EMPLOYER, "/beoordeling/").await;
    let form = app.get(&feedback).await.text().await.unwrap();
    assert!(form.contains("Derde Bureau"));
    let response = post(&app, &feedback, &[("comment", "Fijn gesprek")]).await;
    assert_eq!(response.status(), 422);
    let html = response.text().await.unwrap();
    assert!(html.contains("id=\"rating-error\"") && html.contains(">Fijn gesprek</textarea>"));
    let response = post(
        &app,
        &feedback,
        &[("rating", "5"), ("comment", "Fijn gesprek")],
    )
    .await;
    assert_eq!(response.status(), 303);
    assert!(
        app.get(&feedback)
            .await
            .text()
            .await
            .unwrap()
            .contains("Dank je wel")
    );
    let tallies = app.store.provider_tallies().await.unwrap();
    let derde_tally = tallies.iter().find(|t| t.provider_id == derde).unwrap();
    assert_eq!((derde_tally.ratings, derde_tally.rating_sum), (1, 5));
    let unknown = format!("/beoordeling/{}", auth::random_token());
    assert_eq!(app.get(&unknown).await.status(), 404);

    // The dashboard draws the workflow: this month's request, acceptance per provider, the
    // median time to an introduction, nothing overdue.
    let dashboard = app.get("/beheer").await.text().await.unwrap();
    assert!(dashboard.contains("Aanvragen per maand"));
    assert!(dashboard.contains("<svg"));
    assert!(
        dashboard.contains("Derde Bureau: 100% (1/1)"),
        "{dashboard}"
    );
    assert!(dashboard.contains("Eerste Coaching: 0% (0/1)"));
    assert!(dashboard.contains("dagen</span> mediane tijd"));

    // A completed intake takes no further step.
    assert_eq!(
        step(&app, id, "sluiten", &[("reason", "other")])
            .await
            .status(),
        409
    );
}

/// Unknown, malformed and foreign ids and links are plain 404 pages, never another
/// party's data or a 500.
async fn odd_ids_and_links_are_not_found(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    sign_in_staff(&app).await;
    for path in [
        "/beheer/intakes/999999",
        "/beheer/intakes/abc",
        "/beheer/intakes/-1",
        "/portaal/voorstel/kort",
        "/portaal/voorstel/..%2F..%2Fbeheer",
    ] {
        assert_eq!(app.get(path).await.status(), 404, "{path}");
    }
    let unknown = format!("/portaal/voorstel/{}", auth::random_token());
    assert_eq!(app.get(&unknown).await.status(), 404);
    assert_eq!(
        post(&app, &format!("{unknown}/accepteren"), &[])
            .await
            .status(),
        404
    );
    assert_eq!(step(&app, 999_999, "oppakken", &[]).await.status(), 404);
    let id = ask(&app).await;
    assert_eq!(step(&app, id, "verzinsel", &[]).await.status(), 404);
    assert_eq!(
        step(&app, id, "voorstellen", &[("provider", "x")])
            .await
            .status(),
        404
    );
    assert_eq!(step(&app, id, "sluiten", &[]).await.status(), 422);
    assert_eq!(status(&app, id).await, Some(IntakeStatus::New));
}

/// With `auto_propose_min_score` set, taking an intake up proposes the best match at once
/// when it scores that high; below it, staff choose.
async fn a_strong_match_is_proposed_when_taken_up(db: Db) {
    let Some(app) = common::spawn_with(db, "[introductions]\nauto_propose_min_score = 20\n").await
    else {
        return;
    };
    let eerste = app
        .store
        .create_provider(&provider("eerste", "Eerste Coaching"))
        .await
        .unwrap();
    sign_in_staff(&app).await;
    let strong = ask(&app).await;
    assert_eq!(step(&app, strong, "oppakken", &[]).await.status(), 303);
    assert_eq!(status(&app, strong).await, Some(IntakeStatus::Proposed));
    let intros = app.store.introductions_of_intake(strong).await.unwrap();
    assert_eq!(intros[0].provider_id, eerste);
    let events = app.store.intake_events(strong).await.unwrap();
    assert_eq!(
        (events[1].actor.as_str(), events[1].event.as_str()),
        ("system", "propose")
    );
    // Eerste is now full (capacity 1): the next intake waits for staff.
    let next = ask(&app).await;
    assert_eq!(step(&app, next, "oppakken", &[]).await.status(), 303);
    assert_eq!(status(&app, next).await, Some(IntakeStatus::InProgress));
}

both_backends!(
    the_whole_workflow,
    odd_ids_and_links_are_not_found,
    a_strong_match_is_proposed_when_taken_up
);
