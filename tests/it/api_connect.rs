//! The provider network and intakes through the API: public provider fields only, an intake
//! checked like the contact form (every wrong field named) and stored with its confirmation.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::auth;
use serde_json::{Value, json};

async fn with_key(app: &TestApp) -> String {
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key("intake-site", &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    key
}

fn good() -> Value {
    json!({
        "organisation": "Bakkerij Jansen",
        "contact_name": "Anna de Vries",
        "email": "anna@bakkerij-jansen.nl",
        "company_size": "10-49",
        "province": "noord-brabant",
        "sector": "horeca",
        "urgency": "high",
        "question": "Hoe geven we onze teamleiders meer ruimte?",
        "categories": ["coaching_leiderschap"],
        "aspects": ["steun"],
        "consent": true
    })
}

async fn providers_and_intakes_through_the_api(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    hrnexus::demo::fill(&app.store).await.unwrap();
    let key = with_key(&app).await;
    let client = &app.client;

    let anonymous = client
        .get(app.url("/api/v1/providers"))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), 401);
    let providers: Value = client
        .get(app.url("/api/v1/providers"))
        .bearer_auth(&key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let list = providers.as_array().unwrap();
    assert!(list.len() >= 12);
    assert!(list[0]["slug"].is_string() && list[0]["categories"].is_array());
    let text = providers.to_string();
    assert!(
        !text.contains("contact_email") && !text.contains("@"),
        "no contact addresses"
    );

    let before = app.store.intakes(None, 100).await.unwrap().len();
    let created = client
        .post(app.url("/api/v1/intakes"))
        .bearer_auth(&key)
        .json(&good())
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let body: Value = created.json().await.unwrap();
    assert_eq!(body["status"], "new");
    let id = body["id"].as_i64().unwrap();
    let intake = app.store.intake_by_id(id).await.unwrap().unwrap();
    assert_eq!(
        (
            intake.aspects.as_str(),
            intake.sector.as_str(),
            intake.urgency.as_str()
        ),
        ("steun", "horeca", "high")
    );

    // Every wrong field named; nothing stored.
    let mut bad = good();
    bad["email"] = json!("anna@");
    bad["company_size"] = json!("7");
    bad["consent"] = json!(false);
    let refused = client
        .post(app.url("/api/v1/intakes"))
        .bearer_auth(&key)
        .json(&bad)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["error"], "invalid");
    for field in ["email", "company_size", "consent"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    assert_eq!(
        app.store.intakes(None, 100).await.unwrap().len(),
        before + 1
    );
}

both_backends!(providers_and_intakes_through_the_api);
