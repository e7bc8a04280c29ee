//! The intake area's storage contract for contact-page intakes, on both backends.

use crate::{both_backends, common};

use common::Db;
use hrnexus::storage::{
    ActorRef, ChangeOutcome, IntakeChange, IntakeEffect, IntakeExtras, NewProvider, OutgoingMail,
    RetentionCutoffs,
};
use hrnexus_core::intake::{IntakeInput, IntakeRequest, IntakeStatus};
use hrnexus_core::provider::{
    Availability, CompanySize, KvkNumber, Province, ServiceCategory, Slug,
};

fn request(email: &str, phone: &str, categories: &[String]) -> IntakeRequest {
    IntakeRequest::parse(IntakeInput {
        organisation: "Bakkerij Jansen",
        contact_name: "Anna de Vries",
        email,
        phone,
        kvk: "",
        company_size: "2-9",
        province: "zeeland",
        question: "Hoe geven we ons team meer ruimte?\nEn hoe houden we het vol?",
        categories,
        sector: "",
        urgency: "",
        consent: "ja",
        provider: "",
    })
    .unwrap()
}

fn confirmation(to: &str) -> OutgoingMail {
    OutgoingMail {
        recipient: to.into(),
        subject: "We hebben je vraag ontvangen".into(),
        text_body: "Bedankt".into(),
        html_body: None,
        headers: vec![],
        carries_secret: false,
    }
}

async fn an_intake_is_stored_with_its_confirmation(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let categories = vec!["teamontwikkeling".to_string(), "hr_advies".to_string()];
    let before = hrnexus::storage::now();
    let id = store
        .create_intake(
            &request("anna@bakkerij.nl", "0612345678", &categories),
            &IntakeExtras::default(),
            "nl",
            &confirmation("anna@bakkerij.nl"),
        )
        .await
        .unwrap()
        .unwrap();
    let intake = store.intake_by_id(id).await.unwrap().unwrap();
    assert_eq!(intake.status(), Some(IntakeStatus::New));
    assert_eq!(
        (
            intake.lang.as_str(),
            intake.organisation.as_str(),
            intake.contact_name.as_str(),
            intake.email.as_str(),
            intake.phone.as_deref(),
            intake.kvk.as_deref(),
            intake.company_size.as_str(),
            intake.province.as_str(),
            intake.provider_slug.as_deref(),
        ),
        (
            "nl",
            "Bakkerij Jansen",
            "Anna de Vries",
            "anna@bakkerij.nl",
            Some("0612345678"),
            None,
            "2-9",
            "zeeland",
            None
        )
    );
    assert_eq!(
        intake.question,
        "Hoe geven we ons team meer ruimte?\nEn hoe houden we het vol?"
    );
    // The core's order, not the order ticked.
    assert_eq!(
        intake.category_keys().collect::<Vec<_>>(),
        ["teamontwikkeling", "hr_advies"]
    );
    assert!(intake.created_at >= before && intake.consent_at == intake.created_at);

    let mails = store.list_mail(10).await.unwrap();
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].mail, confirmation("anna@bakkerij.nl"));
}

