//! The API keeps its documented contract: every rejection, also those before a handler runs,
//! has the one error shape and a documented status, and the OpenAPI document says what the
//! API accepts (issue 11, item 11). The schema-based fuzz run is `.ci/api-fuzz.sh`.

use crate::{both_backends, common};

use common::{Db, TestApp};
use hrnexus::auth;
use serde_json::{Value, json};

async fn with_key(app: &TestApp) -> String {
    let (key, prefix, hash) = auth::new_api_key();
    app.store
        .create_api_key("contract", &prefix, &hash, "beheer@hrnexus.nl")
        .await
        .unwrap();
    key
}

fn in_days(days: i64) -> String {
    (hrnexus::i18n::today() + chrono::Duration::days(days)).to_string()
}

/// Status, body as JSON (Null when it is not JSON) and the `Allow` header.
async fn send(request: reqwest::RequestBuilder) -> (u16, Value, Option<String>) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    let allow = response
        .headers()
        .get("allow")
        .map(|v| v.to_str().unwrap().to_owned());
    let text = response.text().await.unwrap();
    (
        status,
        serde_json::from_str(&text).unwrap_or(Value::Null),
        allow,
    )
}

/// The documented error shape: `error` and `message` strings, `fields` an object of strings.
fn assert_error_shape(body: &Value, status: u16, code: &str) {
    assert_eq!(body["error"], code, "{status}: {body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    let allowed = ["error", "message", "fields"];
    for key in body.as_object().unwrap().keys() {
        assert!(
            allowed.contains(&key.as_str()),
            "unexpected {key} in {body}"
        );
    }
    if let Some(fields) = body.get("fields") {
        assert!(
            fields.as_object().unwrap().values().all(Value::is_string),
            "{body}"
        );
    }
}

fn scan_body() -> Value {
    json!({
        "organisation": "Bakkerij Jansen", "team": "Winkel", "closes_on": in_days(7),
        "invite": "personal", "count": 2
    })
}

async fn rejections_before_the_handler_have_the_error_shape(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app).await;
    let post = |path: &str| app.client.post(app.url(path)).bearer_auth(&key);

    // No JSON content type: 415.
    let (status, body, _) = send(post("/api/v1/scans").body(scan_body().to_string())).await;
    assert_eq!(status, 415);
    assert_error_shape(&body, status, "unsupported_media_type");
    let (status, body, _) = send(
        post("/api/v1/scans")
            .header("content-type", "text/plain")
            .body(scan_body().to_string()),
    )
    .await;
    assert_eq!(status, 415);
    assert_error_shape(&body, status, "unsupported_media_type");

    // Malformed JSON, and trailing text after a valid value: 400.
    for text in ["{nope", "", "{} {}"] {
        let (status, body, _) = send(
            post("/api/v1/scans")
                .header("content-type", "application/json")
                .body(text),
        )
        .await;
        assert_eq!(status, 400, "{text:?}");
        assert_error_shape(&body, status, "malformed_json");
    }

    // Wrong type, missing field, not an object: 422 naming the field.
    let mut wrong_type = scan_body();
    wrong_type["count"] = json!("twee");
    let mut missing = scan_body();
    missing.as_object_mut().unwrap().remove("team");
    for (body, field) in [
        (wrong_type, "count"),
        (missing, "team"),
        (json!([1, 2]), "body"),
        (json!({ "count": 1, "department_id": "x" }), "department_id"),
    ] {
        let path = if body.get("department_id").is_some() {
            "/api/v1/scans/1/invites"
        } else {
            "/api/v1/scans"
        };
        // The body's shape is checked before the scan is looked up.
        let (status, answer, _) = send(post(path).json(&body)).await;
        assert_eq!(status, 422, "{body}: {answer}");
        assert_error_shape(&answer, status, "invalid");
        assert!(answer["fields"][field].is_string(), "{field}: {answer}");
    }

    // Over the body limit (64 kB by default): 413, declared length or not.
    // The server answers before the body is in and closes; when the client is still sending,
    // the reset can overtake the answer (more often on a loaded machine), so a try that got
    // no answer at all is repeated. Every answer that arrives must be the 413.
    let big = json!({ "organisation": "x".repeat(70_000) }).to_string();
    let mut answer = None;
    for _ in 0..5 {
        let request = post("/api/v1/scans")
            .header("content-type", "application/json")
            .body(big.clone());
        if let Ok(response) = request.send().await {
            let status = response.status().as_u16();
            let text = response.text().await.unwrap_or_default();
            answer = Some((status, serde_json::from_str(&text).unwrap_or(Value::Null)));
            break;
        }
    }
    let (status, body) = answer.expect("an answer to the oversized body");
    assert_eq!(status, 413);
    assert_error_shape(&body, status, "payload_too_large");
    let mut answer = None;
    for _ in 0..5 {
        answer = chunked_post(&app, &key, "/api/v1/scans", big.as_bytes()).await;
        if answer.is_some() {
            break;
        }
    }
    let (status, body) = answer.expect("an answer to the oversized chunked body");
    assert_eq!(status, 413);
    assert_error_shape(&body, status, "payload_too_large");

    // Ids that cannot exist: 404, as an unknown id.
    for id in ["abc", "0", "-1", "99999999999999999999", "1.5"] {
        let (status, body, _) = send(
            app.client
                .get(app.url(&format!("/api/v1/scans/{id}")))
                .bearer_auth(&key),
        )
        .await;
        assert_eq!(status, 404, "{id}");
        assert_error_shape(&body, status, "not_found");
    }

    // A round that is not a number: 422 naming `round`.
    let (status, created, _) = send(post("/api/v1/scans").json(&scan_body())).await;
    assert_eq!(status, 201, "{created}");
    let id = created["scan"]["id"].as_i64().unwrap();
    for round in ["abc", "0", "99999999999"] {
        let (status, body, _) = send(
            app.client
                .get(app.url(&format!("/api/v1/scans/{id}/results?round={round}")))
                .bearer_auth(&key),
        )
        .await;
        assert_eq!(status, 422, "{round}");
        assert_error_shape(&body, status, "invalid");
        assert!(body["fields"]["round"].is_string());
    }

    // Unknown paths and methods; no key.
    let (status, body, _) = send(app.client.get(app.url("/api/v1/nope")).bearer_auth(&key)).await;
    assert_eq!(status, 404);
    assert_error_shape(&body, status, "not_found");
    let (status, body, allow) = send(
        app.client
            .delete(app.url("/api/v1/scans"))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(status, 405);
    assert_error_shape(&body, status, "method_not_allowed");
    assert!(allow.is_some_and(|a| a.contains("GET")), "Allow is kept");
    let (status, body, _) = send(app.client.get(app.url("/api/v1/scans"))).await;
    assert_eq!(status, 401);
    assert_error_shape(&body, status, "unauthorized");
}

/// A POST with a chunked body (no Content-Length), over a raw connection.
/// `None` when the connection was reset before any answer arrived.
async fn chunked_post(app: &TestApp, key: &str, path: &str, body: &[u8]) -> Option<(u16, Value)> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let address = app.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nAuthorization: Bearer {key}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    for chunk in body.chunks(8192) {
        let framed = [format!("{:x}\r\n", chunk.len()).as_bytes(), chunk, b"\r\n"].concat();
        // The server may answer and close before everything is sent.
        if stream.write_all(&framed).await.is_err() {
            break;
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut response = Vec::new();
    let _ = stream.read_to_end(&mut response).await;
    let text = String::from_utf8_lossy(&response);
    let status = text.get(9..12)?.parse().unwrap();
    let (headers, rest) = text.split_once("\r\n\r\n")?;
    // The answer itself may be chunked: take the JSON object out of it.
    let json = if headers
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        let start = rest.find('{').unwrap_or(0);
        let end = rest.rfind('}').map_or(rest.len(), |e| e + 1);
        &rest[start..end]
    } else {
        rest
    };
    Some((status, serde_json::from_str(json).unwrap_or(Value::Null)))
}

async fn whole_numbers_written_with_a_fraction_are_integers(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app).await;
    let mut body = scan_body();
    body["count"] = json!(3.0);
    let (status, created, _) = send(
        app.client
            .post(app.url("/api/v1/scans"))
            .bearer_auth(&key)
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    assert_eq!(created["links"].as_array().unwrap().len(), 3);
    let id = created["scan"]["id"].as_i64().unwrap();

    let invites = |body: Value| {
        app.client
            .post(app.url(&format!("/api/v1/scans/{id}/invites")))
            .bearer_auth(&key)
            .json(&body)
    };
    // 451.0 is a valid integer by the schema: accepted.
    let (status, more, _) = send(invites(json!({ "count": 451.0 }))).await;
    assert_eq!(status, 201, "{more}");
    assert_eq!(more["links"].as_array().unwrap().len(), 451);
    // Not whole, or out of range: 422 naming the field, never a 500.
    for count in [json!(2.5), json!(-1), json!(1e20), json!(2001)] {
        let (status, answer, _) = send(invites(json!({ "count": count }))).await;
        assert_eq!(status, 422, "{count}: {answer}");
        assert!(answer["fields"]["count"].is_string(), "{answer}");
    }
}

async fn control_characters_are_refused_not_stored(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app).await;
    for (field, value) in [
        ("organisation", json!("Bakkerij\u{0}Jansen")),
        ("team", json!("Win\u{7}kel")),
        ("departments", json!(["Oven", "Bezorging\nWinkel"])),
    ] {
        let mut body = scan_body();
        body[field] = value;
        let (status, answer, _) = send(
            app.client
                .post(app.url("/api/v1/scans"))
                .bearer_auth(&key)
                .json(&body),
        )
        .await;
        assert_eq!(status, 422, "{field}: {answer}");
        assert!(answer["fields"][field].is_string(), "{answer}");
    }
}

