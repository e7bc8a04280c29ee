//! The branded PDF report (issue 9): from the results page and through the API, only for
//! the scan's owner, 2–4 pages, every aspect under its one name, and never a department the
//! anonymity rules hide. The text is read back with `pdftotext` (Debian's poppler-utils,
//! installed by .ci/run); without it locally, the text checks are skipped with a message.

use crate::{both_backends, common};

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use common::{Db, TestApp};
use hrnexus::{
    auth,
    i18n::Lang,
    storage::{NewScan, OutgoingMail, ScanOwner, Submission, SubmitOutcome, now},
    web::werkgever::{EMPLOYER_KEY, EmployerSession},
};
use hrnexus_core::email::EmailAddress;
use tower_sessions::session::{Id, Record};

/// A signed-in employer: a real employer row and session, and the cookie to send.
struct SignedIn {
    id: i64,
    cookie: String,
    /// Without a cookie store: the session travels only in `cookie`.
    client: reqwest::Client,
}

async fn sign_in(app: &TestApp, email: &str) -> SignedIn {
    let address = EmailAddress::parse(email).unwrap();
    let token_hash = auth::token_hash(&auth::random_token());
    let mail = OutgoingMail {
        recipient: email.to_owned(),
        subject: "login".into(),
        text_body: "login".into(),
        html_body: None,
        headers: vec![],
        carries_secret: true,
    };
    app.store
        .create_login_link(&address, "nl", &token_hash, now() + 600, &mail)
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
        cookie: format!("hrnexus_session={}", record.id),
        client: reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap(),
    }
}

impl SignedIn {
    async fn get(&self, app: &TestApp, path: &str) -> reqwest::Response {
        self.client
            .get(app.url(path))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap()
    }
}

fn today() -> NaiveDate {
    hrnexus::i18n::today()
}

/// A scan with departments, owned by `owner`; returns (scan id, round id, department ids).
async fn create_scan(
    app: &TestApp,
    owner: ScanOwner,
    departments: &[&str],
) -> (i64, i64, Vec<i64>) {
    let id = app
        .store
        .create_scan(&NewScan {
            owner,
            organisation: "Bakkerij De Korf".into(),
            team: "Alle medewerkers".into(),
            lang: "nl".into(),
            min_group: 5,
            min_comments: 8,
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            opened_on: today(),
            closes_on: today() + Duration::days(14),
            shared_token_hash: Some(auth::token_hash(&auth::random_token())),
            invites: Vec::new(),
        })
        .await
        .unwrap();
    let stored = app.store.departments(id).await.unwrap();
    let ids = departments
        .iter()
        .map(|name| stored.iter().find(|d| d.name == *name).unwrap().id)
        .collect();
    let round_id = app.store.rounds(id).await.unwrap().last().unwrap().id;
    (id, round_id, ids)
}

async fn respond_n(
    app: &TestApp,
    round_id: i64,
    department: Option<i64>,
    n: usize,
    answers: [i16; 5],
) {
    for _ in 0..n {
        let outcome = app
            .store
            .submit_response(&Submission {
                round_id,
                marker: auth::token_hash(&auth::random_token()),
                department_id: department,
                answered_on: today(),
                answers,
                signals: [Some(2), Some(4), Some(2)],
                comment: Some("Een opmerking die niet in het rapport hoort".into()),
            })
            .await
            .unwrap();
        assert_eq!(outcome, SubmitOutcome::Stored);
    }
}

/// Productie (7) shows figures; Magazijn Zuid (2) is too small, and then Verkoop (6), the
/// smallest other department, is hidden too so that Magazijn Zuid cannot be derived.
async fn scan_with_a_hidden_department(app: &TestApp, owner: ScanOwner) -> i64 {
    let (id, round_id, departments) =
        create_scan(app, owner, &["Productie", "Verkoop", "Magazijn Zuid"]).await;
    respond_n(app, round_id, Some(departments[0]), 7, [5, 2, 4, 1, 2]).await;
    respond_n(app, round_id, Some(departments[1]), 6, [4, 3, 4, 2, 5]).await;
    respond_n(app, round_id, Some(departments[2]), 2, [1, 1, 1, 1, 1]).await;
    app.store.close_round(round_id, now()).await.unwrap();
    id
}