async fn intakes_are_listed_counted_and_moved_along(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let first = store
        .create_intake(
            &request("a@x.nl", "", &[]),
            &IntakeExtras::default(),
            "en",
            &confirmation("a@x.nl"),
        )
        .await
        .unwrap()
        .unwrap();
    let second = store
        .create_intake(
            &request("b@x.nl", "", &[]),
            &IntakeExtras::default(),
            "nl",
            &confirmation("b@x.nl"),
        )
        .await
        .unwrap()
        .unwrap();
    let listed: Vec<i64> = store
        .intakes(None, 10)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(listed, [second, first]);
    assert_eq!(store.intakes(None, 1).await.unwrap().len(), 1);
    let empty = store.intake_by_id(first).await.unwrap().unwrap();
    assert_eq!(
        (empty.categories.as_str(), empty.phone.as_deref()),
        ("", None)
    );
    assert_eq!(empty.category_keys().count(), 0);

    assert_eq!(store.count_intakes(IntakeStatus::New).await.unwrap(), 2);
    let take_up = |id: i64| IntakeChange {
        intake_id: id,
        from: IntakeStatus::New,
        to: IntakeStatus::InProgress,
        actor: ActorRef {
            kind: "staff",
            id: Some(1),
        },
        event: "take_up",
        detail: "",
        effect: IntakeEffect::None,
        at: hrnexus::storage::now(),
    };
    assert_eq!(
        store.change_intake(&take_up(first), &[]).await.unwrap(),
        ChangeOutcome::Done
    );
    // A second instance doing the same finds the status moved: nothing is written twice.
    assert_eq!(
        store.change_intake(&take_up(first), &[]).await.unwrap(),
        ChangeOutcome::Stale
    );
    assert_eq!(
        store
            .change_intake(&take_up(first + second + 100), &[])
            .await
            .unwrap(),
        ChangeOutcome::Stale
    );
    assert_eq!(store.intake_events(first).await.unwrap().len(), 1);
    assert_eq!(
        store
            .intakes(Some(IntakeStatus::InProgress), 10)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(store.count_intakes(IntakeStatus::New).await.unwrap(), 1);
    assert_eq!(
        store.count_intakes(IntakeStatus::InProgress).await.unwrap(),
        1
    );
    assert_eq!(store.count_intakes(IntakeStatus::Closed).await.unwrap(), 0);
    assert_eq!(
        store.intake_by_id(first).await.unwrap().unwrap().status(),
        Some(IntakeStatus::InProgress)
    );
    assert!(
        store
            .intake_by_id(first + second + 100)
            .await
            .unwrap()
            .is_none()
    );
}

fn provider(slug: &str, capacity: i32) -> NewProvider {
    NewProvider {
        slug: Slug::parse(slug).unwrap(),
        organisation: format!("Bureau {slug}"),
        kvk: KvkNumber::parse("12345678").unwrap(),
        description: "Wij helpen mkb-teams.".into(),
        categories: vec![ServiceCategory::CoachingLeiderschap],
        provinces: vec![Province::Zeeland],
        sizes: vec![CompanySize::Micro],
        certifications: vec![],
        languages: vec!["Nederlands".into()],
        capacity,
        availability: Availability::Accepting,
        contact_email: hrnexus_core::email::EmailAddress::parse(&format!("intro@{slug}.nl")).ok(),
    }
}

const STAFF: ActorRef = ActorRef {
    kind: "staff",
    id: Some(1),
};

fn step(
    id: i64,
    from: IntakeStatus,
    to: IntakeStatus,
    effect: IntakeEffect,
) -> IntakeChange<'static> {
    IntakeChange {
        intake_id: id,
        from,
        to,
        actor: STAFF,
        event: "step",
        detail: "",
        effect,
        at: hrnexus::storage::now(),
    }
}

fn propose(id: i64, provider: i64, token: &str, deadline_at: i64) -> IntakeChange<'static> {
    step(
        id,
        IntakeStatus::InProgress,
        IntakeStatus::Proposed,
        IntakeEffect::Propose {
            provider_id: provider,
            score: 20,
            reasons: "category_chosen,province".into(),
            deadline_at,
            answer_token_hash: token.into(),
        },
    )
}

async fn taken_up(store: &hrnexus::storage::DynStorage, email: &str) -> i64 {
    let id = store
        .create_intake(
            &request(email, "", &[]),
            &IntakeExtras::default(),
            "nl",
            &confirmation(email),
        )
        .await
        .unwrap()
        .unwrap();
    let change = step(
        id,
        IntakeStatus::New,
        IntakeStatus::InProgress,
        IntakeEffect::None,
    );
    assert_eq!(
        store.change_intake(&change, &[]).await.unwrap(),
        ChangeOutcome::Done
    );
    id
}

async fn open_places(store: &hrnexus::storage::DynStorage, provider: i64) -> i64 {
    store
        .provider_by_id(provider)
        .await
        .unwrap()
        .unwrap()
        .open_introductions
}