/// Results with figures (which the fuzzer cannot reach: it answers no scans) match the
/// documented `Results` schema.
async fn results_with_figures_match_the_document(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = with_key(&app).await;
    let mut body = scan_body();
    body["count"] = json!(9);
    body["departments"] = json!(["Oven", "Winkel"]);
    let (status, created, _) = send(
        app.client
            .post(app.url("/api/v1/scans"))
            .bearer_auth(&key)
            .json(&body),
    )
    .await;
    assert_eq!(status, 201, "{created}");
    let id = created["scan"]["id"].as_i64().unwrap();
    let oven = created["scan"]["departments"][0]["id"].as_i64().unwrap();
    for (i, link) in created["links"].as_array().unwrap().iter().enumerate() {
        let path = link.as_str().unwrap().split_once("://").unwrap().1;
        let path = &path[path.find('/').unwrap()..];
        let form = [
            ("werkwijze", "1".to_owned()),
            ("sterke_punten", "2".to_owned()),
            ("taakinvloed", "1".to_owned()),
            ("open_mening", "5".to_owned()),
            ("steun", "weet_niet".to_owned()),
            ("afdeling", oven.to_string()),
            ("opmerking", format!("Opmerking {i}")),
        ];
        let response = app
            .client
            .post(app.url(path))
            .header("sec-fetch-site", "same-origin")
            .form(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 303);
    }
    // While the round is open: the documented 409 with the error shape.
    let (status, pending, _) = send(
        app.client
            .get(app.url(&format!("/api/v1/scans/{id}/results")))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(
        (status, pending["error"].as_str()),
        (409, Some("not_released"))
    );
    let round = app.store.rounds(id).await.unwrap()[0].id;
    app.store
        .close_round(round, hrnexus::storage::now())
        .await
        .unwrap();
    let (status, results, _) = send(
        app.client
            .get(app.url(&format!("/api/v1/scans/{id}/results")))
            .bearer_auth(&key),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(results["groups"][0]["visible"], true, "{results}");
    assert!(results["groups"][0]["comments"].is_array(), "{results}");
    assert!(
        !results["werk_aan_de_winkel"].as_array().unwrap().is_empty(),
        "{results}"
    );
    let doc = serde_json::to_value(hrnexus::web::api::openapi()).unwrap();
    let schema = json!({ "$ref": "#/components/schemas/Results" });
    conforms(&doc, &schema, &results, "results");
}

/// Enough of JSON Schema for this document: `$ref`, `oneOf`, `type`, `required`,
/// `properties`, `items`, `enum`, `minimum`/`maximum`.
fn conforms(doc: &Value, schema: &Value, value: &Value, at: &str) {
    if let Some(reference) = schema["$ref"].as_str() {
        let name = reference.rsplit('/').next().unwrap();
        return conforms(doc, &doc["components"]["schemas"][name], value, at);
    }
    if let Some(options) = schema["oneOf"].as_array() {
        let fits =
            |option: &Value| std::panic::catch_unwind(|| conforms(doc, option, value, at)).is_ok();
        assert!(
            options.iter().filter(|o| fits(o)).count() == 1,
            "{at}: oneOf {value}"
        );
        return;
    }
    let types: Vec<&str> = match &schema["type"] {
        Value::String(t) => vec![t.as_str()],
        Value::Array(ts) => ts.iter().filter_map(Value::as_str).collect(),
        _ => vec![],
    };
    let kind = match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    };
    assert!(
        types.is_empty()
            || types.contains(&kind)
            || (kind == "integer" && types.contains(&"number")),
        "{at}: {kind} is not {types:?}"
    );
    if let Some(allowed) = schema["enum"].as_array() {
        assert!(allowed.contains(value), "{at}: {value} not in {allowed:?}");
    }
    if let (Some(n), Some(min)) = (value.as_f64(), schema["minimum"].as_f64()) {
        assert!(n >= min, "{at}: {n} < {min}");
    }
    if let (Some(n), Some(max)) = (value.as_f64(), schema["maximum"].as_f64()) {
        assert!(n <= max, "{at}: {n} > {max}");
    }
    if let Value::Object(object) = value {
        for name in schema["required"].as_array().into_iter().flatten() {
            assert!(
                object.contains_key(name.as_str().unwrap()),
                "{at}: no {name}"
            );
        }
        if let Some(properties) = schema["properties"].as_object() {
            for (name, field) in object {
                let property = properties
                    .get(name)
                    .unwrap_or_else(|| panic!("{at}.{name} is not documented"));
                conforms(doc, property, field, &format!("{at}.{name}"));
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            conforms(doc, item_schema, item, &format!("{at}[{i}]"));
        }
    }
}

both_backends!(
    rejections_before_the_handler_have_the_error_shape,
    results_with_figures_match_the_document,
    whole_numbers_written_with_a_fraction_are_integers,
    control_characters_are_refused_not_stored
);

// ---------------------------------------------------------------------------------------
// The document

fn operations(doc: &Value) -> Vec<(String, String, &Value)> {
    let mut found = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            found.push((path.clone(), method.clone(), operation));
        }
    }
    found
}