/// The PDF's text as `pdftotext` reads it (pages end with a form feed), or `None` with a
/// message when the tool is not installed here.
fn pdf_text(pdf: &[u8]) -> Option<String> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rapport.pdf");
    std::fs::write(&path, pdf).unwrap();
    match std::process::Command::new("pdftotext")
        .args(["-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
    {
        Ok(out) => {
            assert!(
                out.status.success(),
                "pdftotext: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8(out.stdout).unwrap())
        }
        Err(err) => {
            eprintln!(
                "SKIPPED the PDF text checks: pdftotext is not installed ({err}); apt-get install poppler-utils"
            );
            None
        }
    }
}

fn aspect_names(lang: Lang) -> Vec<String> {
    [
        "werkwijze",
        "sterke_punten",
        "taakinvloed",
        "open_mening",
        "steun",
    ]
    .iter()
    .map(|a| lang.t(&format!("aspect-{a}")))
    .collect()
}

/// What every report must say, whichever way it was fetched.
fn check_report_text(text: &str, lang: Lang) {
    let pages = text.matches('\u{c}').count();
    assert!((2..=4).contains(&pages), "{pages} pages:\n{text}");
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("Bakkerij De Korf"), "{flat}");
    assert!(flat.contains("Alle medewerkers"), "the scan's name");
    assert!(flat.contains("HRnexus"));
    for name in aspect_names(lang) {
        // Each name on one line, exactly as the `aspect-*` message says.
        assert!(
            text.lines().any(|l| l.contains(&name)),
            "{lang:?}: {name} not in\n{text}"
        );
    }
    assert!(flat.contains("Productie"), "the visible department");
    for hidden in ["Magazijn", "Verkoop"] {
        assert!(
            !flat.contains(hidden),
            "{hidden} is hidden by the anonymity rules:\n{flat}"
        );
    }
    assert!(
        !flat.contains("opmerking die niet"),
        "comments stay out of the report"
    );
    let last = match lang {
        Lang::Nl => format!("Pagina {pages} van {pages}"),
        Lang::En => format!("Page {pages} of {pages}"),
    };
    assert!(flat.contains(&last), "{last} in the footer");
}

async fn the_report_is_a_pdf_for_the_owner_only(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let owner = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let other = sign_in(&app, "ander@concurrent.nl").await;
    let id = scan_with_a_hidden_department(&app, ScanOwner::Employer(owner.id)).await;
    let path = format!("/werkgever/scans/{id}/rapport.pdf");

    let response = owner.get(&app, &path).await;
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(headers["content-type"], "application/pdf");
    assert_eq!(
        headers["content-disposition"],
        format!("attachment; filename=\"autonomie-scan-{id}-ronde-1.pdf\"")
    );
    assert!(
        headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("no-store")
    );
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&pdf) {
        check_report_text(&text, Lang::Nl);
        assert!(text.contains("Prioriteiten"));
    }

    // In English under /en/.
    let english = owner.get(&app, &format!("/en{path}")).await;
    assert_eq!(english.status(), 200);
    assert_eq!(
        english.headers()["content-disposition"],
        format!("attachment; filename=\"autonomie-scan-{id}-round-1.pdf\"")
    );
    if let Some(text) = pdf_text(&english.bytes().await.unwrap()) {
        check_report_text(&text, Lang::En);
        assert!(text.contains("Priorities"));
    }

    // The results page links it, next to the CSV.
    let page = owner
        .get(&app, &format!("/werkgever/scans/{id}/resultaten"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        page.contains(&format!("href=\"{path}\"")),
        "link on the results page"
    );

    // Someone else's scan, unknown rounds and ids: 404; not signed in: to the sign-in page.
    assert_eq!(
        other.get(&app, &path).await.status(),
        404,
        "another employer"
    );
    assert_eq!(other.get(&app, &format!("/en{path}")).await.status(), 404);
    for wrong in [
        format!("{path}?ronde=2"),
        format!("{path}?ronde=een"),
        "/werkgever/scans/999999/rapport.pdf".to_owned(),
        "/werkgever/scans/abc/rapport.pdf".to_owned(),
    ] {
        assert_eq!(owner.get(&app, &wrong).await.status(), 404, "{wrong}");
    }
    assert_eq!(app.get(&path).await.status(), 303);
}

async fn an_open_round_has_no_report(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let owner = sign_in(&app, "eigenaar@bakkerij.nl").await;
    let (id, round_id, _) = create_scan(&app, ScanOwner::Employer(owner.id), &[]).await;
    respond_n(&app, round_id, None, 6, [4, 4, 4, 4, 4]).await;
    let response = owner
        .get(&app, &format!("/werkgever/scans/{id}/rapport.pdf"))
        .await;
    assert_eq!(response.status(), 409);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
}

async fn the_api_gives_the_same_report(db: Db) {
    let Some(app) = common::spawn(db).await else {
        return;
    };
    let key = |name: &'static str| {
        let store = app.store.clone();
        async move {
            let (key, prefix, hash) = auth::new_api_key();
            let id = store
                .create_api_key(name, &prefix, &hash, "beheer@hrnexus.nl")
                .await
                .unwrap();
            (key, id)
        }
    };
    let (mine, key_id) = key("HR-systeem").await;
    let (theirs, _) = key("Ander systeem").await;
    let id = scan_with_a_hidden_department(&app, ScanOwner::ApiKey(key_id)).await;
    let get = |key: String, path: String| {
        let request = app.client.get(app.url(&path)).bearer_auth(key);
        async move { request.send().await.unwrap() }
    };
    let path = format!("/api/v1/scans/{id}/report.pdf");

    let response = get(mine.clone(), path.clone()).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["content-type"], "application/pdf");
    assert!(
        response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\"autonomie-scan-")
    );
    let pdf = response.bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    if let Some(text) = pdf_text(&pdf) {
        check_report_text(&text, Lang::Nl);
    }

    assert_eq!(get(theirs, path.clone()).await.status(), 404, "another key");
    assert_eq!(
        get(mine.clone(), format!("{path}?round=2")).await.status(),
        404
    );
    let bad = get(mine.clone(), format!("{path}?round=een")).await;
    assert_eq!(bad.status(), 422);
    let body: serde_json::Value = bad.json().await.unwrap();
    assert!(body["fields"]["round"].is_string(), "{body}");
    assert_eq!(
        app.client
            .get(app.url(&path))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );

    // A round still open: withheld, as in getResults.
    let (open, round_id, _) = create_scan(&app, ScanOwner::ApiKey(key_id), &[]).await;
    respond_n(&app, round_id, None, 6, [4, 4, 4, 4, 4]).await;
    let response = get(mine, format!("/api/v1/scans/{open}/report.pdf")).await;
    assert_eq!(response.status(), 409);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["error"], "not_released");
}

#[test]
fn the_document_lists_the_pdf_report() {
    let doc = serde_json::to_value(hrnexus::web::api::openapi()).unwrap();
    let op = &doc["paths"]["/api/v1/scans/{id}/report.pdf"]["get"];
    assert_eq!(op["operationId"], "getReportPdf");
    let content = &op["responses"]["200"]["content"];
    assert!(content["application/pdf"].is_object(), "{content}");
    assert!(content.get("application/json").is_none());
    for status in ["401", "404", "409", "422"] {
        assert!(op["responses"][status].is_object(), "{status}");
    }
    // A new scan links to its report, so that clients (and the fuzz check) can follow it.
    let link = &doc["paths"]["/api/v1/scans"]["post"]["responses"]["201"]["links"]["getReportPdf"];
    assert_eq!(link["operationId"], "getReportPdf");
    assert_eq!(link["parameters"]["id"], "$response.body#/scan/id");
}

both_backends!(
    the_report_is_a_pdf_for_the_owner_only,
    an_open_round_has_no_report,
    the_api_gives_the_same_report,
);
