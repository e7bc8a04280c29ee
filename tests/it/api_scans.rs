//! The scan API: the same checks, links and anonymity rules as the employer's pages.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::{auth, storage::now};
use serde_json::{Value, json};

async fn with_key(app: &TestApp, name: &str) -> String {
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key(name, &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    key
}

async fn call(
    app: &TestApp,
    key: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app.client.request(method, app.url(path)).bearer_auth(key);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn in_days(days: i64) -> String {
    (hrnexus::i18n::today() + chrono::Duration::days(days)).to_string()
}

/// Answers the scan through the employee form, as a phone would.
async fn answer(app: &TestApp, link: &str, department: Option<i64>, score: &str) {
    let path = link.split_once("://").unwrap().1.split_once('/').unwrap().1;
    let mut form = vec![
        ("werkwijze", score.to_owned()),
        ("sterke_punten", score.to_owned()),
        ("taakinvloed", "2".to_owned()),
        ("open_mening", score.to_owned()),
        ("steun", "weet_niet".to_owned()),
    ];
    if let Some(department) = department {
        form.push(("afdeling", department.to_string()));
    }
    let response = app
        .client
        .post(app.url(&format!("/{path}")))
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303, "answer stored");
}

async fn create_check_invite_and_read_results(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app, "HR-systeem").await;

    let (status, body) = call(&app, &key, reqwest::Method::POST, "/api/v1/scans", Some(json!({
        "organisation": "", "team": "Winkel", "closes_on": "gisteren", "invite": "personal", "count": 0
    }))).await;
    assert_eq!(status, 422);
    assert_eq!(body["error"], "invalid");
    for field in ["organisation", "closes_on", "count"] {
        assert!(body["fields"][field].is_string(), "{field}: {body}");
    }
    assert!(
        call(&app, &key, reqwest::Method::GET, "/api/v1/scans", None)
            .await
            .1
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing stored"
    );

    let (status, body) = call(&app, &key, reqwest::Method::POST, "/api/v1/scans", Some(json!({
        "organisation": "Bakkerij Jansen", "team": "Alle medewerkers", "departments": ["Winkel", "Bezorging"],
        "closes_on": in_days(14), "invite": "personal", "count": 6
    }))).await;
    assert_eq!(status, 201, "{body}");
    let links: Vec<String> = body["links"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(links.len(), 6);
    assert!(links.iter().all(|l| l.contains("/scan/")));
    let id = body["scan"]["id"].as_i64().unwrap();
    let departments: Vec<i64> = body["scan"]["departments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_i64().unwrap())
        .collect();
    assert_eq!(body["scan"]["rounds"][0]["invited"], 6);

    // Another key sees nothing of it.
    let other = with_key(&app, "Ander systeem").await;
    assert_eq!(
        call(
            &app,
            &other,
            reqwest::Method::GET,
            &format!("/api/v1/scans/{id}"),
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(
            &app,
            &other,
            reqwest::Method::GET,
            &format!("/api/v1/scans/{id}/results"),
            None
        )
        .await
        .0,
        404
    );

    // While the round is open: no figures at all, whatever the count; progress is in the status.
    for link in &links[..4] {
        answer(&app, link, Some(departments[0]), "4").await;
    }
    let (status, results) = call(
        &app,
        &key,
        reqwest::Method::GET,
        &format!("/api/v1/scans/{id}/results"),
        None,
    )
    .await;
    assert_eq!(
        (status, results["error"].as_str()),
        (409, Some("not_released"))
    );
    assert!(results.get("groups").is_none() && results.get("responses").is_none());

    // Six responses: 5 in Winkel, 1 in Bezorging.
    answer(&app, &links[4], Some(departments[0]), "2").await;
    answer(&app, &links[5], Some(departments[1]), "1").await;
    let (_, status_body) = call(
        &app,
        &key,
        reqwest::Method::GET,
        &format!("/api/v1/scans/{id}"),
        None,
    )
    .await;
    assert_eq!(status_body["rounds"][0]["responses"], 6);

    // More links for the open round; none once it is closed.
    let (status, more) = call(
        &app,
        &key,
        reqwest::Method::POST,
        &format!("/api/v1/scans/{id}/invites"),
        Some(json!({ "count": 2, "department_id": departments[1] })),
    )
    .await;
    assert_eq!(status, 201);
    assert_eq!(more["links"].as_array().unwrap().len(), 2);
    let (status, _) = call(
        &app,
        &key,
        reqwest::Method::POST,
        &format!("/api/v1/scans/{id}/invites"),
        Some(json!({ "count": 2, "department_id": 999_999 })),
    )
    .await;
    assert_eq!(status, 422);
    let round = app.store.rounds(id).await.unwrap()[0].id;
    app.store.close_round(round, now()).await.unwrap();
    let (status, body) = call(
        &app,
        &key,
        reqwest::Method::POST,
        &format!("/api/v1/scans/{id}/invites"),
        Some(json!({ "count": 1 })),
    )
    .await;
    assert_eq!(
        (status, body["error"].as_str()),
        (409, Some("round_closed"))
    );

    // Closed: the scan is visible; Bezorging is hidden, and so is Winkel, or the total minus
    // Winkel would give Bezorging away.
    let (status, results) = call(
        &app,
        &key,
        reqwest::Method::GET,
        &format!("/api/v1/scans/{id}/results"),
        None,
    )
    .await;
    assert_eq!(status, 200);
    let groups = results["groups"].as_array().unwrap();
    assert_eq!(groups[0]["group"], "scan");
    assert_eq!(groups[0]["visible"], true);
    assert_eq!(groups[0]["responses"], 6);
    assert_eq!(groups[0]["aspects"]["werkwijze"]["answered"], 6);
    assert!(
        groups[1..].iter().all(|g| g["visible"] == false),
        "{groups:?}"
    );
    for group in &groups[1..] {
        assert!(group.get("aspects").is_none() && group.get("responses").is_none());
    }
}

async fn shared_link_scans_and_bad_requests(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app, "HR-systeem").await;
    let (status, body) = call(&app, &key, reqwest::Method::POST, "/api/v1/scans", Some(json!({
        "organisation": "Zorg BV", "team": "Team Oost", "closes_on": in_days(10), "lang": "en", "invite": "shared"
    }))).await;
    assert_eq!(status, 201);
    let shared = body["shared_link"].as_str().unwrap();
    assert!(
        shared.contains("/en/scan/"),
        "English scans get English links: {shared}"
    );
    assert!(body["links"].as_array().unwrap().is_empty());
    // Malformed JSON is a 400 with the error shape, unknown ids a 404: never 500.
    let response = app
        .client
        .post(app.url("/api/v1/scans"))
        .bearer_auth(&key)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let error: Value = response.json().await.unwrap();
    assert_eq!(error["error"], "malformed_json", "{error}");
    assert_eq!(
        call(&app, &key, reqwest::Method::GET, "/api/v1/scans/abc", None)
            .await
            .0,
        404
    );
    assert_eq!(
        call(
            &app,
            &key,
            reqwest::Method::GET,
            "/api/v1/scans/424242/results",
            None
        )
        .await
        .0,
        404
    );
    assert_eq!(
        call(
            &app,
            "hrx_fout",
            reqwest::Method::GET,
            "/api/v1/scans",
            None
        )
        .await
        .0,
        401
    );
}

both_backends!(
    create_check_invite_and_read_results,
    shared_link_scans_and_bad_requests
);