fn schema<'a>(doc: &'a Value, name: &str) -> &'a Value {
    &doc["components"]["schemas"][name]
}

#[test]
fn every_response_is_described_and_every_status_documented() {
    let doc = serde_json::to_value(hrnexus::web::api::openapi()).unwrap();
    let operations = operations(&doc);
    assert!(operations.len() >= 7);
    for (path, method, operation) in &operations {
        let responses = operation["responses"].as_object().unwrap();
        for (status, response) in responses {
            assert!(
                response["description"]
                    .as_str()
                    .is_some_and(|d| !d.is_empty()),
                "{method} {path} {status} has no description"
            );
        }
        let has = |status: &str| responses.contains_key(status);
        if operation.get("security").is_some() {
            assert!(has("401"), "{method} {path}: 401");
        }
        if path.contains("{id}") {
            assert!(has("404"), "{method} {path}: 404");
            let id = &operation["parameters"][0];
            assert_eq!(id["name"], "id");
            assert_eq!(id["schema"]["minimum"], 1, "{method} {path}");
        }
        if operation.get("requestBody").is_some() {
            for status in ["400", "413", "415", "422"] {
                assert!(has(status), "{method} {path}: {status}");
            }
        }
    }
}

#[test]
fn the_document_says_what_the_api_accepts_and_links_a_new_scan() {
    let doc = serde_json::to_value(hrnexus::web::api::openapi()).unwrap();
    let new_scan = &schema(&doc, "NewScanRequest")["properties"];
    assert_eq!(new_scan["closes_on"]["format"], "date");
    assert_eq!(new_scan["organisation"]["maxLength"], 120);
    assert_eq!(new_scan["organisation"]["minLength"], 1);
    assert_eq!(new_scan["departments"]["maxItems"], 30);
    assert_eq!(
        new_scan["departments"]["items"]["$ref"],
        "#/components/schemas/DepartmentName"
    );
    assert_eq!(schema(&doc, "DepartmentName")["maxLength"], 80);
    assert_eq!(new_scan["count"]["maximum"], 2000);
    assert_eq!(
        schema(&doc, "InviteRequest")["properties"]["count"]["minimum"],
        1
    );
    assert_eq!(schema(&doc, "Lang")["enum"], json!(["nl", "en"]));
    assert_eq!(
        schema(&doc, "Invite")["enum"],
        json!(["personal", "shared"])
    );
    assert_eq!(
        schema(&doc, "RoundStatus")["properties"]["closes_on"]["format"],
        "date"
    );

    let results = &doc["paths"]["/api/v1/scans/{id}/results"]["get"]["responses"];
    assert_eq!(
        results["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Results"
    );
    assert!(
        results["409"]["description"]
            .as_str()
            .unwrap()
            .contains("not_released"),
        "a round's results may be withheld until it closes"
    );
    let round = doc["paths"]["/api/v1/scans/{id}/results"]["get"]["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "round")
        .unwrap();
    assert_eq!(round["in"], "query");
    assert_ne!(round["required"], true);
    assert_eq!(round["schema"]["minimum"], 1);

    let links = &doc["paths"]["/api/v1/scans"]["post"]["responses"]["201"]["links"];
    let ids: Vec<&str> = operations(&doc)
        .iter()
        .filter_map(|(_, _, op)| op["operationId"].as_str())
        .collect();
    for name in ["getScan", "createInvites", "getResults"] {
        let link = &links[name];
        assert!(
            ids.contains(&link["operationId"].as_str().unwrap()),
            "{link}"
        );
        assert_eq!(link["parameters"]["id"], "$response.body#/scan/id");
    }
}

/// `hrnexus create-api-key` prints a key (and nothing else) that the API accepts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_creates_a_working_api_key() {
    let app = common::spawn(Db::Sqlite).await.unwrap();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_hrnexus"))
        .current_dir(app.dir.path())
        .env_remove("HRNEXUS_DATABASE_URL")
        .args(["create-api-key", "--name", "HR-systeem", "--data-dir"])
        .arg(app.dir.path())
        .output()
        .unwrap();
    assert!(output.status.success(), "{output:?}");
    let key = String::from_utf8(output.stdout).unwrap().trim().to_owned();
    let (status, me, _) = send(app.client.get(app.url("/api/v1/me")).bearer_auth(&key)).await;
    assert_eq!(status, 200);
    assert_eq!(me["name"], "HR-systeem");

    let refused = std::process::Command::new(env!("CARGO_BIN_EXE_hrnexus"))
        .current_dir(app.dir.path())
        .args(["create-api-key", "--name", " ", "--data-dir"])
        .arg(app.dir.path())
        .output()
        .unwrap();
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("--name"));
}
