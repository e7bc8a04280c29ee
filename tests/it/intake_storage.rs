//! The intake area's storage contract for contact-page intakes, on both backends.

use crate::{both_backends, common};

use common::Db;
use hrnexus::storage::OutgoingMail;
use hrnexus_core::intake::{IntakeInput, IntakeRequest, IntakeStatus};

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
            "nl",
            &confirmation("anna@bakkerij.nl"),
        )
        .await
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
        .create_intake(&request("a@x.nl", "", &[]), "en", &confirmation("a@x.nl"))
        .await
        .unwrap();
    let second = store
        .create_intake(&request("b@x.nl", "", &[]), "nl", &confirmation("b@x.nl"))
        .await
        .unwrap();
    let listed: Vec<i64> = store
        .intakes(10)
        .await
        .unwrap()
        .iter()
        .map(|i| i.id)
        .collect();
    assert_eq!(listed, [second, first]);
    assert_eq!(store.intakes(1).await.unwrap().len(), 1);
    let empty = store.intake_by_id(first).await.unwrap().unwrap();
    assert_eq!(
        (empty.categories.as_str(), empty.phone.as_deref()),
        ("", None)
    );
    assert_eq!(empty.category_keys().count(), 0);

    assert_eq!(store.count_intakes(IntakeStatus::New).await.unwrap(), 2);
    assert!(
        store
            .set_intake_status(first, IntakeStatus::InProgress)
            .await
            .unwrap()
    );
    assert!(
        !store
            .set_intake_status(first + second + 100, IntakeStatus::Closed)
            .await
            .unwrap()
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

both_backends!(
    an_intake_is_stored_with_its_confirmation,
    intakes_are_listed_counted_and_moved_along,
);