/// Proposals take a provider's places only while it has room, freed again when a proposal
/// ends; each change is recorded once; the mails of a change are queued with it.
async fn introductions_hold_capacity_and_record_every_change(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let provider = store
        .create_provider(&provider("de-koers", 1))
        .await
        .unwrap();
    let a = taken_up(store, "a@x.nl").await;
    let b = taken_up(store, "b@x.nl").await;
    let later = hrnexus::storage::now() + 86_400;
    let mail = confirmation("intro@de-koers.nl");
    assert_eq!(
        store
            .change_intake(
                &propose(a, provider, "hash-a", later),
                std::slice::from_ref(&mail)
            )
            .await
            .unwrap(),
        ChangeOutcome::Done
    );
    assert_eq!(open_places(store, provider).await, 1);
    // Full: nothing is written, not even the event or the mail.
    let mails_before = store.list_mail(100).await.unwrap().len();
    assert_eq!(
        store
            .change_intake(
                &propose(b, provider, "hash-b", later),
                std::slice::from_ref(&mail)
            )
            .await
            .unwrap(),
        ChangeOutcome::NoCapacity
    );
    assert_eq!(store.list_mail(100).await.unwrap().len(), mails_before);
    assert_eq!(
        store.intake_by_id(b).await.unwrap().unwrap().status(),
        Some(IntakeStatus::InProgress)
    );
    assert!(store.introductions_of_intake(b).await.unwrap().is_empty());

    // The provider declines A: its place is free again and B can be proposed.
    let intro_a = store.introductions_of_intake(a).await.unwrap()[0].clone();
    assert_eq!(intro_a.status, "proposed");
    assert_eq!(intro_a.provider_organisation, "Bureau de-koers");
    assert_eq!(
        store
            .introduction_by_answer_token("hash-a")
            .await
            .unwrap()
            .unwrap()
            .id,
        intro_a.id
    );
    let decline = step(
        a,
        IntakeStatus::Proposed,
        IntakeStatus::InProgress,
        IntakeEffect::EndProposal {
            introduction_id: intro_a.id,
            status: "declined",
            reason: Some("no_capacity".into()),
        },
    );
    assert_eq!(
        store.change_intake(&decline, &[]).await.unwrap(),
        ChangeOutcome::Done
    );
    assert_eq!(
        store.change_intake(&decline, &[]).await.unwrap(),
        ChangeOutcome::Stale
    );
    assert_eq!(open_places(store, provider).await, 0);
    assert_eq!(
        store
            .change_intake(&propose(b, provider, "hash-b", later), &[])
            .await
            .unwrap(),
        ChangeOutcome::Done
    );

    // B accepted, then completed: the place is freed and the intake has its closing time.
    let intro_b = store.introductions_of_intake(b).await.unwrap()[0].clone();
    let accept = step(
        b,
        IntakeStatus::Proposed,
        IntakeStatus::Introduced,
        IntakeEffect::Accept {
            introduction_id: intro_b.id,
        },
    );
    assert_eq!(
        store.change_intake(&accept, &[]).await.unwrap(),
        ChangeOutcome::Done
    );
    assert_eq!(open_places(store, provider).await, 1);
    let finish = step(
        b,
        IntakeStatus::Introduced,
        IntakeStatus::Completed,
        IntakeEffect::Finish {
            feedback_token_hash: Some("fb-b".into()),
        },
    );
    assert_eq!(
        store.change_intake(&finish, &[]).await.unwrap(),
        ChangeOutcome::Done
    );
    assert_eq!(open_places(store, provider).await, 0);
    let done = store.intake_by_id(b).await.unwrap().unwrap();
    assert_eq!(done.status(), Some(IntakeStatus::Completed));
    assert!(done.closed_at.is_some());
    assert_eq!(
        store.introductions_of_intake(b).await.unwrap()[0].status,
        "completed"
    );
    let events: Vec<(String, String)> = store
        .intake_events(b)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.from_status, e.to_status))
        .collect();
    assert_eq!(
        events,
        [
            ("new", "in_progress"),
            ("in_progress", "proposed"),
            ("proposed", "introduced"),
            ("introduced", "completed")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );

    assert_eq!(
        store
            .introduction_by_feedback_token("fb-b")
            .await
            .unwrap()
            .unwrap()
            .id,
        intro_b.id
    );
    // Feedback once; tallies count what happened.
    assert!(
        store
            .set_feedback(intro_b.id, 5, Some("Fijn"), hrnexus::storage::now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_feedback(intro_b.id, 1, None, hrnexus::storage::now())
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_feedback(intro_a.id, 4, None, hrnexus::storage::now())
            .await
            .unwrap()
    );
    let tallies = store.provider_tallies().await.unwrap();
    assert_eq!(tallies.len(), 1);
    assert_eq!(
        (
            tallies[0].accepted,
            tallies[0].declined,
            tallies[0].ratings,
            tallies[0].rating_sum
        ),
        (1, 1, 1, 5)
    );

    // A proposal past its deadline is listed for the deadline job.
    let c = taken_up(store, "c@x.nl").await;
    let past = hrnexus::storage::now() - 60;
    assert_eq!(
        store
            .change_intake(&propose(c, provider, "hash-c", past), &[])
            .await
            .unwrap(),
        ChangeOutcome::Done
    );
    let overdue = store
        .overdue_proposals(hrnexus::storage::now())
        .await
        .unwrap();
    assert_eq!(overdue.len(), 1);
    assert_eq!(
        (overdue[0].intake_id, overdue[0].provider_id),
        (c, provider)
    );

    // Retention empties the personal fields of intakes closed before the cutoff.
    let report = store
        .delete_expired_data(&RetentionCutoffs {
            intakes: Some(hrnexus::storage::now() + 10),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(report.intakes, 1);
    let gone = store.intake_by_id(b).await.unwrap().unwrap();
    assert_eq!(
        (
            gone.organisation.as_str(),
            gone.email.as_str(),
            gone.question.as_str()
        ),
        ("", "", "")
    );
    assert!(gone.anonymised_at.is_some());
    assert_eq!(gone.company_size, "2-9", "the statistics stay");
    assert_eq!(
        store.introductions_of_intake(b).await.unwrap()[0].feedback_comment,
        None
    );
    assert_eq!(
        store.intake_by_id(c).await.unwrap().unwrap().organisation,
        "Bakkerij Jansen"
    );
}

/// Two instances proposing at the same moment never overfill a provider.
async fn simultaneous_proposals_never_overfill_a_provider(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = t.store.clone();
    let provider = store.create_provider(&provider("vol", 2)).await.unwrap();
    let mut intakes = Vec::new();
    for i in 0..8 {
        intakes.push(taken_up(&store, &format!("p{i}@x.nl")).await);
    }
    let later = hrnexus::storage::now() + 86_400;
    let tasks: Vec<_> = intakes
        .iter()
        .map(|&id| {
            let store = store.clone();
            tokio::spawn(async move {
                store
                    .change_intake(&propose(id, provider, &format!("hash-{id}"), later), &[])
                    .await
                    .unwrap()
            })
        })
        .collect();
    let mut done = 0;
    for task in tasks {
        if task.await.unwrap() == ChangeOutcome::Done {
            done += 1;
        }
    }
    assert_eq!(done, 2);
    assert_eq!(open_places(&store, provider).await, 2);
}

/// A form submitted twice (same one-time id) stores one intake and one confirmation.
async fn a_double_submit_stores_one_intake(db: Db) {
    let Some(t) = common::store(db).await else {
        return;
    };
    let store = &t.store;
    let extras = IntakeExtras {
        aspects: vec!["steun".into()],
        form_nonce: Some("n1".into()),
    };
    let first = store
        .create_intake(
            &request("a@x.nl", "", &[]),
            &extras,
            "nl",
            &confirmation("a@x.nl"),
        )
        .await
        .unwrap();
    let second = store
        .create_intake(
            &request("a@x.nl", "", &[]),
            &extras,
            "nl",
            &confirmation("a@x.nl"),
        )
        .await
        .unwrap();
    assert!(first.is_some());
    assert_eq!(second, None);
    assert_eq!(store.intakes(None, 10).await.unwrap().len(), 1);
    assert_eq!(store.list_mail(10).await.unwrap().len(), 1);
    assert_eq!(
        store
            .intake_by_id(first.unwrap())
            .await
            .unwrap()
            .unwrap()
            .aspects,
        "steun"
    );
}

both_backends!(
    an_intake_is_stored_with_its_confirmation,
    intakes_are_listed_counted_and_moved_along,
    introductions_hold_capacity_and_record_every_change,
    simultaneous_proposals_never_overfill_a_provider,
    a_double_submit_stores_one_intake,
    help_requests_of_the_previous_schema_become_intakes,
);

/// Help requests stored under the previous schema (version 10) become intakes when the
/// database is migrated forward, keeping the question, the shared totals and who asked;
/// old intakes get the provider network's spelling of the size classes.
async fn help_requests_of_the_previous_schema_become_intakes(db: Db) {
    const PREVIOUS: i64 = 20261130000010;
    let old_rows = "
        INSERT INTO employers (email, created_at) VALUES ('eigenaar@bakkerij.nl', 1700000000);
        INSERT INTO scans (employer_id, organisation, team, lang, min_group, min_comments, comment_seed, created_at)
             VALUES (1, 'Bakkerij Jansen', 'Winkel', 'nl', 5, 8, 7, 1700000000);
        INSERT INTO rounds (scan_id, number, opened_on, closes_on) VALUES (1, 1, '2026-11-01', '2026-11-15');
        INSERT INTO help_requests (scan_id, round_id, employer_id, summary, question, consent_at, created_at)
             VALUES (1, 1, 1, '{\"index\":42}', 'Hoe nu verder?', 1700000100, 1700000100);
        INSERT INTO intakes (created_at, status, lang, organisation, contact_name, email, company_size,
                             province, question, categories, consent_at)
             VALUES (1700000200, 'new', 'nl', 'Groot Bedrijf', 'Piet', 'piet@groot.nl', '250+',
                     'utrecht', 'Vraag', '', 1700000200);";
    let (url, _keep): (String, Box<dyn std::any::Any>) = match db {
        Db::Sqlite => {
            let dir = tempfile::tempdir().unwrap();
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("old.db").display());
            (url, Box::new(dir))
        }
        Db::Postgres => match common::fresh_pg_database().await {
            Some(pg) => (pg.url.clone(), Box::new(pg)),
            None => return,
        },
    };
    let backend = if db == Db::Sqlite {
        "sqlite"
    } else {
        "postgres"
    };
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("crates/storage/migrations")
        .join(backend);
    let migrator = sqlx::migrate::Migrator::new(path).await.unwrap();
    match db {
        Db::Sqlite => {
            use sqlx::Connection;
            let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
            migrator.run_to(PREVIOUS, &mut conn).await.unwrap();
            sqlx::raw_sql(old_rows).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
        Db::Postgres => {
            use sqlx::Connection;
            let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
            migrator.run_to(PREVIOUS, &mut conn).await.unwrap();
            sqlx::raw_sql(old_rows).execute(&mut conn).await.unwrap();
            conn.close().await.unwrap();
        }
    }
    // Opening the store migrates forward.
    let store = hrnexus::storage::connect(&url).await.unwrap();
    let intakes = store.intakes(None, 10).await.unwrap();
    assert_eq!(intakes.len(), 2);
    let from_help = intakes
        .iter()
        .find(|i| i.question == "Hoe nu verder?")
        .unwrap();
    assert_eq!(
        (
            from_help.organisation.as_str(),
            from_help.email.as_str(),
            from_help.status.as_str(),
            from_help.scan_summary.as_deref()
        ),
        (
            "Bakkerij Jansen",
            "eigenaar@bakkerij.nl",
            "new",
            Some("{\"index\":42}")
        )
    );
    let old = intakes
        .iter()
        .find(|i| i.organisation == "Groot Bedrijf")
        .unwrap();
    assert_eq!(old.company_size, "250-plus");
    assert_eq!(
        hrnexus_core::provider::CompanySize::from_key(&old.company_size),
        Some(hrnexus_core::provider::CompanySize::Large)
    );
}
